//! Moodle GIFT import (`POST /banks/import?format=gift`).
//!
//! Follows Moodle's own reader (`question/format/gift/format.php`): questions are separated by
//! blank lines, `//` starts a comment line, `::title::` names a question, the first `{…}` holds
//! the answers, and `\~ \= \# \{ \} \: \n` are escapes. Multiple choice, true/false and short
//! answer questions become civiquiz questions; essay, numerical, matching and description items
//! have no civiquiz kind and are reported with their line.
//!
//! Text is stored as plain text: HTML is reduced to its visible text, never passed through.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::check::question_problems;
use super::format::{
    Answer, Choice, ID_MAX_CHARS, Kind, Problem, Question, Strictness, Text, competence_name,
    normalize_text,
};

/// What the importer cannot learn from a GIFT file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiftOptions {
    /// DigComp code for questions whose `$CATEGORY` names none.
    pub default_competence: String,
    pub default_difficulty: u8,
    /// List unsupported questions and import the rest, instead of failing the import.
    pub skip_unsupported: bool,
}

/// The result of reading a GIFT file. The server writes nothing when `errors` is not empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GiftImport {
    pub questions: Vec<Question>,
    /// Questions of kinds civiquiz has not got, skipped (only with `skip_unsupported`).
    pub unsupported: Vec<Problem>,
    pub errors: Vec<Problem>,
    /// Things imported with a loss worth knowing about (dropped partial-credit answers,
    /// renamed duplicate titles, ignored trailing text).
    pub warnings: Vec<Problem>,
}

/// Reads a GIFT file into civiquiz questions (Vietnamese text, `en` left empty).
pub fn parse_gift(src: &str, opts: &GiftOptions) -> GiftImport {
    let mut importer = Importer {
        opts,
        category: Category::default(),
        used_ids: HashSet::new(),
        import: GiftImport::default(),
    };
    for block in blocks(src) {
        importer.block(&block);
    }
    importer.import
}

/// The non-comment lines of one question (or `$CATEGORY`), with their 1-based numbers.
struct Block<'s> {
    lines: Vec<(usize, &'s str)>,
}

fn blocks(src: &str) -> Vec<Block<'_>> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for (index, line) in src.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            continue;
        }
        // Moodle needs a blank line around `$CATEGORY:`; a forgotten one would glue the
        // category onto a question, so the line always stands alone here.
        let is_category = trimmed.starts_with(CATEGORY_MARKER);
        if (trimmed.is_empty() || is_category) && !current.is_empty() {
            blocks.push(Block {
                lines: std::mem::take(&mut current),
            });
        }
        if is_category {
            blocks.push(Block {
                lines: vec![(index + 1, line)],
            });
        } else if !trimmed.is_empty() {
            current.push((index + 1, line));
        }
    }
    if !current.is_empty() {
        blocks.push(Block { lines: current });
    }
    blocks
}

const CATEGORY_MARKER: &str = "$CATEGORY:";

/// Tag and competence given by the latest `$CATEGORY:` line.
#[derive(Clone, Debug, Default)]
struct Category {
    tag: Option<String>,
    competence: Option<String>,
}

impl Category {
    /// `$course$/top/4.2 Bảo vệ dữ liệu/Mật khẩu` → competence 4.2, tag `mat-khau`.
    fn parse(path: &str) -> Self {
        let segments: Vec<&str> = path
            .split('/')
            .map(str::trim)
            // `$course$`, `$system$`… and Moodle's `top` are context, not category names.
            .filter(|s| !s.is_empty() && *s != "top" && !(s.starts_with('$') && s.ends_with('$')))
            .collect();
        let competence = segments
            .iter()
            .rev()
            .find_map(|segment| leading_competence(segment));
        let tag = segments
            .last()
            .filter(|last| competence_name(last).is_none())
            .map(|last| slugify(last))
            .filter(|tag| !tag.is_empty());
        Category { tag, competence }
    }
}

