//! Small helpers to read typed values from `AnyRow`s.
use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

/// A query on the `Any` driver, for helpers that bind the fields several statements share.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// A `", "`-separated column list with each column qualified by a join's table `alias`.
pub(crate) fn qualified(alias: &str, cols: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn parse<T: FromStr>(row: &AnyRow, col: &str) -> Result<T> {
    let s: String = row.try_get(col)?;
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("column {col} holds {s:?}")))
}

pub(crate) fn parse_opt<T: FromStr>(row: &AnyRow, col: &str) -> Result<Option<T>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| {
        s.parse()
            .map_err(|_| StoreError::Corrupt(format!("column {col} holds {s:?}")))
    })
    .transpose()
}

pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}
