//! The attempt page under load: `students` students, each signed in through the pages with a
//! session cookie and an attempt in progress, reload their own attempt page back to back for
//! `seconds` (brotli accepted, as a browser would). Prints the server's time to answer (p50,
//! p99) and the page's bytes on the wire.

use std::sync::Arc;

use super::{QuizSpec, hammer, login_token, published_quiz, uuid_like};

pub struct PagesArgs {
    pub url: String,
    pub students: usize,
    pub seconds: u64,
    pub admin: String,
    pub admin_password: String,
    pub bank: String,
}

fn attribute_after(html: &str, marker: &str) -> String {
    html.split_once(marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value.to_owned())
        .unwrap_or_default()
}

/// A browser-like client signed in by the register page, with an attempt started by the
/// intro page's form; returns the client and the attempt page's path.
async fn student(url: &str, quiz_id: &str, username: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form_page = client
        .get(format!("{url}/register"))
        .send()
        .await
        .expect("register page")
        .text()
        .await
        .expect("html");
    let csrf = attribute_after(&form_page, "name=\"csrf-token\" content=\"");
    let registered = client
        .post(format!("{url}/register"))
        .header("origin", url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("display_name", username),
            ("password", "benchmark password 2022"),
            ("org_unit_id", ""),
            ("birth_year", ""),
        ])
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status().as_u16(), 303, "register {username}");
    let intro = client
        .get(format!("{url}/quizzes/{quiz_id}"))
        .send()
        .await
        .expect("intro")
        .text()
        .await
        .expect("html");
    let csrf = attribute_after(&intro, "name=\"csrf-token\" content=\"");
    let started = client
        .post(format!("{url}/quizzes/{quiz_id}/start"))
        .header("origin", url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("start");
    let attempt = started
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("redirect to the attempt")
        .to_owned();
    (client, attempt)
}

pub async fn pages(args: PagesArgs) {
    let PagesArgs {
        url,
        students,
        seconds,
        admin,
        admin_password,
        bank,
    } = args;
    let api = reqwest::Client::new();
    let token = login_token(&api, &url, &admin, &admin_password).await;
    let quiz_id = published_quiz(
        &api,
        &url,
        &token,
        QuizSpec {
            title: "Trang làm bài dưới tải",
            bank: &bank,
            count: 20,
            open_s: 3600,
            event_id: None,
        },
    )
    .await;
    let run = uuid_like();
    let mut clients = Vec::with_capacity(students);
    for i in 0..students {
        clients.push(student(&url, &quiz_id, &format!("p{run}-{i}")).await);
    }
    let (client, path) = &clients[0];
    let sample = client
        .get(format!("{url}{path}"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("attempt page");
    let encoding = sample
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let wire = sample.bytes().await.expect("body").len();
    println!("attempt page (20 questions): {wire} bytes on the wire ({encoding})");

    let clients = Arc::new(clients);
    let (mut all, errors, elapsed) = hammer(students, seconds, move |worker| {
        let (client, path) = &clients[worker];
        client
            .get(format!("{url}{path}"))
            .header("accept-encoding", "br")
    })
    .await;
    all.report("attempt", elapsed);
    println!("errors: {errors}");
}
