//! `civiquiz banks check`: every rule of the bank format, with the line and question id of each
//! problem.
//!
//! A file is read in two passes. The reader walks the spanned TOML tree into drafts that keep
//! each field's line and report what cannot be read at all (syntax, unknown fields, wrong
//! types). The rules then look at the drafts and report everything else. Only a draft with no
//! problem becomes a [`Bank`]. The GIFT importer runs its questions through the same rules.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use unicode_normalization::is_nfc;

use super::format::{
    ACCEPTED_ANSWER_MAX_CHARS, AUDIENCE_TAGS, Answer, Bank, Choice, EXPLANATION_MAX_CHARS, Kind,
    MAX_OPTIONS, MIN_OPTIONS, OPTION_MAX_CHARS, PROMPT_MAX_CHARS, Problem, Question, Strictness,
    TITLE_MAX_CHARS, Text, competence_name, is_valid_id, normalize_text, option_text_key,
    short_answer_key,
};

const BANK_FIELDS: &[&str] = &["slug", "version", "title", "questions"];
const QUESTION_FIELDS: &[&str] = &[
    "id",
    "kind",
    "competence",
    "difficulty",
    "points",
    "tags",
    "prompt",
    "options",
    "answer",
    "explanation",
];
const TEXT_FIELDS: &[&str] = &["vi", "en"];
const OPTION_FIELDS: &[&str] = &["id", "vi", "en"];

/// Checks one bank file. Unreadable files are reported as a problem on line 0.
pub fn check_file(path: &Path, strictness: Strictness) -> Result<Bank, Vec<Problem>> {
    load_bank_file(path, strictness).map(|(bank, _)| bank)
}

/// The banks that passed, each with its file, and every problem, each with its file.
pub type CheckedPaths = (Vec<(PathBuf, Bank)>, Vec<(PathBuf, Problem)>);

/// Checks shipped bank files: each path is a file, or a directory searched recursively for
/// `*.toml` (in sorted order). Two files with the same slug are a problem of the later one.
pub fn check_paths(paths: &[PathBuf]) -> CheckedPaths {
    check_paths_with(paths, Strictness::Shipped)
}

/// [`check_paths`] at a chosen strictness.
pub fn check_paths_with(paths: &[PathBuf], strictness: Strictness) -> CheckedPaths {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        collect_bank_files(path, &mut files, &mut problems);
    }
    let mut seen_files = HashSet::new();
    files.retain(|file| seen_files.insert(file.clone()));

    let mut banks = Vec::new();
    let mut slug_owners: HashMap<String, PathBuf> = HashMap::new();
    for file in files {
        match load_bank_file(&file, strictness) {
            Ok((bank, slug_line)) => {
                if let Some(owner) = slug_owners.get(&bank.slug) {
                    let message = format!(
                        "slug `{}` is already used by {}",
                        bank.slug,
                        owner.display()
                    );
                    problems.push((file, Problem::new(slug_line, None, message)));
                } else {
                    slug_owners.insert(bank.slug.clone(), file.clone());
                    banks.push((file, bank));
                }
            }
            Err(found) => problems.extend(found.into_iter().map(|p| (file.clone(), p))),
        }
    }
    problems.extend(cross_bank_duplicates(&banks));
    (banks, problems)
}

/// What makes two questions the same one: their prompt, or their options with their key.
/// Option texts compare as [`option_text_key`]; a key is the texts of its options (sorted,
/// except for an ordering), so shuffled ids cannot hide a copy.
fn sameness(question: &Question) -> (String, Option<String>) {
    let prompt = option_text_key(&question.prompt.vi);
    let text_of = |id: &str| {
        question
            .options
            .iter()
            .find(|choice| choice.id == id)
            .map_or_else(String::new, |choice| option_text_key(&choice.text.vi))
    };
    let choices = match &question.answer {
        Answer::Options(ids) if !question.options.is_empty() => {
            let mut options: Vec<String> = question
                .options
                .iter()
                .map(|c| option_text_key(&c.text.vi))
                .collect();
            options.sort();
            let mut key: Vec<String> = ids.iter().map(|id| text_of(id)).collect();
            if question.kind != Kind::Ordering {
                key.sort();
            }
            Some(format!(
                "{}\u{1f}{}",
                options.join("\u{1e}"),
                key.join("\u{1e}")
            ))
        }
        _ => None,
    };
    (prompt, choices)
}

