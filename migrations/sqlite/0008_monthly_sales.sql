-- Sales per calendar month, shop, product and unit price: an export over whole months reads
-- these (about a thirtieth of the daily rows) and the daily rows only for the partial months
-- at its ends. Kept by the same transaction that keeps sales_daily.
CREATE TABLE sales_monthly (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    month      TEXT    NOT NULL,
    shop_id    INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    price      INTEGER NOT NULL,
    qty        INTEGER NOT NULL,
    discount   INTEGER NOT NULL,
    total_sum  INTEGER NOT NULL,
    cash       INTEGER NOT NULL,
    card       INTEGER NOT NULL,
    cashless   INTEGER NOT NULL,
    bonus      INTEGER NOT NULL,
    credit     INTEGER NOT NULL,
    PRIMARY KEY (account_id, month, shop_id, product_id, price)
) WITHOUT ROWID;

-- planner statistics (see 0003)
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('sales_monthly', 'sales_monthly', '1000000 100000 30000 1500 5 1');