/// A segment that is, or starts with, a DigComp code (`4.2` or `4.2 Privacy`).
fn leading_competence(segment: &str) -> Option<String> {
    let first = segment.split_whitespace().next()?;
    let code = first.trim_end_matches(['.', ':', '-']);
    competence_name(code).map(|_| code.to_owned())
}

struct Importer<'o> {
    opts: &'o GiftOptions,
    category: Category,
    used_ids: HashSet<String>,
    import: GiftImport,
}

/// Why a question was not imported.
enum Rejection {
    Unsupported(&'static str),
    Invalid(String),
}

impl Importer<'_> {
    fn block(&mut self, block: &Block<'_>) {
        let Some((line, first)) = block.lines.first().copied() else {
            return;
        };
        if let Some(path) = first.trim_start().strip_prefix(CATEGORY_MARKER) {
            self.category = Category::parse(path);
            return;
        }
        let text: Vec<&str> = block.lines.iter().map(|(_, text)| *text).collect();
        self.question(line, &text.join("\n"));
    }

    fn question(&mut self, line: usize, text: &str) {
        let chars = unescape(text);
        let parts = match QuestionParts::split(&chars) {
            Ok(parts) => parts,
            Err(message) => {
                self.import.errors.push(Problem::new(line, None, message));
                return;
            }
        };
        let id = self.assign_id(line, &parts);
        match read_answers(&parts) {
            Ok(answers) => self.accept(line, id, &parts, answers),
            Err(Rejection::Unsupported(what)) => {
                let problem = Problem::new(line, Some(&id), format!("{what} are not supported"));
                if self.opts.skip_unsupported {
                    self.import.unsupported.push(problem);
                } else {
                    self.import.errors.push(problem);
                }
            }
            Err(Rejection::Invalid(message)) => {
                self.import
                    .errors
                    .push(Problem::new(line, Some(&id), message));
            }
        }
    }

    fn warn(&mut self, line: usize, id: Option<&str>, message: String) {
        self.import.warnings.push(Problem::new(line, id, message));
    }

    /// The slug of the title, else `g-` and a hash of the prompt; ids are reserved for every
    /// question, imported or not, so fixing one question never renames the others.
    fn assign_id(&mut self, line: usize, parts: &QuestionParts) -> String {
        let from_title = parts
            .title
            .as_deref()
            .map(slugify)
            .filter(|slug| !slug.is_empty());
        let base = from_title.unwrap_or_else(|| prompt_hash_id(&parts.prompt));
        let mut id = base.clone();
        let mut suffix = 2;
        while self.used_ids.contains(&id) {
            id = format!("{base}-{suffix}");
            suffix += 1;
        }
        if id != base {
            let reason = match &parts.title {
                Some(title) => format!("the title `{title}` is used again; imported as `{id}`"),
                None => format!("the same prompt appears again; imported as `{id}`"),
            };
            self.warn(line, Some(&id), reason);
        }
        self.used_ids.insert(id.clone());
        id
    }

    fn accept(&mut self, line: usize, id: String, parts: &QuestionParts, answers: Answers) {
        if parts.trailing_ignored {
            let message = "text after the answer block was ignored".to_owned();
            self.warn(line, Some(&id), message);
        }
        for dropped in &answers.dropped {
            let message = format!(
                "partial-credit answer `{dropped}` was dropped: civiquiz short answers are right or wrong"
            );
            self.warn(line, Some(&id), message);
        }
        let explanation = parts
            .general_feedback
            .clone()
            .or(answers.feedback)
            .map(Text::vi);
        let question = Question {
            id,
            kind: answers.kind,
            competence: self
                .category
                .competence
                .clone()
                .unwrap_or_else(|| self.opts.default_competence.clone()),
            difficulty: self.opts.default_difficulty,
            points: 1,
            tags: self.category.tag.iter().cloned().collect(),
            prompt: Text::vi(parts.prompt.clone()),
            options: answers.options,
            answer: answers.answer,
            explanation,
        };
        let problems = question_problems(&question, line, Strictness::Imported);
        if problems.is_empty() {
            self.import.questions.push(question);
        } else {
            self.import.errors.extend(problems);
        }
    }
}

