mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use civiquiz::clock::Clock;
use common::{Anonymous, PASSWORD, TestApp, path, session_of};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn register_login_refresh_and_me() {
    let app = TestApp::spawn().await;
    let response = app
        .try_register(&json!({"username": "Nguyễn.An", "password": PASSWORD, "display_name": "Nguyễn Văn An", "birth_year": 2009}))
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["user"]["role"], "participant");
    assert_eq!(response.body["expires_in"], 900);
    assert!(response.body["user"].get("password_hash").is_none());
    let session = session_of(&response);

    let me = app.me(&session.access).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["username"], "Nguyễn.An");
    assert_eq!(me.body["display_name"], "Nguyễn Văn An");
    assert_eq!(me.body["birth_year"], 2009);

    // Case and normalisation do not matter when signing in.
    let login = app.login("NGUYỄN.AN", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text);

    let refreshed = app.refresh(&session.refresh).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let next = session_of(&refreshed);
    assert_ne!(next.refresh, session.refresh);
    assert_eq!(app.me(&next.access).await.status, 200);
}

#[tokio::test]
async fn unknown_user_and_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    app.register("hoa.le").await;
    let wrong = app.login("hoa.le", "not the password").await;
    let unknown = app.login("nobody.here", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.code(), "invalid_credentials");
}

#[tokio::test]
async fn usernames_are_unique_across_case_and_normalisation() {
    let app = TestApp::spawn().await;
    app.register("Trần.Bình").await;
    for variant in [
        "trần.bình",
        "TRẦN.BÌNH",
        "Tra\u{0302}\u{0300}n.Bi\u{0300}nh",
    ] {
        let response = app
            .try_register(&json!({"username": variant, "password": PASSWORD, "display_name": "x"}))
            .await;
        assert_eq!(response.status, 409, "{variant}: {}", response.text);
        assert_eq!(response.code(), "username_taken");
    }
    // A Cyrillic look-alike is refused outright rather than becoming a second "admin".
    let lookalike = app
        .try_register(
            &json!({"username": "\u{0430}dmin", "password": PASSWORD, "display_name": "x"}),
        )
        .await;
    assert_eq!(lookalike.status, 422);
    assert!(lookalike.body["error"]["details"]["fields"]["username"].is_string());
}

#[tokio::test]
async fn registration_validates_every_field() {
    let app = TestApp::spawn().await;
    let long = "a".repeat(10_000);
    let response = app
        .try_register(&json!({"username": long, "password": "short", "display_name": "bell\u{0007}", "birth_year": 1800}))
        .await;
    assert_eq!(response.status, 422, "{}", response.text);
    let fields = &response.body["error"]["details"]["fields"];
    for field in ["username", "password", "display_name", "birth_year"] {
        assert!(fields[field].is_string(), "{field} in {fields}");
    }
    let long_display = app
        .try_register(
            &json!({"username": "valid.name", "password": PASSWORD, "display_name": long}),
        )
        .await;
    assert_eq!(long_display.status, 422);
    let unknown_unit = app
        .try_register(&json!({"username": "valid.name", "password": PASSWORD, "display_name": "X", "org_unit_id": "nope"}))
        .await;
    assert_eq!(unknown_unit.status, 422, "{}", unknown_unit.text);
    assert!(unknown_unit.body["error"]["details"]["fields"]["org_unit_id"].is_string());
    // Nothing of the refused attempts was stored.
    assert_eq!(app.login("valid.name", PASSWORD).await.status, 401);
}

#[tokio::test]
async fn sql_metacharacters_are_just_text() {
    let app = TestApp::spawn().await;
    let name = "Robert'); DROP TABLE users;--";
    let session = app
        .register_with(json!({"username": "bobby", "password": PASSWORD, "display_name": name}))
        .await;
    let me = app.me(&session.access).await;
    assert_eq!(me.body["display_name"], name);
    let bad_username = app
        .try_register(
            &json!({"username": "x' OR '1'='1", "password": PASSWORD, "display_name": "x"}),
        )
        .await;
    assert_eq!(bad_username.status, 422);
    assert_eq!(app.login("x' OR '1'='1", PASSWORD).await.status, 401);
}

