//! The admins' pages over real HTTP, as a browser without JavaScript uses them: the account
//! search, one account's forms, the CSV import of students with its printable sheet of
//! one-time passwords, and the org tree with its add form and import; who is refused; and the
//! account search API they stand on (`GET /api/v1/admin/users`). Database state is read back
//! after every form: a refused import must leave the tables as they were.

mod common;

use common::PASSWORD;
use common::browser::{Browser, Page, attribute_after};
use common::fixture::Setup;
use common::{Anonymous, Session, TestApp};
use serde_json::{Value, json};

const TREE: &str = "code,name,kind,parent_code
Q-HK,Quận Hoàn Kiếm,district,
P-HB,Phường Hàng Bạc,ward,Q-HK
THCS-LL,Trường THCS Lê Lợi,school,P-HB
THCS-LL-6A1,Lớp 6A1,class,THCS-LL
THCS-LL-6A2,Lớp 6A2,class,THCS-LL
";

/// A server with the tree above, its admin and organizer, and the admin signed in.
struct Admins {
    setup: Setup,
    unit: Box<dyn Fn(&str) -> String + Send + Sync>,
    admin: Browser,
}

async fn signed_in(app: &TestApp, username: &str, password: &str) -> Browser {
    let browser = Browser::new(app);
    let signed = browser.sign_in(username, password).await;
    assert_eq!(signed.status, 303, "sign in {username}: {}", signed.html);
    browser
}

async fn admins() -> Admins {
    let setup = Setup::spawn().await;
    let unit = setup.org_tree(TREE).await;
    let admin = signed_in(&setup.app, &setup.admin.username, PASSWORD).await;
    Admins {
        setup,
        unit: Box::new(unit),
        admin,
    }
}

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(!page.has("⟦"), "{what} ({lang}) has a missing message");
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count")
}

/// A participant registered with `display_name` in `unit` (an id), signed in once.
async fn student(app: &TestApp, username: &str, display_name: &str, unit: Option<&str>) -> Session {
    let mut body =
        json!({"username": username, "password": PASSWORD, "display_name": display_name});
    if let Some(unit) = unit {
        body["org_unit_id"] = json!(unit);
    }
    app.register_with(body).await
}

/// Posts a CSV import form as a browser without scripts: the `csrf` field, the file input
/// (`file` named, or left empty) and the text box.
async fn post_csv(
    browser: &Browser,
    action: &str,
    csrf: &str,
    file: Option<(&str, &str)>,
    pasted: &str,
) -> Page {
    let boundary = "----civiquizImportBoundary1a2b3c";
    let (file_name, bytes) = file.unwrap_or(("", ""));
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"csv_file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{bytes}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"csv_text\"\r\n\r\n{pasted}\r\n\
         --{boundary}--\r\n"
    );
    let response = browser
        .client
        .post(format!("{}{action}", browser.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", &browser.base)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Page {
        status,
        location,
        headers,
        html: response.text().await.expect("body"),
    }
}

/// `(username, password)` of every slip of a sheet, in order.
fn slips(sheet: &Page) -> Vec<(String, String)> {
    sheet
        .html
        .split("<li class=\"slip\" ")
        .skip(1)
        .map(|slip| {
            let password = slip
                .split_once("class=\"slip-password\">")
                .and_then(|(_, rest)| rest.split_once("</code>"))
                .map(|(password, _)| password.to_owned())
                .unwrap_or_default();
            (attribute_after(slip, "data-username=\""), password)
        })
        .collect()
}

fn roster(count: usize, unit_code: &str, prefix: &str) -> String {
    let mut csv = String::from("username,display_name,org_unit_code,role,birth_year\n");
    for i in 1..=count {
        csv.push_str(&format!(
            "{prefix}.{i:02},Nguyễn Thị Học Sinh {i},{unit_code},,2012\n"
        ));
    }
    csv
}

async fn search(app: &TestApp, who: &Session, query: &str) -> Value {
    let found = app.search_users(who, query).await;
    assert_eq!(found.status, 200, "{query}: {}", found.text);
    found.body
}

