-- Foundation: accounts, per-account id counters, API keys, and the objects an administrator
-- creates beforehand (storages, shops, taxes, payment types). Every table but `accounts` is
-- keyed by (account_id, id). Decimals are scaled integers; flags are 0/1; instants are Unix
-- seconds.

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    timezone     TEXT    NOT NULL,
    stock_module INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL
);

CREATE TABLE id_counters (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    kind       TEXT    NOT NULL,
    last_id    INTEGER NOT NULL,
    PRIMARY KEY (account_id, kind)
) WITHOUT ROWID;

CREATE TABLE storages (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

CREATE TABLE shops (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    storage_id INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
) WITHOUT ROWID;

-- rate: percent scaled by 100 (20% = 2000)
CREATE TABLE taxes (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    rate       INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

CREATE TABLE payment_types (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('cash', 'card', 'cashless', 'bonus', 'credit')),
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

-- key_hash: hex SHA-256 of the key; the key itself is never stored.
CREATE TABLE api_keys (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    key_hash   TEXT    NOT NULL,
    key_prefix TEXT    NOT NULL,
    scope      TEXT    NOT NULL CHECK (scope IN ('api', 'terminal', 'admin')),
    shop_id    INTEGER,
    label      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