#[tokio::test]
async fn malformed_mistyped_and_oversized_bodies() {
    let app = TestApp::spawn().await;
    // Bodies no client would send: raw posts to the login path.
    let malformed = app
        .post_raw(&path::login(), None, "application/json", "{\"username\": ")
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.code(), "malformed_json");

    let missing = app.login_with(&json!({"username": "a"})).await;
    assert_eq!(missing.status, 422);
    assert!(
        missing.body["error"]["details"]["fields"]["password"].is_string(),
        "{}",
        missing.text
    );

    let mistyped = app
        .login_with(&json!({"username": 12, "password": "x"}))
        .await;
    assert_eq!(mistyped.status, 422);
    assert!(
        mistyped.body["error"]["details"]["fields"]["username"].is_string(),
        "{}",
        mistyped.text
    );

    let huge = format!(
        "{{\"username\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(1024 * 1024)
    );
    let too_large = app
        .post_raw(&path::login(), None, "application/json", huge)
        .await;
    assert_eq!(too_large.status, 413);
    assert_eq!(too_large.code(), "payload_too_large");

    let not_json = app
        .post_raw(&path::login(), None, "text/plain", "username=a")
        .await;
    assert_eq!(not_json.status, 415);
    assert_eq!(not_json.code(), "unsupported_media_type");
}

fn forge(header: serde_json::Value, claims: serde_json::Value, signature: &str) -> String {
    let encode = |value: serde_json::Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!("{}.{}.{}", encode(header), encode(claims), signature)
}

#[tokio::test]
async fn forged_expired_and_mistyped_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let session = app.register("minh.tu").await;
    let now = app.clock.now_ms() / 1000;
    let claims = json!({"sub": session.user_id, "sid": "x", "stamp": "x", "typ": "access", "iss": "civiquiz",
                        "aud": "civiquiz-api", "iat": now, "nbf": now, "exp": now + 900});

    let none = forge(json!({"alg": "none", "typ": "JWT"}), claims.clone(), "");
    let other_key = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"another secret, also long enough to use"),
    )
    .expect("token");
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&app.config.jwt_secret),
    )
    .expect("token");
    let mut refresh_typ = claims.clone();
    refresh_typ["typ"] = json!("refresh");
    let wrong_typ = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &refresh_typ,
        &jsonwebtoken::EncodingKey::from_secret(&app.config.jwt_secret),
    )
    .expect("token");
    for (name, token) in [
        ("none", none),
        ("other key", other_key),
        ("HS512", hs512),
        ("typ", wrong_typ),
        ("garbage", "abc".into()),
    ] {
        let response = app.me(&token).await;
        assert_eq!(response.status, 401, "{name}");
        assert_eq!(response.code(), "token_invalid", "{name}");
    }

    assert_eq!(app.me(Anonymous).await.code(), "unauthenticated");
    app.clock.advance_ms(15 * 60 * 1000 + 1000);
    let expired = app.me(&session.access).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.code(), "token_expired");
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_its_family() {
    let app = TestApp::spawn().await;
    let first = app.register("lan.pham").await;
    let rotated = app.refresh(&first.refresh).await;
    assert_eq!(rotated.status, 200);
    let second = session_of(&rotated);
    let other_device = session_of(&app.login("lan.pham", PASSWORD).await);

    // Past the reuse grace (issue 15: within it, the same successor comes back).
    app.clock
        .advance_ms(civiquiz::auth::sessions::REUSE_GRACE_MS + 1);
    let replay = app.refresh(&first.refresh).await;
    assert_eq!(replay.status, 401);
    assert_eq!(replay.code(), "token_invalid");
    // The thief's and the owner's successors are dead too, and so are its access tokens.
    let successor = app.refresh(&second.refresh).await;
    assert_eq!(successor.status, 401);
    assert_eq!(app.me(&second.access).await.status, 401);
    // Another sign-in of the same user is a different family and lives on.
    assert_eq!(app.me(&other_device.access).await.status, 200);
}

