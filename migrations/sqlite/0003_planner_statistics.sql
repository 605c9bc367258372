-- Statistics for SQLite's query planner. Without any, it assumes `account_id = ?` picks a
-- handful of rows, and so scans a whole account's rows through the primary key instead of
-- using the (account_id, ref_code) index or the balance key: a 50,000-product account made a
-- lookup of 5 codes cost 0.5 ms. These describe the shape every account has (many rows per
-- account, one per key) rather than measured counts, so plans do not change as data grows.
-- A later table or index adds its own rows here. `Db::migrate` reloads them
-- (`ANALYZE sqlite_schema`).

ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1;
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('accounts', 'sqlite_autoindex_accounts_1', '1000 1'),
    ('id_counters', 'id_counters', '10000 10 1'),
    ('storages', 'storages', '1000000 100000 1'),
    ('shops', 'shops', '1000000 100000 1'),
    ('taxes', 'taxes', '1000000 100000 1'),
    ('payment_types', 'payment_types', '1000000 100000 1'),
    ('packages', 'packages', '1000000 100000 1'),
    ('categories', 'categories', '1000000 100000 1'),
    ('workspaces', 'workspaces', '1000000 100000 1'),
    ('shippers', 'shippers', '1000000 100000 1'),
    ('products', 'products', '1000000 100000 1'),
    ('invoices', 'invoices', '1000000 100000 1'),
    ('stock_movements', 'stock_movements', '1000000 100000 1'),
    ('api_keys', 'api_keys', '1000000 100000 1'),
    ('packages', 'sqlite_autoindex_packages_2', '1000000 100000 1'),
    ('categories', 'sqlite_autoindex_categories_2', '1000000 100000 1'),
    ('workspaces', 'sqlite_autoindex_workspaces_2', '1000000 100000 1'),
    ('shippers', 'sqlite_autoindex_shippers_2', '1000000 100000 1'),
    ('products', 'sqlite_autoindex_products_2', '1000000 100000 1'),
    ('product_prices', 'product_prices', '1000000 100000 5 1'),
    ('invoice_items', 'invoice_items', '1000000 100000 10 1'),
    ('stock_balances', 'stock_balances', '1000000 100000 20000 1'),
    ('idempotency_keys', 'idempotency_keys', '1000000 100000 1'),
    ('api_keys', 'api_keys_by_hash', '1000 1'),
    ('invoices', 'invoices_by_date', '1000000 100000 2 1'),
    ('stock_movements', 'stock_movements_by_doc', '1000000 100000 30000 10 1'),
    ('stock_movements', 'stock_movements_by_item', '1000000 100000 20000 50 2 1');
