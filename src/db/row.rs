//! Result rows, read by column name: [`Row::get`] for one value, [`FromRow`] (usually through
//! [`from_row!`]) for a whole row struct. There is no read by position, so adding or
//! reordering a selected column cannot shift what a field reads.
//!
//! A row struct is filled with [`Row::take`], which moves each text cell into its field
//! instead of copying it: the row is read once, and a page of a thousand products would
//! otherwise allocate and copy every name twice.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sqlx::postgres::PgRow;
use sqlx::Postgres;

use super::DbError;
use crate::domain::decimal::Fixed;
use crate::domain::ids::Id;

/// One cell of an SQLite row.
#[derive(Debug, Clone)]
pub(super) enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// A result row.
pub struct Row(Inner);

enum Inner {
    Sqlite {
        names: Arc<[Box<str>]>,
        cells: Vec<Cell>,
        /// Where the next column is looked for first: fields are mostly read in the order
        /// they are selected, so a lookup is one comparison instead of a scan.
        next: AtomicUsize,
    },
    Pg(PgRow),
}

impl Row {
    pub(super) fn sqlite(names: Arc<[Box<str>]>, cells: Vec<Cell>) -> Row {
        Row(Inner::Sqlite {
            names,
            cells,
            next: AtomicUsize::new(0),
        })
    }

    pub(super) fn pg(row: PgRow) -> Row {
        Row(Inner::Pg(row))
    }

    /// The names of the columns, in the order selected (for tools that show any query, such
    /// as the tests' checks on stored state; code reads a known column with [`Row::get`]).
    pub fn column_names(&self) -> Vec<String> {
        match &self.0 {
            Inner::Sqlite { names, .. } => {
                names.iter().map(std::string::ToString::to_string).collect()
            }
            Inner::Pg(row) => {
                use sqlx::{Column as _, Row as _};
                row.columns().iter().map(|c| c.name().to_owned()).collect()
            }
        }
    }

    /// The value of column `name` as a `T`.
    pub fn get<T: Column>(&self, name: &str) -> Result<T, DbError> {
        T::read(self, name)
    }

    /// The value of column `name` as a `T`, moving a text cell out of the row rather than
    /// copying it (a second read of that column finds it NULL): for filling a row struct.
    pub fn take<T: Column>(&mut self, name: &str) -> Result<T, DbError> {
        T::take(self, name)
    }

    /// Where column `name` is among `names`: first the hint `next` (the column after the
    /// last one read, as fields are mostly read in the order selected), else the first
    /// column of that name.
    fn position(names: &[Box<str>], next: &AtomicUsize, name: &str) -> Result<usize, DbError> {
        let hint = next.load(Ordering::Relaxed);
        let at = if names.get(hint).is_some_and(|n| &**n == name) {
            hint
        } else {
            names
                .iter()
                .position(|n| &**n == name)
                .ok_or_else(|| missing(name))?
        };
        next.store(at + 1, Ordering::Relaxed);
        Ok(at)
    }

    fn cell(&self, name: &str) -> Result<&Cell, DbError> {
        let Inner::Sqlite { names, cells, next } = &self.0 else {
            return Err(missing(name));
        };
        let at = Self::position(names, next, name)?;
        cells.get(at).ok_or_else(|| missing(name))
    }

