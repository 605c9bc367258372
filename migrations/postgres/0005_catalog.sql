-- The product catalog beyond what invoices bring (API.md §5): the cost an integration
-- declares per shop, descriptions, custom menus with their sections and item links, tech
-- maps (recipes), and inventory adjustments (the stock document a menu import with
-- `update_balances` posts). Quantities in thousandths, unit costs and prices in millionths,
-- money in hundredths.

-- self_cost: the declared cost at the shop (millionths); kept only while the account's stock
-- module is off, when it stands in for the ledger's average cost.
ALTER TABLE product_prices ADD COLUMN self_cost BIGINT;
ALTER TABLE products ADD COLUMN description TEXT NOT NULL DEFAULT '';

-- Custom menus: created by the administrator (`caffesta menu create`), referred to as caf_id.
CREATE TABLE menus (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    name       TEXT    NOT NULL,
    deleted    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- Sections of a menu, found by the integration's code (unique in the account, since items
-- name sections by code alone).
CREATE TABLE menu_sections (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    ref_code   TEXT    NOT NULL,
    menu_id    BIGINT NOT NULL,
    name       TEXT    NOT NULL,
    level      BIGINT NOT NULL,
    parent_id  BIGINT,
    deleted    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code),
    FOREIGN KEY (account_id, menu_id) REFERENCES menus (account_id, id),
    FOREIGN KEY (account_id, parent_id) REFERENCES menu_sections (account_id, id)
);

-- Which products a section shows.
CREATE TABLE menu_items (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    section_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, section_id, product_id),
    FOREIGN KEY (account_id, section_id) REFERENCES menu_sections (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE INDEX menu_items_by_product ON menu_items (account_id, product_id);

-- A product's recipe: `output` (thousandths) of the product is made from the listed amounts
-- (thousandths) of its ingredients, which may themselves have tech maps.
CREATE TABLE tech_maps (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    product_id BIGINT NOT NULL,
    output     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, product_id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

CREATE TABLE tech_map_items (
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    product_id    BIGINT NOT NULL,
    line_no       BIGINT NOT NULL,
    ingredient_id BIGINT NOT NULL,
    amount        BIGINT NOT NULL,
    PRIMARY KEY (account_id, product_id, line_no),
    FOREIGN KEY (account_id, product_id) REFERENCES tech_maps (account_id, product_id),
    FOREIGN KEY (account_id, ingredient_id) REFERENCES products (account_id, id)
);

-- Inventory adjustments: each line brings a balance to `target` by a movement of `qty`
-- (thousandths) and `value` (hundredths), recorded so that re-wiring posts exactly the same.
CREATE TABLE adjustments (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    id         BIGINT NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   BIGINT NOT NULL,
    wired      BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX adjustments_by_date ON adjustments (account_id, doc_date);

CREATE TABLE adjustment_items (
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    adjustment_id BIGINT NOT NULL,
    line_no       BIGINT NOT NULL,
    storage_id    BIGINT NOT NULL,
    product_id    BIGINT NOT NULL,
    target        BIGINT NOT NULL,
    qty           BIGINT NOT NULL,
    value         BIGINT NOT NULL,
    PRIMARY KEY (account_id, adjustment_id, line_no),
    FOREIGN KEY (account_id, adjustment_id) REFERENCES adjustments (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
);

