-- The dated ledger (API.md §11): each movement says how it is valued, so that a change in
-- the past can value again what came after it.
-- rule: fixed (quantity and value as given), average (out at the average cost as of its
-- date), mirror (the opposite of movement source_id), count (to target on hand; cost: the
-- cost declared for stock found on an empty shelf, else the last cost that came in).
-- Columns of an existing table: the planner statistics of 0003 still describe it.
ALTER TABLE stock_movements ADD COLUMN rule TEXT NOT NULL DEFAULT 'fixed'
    CHECK (rule IN ('fixed', 'average', 'mirror', 'count'));
ALTER TABLE stock_movements ADD COLUMN source_id BIGINT;
ALTER TABLE stock_movements ADD COLUMN target BIGINT;
ALTER TABLE stock_movements ADD COLUMN cost BIGINT;
CREATE INDEX stock_movements_by_source ON stock_movements (account_id, source_id);
-- a storage's movements by date, covering what the movement report and balances at an instant
-- sum (read from the index alone, not from rows spread over the table)
CREATE INDEX stock_movements_by_date ON stock_movements (account_id, storage_id, doc_date, product_id, doc_type, qty, value);

-- last_date: the latest doc_date among the balance's movements (an upper bound): a movement
-- dated at or after it is the latest and is valued at once.
ALTER TABLE stock_balances ADD COLUMN last_date BIGINT NOT NULL DEFAULT 0;
UPDATE stock_balances SET last_date = COALESCE((SELECT MAX(m.doc_date) FROM stock_movements m
    WHERE m.account_id = stock_balances.account_id AND m.storage_id = stock_balances.storage_id
    AND m.product_id = stock_balances.product_id), 0);

-- What was posted before: sales and transfers out went out at the average cost; a transfer's
-- destination side (posted right after its source side) and an annulment's movements (posted
-- in the order of the sale's) mirror them. Adjustments keep the values they were posted with.
UPDATE stock_movements SET rule = 'average' WHERE doc_type IN ('move', 'receipt') AND qty < 0;
UPDATE stock_movements SET rule = 'mirror', source_id = id - 1 WHERE doc_type = 'move' AND qty > 0;
UPDATE stock_movements SET rule = 'mirror', source_id = id
    - (SELECT MIN(c.id) FROM stock_movements c WHERE c.account_id = stock_movements.account_id
       AND c.doc_type = 'receipt' AND c.doc_id = stock_movements.doc_id)
    + (SELECT MIN(o.id) FROM stock_movements o JOIN receipts r
       ON r.account_id = o.account_id AND r.origin_id = o.doc_id
       WHERE r.account_id = stock_movements.account_id AND r.id = stock_movements.doc_id
       AND o.doc_type = 'receipt')
    WHERE doc_type = 'receipt' AND qty > 0 AND EXISTS (SELECT 1 FROM receipts r
       WHERE r.account_id = stock_movements.account_id AND r.id = stock_movements.doc_id
       AND r.origin_id IS NOT NULL);

-- cost: what stock found on an empty shelf is valued at (millionths), as the count declared it.
ALTER TABLE adjustment_items ADD COLUMN cost BIGINT;
