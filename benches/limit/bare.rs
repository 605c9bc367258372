//! The bare-SQLite program: the rows caffesta writes for each workload, written straight
//! through `rusqlite` into a schema with the same keys and the ledger's two indexes, with
//! no HTTP, JSON, checks, ids, change marks or events. What it takes is the floor a server
//! on SQLite can approach on this machine: the limit in `caffesta/limit`.
//!
//! Its rows are narrower than caffesta's (no categories, prices per shop, taxes, packages,
//! sources and rules of the dated ledger, change marks, sales aggregates), so the ratio
//! overstates what caffesta's own rows cost: it is the distance to the floor, not yet the
//! same-rows comparison issue 14's targets name.
//!
//! It runs as well as SQLite allows: WAL with `synchronous = NORMAL` (caffesta's default),
//! statements prepared once and cached, many rows per `INSERT` with `?n` placeholders, and
//! the same 200-row chunks caffesta uses.

use std::time::{Duration, Instant};

use rusqlite::{params_from_iter, Connection, ToSql};

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE products (id INTEGER PRIMARY KEY, ref_code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                       measure TEXT NOT NULL, price INTEGER NOT NULL);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, number TEXT NOT NULL, storage_id INTEGER NOT NULL,
                       doc_date INTEGER NOT NULL, wired INTEGER NOT NULL);
CREATE TABLE invoice_items (invoice_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
                            product_id INTEGER NOT NULL, amount INTEGER NOT NULL, price INTEGER NOT NULL,
                            PRIMARY KEY (invoice_id, line_no)) WITHOUT ROWID;
CREATE TABLE moves (id INTEGER PRIMARY KEY, storage_from INTEGER NOT NULL, storage_to INTEGER NOT NULL,
                    doc_date INTEGER NOT NULL, wired INTEGER NOT NULL);
CREATE TABLE move_items (move_id INTEGER NOT NULL, line_no INTEGER NOT NULL, product_id INTEGER NOT NULL,
                         amount INTEGER NOT NULL, PRIMARY KEY (move_id, line_no)) WITHOUT ROWID;
CREATE TABLE movements (id INTEGER PRIMARY KEY, storage_id INTEGER NOT NULL, product_id INTEGER NOT NULL,
                        doc_type TEXT NOT NULL, doc_id INTEGER NOT NULL, doc_date INTEGER NOT NULL,
                        qty INTEGER NOT NULL, value INTEGER NOT NULL);
CREATE INDEX movements_by_item ON movements (storage_id, product_id, doc_date, id);
CREATE INDEX movements_by_doc ON movements (doc_type, doc_id);
CREATE TABLE balances (storage_id INTEGER NOT NULL, product_id INTEGER NOT NULL, qty INTEGER NOT NULL,
                       value INTEGER NOT NULL, PRIMARY KEY (storage_id, product_id)) WITHOUT ROWID;
CREATE TABLE receipts (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, shop_id INTEGER NOT NULL,
                       closed_at INTEGER NOT NULL, total INTEGER NOT NULL);
CREATE TABLE receipt_lines (receipt_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
                            product_id INTEGER NOT NULL, count INTEGER NOT NULL, total INTEGER NOT NULL,
                            cost INTEGER NOT NULL, PRIMARY KEY (receipt_id, line_no)) WITHOUT ROWID;
CREATE TABLE receipt_payments (receipt_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
                               payment_type INTEGER NOT NULL, value INTEGER NOT NULL,
                               PRIMARY KEY (receipt_id, line_no)) WITHOUT ROWID;
";

/// Rows per multi-row statement, as in caffesta.
const CHUNK: usize = 200;

/// A database of the bare program's own.
pub struct Bare {
    conn: Connection,
    next_id: i64,
}

/// A row's values.
type Values = Vec<i64>;

impl Bare {
    pub fn open(path: &std::path::Path) -> Bare {
        let conn = Connection::open(path).expect("open");
        conn.execute_batch(SCHEMA).expect("schema");
        conn.set_prepared_statement_cache_capacity(256);
        Bare { conn, next_id: 1 }
    }

