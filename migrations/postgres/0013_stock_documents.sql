-- The back-office stock documents of API.md §11: write-offs, stocktakings and returns to
-- suppliers. Each is a header (wired, doc_date and the audit columns, like moves) and lines;
-- what a wired document moved is in stock_movements (doc_type writeoff | inventory |
-- return), valued as of its date. Quantities in thousandths, prices in millionths.

-- reason: spoilage | staff_meal | tasting | breakage | other
CREATE TABLE writeoffs (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   BIGINT  NOT NULL,
    storage_id BIGINT  NOT NULL,
    reason     TEXT    NOT NULL
        CHECK (reason IN ('spoilage', 'staff_meal', 'tasting', 'breakage', 'other')),
    wired      BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    created_by BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
);

CREATE INDEX writeoffs_by_date ON writeoffs (account_id, doc_date);

CREATE TABLE writeoff_items (
    account_id  BIGINT  NOT NULL REFERENCES accounts (id),
    writeoff_id BIGINT  NOT NULL,
    line_no     BIGINT  NOT NULL,
    product_id  BIGINT  NOT NULL,
    qty         BIGINT  NOT NULL CHECK (qty > 0),
    PRIMARY KEY (account_id, writeoff_id, line_no),
    FOREIGN KEY (account_id, writeoff_id) REFERENCES writeoffs (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

-- full: 1 when every product with a book balance that is not listed counts as 0 (those
-- lines exist only as the document's movements, numbered after the listed ones).
CREATE TABLE inventories (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   BIGINT  NOT NULL,
    storage_id BIGINT  NOT NULL,
    full_count BIGINT  NOT NULL DEFAULT 0,
    wired      BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    created_by BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
);

CREATE INDEX inventories_by_date ON inventories (account_id, doc_date);
-- the wired full stocktakings of each storage: every stock movement dated before the latest
-- one is placed before it (it counts every product of the storage)
CREATE INDEX inventories_full ON inventories (account_id, full_count, wired, storage_id, doc_date);

CREATE TABLE inventory_items (
    account_id   BIGINT  NOT NULL REFERENCES accounts (id),
    inventory_id BIGINT  NOT NULL,
    line_no      BIGINT  NOT NULL,
    product_id   BIGINT  NOT NULL,
    counted      BIGINT  NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (account_id, inventory_id, line_no),
    UNIQUE (account_id, inventory_id, product_id),
    FOREIGN KEY (account_id, inventory_id) REFERENCES inventories (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

-- invoice_id: the invoice the goods came with, if named; price: what the supplier refunds
-- per base unit.
CREATE TABLE supplier_returns (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   BIGINT  NOT NULL,
    storage_id BIGINT  NOT NULL,
    shipper_id BIGINT  NOT NULL,
    invoice_id BIGINT,
    wired      BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    created_by BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, shipper_id) REFERENCES shippers (account_id, id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id)
);

CREATE INDEX supplier_returns_by_date ON supplier_returns (account_id, doc_date);

CREATE TABLE supplier_return_items (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    return_id  BIGINT  NOT NULL,
    line_no    BIGINT  NOT NULL,
    product_id BIGINT  NOT NULL,
    qty        BIGINT  NOT NULL CHECK (qty > 0),
    price      BIGINT  NOT NULL CHECK (price >= 0),
    PRIMARY KEY (account_id, return_id, line_no),
    FOREIGN KEY (account_id, return_id) REFERENCES supplier_returns (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);
