-- The ledger kept in stream order: a storage's product in date order is one range of the
-- table, not rows scattered over it in posting order. A back-dated document re-values the
-- later movements of its streams (API.md §11): keyed by posting order, the ~90,000 rows a
-- back-dated invoice re-values on a year's ledger sat on ~18,000 pages, each read and written
-- again; keyed by stream they sit on a few hundred. The stream index the table used to carry
-- beside it (0015's covering `stock_movements_by_item`) is now the table itself, so a sale
-- still enters as many b-trees as before, and the movement report and balances at an instant
-- read the same ranges.
--
-- Movements never change their storage, product or date: a document's date or lines change
-- only while it is unwired, and wiring writes its movements afresh.
CREATE TABLE stock_movements_by_stream (
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
    rule       TEXT    NOT NULL DEFAULT 'fixed'
        CHECK (rule IN ('fixed', 'average', 'mirror', 'count')),
    source_id  INTEGER,
    target     INTEGER,
    cost       INTEGER,
    PRIMARY KEY (account_id, storage_id, product_id, doc_date, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

INSERT INTO stock_movements_by_stream (account_id, id, storage_id, product_id, doc_type, doc_id,
    line_no, doc_date, qty, value, rule, source_id, target, cost)
SELECT account_id, id, storage_id, product_id, doc_type, doc_id, line_no, doc_date, qty, value,
    rule, source_id, target, cost
FROM stock_movements ORDER BY account_id, storage_id, product_id, doc_date, id;

DROP TABLE stock_movements;
ALTER TABLE stock_movements_by_stream RENAME TO stock_movements;

-- a movement by its id (mirrors name their source by id; ids stay unique in an account)
CREATE UNIQUE INDEX stock_movements_by_id ON stock_movements (account_id, id);
CREATE INDEX stock_movements_by_doc ON stock_movements (account_id, doc_type, doc_id);
CREATE INDEX stock_movements_by_source ON stock_movements (account_id, source_id)
    WHERE source_id IS NOT NULL;

-- planner statistics for them (see 0003)
DELETE FROM sqlite_stat1 WHERE tbl IN ('stock_movements', 'stock_movements_by_stream');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('stock_movements', 'stock_movements', '1000000 100000 20000 50 2 1'),
    ('stock_movements', 'stock_movements_by_id', '1000000 100000 1'),
    ('stock_movements', 'stock_movements_by_doc', '1000000 100000 30000 10 1'),
    ('stock_movements', 'stock_movements_by_source', '100000 10000 1');
