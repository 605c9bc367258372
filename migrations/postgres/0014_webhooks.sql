-- Webhooks (API.md §12): subscriptions, the outbox of events written in the transaction of
-- the change they describe, one delivery per event and subscription, and each delivery's
-- attempts. Instants of delivery in Unix milliseconds (retries start one second apart).

-- events: the subscribed types, comma-separated and sorted. secret: kept as given, since every
-- delivery is signed with it; it is shown once at creation and never logged.
-- failing_since_ms: the first failure after the last success (72 hours of it disables).
-- lease_*: which server delivers this subscription's queue now, until when.
CREATE TABLE webhooks (
    account_id       BIGINT  NOT NULL REFERENCES accounts (id),
    id               BIGINT  NOT NULL,
    url              TEXT    NOT NULL,
    events           TEXT    NOT NULL,
    secret           TEXT    NOT NULL,
    enabled          BIGINT  NOT NULL DEFAULT 1,
    disabled_reason  TEXT,
    failing_since_ms BIGINT,
    lease_owner      TEXT,
    lease_until_ms   BIGINT,
    created_at       BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- data: the JSON of the event's `data`, as it will be sent.
CREATE TABLE webhook_events (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    id         BIGINT  NOT NULL,
    uuid       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    data       TEXT    NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- status: pending | delivered | failed; ids in recorded order, which is the order of delivery.
CREATE TABLE webhook_deliveries (
    account_id BIGINT  NOT NULL,
    id         BIGINT  NOT NULL,
    webhook_id BIGINT  NOT NULL,
    event_id   BIGINT  NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts   BIGINT  NOT NULL DEFAULT 0,
    next_at_ms BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, webhook_id) REFERENCES webhooks (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, event_id) REFERENCES webhook_events (account_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at_ms) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (account_id, webhook_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (account_id, event_id);

CREATE TABLE webhook_attempts (
    account_id  BIGINT  NOT NULL,
    delivery_id BIGINT  NOT NULL,
    no          BIGINT  NOT NULL,
    at_ms       BIGINT  NOT NULL,
    status_code BIGINT,
    error       TEXT,
    PRIMARY KEY (account_id, delivery_id, no),
    FOREIGN KEY (account_id, delivery_id) REFERENCES webhook_deliveries (account_id, id)
        ON DELETE CASCADE
);
