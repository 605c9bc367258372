-- Sync feeds and sales exports (API.md §8–§9): the per-section last-change marks that
-- `get_updates` answers, modifier groups, indexes for incremental feeds, and per-day sales
-- aggregates kept up to date by the transaction that closes or annuls a receipt.

-- ts: Unix seconds of the last write to the section; bumped in that write's transaction.
CREATE TABLE change_marks (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    section    TEXT    NOT NULL,
    ts         INTEGER NOT NULL,
    PRIMARY KEY (account_id, section)
) WITHOUT ROWID;

CREATE TABLE modifier_groups (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    multiple   INTEGER NOT NULL DEFAULT 0,
    min_count  INTEGER NOT NULL DEFAULT 0,
    max_count  INTEGER NOT NULL DEFAULT 1,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

-- count: thousandths of the product per modifier; price: money for that count.
CREATE TABLE modifier_items (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    group_id   INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    price      INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, group_id) REFERENCES modifier_groups (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

CREATE TABLE modifier_attachments (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    group_id   INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    PRIMARY KEY (account_id, group_id, product_id),
    FOREIGN KEY (account_id, group_id) REFERENCES modifier_groups (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

CREATE INDEX clients_by_update ON clients (account_id, updated_at);
CREATE INDEX balances_by_update ON stock_balances (account_id, storage_id, updated_at);

-- Sales per calendar day (account time zone) and cash day, shop, product and unit price,
-- signed by income (an annulment subtracts). Money in hundredths, qty in thousandths, price
-- in millionths. The payment kinds split each receipt's payments over its lines.
CREATE TABLE sales_daily (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    day        TEXT    NOT NULL,
    shift_day  TEXT    NOT NULL,
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
    PRIMARY KEY (account_id, day, shift_day, shop_id, product_id, price)
) WITHOUT ROWID;

CREATE INDEX sales_daily_by_shift_day ON sales_daily (account_id, shift_day);

-- The same per workspace (0: none), for the totals export.
CREATE TABLE sales_daily_workspaces (
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    day          TEXT    NOT NULL,
    shift_day    TEXT    NOT NULL,
    shop_id      INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    qty          INTEGER NOT NULL,
    discount     INTEGER NOT NULL,
    total_sum    INTEGER NOT NULL,
    cash         INTEGER NOT NULL,
    card         INTEGER NOT NULL,
    cashless     INTEGER NOT NULL,
    bonus        INTEGER NOT NULL,
    credit       INTEGER NOT NULL,
    PRIMARY KEY (account_id, day, shift_day, shop_id, workspace_id)
) WITHOUT ROWID;

CREATE INDEX sales_daily_workspaces_by_shift_day ON sales_daily_workspaces (account_id, shift_day);

-- planner statistics for the new tables and indexes (see 0003)
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('change_marks', 'change_marks', '10000 10 1'),
    ('modifier_groups', 'modifier_groups', '1000000 100000 1'),
    ('modifier_items', 'modifier_items', '1000000 100000 1'),
    ('modifier_attachments', 'modifier_attachments', '1000000 100000 10 1'),
    ('clients', 'clients_by_update', '1000000 100000 2'),
    ('stock_balances', 'balances_by_update', '1000000 100000 20000 2'),
    ('sales_daily', 'sales_daily', '1000000 100000 1000 1000 50 5 1'),
    ('sales_daily', 'sales_daily_by_shift_day', '1000000 100000 1000'),
    ('sales_daily_workspaces', 'sales_daily_workspaces', '1000000 100000 60 60 5 1'),
    ('sales_daily_workspaces', 'sales_daily_workspaces_by_shift_day', '1000000 100000 60');