fn usernames(found: &Value) -> Vec<String> {
    found["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["username"].as_str().expect("username").to_owned())
        .collect()
}

#[tokio::test]
async fn every_page_renders_in_both_languages_for_an_admin() {
    let Admins { setup, unit, admin } = admins().await;
    let app = &setup.app;
    let duc = student(
        app,
        "nguyen.duc",
        "Nguyễn Văn Đức",
        Some(&unit("THCS-LL-6A1")),
    )
    .await;
    for lang in ["vi", "en"] {
        let users = admin.get(&format!("/admin/users?lang={lang}")).await;
        assert_page(&users, lang, "accounts");
        assert!(users.has("role=\"search\""));
        assert!(users.has(&format!("href=\"/admin/users/{}\"", duc.user_id)));
        assert!(users.has("Nguyễn Văn Đức") && users.has("<code>nguyen.duc</code>"));
        assert!(users.has("<td class=\"unit-path\">Trường THCS Lê Lợi / Lớp 6A1</td>"));
        assert!(users.has("<caption") && users.has("<th scope=\"col\">"));
        // The organizer, the admin and the student, with the unit picker from the tree.
        assert!(users.has("ban.to.chuc") && users.has(&setup.admin.username));
        assert!(users.has("Lớp 6A2"));
        let (never, active) = if lang == "vi" {
            ("Đang hoạt động", "Đăng nhập gần nhất (UTC+07:00)")
        } else {
            ("Active", "Last sign-in (UTC+07:00)")
        };
        assert!(users.has(never) && users.has(active), "{}", users.html);

        let found = admin
            .get("/admin/users?q=NGUYEN+van+%C4%90%E1%BB%A8C")
            .await;
        assert_page(&found, lang, "a search");
        assert!(found.has(&format!("id=\"user-{}\"", duc.user_id)));
        assert!(!found.has("ban.to.chuc"), "the search narrows the list");
        assert!(
            found.has("value=\"NGUYEN van ĐỨC\""),
            "the words stay in the box"
        );

        let account = admin.get(&format!("/admin/users/{}", duc.user_id)).await;
        assert_page(&account, lang, "an account");
        assert!(account.has("<h1>Nguyễn Văn Đức</h1>"));
        assert!(account.has(&format!("action=\"/admin/users/{}\"", duc.user_id)));
        assert!(account.has(&format!("action=\"/admin/users/{}/status\"", duc.user_id)));
        assert!(account.has(&format!(
            "action=\"/admin/users/{}/one-time-password\"",
            duc.user_id
        )));
        assert!(account.has(&format!(
            "<option value=\"{}\" selected>",
            unit("THCS-LL-6A1")
        )));
        assert!(account.has("<option value=\"participant\" selected>"));

        let import = admin.get("/admin/users/import").await;
        assert_page(&import, lang, "the import");
        assert!(import.has("enctype=\"multipart/form-data\""));
        assert!(import.has("name=\"csv_file\"") && import.has("name=\"csv_text\""));
        assert!(import.has("<code>org_unit_code</code>"));

        let tree = admin.get("/admin/org-units").await;
        assert_page(&tree, lang, "the org tree");
        // Nested: the ward's list is inside the district's item, and so on down to the classes.
        let district = tree.html.find("data-code=\"Q-HK\"").expect("district");
        let ward = tree.html.find("data-code=\"P-HB\"").expect("ward");
        let school = tree.html.find("data-code=\"THCS-LL\"").expect("school");
        let class = tree.html.find("data-code=\"THCS-LL-6A1\"").expect("class");
        assert!(district < ward && ward < school && school < class);
        let between = &tree.html[district..class];
        assert_eq!(between.matches("<ul>").count(), 3, "{between}");
        assert!(!between.contains("</ul>"), "each is inside the one above");
        assert_eq!(
            tree.html.matches("<ul").count(),
            tree.html.matches("</ul>").count()
        );
        let (ward_kind, class_kind) = if lang == "vi" {
            ("phường", "lớp")
        } else {
            ("ward", "class")
        };
        assert!(
            tree.has(&format!(">{ward_kind}</span>")) && tree.has(&format!(">{class_kind}</span>"))
        );
        assert!(tree.has("<code class=\"unit-code\">THCS-LL-6A2</code>"));
        assert!(
            tree.has("action=\"/admin/org-units\"")
                && tree.has("action=\"/admin/org-units/import\"")
        );
    }
}

#[tokio::test]
async fn organizers_judges_and_participants_are_refused_and_visitors_sign_in_first() {
    let Admins { setup, unit, .. } = admins().await;
    let app = &setup.app;
    setup.judge("gk.thu.ha").await;
    let pupil = student(app, "hs.an", "Lê An", Some(&unit("THCS-LL-6A1"))).await;
    let users_before = count(app, "users").await;
    let units_before = count(app, "org_units").await;
    let organizer = signed_in(app, "ban.to.chuc", PASSWORD).await;
    let judge = signed_in(app, "gk.thu.ha", PASSWORD).await;
    let participant = signed_in(app, "hs.an", PASSWORD).await;
    let pages = [
        "/admin/users".to_owned(),
        "/admin/users?q=an".to_owned(),
        format!("/admin/users/{}", pupil.user_id),
        "/admin/users/import".to_owned(),
        "/admin/org-units".to_owned(),
    ];
    for (who, browser) in [
        ("organizer", &organizer),
        ("judge", &judge),
        ("participant", &participant),
    ] {
        for path in &pages {
            let page = browser.get(path).await;
            assert_eq!(page.status, 403, "{who} {path}: {}", page.html);
        }
        let csrf = browser.get("/").await.csrf();
        let forms: [(String, Vec<(&str, &str)>); 4] = [
            (
                format!("/admin/users/{}", pupil.user_id),
                vec![("role", "admin")],
            ),
            (
                format!("/admin/users/{}/status", pupil.user_id),
                vec![("disabled", "1")],
            ),
            (
                format!("/admin/users/{}/one-time-password", pupil.user_id),
                vec![],
            ),
            (
                "/admin/org-units".to_owned(),
                vec![("code", "X-1"), ("name", "Lớp X"), ("kind", "class")],
            ),
        ];
        for (action, fields) in &forms {
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend(fields.iter().copied());
            let refused = browser.post(action, &all).await;
            assert_eq!(refused.status, 403, "{who} POST {action}: {}", refused.html);
        }
        let imported = post_csv(
            browser,
            "/admin/users/import",
            &csrf,
            Some(("lop.csv", &roster(2, "THCS-LL-6A1", "hs.x"))),
            "",
        )
        .await;
        assert_eq!(imported.status, 403, "{who}: {}", imported.html);
        let units = post_csv(
            browser,
            "/admin/org-units/import",
            &csrf,
            None,
            "code,name,kind,parent_code\nX-2,Lớp X2,class,THCS-LL\n",
        )
        .await;
        assert_eq!(units.status, 403, "{who}: {}", units.html);
    }
    // Nothing was written, and the pupil can still sign in with her own password.
    assert_eq!(count(app, "users").await, users_before);
    assert_eq!(count(app, "org_units").await, units_before);
    let me = app.me(&pupil).await;
    assert_eq!(me.body["role"], "participant", "{}", me.text);
    assert_eq!(app.login("hs.an", PASSWORD).await.status, 200);

    let visitor = Browser::new(app);
    for path in &pages {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        let location = page.location.expect("location");
        assert!(
            location.starts_with("/login?next=/admin/"),
            "{path}: {location}"
        );
    }
}

#[tokio::test]
async fn an_import_with_one_bad_row_writes_nothing_and_names_that_row() {
    let Admins { setup, admin, .. } = admins().await;
    let app = &setup.app;
    let before = count(app, "users").await;
    let csv = "username,display_name,org_unit_code,role,birth_year
hs.6a1.01,Nguyễn Thị Ánh,THCS-LL-6A1,,2012
hs.6a1.02,Trần Văn Bình,THCS-LL-6A1,,2012
hs.6a1.03,Phạm Thu Cúc,KHONG-CO,,2012
hs.6a1.04,Lê Minh Dũng,THCS-LL-6A1,,2012
";
    for (lang, message, nothing) in [
        (
            "vi",
            "Không có đơn vị nào mang mã “KHONG-CO”.",
            "Chưa tài khoản nào được tạo.",
        ),
        (
            "en",
            "No unit has the code “KHONG-CO”.",
            "No account was created.",
        ),
    ] {
        let form = admin.get(&format!("/admin/users/import?lang={lang}")).await;
        // Once as a chosen file, once pasted.
        for (file, pasted) in [(Some(("6a1.csv", csv)), ""), (None, csv)] {
            let refused = post_csv(&admin, "/admin/users/import", &form.csrf(), file, pasted).await;
            assert_eq!(refused.status, 422, "{}", refused.html);
            assert_eq!(refused.lang(), lang);
            assert!(!refused.has("⟦"), "{}", refused.html);
            assert!(refused.has("<tr data-line=\"4\"><th scope=\"row\">4</th><td><code>org_unit_code</code></td>"), "{}", refused.html);
            assert_eq!(
                refused.html.matches("<tr data-line=").count(),
                1,
                "only the bad row"
            );
            assert!(
                refused.has(message) && refused.has(nothing),
                "{}",
                refused.html
            );
            assert!(refused.has("role=\"alert\""));
            assert!(!refused.has("class=\"slip\""));
            if file.is_none() {
                assert!(
                    refused.has("Phạm Thu Cúc,KHONG-CO"),
                    "the pasted text is kept"
                );
            }
            assert_eq!(count(app, "users").await, before, "nothing written");
        }
    }
    // Every bad value at once, each with its line and column.
    let form = admin.get("/admin/users/import?lang=vi").await;
    let many = "username,display_name,org_unit_code,role,birth_year
x,Tên Quá Ngắn,,,
hs.ok.01,Bạn Ổn,,boss,
hs.ok.01,Bạn Lặp,,,1800
";
    let refused = post_csv(&admin, "/admin/users/import", &form.csrf(), None, many).await;
    assert_eq!(refused.status, 422);
    for (line, column, text) in [
        (2, "username", "Tên đăng nhập phải có từ 3 đến 32 ký tự."),
        (3, "role", "Vai trò phải là participant"),
        (4, "username", "Giá trị này lặp lại"),
        (4, "birth_year", "Năm sinh không hợp lệ"),
    ] {
        let row = format!(
            "<tr data-line=\"{line}\"><th scope=\"row\">{line}</th><td><code>{column}</code></td><td>{text}"
        );
        assert!(refused.has(&row), "{row}: {}", refused.html);
    }
    // A file without its columns, and a form with nothing in it.
    let no_columns = post_csv(
        &admin,
        "/admin/users/import",
        &form.csrf(),
        None,
        "ten,lop\nAn,6A1\n",
    )
    .await;
    assert_eq!(no_columns.status, 400);
    assert!(
        no_columns.has("còn thiếu: username,display_name,org_unit_code,role,birth_year"),
        "{}",
        no_columns.html
    );
    let empty = post_csv(&admin, "/admin/users/import", &form.csrf(), None, "  ").await;
    assert_eq!(empty.status, 422);
    assert!(empty.has("Hãy chọn một tệp CSV hoặc dán nội dung vào ô."));
    assert_eq!(count(app, "users").await, before);
}

#[tokio::test]
async fn a_class_of_thirty_gets_thirty_slips_whose_passwords_sign_in_once() {
    let Admins { setup, unit, admin } = admins().await;
    let app = &setup.app;
    let before = count(app, "users").await;
    let form = admin.get("/admin/users/import?lang=en").await;
    let csv = roster(30, "THCS-LL-6A1", "hs.6a1");
    let sheet = post_csv(
        &admin,
        "/admin/users/import",
        &form.csrf(),
        Some(("6a1.csv", &csv)),
        "",
    )
    .await;
    assert_eq!(sheet.status, 200, "{}", sheet.html);
    assert_eq!(
        sheet
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "the sheet is never cached"
    );
    assert!(!sheet.has("⟦"), "{}", sheet.html);
    assert_eq!(count(app, "users").await, before + 30);
    let found = slips(&sheet);
    assert_eq!(found.len(), 30, "{}", sheet.html);
    assert_eq!(sheet.html.matches("class=\"slip-name\"").count(), 30);
    // Each slip: the name, the unit, the sign-in address and what to do, in Vietnamese and,
    // the page being in English, in English too.
    assert!(sheet.has("Nguyễn Thị Học Sinh 17"));
    assert_eq!(
        sheet
            .html
            .matches("Quận Hoàn Kiếm / Phường Hàng Bạc / Trường THCS Lê Lợi / Lớp 6A1")
            .count(),
        30
    );
    assert_eq!(
        sheet
            .html
            .matches(&format!(
                "<code class=\"slip-address\">{}/login</code>",
                app.base
            ))
            .count(),
        30
    );
    assert_eq!(
        sheet
            .html
            .matches("<p class=\"slip-instruction\" lang=\"vi\">Vào địa chỉ trên")
            .count(),
        30
    );
    assert_eq!(
        sheet
            .html
            .matches("<p class=\"slip-instruction\" lang=\"en\">Go to the address above")
            .count(),
        30
    );
    assert!(sheet.has("<span lang=\"vi\">Mật khẩu</span> / <span lang=\"en\">Password</span>"));
    let mut seen = std::collections::HashSet::new();
    for (i, (username, password)) in found.iter().enumerate() {
        assert_eq!(username, &format!("hs.6a1.{:02}", i + 1));
        assert_eq!(password.chars().count(), 12, "{password}");
        assert!(seen.insert(password.clone()), "every password differs");
    }

    // The passwords are nowhere in clear: not in the accounts, not in the sessions.
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT username, display_name, password_hash, security_stamp FROM users")
            .fetch_all(&app.state.db.pool)
            .await
            .expect("users");
    let tokens: Vec<String> = sqlx::query_scalar("SELECT csrf_token FROM web_sessions")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("sessions");
    for (_, password) in &found {
        for (username, name, hash, stamp) in &rows {
            for stored in [username, name, hash, stamp] {
                assert!(!stored.contains(password.as_str()), "{password} stored");
            }
        }
        assert!(
            tokens
                .iter()
                .all(|token| !token.contains(password.as_str()))
        );
    }

    // No GET shows the sheet again, and sending the form again makes nothing.
    let pages = [
        "/admin/users/import".to_owned(),
        format!("/admin/users?org_unit_id={}", unit("THCS-LL-6A1")),
        "/admin/users?q=hs.6a1&offset=0".to_owned(),
    ];
    for path in &pages {
        let page = admin.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        for (_, password) in &found {
            assert!(!page.has(password), "{path} shows {password}");
        }
    }
    let listed = admin
        .get(&format!("/admin/users?org_unit_id={}", unit("THCS-LL-6A1")))
        .await;
    assert!(listed.has("hs.6a1.30") && listed.has("data-status=\"one_time_password\""));
    let again = post_csv(
        &admin,
        "/admin/users/import",
        &form.csrf(),
        Some(("6a1.csv", &csv)),
        "",
    )
    .await;
    assert_eq!(again.status, 422);
    assert_eq!(
        again
            .html
            .matches("An account already has this username.")
            .count(),
        30
    );
    assert!(!again.has("class=\"slip\""));
    assert_eq!(count(app, "users").await, before + 30);

    // Each password signs in over HTTP, on one-time status: the page sends her to choose her
    // own first, and the API says so.
    for (username, password) in &found {
        let student = Browser::new(app);
        let signed = student.sign_in(username, password).await;
        assert_eq!(signed.status, 303, "{username}: {}", signed.html);
        assert_eq!(signed.location.as_deref(), Some("/account/password"));
        let api = app.login(username, password).await;
        assert_eq!(api.status, 200, "{username}: {}", api.text);
        assert_eq!(api.body["user"]["must_change_password"], true);
        assert!(api.body.to_string().find(password.as_str()).is_none());
    }
    let one = &found[0];
    let student = Browser::new(app);
    student.sign_in(&one.0, &one.1).await;
    let changed = student.change_password(&one.1, "mật khẩu mới của em").await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    let now_hers = app.login(&one.0, "mật khẩu mới của em").await;
    assert_eq!(now_hers.body["user"]["must_change_password"], false);
    assert_eq!(
        app.login(&one.0, &one.1).await.status,
        401,
        "the one-time password is spent"
    );
}

#[tokio::test]
async fn roles_units_names_and_status_change_by_form_and_an_admin_cannot_lock_herself_out() {
    let Admins { setup, unit, admin } = admins().await;
    let app = &setup.app;
    let pupil = student(app, "hs.binh", "Trần Bình", Some(&unit("THCS-LL-6A1"))).await;
    let account = format!("/admin/users/{}", pupil.user_id);

    // Role, unit and name in one form.
    let saved = admin
        .submit(
            &account,
            &account,
            &[
                ("display_name", "Trần Văn Bình"),
                ("role", "judge"),
                ("org_unit_id", &unit("THCS-LL-6A2")),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(
        saved.location.as_deref(),
        Some(&*format!("{account}?saved=1"))
    );
    let me = app.login("hs.binh", PASSWORD).await;
    assert_eq!(me.body["user"]["role"], "judge", "{}", me.text);
    assert_eq!(me.body["user"]["display_name"], "Trần Văn Bình");
    assert_eq!(me.body["user"]["org_unit_id"], json!(unit("THCS-LL-6A2")));
    let shown = admin.get(&format!("{account}?saved=1")).await;
    assert!(shown.has("id=\"notice\"") && shown.has("Lớp 6A2"));

    // A name the API refuses: beside its field, what was typed kept, nothing written.
    let refused = admin
        .submit(
            &account,
            &account,
            &[("display_name", "   "), ("role", "organizer")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.has("id=\"display-name-error\""));
    assert!(refused.has("aria-invalid=\"true\""));
    assert!(
        refused.has("<option value=\"organizer\" selected>"),
        "the role typed is kept"
    );
    assert_eq!(
        app.login("hs.binh", PASSWORD).await.body["user"]["role"],
        "judge"
    );

    // Disabled: she cannot sign in, on the page or the API; enabled: she can.
    let disabled = admin
        .submit(&account, &format!("{account}/status"), &[("disabled", "1")])
        .await;
    assert_eq!(disabled.status, 303, "{}", disabled.html);
    let page = admin
        .get(disabled.location.as_deref().expect("location"))
        .await;
    assert!(page.has("data-status=\"disabled\"") && page.has("id=\"enable-account\""));
    let tried = Browser::new(app).sign_in("hs.binh", PASSWORD).await;
    assert_eq!(tried.status, 401, "a disabled account does not sign in");
    assert_eq!(app.login("hs.binh", PASSWORD).await.status, 401);
    assert_eq!(app.me(&pupil).await.status, 401, "her sessions ended");
    let enabled = admin
        .submit(&account, &format!("{account}/status"), &[("disabled", "0")])
        .await;
    assert_eq!(enabled.status, 303);
    assert_eq!(
        Browser::new(app).sign_in("hs.binh", PASSWORD).await.status,
        303
    );

    // Her own account: the page offers no way out, and the API's refusal is shown when
    // she tries anyway; she stays an enabled admin.
    let own = format!("/admin/users/{}", setup.admin.user_id);
    let mine = admin.get(&own).await;
    assert!(!mine.has("id=\"disable-account\"") && !mine.has("id=\"reset-password\""));
    for (lang, text) in [
        ("vi", "Bạn không thể tự hạ quyền quản trị của chính mình"),
        ("en", "You cannot take away your own admin role"),
    ] {
        admin.get(&format!("{own}?lang={lang}")).await;
        let demoted = admin.submit(&own, &own, &[("role", "participant")]).await;
        assert_eq!(demoted.status, 409, "{}", demoted.html);
        assert!(
            demoted.has("id=\"role-error\"") && demoted.has(text),
            "{}",
            demoted.html
        );
    }
    let locked = admin
        .submit(&own, &format!("{own}/status"), &[("disabled", "1")])
        .await;
    assert_eq!(locked.status, 409);
    assert!(locked.has("id=\"status-error\""));
    let reset = admin
        .submit(&own, &format!("{own}/one-time-password"), &[])
        .await;
    assert_eq!(reset.status, 409);
    assert!(reset.has("id=\"password-error\""));
    let me = app.login(&setup.admin.username, PASSWORD).await;
    assert_eq!(me.body["user"]["role"], "admin");
    assert_eq!(me.body["user"]["disabled"], false);
    assert_eq!(me.body["user"]["must_change_password"], false);
}

#[tokio::test]
async fn a_new_one_time_password_is_shown_once_on_its_slip() {
    let Admins { setup, unit, admin } = admins().await;
    let app = &setup.app;
    let pupil = student(app, "hs.cuc", "Phạm Cúc", Some(&unit("THCS-LL-6A1"))).await;
    let account = format!("/admin/users/{}", pupil.user_id);
    let slip = admin
        .submit(&account, &format!("{account}/one-time-password"), &[])
        .await;
    assert_eq!(slip.status, 200, "{}", slip.html);
    assert_eq!(
        slip.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let found = slips(&slip);
    assert_eq!(found.len(), 1);
    let (username, password) = &found[0];
    assert_eq!(username, "hs.cuc");
    assert!(slip.has("Phạm Cúc") && slip.has("Lớp 6A1"));
    assert_eq!(
        app.login("hs.cuc", PASSWORD).await.status,
        401,
        "the old password ends"
    );
    assert_eq!(app.me(&pupil).await.status, 401, "and her sessions");
    let signed = Browser::new(app).sign_in(username, password).await;
    assert_eq!(signed.location.as_deref(), Some("/account/password"));
    let page = admin.get(&account).await;
    assert!(!page.has(password.as_str()));
    assert!(page.has("data-status=\"one_time_password\""));
}

#[tokio::test]
async fn forged_or_cross_site_forms_are_refused_and_change_nothing() {
    let Admins { setup, unit, admin } = admins().await;
    let app = &setup.app;
    let pupil = student(app, "hs.dung", "Lê Dũng", Some(&unit("THCS-LL-6A1"))).await;
    let account = format!("/admin/users/{}", pupil.user_id);
    let users = count(app, "users").await;
    let units = count(app, "org_units").await;
    let forged = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    for (action, fields) in [
        (account.clone(), vec![("role", "admin")]),
        (format!("{account}/status"), vec![("disabled", "1")]),
        (format!("{account}/one-time-password"), vec![]),
        (
            "/admin/org-units".to_owned(),
            vec![("code", "X-1"), ("name", "Lớp X"), ("kind", "class")],
        ),
    ] {
        let mut all = vec![("csrf", forged)];
        all.extend(fields.iter().copied());
        let refused = admin.post(&action, &all).await;
        assert_eq!(refused.status, 403, "{action}: {}", refused.html);
        assert!(refused.has("Biểu mẫu đã cũ"), "{action}: {}", refused.html);
        // From another site, even with the right token.
        let csrf = admin.get(&account).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields.iter().copied());
        let cross = admin
            .post_with(
                &action,
                &all,
                &[
                    ("origin", "https://evil.example"),
                    ("sec-fetch-site", "cross-site"),
                ],
            )
            .await;
        assert_eq!(cross.status, 403, "{action} cross-site");
    }
    for action in ["/admin/users/import", "/admin/org-units/import"] {
        let csv = if action.contains("org") {
            "code,name,kind,parent_code\nX-2,Lớp X2,class,THCS-LL\n".to_owned()
        } else {
            roster(3, "THCS-LL-6A1", "hs.gia")
        };
        let refused = post_csv(&admin, action, forged, Some(("x.csv", &csv)), "").await;
        assert_eq!(refused.status, 403, "{action}: {}", refused.html);
        assert!(!refused.has("class=\"slip\""));
    }
    assert_eq!(count(app, "users").await, users);
    assert_eq!(count(app, "org_units").await, units);
    assert_eq!(app.me(&pupil).await.body["role"], "participant");
    assert_eq!(app.login("hs.dung", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn the_org_tree_grows_by_form_and_by_csv_and_a_bad_row_writes_nothing() {
    let Admins { setup, unit, admin } = admins().await;
    let app = &setup.app;
    let before = count(app, "org_units").await;
    let tree = admin.get("/admin/org-units?lang=vi").await;
    let bad = "code,name,kind,parent_code
THCS-LL-7A1,Lớp 7A1,class,THCS-LL
THCS-LL-7A2,Lớp 7A2,lop,THCS-LL
THCS-LL-7A3,Lớp 7A3,class,KHONG-CO
THCS-LL-6A1,Lớp trùng mã,class,THCS-LL
";
    let refused = post_csv(
        &admin,
        "/admin/org-units/import",
        &tree.csrf(),
        Some(("lop.csv", bad)),
        "",
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    for (line, column, text) in [
        (
            3,
            "kind",
            "Loại đơn vị phải là district, ward, school, class hoặc other.",
        ),
        (4, "parent_code", "Không có đơn vị nào mang mã “KHONG-CO”."),
        (5, "code", "Đã có đơn vị mang mã “THCS-LL-6A1”."),
    ] {
        let row = format!(
            "<tr data-line=\"{line}\"><th scope=\"row\">{line}</th><td><code>{column}</code></td><td>{text}</td></tr>"
        );
        assert!(refused.has(&row), "{row}: {}", refused.html);
    }
    assert!(
        !refused.has("data-line=\"2\""),
        "the good row is not listed"
    );
    assert!(refused.has("id=\"tree\""), "the tree is still shown");
    assert_eq!(count(app, "org_units").await, before, "nothing written");

    let good = "code,name,kind,parent_code\nTHCS-LL-7A1,Lớp 7A1,class,THCS-LL\nTHCS-LL-7A2,Lớp 7A2,class,THCS-LL\n";
    let imported = post_csv(&admin, "/admin/org-units/import", &tree.csrf(), None, good).await;
    assert_eq!(imported.status, 303, "{}", imported.html);
    assert_eq!(count(app, "org_units").await, before + 2);
    let shown = admin
        .get(imported.location.as_deref().expect("location"))
        .await;
    assert!(
        shown.has("Đã nhập 2 đơn vị.") && shown.has("data-code=\"THCS-LL-7A2\""),
        "{}",
        shown.html
    );

    // One unit by the form, under a parent picked from a unit's link.
    let picked = admin
        .get(&format!("/admin/org-units?parent={}", unit("THCS-LL")))
        .await;
    assert!(picked.has(&format!("<option value=\"{}\" selected>", unit("THCS-LL"))));
    let added = admin
        .submit(
            "/admin/org-units",
            "/admin/org-units",
            &[
                ("parent_id", &unit("THCS-LL")),
                ("name", "Lớp 8A1"),
                ("kind", "class"),
                ("code", "THCS-LL-8A1"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.html);
    let listed = app.org_units(Anonymous).await;
    let new = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["code"] == "THCS-LL-8A1")
        .expect("the new unit")
        .clone();
    assert_eq!(new["parent_id"], json!(unit("THCS-LL")));
    assert_eq!(new["kind"], "class");
    // A code taken, and a unit without a kind: refused beside their fields, input kept.
    let count_now = count(app, "org_units").await;
    let taken = admin
        .submit(
            "/admin/org-units",
            "/admin/org-units",
            &[
                ("parent_id", ""),
                ("name", "Lớp khác"),
                ("kind", "class"),
                ("code", "thcs-ll-8a1"),
            ],
        )
        .await;
    assert_eq!(taken.status, 409, "{}", taken.html);
    assert!(taken.has("id=\"code-error\"") && taken.has("value=\"thcs-ll-8a1\""));
    let no_kind = admin
        .submit(
            "/admin/org-units",
            "/admin/org-units",
            &[
                ("parent_id", ""),
                ("name", "Lớp khác"),
                ("kind", ""),
                ("code", "L-KHAC"),
            ],
        )
        .await;
    assert_eq!(no_kind.status, 422, "{}", no_kind.html);
    assert!(no_kind.has("id=\"kind-error\"") && no_kind.has("value=\"Lớp khác\""));
    assert_eq!(count(app, "org_units").await, count_now);
}

#[tokio::test]
async fn the_account_search_api_folds_case_and_accents_filters_and_pages() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    let unit = setup.org_tree(TREE).await;
    let admin = &setup.admin;
    let duc = student(
        app,
        "nguyen.duc",
        "Nguyễn Văn Đức",
        Some(&unit("THCS-LL-6A1")),
    )
    .await;
    let ung = student(app, "do.ung", "ĐỖ THỊ ỨNG", Some(&unit("THCS-LL-6A2"))).await;
    student(app, "Trần.Ý", "Trần Như Ý", Some(&unit("P-HB"))).await;
    student(app, "hs_x1", "Bạn Gạch Dưới", None).await;
    student(app, "hsax1", "Bạn Không Gạch", None).await;
    setup.judge("gk.thu.ha").await;

    for (q, expected) in [
        ("nguyen van duc", vec!["nguyen.duc"]),
        ("NGUYỄN  VĂN ĐỨC", vec!["nguyen.duc"]),
        // Decomposed accents, as some input methods type them.
        ("\u{0110}u\u{031b}\u{0301}c", vec!["nguyen.duc"]),
        ("duc nguyen", vec!["nguyen.duc"]),
        ("do thi ung", vec!["do.ung"]),
        ("ứng", vec!["do.ung"]),
        ("tran.y", vec!["Trần.Ý"]),
        ("hs_x", vec!["hs_x1"]),
        ("hs%", vec![]),
        ("gach", vec!["hs_x1", "hsax1"]),
    ] {
        let query = serde_urlencoded::to_string([("q", q)]).expect("query");
        let found = search(app, admin, &query).await;
        let mut names = usernames(&found);
        // The engine's collation orders punctuation; the set is what the words decide.
        names.sort();
        assert_eq!(names, expected, "q={q}: {found}");
        assert_eq!(found["total"], expected.len(), "q={q}");
    }
    // A school's id finds its classes' students; a class's, its own.
    let school = search(app, admin, &format!("org_unit_id={}", unit("THCS-LL"))).await;
    assert_eq!(usernames(&school), ["do.ung", "nguyen.duc"]);
    let class = search(
        app,
        admin,
        &format!("org_unit_id={}&q=", unit("THCS-LL-6A1")),
    )
    .await;
    assert_eq!(usernames(&class), ["nguyen.duc"]);
    let ward = search(app, admin, &format!("org_unit_id={}", unit("P-HB"))).await;
    assert_eq!(usernames(&ward), ["do.ung", "nguyen.duc", "Trần.Ý"]);
    let judges = search(app, admin, "role=judge").await;
    assert_eq!(usernames(&judges), ["gk.thu.ha"]);
    assert_eq!(judges["items"][0]["role"], "judge");

    // Status: one disabled, three imported on one-time passwords; the rest active.
    let disabled = app
        .update_user(admin, &ung.user_id, &json!({"disabled": true}))
        .await;
    assert_eq!(disabled.status, 200);
    let imported = app
        .import_users(admin, "text/csv", roster(3, "THCS-LL-6A2", "hs.6a2"))
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text);
    let by_status = |status: &str| format!("status={status}&limit=200");
    assert_eq!(
        usernames(&search(app, admin, &by_status("disabled")).await),
        ["do.ung"]
    );
    let pending = search(app, admin, &by_status("one_time_password")).await;
    assert_eq!(usernames(&pending), ["hs.6a2.01", "hs.6a2.02", "hs.6a2.03"]);
    assert_eq!(pending["items"][0]["status"], "one_time_password");
    assert_eq!(
        pending["items"][0]["last_sign_in_at"],
        Value::Null,
        "never signed in"
    );
    let active = search(app, admin, &by_status("active")).await;
    let total = search(app, admin, "").await["total"]
        .as_i64()
        .expect("total");
    assert_eq!(active["total"].as_i64().expect("total") + 1 + 3, total);
    let item = search(app, admin, "q=nguyen.duc").await["items"][0].clone();
    assert_eq!(item["id"], json!(duc.user_id));
    assert_eq!(item["status"], "active");
    assert!(
        item["last_sign_in_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z')),
        "{item}"
    );
    assert_eq!(item["org_unit_id"], json!(unit("THCS-LL-6A1")));

    // Paged by username, with the total of every page.
    let first = search(app, admin, "limit=2").await;
    let second = search(app, admin, "limit=2&offset=2").await;
    assert_eq!(first["total"], total);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    let everyone = usernames(&search(app, admin, "limit=200").await);
    assert_eq!(everyone.len() as i64, total);
    assert_eq!(
        [usernames(&first), usernames(&second)].concat(),
        everyone[..4].to_vec()
    );

    // Never a password or its hash.
    let all = app.search_users(admin, "limit=200").await;
    assert!(
        !all.text.contains("argon2") && !all.text.contains("password_hash"),
        "{}",
        all.text
    );
    assert!(!all.text.contains(PASSWORD));

    // Refusals: bad values, then callers who are not admins.
    for (query, field) in [
        ("role=boss", "role"),
        ("status=asleep", "status"),
        ("org_unit_id=no-such-unit", "org_unit_id"),
        (&*format!("q={}", "a".repeat(101)), "q"),
        ("limit=0", "limit"),
    ] {
        let refused = app.search_users(admin, query).await;
        assert_eq!(refused.status, 422, "{query}: {}", refused.text);
        assert!(
            refused.body["error"]["details"]["fields"][field].is_string(),
            "{query}: {}",
            refused.text
        );
    }
    assert_eq!(app.search_users(admin, "limit=many").await.status, 400);
    let organizer = &setup.organizer;
    let judge = app.login("gk.thu.ha", PASSWORD).await;
    let judge = common::session_of(&judge);
    for who in [organizer, &judge, &duc] {
        let refused = app.search_users(who, "q=nguyen").await;
        assert_eq!(refused.status, 403, "{}", refused.text);
        assert_eq!(refused.code(), "forbidden");
    }
    assert_eq!(app.search_users(Anonymous, "").await.status, 401);
}

#[tokio::test]
async fn the_migrations_backfill_folds_names_as_the_server_does() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    for (username, name) in [
        ("nguyen.duc", "Nguyễn Văn Đức"),
        ("ĐỖ.ỨNG", "ĐỖ THỊ ỨNG"),
        ("Trần.Ý", "Trần Như Ý"),
        ("le.anh", "Lê Ánh Dương Ỳ Ẵ"),
    ] {
        student(app, username, name, None).await;
    }
    let pool = &app.state.db.pool;
    let folded = || async {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT id, username_folded, display_name_folded FROM users ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .expect("folded")
    };
    let by_server = folded().await;
    assert!(
        by_server
            .iter()
            .any(|(_, u, n)| u == "do.ung" && n == "do thi ung"),
        "{by_server:?}"
    );
    sqlx::query("UPDATE users SET username_folded = '', display_name_folded = ''")
        .execute(pool)
        .await
        .expect("blank");
    let migration = include_str!("../migrations/0014_account_search.sql");
    let backfill = migration
        .split_once("-- backfill")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .map(|(_, rest)| rest.trim().trim_end_matches(';'))
        .expect("the migration marks its backfill");
    let backfill = backfill
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    sqlx::query(sqlx::AssertSqlSafe(backfill))
        .execute(pool)
        .await
        .expect("the backfill runs");
    assert_eq!(folded().await, by_server);
}

/// Excel saves CSV with CRLF line ends: a bad row is still named by its own line, on the page
/// and in the API (the reader used to report every row of such a file one line early).
#[tokio::test]
async fn rows_of_a_file_with_crlf_line_ends_keep_their_line_numbers() {
    let Admins { setup, admin, .. } = admins().await;
    let app = &setup.app;
    let csv = "username,display_name,org_unit_code,role,birth_year\r\nhs.crlf.01,Bạn Một,THCS-LL-6A1,,\r\nhs.crlf.02,Bạn Hai,KHONG-CO,,\r\n";
    let api = app.import_users(&setup.admin, "text/csv", csv).await;
    assert_eq!(api.status, 422, "{}", api.text);
    assert_eq!(
        api.body["error"]["details"]["rows"][0]["line"], 3,
        "{}",
        api.text
    );
    let form = admin.get("/admin/users/import").await;
    let page = post_csv(
        &admin,
        "/admin/users/import",
        &form.csrf(),
        Some(("excel.csv", csv)),
        "",
    )
    .await;
    assert_eq!(page.status, 422);
    assert!(
        page.has("<tr data-line=\"3\"><th scope=\"row\">3</th><td><code>org_unit_code</code></td>"),
        "{}",
        page.html
    );
    let units = app
        .import_org_units(
            &setup.admin,
            "code,name,kind,parent_code\r\nL-1,Lớp 1,class,THCS-LL\r\nL-2,Lớp 2,lop,THCS-LL\r\n",
        )
        .await;
    assert_eq!(
        units.body["error"]["details"]["rows"][0]["line"], 3,
        "{}",
        units.text
    );
}