/// A quiz drawing from several banks must never show one question twice: a question whose
/// prompt, or whose options and key, another bank already has is a problem of the later bank.
fn cross_bank_duplicates(banks: &[(PathBuf, Bank)]) -> Vec<(PathBuf, Problem)> {
    let mut prompts: HashMap<String, (String, String)> = HashMap::new();
    let mut choice_sets: HashMap<String, (String, String)> = HashMap::new();
    let mut problems = Vec::new();
    for (file, bank) in banks {
        let source = fs::read_to_string(file).unwrap_or_default();
        let line_of = |id: &str| {
            let needle = format!("id = \"{id}\"");
            source
                .lines()
                .position(|line| line.trim_start().starts_with(&needle))
                .map_or(0, |index| index + 1)
        };
        for question in &bank.questions {
            let (prompt, choices) = sameness(question);
            // The first bank to have a question owns it; one problem per repeated question.
            let owner_of = |seen: &mut HashMap<String, (String, String)>, key: String| {
                let owner = seen
                    .entry(key)
                    .or_insert_with(|| (bank.slug.clone(), question.id.clone()));
                (owner.0 != bank.slug).then(|| format!("{}:{}", owner.0, owner.1))
            };
            let repeated = match owner_of(&mut prompts, prompt) {
                Some(owner) => Some((owner, "the same prompt")),
                None => choices
                    .and_then(|choices| owner_of(&mut choice_sets, choices))
                    .map(|owner| (owner, "the same options and key")),
            };
            if let Some((owner, what)) = repeated {
                problems.push((
                    file.clone(),
                    Problem::new(
                        line_of(&question.id),
                        Some(&question.id),
                        format!("repeats `{owner}` ({what}); merge them into one question"),
                    ),
                ));
            }
        }
    }
    problems
}

fn collect_bank_files(
    path: &Path,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<(PathBuf, Problem)>,
) {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) => {
            problems.push((
                path.to_path_buf(),
                Problem::new(0, None, format!("cannot read: {err}")),
            ));
            return;
        }
    };
    if !metadata.is_dir() {
        // A file named explicitly is checked whatever its extension.
        files.push(path.to_path_buf());
        return;
    }
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push((
                path.to_path_buf(),
                Problem::new(0, None, format!("cannot list: {err}")),
            ));
            return;
        }
    };
    let mut children: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        // Symlinked directories are not followed, so a link cycle cannot loop the walk.
        .map(|entry| (entry.path(), entry.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    children.sort();
    for (child, is_dir) in children {
        if is_dir {
            collect_bank_files(&child, files, problems);
        } else if child.extension().is_some_and(|ext| ext == "toml") && child.is_file() {
            files.push(child);
        }
    }
}

fn load_bank_file(path: &Path, strictness: Strictness) -> Result<(Bank, usize), Vec<Problem>> {
    let bytes =
        fs::read(path).map_err(|err| vec![Problem::new(0, None, format!("cannot read: {err}"))])?;
    let src = String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line = 1 + valid.iter().filter(|b| **b == b'\n').count();
        vec![Problem::new(line, None, "the file is not UTF-8 text")]
    })?;
    parse_bank_source(&src, strictness)
}

/// Reads and checks a bank; on success also gives the line of `slug`, for duplicate-slug
/// reports across files.
pub(crate) fn parse_bank_source(
    src: &str,
    strictness: Strictness,
) -> Result<(Bank, usize), Vec<Problem>> {
    let lines = LineIndex::new(src);
    let (root, syntax_errors) = DeTable::parse_recoverable(src);
    if !syntax_errors.is_empty() {
        return Err(syntax_problems(&syntax_errors, &lines));
    }
    let mut reader = Reader::new(lines, strictness);
    let draft = reader.bank(&root);
    let mut report = Report {
        problems: reader.problems,
    };
    check_bank(&draft, strictness, &mut report);
    let mut problems = report.problems;
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    let slug_line = draft.slug.line().unwrap_or(1);
    build_bank(draft)
        .map(|bank| (bank, slug_line))
        .ok_or_else(|| vec![Problem::new(0, None, "the bank is incomplete")])
}

/// The problems of one already-built question (a GIFT import), all reported on `line`.
pub(crate) fn question_problems(
    question: &Question,
    line: usize,
    strictness: Strictness,
) -> Vec<Problem> {
    let mut report = Report::default();
    check_question(&QuestionDraft::of(question, line), strictness, &mut report);
    report.problems
}

fn syntax_problems(errors: &[toml::de::Error], lines: &LineIndex) -> Vec<Problem> {
    let mut problems: Vec<Problem> = errors
        .iter()
        .map(|err| {
            let line = err.span().map_or(1, |span| lines.line(span.start));
            Problem::new(
                line,
                None,
                format!("TOML syntax error: {}", err.message().trim()),
            )
        })
        .collect();
    // The parser recovers and reports on; later errors on the same line are its echoes.
    problems.sort_by_key(|p| p.line);
    problems.dedup_by_key(|p| p.line);
    problems
}

/// Byte offset → 1-based line.
struct LineIndex {
    starts: Vec<usize>,
    /// An error at the very end of a file that ends with a newline belongs to its last line,
    /// not to the empty line an editor shows after it.
    last_line: usize,
}

impl LineIndex {
    fn new(src: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex {
            starts,
            last_line: src.lines().count().max(1),
        }
    }

    fn line(&self, offset: usize) -> usize {
        let line = self.starts.partition_point(|start| *start <= offset);
        line.clamp(1, self.last_line)
    }
}

/// A value and the line it was written on.
#[derive(Clone, Debug)]
pub(crate) struct Located<T> {
    value: T,
    line: usize,
}

