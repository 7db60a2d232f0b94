//! The question-bank data model and its TOML form (see `question-banks/` and the format spec).
//!
//! Reading a bank file is done by the checker (`check.rs`), because reading and checking share
//! the source positions every problem must carry; this module owns the types, the writer and the
//! text normalisations that the rest of the server relies on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest prompt, per language, in characters.
pub const PROMPT_MAX_CHARS: usize = 1000;
/// Longest explanation, per language, in characters.
pub const EXPLANATION_MAX_CHARS: usize = 1000;
/// Longest option text, per language, in characters.
pub const OPTION_MAX_CHARS: usize = 300;
/// Longest bank title, per language, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// Longest accepted answer of a `short_text` question, in characters.
pub const ACCEPTED_ANSWER_MAX_CHARS: usize = 100;
/// Longest bank slug, question id, option id or tag.
pub const ID_MAX_CHARS: usize = 64;
/// Option-based kinds need at least this many options…
pub const MIN_OPTIONS: usize = 2;
/// …and at most this many, so they fit on a phone screen.
pub const MAX_OPTIONS: usize = 8;
/// Tags that say who a shipped question is written for; every shipped question has one.
pub const AUDIENCE_TAGS: &[&str] = &["students", "residents"];

/// The 21 competences of DigComp 3.0 (late 2025; the same codes as 2.2), by code, with
/// their English names.
pub const COMPETENCES: &[(&str, &str)] = &[
    (
        "1.1",
        "Browsing, searching and filtering data, information and digital content",
    ),
    ("1.2", "Evaluating data, information and digital content"),
    ("1.3", "Managing data, information and digital content"),
    ("2.1", "Interacting through digital technologies"),
    ("2.2", "Sharing through digital technologies"),
    ("2.3", "Engaging citizenship through digital technologies"),
    ("2.4", "Collaborating through digital technologies"),
    ("2.5", "Netiquette"),
    ("2.6", "Managing digital identity"),
    ("3.1", "Developing digital content"),
    ("3.2", "Integrating and re-elaborating digital content"),
    ("3.3", "Copyright and licences"),
    ("3.4", "Programming"),
    ("4.1", "Protecting devices"),
    ("4.2", "Protecting personal data and privacy"),
    ("4.3", "Protecting health and well-being"),
    ("4.4", "Protecting the environment"),
    ("5.1", "Solving technical problems"),
    ("5.2", "Identifying needs and technological responses"),
    ("5.3", "Creatively using digital technologies"),
    ("5.4", "Identifying digital competence gaps"),
];

/// The five DigComp 3.0 competence areas; a competence code starts with its area number.
pub const AREAS: &[(u8, &str)] = &[
    (1, "Information and data literacy"),
    (2, "Communication and collaboration"),
    (3, "Digital content creation"),
    (4, "Safety"),
    (5, "Problem solving"),
];

/// The English name of a DigComp 3.0 competence code such as `"4.2"`.
pub fn competence_name(code: &str) -> Option<&'static str> {
    COMPETENCES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, name)| *name)
}

/// The DigComp area (1–5) of a competence code such as `"4.2"`.
pub fn competence_area(code: &str) -> Option<u8> {
    competence_name(code)?;
    code.split('.').next()?.parse().ok()
}

/// A piece of text in Vietnamese and, optionally, English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Text {
    pub vi: String,
    #[serde(default)]
    pub en: Option<String>,
}

impl Text {
    /// Vietnamese-only text, as imported banks have it.
    pub fn vi(vi: impl Into<String>) -> Self {
        Text {
            vi: vi.into(),
            en: None,
        }
    }

    /// Text in both languages, as shipped banks have it.
    pub fn bilingual(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            vi: vi.into(),
            en: Some(en.into()),
        }
    }
}

