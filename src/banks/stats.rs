//! `civiquiz banks stats`: how well the banks cover DigComp, kinds and difficulties, so authors
//! can see which competences still lack questions.

use std::collections::BTreeMap;

use serde::Serialize;

use super::format::{AREAS, Bank, Kind, competence_area};

/// Question counts across banks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// `[area - 1][kind]`, kinds in [`Kind::ALL`] order.
    pub by_area_and_kind: [[usize; 5]; 5],
    /// `[difficulty - 1]`.
    pub by_difficulty: [usize; 3],
    pub by_competence: BTreeMap<String, usize>,
    pub by_kind: BTreeMap<Kind, usize>,
    pub banks: usize,
    pub questions: usize,
}

impl Coverage {
    pub fn of(banks: &[Bank]) -> Self {
        let mut coverage = Coverage {
            banks: banks.len(),
            ..Coverage::default()
        };
        for question in banks.iter().flat_map(|bank| &bank.questions) {
            coverage.questions += 1;
            *coverage.by_kind.entry(question.kind).or_default() += 1;
            *coverage
                .by_competence
                .entry(question.competence.clone())
                .or_default() += 1;
            let kind = Kind::ALL.iter().position(|k| *k == question.kind);
            let area = competence_area(&question.competence).map(|area| usize::from(area) - 1);
            if let (Some(area), Some(kind)) = (area, kind)
                && let Some(cell) = coverage
                    .by_area_and_kind
                    .get_mut(area)
                    .and_then(|row| row.get_mut(kind))
            {
                *cell += 1;
            }
            let difficulty = usize::from(question.difficulty).checked_sub(1);
            if let Some(cell) = difficulty.and_then(|d| coverage.by_difficulty.get_mut(d)) {
                *cell += 1;
            }
        }
        coverage
    }
}

const DIFFICULTY_NAMES: [&str; 3] = ["1 easy", "2 medium", "3 hard"];

/// A plain-text table: questions by DigComp area × kind, by difficulty, and totals.
pub fn coverage_table(banks: &[Bank]) -> String {
    let coverage = Coverage::of(banks);
    let mut header = vec!["DigComp area".to_owned()];
    header.extend(Kind::ALL.iter().map(|kind| kind.as_str().to_owned()));
    header.push("total".to_owned());

    let mut rows = Vec::new();
    for ((number, name), counts) in AREAS.iter().zip(&coverage.by_area_and_kind) {
        rows.push(count_row(format!("{number} {name}"), counts));
    }
    let mut kind_totals = [0; 5];
    for counts in &coverage.by_area_and_kind {
        for (total, count) in kind_totals.iter_mut().zip(counts) {
            *total += count;
        }
    }
    rows.push(count_row("all areas".to_owned(), &kind_totals));

    let difficulty_rows: Vec<Vec<String>> = DIFFICULTY_NAMES
        .iter()
        .zip(coverage.by_difficulty)
        .map(|(name, count)| vec![(*name).to_owned(), count.to_string()])
        .collect();

    let mut out = String::from("Questions by DigComp area and kind\n");
    out.push_str(&render_table(&header, &rows));
    out.push_str("\nQuestions by difficulty\n");
    out.push_str(&render_table(
        &["difficulty".to_owned(), "questions".to_owned()],
        &difficulty_rows,
    ));
    out.push_str(&format!(
        "\nTotal: {} in {}\n",
        counted(coverage.questions, "question"),
        counted(coverage.banks, "bank")
    ));
    out
}

fn counted(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

fn count_row(label: String, counts: &[usize; 5]) -> Vec<String> {
    let mut row = vec![label];
    row.extend(counts.iter().map(ToString::to_string));
    row.push(counts.iter().sum::<usize>().to_string());
    row
}

/// Left-aligned first column, right-aligned numbers.
fn render_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| match column {
                0 => format!("{cell:<width$}"),
                _ => format!("{cell:>width$}"),
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banks::format::{Answer, Question, Text};

    fn question(kind: Kind, competence: &str, difficulty: u8) -> Question {
        Question {
            id: format!("q-{competence}-{difficulty}"),
            kind,
            competence: competence.to_owned(),
            difficulty,
            points: 1,
            tags: Vec::new(),
            prompt: Text::vi("?"),
            options: Vec::new(),
            answer: Answer::Bool(true),
            explanation: None,
        }
    }

    #[test]
    fn counts_by_area_kind_and_difficulty() {
        let bank = Bank {
            slug: "b".to_owned(),
            version: 1,
            title: Text::vi("B"),
            questions: vec![
                question(Kind::TrueFalse, "4.2", 1),
                question(Kind::TrueFalse, "4.1", 2),
                question(Kind::Single, "1.1", 3),
            ],
        };
        let coverage = Coverage::of(std::slice::from_ref(&bank));
        assert_eq!(coverage.by_area_and_kind[3][2], 2);
        assert_eq!(coverage.by_area_and_kind[0][0], 1);
        assert_eq!(coverage.by_difficulty, [1, 1, 1]);
        assert_eq!(coverage.by_competence.get("4.2"), Some(&1));

        let expected = "\
Questions by DigComp area and kind
DigComp area                       single  multiple  true_false  ordering  short_text  total
1 Information and data literacy         1         0           0         0           0      1
2 Communication and collaboration       0         0           0         0           0      0
3 Digital content creation              0         0           0         0           0      0
4 Safety                                0         0           2         0           0      2
5 Problem solving                       0         0           0         0           0      0
all areas                               1         0           2         0           0      3

Questions by difficulty
difficulty  questions
1 easy              1
2 medium            1
3 hard              1

Total: 3 questions in 1 bank
";
        assert_eq!(coverage_table(&[bank]), expected);
    }
}