    /// The id of product `{prefix}0`: the first of those an invoice of this program created
    /// (their ids follow on).
    pub fn first_product_of(&self, prefix: &str) -> i64 {
        self.conn
            .query_row(
                "SELECT id FROM products WHERE ref_code = ?1",
                [format!("{prefix}0")],
                |r| r.get(0),
            )
            .expect("product")
    }

    /// Runs one statement, prepared once.
    fn exec(&self, sql: &str, params: impl rusqlite::Params) {
        self.conn
            .prepare_cached(sql)
            .expect("prepare")
            .execute(params)
            .expect(sql);
    }

    fn control(&self, sql: &str) {
        self.exec(sql, []);
    }

    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// `INSERT INTO {head} VALUES (?1, …), …` in chunks, `text` giving each row's text
    /// columns first (as `?` values bound before its integers).
    fn insert(&self, head: &str, rows: &[(Vec<String>, Values)], tail: &str) {
        for chunk in rows.chunks(CHUNK) {
            let width = chunk[0].0.len() + chunk[0].1.len();
            let mut sql = format!("INSERT INTO {head} VALUES ");
            for (r, _) in chunk.iter().enumerate() {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                let numbers: Vec<String> =
                    (1..=width).map(|c| format!("?{}", r * width + c)).collect();
                sql.push_str(&numbers.join(", "));
                sql.push(')');
            }
            sql.push(' ');
            sql.push_str(tail);
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * width);
            for (texts, ints) in chunk {
                values.extend(texts.iter().map(|t| t as &dyn ToSql));
                values.extend(ints.iter().map(|v| v as &dyn ToSql));
            }
            self.conn
                .prepare_cached(&sql)
                .expect("prepare")
                .execute(params_from_iter(values))
                .expect("insert");
        }
    }

    /// Adds `(storage, product, qty, value)` to the balances.
    fn add_to_balances(&self, deltas: &[Values]) {
        let rows: Vec<(Vec<String>, Values)> =
            deltas.iter().map(|d| (Vec::new(), d.clone())).collect();
        self.insert(
            "balances (storage_id, product_id, qty, value)",
            &rows,
            "ON CONFLICT (storage_id, product_id) DO UPDATE SET qty = qty + excluded.qty, \
             value = value + excluded.value",
        );
    }

    /// The ledger rows of a document: movements and balances, at the stored average cost
    /// for outgoing ones (read in one statement per chunk, as caffesta does).
    fn post(&mut self, doc_type: &str, doc_id: i64, moved: &[(i64, i64, i64, Option<i64>)]) {
        let mut rows = Vec::with_capacity(moved.len());
        let mut deltas = Vec::with_capacity(moved.len());
        for &(storage, product, qty, value) in moved {
            let value = value.unwrap_or_else(|| {
                let (on_hand, worth): (i64, i64) = self
                    .conn
                    .prepare_cached(
                        "SELECT qty, value FROM balances WHERE storage_id = ?1 AND product_id = ?2",
                    )
                    .expect("prepare")
                    .query_row([storage, product], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap_or((0, 0));
                if on_hand == 0 {
                    0
                } else {
                    worth * qty / on_hand
                }
            });
            let id = self.id();
            rows.push((
                vec![doc_type.to_owned()],
                vec![id, storage, product, doc_id, 1_700_000_000, qty, value],
            ));
            deltas.push(vec![storage, product, qty, value]);
        }
        self.insert(
            "movements (doc_type, id, storage_id, product_id, doc_id, doc_date, qty, value)",
            &rows,
            "",
        );
        self.add_to_balances(&deltas);
    }

    /// An invoice of `lines` new products into `storage`: created in one transaction (the
    /// products, the header, the lines), wired in a second (the ledger).
    pub fn invoice(&mut self, prefix: &str, lines: usize, storage: i64) -> Duration {
        let started = Instant::now();
        self.control("BEGIN");
        let first = self.next_id + 1;
        let products: Vec<(Vec<String>, Values)> = (0..lines)
            .map(|n| {
                let id = self.id();
                (
                    vec![
                        format!("{prefix}{n}"),
                        format!("Товар {prefix}{n}"),
                        "pcs".into(),
                    ],
                    vec![id, 350],
                )
            })
            .collect();
        self.insert(
            "products (ref_code, name, measure, id, price)",
            &products,
            "",
        );
        let invoice = self.id();
        self.exec(
            "INSERT INTO invoices VALUES (?1, ?2, ?3, ?4, 0)",
            rusqlite::params![invoice, prefix, storage, 1_700_000_000],
        );
        let items: Vec<(Vec<String>, Values)> = (0..lines)
            .map(|n| {
                let n = i64::try_from(n).expect("line");
                (Vec::new(), vec![invoice, n + 1, first + n, 1 + n % 17, 125])
            })
            .collect();
        self.insert("invoice_items", &items, "");
        self.control("COMMIT");
        self.control("BEGIN");
        let moved: Vec<(i64, i64, i64, Option<i64>)> = (0..lines)
            .map(|n| {
                let n = i64::try_from(n).expect("line");
                let qty = (1 + n % 17) * 1000;
                (storage, first + n, qty, Some(125 * (1 + n % 17)))
            })
            .collect();
        self.post("invoice", invoice, &moved);
        self.exec("UPDATE invoices SET wired = 1 WHERE id = ?1", [invoice]);
        self.control("COMMIT");
        started.elapsed()
    }

    /// A transfer of `products` (one unit each) from `from` to `to`: created, then wired.
    pub fn transfer(&mut self, products: &[i64], from: i64, to: i64) -> Duration {
        let started = Instant::now();
        self.control("BEGIN");
        let id = self.id();
        self.exec(
            "INSERT INTO moves VALUES (?1, ?2, ?3, ?4, 0)",
            rusqlite::params![id, from, to, 1_700_000_000],
        );
        let items: Vec<(Vec<String>, Values)> = products
            .iter()
            .zip(1..)
            .map(|(&p, n)| (Vec::new(), vec![id, n, p, 1000]))
            .collect();
        self.insert("move_items", &items, "");
        self.control("COMMIT");
        self.control("BEGIN");
        let out: Vec<_> = products.iter().map(|&p| (from, p, -1000, None)).collect();
        self.post("move", id, &out);
        let back: Vec<_> = products.iter().map(|&p| (to, p, 1000, Some(125))).collect();
        self.post("move", id, &back);
        self.exec("UPDATE moves SET wired = 1 WHERE id = ?1", [id]);
        self.control("COMMIT");
        started.elapsed()
    }

    /// A storage's stock with the products' names, read into rows.
    pub fn stock(&self, storage: i64) -> (Duration, usize) {
        let started = Instant::now();
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT b.product_id, p.ref_code, p.name, p.measure, b.qty, b.value FROM balances b \
                 JOIN products p ON p.id = b.product_id WHERE b.storage_id = ?1 ORDER BY b.product_id",
            )
            .expect("prepare");
        let rows: Vec<(i64, String, String, String, i64, i64)> = statement
            .query_map([storage], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        (started.elapsed(), rows.len())
    }

    /// A till's receipt of `sold` (each `(product, [ingredients])`) from `storage`: the
    /// receipt, its lines and payment, and the ledger rows of what it wrote off.
    pub fn receipt(&mut self, n: usize, storage: i64, sold: &[(i64, Vec<i64>)]) -> Duration {
        let started = Instant::now();
        self.control("BEGIN");
        let id = self.id();
        self.exec(
            "INSERT INTO receipts VALUES (?1, ?2, 1, ?3, 1750)",
            rusqlite::params![id, format!("receipt-{n}"), 1_700_000_000],
        );
        let lines: Vec<(Vec<String>, Values)> = sold
            .iter()
            .zip(1..)
            .map(|((p, _), line)| (Vec::new(), vec![id, line, *p, 1000, 350, 0]))
            .collect();
        self.insert("receipt_lines", &lines, "");
        self.exec("INSERT INTO receipt_payments VALUES (?1, 1, 2, 1750)", [id]);
        let taken: Vec<_> = sold
            .iter()
            .flat_map(|(p, ingredients)| {
                if ingredients.is_empty() {
                    vec![(storage, *p, -1000, None)]
                } else {
                    ingredients
                        .iter()
                        .map(|&i| (storage, i, -15, None))
                        .collect()
                }
            })
            .collect();
        self.post("receipt", id, &taken);
        self.control("COMMIT");
        started.elapsed()
    }
}
