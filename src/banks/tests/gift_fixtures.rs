//! GIFT import over Moodle's own fixtures and civiquiz's `all-constructs.gift`.

use sha2::{Digest, Sha256};

use crate::banks::format::{
    Answer, Bank, Kind, Problem, Question, Strictness, Text, parse_bank, to_toml,
};
use crate::banks::gift::{GiftImport, GiftOptions, parse_gift};

/// Moodle's own fixtures are read from `../shared/fixtures/gift/` (beside the clone in CI); they
/// are Moodle's files, so the repository does not carry them and a fresh clone skips these.
fn moodle_fixture(name: &str) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/gift")
        .join(name);
    let text = std::fs::read_to_string(&path).ok();
    if text.is_none() {
        eprintln!("skipped: {} is not present", path.display());
    }
    text
}

fn moodle() -> Option<String> {
    moodle_fixture("moodle-questions.gift.txt")
}

fn moodle_in_category() -> Option<String> {
    moodle_fixture("moodle-questions-in-category.gift.txt")
}
const ALL_CONSTRUCTS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/gift/all-constructs.gift"
));

fn options(skip_unsupported: bool) -> GiftOptions {
    GiftOptions {
        default_competence: "1.1".to_owned(),
        default_difficulty: 2,
        skip_unsupported,
    }
}

fn import(src: &str) -> GiftImport {
    parse_gift(src, &options(true))
}

fn question<'a>(import: &'a GiftImport, id: &str) -> &'a Question {
    match import.questions.iter().find(|q| q.id == id) {
        Some(question) => question,
        None => panic!("no question `{id}` in {:#?}", import.questions),
    }
}

fn lines(problems: &[Problem]) -> Vec<(usize, Option<&str>)> {
    problems
        .iter()
        .map(|p| (p.line, p.question_id.as_deref()))
        .collect()
}

fn vi(text: &str) -> Option<Text> {
    Some(Text::vi(text))
}

fn ids(ids: &[&str]) -> Answer {
    Answer::Options(ids.iter().map(|id| (*id).to_owned()).collect())
}

#[test]
fn moodle_fixture_imports_six_questions_and_skips_three() {
    let Some(moodle) = moodle() else { return };
    let import = import(&moodle);
    assert_eq!(import.errors, []);
    let imported: Vec<&str> = import.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        imported,
        [
            "q2",
            "colours",
            "shortanswer",
            "q1",
            "2-08-tsl",
            "2-08-tsl-2"
        ]
    );
    assert_eq!(
        lines(&import.unsupported),
        [
            (2, Some("q8")),
            (5, Some("moodle-activities")),
            (31, Some("q5"))
        ]
    );
    assert!(import.unsupported[0].message.starts_with("essay"));
    assert!(import.unsupported[1].message.starts_with("matching"));
    assert!(import.unsupported[2].message.starts_with("numerical"));

    let q2 = question(&import, "q2");
    assert_eq!((q2.kind, &q2.answer), (Kind::Single, &ids(&["a"])));
    assert_eq!(q2.options.len(), 3);
    assert_eq!(q2.options[2].text, Text::vi("blue"));
    assert_eq!(q2.explanation, vi("right; good!"));
    assert_eq!((q2.competence.as_str(), q2.difficulty), ("1.1", 2));

    let colours = question(&import, "colours");
    assert_eq!(
        (colours.kind, &colours.answer),
        (Kind::Multiple, &ids(&["a", "c"]))
    );

    let short = question(&import, "shortanswer");
    assert_eq!(short.answer, Answer::Accepted(vec!["Frog".to_owned()]));
    assert_eq!(short.explanation, vi("Good!"));

    let q1 = question(&import, "q1");
    assert_eq!(q1.answer, Answer::Bool(false));
    assert_eq!(
        q1.prompt,
        Text::vi("42 is the Absolute Answer to everything.")
    );
    assert_eq!(
        q1.explanation,
        vi("This is, of course, a Hitchiker's Guide to the Galaxy reference.")
    );
    assert_eq!(question(&import, "2-08-tsl-2").answer, Answer::Bool(true));

    assert_eq!(
        lines(&import.warnings),
        [
            (34, Some("shortanswer")),
            (41, Some("q1")),
            (49, Some("2-08-tsl-2"))
        ]
    );
}

