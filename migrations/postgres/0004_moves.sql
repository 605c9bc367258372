-- Transfers between storages (API.md §4). Quantities in thousandths.

CREATE TABLE moves (
    account_id      BIGINT  NOT NULL REFERENCES accounts (id),
    id              BIGINT  NOT NULL,
    comment         TEXT    NOT NULL DEFAULT '',
    doc_date        BIGINT  NOT NULL,
    storage_from_id BIGINT  NOT NULL,
    storage_to_id   BIGINT  NOT NULL,
    wired           BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    created_by      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, storage_from_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, storage_to_id) REFERENCES storages (account_id, id)
);

CREATE INDEX moves_by_date ON moves (account_id, doc_date);

CREATE TABLE move_items (
    account_id BIGINT  NOT NULL REFERENCES accounts (id),
    move_id    BIGINT  NOT NULL,
    line_no    BIGINT  NOT NULL,
    product_id BIGINT  NOT NULL,
    qty        BIGINT  NOT NULL,
    PRIMARY KEY (account_id, move_id, line_no),
    FOREIGN KEY (account_id, move_id) REFERENCES moves (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);