/// A field as read: absent, present but unusable (already reported), or usable.
#[derive(Clone, Debug)]
pub(crate) enum Field<T> {
    Missing,
    Invalid,
    Given(Located<T>),
}

impl<T> Field<T> {
    fn given(value: T, line: usize) -> Self {
        Field::Given(Located { value, line })
    }

    fn value(&self) -> Option<&T> {
        match self {
            Field::Given(located) => Some(&located.value),
            _ => None,
        }
    }

    fn line(&self) -> Option<usize> {
        match self {
            Field::Given(located) => Some(located.line),
            _ => None,
        }
    }

    fn into_value(self) -> Option<T> {
        match self {
            Field::Given(located) => Some(located.value),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct TextDraft {
    vi: Field<String>,
    en: Field<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct ChoiceDraft {
    line: usize,
    id: Field<String>,
    text: TextDraft,
}

/// An answer as written, before the kind says what it means.
#[derive(Clone, Debug)]
pub(crate) enum RawAnswer {
    One(String),
    Many(Vec<String>),
    Bool(bool),
}

#[derive(Clone, Debug)]
pub(crate) struct QuestionDraft {
    /// The `[[questions]]` header (or inline table), where missing fields are reported.
    line: usize,
    id: Field<String>,
    kind: Field<Kind>,
    competence: Field<String>,
    difficulty: Field<i64>,
    points: Field<i64>,
    tags: Field<Vec<String>>,
    prompt: Field<TextDraft>,
    options: Field<Vec<ChoiceDraft>>,
    answer: Field<RawAnswer>,
    explanation: Field<TextDraft>,
}

impl QuestionDraft {
    fn of(question: &Question, line: usize) -> Self {
        let options = if question.options.is_empty() && !question.kind.has_options() {
            Field::Missing
        } else {
            let choices = question
                .options
                .iter()
                .map(|choice| ChoiceDraft {
                    line,
                    id: Field::given(choice.id.clone(), line),
                    text: TextDraft::of(&choice.text, line),
                })
                .collect();
            Field::given(choices, line)
        };
        let answer = match &question.answer {
            Answer::Options(ids) if question.kind == Kind::Single && ids.len() == 1 => {
                RawAnswer::One(ids[0].clone())
            }
            Answer::Options(ids) | Answer::Accepted(ids) => RawAnswer::Many(ids.clone()),
            Answer::Bool(value) => RawAnswer::Bool(*value),
        };
        let explanation = match &question.explanation {
            Some(text) => Field::given(TextDraft::of(text, line), line),
            None => Field::Missing,
        };
        QuestionDraft {
            line,
            id: Field::given(question.id.clone(), line),
            kind: Field::given(question.kind, line),
            competence: Field::given(question.competence.clone(), line),
            difficulty: Field::given(i64::from(question.difficulty), line),
            points: Field::given(i64::from(question.points), line),
            tags: Field::given(question.tags.clone(), line),
            prompt: Field::given(TextDraft::of(&question.prompt, line), line),
            options,
            answer: Field::given(answer, line),
            explanation,
        }
    }
}

impl TextDraft {
    fn language(&self, language: &str) -> Option<&str> {
        match language {
            "vi" => self.vi.value().map(String::as_str),
            _ => self.en.value().map(String::as_str),
        }
    }

    fn of(text: &Text, line: usize) -> Self {
        TextDraft {
            vi: Field::given(text.vi.clone(), line),
            en: match &text.en {
                Some(en) => Field::given(en.clone(), line),
                None => Field::Missing,
            },
        }
    }
}

#[derive(Debug)]
struct BankDraft {
    slug: Field<String>,
    version: Field<i64>,
    title: Field<TextDraft>,
    questions: Field<Vec<QuestionDraft>>,
}

/// Walks the spanned TOML tree into drafts, reporting what cannot be read.
struct Reader {
    lines: LineIndex,
    strictness: Strictness,
    problems: Vec<Problem>,
    /// The id of the question being read, so its problems name it.
    question_id: Option<String>,
}

type Entry<'a, 'i> = (
    &'a Spanned<toml::de::DeString<'i>>,
    &'a Spanned<DeValue<'i>>,
);

impl Reader {
    fn new(lines: LineIndex, strictness: Strictness) -> Self {
        Reader {
            lines,
            strictness,
            problems: Vec::new(),
            question_id: None,
        }
    }

    fn report(&mut self, line: usize, message: impl Into<String>) {
        let problem = Problem::new(line, self.question_id.as_deref(), message);
        self.problems.push(problem);
    }

    fn line_of<T>(&self, spanned: &Spanned<T>) -> usize {
        self.lines.line(spanned.span().start)
    }

    fn unknown_fields(&mut self, table: &DeTable<'_>, allowed: &[&str], place: &str) {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let line = self.line_of(key);
                self.report(
                    line,
                    format!("unknown field `{}` in {place}", key.get_ref()),
                );
            }
        }
    }

    fn bank(&mut self, root: &Spanned<DeTable<'_>>) -> BankDraft {
        let table = root.get_ref();
        self.unknown_fields(table, BANK_FIELDS, "the bank");
        BankDraft {
            slug: self.string(table.get_key_value("slug"), "slug"),
            version: self.integer(table.get_key_value("version"), "version"),
            title: self.text(table.get_key_value("title"), "title"),
            questions: self.questions(table.get_key_value("questions")),
        }
    }

    fn questions(&mut self, entry: Option<Entry<'_, '_>>) -> Field<Vec<QuestionDraft>> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        let Some(items) = value.get_ref().as_array() else {
            self.report(line, "`questions` must be [[questions]] tables");
            return Field::Invalid;
        };
        let drafts = items
            .iter()
            .filter_map(|item| self.question(item))
            .collect();
        Field::given(drafts, line)
    }

    fn question(&mut self, item: &Spanned<DeValue<'_>>) -> Option<QuestionDraft> {
        let line = self.line_of(item);
        let Some(table) = item.get_ref().as_table() else {
            self.report(line, "each question must be a [[questions]] table");
            return None;
        };
        let id_entry = table.get_key_value("id");
        self.question_id = id_entry
            .and_then(|(_, value)| value.get_ref().as_str())
            .map(str::to_owned);
        self.unknown_fields(table, QUESTION_FIELDS, "the question");
        let draft = QuestionDraft {
            line,
            id: self.string(id_entry, "id"),
            kind: self.kind(table.get_key_value("kind")),
            competence: self.string(table.get_key_value("competence"), "competence"),
            difficulty: self.integer(table.get_key_value("difficulty"), "difficulty"),
            points: self.integer(table.get_key_value("points"), "points"),
            tags: self.string_list(table.get_key_value("tags"), "tags"),
            prompt: self.text(table.get_key_value("prompt"), "prompt"),
            options: self.options(table.get_key_value("options")),
            answer: self.answer(table.get_key_value("answer")),
            explanation: self.text(table.get_key_value("explanation"), "explanation"),
        };
        self.question_id = None;
        Some(draft)
    }

    fn wrong_type(&mut self, line: usize, name: &str, expected: &str, value: &DeValue<'_>) {
        let found = value.type_str();
        self.report(line, format!("`{name}` must be {expected}, not {found}"));
    }

    fn string(&mut self, entry: Option<Entry<'_, '_>>, name: &str) -> Field<String> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        match value.get_ref().as_str() {
            Some(text) => Field::given(text.to_owned(), line),
            None => {
                self.wrong_type(line, name, "a string", value.get_ref());
                Field::Invalid
            }
        }
    }

