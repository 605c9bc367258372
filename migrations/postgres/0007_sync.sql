-- Sync feeds and sales exports (API.md §8–§9): the per-section last-change marks that
-- `get_updates` answers, modifier groups, indexes for incremental feeds, and per-day sales
-- aggregates kept up to date by the transaction that closes or annuls a receipt.

-- ts: Unix seconds of the last write to the section; bumped in that write's transaction.
CREATE TABLE change_marks (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    section    TEXT    NOT NULL,
    ts         BIGINT NOT NULL,
    PRIMARY KEY (account_id, section)
);

CREATE TABLE modifier_groups (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    name       TEXT    NOT NULL,
    multiple   BIGINT NOT NULL DEFAULT 0,
    min_count  BIGINT NOT NULL DEFAULT 0,
    max_count  BIGINT NOT NULL DEFAULT 1,
    deleted    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- count: thousandths of the product per modifier; price: money for that count.
CREATE TABLE modifier_items (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    group_id   BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    price      BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, group_id) REFERENCES modifier_groups (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE TABLE modifier_attachments (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    group_id   BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, group_id, product_id),
    FOREIGN KEY (account_id, group_id) REFERENCES modifier_groups (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE INDEX clients_by_update ON clients (account_id, updated_at);
CREATE INDEX balances_by_update ON stock_balances (account_id, storage_id, updated_at);

-- Sales per calendar day (account time zone) and cash day, shop, product and unit price,
-- signed by income (an annulment subtracts). Money in hundredths, qty in thousandths, price
-- in millionths. The payment kinds split each receipt's payments over its lines.
CREATE TABLE sales_daily (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    day        TEXT    NOT NULL,
    shift_day  TEXT    NOT NULL,
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
    PRIMARY KEY (account_id, day, shift_day, shop_id, product_id, price)
);

CREATE INDEX sales_daily_by_shift_day ON sales_daily (account_id, shift_day);

-- The same per workspace (0: none), for the totals export.
CREATE TABLE sales_daily_workspaces (
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    day          TEXT    NOT NULL,
    shift_day    TEXT    NOT NULL,
    shop_id      BIGINT NOT NULL,
    workspace_id BIGINT NOT NULL,
    qty          BIGINT NOT NULL,
    discount     BIGINT NOT NULL,
    total_sum    BIGINT NOT NULL,
    cash         BIGINT NOT NULL,
    card         BIGINT NOT NULL,
    cashless     BIGINT NOT NULL,
    bonus        BIGINT NOT NULL,
    credit       BIGINT NOT NULL,
    PRIMARY KEY (account_id, day, shift_day, shop_id, workspace_id)
);

CREATE INDEX sales_daily_workspaces_by_shift_day ON sales_daily_workspaces (account_id, shift_day);