    fn pg_get<'r, T>(row: &'r PgRow, name: &str) -> Result<T, DbError>
    where
        T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
    {
        use sqlx::Row as _;
        row.try_get(name).map_err(DbError::from)
    }

    fn named_int(&self, name: &str) -> Result<Option<i64>, DbError> {
        match &self.0 {
            Inner::Pg(row) => Self::pg_get(row, name),
            Inner::Sqlite { .. } => match self.cell(name)? {
                Cell::Int(v) => Ok(Some(*v)),
                Cell::Null => Ok(None),
                other @ Cell::Text(_) => Err(corrupt(name, other)),
            },
        }
    }

    fn named_text(&self, name: &str) -> Result<Option<String>, DbError> {
        match &self.0 {
            Inner::Pg(row) => Self::pg_get(row, name),
            Inner::Sqlite { .. } => match self.cell(name)? {
                Cell::Text(v) => Ok(Some(v.clone())),
                Cell::Null => Ok(None),
                other @ Cell::Int(_) => Err(corrupt(name, other)),
            },
        }
    }

    /// As [`Row::named_text`], moving the text out of an SQLite cell (PostgreSQL decodes a
    /// fresh `String` either way).
    fn taken_text(&mut self, name: &str) -> Result<Option<String>, DbError> {
        match &mut self.0 {
            Inner::Pg(row) => Self::pg_get(row, name),
            Inner::Sqlite { names, cells, next } => {
                let at = Self::position(names, next, name)?;
                let cell = cells.get_mut(at).ok_or_else(|| missing(name))?;
                match std::mem::replace(cell, Cell::Null) {
                    Cell::Text(v) => Ok(Some(v)),
                    Cell::Null => Ok(None),
                    other @ Cell::Int(_) => {
                        let refused = corrupt(name, &other);
                        *cell = other;
                        Err(refused)
                    }
                }
            }
        }
    }
}

fn missing(name: &str) -> DbError {
    DbError::Corrupt {
        column: "result column",
        value: format!("no column {name}"),
    }
}

fn corrupt(name: &str, cell: &Cell) -> DbError {
    DbError::Corrupt {
        column: "result column",
        value: format!("{name}: {cell:?}"),
    }
}

fn null(name: &str) -> DbError {
    DbError::Corrupt {
        column: "result column",
        value: format!("{name} is NULL"),
    }
}

/// A type a column is read as. Values cross the drivers as integers and text only (see
/// [`super`]); everything else is built from those.
pub trait Column: Sized {
    fn read(row: &Row, name: &str) -> Result<Self, DbError>;

    /// Reads the column for a row struct, which reads each column once: text types move
    /// their cell out instead of copying it.
    fn take(row: &mut Row, name: &str) -> Result<Self, DbError> {
        Self::read(row, name)
    }
}

impl Column for Option<i64> {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        row.named_int(name)
    }
}

impl Column for i64 {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        row.named_int(name)?.ok_or_else(|| null(name))
    }
}

impl Column for Option<String> {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        row.named_text(name)
    }

    fn take(row: &mut Row, name: &str) -> Result<Self, DbError> {
        row.taken_text(name)
    }
}

impl Column for String {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        row.named_text(name)?.ok_or_else(|| null(name))
    }

    fn take(row: &mut Row, name: &str) -> Result<Self, DbError> {
        row.taken_text(name)?.ok_or_else(|| null(name))
    }
}

/// A 0/1 flag column.
impl Column for bool {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        Ok(i64::read(row, name)? != 0)
    }
}

impl<T: Id> Column for T {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        Ok(T::new(i64::read(row, name)?))
    }
}

impl<T: Id> Column for Option<T> {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        Ok(row.named_int(name)?.map(T::new))
    }
}

impl<const S: u32, const K: u8> Column for Fixed<S, K> {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        Ok(Fixed::from_units(i64::read(row, name)?))
    }
}

impl<const S: u32, const K: u8> Column for Option<Fixed<S, K>> {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        Ok(row.named_int(name)?.map(Fixed::from_units))
    }
}

/// The one column, named `value`, of an `INSERT … RETURNING id AS value` or a one-value
/// `SELECT count(*) AS value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scalar<T>(pub T);

impl<T: Column> FromRow for Scalar<T> {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        row.take("value").map(Scalar)
    }
}

/// A type read from the columns of a row by name. It may move text out of the row
/// ([`Row::take`]); a caller that reads more columns after it reads those it did not take.
pub trait FromRow: Sized {
    fn from_row(row: &mut Row) -> Result<Self, DbError>;
}

/// Implements [`FromRow`] for a struct whose fields are named as the columns selected
/// (`SELECT id, qty AS balance …` for `{ id, balance }`): `from_row!(Balance { id, balance })`.
#[macro_export]
macro_rules! from_row {
    ($ty:ident { $($field:ident),+ $(,)? }) => {
        impl $crate::db::FromRow for $ty {
            fn from_row(row: &mut $crate::db::Row) -> Result<Self, $crate::db::DbError> {
                Ok($ty { $($field: row.take(stringify!($field))?),+ })
            }
        }
    };
}