#[test]
fn unsupported_questions_are_errors_unless_skipped() {
    let Some(moodle) = moodle() else { return };
    let strict = parse_gift(&moodle, &options(false));
    assert_eq!(strict.unsupported, []);
    assert_eq!(
        lines(&strict.errors),
        [
            (2, Some("q8")),
            (5, Some("moodle-activities")),
            (31, Some("q5"))
        ]
    );
}

#[test]
fn moodle_category_fixture_imports_three_with_the_category_tag() {
    let Some(in_category) = moodle_in_category() else {
        return;
    };
    let import = import(&in_category);
    assert_eq!(import.errors, []);
    assert_eq!(lines(&import.unsupported), [(5, Some("moodle-activities"))]);
    assert_eq!(import.questions.len(), 3);
    for question in &import.questions {
        assert_eq!(question.tags, ["default-for-new-features"]);
    }
    let greeting = question(&import, "greeting");
    assert_eq!(
        greeting.prompt,
        Text::vi("Listen to this greeting:\n\nWhat language is being spoken?")
    );
    assert_eq!(greeting.answer, ids(&["b"]));
    assert_eq!(
        question(&import, "moodle-user").answer,
        Answer::Accepted(vec!["Moodler".to_owned()])
    );
    let acronym = question(&import, "moodle-acronym");
    assert_eq!(
        acronym.prompt,
        Text::vi("Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment.")
    );
}

#[test]
fn all_constructs_fixture_imports_everything_it_supports() {
    let import = import(ALL_CONSTRUCTS);
    assert_eq!(import.errors, []);
    assert_eq!(import.questions.len(), 13);
    assert_eq!(
        lines(&import.unsupported),
        [
            (62, Some("tieu-luan")),
            (64, Some("ghep-doi")),
            (70, Some("con-so")),
            (72, Some("gioi-thieu"))
        ]
    );
    let kinds = ["essay", "matching", "numerical", "description"];
    for (problem, kind) in import.unsupported.iter().zip(kinds) {
        assert!(problem.message.starts_with(kind), "{problem}");
    }
}

#[test]
fn single_choice_uses_the_correct_answers_feedback_and_escaped_hash() {
    let import = import(ALL_CONSTRUCTS);
    let strong = question(&import, "mat-khau-manh");
    assert_eq!((strong.kind, &strong.answer), (Kind::Single, &ids(&["c"])));
    assert_eq!(strong.options[2].text, Text::vi("Tr4ng-Xanh!Bien#9"));
    assert_eq!(
        strong.explanation,
        vi("Đúng: dài, có chữ hoa, số và ký hiệu.")
    );
}

#[test]
fn categories_set_competence_and_tag_until_the_next_one() {
    let import = import(ALL_CONSTRUCTS);
    let first = question(&import, "mat-khau-manh");
    assert_eq!(
        (first.competence.as_str(), first.tags.as_slice()),
        ("4.2", &["mat-khau".to_owned()][..])
    );
    // The second `$CATEGORY` (written without a blank line before it) names no DigComp code.
    let screen_lock = question(&import, "khoa-man-hinh");
    assert_eq!(
        screen_lock.prompt,
        Text::vi("Nên đặt khoá màn hình cho điện thoại.")
    );
    assert_eq!(screen_lock.competence, "4.2");
    let later = question(&import, "xac-thuc-hai-yeu-to");
    assert_eq!(
        (later.competence.as_str(), later.tags.as_slice()),
        ("1.1", &["cong-dan-so".to_owned()][..])
    );
}

#[test]
fn weights_decide_correct_options() {
    let import = import(ALL_CONSTRUCTS);
    let sharing = question(&import, "chia-se-an-toan");
    assert_eq!(
        (sharing.kind, &sharing.answer),
        (Kind::Multiple, &ids(&["a", "b"]))
    );
    assert_eq!(sharing.options.len(), 4);
    assert_eq!(sharing.explanation, None);
}