fn prompt_hash_id(prompt: &str) -> String {
    let normalised = prompt
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let digest = hex::encode(Sha256::digest(normalised.as_bytes()));
    format!("g-{}", digest.get(..10).unwrap_or(&digest))
}

/// Lower-case ASCII slug: Vietnamese diacritics dropped (đ→d), other characters become `-`.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    // Room for a `-NN` suffix when the id must be made unique.
    slug.truncate(ID_MAX_CHARS - 4);
    slug.trim_end_matches('-').to_owned()
}

/// A character of GIFT source, remembering whether it was escaped (and so is never syntax).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct GiftChar {
    ch: char,
    escaped: bool,
}

fn unescape(src: &str) -> Vec<GiftChar> {
    let mut out = Vec::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    while let Some(ch) = chars.next() {
        let escaped = match chars.peek() {
            Some(&next) if ch == '\\' && "~=#{}:\\".contains(next) => Some(next),
            Some('n') if ch == '\\' => Some('\n'),
            _ => None,
        };
        match escaped {
            Some(literal) => {
                chars.next();
                out.push(GiftChar {
                    ch: literal,
                    escaped: true,
                });
            }
            None => out.push(GiftChar { ch, escaped: false }),
        }
    }
    out
}

fn is_syntax(c: &GiftChar, ch: char) -> bool {
    c.ch == ch && !c.escaped
}

fn find(s: &[GiftChar], ch: char) -> Option<usize> {
    s.iter().position(|c| is_syntax(c, ch))
}

fn matches_at(s: &[GiftChar], at: usize, pattern: &str) -> bool {
    let mut chars = s.get(at..).unwrap_or_default().iter();
    pattern
        .chars()
        .all(|p| chars.next().is_some_and(|c| is_syntax(c, p)))
}

fn find_seq(s: &[GiftChar], pattern: &str) -> Option<usize> {
    (0..s.len()).find(|at| matches_at(s, *at, pattern))
}

fn rfind_seq(s: &[GiftChar], pattern: &str) -> Option<usize> {
    (0..s.len()).rev().find(|at| matches_at(s, *at, pattern))
}

fn trim(s: &[GiftChar]) -> &[GiftChar] {
    let start = s
        .iter()
        .position(|c| !c.ch.is_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !c.ch.is_whitespace())
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

fn text_of(s: &[GiftChar]) -> String {
    s.iter().map(|c| c.ch).collect()
}

/// Splits at the first `limit - 1` unescaped `sep`s, like PHP's `explode($sep, $s, $limit)`.
fn split_n(s: &[GiftChar], sep: char, limit: usize) -> Vec<&[GiftChar]> {
    let mut parts = Vec::new();
    let mut rest = s;
    while parts.len() + 1 < limit {
        let Some(at) = find(rest, sep) else {
            break;
        };
        parts.push(&rest[..at]);
        rest = &rest[at + 1..];
    }
    parts.push(rest);
    parts
}

/// How a piece of text is written, from its `[html]`-style prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextFormat {
    /// Moodle's default "auto-format": HTML allowed, line breaks kept.
    Moodle,
    Html,
    Plain,
    Markdown,
}

fn split_format(s: &[GiftChar], default: TextFormat) -> (TextFormat, &[GiftChar]) {
    let s = trim(s);
    if s.first().is_some_and(|c| is_syntax(c, '['))
        && let Some(end) = find(s, ']')
    {
        let format = match text_of(&s[1..end]).as_str() {
            "moodle" => Some(TextFormat::Moodle),
            "html" => Some(TextFormat::Html),
            "plain" => Some(TextFormat::Plain),
            "markdown" => Some(TextFormat::Markdown),
            _ => None,
        };
        if let Some(format) = format {
            return (format, &s[end + 1..]);
        }
    }
    (default, s)
}

