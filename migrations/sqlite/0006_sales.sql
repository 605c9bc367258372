-- Selling (API.md §6–§7): discount groups and clients, cash shifts, receipts (which are also
-- the orders that delivery integrations send), their lines and payments, and the durable job
-- queue that turns delivery orders into receipts. Quantities in thousandths, unit prices in
-- millionths, money in hundredths, rates in hundredths of a percent.

CREATE TABLE discount_groups (
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    id                  INTEGER NOT NULL,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('discount', 'bonus')),
    rate                INTEGER NOT NULL,
    bonus_max_bill_rate INTEGER NOT NULL,
    deleted             INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

-- Clients are named by UUID. norm_phone: the phone's digits; norm_name: name and last name,
-- lower case. bonus_balance and pay_balance: money.
CREATE TABLE clients (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    uuid          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    last_name     TEXT    NOT NULL DEFAULT '',
    norm_name     TEXT    NOT NULL,
    phone         TEXT    NOT NULL DEFAULT '',
    norm_phone    TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL DEFAULT '',
    email         TEXT,
    card_number   TEXT    NOT NULL DEFAULT '',
    birthday      TEXT,
    sex           TEXT,
    group_id      INTEGER,
    bonus_balance INTEGER NOT NULL DEFAULT 0,
    pay_balance   INTEGER NOT NULL DEFAULT 0,
    deleted_at    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, uuid),
    FOREIGN KEY (account_id, group_id) REFERENCES discount_groups (account_id, id)
) WITHOUT ROWID;

CREATE INDEX clients_by_phone ON clients (account_id, norm_phone);
CREATE INDEX clients_by_card ON clients (account_id, card_number);

-- One open shift per shop: the partial unique index makes a second open fail.
CREATE TABLE shifts (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    shop_id    INTEGER NOT NULL,
    shift_day  TEXT    NOT NULL,
    opened_at  INTEGER NOT NULL,
    closed_at  INTEGER,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX shifts_open_per_shop ON shifts (account_id, shop_id) WHERE closed_at IS NULL;

-- A receipt, or an order on its way to becoming one. id: the ledger's document id; uuid: the
-- API's. income: 1 a sale, -1 the counter-receipt of an annulment (origin_id: the sale).
-- shop_id NULL or sent = 0: an order waiting in the back office, not shown to any terminal.
CREATE TABLE receipts (
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    id               INTEGER NOT NULL,
    uuid             TEXT    NOT NULL,
    shop_id          INTEGER,
    sent             INTEGER NOT NULL DEFAULT 1,
    shift_id         INTEGER,
    shift_day        TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('wait_cashier', 'active', 'cooking', 'cooked', 'packed', 'closed', 'cancel', 'annuled')),
    income           INTEGER NOT NULL DEFAULT 1,
    origin_id        INTEGER,
    source           TEXT    NOT NULL CHECK (source IN ('pos', 'delivery')),
    app_id           INTEGER,
    delivery_type    INTEGER,
    client_uuid      TEXT,
    count_clients    INTEGER NOT NULL DEFAULT 1,
    comment          TEXT    NOT NULL DEFAULT '',
    delivery_address TEXT    NOT NULL DEFAULT '',
    total            INTEGER NOT NULL,
    total_sum        INTEGER NOT NULL,
    discount_sum     INTEGER NOT NULL,
    bonus_accrued    INTEGER NOT NULL DEFAULT 0,
    bonus_spent      INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    closed_at        INTEGER,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, uuid),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id),
    FOREIGN KEY (account_id, shift_id) REFERENCES shifts (account_id, id),
    FOREIGN KEY (account_id, client_uuid) REFERENCES clients (account_id, uuid)
) WITHOUT ROWID;

CREATE INDEX receipts_by_shop_status ON receipts (account_id, shop_id, status, id);
CREATE INDEX receipts_by_shift_day ON receipts (account_id, shift_day, shop_id);
CREATE INDEX receipts_by_closed_at ON receipts (account_id, closed_at);

-- parent_line: the line a modifier belongs to. price, origin_price: per unit; count: quantity;
-- self_cost_sum: the value the line wrote off the ledger.
CREATE TABLE receipt_lines (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    receipt_id    INTEGER NOT NULL,
    line_no       INTEGER NOT NULL,
    uuid          TEXT    NOT NULL,
    product_id    INTEGER NOT NULL,
    parent_line   INTEGER,
    title         TEXT    NOT NULL DEFAULT '',
    count         INTEGER NOT NULL,
    price         INTEGER NOT NULL,
    origin_price  INTEGER NOT NULL,
    discount_sum  INTEGER NOT NULL,
    total_sum     INTEGER NOT NULL,
    self_cost_sum INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, receipt_id, line_no),
    FOREIGN KEY (account_id, receipt_id) REFERENCES receipts (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

CREATE TABLE receipt_payments (
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    receipt_id      INTEGER NOT NULL,
    line_no         INTEGER NOT NULL,
    payment_type_id INTEGER NOT NULL,
    value           INTEGER NOT NULL,
    PRIMARY KEY (account_id, receipt_id, line_no),
    FOREIGN KEY (account_id, receipt_id) REFERENCES receipts (account_id, id),
    FOREIGN KEY (account_id, payment_type_id) REFERENCES payment_types (account_id, id)
) WITHOUT ROWID;

-- The durable job queue: a job is done in the same transaction that moves it off `pending`,
-- so that it happens exactly once whatever crashes and however many workers there are.
CREATE TABLE jobs (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'success', 'failed')),
    message    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

CREATE INDEX jobs_pending ON jobs (status, created_at);

-- planner statistics for the new tables (see 0003)
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('discount_groups', 'discount_groups', '1000000 100000 1'),
    ('clients', 'clients', '1000000 100000 1'),
    ('clients', 'clients_by_phone', '1000000 100000 2'),
    ('clients', 'clients_by_card', '1000000 100000 2'),
    ('shifts', 'shifts', '1000000 100000 1'),
    ('shifts', 'shifts_open_per_shop', '1000 1 1'),
    ('receipts', 'receipts', '1000000 100000 1'),
    ('receipts', 'sqlite_autoindex_receipts_2', '1000000 100000 1'),
    ('receipts', 'receipts_by_shop_status', '1000000 100000 20000 5000 1'),
    ('receipts', 'receipts_by_shift_day', '1000000 100000 300 100'),
    ('receipts', 'receipts_by_closed_at', '1000000 100000 2'),
    ('receipt_lines', 'receipt_lines', '1000000 100000 5 1'),
    ('receipt_payments', 'receipt_payments', '1000000 100000 2 1'),
    ('jobs', 'jobs', '1000000 100000 1'),
    ('jobs', 'jobs_pending', '1000000 1000 2');
