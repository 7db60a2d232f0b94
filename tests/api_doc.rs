//! docs/api.md against the OpenAPI document the server serves: every route of the document is
//! a row of the doc's `## Route index`, every row there is a route of the document, and the
//! routes the doc lists as outside the document really are.

mod common;

use std::collections::BTreeSet;

use common::TestApp;

const API_DOC: &str = include_str!("../docs/api.md");
use common::HTTP_METHODS as METHODS;

/// `METHOD path` of every row of the table under the heading `## {title}`.
fn doc_routes(title: &str) -> BTreeSet<String> {
    let heading = format!("## {title}");
    let routes: BTreeSet<String> = API_DOC
        .lines()
        .skip_while(|line| line.trim_end() != heading)
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| {
            let mut cells = line.trim().strip_prefix('|')?.split('|').map(str::trim);
            let method = cells.next()?;
            let path = cells.next()?.trim_matches('`');
            METHODS
                .contains(&method)
                .then(|| format!("{method} {path}"))
        })
        .collect();
    assert!(
        !routes.is_empty(),
        "docs/api.md has no route table under `{heading}`"
    );
    routes
}

#[tokio::test]
async fn the_route_index_of_docs_api_md_matches_the_openapi_document() {
    let app = TestApp::spawn().await;
    let response = app.openapi_document(common::Anonymous).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let served = common::openapi_operations(&response.body);
    let indexed = doc_routes("Route index");
    let outside = doc_routes("Routes outside the OpenAPI document");

    let undocumented: Vec<&String> = served.difference(&indexed).collect();
    let unserved: Vec<&String> = indexed.difference(&served).collect();
    let misfiled: Vec<&String> = outside.intersection(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty() && misfiled.is_empty(),
        "docs/api.md and the OpenAPI document disagree.\n\
         In the document, missing from `## Route index`: {undocumented:#?}\n\
         In `## Route index`, not in the document: {unserved:#?}\n\
         In `## Routes outside the OpenAPI document`, yet in it: {misfiled:#?}"
    );
}

/// What generated clients rely on: query parameters declared `in: query` (38 were declared
/// `in: path`, so no client sent paging, filters or `format=`), and no value typed as a bare
/// `object` when it holds a string, an array or a boolean.
#[tokio::test]
async fn the_openapi_document_declares_parameters_where_they_go_and_types_every_answer() {
    let app = TestApp::spawn().await;
    let document = app.openapi_document(common::Anonymous).await.body;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().expect("name");
                let in_template = path.contains(&format!("{{{name}}}"));
                assert_eq!(
                    parameter["in"] == "path",
                    in_template,
                    "{method} {path}: parameter `{name}` is declared in {}",
                    parameter["in"]
                );
            }
        }
    }
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    // Fields of a schema, its `allOf` parts included (a flattened struct is one).
    let property = |schema: &str, field: &str| -> serde_json::Value {
        let schema = &schemas[schema];
        std::iter::once(schema)
            .chain(schema["allOf"].as_array().into_iter().flatten())
            .map(|part| part["properties"][field].clone())
            .find(|found| !found.is_null())
            .unwrap_or_default()
    };
    let answer_fields = [
        ("BankQuestion", "answer"),
        ("ReviewedQuestion", "response"),
        ("ReviewedQuestion", "correct_answer"),
        ("SaveRequest", "response"),
    ];
    for (schema, field) in answer_fields {
        let found = property(schema, field);
        assert!(
            found.to_string().contains("#/components/schemas/Answer"),
            "{schema}.{field} is not an answer: {found}"
        );
    }
    let answer = schemas["Answer"].to_string();
    for kind in ["string", "array", "boolean"] {
        assert!(answer.contains(&format!("\"{kind}\"")), "{answer}");
    }
}

/// Every operation lists the statuses its edge answers (the extractors' 400, 401, 403, 404,
/// 413, 415 and 422, and 503), in the error shape; 50 operations answered statuses the
/// document did not list.
#[tokio::test]
async fn every_operation_lists_the_errors_of_its_edge() {
    let app = TestApp::spawn().await;
    let document = app.openapi_document(common::Anonymous).await.body;
    let operation = |method: &str, path: &str| document["paths"][path][method].clone();
    let statuses = |method: &str, path: &str| -> BTreeSet<String> {
        operation(method, path)["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} has responses"))
            .keys()
            .cloned()
            .collect()
    };
    let expect = |method: &str, path: &str, wanted: &[&str]| {
        let listed = statuses(method, path);
        for status in wanted {
            assert!(
                listed.contains(*status),
                "{method} {path} does not list {status}: {listed:?}"
            );
        }
    };
    // A list with paging, anyone.
    expect("get", "/api/v1/events", &["200", "400", "422", "503"]);
    // A JSON body, an organizer.
    expect(
        "post",
        "/api/v1/quizzes",
        &["201", "400", "401", "403", "413", "415", "422", "503"],
    );
    // A path id, a caller who may be anonymous.
    expect(
        "get",
        "/api/v1/quizzes/{id}/leaderboard",
        &["200", "400", "401", "403", "404", "422"],
    );
    // The optional submit body.
    expect(
        "post",
        "/api/v1/attempts/{id}/submit",
        &[
            "200", "400", "401", "403", "404", "409", "413", "415", "422",
        ],
    );
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/ErrorBody",
                        "{method} {path} {status} is not in the error shape"
                    );
                }
            }
        }
    }
    // POST takes the fields a new quiz needs; PATCH none.
    let required = |name: &str| document["components"]["schemas"][name]["required"].clone();
    assert_eq!(
        required("NewQuiz"),
        serde_json::json!(["title", "opens_at", "closes_at", "time_limit_s", "rules"])
    );
    assert!(required("QuizInput").is_null(), "{}", required("QuizInput"));
}
