-- Webhooks (API.md §12): subscriptions, and the outbox: one delivery row per event and
-- subscription, written in the transaction of the change it describes, carrying the event
-- (its UUID, type, instant and data, the same in every delivery of one event), with its
-- attempts. One table for both, so that a receipt with a subscription writes one row and one
-- pending-index entry more (each b-tree a transaction touches is a page its commit writes).
-- Instants of delivery in Unix milliseconds (retries start one second apart).

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

-- ids in recorded order, which is the order of delivery. status: pending | delivered | failed.
-- data: the JSON of the event's `data`, as it will be sent.
CREATE TABLE webhook_deliveries (
    account_id BIGINT  NOT NULL,
    id         BIGINT  NOT NULL,
    webhook_id BIGINT  NOT NULL,
    event_uuid TEXT    NOT NULL,
    event_type TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts   BIGINT  NOT NULL DEFAULT 0,
    next_at_ms BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, webhook_id) REFERENCES webhooks (account_id, id) ON DELETE CASCADE
);
-- the queues: small (only what waits), read by the sender
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (account_id, webhook_id, id)
    WHERE status = 'pending';

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
