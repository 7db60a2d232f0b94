//! A report `Table` as an HTML table: the columns a person reads (in the page's language), the
//! cells formatted as the CSV's numbers would be read (shares as percents, points, times), and
//! sorting by any column through links in the headers, so it works without scripts. The rows
//! that sum up (`total`, `outside`) stay below the sorted ones.

use std::cmp::Ordering;

use serde_json::Value;

use super::super::table::Table;
use crate::web::page::{Chrome, decimal_text};
use crate::web::time;

/// How a column's values read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Count,
    /// A share 0–1, shown as a percent.
    Share,
    /// A percent already (the participation scores).
    Percent,
    Points,
    /// Milliseconds of a duration.
    Duration,
    /// An RFC 3339 instant, shown in Vietnam's time.
    Instant,
    /// An index from −1 to 1 (discrimination), to two decimals.
    Index,
    /// A code shown as the message `{prefix}-{code}` (empty stays empty).
    Word(&'static str),
}

impl Kind {
    /// Whether the column holds figures (right-aligned, compared as numbers).
    fn numeric(self) -> bool {
        !matches!(self, Kind::Text | Kind::Instant | Kind::Word(_))
    }
}

/// One column the page shows: the table's column name, its header's message, how it reads.
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

pub const fn column(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// The sort a page was asked for: `?sort=column&dir=asc|desc`.
pub struct Sort {
    pub column: Option<String>,
    pub direction: Direction,
}

impl Sort {
    pub fn of(column: Option<String>, dir: Option<&str>) -> Self {
        Sort {
            column,
            direction: if dir == Some("desc") {
                Direction::Descending
            } else {
                Direction::Ascending
            },
        }
    }
}

pub struct Header {
    pub label: String,
    /// The link that sorts by this column (the other way when it is the sorted one).
    pub href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
    pub numeric: bool,
}

pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

/// The table as the template draws it.
pub struct HtmlTable {
    pub caption: String,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    /// The rows that sum up, kept last whatever the sort.
    pub footer: Vec<Vec<Cell>>,
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .unwrap_or_default()
            .total_cmp(&b.as_f64().unwrap_or_default()),
        (Value::String(a), Value::String(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        // Empty cells sort after every value.
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        _ => a.to_string().cmp(&b.to_string()),
    }
}

fn cell(c: &Chrome, kind: Kind, value: &Value) -> Cell {
    let numeric = kind.numeric();
    let text = match (kind, value) {
        (_, Value::Null) => "—".to_owned(),
        (Kind::Share, Value::Number(n)) => percent(c, n.as_f64().unwrap_or_default() * 100.0),
        (Kind::Percent, Value::Number(n)) => percent(c, n.as_f64().unwrap_or_default()),
        (Kind::Points, Value::Number(n)) => c.points(n.as_f64().unwrap_or_default()),
        (Kind::Duration, Value::Number(n)) => time::duration(n.as_i64().unwrap_or_default()),
        (Kind::Index, Value::Number(n)) => {
            let text = format!("{:.2}", n.as_f64().unwrap_or_default());
            if c.lang() == "vi" {
                text.replace('.', ",")
            } else {
                text
            }
        }
        (Kind::Word(_), Value::String(code)) if code.is_empty() => String::new(),
        (Kind::Word(prefix), Value::String(code)) => c.t(&format!("{prefix}-{code}")),
        (Kind::Instant, Value::String(text)) => crate::clock::Timestamp::parse(text)
            .map(|t| c.when(t.0))
            .unwrap_or_else(|_| text.clone()),
        (_, Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    };
    Cell { text, numeric }
}

/// `45,2 %` in Vietnamese, `45.2 %` in English: one decimal, as the CSV's share reads.
pub fn percent(c: &Chrome, value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    format!("{} %", decimal_text(c.locale, rounded))
}

impl HtmlTable {
    /// `table`'s `columns` for `c`'s language, sorted as `sort` asks; rows whose `summary`
    /// column (if any) is not `unit` go to the footer. `href` makes a page link from its
    /// `sort` and `dir` query.
    pub fn of(
        c: &Chrome,
        caption: String,
        table: &Table,
        columns: &[Column],
        summary: Option<&str>,
        sort: &Sort,
        href: impl Fn(&str, &str) -> String,
    ) -> Self {
        let index_of = |name: &str| table.columns.iter().position(|c| *c == name);
        let summary_at = summary.and_then(index_of);
        let (mut body, footer): (Vec<&Vec<Value>>, Vec<&Vec<Value>>) =
            table.rows.iter().partition(|row| {
                summary_at.is_none_or(|at| row.get(at).and_then(Value::as_str) == Some("unit"))
            });
        let sorted_at = sort
            .column
            .as_deref()
            .filter(|name| columns.iter().any(|c| c.name == *name))
            .and_then(index_of);
        if let Some(at) = sorted_at {
            body.sort_by(|a, b| {
                let order = compare(&a[at], &b[at]);
                match sort.direction {
                    Direction::Ascending => order,
                    // Empty cells stay last either way.
                    Direction::Descending if a[at].is_null() || b[at].is_null() => order,
                    Direction::Descending => order.reverse(),
                }
            });
        }
        let draw = |row: &Vec<Value>| -> Vec<Cell> {
            columns
                .iter()
                .map(|column| {
                    let value = index_of(column.name)
                        .and_then(|at| row.get(at))
                        .unwrap_or(&Value::Null);
                    cell(c, column.kind, value)
                })
                .collect()
        };
        let headers = columns
            .iter()
            .map(|column| {
                let current = sort.column.as_deref() == Some(column.name) && sorted_at.is_some();
                let (aria_sort, next) = match (current, sort.direction) {
                    (true, Direction::Ascending) => ("ascending", "desc"),
                    (true, Direction::Descending) => ("descending", "asc"),
                    (false, _) => ("none", "asc"),
                };
                Header {
                    label: c.t(&format!("reports-col-{}", column.name)),
                    href: href(column.name, next),
                    aria_sort,
                    numeric: column.kind.numeric(),
                }
            })
            .collect();
        HtmlTable {
            caption,
            headers,
            rows: body.into_iter().map(draw).collect(),
            footer: footer.into_iter().map(draw).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_cells_sort_last_both_ways() {
        let mut values = vec![json!(2), Value::Null, json!(10), json!(1)];
        values.sort_by(compare);
        assert_eq!(values, vec![json!(1), json!(2), json!(10), Value::Null]);
        assert_eq!(compare(&json!("Ánh"), &json!("ánh")), Ordering::Equal);
    }
}