/// What a question asks the participant to do; decides the shape of options and answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Single,
    Multiple,
    TrueFalse,
    Ordering,
    ShortText,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Single,
        Kind::Multiple,
        Kind::TrueFalse,
        Kind::Ordering,
        Kind::ShortText,
    ];

    /// The name used in bank files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::TrueFalse => "true_false",
            Kind::Ordering => "ordering",
            Kind::ShortText => "short_text",
        }
    }

    /// Whether questions of this kind list options (and answer with option ids).
    pub fn has_options(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple | Kind::Ordering)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind name that is not one of the five.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind `{0}` (expected single, multiple, true_false, ordering or short_text)")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| UnknownKind(name.to_owned()))
    }
}

/// One option of a `single`, `multiple` or `ordering` question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub text: Text,
}

/// The answer key of a question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Option ids: the one correct option (`single`), the correct ones (`multiple`) or all of
    /// them in the correct order (`ordering`).
    Options(Vec<String>),
    /// The statement of a `true_false` question is true or false.
    Bool(bool),
    /// Accepted answers of a `short_text` question, compared with [`short_answer_key`].
    Accepted(Vec<String>),
}

/// One question of a bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub competence: String,
    pub difficulty: u8,
    pub points: u32,
    pub tags: Vec<String>,
    pub prompt: Text,
    pub options: Vec<Choice>,
    pub answer: Answer,
    pub explanation: Option<Text>,
}

impl Question {
    /// SHA-256 (hex) of the question's canonical JSON. The server stores it with each question
    /// version so an import can tell unchanged questions from changed ones.
    pub fn content_hash(&self) -> String {
        // Serialising these plain structs (strings, numbers, no maps) cannot fail, whatever
        // the content; an empty document would only make every question look changed.
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(&canonical))
    }

    /// The answer key in the API's response shape: `"a"` for `single`, `["a", "c"]` for
    /// `multiple` and `ordering`, `true`/`false`, and the accepted answers for `short_text`.
    pub fn api_answer(&self) -> serde_json::Value {
        match (&self.answer, self.kind) {
            (Answer::Options(ids), Kind::Single) if ids.len() == 1 => {
                serde_json::Value::from(ids[0].clone())
            }
            (Answer::Options(ids), _) | (Answer::Accepted(ids), _) => {
                serde_json::Value::from(ids.clone())
            }
            (Answer::Bool(value), _) => serde_json::Value::from(*value),
        }
    }
}

/// A question bank: one TOML file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bank {
    pub slug: String,
    pub version: i64,
    pub title: Text,
    pub questions: Vec<Question>,
}

/// Something wrong with a bank file or an import, where it is and in which question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// 1-based line in the source; 0 when the problem concerns the whole file.
    pub line: usize,
    pub question_id: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(line: usize, question_id: Option<&str>, message: impl Into<String>) -> Self {
        Problem {
            line,
            question_id: question_id.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.question_id) {
            (0, None) => write!(f, "{}", self.message),
            (0, Some(id)) => write!(f, "[{id}]: {}", self.message),
            (line, None) => write!(f, "line {line}: {}", self.message),
            (line, Some(id)) => write!(f, "line {line} [{id}]: {}", self.message),
        }
    }
}

impl std::error::Error for Problem {}

/// How demanding the checker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// Banks shipped with civiquiz: bilingual, explained, with an audience tag, already NFC.
    Shipped,
    /// Banks an organizer imports: Vietnamese is enough.
    Imported,
}

/// Reads and checks a bank file, returning every problem found rather than the first.
pub fn parse_bank(src: &str, strictness: Strictness) -> Result<Bank, Vec<Problem>> {
    super::check::parse_bank_source(src, strictness).map(|(bank, _)| bank)
}

/// Text as stored: NFC, without surrounding whitespace.
pub fn normalize_text(raw: &str) -> String {
    raw.trim().nfc().collect()
}

/// How option texts are compared for duplicates: NFC, case-folded, trimmed, spaces collapsed.
/// Diacritics stay, because in Vietnamese they tell different words apart.
pub fn option_text_key(text: &str) -> String {
    collapse_whitespace(&case_fold(&text.nfc().collect::<String>()))
}

