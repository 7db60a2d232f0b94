//! The web app over real HTTP, as a browser without JavaScript uses it: every page in both
//! languages, the student's journey by plain forms, sessions in cookies, CSRF and same-origin
//! checks, and the embedded assets.

mod common;

use common::PASSWORD;
use common::browser::{Browser, Page, attribute_after};
use common::fixture::{self, GRACE, MINUTE, Setup, right_answer};
use reqwest::Method;
use serde_json::json;

const UNITS: &str = "code,name,kind,parent_code\nQ,Quận Đống Đa,district,\nP,Phường Kim Liên,ward,Q\nT,Trường THCS Kim Liên,school,P\nA,Lớp 8A,class,T\n";

async fn setup_with_class() -> (Setup, String) {
    let setup = fixture::setup().await;
    let unit = setup.org_tree(UNITS).await;
    let class = unit("A");
    (setup, class)
}

/// A student who registered through the page and is signed in.
async fn student(setup: &Setup, username: &str, class: &str) -> Browser {
    let browser = Browser::new(&setup.app);
    let registered = browser
        .register(username, &format!("Em {username}"), class)
        .await;
    assert_eq!(registered.status, 303, "{}", registered.html);
    assert_eq!(registered.location.as_deref(), Some("/"));
    browser
}

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(
        !page.has("⟦"),
        "{what} ({lang}) has a missing message: {}",
        page.html
    );
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

/// The attempt id a start redirected to.
fn attempt_of(page: &Page) -> String {
    page.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/attempts/"))
        .expect("redirect to the attempt")
        .to_owned()
}

async fn start(browser: &Browser, quiz: &str) -> String {
    let started = browser
        .submit(
            &format!("/quizzes/{quiz}"),
            &format!("/quizzes/{quiz}/start"),
            &[],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.html);
    attempt_of(&started)
}

/// The id of the attempt page's question of `kind`.
fn question_of_kind(page: &Page, kind: &str) -> String {
    questions_on(page)
        .into_iter()
        .find(|(_, k)| k == kind)
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no {kind} question"))
}

/// Saves `value` as the answer to question `id` with the attempt page's own form.
async fn save_by_form(browser: &Browser, action: &str, page: &Page, id: &str, value: &str) -> Page {
    let field = format!("q-{id}");
    browser
        .post(
            action,
            &[("csrf", &page.csrf()), ("question", id), (&field, value)],
        )
        .await
}