    fn integer(&mut self, entry: Option<Entry<'_, '_>>, name: &str) -> Field<i64> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        let Some(integer) = value.get_ref().as_integer() else {
            self.wrong_type(line, name, "an integer", value.get_ref());
            return Field::Invalid;
        };
        match i64::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(number) => Field::given(number, line),
            Err(_) => {
                self.report(line, format!("`{name}` is out of range"));
                Field::Invalid
            }
        }
    }

    fn kind(&mut self, entry: Option<Entry<'_, '_>>) -> Field<Kind> {
        let name = self.string(entry, "kind");
        let Field::Given(Located { value, line }) = name else {
            return match name {
                Field::Missing => Field::Missing,
                _ => Field::Invalid,
            };
        };
        match value.parse::<Kind>() {
            Ok(kind) => Field::given(kind, line),
            Err(err) => {
                self.report(line, err.to_string());
                Field::Invalid
            }
        }
    }

    fn string_list(&mut self, entry: Option<Entry<'_, '_>>, name: &str) -> Field<Vec<String>> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        let strings = value.get_ref().as_array().and_then(|items| {
            items
                .iter()
                .map(|item| item.get_ref().as_str().map(str::to_owned))
                .collect()
        });
        match strings {
            Some(strings) => Field::given(strings, line),
            None => {
                self.report(line, format!("`{name}` must be a list of strings"));
                Field::Invalid
            }
        }
    }

    /// A `{ vi = "…", en = "…" }` field.
    fn text(&mut self, entry: Option<Entry<'_, '_>>, name: &str) -> Field<TextDraft> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        let Some(table) = value.get_ref().as_table() else {
            let expected = "a table like { vi = \"…\", en = \"…\" }";
            self.wrong_type(line, name, expected, value.get_ref());
            return Field::Invalid;
        };
        self.unknown_fields(table, TEXT_FIELDS, &format!("`{name}`"));
        Field::given(self.languages(table, name), line)
    }

    fn languages(&mut self, table: &DeTable<'_>, name: &str) -> TextDraft {
        TextDraft {
            vi: self.language(table.get_key_value("vi"), &format!("{name}.vi")),
            en: self.language(table.get_key_value("en"), &format!("{name}.en")),
        }
    }

    /// One language of a text: stored trimmed and NFC, but shipped files must already be NFC
    /// so that what authors review is what is served.
    fn language(&mut self, entry: Option<Entry<'_, '_>>, name: &str) -> Field<String> {
        let field = self.string(entry, name);
        let Field::Given(Located { value, line }) = field else {
            return field;
        };
        if self.strictness == Strictness::Shipped {
            if !is_nfc(&value) {
                let message = format!("`{name}` is not in Unicode NFC; normalise the file");
                self.report(line, message);
            }
            let trimmed = value.trim();
            if trimmed != value && !trimmed.is_empty() {
                let message = format!("`{name}` has leading or trailing whitespace");
                self.report(line, message);
            }
        }
        Field::given(normalize_text(&value), line)
    }

    fn options(&mut self, entry: Option<Entry<'_, '_>>) -> Field<Vec<ChoiceDraft>> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        let Some(items) = value.get_ref().as_array() else {
            self.wrong_type(
                line,
                "options",
                "a list of { id, vi, en } tables",
                value.get_ref(),
            );
            return Field::Invalid;
        };
        let mut choices = Vec::with_capacity(items.len());
        for item in items.iter() {
            let item_line = self.line_of(item);
            let Some(table) = item.get_ref().as_table() else {
                self.report(
                    item_line,
                    "each option must be a table like { id = \"a\", vi = \"…\", en = \"…\" }",
                );
                return Field::Invalid;
            };
            self.unknown_fields(table, OPTION_FIELDS, "the option");
            let id = self.string(table.get_key_value("id"), "id");
            let name = match id.value() {
                Some(id) => format!("options[{id}]"),
                None => "options[?]".to_owned(),
            };
            let text = self.languages(table, &name);
            choices.push(ChoiceDraft {
                line: item_line,
                id,
                text,
            });
        }
        Field::given(choices, line)
    }

    fn answer(&mut self, entry: Option<Entry<'_, '_>>) -> Field<RawAnswer> {
        let Some((key, value)) = entry else {
            return Field::Missing;
        };
        let line = self.line_of(key);
        let raw = match value.get_ref() {
            DeValue::String(id) => Some(RawAnswer::One(id.to_string())),
            DeValue::Boolean(value) => Some(RawAnswer::Bool(*value)),
            DeValue::Array(items) => items
                .iter()
                .map(|item| item.get_ref().as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(RawAnswer::Many),
            _ => None,
        };
        match raw {
            Some(raw) => Field::given(raw, line),
            None => {
                let expected = "an option id, a list of strings, or true/false";
                self.wrong_type(line, "answer", expected, value.get_ref());
                Field::Invalid
            }
        }
    }
}

