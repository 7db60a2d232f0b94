//! The organizers' question-bank pages over real HTTP, as a browser without JavaScript uses
//! them: the banks with their coverage, a bank's questions with their keys, and the import
//! form (TOML and GIFT, multipart with the CSRF field first) in both languages; who is
//! refused; and that a refused import writes nothing, counted in the tables.

mod common;

use common::TestApp;
use common::browser::{Browser, Page};
use common::fixture::{BANK, Setup};

const SLUG: &str = "an-toan-so";

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(!page.has("⟦"), "{what} ({lang}) has a missing message");
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

/// Rows of the bank tables, counted in the database.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Rows {
    banks: i64,
    questions: i64,
    versions: i64,
}

async fn rows(app: &TestApp) -> Rows {
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&app.state.db.pool)
            .await
            .expect("count")
    };
    Rows {
        banks: count("banks").await,
        questions: count("questions").await,
        versions: count("question_versions").await,
    }
}

/// `(competence, difficulty, kind)` of each drawable question of `slug`, from the database.
async fn drawable(app: &TestApp, slug: &str) -> Vec<(String, i64, String)> {
    sqlx::query_as(
        "SELECT competence, difficulty, kind FROM questions WHERE bank_slug = $1 AND retired = 0",
    )
    .bind(slug)
    .fetch_all(&app.state.db.pool)
    .await
    .expect("questions")
}

/// The numbers of the row of `slug` in the table `table_id`, left to right.
fn row_numbers(html: &str, table_id: &str, slug: &str) -> Vec<usize> {
    let (_, table) = html
        .split_once(&format!("<table id=\"{table_id}\""))
        .unwrap_or_else(|| panic!("no table {table_id}"));
    let table = table.split("</table>").next().unwrap_or("");
    let (_, row) = table
        .split_once(&format!("data-bank=\"{slug}\""))
        .unwrap_or_else(|| panic!("no row {slug} in {table_id}"));
    let row = row.split("</tr>").next().unwrap_or("");
    row.split("<td class=\"num")
        .skip(1)
        .map(|cell| {
            let value = cell.split_once('>').map_or("", |(_, rest)| rest);
            value
                .split('<')
                .next()
                .unwrap_or("")
                .trim()
                .parse()
                .expect("a number")
        })
        .collect()
}

/// What the three tables should say for `slug`: by area with the total, by difficulty, by kind.
async fn expected_coverage(app: &TestApp, slug: &str) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let questions = drawable(app, slug).await;
    let mut by_area = vec![0; 6];
    let mut by_difficulty = vec![0; 3];
    let mut by_kind = vec![0; 5];
    let kinds = ["single", "multiple", "true_false", "ordering", "short_text"];
    for (competence, difficulty, kind) in &questions {
        let area: usize = competence[..1].parse().expect("area");
        by_area[area - 1] += 1;
        by_difficulty[usize::try_from(*difficulty).expect("difficulty") - 1] += 1;
        by_kind[kinds.iter().position(|k| k == kind).expect("kind")] += 1;
    }
    by_area[5] = questions.len();
    (by_area, by_difficulty, by_kind)
}