/// Question ids of the attempt page in shown order, with their kinds.
fn questions_on(page: &Page) -> Vec<(String, String)> {
    page.html
        .split("<section class=\"question\"")
        .skip(1)
        .map(|section| {
            (
                attribute_after(section, "data-question=\""),
                attribute_after(section, "data-kind=\""),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_page_renders_in_vietnamese_and_english_for_each_role() {
    let (setup, class) = setup_with_class().await;
    let quiz = setup.quiz().await;
    let anonymous = Browser::new(&setup.app);
    for lang in ["vi", "en"] {
        for path in ["/", "/login", "/register"] {
            assert_page(
                &anonymous.get(&format!("{path}?lang={lang}")).await,
                lang,
                path,
            );
        }
    }
    let browser = student(&setup, "hs.render", &class).await;
    let attempt = start(&browser, &quiz).await;
    let organizer = Browser::new(&setup.app);
    assert_eq!(organizer.sign_in("ban.to.chuc", PASSWORD).await.status, 303);
    for lang in ["vi", "en"] {
        for path in [
            "/".to_owned(),
            "/account/password".to_owned(),
            format!("/quizzes/{quiz}"),
            format!("/quizzes/{quiz}/board"),
            format!("/attempts/{attempt}"),
            format!("/attempts/{attempt}/summary"),
        ] {
            assert_page(
                &browser.get(&format!("{path}?lang={lang}")).await,
                lang,
                &path,
            );
        }
        for path in [
            "/".to_owned(),
            format!("/quizzes/{quiz}"),
            format!("/quizzes/{quiz}/board"),
        ] {
            assert_page(
                &organizer.get(&format!("{path}?lang={lang}")).await,
                lang,
                &path,
            );
        }
    }
    let submitted = browser
        .submit(
            &format!("/attempts/{attempt}/summary"),
            &format!("/attempts/{attempt}/submit"),
            &[],
        )
        .await;
    assert_eq!(submitted.status, 303);
    for lang in ["vi", "en"] {
        let path = format!("/attempts/{attempt}/result?lang={lang}");
        assert_page(&browser.get(&path).await, lang, &path);
    }
    // A missing page is the error page, in the visitor's language.
    let missing = browser.get("/quizzes/nope?lang=en").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.lang(), "en");
    assert!(missing.has("was not found"), "{}", missing.html);
}

#[tokio::test]
async fn the_language_is_chosen_per_request_and_remembered() {
    let setup = fixture::setup().await;
    let browser = Browser::new(&setup.app);
    assert_eq!(browser.get("/").await.lang(), "vi", "Vietnamese by default");
    let english = browser
        .client
        .get(format!("{}/login", browser.base))
        .header("accept-language", "en-GB,en;q=0.9,vi;q=0.5")
        .send()
        .await
        .expect("GET");
    assert!(
        english
            .text()
            .await
            .expect("body")
            .contains("<html lang=\"en\"")
    );
    assert!(browser.get("/login?lang=en").await.has("Sign in"));
    let remembered = browser.get("/register").await;
    assert_eq!(remembered.lang(), "en", "the switch is kept in a cookie");
    assert_eq!(browser.get("/?lang=vi").await.lang(), "vi");
    assert_eq!(browser.get("/login").await.lang(), "vi");
}

#[tokio::test]
async fn a_student_takes_a_quiz_with_plain_forms() {
    let (setup, class) = setup_with_class().await;
    // One attempt, so the result shows the keys (issue 15).
    let quiz = setup.quiz_with(json!({"max_attempts": 1})).await;
    let browser = student(&setup, "hs.nojs", &class).await;
    let home = browser.get("/").await;
    assert!(
        home.has(&format!("/quizzes/{quiz}")),
        "home lists the quiz: {}",
        home.html
    );
    let intro = browser.get(&format!("/quizzes/{quiz}")).await;
    assert!(
        intro.has("Kỹ năng số cơ bản") && intro.has("10 phút"),
        "{}",
        intro.html
    );

    let attempt = start(&browser, &quiz).await;
    let page = browser.get(&format!("/attempts/{attempt}")).await;
    assert_page(&page, "vi", "attempt");
    let questions = questions_on(&page);
    assert_eq!(questions.len(), 5);
    let csrf = page.csrf();
    for (id, kind) in &questions {
        let field = format!("q-{id}");
        let key = right_answer(id);
        let mut fields: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("question".into(), id.clone()),
        ];
        match kind.as_str() {
            "multiple" => {
                for option in key.as_array().expect("options") {
                    fields.push((field.clone(), option.as_str().expect("id").into()));
                }
            }
            "ordering" => {
                // The key's order, then one "move up" that the server applies: the last item
                // goes up one place, and a second move puts it back.
                let mut order: Vec<String> = key
                    .as_array()
                    .expect("order")
                    .iter()
                    .map(|v| v.as_str().expect("id").to_owned())
                    .collect();
                let last = order.len() - 1;
                order.swap(last, last - 1);
                for option in &order {
                    fields.push((format!("order-{id}"), option.clone()));
                }
                fields.push(("move".into(), format!("down:{}", order[last - 1])));
            }
            "true_false" => fields.push((field.clone(), key.to_string())),
            _ => fields.push((field.clone(), key.as_str().expect("text").into())),
        }
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = browser
            .post(&format!("/attempts/{attempt}/answers"), &pairs)
            .await;
        assert_eq!(saved.status, 303, "save {kind}: {}", saved.html);
        assert!(
            saved
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with(&format!("/attempts/{attempt}#q-")))
        );
    }
    // Every answer is on the server (read back through the API with the same cookie).
    let (status, view) = browser
        .api(Method::GET, &common::path::attempt(&attempt), None, None)
        .await;
    assert_eq!(status, 200, "{view}");
    for (id, _) in &questions {
        assert_eq!(view["answers"][id], right_answer(id), "answer to {id}");
    }
    // The page shows them again after a reload.
    let reloaded = browser.get(&format!("/attempts/{attempt}")).await;
    assert!(reloaded.has("checked"), "saved answers are checked");
    assert!(reloaded.has("Đã trả lời 5 / 5 câu"), "{}", reloaded.html);

    let summary = browser.get(&format!("/attempts/{attempt}/summary")).await;
    assert!(
        summary.has("Đã trả lời: 5 câu") && summary.has("Chưa trả lời: 0 câu"),
        "{}",
        summary.html
    );
    let submitted = browser
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[("csrf", &summary.csrf())],
        )
        .await;
    assert_eq!(
        submitted.location.as_deref(),
        Some(format!("/attempts/{attempt}/result").as_str())
    );
    let result = browser.get(&format!("/attempts/{attempt}/result")).await;
    assert_page(&result, "vi", "result");
    assert!(result.has("id=\"score\">8 / 8<"), "{}", result.html);
    assert!(result.has("id=\"correct-count\">5 / 5<"), "{}", result.html);
    assert!(
        result.has("hạng 1 / 1"),
        "rank in the quiz: {}",
        result.html
    );
    assert!(
        result.has("Lớp 8A") && result.has("Trường THCS Kim Liên") && result.has("Phường Kim Liên"),
        "ranks per unit"
    );
    assert!(result.has("Đáp án:"), "after_submit shows the keys");
    // The attempt page of a finished attempt shows its result.
    let again = browser.get(&format!("/attempts/{attempt}")).await;
    assert_eq!(
        again.location.as_deref(),
        Some(format!("/attempts/{attempt}/result").as_str())
    );
    // Submitting twice changes nothing.
    let twice = browser
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[("csrf", &summary.csrf())],
        )
        .await;
    assert_eq!(twice.status, 303);
    let (_, mine) = browser
        .api(Method::GET, &common::path::my_attempts(), None, None)
        .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["status"], "submitted");
    assert_eq!(mine["items"][0]["result"]["score"], 8.0);
}

