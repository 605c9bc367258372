//! The one query interface: [`Query`], implemented by write transactions ([`super::Tx`]),
//! read snapshots (also [`super::Tx`]) and plain readers ([`super::Reader`]), so each query
//! is written once whatever it runs on.
//!
//! Hand-written SQL names its parameters (`:account_id`) and binds them with [`params!`],
//! never by counting: the text is compiled once into `$n` placeholders (the form both drivers
//! take) and the values are put in that order by name. A name without a value, or a value
//! whose name the text does not use, is refused before anything runs. Rows come back as
//! [`super::Row`], read by column name, or straight into a [`FromRow`] struct.
//!
//! Statements whose shape is generated (multi-row inserts, key lists; see [`super::batch`])
//! are numbered by the generator and run through [`Query::generated`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, RwLock};

use super::row::{FromRow, Row};
use super::{DbError, Value};

/// A named parameter: `(name, value)`, bound to `:name` in the SQL text. Built by
/// [`params!`].
pub type Param = (&'static str, Value);

/// Binds named parameters: `params! { account_id: caller.account, code: &code, qty }` is
/// the slice `[("account_id", Value::from(…)), ("code", Value::from(…)), ("qty",
/// Value::from(qty))]`; a name alone binds the variable of that name.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::db::Param] };
    ($($name:ident $(: $value:expr)?),+ $(,)?) => {
        &[$((stringify!($name), $crate::record!(@value $name $($value)?))),+] as &[$crate::db::Param]
    };
}

/// Reads (and, on a transaction, writes) through one interface. The futures are `Send` so
/// that services generic over it run inside request handlers.
pub trait Query: Send {
    /// Runs a statement whose `$n` placeholders were numbered by a generator (see
    /// [`super::batch`]), binding `values[n - 1]` to `$n`. Hand-written queries use
    /// [`Query::rows`] and names instead.
    fn generated<'a>(
        &'a mut self,
        sql: &'a str,
        values: &'a [&'a Value],
    ) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send + 'a;

    /// The rows of `sql`, its `:name` parameters bound from `params`.
    fn rows<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send + 'a {
        async move {
            let compiled = compile(sql)?;
            let values = compiled.bind(params)?;
            self.generated(&compiled.sql, &values).await
        }
    }

    /// Every row, each read into a `T`.
    fn all<'a, T: FromRow + Send>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<Vec<T>, DbError>> + Send + 'a {
        async move {
            self.rows(sql, params)
                .await?
                .into_iter()
                .map(|mut row| T::from_row(&mut row))
                .collect()
        }
    }

    /// The first row, if any, read into a `T`.
    fn optional<'a, T: FromRow + Send>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<Option<T>, DbError>> + Send + 'a {
        async move {
            let rows = self.rows(sql, params).await?;
            let first = rows.into_iter().next();
            first.map(|mut row| T::from_row(&mut row)).transpose()
        }
    }

    /// The first row read into a `T`; no row is an error (the caller knows there is one).
    fn one<'a, T: FromRow + Send>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<T, DbError>> + Send + 'a {
        async move {
            self.optional(sql, params)
                .await?
                .ok_or(DbError::Sqlx(sqlx::Error::RowNotFound))
        }
    }

    /// Whether `sql` returns any row.
    fn exists<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Param],
    ) -> impl Future<Output = Result<bool, DbError>> + Send + 'a {
        async move { Ok(!self.rows(sql, params).await?.is_empty()) }
    }
}

/// A named statement turned into `$n` form: the text, and the parameter names in the order
/// of their numbers.
#[derive(Debug)]
pub(super) struct Compiled {
    pub sql: String,
    names: Vec<Box<str>>,
}