/// Problems found by the rules.
#[derive(Default)]
struct Report {
    problems: Vec<Problem>,
}

impl Report {
    fn add(&mut self, line: usize, question_id: Option<&str>, message: impl Into<String>) {
        self.problems.push(Problem::new(line, question_id, message));
    }
}

fn check_bank(bank: &BankDraft, strictness: Strictness, report: &mut Report) {
    match &bank.slug {
        Field::Missing => report.add(1, None, "missing field `slug`"),
        Field::Given(slug) if !is_valid_id(&slug.value) => report.add(
            slug.line,
            None,
            format!("bad slug `{}`: {}", slug.value, ID_RULE),
        ),
        _ => {}
    }
    match &bank.version {
        Field::Missing => report.add(1, None, "missing field `version`"),
        Field::Given(version) if version.value < 1 => {
            report.add(version.line, None, "`version` must be a positive integer")
        }
        _ => {}
    }
    let title = TextRule {
        name: "title",
        max_chars: TITLE_MAX_CHARS,
        required: true,
    };
    title.check(&bank.title, 1, None, strictness, report);
    match &bank.questions {
        Field::Missing => report.add(1, None, "the bank has no [[questions]]"),
        Field::Given(questions) if questions.value.is_empty() => {
            report.add(questions.line, None, "the bank has no questions")
        }
        Field::Given(questions) => {
            for question in &questions.value {
                check_question(question, strictness, report);
            }
            check_unique_question_ids(&questions.value, report);
        }
        Field::Invalid => {}
    }
}

const ID_RULE: &str = "use 1–64 characters a-z, 0-9 and -, not starting with -";

fn check_unique_question_ids(questions: &[QuestionDraft], report: &mut Report) {
    let mut first_lines: HashMap<&str, usize> = HashMap::new();
    for question in questions {
        let Field::Given(id) = &question.id else {
            continue;
        };
        match first_lines.get(id.value.as_str()) {
            Some(first) => report.add(
                id.line,
                Some(&id.value),
                format!(
                    "duplicate question id `{}` (first on line {first})",
                    id.value
                ),
            ),
            None => {
                first_lines.insert(&id.value, id.line);
            }
        }
    }
}

/// The limits of one text field.
struct TextRule<'a> {
    name: &'a str,
    max_chars: usize,
    required: bool,
}