/// Two tabs refreshing at once (or a retry after a lost response) rotate once and both get
/// the same successor, instead of one of them revoking the family and signing her out.
#[tokio::test]
async fn concurrent_refreshes_rotate_once_and_share_the_successor() {
    let app = TestApp::spawn().await;
    let session = app.register("song.song").await;
    let (a, b) = tokio::join!(app.refresh(&session.refresh), app.refresh(&session.refresh));
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.text, b.text);
    let (a, b) = (session_of(&a), session_of(&b));
    assert_eq!(a.refresh, b.refresh, "one successor");
    assert_eq!(app.me(&a.access).await.status, 200);
    assert_eq!(app.me(&b.access).await.status, 200);
    // A retry a few seconds later still gets it, while it is unused.
    app.clock.advance_ms(10_000);
    let retry = app.refresh(&session.refresh).await;
    assert_eq!(retry.status, 200, "{}", retry.text);
    assert_eq!(session_of(&retry).refresh, a.refresh);
    // The successor, used once, rotates on; the family lives.
    let next = app.refresh(&a.refresh).await;
    assert_eq!(next.status, 200, "{}", next.text);
    let next = session_of(&next);
    // Now the first token's successor is used: presenting the first token again, even within
    // the grace, is a replay, and the family ends.
    let replay = app.refresh(&session.refresh).await;
    assert_eq!(replay.status, 401, "{}", replay.text);
    assert_eq!(app.me(&next.access).await.status, 401);
}

#[tokio::test]
async fn refresh_tokens_expire_after_thirty_days() {
    let app = TestApp::spawn().await;
    let session = app.register("thirty.days").await;
    app.clock.advance_ms(30 * 24 * 3600 * 1000 + 1);
    let response = app.refresh(&session.refresh).await;
    assert_eq!(response.status, 401);
    assert_eq!(response.code(), "token_expired");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let session = app.register("tam.biet").await;
    let other = app.register("someone.else").await;
    // One cannot end another user's session.
    let foreign = app.logout(&other, &session.refresh).await;
    assert_eq!(foreign.status, 401);
    let response = app.logout(&session, &session.refresh).await;
    assert_eq!(response.status, 204, "{}", response.text);
    assert_eq!(app.me(&session.access).await.status, 401);
    let refresh = app.refresh(&session.refresh).await;
    assert_eq!(refresh.status, 401);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let phone = app.register("doi.mat.khau").await;
    let laptop = session_of(&app.login("doi.mat.khau", PASSWORD).await);
    let new_password = "một mật khẩu mới rất dài";

    let wrong = app
        .change_password(&phone, "not it at all", new_password)
        .await;
    assert_eq!(wrong.status, 422);
    let weak = app.change_password(&phone, PASSWORD, "short").await;
    assert_eq!(weak.status, 422);

    let changed = app.change_password(&phone, PASSWORD, new_password).await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    // Every access token issued before is dead; the other device's session is over.
    assert_eq!(app.me(&phone.access).await.code(), "token_invalid");
    assert_eq!(app.me(&laptop.access).await.status, 401);
    let laptop_refresh = app.refresh(&laptop.refresh).await;
    assert_eq!(laptop_refresh.status, 401);
    // The device that changed it continues by refreshing.
    let phone_refresh = app.refresh(&phone.refresh).await;
    assert_eq!(phone_refresh.status, 200, "{}", phone_refresh.text);
    assert_eq!(app.login("doi.mat.khau", PASSWORD).await.status, 401);
    // The same phrase typed with decomposed accents still signs in.
    let decomposed: String =
        unicode_normalization::UnicodeNormalization::nfd(new_password).collect();
    assert_eq!(app.login("doi.mat.khau", &decomposed).await.status, 200);
}