#[tokio::test]
async fn a_double_tap_on_start_makes_one_attempt() {
    let (setup, class) = setup_with_class().await;
    let quiz = setup.quiz().await;
    let browser = student(&setup, "hs.double", &class).await;
    let csrf = browser.get(&format!("/quizzes/{quiz}")).await.csrf();
    let path = format!("/quizzes/{quiz}/start");
    let fields = [("csrf", csrf.as_str())];
    let (first, second) = tokio::join!(browser.post(&path, &fields), browser.post(&path, &fields));
    assert_eq!(attempt_of(&first), attempt_of(&second));
    let (_, mine) = browser
        .api(Method::GET, &common::path::my_attempts(), None, None)
        .await;
    assert_eq!(mine["total"], 1, "{mine}");
}

#[tokio::test]
async fn forged_and_tokenless_posts_are_refused_and_change_nothing() {
    let (setup, class) = setup_with_class().await;
    let quiz = setup.quiz().await;
    let browser = student(&setup, "hs.csrf", &class).await;
    let csrf = browser.get(&format!("/quizzes/{quiz}")).await.csrf();
    let path = format!("/quizzes/{quiz}/start");
    let cross_site = browser
        .post_with(
            &path,
            &[("csrf", &csrf)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross_site.status, 403);
    let foreign_origin = browser
        .post_with(
            &path,
            &[("csrf", &csrf)],
            &[("origin", "http://evil.example")],
        )
        .await;
    assert_eq!(foreign_origin.status, 403);
    let no_token = browser.post(&path, &[]).await;
    assert_eq!(no_token.status, 403, "{}", no_token.html);
    assert!(
        no_token.has("Biểu mẫu đã cũ"),
        "explained in the page's language"
    );
    let wrong_token = browser
        .post(&path, &[("csrf", "0123456789abcdef0123456789abcdef")])
        .await;
    assert_eq!(wrong_token.status, 403);
    let (_, mine) = browser
        .api(Method::GET, &common::path::my_attempts(), None, None)
        .await;
    assert_eq!(mine["total"], 0, "no refused POST started an attempt");

    // Signed-out forms carry the anonymous token: a login without it is refused before the
    // password is even checked.
    let anonymous = Browser::new(&setup.app);
    anonymous.get("/login").await;
    let tokenless_login = anonymous
        .post("/login", &[("username", "hs.csrf"), ("password", PASSWORD)])
        .await;
    assert_eq!(tokenless_login.status, 403);
    assert!(
        anonymous.get("/").await.has("href=\"/login\""),
        "still signed out"
    );

    // The API with the session cookie: an unsafe call needs the page's token in a header.
    let attempt = start(&browser, &quiz).await;
    let view = browser.get(&format!("/attempts/{attempt}")).await;
    let id = question_of_kind(&view, "single");
    let answer = common::path::answer(&attempt, &id);
    let body = json!({ "response": right_answer(&id) });
    let (status, refused) = browser
        .api(Method::PUT, &answer, None, Some(body.clone()))
        .await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "csrf_failed");
    let (status, _) = browser
        .api(Method::PUT, &answer, Some("wrong"), Some(body.clone()))
        .await;
    assert_eq!(status, 403);
    let (_, state) = browser
        .api(Method::GET, &common::path::attempt(&attempt), None, None)
        .await;
    assert!(
        state["answers"][&id].is_null(),
        "nothing was saved: {state}"
    );
    let (status, saved) = browser
        .api(Method::PUT, &answer, Some(&view.csrf()), Some(body))
        .await;
    assert_eq!(status, 200, "{saved}");
}

