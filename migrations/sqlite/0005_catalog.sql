-- The product catalog beyond what invoices bring (API.md §5): the cost an integration
-- declares per shop, descriptions, custom menus with their sections and item links, tech
-- maps (recipes), and inventory adjustments (the stock document a menu import with
-- `update_balances` posts). Quantities in thousandths, unit costs and prices in millionths,
-- money in hundredths.

-- self_cost: the declared cost at the shop (millionths); kept only while the account's stock
-- module is off, when it stands in for the ledger's average cost.
ALTER TABLE product_prices ADD COLUMN self_cost INTEGER;
ALTER TABLE products ADD COLUMN description TEXT NOT NULL DEFAULT '';

-- Custom menus: created by the administrator (`caffesta menu create`), referred to as caf_id.
CREATE TABLE menus (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

-- Sections of a menu, found by the integration's code (unique in the account, since items
-- name sections by code alone).
CREATE TABLE menu_sections (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    ref_code   TEXT    NOT NULL,
    menu_id    INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    level      INTEGER NOT NULL,
    parent_id  INTEGER,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, ref_code),
    FOREIGN KEY (account_id, menu_id) REFERENCES menus (account_id, id),
    FOREIGN KEY (account_id, parent_id) REFERENCES menu_sections (account_id, id)
) WITHOUT ROWID;

-- Which products a section shows.
CREATE TABLE menu_items (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    section_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, section_id, product_id),
    FOREIGN KEY (account_id, section_id) REFERENCES menu_sections (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

CREATE INDEX menu_items_by_product ON menu_items (account_id, product_id);

-- A product's recipe: `output` (thousandths) of the product is made from the listed amounts
-- (thousandths) of its ingredients, which may themselves have tech maps.
CREATE TABLE tech_maps (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    product_id INTEGER NOT NULL,
    output     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, product_id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

CREATE TABLE tech_map_items (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    product_id    INTEGER NOT NULL,
    line_no       INTEGER NOT NULL,
    ingredient_id INTEGER NOT NULL,
    amount        INTEGER NOT NULL,
    PRIMARY KEY (account_id, product_id, line_no),
    FOREIGN KEY (account_id, product_id) REFERENCES tech_maps (account_id, product_id),
    FOREIGN KEY (account_id, ingredient_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- Inventory adjustments: each line brings a balance to `target` by a movement of `qty`
-- (thousandths) and `value` (hundredths), recorded so that re-wiring posts exactly the same.
CREATE TABLE adjustments (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    id         INTEGER NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    doc_date   INTEGER NOT NULL,
    wired      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;

CREATE INDEX adjustments_by_date ON adjustments (account_id, doc_date);

CREATE TABLE adjustment_items (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    adjustment_id INTEGER NOT NULL,
    line_no       INTEGER NOT NULL,
    storage_id    INTEGER NOT NULL,
    product_id    INTEGER NOT NULL,
    target        INTEGER NOT NULL,
    qty           INTEGER NOT NULL,
    value         INTEGER NOT NULL,
    PRIMARY KEY (account_id, adjustment_id, line_no),
    FOREIGN KEY (account_id, adjustment_id) REFERENCES adjustments (account_id, id),
    FOREIGN KEY (account_id, storage_id) REFERENCES storages (account_id, id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id)
) WITHOUT ROWID;

-- planner statistics for the new tables (see 0003)
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('menus', 'menus', '1000000 100000 1'),
    ('menu_sections', 'menu_sections', '1000000 100000 1'),
    ('menu_sections', 'sqlite_autoindex_menu_sections_2', '1000000 100000 1'),
    ('menu_items', 'menu_items', '1000000 100000 5 1'),
    ('menu_items', 'menu_items_by_product', '1000000 100000 2'),
    ('tech_maps', 'tech_maps', '1000000 100000 1'),
    ('tech_map_items', 'tech_map_items', '1000000 100000 5 1'),
    ('adjustments', 'adjustments', '1000000 100000 1'),
    ('adjustments', 'adjustments_by_date', '1000000 100000 2 1'),
    ('adjustment_items', 'adjustment_items', '1000000 100000 1000 1');
