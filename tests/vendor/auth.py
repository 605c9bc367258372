import requests

api_key = "CAFFESTA-X-API-KEY"

url = "https://{account_name}.caffesta.com/a/v1.0/storage/test"
headers = {"X-API_KEY": api_key}

resp = requests.get(url, headers=headers)

print(resp)