#[tokio::test]
async fn the_eleventh_failed_login_is_slowed_down() {
    let app = TestApp::spawn().await;
    app.register("brute.target").await;
    for attempt in 1..=10 {
        let response = app.login("brute.target", "wrong password!").await;
        assert_eq!(response.status, 401, "attempt {attempt}");
    }
    // Past the limit a device the account does not know tries once per 30 s per address.
    assert_eq!(
        app.login("brute.target", "wrong password!").await.status,
        401
    );
    let limited = app.login("brute.target", "wrong password!").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.code(), "rate_limited");
    let retry: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=30).contains(&retry), "{retry}");
    // The right password waits its turn too; other accounts are not affected.
    assert_eq!(app.login("brute.target", PASSWORD).await.status, 429);
    app.register("bystander").await;
    assert_eq!(app.login("bystander", PASSWORD).await.status, 200);
    app.clock.advance_ms(30 * 1000);
    assert_eq!(app.login("brute.target", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn concurrent_guesses_cannot_overshoot_the_limit() {
    let app = TestApp::spawn().await;
    app.register("many.guesses").await;
    let guesses = (0..25).map(|_| app.login("many.guesses", "wrong password!"));
    let responses = futures::future::join_all(guesses).await;
    let checked = responses.iter().filter(|r| r.status == 401).count();
    let limited = responses.iter().filter(|r| r.status == 429).count();
    // Ten within the limit, and one through the slow-down's gate.
    assert_eq!(checked, 11);
    assert_eq!(limited, 14);
}

#[tokio::test]
async fn a_class_behind_one_address_can_sign_in_but_floods_are_stopped() {
    let app = TestApp::spawn_with(|config| config.auth_ip_limit_per_min = 60).await;
    // 50 students of one class register within the minute from one address.
    for i in 0..50 {
        app.register(&format!("hs{i:02}")).await;
    }
    let mut limited = None;
    for i in 0..20 {
        let response = app.login(&format!("hs{i:02}"), PASSWORD).await;
        if response.status == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the 61st request in a minute is limited");
    assert_eq!(limited.code(), "rate_limited");
    assert!(limited.header("retry-after").is_some());
    app.clock.advance_ms(60_000);
    assert_eq!(app.login("hs00", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn hashing_queue_overload_answers_503() {
    let app = TestApp::spawn_with(|config| {
        config.limits.hash_queue_wait = std::time::Duration::from_millis(1)
    })
    .await;
    let names: Vec<String> = (0..24).map(|i| format!("nobody{i}")).collect();
    let responses = futures::future::join_all(
        names
            .iter()
            .map(|name| app.login(name, "whatever password")),
    )
    .await;
    let overloaded: Vec<_> = responses.iter().filter(|r| r.status == 503).collect();
    assert!(
        !overloaded.is_empty(),
        "some logins wait too long for a hashing slot"
    );
    assert!(
        overloaded
            .iter()
            .all(|r| r.code() == "overloaded" && r.header("retry-after").is_some())
    );
    assert!(responses.iter().all(|r| r.status == 503 || r.status == 401));
}

#[tokio::test]
async fn a_disabled_user_is_locked_out_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = app.register("se.bi.khoa").await;
    let response = app
        .update_user(&admin, &user.user_id, &json!({"disabled": true}))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.body["disabled"], true);
    assert_eq!(app.me(&user.access).await.code(), "token_invalid");
    assert_eq!(
        app.login("se.bi.khoa", PASSWORD).await.code(),
        "invalid_credentials"
    );
    let refresh = app.refresh(&user.refresh).await;
    assert_eq!(refresh.status, 401);
}

#[tokio::test]
async fn admins_change_roles_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = app.register("se.la.btc").await;
    let stranger = app.register("stranger").await;
    let user_id = &user.user_id;

    let denied = app
        .update_user(&stranger, user_id, &json!({"role": "admin"}))
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.code(), "forbidden");
    assert_eq!(
        app.update_user(Anonymous, user_id, &json!({"role": "admin"}))
            .await
            .status,
        401
    );

    let bad = app
        .update_user(&admin, user_id, &json!({"role": "king"}))
        .await;
    assert_eq!(bad.status, 422);
    let promoted = app
        .update_user(&admin, user_id, &json!({"role": "organizer"}))
        .await;
    assert_eq!(promoted.status, 200);
    assert_eq!(promoted.body["role"], "organizer");
    let me = app.me(&user.access).await;
    assert_eq!(me.body["role"], "organizer");

    let missing = app
        .update_user(&admin, "no-such-user", &json!({"role": "judge"}))
        .await;
    assert_eq!(missing.status, 404);
    let itself = app
        .update_user(&admin, &admin.user_id, &json!({"disabled": true}))
        .await;
    assert_eq!(itself.status, 409);
}

fn school_csv(count: usize, class_code: &str) -> String {
    let mut csv = String::from("username,display_name,org_unit_code,role,birth_year\n");
    for i in 0..count {
        csv.push_str(&format!(
            "hs.{i:03},\"Nguyễn Thị {i}, lớp 8A\",{class_code},,2011\n"
        ));
    }
    csv
}

#[tokio::test]
async fn an_admin_imports_a_school_of_two_hundred_students() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let units = "code,name,kind,parent_code\nQ1,Quận Một,district,\nP1,Phường Một,ward,Q1\nTHCS1,Trường THCS Một,school,P1\n8A,Lớp 8A,class,THCS1\n";
    let imported = app.import_org_units(&admin, units).await;
    assert_eq!(imported.status, 201, "{}", imported.text);

    let body = format!("\u{FEFF}{}", school_csv(200, "8A"));
    let response = app
        .import_users(&admin, "text/csv; charset=utf-8", body)
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["created"], 200);
    let users = response.body["users"].as_array().expect("users");
    let first = &users[0];
    assert_eq!(first["display_name"], "Nguyễn Thị 0, lớp 8A");
    assert_eq!(first["role"], "participant");
    assert_eq!(first["must_change_password"], true);
    assert!(first["org_unit_id"].is_string());

    // A one-time password signs in, but must be replaced before anything else.
    let otp = users[5]["one_time_password"]
        .as_str()
        .expect("one-time password");
    let login = app.login("hs.005", otp).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let session = session_of(&login);
    let blocked = app.update_user(&session, "x", &json!({})).await;
    assert_eq!(blocked.code(), "password_change_required");
    let changed = app
        .change_password(&session, otp, "mật khẩu riêng của em")
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    let again = session_of(&app.login("hs.005", "mật khẩu riêng của em").await);
    let me = app.me(&again.access).await;
    assert_eq!(me.body["must_change_password"], false);
}

