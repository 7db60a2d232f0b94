//! A form's refusal as a page shows it: one message for the summary at the top, and each
//! refused field's own message beside it, in the page's language.

use crate::error::AppError;
use crate::web::locale::Locale;
use crate::web::page::error_message;

/// A field's name in a message key: `criteria[2].title` is worded as `criteria-title`, the
/// same for every row.
fn message_name(field: &str) -> String {
    let mut name = String::with_capacity(field.len());
    let mut in_index = false;
    for c in field.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            '.' if !in_index => name.push('-'),
            _ if !in_index => name.push(c),
            _ => {}
        }
    }
    name
}

#[derive(Default)]
pub struct Refusal {
    pub message: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl Refusal {
    pub fn of(locale: Locale, error: &AppError) -> Self {
        Self::in_form(locale, error, "")
    }

    /// A refusal worded for one form: `{form}-field-{name}` where the form has its own words
    /// for a field (an event's title is not an entry's), else the shared `field-{name}`; the
    /// summary is `{form}-not-saved` where the form has one.
    pub fn in_form(locale: Locale, error: &AppError, form: &str) -> Self {
        let own = |key: &str| {
            let key = format!("{form}-{key}");
            (!form.is_empty() && locale.has(&key)).then_some(key)
        };
        let fields: Vec<(String, String)> = error
            .fields()
            .into_iter()
            .map(|field| {
                let shared = format!("field-{}", message_name(&field));
                let key = own(&shared).unwrap_or(shared);
                (field, locale.text(&key))
            })
            .collect();
        Refusal {
            message: Some(if fields.is_empty() {
                error_message(locale, error)
            } else {
                locale.text(&own("not-saved").unwrap_or("error-validation_failed".into()))
            }),
            fields,
        }
    }

    /// A refusal of one field, with its own message; the summary as `in_form` words it.
    pub fn field(locale: Locale, form: &str, field: &str, message: String) -> Self {
        let summary = format!("{form}-not-saved");
        Refusal {
            message: Some(locale.text(if locale.has(&summary) {
                &summary
            } else {
                "error-validation_failed"
            })),
            fields: vec![(field.to_owned(), message)],
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, text)| text.as_str())
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.error(field).is_some()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rows_field_is_worded_once_for_every_row() {
        assert_eq!(
            super::message_name("criteria[2].max_points"),
            "criteria-max_points"
        );
        assert_eq!(super::message_name("voting.opens_at"), "voting-opens_at");
        assert_eq!(super::message_name("title"), "title");
    }
}
