-- What the field trials asked for (issue 10): employees and the cashier of a shift or receipt,
-- the per-shop stop list, and the look-up that forgets idempotency answers past retention.

-- Cashiers, waiters and managers; never deleted (shifts and receipts keep naming them).
CREATE TABLE employees (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('cashier', 'waiter', 'manager')),
    deleted    BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- The cashier who opened the shift; a receipt's cashier (its own, else its shift's), checked
-- by the service in the writing transaction (as on SQLite, which cannot add a composite key).
ALTER TABLE shifts ADD COLUMN employee_id BIGINT;
ALTER TABLE receipts ADD COLUMN employee_id BIGINT;

-- A product sold out at a shop for now. The row stays when it comes off the list
-- (stopped = 0), so feeds asked for changes since a time see that it did.
CREATE TABLE stop_list (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    shop_id    BIGINT  NOT NULL,
    product_id BIGINT  NOT NULL,
    stopped    BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, shop_id, product_id),
    FOREIGN KEY (account_id, shop_id) REFERENCES shops (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
