-- The back-office stock documents of API.md §11: write-offs, stocktakings and returns to
-- suppliers. Each is a header (wired, doc_date and the audit columns, like moves) and lines;
-- what a wired document moved is in stock_movements (doc_type writeoff | inventory |
-- return), valued as of its date. Quantities in thousandths, prices in millionths.

-- reason: spoilage | staff_meal | tasting | breakage | other
CREATE TABLE writeoffs (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   INTEGER NOT NULL,
    storage_id INTEGER NOT NULL,
    reason     TEXT    NOT NULL
        CHECK (reason IN ('spoilage', 'staff_meal', 'tasting', 'breakage', 'other')),
    wired      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
) WITHOUT ROWID;

CREATE INDEX writeoffs_by_date ON writeoffs (account_id, doc_date);

CREATE TABLE writeoff_items (
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    writeoff_id INTEGER NOT NULL,
    line_no     INTEGER NOT NULL,
    product_id  INTEGER NOT NULL,
    qty         INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (account_id, writeoff_id, line_no),
    FOREIGN KEY (account_id, writeoff_id) REFERENCES writeoffs (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- full: 1 when every product with a book balance that is not listed counts as 0 (those
-- lines exist only as the document's movements, numbered after the listed ones).
CREATE TABLE inventories (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   INTEGER NOT NULL,
    storage_id INTEGER NOT NULL,
    full_count INTEGER NOT NULL DEFAULT 0,
    wired      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id)
) WITHOUT ROWID;

CREATE INDEX inventories_by_date ON inventories (account_id, doc_date);
-- the wired full stocktakings of each storage: every stock movement dated before the latest
-- one is placed before it (it counts every product of the storage)
CREATE INDEX inventories_full ON inventories (account_id, full_count, wired, storage_id, doc_date);

CREATE TABLE inventory_items (
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    inventory_id INTEGER NOT NULL,
    line_no      INTEGER NOT NULL,
    product_id   INTEGER NOT NULL,
    counted      INTEGER NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (account_id, inventory_id, line_no),
    UNIQUE (account_id, inventory_id, product_id),
    FOREIGN KEY (account_id, inventory_id) REFERENCES inventories (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- invoice_id: the invoice the goods came with, if named; price: what the supplier refunds
-- per base unit.
CREATE TABLE supplier_returns (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   INTEGER NOT NULL,
    storage_id INTEGER NOT NULL,
    shipper_id INTEGER NOT NULL,
    invoice_id INTEGER,
    wired      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, shipper_id) REFERENCES shippers (account_id, id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES invoices (account_id, id)
) WITHOUT ROWID;

CREATE INDEX supplier_returns_by_date ON supplier_returns (account_id, doc_date);

CREATE TABLE supplier_return_items (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    return_id  INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    qty        INTEGER NOT NULL CHECK (qty > 0),
    price      INTEGER NOT NULL CHECK (price >= 0),
    PRIMARY KEY (account_id, return_id, line_no),
    FOREIGN KEY (account_id, return_id) REFERENCES supplier_returns (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- planner statistics for the new tables (see 0003)
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('writeoffs', 'writeoffs', '1000000 100000 1'),
    ('writeoffs', 'writeoffs_by_date', '1000000 100000 2 1'),
    ('writeoff_items', 'writeoff_items', '1000000 100000 10 1'),
    ('inventories', 'inventories', '1000000 100000 1'),
    ('inventories', 'inventories_by_date', '1000000 100000 2 1'),
    ('inventories', 'inventories_full', '1000000 100000 50000 50000 2000 1'),
    ('inventory_items', 'inventory_items', '1000000 100000 100 1'),
    ('inventory_items', 'sqlite_autoindex_inventory_items_2', '1000000 100000 100 1'),
    ('supplier_returns', 'supplier_returns', '1000000 100000 1'),
    ('supplier_returns', 'supplier_returns_by_date', '1000000 100000 2 1'),
    ('supplier_return_items', 'supplier_return_items', '1000000 100000 10 1');
