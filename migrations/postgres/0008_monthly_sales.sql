-- Sales per calendar month, shop, product and unit price: an export over whole months reads
-- these (about a thirtieth of the daily rows) and the daily rows only for the partial months
-- at its ends. Kept by the same transaction that keeps sales_daily.
CREATE TABLE sales_monthly (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    month      TEXT    NOT NULL,
    shop_id    BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    price      BIGINT NOT NULL,
    qty        BIGINT NOT NULL,
    discount   BIGINT NOT NULL,
    total_sum  BIGINT NOT NULL,
    cash       BIGINT NOT NULL,
    card       BIGINT NOT NULL,
    cashless   BIGINT NOT NULL,
    bonus      BIGINT NOT NULL,
    credit     BIGINT NOT NULL,
    PRIMARY KEY (account_id, month, shop_id, product_id, price)
);

