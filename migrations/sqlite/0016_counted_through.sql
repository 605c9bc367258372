-- The latest date of any wired full stocktaking of the account (an upper bound: unwiring one
-- leaves it). A movement dated before it may have to enter a full stocktaking's count, so the
-- ledger sends it through re-costing, which looks at the storage's own stocktakings. Kept
-- here, beside the lock date, so that a sale reads both in the one statement it already
-- makes: measured, a separate read of the stocktakings cost a till ~4% of its receipts.
ALTER TABLE accounts ADD COLUMN counted_through BIGINT;

UPDATE accounts SET counted_through = (
    SELECT MAX(i.doc_date) FROM inventories i
    WHERE i.account_id = accounts.id AND i.full_count = 1 AND i.wired = 1
);
