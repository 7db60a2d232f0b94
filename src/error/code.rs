//! Every error code the API answers, with its status. Clients branch on the code, so each
//! names one situation; `conflict` remains only for a race the client should simply retry.
//! `docs/api.md` lists the same codes (a test checks both ways).

use axum::http::StatusCode;
use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident = $code:literal => $status:literal,)*) => {
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
                    // Every literal is a valid status (the table's test answers each one).
                    $(ErrorCode::$variant => StatusCode::from_u16($status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),)*
                }
            }
        }
    };
}

error_codes! {
    BadRequest = "bad_request" => 400,
    MalformedJson = "malformed_json" => 400,
    Unauthenticated = "unauthenticated" => 401,
    InvalidCredentials = "invalid_credentials" => 401,
    OneTimePasswordExpired = "one_time_password_expired" => 401,
    TokenExpired = "token_expired" => 401,
    TokenInvalid = "token_invalid" => 401,
    Forbidden = "forbidden" => 403,
    CsrfFailed = "csrf_failed" => 403,
    PasswordChangeRequired = "password_change_required" => 403,
    RegistrationClosed = "registration_closed" => 403,
    NotAMember = "not_a_member" => 403,
    NotFound = "not_found" => 404,
    MethodNotAllowed = "method_not_allowed" => 405,
    UploadStalled = "upload_stalled" => 408,
    Conflict = "conflict" => 409,
    UsernameTaken = "username_taken" => 409,
    QuizNotOpen = "quiz_not_open" => 409,
    AttemptsExhausted = "attempts_exhausted" => 409,
    AttemptClosed = "attempt_closed" => 409,
    AttemptNotFinished = "attempt_not_finished" => 409,
    ContestNotOpen = "contest_not_open" => 409,
    ContestClosed = "contest_closed" => 409,
    EntriesExhausted = "entries_exhausted" => 409,
    AlreadySubmitted = "already_submitted" => 409,
    VotingClosed = "voting_closed" => 409,
    AlreadyPublished = "already_published" => 409,
    QuizLocked = "quiz_locked" => 409,
    StateChanged = "state_changed" => 409,
    SelfLockout = "self_lockout" => 409,
    OrgCodeTaken = "org_code_taken" => 409,
    BankExhausted = "bank_exhausted" => 409,
    MediaMissing = "media_missing" => 409,
    EntryNotSubmitted = "entry_not_submitted" => 409,
    RubricLocked = "rubric_locked" => 409,
    ResultsFrozen = "results_frozen" => 409,
    TooManyUploads = "too_many_uploads" => 409,
    UploadOffsetMismatch = "upload_offset_mismatch" => 409,
    TusVersionUnsupported = "tus_version_unsupported" => 412,
    PayloadTooLarge = "payload_too_large" => 413,
    UnsupportedMediaType = "unsupported_media_type" => 415,
    RangeNotSatisfiable = "range_not_satisfiable" => 416,
    ValidationFailed = "validation_failed" => 422,
    MediaTooLong = "media_too_long" => 422,
    MediaMalformed = "media_malformed" => 422,
    RateLimited = "rate_limited" => 429,
    // tus 1.0's own status for a part whose checksum does not match its bytes.
    ChecksumMismatch = "checksum_mismatch" => 460,
    Internal = "internal" => 500,
    Overloaded = "overloaded" => 503,
    Unavailable = "unavailable" => 503,
    InsufficientStorage = "insufficient_storage" => 507,
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
