//! Every error code the API answers, with its status. Clients branch on the code, so each
//! names one situation; `conflict` remains only for a race the client should simply retry.
//! `docs/api.md` lists the same codes (a test checks both ways).

use axum::http::StatusCode;
use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident = $code:literal => $status:ident,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)*
                }
            }
        }
    };
}

error_codes! {
    BadRequest = "bad_request" => BAD_REQUEST,
    MalformedJson = "malformed_json" => BAD_REQUEST,
    Unauthenticated = "unauthenticated" => UNAUTHORIZED,
    InvalidCredentials = "invalid_credentials" => UNAUTHORIZED,
    OneTimePasswordExpired = "one_time_password_expired" => UNAUTHORIZED,
    TokenExpired = "token_expired" => UNAUTHORIZED,
    TokenInvalid = "token_invalid" => UNAUTHORIZED,
    Forbidden = "forbidden" => FORBIDDEN,
    CsrfFailed = "csrf_failed" => FORBIDDEN,
    PasswordChangeRequired = "password_change_required" => FORBIDDEN,
    RegistrationClosed = "registration_closed" => FORBIDDEN,
    NotAMember = "not_a_member" => FORBIDDEN,
    NotFound = "not_found" => NOT_FOUND,
    MethodNotAllowed = "method_not_allowed" => METHOD_NOT_ALLOWED,
    UploadStalled = "upload_stalled" => REQUEST_TIMEOUT,
    Conflict = "conflict" => CONFLICT,
    UsernameTaken = "username_taken" => CONFLICT,
    QuizNotOpen = "quiz_not_open" => CONFLICT,
    AttemptsExhausted = "attempts_exhausted" => CONFLICT,
    AttemptClosed = "attempt_closed" => CONFLICT,
    AttemptNotFinished = "attempt_not_finished" => CONFLICT,
    ContestNotOpen = "contest_not_open" => CONFLICT,
    ContestClosed = "contest_closed" => CONFLICT,
    EntriesExhausted = "entries_exhausted" => CONFLICT,
    AlreadySubmitted = "already_submitted" => CONFLICT,
    VotingClosed = "voting_closed" => CONFLICT,
    AlreadyPublished = "already_published" => CONFLICT,
    QuizLocked = "quiz_locked" => CONFLICT,
    StateChanged = "state_changed" => CONFLICT,
    SelfLockout = "self_lockout" => CONFLICT,
    OrgCodeTaken = "org_code_taken" => CONFLICT,
    BankExhausted = "bank_exhausted" => CONFLICT,
    MediaMissing = "media_missing" => CONFLICT,
    EntryNotSubmitted = "entry_not_submitted" => CONFLICT,
    RubricLocked = "rubric_locked" => CONFLICT,
    ResultsFrozen = "results_frozen" => CONFLICT,
    TooManyUploads = "too_many_uploads" => CONFLICT,
    PayloadTooLarge = "payload_too_large" => PAYLOAD_TOO_LARGE,
    UnsupportedMediaType = "unsupported_media_type" => UNSUPPORTED_MEDIA_TYPE,
    RangeNotSatisfiable = "range_not_satisfiable" => RANGE_NOT_SATISFIABLE,
    ValidationFailed = "validation_failed" => UNPROCESSABLE_ENTITY,
    MediaTooLong = "media_too_long" => UNPROCESSABLE_ENTITY,
    MediaMalformed = "media_malformed" => UNPROCESSABLE_ENTITY,
    RateLimited = "rate_limited" => TOO_MANY_REQUESTS,
    Internal = "internal" => INTERNAL_SERVER_ERROR,
    Overloaded = "overloaded" => SERVICE_UNAVAILABLE,
    Unavailable = "unavailable" => SERVICE_UNAVAILABLE,
    InsufficientStorage = "insufficient_storage" => INSUFFICIENT_STORAGE,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// `docs/api.md`'s table of error codes: code → status.
    fn documented() -> BTreeMap<String, u16> {
        let doc = include_str!("../../docs/api.md");
        let section = doc
            .split("\n## Error codes")
            .nth(1)
            .expect("docs/api.md has a section `## Error codes`");
        let section = section.split("\n## ").next().unwrap_or(section);
        section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                let status = cells.get(2)?.parse().ok()?;
                Some((code.to_owned(), status))
            })
            .collect()
    }

    #[test]
    fn every_code_is_documented_with_its_status_and_nothing_else_is() {
        let documented = documented();
        let answered: BTreeMap<String, u16> = ErrorCode::ALL
            .iter()
            .map(|code| (code.as_str().to_owned(), code.status().as_u16()))
            .collect();
        assert_eq!(answered, documented, "ErrorCode and docs/api.md disagree");
    }

    #[test]
    fn codes_serialize_as_their_text() {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).expect("serialize"),
                serde_json::Value::String(code.as_str().to_owned())
            );
        }
    }
}