/// One part of a `multipart/form-data` body.
enum Part<'a> {
    Field(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

/// Posts a multipart form as a browser sends a file form, parts in the order given.
async fn post_multipart(browser: &Browser, path: &str, parts: &[Part<'_>]) -> Page {
    let boundary = "----civiquizBankFormBoundary4f9d";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Field(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = browser
        .client
        .post(format!("{}{path}", browser.base))
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

const IMPORT: &str = "/organize/banks/import";

/// The import form as the page sends it: its CSRF token first, then `fields`, then the file.
async fn import(browser: &Browser, fields: &[(&str, &str)], file: &str) -> Page {
    let form = browser.get(IMPORT).await;
    assert_eq!(form.status, 200, "{}", form.html);
    let csrf = form.csrf();
    let mut parts = vec![Part::Field("csrf", &csrf)];
    parts.extend(fields.iter().map(|(name, value)| Part::Field(name, value)));
    parts.push(Part::File("file", "bank.txt", file.as_bytes()));
    post_multipart(browser, IMPORT, &parts).await
}

/// A GIFT file with two problems: line 11's answer block is never closed, and line 15's
/// question marks no answer correct.
const BROKEN_GIFT: &str = "// Câu hỏi thử cho trang nhập ngân hàng
$CATEGORY: $course$/top/4.2 Bảo vệ dữ liệu/Mật khẩu

::OTP::Ai được phép biết mã OTP của bạn?{
  ~Nhân viên ngân hàng
  =Chỉ mình bạn#Không ai được hỏi mã OTP của bạn.
}

::Wi-Fi::Wi-Fi công cộng luôn an toàn để giao dịch ngân hàng.{F}

::Khoá màn hình::Nên đặt khoá màn hình cho điện thoại.{TRUE

$CATEGORY: $course$/top/2.6 Danh tính số

::Mạng xã hội::Nên đăng công khai thông tin nào lên mạng xã hội?{
  ~Số căn cước
  ~Mã OTP
}
";

fn fixed_gift() -> String {
    BROKEN_GIFT
        .replace("{TRUE\n", "{TRUE}\n")
        .replace("  ~Mã OTP\n", "  ~Mã OTP\n  =Ảnh phong cảnh\n")
}

fn gift_fields(slug: &str) -> Vec<(&str, &str)> {
    vec![
        ("format", "gift"),
        ("slug", slug),
        ("title", "Câu hỏi từ Moodle"),
        ("competence", "1.1"),
        ("difficulty", "1"),
    ]
}

#[tokio::test]
async fn every_page_renders_in_both_languages_with_the_counts_and_keys() {
    let setup = Setup::spawn().await.with_bank().await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    let (by_area, by_difficulty, by_kind) = expected_coverage(&setup.app, SLUG).await;
    assert_eq!(by_area[5], 5, "the fixture bank has five questions");
    for lang in ["vi", "en"] {
        let list = organizer.get(&format!("/organize/banks?lang={lang}")).await;
        assert_page(&list, lang, "banks");
        assert!(
            list.has("href=\"/organize/banks/an-toan-so\""),
            "{}",
            list.html
        );
        assert!(list.has("href=\"/organize/banks/import\""));
        assert!(
            list.has("aria-current=\"page\">"),
            "the sub-navigation marks the banks"
        );
        assert_eq!(
            row_numbers(&list.html, "by-area", SLUG),
            by_area,
            "by area ({lang})"
        );
        assert_eq!(
            row_numbers(&list.html, "by-difficulty", SLUG),
            by_difficulty,
            "by difficulty ({lang})"
        );
        assert_eq!(
            row_numbers(&list.html, "by-kind", SLUG),
            by_kind,
            "by kind ({lang})"
        );
        let (area, kind) = if lang == "vi" {
            ("4. An toàn", "Trả lời ngắn")
        } else {
            ("4. Safety", "Short answer")
        };
        assert!(list.has(&format!("<th scope=\"col\" class=\"num\">{area}</th>")));
        assert!(list.has(&format!("<th scope=\"col\" class=\"num\">{kind}</th>")));

        let bank = organizer.get(&format!("/organize/banks/{SLUG}")).await;
        assert_page(&bank, lang, "bank");
        assert!(
            bank.has("id=\"question-count\" data-count=\"5\""),
            "{}",
            bank.html
        );
        for id in ["as-001", "as-002", "as-003", "as-004", "as-005"] {
            assert!(bank.has(&format!("id=\"q-{id}\"")), "{id} is listed");
        }
        // as-001's key is option b, marked in words beside its text.
        let (correct, option_b, truth, accepted, competence) = if lang == "vi" {
            (
                "✓ Đáp án đúng",
                "Không cung cấp mã, cúp máy và gọi lại tổng đài chính thức của ngân hàng",
                "✓ Đáp án:</strong> Sai",
                "✓ Các câu trả lời được chấp nhận:",
                "4.2 Bảo vệ dữ liệu cá nhân và quyền riêng tư",
            )
        } else {
            (
                "✓ Correct answer",
                "Do not give the code, hang up and call the bank&#39;s official hotline",
                "✓ Answer:</strong> False",
                "✓ Accepted answers:",
                "4.2 Protecting personal data and privacy",
            )
        };
        let first = question_html(&bank.html, "as-001");
        assert!(
            first.contains(&format!(
                "<li class=\"correct\"><span class=\"option-id\">b.</span> <span>{option_b}</span> <strong class=\"key\">{correct}</strong></li>"
            )),
            "as-001's key ({lang}): {first}"
        );
        assert_eq!(
            first.matches(correct).count(),
            1,
            "one key for a single answer"
        );
        assert!(first.contains(competence), "{first}");
        let multiple = question_html(&bank.html, "as-002");
        assert_eq!(
            multiple.matches(correct).count(),
            3,
            "a, b and d: {multiple}"
        );
        assert!(question_html(&bank.html, "as-003").contains(truth));
        let ordering = question_html(&bank.html, "as-004");
        let order: Vec<&str> = ordering
            .split("<span class=\"option-id\">")
            .skip(1)
            .map(|rest| rest.split('.').next().unwrap_or(""))
            .collect();
        assert_eq!(order, ["b", "c", "a", "d"], "the correct order: {ordering}");
        let short = question_html(&bank.html, "as-005");
        assert!(
            short.contains(accepted) && short.contains("<q>VNeID</q>"),
            "{short}"
        );
        assert!(bank.has("class=\"explanation\""));

        let form = organizer.get(IMPORT).await;
        assert_page(&form, lang, "import");
        let (_, form_html) = form.html.split_once("<form method=\"post\" action=\"/organize/banks/import\" enctype=\"multipart/form-data\"").expect("the import form");
        let first_control = form_html.split("<input").nth(1).unwrap_or("");
        assert!(
            first_control.contains("name=\"csrf\""),
            "the CSRF field comes first, so it is checked before the file is read"
        );
        assert!(form_html.contains("type=\"file\" id=\"bank-file\" name=\"file\""));
    }
}

/// The `<li>` of question `id` on a bank page.
fn question_html<'h>(html: &'h str, id: &str) -> &'h str {
    let (_, rest) = html
        .split_once(&format!("<li id=\"q-{id}\""))
        .unwrap_or_else(|| panic!("no question {id}"));
    rest.split("</article>").next().unwrap_or("")
}

#[tokio::test]
async fn participants_and_judges_are_refused_and_signed_out_visitors_sign_in() {
    let setup = Setup::spawn().await.with_bank().await;
    let app = &setup.app;
    app.register("hoc.sinh.to.mo").await;
    app.user_with_role(&setup.admin, "giam.khao", "judge").await;
    let pages = ["/organize/banks", "/organize/banks/an-toan-so", IMPORT];
    for username in ["hoc.sinh.to.mo", "giam.khao"] {
        let browser = Browser::signed_in(app, username).await;
        for path in pages {
            let page = browser.get(path).await;
            assert_eq!(page.status, 403, "{username} on {path}: {}", page.html);
            for secret in ["as-001", "Không cung cấp mã, cúp máy", "VNeID"] {
                assert!(!page.has(secret), "{username} on {path} sees {secret}");
            }
        }
        let before = rows(app).await;
        let home = browser.get("/").await;
        let denied = post_multipart(
            &browser,
            IMPORT,
            &[
                Part::Field("csrf", &home.csrf()),
                Part::File("file", "bank.toml", fixed_gift().as_bytes()),
            ],
        )
        .await;
        assert_eq!(denied.status, 403, "{username} imports: {}", denied.html);
        assert_eq!(rows(app).await, before, "nothing written");
    }
    let visitor = Browser::new(app);
    for path in pages {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(
            page.location.as_deref(),
            Some(format!("/login?next={path}").as_str()),
        );
    }
    let missing = Browser::signed_in(app, "ban.to.chuc")
        .await
        .get("/organize/banks/khong-co")
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_gift_file_with_errors_lists_their_lines_and_writes_nothing_then_the_fixed_file_imports()
{
    let setup = Setup::spawn().await.with_bank().await;
    let app = &setup.app;
    let organizer = Browser::signed_in(app, "ban.to.chuc").await;
    let before = rows(app).await;

    let refused = import(&organizer, &gift_fields("tu-moodle"), BROKEN_GIFT).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(!refused.has("⟦"));
    assert!(
        refused.has("Tệp có 2 lỗi nên chưa có câu hỏi nào được nhập."),
        "{}",
        refused.html
    );
    assert!(refused.has("<li data-line=\"11\"><strong class=\"problem-where\">Dòng 11"));
    assert!(refused.has("the answer block is not closed"));
    assert!(refused.has(
        "<code class=\"problem-source\">::Khoá màn hình::Nên đặt khoá màn hình cho điện thoại.{TRUE</code>"
    ));
    assert!(refused.has("<li data-line=\"15\"><strong class=\"problem-where\">Dòng 15 · câu <code>mang-xa-hoi</code>"));
    assert!(refused.has("no answer is marked correct"));
    assert_eq!(rows(app).await, before, "a refused import writes nothing");
    // What she chose is kept; the file must be chosen again.
    assert!(refused.has("id=\"format-gift\" checked"));
    assert!(refused.has("name=\"slug\" value=\"tu-moodle\""));
    assert!(refused.has("value=\"1\" selected"));
    assert!(refused.has("Câu hỏi từ Moodle"));

    let english = organizer.get("/?lang=en").await;
    assert_eq!(english.status, 200);
    let refused = import(&organizer, &gift_fields("tu-moodle"), BROKEN_GIFT).await;
    assert_eq!(refused.status, 422);
    assert!(refused.has("The file has 2 problems, so no question was imported."));
    assert!(refused.has("Line 11") && refused.has("Line 15 · question <code>mang-xa-hoi</code>"));
    assert_eq!(rows(app).await, before);
    organizer.get("/?lang=vi").await;

    let imported = import(&organizer, &gift_fields("tu-moodle"), &fixed_gift()).await;
    assert_eq!(imported.status, 303, "{}", imported.html);
    let location = imported.location.expect("location");
    assert!(
        location.starts_with("/organize/banks/tu-moodle?imported=1&created=4&"),
        "{location}"
    );
    let bank = organizer.get(&location).await;
    assert_page(&bank, "vi", "the imported bank");
    assert!(bank.has(
        "Đã nhập ngân hàng câu hỏi: 4 câu mới, 0 câu được cập nhật, 0 câu giữ nguyên, 0 câu ngừng dùng."
    ));
    assert!(bank.has("<h1>Câu hỏi từ Moodle</h1>"));
    assert!(bank.has("id=\"question-count\" data-count=\"4\""));
    let (competence, difficulty, _): (Vec<String>, Vec<i64>, Vec<String>) = {
        let questions = drawable(app, "tu-moodle").await;
        (
            questions.iter().map(|q| q.0.clone()).collect(),
            questions.iter().map(|q| q.1).collect(),
            Vec::new(),
        )
    };
    assert_eq!(competence.len(), 4);
    assert!(competence.contains(&"2.6".to_owned()) && competence.contains(&"4.2".to_owned()));
    assert!(difficulty.iter().all(|d| *d == 1), "the chosen difficulty");
    let after = rows(app).await;
    assert_eq!(
        (after.banks, after.questions),
        (before.banks + 1, before.questions + 4)
    );

    let list = organizer.get("/organize/banks").await;
    assert!(list.has("Câu hỏi từ Moodle"));
    assert_eq!(
        row_numbers(&list.html, "by-area", "tu-moodle"),
        [0, 1, 0, 3, 0, 4]
    );
    // The API agrees.
    let banks = app.banks(&setup.organizer).await;
    let bank = banks.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|b| b["slug"] == "tu-moodle")
        .cloned()
        .expect("the bank");
    assert_eq!(bank["question_count"], 4);
}

#[tokio::test]
async fn a_toml_bank_imports_through_the_form_and_a_broken_one_lists_every_problem() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    let organizer = Browser::signed_in(app, "ban.to.chuc").await;
    let empty = organizer.get("/organize/banks").await;
    assert!(empty.has("id=\"no-banks\""), "{}", empty.html);

    let broken = BANK
        .replacen("competence = \"4.2\"", "competence = \"9.9\"", 1)
        .replacen(
            "answer = [\"a\", \"b\", \"d\"]",
            "answer = [\"a\", \"z\"]",
            1,
        );
    let api = app
        .import_bank(&setup.organizer, "", "application/toml", broken.clone())
        .await;
    assert_eq!(api.status, 422);
    let api_lines: Vec<u64> = api.body["error"]["details"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["line"].as_u64().expect("line"))
        .collect();
    assert!(api_lines.len() >= 2, "{api_lines:?}");

    let before = rows(app).await;
    let refused = import(&organizer, &[("format", "toml")], &broken).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let page_lines: Vec<u64> = refused
        .html
        .split("<li data-line=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or("").parse().expect("line"))
        .collect();
    assert_eq!(
        page_lines, api_lines,
        "every problem the API finds, with its line"
    );
    assert!(refused.has("câu <code>as-001</code>") && refused.has("câu <code>as-002</code>"));
    assert!(
        refused.has("competence = &#34;9.9&#34;") || refused.has("competence = &quot;9.9&quot;"),
        "{}",
        refused.html
    );
    assert_eq!(rows(app).await, before, "nothing written");
    assert_eq!(before.banks, 0);

    // A TOML syntax error names its line too.
    let syntax = import(
        &organizer,
        &[("format", "toml")],
        include_str!("fixtures/banks/bad-toml-syntax.toml"),
    )
    .await;
    assert_eq!(syntax.status, 422);
    assert!(syntax.has("<li data-line=\"12\">"), "{}", syntax.html);
    assert!(syntax.has("TOML syntax error"));

    let imported = import(&organizer, &[("format", "toml")], BANK).await;
    assert_eq!(imported.status, 303, "{}", imported.html);
    assert_eq!(
        imported.location.as_deref(),
        Some(
            "/organize/banks/an-toan-so?imported=1&created=5&updated=0&unchanged=0&retired=0&skipped=0"
        )
    );
    let after = rows(app).await;
    assert_eq!((after.banks, after.questions, after.versions), (1, 5, 5));
    let list = organizer.get("/organize/banks").await;
    assert_eq!(
        row_numbers(&list.html, "by-area", SLUG),
        expected_coverage(app, SLUG).await.0
    );

    // The same file again changes nothing and says so.
    let again = import(&organizer, &[("format", "toml")], BANK).await;
    assert_eq!(
        again.location.as_deref(),
        Some(
            "/organize/banks/an-toan-so?imported=1&created=0&updated=0&unchanged=5&retired=0&skipped=0"
        )
    );
    assert_eq!(rows(app).await, after);
}

#[tokio::test]
async fn a_forged_or_missing_csrf_field_is_refused_before_the_file_and_writes_nothing() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    let organizer = Browser::signed_in(app, "ban.to.chuc").await;
    let before = rows(app).await;
    let other = Browser::signed_in(app, "ban.to.chuc").await;
    let others_token = other.get(IMPORT).await.csrf();
    let file = BANK.as_bytes();
    let forged: [Vec<Part<'_>>; 4] = [
        vec![
            Part::Field("csrf", "00ff"),
            Part::File("file", "bank.toml", file),
        ],
        vec![
            Part::Field("csrf", &others_token),
            Part::File("file", "bank.toml", file),
        ],
        vec![Part::File("file", "bank.toml", file)],
        // The token after the file: the file would have been read first.
        vec![
            Part::File("file", "bank.toml", file),
            Part::Field("csrf", &others_token),
        ],
    ];
    for (index, parts) in forged.iter().enumerate() {
        let page = post_multipart(&organizer, IMPORT, parts).await;
        assert_eq!(page.status, 403, "forgery {index}: {}", page.html);
        assert!(
            page.has("Biểu mẫu đã cũ. Hãy tải lại trang rồi thử lại."),
            "the CSRF message ({index}): {}",
            page.html
        );
    }
    // Without the session's cookie at all.
    let stranger = Browser::new(app);
    let token = stranger.get("/login").await.csrf();
    let anonymous = post_multipart(
        &stranger,
        IMPORT,
        &[
            Part::Field("csrf", &token),
            Part::File("file", "bank.toml", file),
        ],
    )
    .await;
    assert_eq!(anonymous.status, 303);
    assert!(anonymous.location.unwrap_or_default().starts_with("/login"));
    // A plain form post (not multipart) is no file form.
    let plain = organizer
        .submit(IMPORT, IMPORT, &[("format", "toml")])
        .await;
    assert_eq!(plain.status, 400, "{}", plain.html);
    assert_eq!(rows(app).await, before, "nothing written");
}

#[tokio::test]
async fn the_import_form_refuses_its_own_fields_beside_them_in_the_page_language() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    let organizer = Browser::signed_in(app, "ban.to.chuc").await;
    let before = rows(app).await;

    let no_slug = import(
        &organizer,
        &[("format", "gift"), ("slug", "")],
        &fixed_gift(),
    )
    .await;
    assert_eq!(no_slug.status, 422, "{}", no_slug.html);
    assert!(no_slug.has("id=\"form-errors\""));
    assert!(
        no_slug.has("<p class=\"field-error\" id=\"slug-error\">Tệp GIFT cần một mã ngân hàng")
    );
    assert!(no_slug.has("aria-describedby=\"slug-hint slug-error\" aria-invalid=\"true\""));
    let bad_slug = import(
        &organizer,
        &[("format", "gift"), ("slug", "Câu Hỏi")],
        &fixed_gift(),
    )
    .await;
    assert_eq!(bad_slug.status, 422);
    assert!(bad_slug.has("id=\"slug-error\""));
    assert!(
        bad_slug.has("name=\"slug\" value=\"Câu Hỏi\""),
        "the typed value is kept"
    );

    let bad_level = import(
        &organizer,
        &[
            ("format", "gift"),
            ("slug", "moodle"),
            ("difficulty", "7"),
            ("competence", "9.9"),
        ],
        &fixed_gift(),
    )
    .await;
    assert_eq!(bad_level.status, 422);
    assert!(
        bad_level.has("id=\"competence-error\"") || bad_level.has("id=\"difficulty-error\""),
        "{}",
        bad_level.html
    );

    let odd_format = import(&organizer, &[("format", "xlsx")], BANK).await;
    assert_eq!(odd_format.status, 422);
    assert!(odd_format.has("id=\"format-error\">Hãy chọn định dạng TOML hoặc GIFT."));

    // No file chosen: the empty input still sends its part, with no name.
    let csrf = organizer.get(IMPORT).await.csrf();
    let no_file = post_multipart(
        &organizer,
        IMPORT,
        &[
            Part::Field("csrf", &csrf),
            Part::Field("format", "toml"),
            Part::File("file", "", b""),
        ],
    )
    .await;
    assert_eq!(no_file.status, 422);
    assert!(no_file.has("id=\"file-error\">Hãy chọn một tệp ngân hàng câu hỏi."));
    assert!(no_file.has("aria-describedby=\"file-hint file-error\" aria-invalid=\"true\""));

    let empty = import(&organizer, &[("format", "toml")], "").await;
    assert_eq!(empty.status, 422, "an empty file is a file with problems");
    let csrf = organizer.get(IMPORT).await.csrf();
    let not_text = post_multipart(
        &organizer,
        IMPORT,
        &[
            Part::Field("csrf", &csrf),
            Part::File("file", "bank.toml", b"slug = \"c\xe2u\"\n"),
        ],
    )
    .await;
    assert_eq!(not_text.status, 400);
    assert!(not_text.has("id=\"file-error\">Tệp không phải văn bản UTF-8"));

    let csrf = organizer.get("/organize/banks/import?lang=en").await.csrf();
    let huge = vec![b'#'; 4 * 1024 * 1024 + 10];
    let too_large = post_multipart(
        &organizer,
        IMPORT,
        &[
            Part::Field("csrf", &csrf),
            Part::File("file", "bank.toml", &huge),
        ],
    )
    .await;
    assert_eq!(too_large.status, 413, "{}", too_large.html);
    assert!(too_large.has("id=\"file-error\">The file is larger than 4 MiB"));
    assert_eq!(rows(app).await, before, "nothing written");
}

#[tokio::test]
async fn the_examples_on_the_import_page_import_as_they_are() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    let organizer = Browser::signed_in(app, "ban.to.chuc").await;
    let page = organizer.get(IMPORT).await;
    let examples: Vec<&str> = page
        .html
        .split("<pre class=\"example\"")
        .skip(1)
        .map(|rest| {
            let code = rest.split_once("<code>").map_or("", |(_, code)| code);
            code.split("</code>").next().unwrap_or("")
        })
        .collect();
    assert_eq!(examples.len(), 2);
    let toml = import(&organizer, &[("format", "toml")], examples[0]).await;
    assert_eq!(toml.status, 303, "{}", toml.html);
    let gift = import(&organizer, &gift_fields("vi-du-gift"), examples[1]).await;
    assert_eq!(gift.status, 303, "{}", gift.html);
    assert_eq!(rows(app).await.questions, 1 + 3);
}