#[test]
fn true_false_in_all_spellings_with_general_feedback_first() {
    let import = import(ALL_CONSTRUCTS);
    let answers: Vec<(&str, &Answer)> = ["otp", "cap-nhat", "wi-fi", "khoa-man-hinh", "otp-2"]
        .iter()
        .map(|id| (*id, &question(&import, id).answer))
        .collect();
    assert_eq!(
        answers,
        [
            ("otp", &Answer::Bool(false)),
            ("cap-nhat", &Answer::Bool(true)),
            ("wi-fi", &Answer::Bool(false)),
            ("khoa-man-hinh", &Answer::Bool(true)),
            ("otp-2", &Answer::Bool(true)),
        ]
    );
    assert_eq!(
        question(&import, "otp").explanation,
        vi("Mã OTP chỉ dành cho chính bạn; ai hỏi mã OTP đều là kẻ lừa đảo.")
    );
    assert_eq!(
        question(&import, "khoa-man-hinh").explanation,
        vi("Khoá màn hình bảo vệ dữ liệu khi bạn làm mất máy.")
    );
    assert!(import.warnings.iter().any(|w| w.line == 56
        && w.question_id.as_deref() == Some("otp-2")
        && w.message.contains("title `OTP` is used again")));
}

#[test]
fn short_answers_keep_full_credit_answers_only() {
    let import = import(ALL_CONSTRUCTS);
    let two_factor = question(&import, "xac-thuc-hai-yeu-to");
    assert_eq!(
        two_factor.answer,
        Answer::Accepted(vec!["2FA".to_owned(), "MFA".to_owned()])
    );
    assert_eq!(two_factor.explanation, vi("Đúng vậy."));
    assert!(import.warnings.iter().any(|w| {
        w.line == 34
            && w.message
                .contains("partial-credit answer `OTP` was dropped")
    }));
}

#[test]
fn untitled_questions_get_a_prompt_hash_id_and_mid_sentence_blanks() {
    let import = import(ALL_CONSTRUCTS);
    let prompt = "Ứng dụng định danh điện tử quốc gia có tên là ___ và do Bộ Công an phát triển.";
    let expected_id = format!(
        "g-{}",
        &hex::encode(Sha256::digest(prompt.to_lowercase().as_bytes()))[..10]
    );
    // Literal too: ids must not change between civiquiz versions, or re-imports duplicate.
    assert_eq!(expected_id, "g-017d2259d2");
    let vneid = question(&import, &expected_id);
    assert_eq!(vneid.prompt, Text::vi(prompt));
    assert_eq!(vneid.answer, Answer::Accepted(vec!["VNeID".to_owned()]));

    let http = question(&import, "g-45acdd29f5");
    assert_eq!(
        http.prompt,
        Text::vi("Trang http://example.vn có dùng HTTPS không?")
    );
}

#[test]
fn escapes_become_literal_characters() {
    let import = import(ALL_CONSTRUCTS);
    let symbols = question(&import, "ky-hieu");
    assert_eq!(
        symbols.prompt,
        Text::vi(
            "Trong biểu thức a = b ~ c, ký hiệu ___ có nghĩa là \"xấp xỉ\".\nGợi ý: xem {chú thích}."
        )
    );
    let texts: Vec<&str> = symbols.options.iter().map(|o| o.text.vi.as_str()).collect();
    assert_eq!(texts, ["~", "=", "#"]);
    assert_eq!(symbols.answer, ids(&["a"]));
}

#[test]
fn text_formats_are_reduced_to_plain_text() {
    let import = import(ALL_CONSTRUCTS);
    let html = question(&import, "html");
    assert_eq!(
        html.prompt,
        Text::vi("Trang dichvucong.gov.vn là cổng “Dịch vụ công quốc gia”?")
    );
    let texts: Vec<&str> = html.options.iter().map(|o| o.text.vi.as_str()).collect();
    assert_eq!(texts, ["Đúng", "Sai & giả mạo"]);

    let markdown = question(&import, "markdown");
    assert_eq!(
        markdown.prompt,
        Text::vi("Khi gặp tin giả, bạn **nên** làm gì trước tiên?")
    );
    let texts: Vec<&str> = markdown
        .options
        .iter()
        .map(|o| o.text.vi.as_str())
        .collect();
    // [plain] keeps angle brackets; [moodle] is HTML.
    assert_eq!(
        texts,
        [
            "Kiểm tra nguồn tin <chính thống>",
            "Chia sẻ ngay cho bạn bè",
            "Bình luận phản đối"
        ]
    );
}