/// Plain text of a GIFT text piece: format prefix applied, HTML reduced to visible text,
/// spaces tidied, NFC. Markdown is kept as written: it reads fine as plain text.
fn render(s: &[GiftChar], default: TextFormat) -> String {
    let (format, body) = split_format(s, default);
    let raw = text_of(body);
    let text = match format {
        TextFormat::Html => html_to_text(&raw, false),
        TextFormat::Moodle => html_to_text(&raw, true),
        TextFormat::Plain | TextFormat::Markdown => raw,
    };
    tidy(&text)
}

/// Spaces collapsed inside lines, at most one blank line in a row, trimmed, NFC.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let after_blank = lines.last().is_none_or(String::is_empty);
        if !(line.is_empty() && after_blank) {
            lines.push(line);
        }
    }
    normalize_text(&lines.join("\n"))
}

/// A question split into its parts, before its answers are interpreted.
struct QuestionParts {
    title: Option<String>,
    format: TextFormat,
    prompt: String,
    /// The inside of `{…}` without the general feedback; `None` for a description item.
    answers: Option<Vec<GiftChar>>,
    general_feedback: Option<String>,
    trailing_ignored: bool,
}

impl QuestionParts {
    fn split(chars: &[GiftChar]) -> Result<Self, String> {
        let mut text = trim(chars);
        let mut title = None;
        if matches_at(text, 0, "::") {
            let rest = &text[2..];
            let end = find_seq(rest, "::").ok_or("the title is not closed with `::`")?;
            title = Some(tidy(&text_of(&rest[..end]))).filter(|t| !t.is_empty());
            text = trim(&rest[end + 2..]);
        }
        let (open, close) = (find(text, '{'), find(text, '}'));
        let (open, close) = match (open, close) {
            (None, None) => return Ok(Self::description(title, text)),
            (Some(open), Some(close)) if open < close => (open, close),
            (Some(_), None) => return Err("the answer block is not closed: `}` is missing".into()),
            _ => return Err("`}` comes before `{`; write a literal brace as \\}".into()),
        };
        let inside = &text[open + 1..close];
        let after = &text[close + 1..];
        if find(inside, '{').is_some() || find(after, '{').is_some() {
            return Err(
                "only one answer block `{…}` is allowed; write a literal brace as \\{".into(),
            );
        }
        let before = &text[..open];
        let (prompt_chars, trailing_ignored) = prompt_around_blank(before, after);
        let (format, _) = split_format(before, TextFormat::Moodle);
        let (answers, general) = match rfind_seq(inside, "####") {
            Some(at) => (trim(&inside[..at]), Some(&inside[at + 4..])),
            None => (trim(inside), None),
        };
        Ok(QuestionParts {
            title,
            format,
            prompt: render(&prompt_chars, TextFormat::Moodle),
            answers: Some(answers.to_vec()),
            general_feedback: general.map(|g| render(g, format)).filter(|g| !g.is_empty()),
            trailing_ignored,
        })
    }

    fn description(title: Option<String>, text: &[GiftChar]) -> Self {
        QuestionParts {
            title,
            format: TextFormat::Moodle,
            prompt: render(text, TextFormat::Moodle),
            answers: None,
            general_feedback: None,
            trailing_ignored: false,
        }
    }
}

