//! The errors a route can answer before or around its handler (the extractors, the CSRF and
//! timeout layers), added to every operation of the OpenAPI document in one place: they are the
//! same on every route, so each handler's annotation lists only its own.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// The content types the extractors read as JSON (`AppJson`).
const JSON: &str = "application/json";

/// Adds, to each operation that lacks it, every status its edge can answer.
pub fn add_edge_errors(document: &mut OpenApi) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            (false, item.get.as_mut()),
            (false, item.head.as_mut()),
            (true, item.post.as_mut()),
            (true, item.put.as_mut()),
            (true, item.patch.as_mut()),
            (true, item.delete.as_mut()),
        ];
        for (unsafe_method, operation) in operations {
            if let Some(operation) = operation {
                add_to(operation, unsafe_method);
            }
        }
    }
}

fn add_to(operation: &mut Operation, unsafe_method: bool) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let in_path = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let in_query = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query);
    let body = operation.request_body.as_ref();
    // `security` lists `bearer` on every route that reads the caller (as `{}` too where
    // anonymous callers are welcome): a token, if sent, must be valid.
    let reads_caller = operation.security.as_ref().is_some_and(|requirements| {
        serde_json::to_value(requirements)
            .is_ok_and(|value| value.to_string().contains("\"bearer\""))
    });

    let mut add = |status: &str, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(description));
    };
    if in_query || body.is_some() {
        add(
            "400",
            "`bad_request` (a query value not of its type; a text body not UTF-8 or without the \
             columns it needs; an upload cut off) or `malformed_json`",
        );
    }
    if reads_caller {
        add(
            "401",
            "`unauthenticated`, `token_invalid` or `token_expired`",
        );
    }
    if reads_caller || unsafe_method {
        add(
            "403",
            "`forbidden` (the caller's role, or a cross-site browser request), \
             `password_change_required` or `csrf_failed`",
        );
    }
    if in_path {
        add(
            "404",
            "`not_found`: no such object, or one the caller may not see",
        );
    }
    if body.is_some() {
        add("413", "`payload_too_large`");
        add("415", "`unsupported_media_type`");
    }
    if in_query || body.is_some() {
        add(
            "422",
            "`validation_failed`, naming every bad field in `details.fields`",
        );
    }
    add(
        "503",
        "`overloaded` (with `Retry-After`) or `unavailable` (the request took too long)",
    );
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// A body schema with these fields required: `POST` takes the shape `PATCH` merges, with the
/// fields a new object cannot do without.
pub fn requiring(
    schema: RefOr<utoipa::openapi::schema::Schema>,
    fields: &[&str],
) -> RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::Schema;
    match schema {
        RefOr::T(Schema::Object(mut object)) => {
            object.required = fields.iter().map(|&field| field.to_owned()).collect();
            RefOr::T(Schema::Object(object))
        }
        other => other,
    }
}
