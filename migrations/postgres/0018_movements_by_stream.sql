-- The ledger keyed by stream (a storage's product in date order), as on SQLite, where the
-- table itself is kept in that order (see the SQLite migration): the stream index
-- `stock_movements_by_item` becomes the primary key, carrying what the movement report and
-- balances at an instant sum (INCLUDE: not part of the key, read from the index alone), and a
-- movement is found by its id through a unique index of its own (mirrors name their source by
-- id). A re-valued row is found by its whole key.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_pkey;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_pkey
    PRIMARY KEY (account_id, storage_id, product_id, doc_date, id) INCLUDE (doc_type, qty, value);
CREATE UNIQUE INDEX stock_movements_by_id ON stock_movements (account_id, id);
DROP INDEX stock_movements_by_item;
