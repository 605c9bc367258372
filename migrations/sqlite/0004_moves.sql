-- Transfers between storages (API.md §4). Quantities in thousandths.

CREATE TABLE moves (
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    id              INTEGER NOT NULL,
    comment         TEXT    NOT NULL DEFAULT '',
    doc_date        INTEGER NOT NULL,
    storage_from_id INTEGER NOT NULL,
    storage_to_id   INTEGER NOT NULL,
    wired           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    created_by      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_from_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, storage_to_id) REFERENCES storages (account_id, id)
) WITHOUT ROWID;

CREATE INDEX moves_by_date ON moves (account_id, doc_date);

CREATE TABLE move_items (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    move_id    INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    qty        INTEGER NOT NULL,
    PRIMARY KEY (account_id, move_id, line_no),
    FOREIGN KEY (account_id, move_id) REFERENCES moves (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- planner statistics for the new tables (see 0003)
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('moves', 'moves', '1000000 100000 1'),
    ('moves', 'moves_by_date', '1000000 100000 2 1'),
    ('move_items', 'move_items', '1000000 100000 10 1');
