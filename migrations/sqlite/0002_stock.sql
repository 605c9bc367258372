-- The catalog objects an integration finds or creates by ref_code, incoming invoices, and the
-- stock ledger (movements) with the balances that follow from it. Quantities are stored in
-- thousandths, unit costs and prices in millionths, money in hundredths.

CREATE TABLE packages (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    measure    TEXT    NOT NULL CHECK (measure IN ('pcs', 'kg', 'l')),
    value      INTEGER NOT NULL,
    hidden     INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code)
) WITHOUT ROWID;

CREATE TABLE categories (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    parent_id  INTEGER,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code),
    FOREIGN KEY (account_id, parent_id) REFERENCES categories (account_id, id)
) WITHOUT ROWID;

CREATE TABLE workspaces (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code)
) WITHOUT ROWID;

CREATE TABLE shippers (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code)
) WITHOUT ROWID;

-- entity_type: product | tech_map | sub_product; cancellation_type: 0 no_cancel,
-- 1 cancel_dish, 2 cancel_ingredients
CREATE TABLE products (
    account_id        INTEGER NOT NULL REFERENCES accounts (id),
    id                INTEGER NOT NULL,
    ref_code          TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    entity_type       TEXT    NOT NULL CHECK (entity_type IN ('product', 'tech_map', 'sub_product')),
    cancellation_type INTEGER NOT NULL CHECK (cancellation_type IN (0, 1, 2)),
    for_sale          INTEGER NOT NULL DEFAULT 1,
    measure           TEXT    NOT NULL CHECK (measure IN ('pcs', 'kg', 'l')),
    barcode           TEXT    NOT NULL DEFAULT '',
    country           TEXT    NOT NULL DEFAULT '',
    weight_in_gram    INTEGER NOT NULL DEFAULT 0,
    tax_id            INTEGER,
    category_id       INTEGER,
    workspace_id      INTEGER,
    use_discounts     INTEGER NOT NULL DEFAULT 1,
    active            INTEGER NOT NULL DEFAULT 1,
    has_gmo           INTEGER NOT NULL DEFAULT 0,
    free_price        INTEGER NOT NULL DEFAULT 0,
    code              TEXT    NOT NULL DEFAULT '',
    deleted           INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code),
    FOREIGN KEY (account_id, tax_id) REFERENCES taxes (account_id, id),
    FOREIGN KEY (account_id, category_id) REFERENCES categories (account_id, id),
    FOREIGN KEY (account_id, workspace_id) REFERENCES workspaces (account_id, id)
) WITHOUT ROWID;

-- price: retail price at the shop (millionths); storage_id: where sales at that shop write
-- the product off from
CREATE TABLE product_prices (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    product_id INTEGER NOT NULL,
    shop_id    INTEGER NOT NULL,
    storage_id INTEGER,
    price      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, product_id, shop_id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
) WITHOUT ROWID;

CREATE TABLE invoices (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    number     TEXT    NOT NULL,
    doc_date   INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    declared_sum INTEGER,
    shipper_id INTEGER,
    storage_id INTEGER NOT NULL,
    wired      INTEGER NOT NULL DEFAULT 0,
    paid       INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, shipper_id) REFERENCES shippers (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
) WITHOUT ROWID;

CREATE INDEX invoices_by_date ON invoices (account_id, doc_date);

-- amount: packages (thousandths); qty: base units (thousandths); price: per package
-- (millionths); cost, cost_with_tax: money (hundredths)
CREATE TABLE invoice_items (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    invoice_id    INTEGER NOT NULL,
    line_no       INTEGER NOT NULL,
    product_id    INTEGER NOT NULL,
    package_id    INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    qty           INTEGER NOT NULL,
    price         INTEGER NOT NULL,
    tax_id        INTEGER,
    cost          INTEGER NOT NULL,
    cost_with_tax INTEGER NOT NULL,
    PRIMARY KEY (account_id, invoice_id, line_no),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id),
    FOREIGN KEY (account_id, package_id) REFERENCES packages (account_id, id),
    FOREIGN KEY (account_id, tax_id) REFERENCES taxes (account_id, id)
) WITHOUT ROWID;

-- The ledger: one row per wired document line and storage. doc_date and seq order the
-- movements in time so that a back-dated document can later be re-costed.
CREATE TABLE stock_movements (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    storage_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    doc_type   TEXT    NOT NULL,
    doc_id     INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,
    doc_date   INTEGER NOT NULL,
    qty        INTEGER NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

CREATE INDEX stock_movements_by_doc ON stock_movements (account_id, doc_type, doc_id);
CREATE INDEX stock_movements_by_item ON stock_movements (account_id, storage_id, product_id, doc_date, id);

CREATE TABLE stock_balances (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    storage_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    qty        INTEGER NOT NULL,
    value      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, storage_id, product_id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- Answers to POST requests sent with an Idempotency-Key header, kept so a retry gets the
-- first answer. status 0: the first request is still being served.
CREATE TABLE idempotency_keys (
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
