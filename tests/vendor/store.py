import requests

api_key = "CAFFESTA-X-API-KEY"

url = 'https://{account_name}.caffesta.com/a/v1.0/draft/store/{caf_storage_id}'
headers = {"X-API_KEY": api_key}

resp = requests.get(url=url, headers=headers)

print(resp)