/// The prompt, with `___` where the answers stood mid-sentence (`fill in the {=blank}.`).
/// Punctuation-only leftovers after a finished sentence (`…everything.{…}";`) are dropped.
fn prompt_around_blank(before: &[GiftChar], after: &[GiftChar]) -> (Vec<GiftChar>, bool) {
    let sentence_done = trim(before).last().is_some_and(|c| ".?!:…".contains(c.ch));
    let after_is_noise = !after.iter().any(|c| c.ch.is_alphanumeric());
    let nothing_after = trim(after).is_empty();
    if nothing_after || (sentence_done && after_is_noise) {
        return (before.to_vec(), !nothing_after);
    }
    let blank = "___".chars().map(|ch| GiftChar { ch, escaped: true });
    let mut prompt = before.to_vec();
    prompt.extend(blank);
    prompt.extend_from_slice(after);
    (prompt, false)
}

/// A question's answers in civiquiz terms.
struct Answers {
    kind: Kind,
    options: Vec<Choice>,
    answer: Answer,
    /// Feedback of the (first) correct answer: the explanation when there is no general one.
    feedback: Option<String>,
    /// Partial-credit short answers left out.
    dropped: Vec<String>,
}

fn read_answers(parts: &QuestionParts) -> Result<Answers, Rejection> {
    let Some(answers) = parts.answers.as_deref() else {
        return Err(Rejection::Unsupported(
            "description items (text without an answer block)",
        ));
    };
    let format = parts.format;
    if answers.is_empty() {
        return Err(Rejection::Unsupported("essay questions (`{}`)"));
    }
    if answers.first().is_some_and(|c| is_syntax(c, '#')) {
        return Err(Rejection::Unsupported("numerical questions (`{#…}`)"));
    }
    if find(answers, '~').is_some() {
        return multiple_choice(answers, format);
    }
    if find(answers, '=').is_some() && find_seq(answers, "->").is_some() {
        return Err(Rejection::Unsupported("matching questions (`=a -> b`)"));
    }
    let value = text_of(trim(split_n(answers, '#', 2)[0]));
    match value.as_str() {
        "T" | "TRUE" => Ok(true_false(answers, true, format)),
        "F" | "FALSE" => Ok(true_false(answers, false, format)),
        _ => short_answer(answers, format),
    }
}

/// `{T}`, `{FALSE#feedback when answered wrong#feedback when answered right}`.
fn true_false(answers: &[GiftChar], value: bool, format: TextFormat) -> Answers {
    let parts = split_n(answers, '#', 3);
    let feedback_of = |index: usize| {
        parts
            .get(index)
            .map(|part| render(part, format))
            .filter(|text| !text.is_empty())
    };
    Answers {
        kind: Kind::TrueFalse,
        options: Vec::new(),
        answer: Answer::Bool(value),
        // The "right" feedback, else the "wrong" one: it usually states the fact.
        feedback: feedback_of(2).or_else(|| feedback_of(1)),
        dropped: Vec::new(),
    }
}

/// One `=` or `~` answer: weight, text and feedback.
struct GiftAnswer<'a> {
    weight: Option<f64>,
    text: &'a [GiftChar],
    feedback: Option<&'a [GiftChar]>,
}

impl<'a> GiftAnswer<'a> {
    fn parse(s: &'a [GiftChar]) -> Self {
        let s = trim(s);
        let (weight, rest) = split_weight(s);
        let parts = split_n(rest, '#', 2);
        GiftAnswer {
            weight,
            text: parts[0],
            feedback: parts.get(1).copied(),
        }
    }
}

/// `%50%` or `%-33.3%` at the start of an answer.
fn split_weight(s: &[GiftChar]) -> (Option<f64>, &[GiftChar]) {
    if !s.first().is_some_and(|c| is_syntax(c, '%')) {
        return (None, s);
    }
    let rest = &s[1..];
    let Some(end) = find(rest, '%') else {
        return (None, s);
    };
    match text_of(&rest[..end]).trim().parse::<f64>() {
        Ok(weight) if weight.is_finite() => (Some(weight), &rest[end + 1..]),
        _ => (None, s),
    }
}