#[tokio::test]
async fn sessions_end_on_logout_on_password_change_and_on_disabling() {
    let (setup, class) = setup_with_class().await;
    let quiz = setup.quiz().await;
    // Logout.
    let browser = student(&setup, "hs.session", &class).await;
    let home = browser.get("/").await;
    assert!(home.has("Em hs.session"), "signed in: {}", home.html);
    let out = browser.post("/logout", &[("csrf", &home.csrf())]).await;
    assert_eq!(out.status, 303);
    assert!(
        out.headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").starts_with("cq_session=;"))
    );
    let after = browser.get(&format!("/quizzes/{quiz}")).await;
    assert_eq!(after.status, 303);
    assert!(
        after
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login?next="))
    );

    // A copy of the cookie (kept by an attacker, say) dies with the logout too.
    let cookie = raw_sign_in(&setup.app.base, "hs.session").await;
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let get_me = || {
        raw.get(setup.app.url(&common::path::me()))
            .header("cookie", format!("cq_session={cookie}"))
            .send()
    };
    assert_eq!(get_me().await.expect("GET").status().as_u16(), 200);
    let home = raw
        .get(format!("{}/", setup.app.base))
        .header("cookie", format!("cq_session={cookie}"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = attribute_after(&home, "name=\"csrf-token\" content=\"");
    let out = raw
        .post(format!("{}/logout", setup.app.base))
        .header("cookie", format!("cq_session={cookie}"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(get_me().await.expect("GET").status().as_u16(), 401);

    // Password change: every other browser and every API token ends; this one goes on.
    let laptop = Browser::new(&setup.app);
    let phone = Browser::new(&setup.app);
    assert_eq!(laptop.sign_in("hs.session", PASSWORD).await.status, 303);
    assert_eq!(phone.sign_in("hs.session", PASSWORD).await.status, 303);
    let api = setup.app.login("hs.session", PASSWORD).await;
    let token = api.body["access_token"].as_str().expect("token").to_owned();
    let changed = laptop
        .change_password(PASSWORD, "một mật khẩu mới dài hơn")
        .await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    assert!(
        laptop
            .visit("/account/password?done=1")
            .await
            .has("Đã đổi mật khẩu")
    );
    assert!(
        laptop.get("/").await.has("Em hs.session"),
        "the changing browser stays signed in"
    );
    assert_eq!(
        phone.get(&format!("/quizzes/{quiz}")).await.status,
        303,
        "the other browser is out"
    );
    assert_eq!(setup.app.me(&token).await.status, 401);

    // Disabling.
    let (_, me) = laptop
        .api(Method::GET, &common::path::me(), None, None)
        .await;
    let disabled = setup
        .app
        .update_user(
            &setup.admin,
            me["id"].as_str().expect("id"),
            &json!({ "disabled": true }),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(laptop.get(&format!("/quizzes/{quiz}")).await.status, 303);
}

/// Signs in with a bare client and returns the session cookie's value.
async fn raw_sign_in(base: &str, username: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie_value = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|c| c.to_str().ok())
            .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_owned))
            .and_then(|c| c.split(';').next().map(str::to_owned))
            .expect("cookie")
    };
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET");
    let anon = cookie_value(&login, "cq_csrf");
    let html = login.text().await.expect("body");
    let token = attribute_after(&html, "name=\"csrf-token\" content=\"");
    let signed = client
        .post(format!("{base}/login"))
        .header("cookie", format!("cq_csrf={anon}"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(signed.status().as_u16(), 303);
    cookie_value(&signed, "cq_session")
}

#[tokio::test]
async fn an_imported_account_chooses_its_password_first() {
    let (setup, _) = setup_with_class().await;
    let imported = setup
        .app
        .import_users(
            &setup.admin,
            "text/csv",
            "username,display_name,org_unit_code,role,birth_year\nhs.otp,Trần Văn Bình,A,,2011\n",
        )
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text);
    let otp = imported.body["users"][0]["one_time_password"]
        .as_str()
        .expect("otp")
        .to_owned();
    let browser = Browser::new(&setup.app);
    let signed = browser.sign_in("hs.otp", &otp).await;
    assert_eq!(signed.location.as_deref(), Some("/account/password"));
    assert_eq!(
        browser.get("/").await.location.as_deref(),
        Some("/account/password")
    );
    let forced = browser.get("/account/password").await;
    assert!(forced.has("mật khẩu một lần"), "{}", forced.html);
    let changed = browser.change_password(&otp, "mật khẩu riêng của em").await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    assert_eq!(browser.get("/").await.status, 200);

    // The account page says what the public sees, and takes a name of her own.
    let account = browser.get("/account/password").await;
    assert!(account.has("“B. · Lớp 8A”"), "{}", account.html);
    let refused = browser
        .submit(
            "/account/password",
            "/account/name",
            &[("display_name", "   ")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.has("Tên hiển thị phải có 1–64 ký tự"),
        "{}",
        refused.html
    );
    let renamed = browser
        .submit(
            "/account/password",
            "/account/name",
            &[("display_name", "Bình An")],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.html);
    let account = browser.get("/account/password?renamed=1").await;
    assert!(account.has("Đã lưu tên hiển thị"), "{}", account.html);
    assert!(!account.has("B. · Lớp 8A"), "{}", account.html);
    assert!(account.has("value=\"Bình An\""), "{}", account.html);
}

/// A browser that signed in keeps a device cookie, so guesses at the account from elsewhere
/// do not lock it out (issue 15).
#[tokio::test]
async fn a_browser_that_signed_in_before_is_not_locked_out() {
    let (setup, class) = setup_with_class().await;
    let browser = student(&setup, "hs.thiet.bi", &class).await;
    assert!(
        browser.has_cookie("cq_device"),
        "registering sets the device cookie"
    );
    let out = browser.submit("/", "/logout", &[]).await;
    assert_eq!(out.status, 303, "{}", out.html);
    for _ in 0..12 {
        setup.app.login("hs.thiet.bi", "doan mat khau").await;
    }
    assert_eq!(setup.app.login("hs.thiet.bi", PASSWORD).await.status, 429);
    let signed = browser.sign_in("hs.thiet.bi", PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.html);
    assert_eq!(browser.get("/").await.status, 200);
    // A fresh browser is an unknown device: slowed, with the message in its language.
    let stranger = Browser::new(&setup.app)
        .sign_in("hs.thiet.bi", PASSWORD)
        .await;
    assert_eq!(stranger.status, 429, "{}", stranger.html);
}

#[tokio::test]
async fn bad_input_gets_the_api_errors_in_the_page_language_and_changes_nothing() {
    let (setup, class) = setup_with_class().await;
    let browser = Browser::new(&setup.app);
    for (lang, expected) in [
        ("vi", "Tên đăng nhập phải có 3–32"),
        ("en", "A username has 3–32"),
    ] {
        browser.get(&format!("/register?lang={lang}")).await;
        let refused = browser.register("x", "Em X", &class).await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert_eq!(refused.lang(), lang);
        assert!(refused.has(expected), "{}", refused.html);
        assert!(refused.has("aria-invalid=\"true\""), "the field is marked");
        assert!(refused.has("value=\"Em X\""), "what was typed is kept");
    }
    let taken = student(&setup, "hs.taken", &class).await;
    drop(taken);
    let again = Browser::new(&setup.app)
        .register("HS.Taken", "Someone", &class)
        .await;
    assert_eq!(again.status, 409);
    assert!(
        again.has("Tên đăng nhập này đã có người dùng"),
        "{}",
        again.html
    );
    let wrong = Browser::new(&setup.app)
        .sign_in("hs.taken", "not the password at all")
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.has("Sai tên đăng nhập hoặc mật khẩu"));
    let bad_unit = Browser::new(&setup.app)
        .register("hs.unit", "Em", "no-such-unit")
        .await;
    assert_eq!(bad_unit.status, 422);
    assert!(
        bad_unit.has("Đơn vị đã chọn không tồn tại"),
        "{}",
        bad_unit.html
    );
    assert_eq!(
        setup.app.login("hs.unit", PASSWORD).await.status,
        401,
        "no account was made"
    );

    // An answer that is not an option of its question.
    let quiz = setup.quiz().await;
    let student = student(&setup, "hs.badanswer", &class).await;
    let attempt = start(&student, &quiz).await;
    let page = student.get(&format!("/attempts/{attempt}")).await;
    let id = question_of_kind(&page, "single");
    let refused = save_by_form(
        &student,
        &format!("/attempts/{attempt}/answers?lang=en"),
        &page,
        &id,
        "zz",
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.has("That answer does not fit this question"),
        "{}",
        refused.html
    );
    let (_, view) = student
        .api(Method::GET, &common::path::attempt(&attempt), None, None)
        .await;
    assert!(view["answers"][&id].is_null(), "{view}");
    // Another student's attempt is not found, whatever its id.
    let other = common::browser::Browser::new(&setup.app);
    other.register("hs.other", "Em khác", &class).await;
    assert_eq!(other.get(&format!("/attempts/{attempt}")).await.status, 404);
    assert_eq!(
        other
            .get(&format!("/attempts/{attempt}/result"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_server_closes_an_attempt_at_its_deadline_and_the_page_shows_its_result() {
    let (setup, class) = setup_with_class().await;
    let quiz = setup.quiz_with(json!({ "time_limit_s": 60 })).await;
    let browser = student(&setup, "hs.deadline", &class).await;
    let attempt = start(&browser, &quiz).await;
    let page = browser.get(&format!("/attempts/{attempt}")).await;
    let deadline: i64 = attribute_after(&page.html, "data-deadline=\"")
        .parse()
        .expect("deadline");
    assert_eq!(deadline, setup.now() + MINUTE);
    let id = question_of_kind(&page, "true_false");
    let saved = save_by_form(
        &browser,
        &format!("/attempts/{attempt}/answers"),
        &page,
        &id,
        "false",
    )
    .await;
    assert_eq!(saved.status, 303);
    setup.app.clock.advance_ms(MINUTE + GRACE + 1);
    let late = save_by_form(
        &browser,
        &format!("/attempts/{attempt}/answers"),
        &page,
        &id,
        "true",
    )
    .await;
    assert_eq!(
        late.status, 303,
        "a read of an overdue attempt closes it first: {}",
        late.html
    );
    let result = browser.visit(&format!("/attempts/{attempt}")).await;
    assert!(
        result.has("Bài được máy chủ thu khi hết giờ"),
        "{}",
        result.html
    );
    assert!(
        result.has("id=\"correct-count\">1 / 5<"),
        "graded on the answer saved in time: {}",
        result.html
    );
}

#[tokio::test]
async fn the_board_page_shows_the_public_standings() {
    let (setup, class) = setup_with_class().await;
    let quiz = setup.quiz().await;
    let browser = student(&setup, "hs.board", &class).await;
    let attempt = start(&browser, &quiz).await;
    let summary = browser.get(&format!("/attempts/{attempt}/summary")).await;
    browser
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[("csrf", &summary.csrf())],
        )
        .await;
    let board = Browser::new(&setup.app)
        .get(&format!("/quizzes/{quiz}/board"))
        .await;
    assert_page(&board, "vi", "board");
    assert!(board.has("Em hs.board"), "{}", board.html);
    assert!(board.has("Xếp theo điểm"), "the ranking rule is shown");
    // What the page links to, as the page must spell it.
    assert!(board.has(&format!(
        "/api/v1/quizzes/{quiz}/leaderboard/stream?scope=all"
    )));
    let hidden = setup.set_state(&quiz, "hidden").await;
    assert_eq!(hidden.status, 200, "{}", hidden.text);
    let board = Browser::new(&setup.app)
        .get(&format!("/quizzes/{quiz}/board"))
        .await;
    assert!(
        !board.has("Em hs.board") && board.has("đang ẩn"),
        "{}",
        board.html
    );
}

#[tokio::test]
async fn assets_are_hashed_immutable_compressed_and_revalidate() {
    let setup = fixture::setup().await;
    let page = Browser::new(&setup.app).get("/").await;
    let css = attribute_after(&page.html, "rel=\"stylesheet\" href=\"");
    assert!(
        css.starts_with("/assets/app.") && css.ends_with(".css"),
        "{css}"
    );
    let client = reqwest::Client::new();
    let url = format!("{}{css}", setup.app.base);
    let plain = client.get(&url).send().await.expect("GET");
    assert_eq!(plain.status().as_u16(), 200);
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(plain.headers().get("content-encoding").is_none());
    let etag = plain.headers()["etag"].to_str().expect("etag").to_owned();
    let original = plain.bytes().await.expect("body");
    for (accept, coding) in [
        ("br, gzip", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
    ] {
        let compressed = client
            .get(&url)
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("GET");
        assert_eq!(compressed.headers()["content-encoding"], coding, "{accept}");
        assert_eq!(compressed.headers()["vary"], "Accept-Encoding");
        let body = compressed.bytes().await.expect("body");
        assert!(body.len() < original.len() / 2, "{coding} shrinks the CSS");
        let mut decoded = Vec::new();
        if coding == "br" {
            brotli::BrotliDecompress(&mut &body[..], &mut decoded).expect("brotli");
        } else {
            use std::io::Read;
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut decoded)
                .expect("gzip");
        }
        assert_eq!(decoded, original.to_vec());
    }
    let revalidated = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(revalidated.status().as_u16(), 304);
    let stale = client
        .get(format!("{}/assets/app.0000000000.css", setup.app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(stale.status().as_u16(), 404);
    // A module's imports of its siblings point at their hashed names.
    let attempt_js = civiquiz::web::assets::Assets::get().url("attempt.js");
    let module = client
        .get(format!("{}{attempt_js}", setup.app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(
        module.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let text = module.text().await.expect("body");
    assert!(!text.contains("\"./outbox.js\""), "imports are rewritten");
    let outbox = civiquiz::web::assets::Assets::get().url("outbox.js");
    assert!(
        text.contains(outbox.trim_start_matches("/assets/")),
        "{text}"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_host_is_the_origin_to_match() {
    for trusted in [false, true] {
        let app = common::TestApp::spawn_with(|config| {
            config.trusted_proxies = if trusted {
                civiquiz::http::client::TrustedProxies::loopback()
            } else {
                Default::default()
            }
        })
        .await;
        let browser = Browser::new(&app);
        let csrf = browser.get("/login").await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("username", "nobody"),
            ("password", "not the password"),
        ];
        let through_proxy = browser
            .post_with(
                "/login",
                &fields,
                &[
                    ("origin", "https://quiz.example.vn"),
                    ("x-forwarded-host", "quiz.example.vn"),
                    ("sec-fetch-site", "same-origin"),
                ],
            )
            .await;
        // Trusted: the form reaches the password check (401); untrusted: refused as cross-site.
        assert_eq!(
            through_proxy.status,
            if trusted { 401 } else { 403 },
            "trusted={trusted}"
        );
    }
}

#[tokio::test]
async fn dead_browser_sessions_are_purged_and_live_ones_kept() {
    let (setup, class) = setup_with_class().await;
    let pool = &setup.app.state.db.pool;
    let rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM web_sessions")
            .fetch_one(pool)
            .await
            .expect("count")
    };
    let laptop = student(&setup, "hs.purge", &class).await;
    let phone = Browser::new(&setup.app);
    assert_eq!(phone.sign_in("hs.purge", PASSWORD).await.status, 303);
    let other = student(&setup, "hs.other.purge", &class).await;
    let changed = laptop
        .change_password(PASSWORD, "một mật khẩu mới dài hơn")
        .await;
    assert_eq!(changed.status, 303);
    // The laptop's old session and the phone's are dead; the laptop's new one and the other
    // student's are live.
    assert_eq!(rows().await, 4);
    let now = setup.now();
    let purged = civiquiz::web::session::purge_dead(pool, now)
        .await
        .expect("purge");
    assert_eq!(purged, 2);
    assert!(
        laptop.get("/").await.has("Em hs.purge"),
        "the live session still works"
    );
    assert!(other.get("/").await.has("Em hs.other.purge"));
    // A week later every session has expired.
    let purged = civiquiz::web::session::purge_dead(pool, now + 8 * 24 * 3600 * 1000)
        .await
        .expect("purge");
    assert_eq!(purged, 2);
    assert_eq!(rows().await, 0);
}
