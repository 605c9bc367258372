-- Selling (API.md §6–§7): discount groups and clients, cash shifts, receipts (which are also
-- the orders that delivery integrations send), their lines and payments, and the durable job
-- queue that turns delivery orders into receipts. Quantities in thousandths, unit prices in
-- millionths, money in hundredths, rates in hundredths of a percent.

CREATE TABLE discount_groups (
    account_id          BIGINT NOT NULL REFERENCES accounts (id),
    id                  BIGINT NOT NULL,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('discount', 'bonus')),
    rate                BIGINT NOT NULL,
    bonus_max_bill_rate BIGINT NOT NULL,
    deleted             BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- Clients are named by UUID. norm_phone: the phone's digits; norm_name: name and last name,
-- lower case. bonus_balance and pay_balance: money.
CREATE TABLE clients (
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
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
    group_id      BIGINT,
    bonus_balance BIGINT NOT NULL DEFAULT 0,
    pay_balance   BIGINT NOT NULL DEFAULT 0,
    deleted_at    BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, uuid),
    FOREIGN KEY (account_id, group_id) REFERENCES discount_groups (account_id, id)
);

CREATE INDEX clients_by_phone ON clients (account_id, norm_phone);
CREATE INDEX clients_by_card ON clients (account_id, card_number);

-- One open shift per shop: the partial unique index makes a second open fail.
CREATE TABLE shifts (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    shop_id    BIGINT NOT NULL,
    shift_day  TEXT    NOT NULL,
    opened_at  BIGINT NOT NULL,
    closed_at  BIGINT,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id)
);

CREATE UNIQUE INDEX shifts_open_per_shop ON shifts (account_id, shop_id) WHERE closed_at IS NULL;

-- A receipt, or an order on its way to becoming one. id: the ledger's document id; uuid: the
-- API's. income: 1 a sale, -1 the counter-receipt of an annulment (origin_id: the sale).
-- shop_id NULL or sent = 0: an order waiting in the back office, not shown to any terminal.
CREATE TABLE receipts (
    account_id       BIGINT NOT NULL REFERENCES accounts (id),
    id               BIGINT NOT NULL,
    uuid             TEXT    NOT NULL,
    shop_id          BIGINT,
    sent             BIGINT NOT NULL DEFAULT 1,
    shift_id         BIGINT,
    shift_day        TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('wait_cashier', 'active', 'cooking', 'cooked', 'packed', 'closed', 'cancel', 'annuled')),
    income           BIGINT NOT NULL DEFAULT 1,
    origin_id        BIGINT,
    source           TEXT    NOT NULL CHECK (source IN ('pos', 'delivery')),
    app_id           BIGINT,
    delivery_type    BIGINT,
    client_uuid      TEXT,
    count_clients    BIGINT NOT NULL DEFAULT 1,
    comment          TEXT    NOT NULL DEFAULT '',
    delivery_address TEXT    NOT NULL DEFAULT '',
    total            BIGINT NOT NULL,
    total_sum        BIGINT NOT NULL,
    discount_sum     BIGINT NOT NULL,
    bonus_accrued    BIGINT NOT NULL DEFAULT 0,
    bonus_spent      BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    started_at       BIGINT,
    closed_at        BIGINT,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, uuid),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id),
    FOREIGN KEY (account_id, shift_id) REFERENCES shifts (account_id, id),
    FOREIGN KEY (account_id, client_uuid) REFERENCES clients (account_id, uuid)
);

CREATE INDEX receipts_by_shop_status ON receipts (account_id, shop_id, status, id);
CREATE INDEX receipts_by_shift_day ON receipts (account_id, shift_day, shop_id);
CREATE INDEX receipts_by_closed_at ON receipts (account_id, closed_at);

-- parent_line: the line a modifier belongs to. price, origin_price: per unit; count: quantity;
-- self_cost_sum: the value the line wrote off the ledger.
CREATE TABLE receipt_lines (
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    receipt_id    BIGINT NOT NULL,
    line_no       BIGINT NOT NULL,
    uuid          TEXT    NOT NULL,
    product_id    BIGINT NOT NULL,
    parent_line   BIGINT,
    title         TEXT    NOT NULL DEFAULT '',
    count         BIGINT NOT NULL,
    price         BIGINT NOT NULL,
    origin_price  BIGINT NOT NULL,
    discount_sum  BIGINT NOT NULL,
    total_sum     BIGINT NOT NULL,
    self_cost_sum BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, receipt_id, line_no),
    FOREIGN KEY (account_id, receipt_id) REFERENCES receipts (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE TABLE receipt_payments (
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    receipt_id      BIGINT NOT NULL,
    line_no         BIGINT NOT NULL,
    payment_type_id BIGINT NOT NULL,
    value           BIGINT NOT NULL,
    PRIMARY KEY (account_id, receipt_id, line_no),
    FOREIGN KEY (account_id, receipt_id) REFERENCES receipts (account_id, id),
    FOREIGN KEY (account_id, payment_type_id) REFERENCES payment_types (account_id, id)
);

-- The durable job queue: a job is done in the same transaction that moves it off `pending`,
-- so that it happens exactly once whatever crashes and however many workers there are.
CREATE TABLE jobs (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'success', 'failed')),
    message    TEXT    NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX jobs_pending ON jobs (status, created_at);