/// Answers split at each unescaped `=` or `~`, with their marker.
fn marked_answers(answers: &[GiftChar]) -> Result<Vec<(char, &[GiftChar])>, Rejection> {
    let starts: Vec<usize> = (0..answers.len())
        .filter(|at| is_syntax(&answers[*at], '=') || is_syntax(&answers[*at], '~'))
        .collect();
    let first = starts.first().copied().unwrap_or(answers.len());
    if !trim(&answers[..first]).is_empty() {
        return Err(Rejection::Invalid(
            "text before the first answer: start each answer with = or ~".to_owned(),
        ));
    }
    let ends = starts.iter().skip(1).copied().chain([answers.len()]);
    Ok(starts
        .iter()
        .zip(ends)
        .map(|(start, end)| (answers[*start].ch, &answers[start + 1..end]))
        .collect())
}

/// `{=right ~wrong}` or `{~%50%a ~%50%b ~%-100%c}`: a positive weight (or `=`) marks a
/// correct option; one correct option makes a `single` question, more a `multiple` one.
fn multiple_choice(answers: &[GiftChar], format: TextFormat) -> Result<Answers, Rejection> {
    let mut options = Vec::new();
    let mut correct = Vec::new();
    let mut feedback = None;
    for (index, (marker, body)) in marked_answers(answers)?.into_iter().enumerate() {
        let answer = GiftAnswer::parse(body);
        let weight = answer
            .weight
            .unwrap_or(if marker == '=' { 100.0 } else { 0.0 });
        let id = option_id(index);
        if weight > 0.0 {
            correct.push(id.clone());
            if feedback.is_none() {
                feedback = answer
                    .feedback
                    .map(|f| render(f, format))
                    .filter(|f| !f.is_empty());
            }
        }
        options.push(Choice {
            id,
            text: Text::vi(render(answer.text, format)),
        });
    }
    let kind = match correct.len() {
        0 => {
            return Err(Rejection::Invalid(
                "no answer is marked correct: use = or a positive %weight%".to_owned(),
            ));
        }
        1 => Kind::Single,
        _ => Kind::Multiple,
    };
    Ok(Answers {
        kind,
        options,
        answer: Answer::Options(correct),
        feedback,
        dropped: Vec::new(),
    })
}

/// `a`, `b`, … by position.
fn option_id(index: usize) -> String {
    match u8::try_from(index) {
        Ok(index) if index < 26 => char::from(b'a' + index).to_string(),
        _ => format!("o{}", index + 1),
    }
}

/// `{=Hà Nội =Ha Noi}`: full-credit answers are accepted; partial-credit ones are dropped
/// (reported), and zero-weight ones (`=%0%*`, Moodle's catch-all) only carry feedback.
fn short_answer(answers: &[GiftChar], format: TextFormat) -> Result<Answers, Rejection> {
    let mut accepted = Vec::new();
    let mut dropped = Vec::new();
    let mut feedback = None;
    for (index, body) in split_n(answers, '=', usize::MAX).into_iter().enumerate() {
        // Moodle allows `{Paris}` for `{=Paris}`: only an empty lead-in is skipped.
        if index == 0 && trim(body).is_empty() {
            continue;
        }
        let answer = GiftAnswer::parse(body);
        let text = render(answer.text, TextFormat::Plain);
        match answer.weight.unwrap_or(100.0) {
            weight if weight >= 100.0 && text != "*" => {
                if feedback.is_none() {
                    feedback = answer
                        .feedback
                        .map(|f| render(f, format))
                        .filter(|f| !f.is_empty());
                }
                accepted.push(text);
            }
            weight if weight > 0.0 => dropped.push(text),
            _ => {}
        }
    }
    if accepted.is_empty() {
        return Err(Rejection::Invalid(
            "no full-credit answer: civiquiz needs at least one accepted answer".to_owned(),
        ));
    }
    Ok(Answers {
        kind: Kind::ShortText,
        options: Vec::new(),
        answer: Answer::Accepted(accepted),
        feedback,
        dropped,
    })
}