#[tokio::test]
async fn a_large_bank_is_browsed_a_page_at_a_time() {
    let setup = Setup::spawn().await;
    let app = &setup.app;
    let mut bank =
        String::from("slug = \"dai\"\nversion = 1\ntitle = { vi = \"Ngân hàng dài\" }\n");
    for n in 1..=45 {
        bank.push_str(&format!(
            "\n[[questions]]\nid = \"d-{n:03}\"\nkind = \"true_false\"\ncompetence = \"5.{}\"\ndifficulty = {}\nprompt = {{ vi = \"Câu số {n} là đúng hay sai?\" }}\nanswer = {}\n",
            n % 4 + 1,
            n % 3 + 1,
            n % 2 == 0
        ));
    }
    let imported = app
        .import_bank(&setup.organizer, "", "application/toml", bank)
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    let organizer = Browser::signed_in(app, "ban.to.chuc").await;

    let first = organizer.get("/organize/banks/dai").await;
    assert_page(&first, "vi", "page 1");
    assert_eq!(first.html.matches("class=\"bank-question\"").count(), 20);
    assert!(first.has("Câu 1–20 trong tổng số 45 câu"));
    assert!(first.has("Trang 1/3"));
    assert!(first.has("href=\"/organize/banks/dai?page=2\" rel=\"next\""));
    assert!(!first.has("rel=\"prev\""));
    assert!(first.has("<ol class=\"bank-questions\" start=\"1\">"));
    // Coverage by competence: 5.1–5.4, as the database counts them.
    let counts = drawable(app, "dai").await;
    let in_5_2 = counts.iter().filter(|q| q.0 == "5.2").count();
    assert!(first.has(&format!(
        "<tr><th scope=\"row\">5.2 Xác định nhu cầu và giải pháp công nghệ</th><td class=\"num\">{in_5_2}</td></tr>"
    )));

    let last = organizer.get("/organize/banks/dai?page=3").await;
    assert_page(&last, "vi", "page 3");
    assert_eq!(last.html.matches("class=\"bank-question\"").count(), 5);
    assert!(last.has("Câu 41–45 trong tổng số 45 câu"));
    assert!(last.has("id=\"q-d-045\""));
    assert!(last.has("<ol class=\"bank-questions\" start=\"41\">"));
    assert!(last.has("href=\"/organize/banks/dai?page=2\" rel=\"prev\""));
    assert!(!last.has("rel=\"next\""));
    let beyond = organizer.get("/organize/banks/dai?page=9").await;
    assert_eq!(beyond.status, 200);
    assert!(beyond.has("id=\"no-questions\""));
    let odd = organizer.get("/organize/banks/dai?page=abc").await;
    assert!(
        odd.has("Câu 1–20"),
        "a page that is not a number is the first"
    );
}
