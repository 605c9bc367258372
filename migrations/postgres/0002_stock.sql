-- The catalog objects an integration finds or creates by ref_code, incoming invoices, and the
-- stock ledger (movements) with the balances that follow from it. Quantities are stored in
-- thousandths, unit costs and prices in millionths, money in hundredths.

CREATE TABLE packages (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    measure    TEXT    NOT NULL CHECK (measure IN ('pcs', 'kg', 'l')),
    value      BIGINT  NOT NULL,
    hidden     BIGINT  NOT NULL DEFAULT 0,
    deleted    BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code)
);

CREATE TABLE categories (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    parent_id  BIGINT,
    deleted    BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code),
    FOREIGN KEY (account_id, parent_id) REFERENCES categories (account_id, id)
);

CREATE TABLE workspaces (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    deleted    BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code)
);

CREATE TABLE shippers (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    ref_code   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    deleted    BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code)
);

-- entity_type: product | tech_map | sub_product; cancellation_type: 0 no_cancel,
-- 1 cancel_dish, 2 cancel_ingredients
CREATE TABLE products (
    account_id        BIGINT  NOT NULL REFERENCES accounts (id),
    id                BIGINT  NOT NULL,
    ref_code          TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    entity_type       TEXT    NOT NULL CHECK (entity_type IN ('product', 'tech_map', 'sub_product')),
    cancellation_type BIGINT  NOT NULL CHECK (cancellation_type IN (0, 1, 2)),
    for_sale          BIGINT  NOT NULL DEFAULT 1,
    measure           TEXT    NOT NULL CHECK (measure IN ('pcs', 'kg', 'l')),
    barcode           TEXT    NOT NULL DEFAULT '',
    country           TEXT    NOT NULL DEFAULT '',
    weight_in_gram    BIGINT  NOT NULL DEFAULT 0,
    tax_id            BIGINT,
    category_id       BIGINT,
    workspace_id      BIGINT,
    use_discounts     BIGINT  NOT NULL DEFAULT 1,
    active            BIGINT  NOT NULL DEFAULT 1,
    has_gmo           BIGINT  NOT NULL DEFAULT 0,
    free_price        BIGINT  NOT NULL DEFAULT 0,
    code              TEXT    NOT NULL DEFAULT '',
    deleted           BIGINT  NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code),
    FOREIGN KEY (account_id, tax_id) REFERENCES taxes (account_id, id),
    FOREIGN KEY (account_id, category_id) REFERENCES categories (account_id, id),
    FOREIGN KEY (account_id, workspace_id) REFERENCES workspaces (account_id, id)
);

-- price: retail price at the shop (millionths); storage_id: where sales at that shop write
-- the product off from
CREATE TABLE product_prices (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    product_id BIGINT  NOT NULL,
    shop_id    BIGINT  NOT NULL,
    storage_id BIGINT,
    price      BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, product_id, shop_id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
);

CREATE TABLE invoices (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    number     TEXT    NOT NULL,
    doc_date   BIGINT  NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    declared_sum BIGINT,
    shipper_id BIGINT,
    storage_id BIGINT  NOT NULL,
    wired      BIGINT  NOT NULL DEFAULT 0,
    paid       BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    created_by BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, shipper_id) REFERENCES shippers (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
);

CREATE INDEX invoices_by_date ON invoices (account_id, doc_date);

-- amount: packages (thousandths); qty: base units (thousandths); price: per package
-- (millionths); cost, cost_with_tax: money (hundredths)
CREATE TABLE invoice_items (
    account_id    BIGINT  NOT NULL REFERENCES accounts (id),
    invoice_id    BIGINT  NOT NULL,
    line_no       BIGINT  NOT NULL,
    product_id    BIGINT  NOT NULL,
    package_id    BIGINT  NOT NULL,
    amount        BIGINT  NOT NULL,
    qty           BIGINT  NOT NULL,
    price         BIGINT  NOT NULL,
    tax_id        BIGINT,
    cost          BIGINT  NOT NULL,
    cost_with_tax BIGINT  NOT NULL,
    PRIMARY KEY (account_id, invoice_id, line_no),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id),
    FOREIGN KEY (account_id, package_id) REFERENCES packages (account_id, id),
    FOREIGN KEY (account_id, tax_id) REFERENCES taxes (account_id, id)
);

-- The ledger: one row per wired document line and storage. doc_date and seq order the
-- movements in time so that a back-dated document can later be re-costed.
CREATE TABLE stock_movements (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    storage_id BIGINT  NOT NULL,
    product_id BIGINT  NOT NULL,
    doc_type   TEXT    NOT NULL,
    doc_id     BIGINT  NOT NULL,
    line_no    BIGINT  NOT NULL,
    doc_date   BIGINT  NOT NULL,
    qty        BIGINT  NOT NULL,
    value      BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE INDEX stock_movements_by_doc ON stock_movements (account_id, doc_type, doc_id);
CREATE INDEX stock_movements_by_item ON stock_movements (account_id, storage_id, product_id, doc_date, id);

CREATE TABLE stock_balances (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    storage_id BIGINT  NOT NULL,
    product_id BIGINT  NOT NULL,
    qty        BIGINT  NOT NULL,
    value      BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, storage_id, product_id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

-- Answers to POST requests sent with an Idempotency-Key header, kept so a retry gets the
-- first answer. status 0: the first request is still being served.
CREATE TABLE idempotency_keys (
    account_id   BIGINT  NOT NULL REFERENCES accounts (id),
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       BIGINT  NOT NULL,
    body         TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (account_id, key)
);