/// Elements whose content is never visible text; it is dropped with the tags.
const HIDDEN_ELEMENTS: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "object", "textarea", "title", "head",
    "svg", "math", "select",
];
/// Elements that start a new line.
const LINE_ELEMENTS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "section",
    "article",
    "header",
    "footer",
];

/// The visible text of an HTML fragment. A small tokenizer, not a pattern: tags and comments
/// are dropped whole (quoted `>` included), the content of `<script>`, `<style>` and the like
/// is dropped, entities are decoded. The result is text, so it is never HTML again.
fn html_to_text(html: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_html_text(&mut out, &rest[..lt], keep_newlines);
        let markup = &rest[lt..];
        match read_markup(markup) {
            Markup::Comment(len) => rest = markup.get(len..).unwrap_or_default(),
            Markup::Tag { name, len } => {
                if LINE_ELEMENTS.contains(&name.as_str()) {
                    out.push('\n');
                }
                rest = markup.get(len..).unwrap_or_default();
                if HIDDEN_ELEMENTS.contains(&name.as_str()) {
                    rest = after_closing_tag(rest, &name);
                }
            }
            Markup::ClosingTag { name, len } => {
                if LINE_ELEMENTS.contains(&name.as_str()) {
                    out.push('\n');
                }
                rest = markup.get(len..).unwrap_or_default();
            }
            Markup::Text => {
                out.push('<');
                rest = &markup[1..];
            }
        }
    }
    push_html_text(&mut out, rest, keep_newlines);
    out
}

enum Markup {
    /// `<!-- … -->`, `<!doctype …>`, `<?…>`: skipped; `len` bytes.
    Comment(usize),
    Tag {
        name: String,
        len: usize,
    },
    ClosingTag {
        name: String,
        len: usize,
    },
    /// A `<` that starts no markup (`a < b`, or a tag that is never closed).
    Text,
}

/// Reads the markup starting at `s[0] == '<'`.
fn read_markup(s: &str) -> Markup {
    let bytes = s.as_bytes();
    if s.starts_with("<!--") {
        // An unterminated comment hides the rest, as in a browser.
        let len = s
            .get(4..)
            .and_then(|r| r.find("-->"))
            .map_or(s.len(), |at| at + 7);
        return Markup::Comment(len);
    }
    match bytes.get(1) {
        Some(b'!' | b'?') => s
            .find('>')
            .map_or(Markup::Text, |at| Markup::Comment(at + 1)),
        Some(b'/') => match tag_at(s, 2) {
            Some((name, len)) => Markup::ClosingTag { name, len },
            None => Markup::Text,
        },
        Some(_) => match tag_at(s, 1) {
            Some((name, len)) => Markup::Tag { name, len },
            None => Markup::Text,
        },
        None => Markup::Text,
    }
}

/// The lower-cased tag name starting at byte `name_start`, and the tag's length through its
/// `>`, skipping quoted attribute values.
fn tag_at(s: &str, name_start: usize) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_len = bytes[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = s
        .get(name_start..name_start + name_len)?
        .to_ascii_lowercase();
    let mut quote = None;
    for (at, byte) in bytes.iter().enumerate().skip(name_start + name_len) {
        match (quote, byte) {
            (None, b'>') => return Some((name, at + 1)),
            (None, b'"' | b'\'') => quote = Some(*byte),
            (Some(open), _) if open == *byte => quote = None,
            _ => {}
        }
    }
    None
}

/// What follows `</name …>`; nothing if the element is never closed.
fn after_closing_tag<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let closing = format!("</{name}");
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|r| r.find(&closing)) {
        let at = from + found;
        let after_name = lower.as_bytes().get(at + closing.len());
        if !after_name.is_some_and(u8::is_ascii_alphanumeric) {
            return match s.get(at..).and_then(|r| r.find('>')) {
                Some(end) => s.get(at + end + 1..).unwrap_or_default(),
                None => "",
            };
        }
        from = at + closing.len();
    }
    ""
}