impl Compiled {
    /// The values of `params` in placeholder order; every name must have exactly one value
    /// and every value must be used (a typo in either is refused, not bound as NULL).
    pub fn bind<'p>(&self, params: &'p [Param]) -> Result<Vec<&'p Value>, DbError> {
        if params.len() != self.names.len() {
            let given: Vec<&str> = params.iter().map(|(name, _)| *name).collect();
            return Err(DbError::Corrupt {
                column: "parameters",
                value: format!("{:?} given for {:?} in {}", given, self.names, self.sql),
            });
        }
        self.names
            .iter()
            .map(|name| {
                params
                    .iter()
                    .find(|(given, _)| *given == &**name)
                    .map(|(_, value)| value)
                    .ok_or_else(|| DbError::Corrupt {
                        column: "parameters",
                        value: format!(":{name} has no value in {}", self.sql),
                    })
            })
            .collect()
    }
}

/// Compiled statements by their named text. Queries are a fixed set of texts, so this only
/// grows to that set; the bound guards against a caller that builds texts without end.
static COMPILED: LazyLock<RwLock<HashMap<Box<str>, Arc<Compiled>>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

const COMPILED_LIMIT: usize = 4096;

/// `sql` in `$n` form, compiled once per text.
pub(super) fn compile(sql: &str) -> Result<Arc<Compiled>, DbError> {
    if let Some(found) = COMPILED.read().ok().and_then(|map| map.get(sql).cloned()) {
        return Ok(found);
    }
    let compiled = Arc::new(translate(sql)?);
    if let Ok(mut map) = COMPILED.write() {
        if map.len() >= COMPILED_LIMIT {
            map.clear();
        }
        map.insert(sql.into(), compiled.clone());
    }
    Ok(compiled)
}

/// Replaces each `:name` with `$n`, numbering names by first appearance. `::` (a cast) and
/// anything inside single quotes are left alone. A `$` in the text is refused: hand-written
/// SQL names its parameters.
fn translate(sql: &str) -> Result<Compiled, DbError> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut names: Vec<Box<str>> = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'\'' {
            quoted = !quoted;
        } else if !quoted && byte == b'$' {
            return Err(DbError::Corrupt {
                column: "parameters",
                value: format!("numbered placeholder in named SQL: {sql}"),
            });
        } else if !quoted && byte == b':' {
            if bytes.get(i + 1) == Some(&b':') {
                i += 2;
                continue;
            }
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if end > start && !bytes[start].is_ascii_digit() {
                let name = &sql[start..end];
                let number = if let Some(at) = names.iter().position(|known| &**known == name) {
                    at + 1
                } else {
                    names.push(name.into());
                    names.len()
                };
                out.push_str(&sql[copied..i]);
                out.push('$');
                out.push_str(&number.to_string());
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    Ok(Compiled { sql: out, names })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_numbers_by_first_appearance() {
        let compiled = translate(
            "UPDATE t SET a = :qty WHERE b = :account_id AND c = :qty AND d::text = ':x'",
        )
        .expect("compile");
        assert_eq!(
            compiled.sql,
            "UPDATE t SET a = $1 WHERE b = $2 AND c = $1 AND d::text = ':x'"
        );
        let params: &[Param] = &[("account_id", Value::Int(7)), ("qty", Value::Int(3))];
        let bound = compiled.bind(params).expect("bind");
        assert!(matches!(bound[..], [Value::Int(3), Value::Int(7)]));
    }

    #[test]
    fn a_missing_an_extra_or_a_misspelt_parameter_is_refused() {
        let compiled = translate("SELECT 1 WHERE a = :one AND b = :two").expect("compile");
        let one: &[Param] = &[("one", Value::Int(1))];
        assert!(compiled.bind(one).is_err());
        let three: &[Param] = &[
            ("one", Value::Int(1)),
            ("two", Value::Int(2)),
            ("three", Value::Int(3)),
        ];
        assert!(compiled.bind(three).is_err());
        let misspelt: &[Param] = &[("one", Value::Int(1)), ("tow", Value::Int(2))];
        assert!(compiled.bind(misspelt).is_err());
        assert!(translate("SELECT $1").is_err());
    }
}
