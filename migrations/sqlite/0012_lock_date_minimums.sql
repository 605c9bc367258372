-- The lock date and the minimums (API.md §11).
-- lock_date: a calendar day (YYYY-MM-DD) in the account's time zone, or NULL; a stock document
-- dated before the end of that day can be neither created, wired nor unwired.
ALTER TABLE accounts ADD COLUMN lock_date TEXT;

-- The quantity (thousandths) below which a product's balance in a storage is "below minimum"
-- (the dashboard's list and the stock.below_minimum webhook event).
CREATE TABLE stock_minimums (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    storage_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    qty        INTEGER NOT NULL CHECK (qty >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, storage_id, product_id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;