#[tokio::test]
async fn a_bad_import_reports_every_row_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.register("da.co").await;
    let csv = "username,display_name,org_unit_code,role,birth_year\n\
               ok.one,Một,,,\n\
               da.co,Trùng với tài khoản có sẵn,,,\n\
               x,Quá ngắn,,,\n\
               ok.two,Hai,NOPE,,\n\
               ok.three,Ba,,emperor,\n\
               ok.four,Bốn,,,năm ngoái\n\
               OK.ONE,Trùng trong tệp,,,\n";
    let response = app.import_users(&admin, "text/csv", csv).await;
    assert_eq!(response.status, 422, "{}", response.text);
    let rows = response.body["error"]["details"]["rows"]
        .as_array()
        .expect("rows");
    let found: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        (3, "username"),
        (4, "username"),
        (5, "org_unit_code"),
        (6, "role"),
        (7, "birth_year"),
        (8, "username"),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    assert_eq!(app.login("ok.one", PASSWORD).await.status, 401);
    let participant = app.register("not.admin").await;
    let denied = app.import_users(&participant, "text/csv", csv).await;
    assert_eq!(denied.status, 403);
}

#[tokio::test]
async fn admin_create_command_makes_a_working_admin() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let me = app.me(&admin.access).await;
    assert_eq!(me.body["role"], "admin");
    let weak = civiquiz::auth::admin::create_admin(
        &app.state.db,
        "weak.admin",
        None,
        "short",
        app.clock.now_ms(),
    )
    .await;
    assert!(weak.is_err());
    let taken = civiquiz::auth::admin::create_admin(
        &app.state.db,
        &admin.username,
        None,
        PASSWORD,
        app.clock.now_ms(),
    )
    .await;
    assert!(taken.is_err());
    let _ = app.request(Method::GET, "/", None);
}