/// How a `short_text` response is matched against accepted answers: NFC, case folding,
/// trimming, collapsed spaces and Vietnamese diacritics removed (đ→d), so a participant on a
/// keyboard without Vietnamese input still gets the point.
pub fn short_answer_key(text: &str) -> String {
    let folded = case_fold(text);
    let bare: String = folded
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    collapse_whitespace(&bare.nfc().collect::<String>())
}

/// Lower-casing plus the few full case foldings that matter for Latin and Greek text
/// (the standard library has no full case folding).
fn case_fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        match c {
            'ß' => folded.push_str("ss"),
            'ς' => folded.push('σ'),
            other => folded.push(other),
        }
    }
    folded
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `candidate` is a valid bank slug, question id, option id or tag: 1–64 characters
/// of `a-z`, `0-9` and `-`, not starting with `-` (so it never reads as a command-line flag).
pub fn is_valid_id(candidate: &str) -> bool {
    !candidate.is_empty()
        && candidate.len() <= ID_MAX_CHARS
        && !candidate.starts_with('-')
        && candidate
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Writes a bank in the documented TOML layout; `parse_bank(&to_toml(b), …)` gives `b` back.
pub fn to_toml(bank: &Bank) -> String {
    let mut out = String::new();
    out.push_str(&format!("slug = {}\n", toml_string(&bank.slug)));
    out.push_str(&format!("version = {}\n", bank.version));
    out.push_str(&format!("title = {}\n", toml_text(&bank.title, None)));
    for question in &bank.questions {
        out.push('\n');
        push_question(&mut out, question);
    }
    out
}

fn push_question(out: &mut String, question: &Question) {
    out.push_str("[[questions]]\n");
    out.push_str(&format!("id = {}\n", toml_string(&question.id)));
    out.push_str(&format!("kind = {}\n", toml_string(question.kind.as_str())));
    out.push_str(&format!(
        "competence = {}\n",
        toml_string(&question.competence)
    ));
    out.push_str(&format!("difficulty = {}\n", question.difficulty));
    out.push_str(&format!("points = {}\n", question.points));
    out.push_str(&format!("tags = {}\n", toml_string_array(&question.tags)));
    out.push_str(&format!("prompt = {}\n", toml_text(&question.prompt, None)));
    if !question.options.is_empty() {
        out.push_str("options = [\n");
        for choice in &question.options {
            out.push_str(&format!(
                "  {},\n",
                toml_text(&choice.text, Some(&choice.id))
            ));
        }
        out.push_str("]\n");
    }
    out.push_str(&format!(
        "answer = {}\n",
        toml_answer(&question.answer, question.kind)
    ));
    if let Some(explanation) = &question.explanation {
        out.push_str(&format!("explanation = {}\n", toml_text(explanation, None)));
    }
}

fn toml_answer(answer: &Answer, kind: Kind) -> String {
    match answer {
        Answer::Options(ids) if kind == Kind::Single && ids.len() == 1 => toml_string(&ids[0]),
        Answer::Options(ids) | Answer::Accepted(ids) => toml_string_array(ids),
        Answer::Bool(value) => value.to_string(),
    }
}

/// `{ vi = "…", en = "…" }`, with an option's `id` first when given.
fn toml_text(text: &Text, option_id: Option<&str>) -> String {
    let mut fields = Vec::with_capacity(3);
    if let Some(id) = option_id {
        fields.push(format!("id = {}", toml_string(id)));
    }
    fields.push(format!("vi = {}", toml_string(&text.vi)));
    if let Some(en) = &text.en {
        fields.push(format!("en = {}", toml_string(en)));
    }
    format!("{{ {} }}", fields.join(", "))
}

fn toml_string_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| toml_string(item)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A TOML basic string. Control characters are escaped because TOML forbids them raw, and
/// newlines too, because inline tables must stay on one line.
fn toml_string(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_competence_has_a_name_and_an_area() {
        assert_eq!(COMPETENCES.len(), 21);
        for (code, _) in COMPETENCES {
            assert!(competence_name(code).is_some());
            assert!(competence_area(code).is_some_and(|area| (1..=5).contains(&area)));
        }
        assert_eq!(competence_name("6.1"), None);
        assert_eq!(competence_area("4.9"), None);
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        assert!("truefalse".parse::<Kind>().is_err());
    }

    #[test]
    fn short_answers_match_without_diacritics_case_or_spacing() {
        assert_eq!(
            short_answer_key("  Xác   thực HAI yếu tố "),
            "xac thuc hai yeu to"
        );
        assert_eq!(short_answer_key("Đường dây nóng"), "duong day nong");
        assert_eq!(short_answer_key("VNeID"), short_answer_key("vneid"));
    }

    #[test]
    fn option_keys_keep_diacritics() {
        assert_ne!(option_text_key("ma"), option_text_key("má"));
        assert_eq!(option_text_key(" Mật  Khẩu "), option_text_key("mật khẩu"));
        assert_eq!(option_text_key("Straße"), option_text_key("STRASSE"));
    }

    #[test]
    fn problems_display_line_and_question() {
        assert_eq!(
            Problem::new(12, Some("as-004"), "duplicate option id `a`").to_string(),
            "line 12 [as-004]: duplicate option id `a`"
        );
        assert_eq!(
            Problem::new(3, None, "bad slug").to_string(),
            "line 3: bad slug"
        );
    }

    #[test]
    fn ids_are_lowercase_ascii_digits_and_hyphens() {
        assert!(is_valid_id("as-001"));
        assert!(!is_valid_id("As-001"));
        assert!(!is_valid_id("-as"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("câu-1"));
        assert!(!is_valid_id(&"a".repeat(65)));
    }

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(toml_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    fn true_false_question() -> Question {
        Question {
            id: "q-1".to_owned(),
            kind: Kind::TrueFalse,
            competence: "4.2".to_owned(),
            difficulty: 1,
            points: 1,
            tags: vec!["students".to_owned()],
            prompt: Text::bilingual("Câu hỏi?", "Question?"),
            options: Vec::new(),
            answer: Answer::Bool(true),
            explanation: None,
        }
    }

    #[test]
    fn content_hash_is_stable_and_sees_every_change() {
        let question = true_false_question();
        let hash = question.content_hash();
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(question.clone().content_hash(), hash);
        let mut changed = question.clone();
        changed.answer = Answer::Bool(false);
        assert_ne!(changed.content_hash(), hash);
        let mut changed = question;
        changed.prompt.en = None;
        assert_ne!(changed.content_hash(), hash);
    }

    #[test]
    fn questions_serialise_with_a_stable_field_order() {
        let json = serde_json::to_string(&true_false_question()).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"id":"q-1","kind":"true_false","competence":"4.2","difficulty":1,"points":1,"tags":["students"],"prompt":{"vi":"Câu hỏi?","en":"Question?"},"options":[],"answer":{"bool":true},"explanation":null}"#
        );
    }

    #[test]
    fn api_answers_have_the_response_shape() {
        let mut question = true_false_question();
        assert_eq!(question.api_answer(), serde_json::json!(true));
        question.kind = Kind::Single;
        question.answer = Answer::Options(vec!["b".to_owned()]);
        assert_eq!(question.api_answer(), serde_json::json!("b"));
        question.kind = Kind::Ordering;
        assert_eq!(question.api_answer(), serde_json::json!(["b"]));
        question.kind = Kind::ShortText;
        question.answer = Answer::Accepted(vec!["VNeID".to_owned()]);
        assert_eq!(question.api_answer(), serde_json::json!(["VNeID"]));
    }

    #[test]
    fn single_answers_are_written_as_one_id() {
        let answer = Answer::Options(vec!["b".into()]);
        assert_eq!(toml_answer(&answer, Kind::Single), "\"b\"");
        assert_eq!(toml_answer(&answer, Kind::Multiple), "[\"b\"]");
    }
}
