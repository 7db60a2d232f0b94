//! Organizers' reports.

use super::{Caller, Response, TestApp, path};

impl TestApp {
    /// A quiz report: `report` is `results`, `questions` or `competences`; `query` is `""` or
    /// `?format=csv`.
    pub async fn quiz_report(
        &self,
        who: impl Caller,
        quiz: &str,
        report: &str,
        query: &str,
    ) -> Response {
        self.get(
            &format!("{}{query}", path::quiz_report(quiz, report)),
            who.token(),
        )
        .await
    }

    /// An event report: `report` is `participation` or `workbook`; `query` is `""` or
    /// `?group_by=..&format=..`.
    pub async fn event_report(
        &self,
        who: impl Caller,
        event: &str,
        report: &str,
        query: &str,
    ) -> Response {
        self.get(
            &format!("{}{query}", path::event_report(event, report)),
            who.token(),
        )
        .await
    }
}
