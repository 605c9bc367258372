-- A key's own rate limit (API.md §0, rate limits), set by the administrator. NULL: the key
-- follows the server's default (`serve --rate-limit`). rate_limit 0: the key is not limited.
-- rate_burst: how many requests the key may make at once, with rate_limit > 0.
ALTER TABLE api_keys ADD COLUMN rate_limit BIGINT;
ALTER TABLE api_keys ADD COLUMN rate_burst BIGINT;