#[test]
fn imported_questions_form_a_valid_imported_bank() {
    let sources = [
        moodle(),
        moodle_in_category(),
        Some(ALL_CONSTRUCTS.to_owned()),
    ];
    for src in sources.iter().flatten() {
        let bank = Bank {
            slug: "nhap-gift".to_owned(),
            version: 1,
            title: Text::vi("Nhập từ GIFT"),
            questions: import(src).questions,
        };
        assert_eq!(parse_bank(&to_toml(&bank), Strictness::Imported), Ok(bank));
    }
}

fn messages(src: &str) -> Vec<String> {
    import(src).errors.iter().map(ToString::to_string).collect()
}

#[test]
fn malformed_questions_are_errors_with_their_line() {
    assert_eq!(
        messages("// x\n\n::a:: Câu hỏi {=Có ~Không\n\n::b:: Tiếp {T}"),
        ["line 3: the answer block is not closed: `}` is missing"]
    );
    assert_eq!(
        messages("Câu hỏi } {T}"),
        ["line 1: `}` comes before `{`; write a literal brace as \\}"]
    );
    assert_eq!(
        messages("::a:: Câu {~Có ~Không}"),
        ["line 1 [a]: no answer is marked correct: use = or a positive %weight%"]
    );
    assert_eq!(
        messages("::a:: Câu {Có ~Không =Được}"),
        ["line 1 [a]: text before the first answer: start each answer with = or ~"]
    );
    assert_eq!(
        messages("::a:: Câu {=%50%Một phần}"),
        ["line 1 [a]: no full-credit answer: civiquiz needs at least one accepted answer"]
    );
    assert_eq!(
        messages("::a Câu {T}"),
        ["line 1: the title is not closed with `::`"]
    );
    assert_eq!(
        messages("::a:: Câu {T} và {F}"),
        ["line 1: only one answer block `{…}` is allowed; write a literal brace as \\{"]
    );
}

#[test]
fn checker_rules_apply_to_imported_questions() {
    assert_eq!(
        messages("\n::a:: Chọn một {=Có ~ có ~Không}"),
        ["line 2 [a]: options `a` and `b` have the same vi text"]
    );
    let nine: String = (1..=9).map(|i| format!(" ~Lựa chọn {i}")).collect();
    assert_eq!(
        messages(&format!("::a:: Chọn {{=Đúng{nine}}}")),
        ["line 1 [a]: a `single` question needs 2 to 8 options, not 10"]
    );
    assert_eq!(
        messages("::a:: Chọn {=Có ~}"),
        ["line 1 [a]: `options[b].vi` is empty"]
    );
    let bad_default = parse_gift(
        "::a:: Câu {T}",
        &GiftOptions {
            default_competence: "9.9".to_owned(),
            default_difficulty: 5,
            skip_unsupported: true,
        },
    );
    let found: Vec<String> = bad_default.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "line 1 [a]: unknown competence `9.9`: use a DigComp 3.0 code such as 4.2",
            "line 1 [a]: difficulty 5 is outside 1–3",
        ]
    );
}

#[test]
fn short_answer_without_equals_is_accepted_like_moodle() {
    let import = import("Thủ đô của Việt Nam? {Hà Nội}\n\n::x:: Điền {=%0%*#Sai =Hà Nội}");
    assert_eq!(import.errors, []);
    assert_eq!(
        import.questions[0].answer,
        Answer::Accepted(vec!["Hà Nội".to_owned()])
    );
    assert_eq!(
        import.questions[1].answer,
        Answer::Accepted(vec!["Hà Nội".to_owned()])
    );
}