impl TextRule<'_> {
    fn check(
        &self,
        field: &Field<TextDraft>,
        header_line: usize,
        question_id: Option<&str>,
        strictness: Strictness,
        report: &mut Report,
    ) {
        match field {
            Field::Missing if self.required => report.add(
                header_line,
                question_id,
                format!("missing field `{}`", self.name),
            ),
            Field::Given(text) => {
                self.check_languages(&text.value, text.line, question_id, strictness, report)
            }
            _ => {}
        }
    }

    fn check_languages(
        &self,
        text: &TextDraft,
        line: usize,
        question_id: Option<&str>,
        strictness: Strictness,
        report: &mut Report,
    ) {
        match &text.vi {
            Field::Missing => report.add(
                line,
                question_id,
                format!("`{}` has no `vi` (Vietnamese) text", self.name),
            ),
            Field::Given(vi) => self.check_language(vi, "vi", question_id, report),
            Field::Invalid => {}
        }
        match &text.en {
            Field::Missing if strictness == Strictness::Shipped => report.add(
                line,
                question_id,
                format!(
                    "`{}` has no `en` (English) text; shipped banks are bilingual",
                    self.name
                ),
            ),
            Field::Given(en) => self.check_language(en, "en", question_id, report),
            _ => {}
        }
    }

    fn check_language(
        &self,
        text: &Located<String>,
        language: &str,
        question_id: Option<&str>,
        report: &mut Report,
    ) {
        let chars = text.value.chars().count();
        if text.value.trim().is_empty() {
            report.add(
                text.line,
                question_id,
                format!("`{}.{language}` is empty", self.name),
            );
        } else if chars > self.max_chars {
            report.add(
                text.line,
                question_id,
                format!(
                    "`{}.{language}` has {chars} characters; at most {} are allowed",
                    self.name, self.max_chars
                ),
            );
        }
    }
}

fn check_question(question: &QuestionDraft, strictness: Strictness, report: &mut Report) {
    let id = question.id.value().map(String::as_str);
    let header = question.line;
    for (name, missing) in [
        ("id", matches!(question.id, Field::Missing)),
        ("kind", matches!(question.kind, Field::Missing)),
        ("competence", matches!(question.competence, Field::Missing)),
        ("difficulty", matches!(question.difficulty, Field::Missing)),
        ("answer", matches!(question.answer, Field::Missing)),
    ] {
        if missing {
            report.add(header, id, format!("missing field `{name}`"));
        }
    }
    if let Field::Given(given) = &question.id
        && !is_valid_id(&given.value)
    {
        report.add(
            given.line,
            id,
            format!("bad question id `{}`: {ID_RULE}", given.value),
        );
    }
    check_classification(question, id, report);
    check_tags(question, id, strictness, report);
    let prompt = TextRule {
        name: "prompt",
        max_chars: PROMPT_MAX_CHARS,
        required: true,
    };
    prompt.check(&question.prompt, header, id, strictness, report);
    let explanation = TextRule {
        name: "explanation",
        max_chars: EXPLANATION_MAX_CHARS,
        required: strictness == Strictness::Shipped,
    };
    explanation.check(&question.explanation, header, id, strictness, report);
    check_options(question, id, strictness, report);
    check_answer(question, id, report);
}

/// Competence, difficulty and points: what quiz rules select and score by.
fn check_classification(question: &QuestionDraft, id: Option<&str>, report: &mut Report) {
    if let Field::Given(code) = &question.competence
        && competence_name(&code.value).is_none()
    {
        report.add(
            code.line,
            id,
            format!(
                "unknown competence `{}`: use a DigComp 3.0 code such as 4.2",
                code.value
            ),
        );
    }
    if let Field::Given(difficulty) = &question.difficulty
        && !(1..=3).contains(&difficulty.value)
    {
        report.add(
            difficulty.line,
            id,
            format!("difficulty {} is outside 1–3", difficulty.value),
        );
    }
    if let Field::Given(points) = &question.points
        && !(1..=100).contains(&points.value)
    {
        report.add(
            points.line,
            id,
            format!("points {} is outside 1–100", points.value),
        );
    }
}

fn check_tags(
    question: &QuestionDraft,
    id: Option<&str>,
    strictness: Strictness,
    report: &mut Report,
) {
    let (tags, line) = match &question.tags {
        Field::Given(tags) => (tags.value.as_slice(), tags.line),
        Field::Missing => (&[][..], question.line),
        Field::Invalid => return,
    };
    let mut seen = HashSet::new();
    for tag in tags {
        if !is_valid_id(tag) {
            report.add(line, id, format!("bad tag `{tag}`: {ID_RULE}"));
        } else if !seen.insert(tag.as_str()) {
            report.add(line, id, format!("duplicate tag `{tag}`"));
        }
    }
    let has_audience = tags.iter().any(|tag| AUDIENCE_TAGS.contains(&tag.as_str()));
    if strictness == Strictness::Shipped && !has_audience {
        report.add(
            line,
            id,
            "tags must include the audience: `students` and/or `residents`",
        );
    }
}