/// Text between tags: entities decoded, whitespace collapsed as HTML does (newlines kept in
/// Moodle's auto-format, where they are line breaks).
fn push_html_text(out: &mut String, text: &str, keep_newlines: bool) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some((decoded, len)) = decode_entity(rest)
        {
            out.push(decoded);
            rest = rest.get(len..).unwrap_or_default();
            continue;
        }
        out.push(match c {
            '\n' if keep_newlines => '\n',
            c if c.is_whitespace() => ' ',
            c => c,
        });
        rest = &rest[c.len_utf8()..];
    }
}

/// `&amp;`, `&#39;`, `&#x1EA1;`… at the start of `s`: the character and the entity's length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    // Entities are short; a `;` further on belongs to the text.
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..end)?;
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{fffd}')
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(html: &str) -> String {
        tidy(&html_to_text(html, false))
    }

    #[test]
    fn html_is_reduced_to_its_visible_text() {
        assert_eq!(
            visible("<b>Mật khẩu</b> &amp; <i>OTP</i>"),
            "Mật khẩu & OTP"
        );
        assert_eq!(
            visible("Hi<script>alert('<b>x</b>')</script> there<style>p{}</style>!"),
            "Hi there!"
        );
        assert_eq!(visible("<SCRIPT type=x>evil()</Script >ok"), "ok");
        assert_eq!(visible("<script>never closed"), "");
        assert_eq!(visible("<a title=\"a > b\">link</a>"), "link");
        assert_eq!(visible("a<br>b<p>c</p>d"), "a\nb\nc\nd");
        assert_eq!(visible("1 < 2 and 3 <4"), "1 < 2 and 3 <4");
        assert_eq!(visible("x <!-- hidden <b> --> y"), "x y");
        assert_eq!(
            visible("&lt;script&gt; &#7841; &#x1EA1; &bogus; &#0;"),
            "<script> ạ ạ &bogus; \u{fffd}"
        );
        assert_eq!(visible("<img src=x onerror=alert(1)>after"), "after");
        assert_eq!(visible("unclosed <b tag"), "unclosed <b tag");
        assert_eq!(visible("&amp;ệệệệ &amp;"), "&ệệệệ &");
    }

    #[test]
    fn slugs_drop_vietnamese_diacritics() {
        assert_eq!(slugify("Mật khẩu mạnh — Đúng?"), "mat-khau-manh-dung");
        assert_eq!(slugify("2-08 TSL"), "2-08-tsl");
        assert_eq!(slugify("!!!"), "");
        assert!(slugify(&"dài ".repeat(40)).len() <= ID_MAX_CHARS - 4);
    }

    #[test]
    fn categories_give_a_tag_and_maybe_a_competence() {
        let category = Category::parse(" $course$/top/4.2 Bảo vệ dữ liệu/Mật khẩu ");
        assert_eq!(category.competence.as_deref(), Some("4.2"));
        assert_eq!(category.tag.as_deref(), Some("mat-khau"));
        let category = Category::parse("$course$/Default for New Features");
        assert_eq!(category.competence, None);
        assert_eq!(category.tag.as_deref(), Some("default-for-new-features"));
        let category = Category::parse("$course$/Công dân số/2.3");
        assert_eq!(
            (category.competence.as_deref(), category.tag),
            (Some("2.3"), None)
        );
    }

    #[test]
    fn escapes_are_literal_characters() {
        let chars = unescape(r"a\{b\}c\=d\~e\#f\:g\nh\\i\q");
        assert_eq!(text_of(&chars), "a{b}c=d~e#f:g\nh\\i\\q");
        assert_eq!(chars.iter().filter(|c| c.escaped).count(), 8);
        assert_eq!(find(&chars, '{'), None);
    }
}
