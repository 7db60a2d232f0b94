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