fn check_options(
    question: &QuestionDraft,
    id: Option<&str>,
    strictness: Strictness,
    report: &mut Report,
) {
    let kind = question.kind.value().copied();
    let choices = match &question.options {
        Field::Given(choices) => choices,
        Field::Missing => {
            if kind.is_some_and(Kind::has_options) {
                report.add(question.line, id, "missing field `options`");
            }
            return;
        }
        Field::Invalid => return,
    };
    for choice in &choices.value {
        check_choice(choice, id, strictness, report);
    }
    check_distinct_choices(&choices.value, id, report);
    let count = choices.value.len();
    match kind {
        Some(kind) if kind.has_options() && !(MIN_OPTIONS..=MAX_OPTIONS).contains(&count) => report
            .add(
                choices.line,
                id,
                format!(
                    "a `{kind}` question needs {MIN_OPTIONS} to {MAX_OPTIONS} options, not {count}"
                ),
            ),
        Some(kind) if !kind.has_options() && count > 0 => report.add(
            choices.line,
            id,
            format!("a `{kind}` question has no options; remove `options`"),
        ),
        _ => {}
    }
}

fn check_choice(
    choice: &ChoiceDraft,
    id: Option<&str>,
    strictness: Strictness,
    report: &mut Report,
) {
    let name = match &choice.id {
        Field::Missing => {
            report.add(choice.line, id, "option without `id`");
            "options[?]".to_owned()
        }
        Field::Given(option_id) => {
            if !is_valid_id(&option_id.value) {
                report.add(
                    option_id.line,
                    id,
                    format!("bad option id `{}`: {ID_RULE}", option_id.value),
                );
            }
            format!("options[{}]", option_id.value)
        }
        Field::Invalid => "options[?]".to_owned(),
    };
    let rule = TextRule {
        name: &name,
        max_chars: OPTION_MAX_CHARS,
        required: true,
    };
    rule.check_languages(&choice.text, choice.line, id, strictness, report);
}

/// Option ids must be unique, and so must option texts per language: two options that read
/// the same cannot be told apart by a participant.
fn check_distinct_choices(choices: &[ChoiceDraft], id: Option<&str>, report: &mut Report) {
    let mut ids = HashSet::new();
    for choice in choices {
        if let Field::Given(option_id) = &choice.id
            && !ids.insert(option_id.value.as_str())
        {
            report.add(
                option_id.line,
                id,
                format!("duplicate option id `{}`", option_id.value),
            );
        }
    }
    for language in ["vi", "en"] {
        let mut first_with_text: HashMap<String, String> = HashMap::new();
        for choice in choices {
            let Some(text) = choice.text.language(language) else {
                continue;
            };
            let label = choice.id.value().cloned().unwrap_or_default();
            let key = option_text_key(text);
            match first_with_text.get(&key) {
                Some(first) => report.add(
                    choice.line,
                    id,
                    format!("options `{first}` and `{label}` have the same {language} text"),
                ),
                None => {
                    first_with_text.insert(key, label);
                }
            }
        }
    }
}

fn check_answer(question: &QuestionDraft, id: Option<&str>, report: &mut Report) {
    let (Field::Given(answer), Some(kind)) = (&question.answer, question.kind.value().copied())
    else {
        return;
    };
    let line = answer.line;
    let option_ids: Option<Vec<&str>> = match &question.options {
        Field::Given(choices) => choices
            .value
            .iter()
            .map(|choice| choice.id.value().map(String::as_str))
            .collect(),
        // Missing options were reported already; naming problems would only add noise.
        Field::Missing | Field::Invalid => None,
    };
    let mut add = |message: String| report.add(line, id, message);
    match (kind, &answer.value) {
        (Kind::Single, RawAnswer::One(option)) => name_options(
            std::slice::from_ref(option),
            option_ids.as_deref(),
            &mut add,
        ),
        (Kind::Single, RawAnswer::Many(options)) if options.len() != 1 => add(format!(
            "a `single` question has exactly one correct option; the answer lists {}",
            options.len()
        )),
        (Kind::Multiple, RawAnswer::Many(options)) => {
            check_multiple_answer(options, option_ids.as_deref(), &mut add)
        }
        (Kind::Ordering, RawAnswer::Many(order)) => {
            check_ordering_answer(order, option_ids.as_deref(), &mut add)
        }
        (Kind::TrueFalse, RawAnswer::Bool(_)) => {}
        (Kind::ShortText, RawAnswer::Many(accepted)) => check_accepted_answers(accepted, &mut add),
        (kind, _) => add(format!("wrong answer type: {}", answer_shape(kind))),
    }
}

fn answer_shape(kind: Kind) -> &'static str {
    match kind {
        Kind::Single => "a `single` question's answer is one option id, like answer = \"b\"",
        Kind::Multiple => {
            "a `multiple` question's answer is a list of option ids, like answer = [\"a\", \"c\"]"
        }
        Kind::TrueFalse => "a `true_false` question's answer is true or false",
        Kind::Ordering => "an `ordering` question's answer lists every option id in order",
        Kind::ShortText => "a `short_text` question's answer is a list of accepted answers",
    }
}

