//! Checks a saved response against its question's kind before it is stored.

use std::collections::HashSet;

use serde_json::Value;

use crate::auth::credentials::nfc;
use crate::banks::{Kind, Question};

pub const SHORT_TEXT_MAX_CHARS: usize = 500;

/// An answer as the API carries it, for the OpenAPI document: an option id (`"a"`), option ids
/// (`["a", "c"]`, in order for `ordering`), `true`/`false`, or a short text (`"VNeID"`; a key
/// lists the accepted texts).
pub struct Answer;

impl utoipa::PartialSchema for Answer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .description(Some(
                "an option id or a text; option ids (or accepted texts); or true/false",
            ))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .into()
    }
}

impl utoipa::ToSchema for Answer {}

/// An answer to save, or `null` to clear it.
pub struct AnswerOrClear;

impl utoipa::PartialSchema for AnswerOrClear {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(Answer::schema())
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into()
    }
}

impl utoipa::ToSchema for AnswerOrClear {}

/// The response to store (`None` clears the answer), or why it does not fit the question.
pub fn check(question: &Question, response: &Value) -> Result<Option<Value>, String> {
    if response.is_null() {
        return Ok(None);
    }
    let option_ids: HashSet<&str> = question.options.iter().map(|c| c.id.as_str()).collect();
    let known = |id: &str| -> Result<(), String> {
        if option_ids.contains(id) {
            Ok(())
        } else {
            Err(format!("{id:?} is not an option of this question"))
        }
    };
    match question.kind {
        Kind::Single => {
            let id = response.as_str().ok_or("must be an option id (a string)")?;
            known(id)?;
            Ok(Some(response.clone()))
        }
        Kind::TrueFalse => response
            .as_bool()
            .map(|_| Some(response.clone()))
            .ok_or_else(|| "must be true or false".into()),
        Kind::Multiple | Kind::Ordering => {
            let items = response.as_array().ok_or("must be a list of option ids")?;
            let mut seen = HashSet::new();
            for item in items {
                let id = item
                    .as_str()
                    .ok_or("must be a list of option ids (strings)")?;
                known(id)?;
                if !seen.insert(id) {
                    return Err(format!("{id:?} appears twice"));
                }
            }
            if question.kind == Kind::Ordering && seen.len() != option_ids.len() {
                return Err("must list every option once, in your order".into());
            }
            Ok(Some(response.clone()))
        }
        Kind::ShortText => {
            let text = response.as_str().ok_or("must be text")?;
            let text = nfc(text);
            if text.chars().count() > SHORT_TEXT_MAX_CHARS {
                return Err(format!("must be at most {SHORT_TEXT_MAX_CHARS} characters"));
            }
            if text.chars().any(char::is_control) {
                return Err("must not contain control characters".into());
            }
            Ok(Some(Value::String(text)))
        }
    }
}