/// Every named id must be an option (unknowable when the options could not be read).
fn name_options(named: &[String], option_ids: Option<&[&str]>, add: &mut impl FnMut(String)) {
    let Some(option_ids) = option_ids else {
        return;
    };
    for name in named {
        if !option_ids.contains(&name.as_str()) {
            add(format!("the answer names `{name}`, which is not an option"));
        }
    }
}

fn repeated(items: &[String]) -> Vec<&str> {
    let mut seen = HashSet::new();
    let mut repeated: Vec<&str> = items
        .iter()
        .filter(|item| !seen.insert(item.as_str()))
        .map(String::as_str)
        .collect();
    repeated.dedup();
    repeated
}

fn check_multiple_answer(
    options: &[String],
    option_ids: Option<&[&str]>,
    add: &mut impl FnMut(String),
) {
    if options.is_empty() {
        add("a `multiple` question needs at least one correct option".to_owned());
    }
    for option in repeated(options) {
        add(format!("the answer lists `{option}` more than once"));
    }
    name_options(options, option_ids, add);
}

fn check_ordering_answer(
    order: &[String],
    option_ids: Option<&[&str]>,
    add: &mut impl FnMut(String),
) {
    for option in repeated(order) {
        add(format!("the order lists `{option}` more than once"));
    }
    name_options(order, option_ids, add);
    if let Some(option_ids) = option_ids {
        let left_out: Vec<&str> = option_ids
            .iter()
            .filter(|option| !order.iter().any(|named| named == *option))
            .copied()
            .collect();
        if !left_out.is_empty() {
            add(format!(
                "the order must list every option exactly once; it leaves out `{}`",
                left_out.join("`, `")
            ));
        }
    }
}

fn check_accepted_answers(accepted: &[String], add: &mut impl FnMut(String)) {
    if accepted.is_empty() {
        add("a `short_text` question needs at least one accepted answer".to_owned());
    }
    let mut keys: HashMap<String, String> = HashMap::new();
    for written in accepted {
        let answer = normalize_text(written);
        // Counted as written, padding included, as the authors' editors count.
        let chars = written.chars().count();
        if answer.trim().is_empty() {
            add("an accepted answer is empty".to_owned());
            continue;
        }
        if chars > ACCEPTED_ANSWER_MAX_CHARS {
            add(format!(
                "accepted answer `{answer}` has {chars} characters; at most {ACCEPTED_ANSWER_MAX_CHARS} are allowed"
            ));
        }
        // The grader ignores case, spacing and diacritics, so such variants are redundant.
        let key = short_answer_key(&answer);
        match keys.get(&key) {
            Some(first) => add(format!(
                "accepted answers `{first}` and `{answer}` are the same to the grader"
            )),
            None => {
                keys.insert(key, answer);
            }
        }
    }
}

fn build_bank(draft: BankDraft) -> Option<Bank> {
    Some(Bank {
        slug: draft.slug.into_value()?,
        version: draft.version.into_value()?,
        title: build_text(draft.title.into_value()?)?,
        questions: draft
            .questions
            .into_value()?
            .into_iter()
            .map(build_question)
            .collect::<Option<Vec<_>>>()?,
    })
}

fn build_question(draft: QuestionDraft) -> Option<Question> {
    let kind = draft.kind.into_value()?;
    let options = match draft.options {
        Field::Missing => Vec::new(),
        field => field
            .into_value()?
            .into_iter()
            .map(build_choice)
            .collect::<Option<Vec<_>>>()?,
    };
    let answer = match (kind, draft.answer.into_value()?) {
        (Kind::Single, RawAnswer::One(id)) => Answer::Options(vec![id]),
        (Kind::Single, RawAnswer::Many(ids))
        | (Kind::Multiple | Kind::Ordering, RawAnswer::Many(ids)) => Answer::Options(ids),
        (Kind::TrueFalse, RawAnswer::Bool(value)) => Answer::Bool(value),
        (Kind::ShortText, RawAnswer::Many(accepted)) => {
            Answer::Accepted(accepted.iter().map(|a| normalize_text(a)).collect())
        }
        _ => return None,
    };
    let explanation = match draft.explanation {
        Field::Missing => None,
        field => Some(build_text(field.into_value()?)?),
    };
    Some(Question {
        id: draft.id.into_value()?,
        kind,
        competence: draft.competence.into_value()?,
        difficulty: u8::try_from(draft.difficulty.into_value()?).ok()?,
        points: match draft.points {
            Field::Missing => 1,
            field => u32::try_from(field.into_value()?).ok()?,
        },
        tags: match draft.tags {
            Field::Missing => Vec::new(),
            field => field.into_value()?,
        },
        prompt: build_text(draft.prompt.into_value()?)?,
        options,
        answer,
        explanation,
    })
}

fn build_choice(draft: ChoiceDraft) -> Option<Choice> {
    Some(Choice {
        id: draft.id.into_value()?,
        text: build_text(draft.text)?,
    })
}

fn build_text(draft: TextDraft) -> Option<Text> {
    Some(Text {
        vi: draft.vi.into_value()?,
        en: match draft.en {
            Field::Missing => None,
            field => Some(field.into_value()?),
        },
    })
}
