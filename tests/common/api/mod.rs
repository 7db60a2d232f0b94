//! The API as the tests call it: one method on `TestApp` per endpoint, named for what it does,
//! each returning the server's `Response` untouched (status, headers, body) for the test to
//! assert on. Paths are built in `path`, once each. The first argument of a call that may carry
//! a token says who makes it (`Caller`).
//!
//! Tests that must send what no client would (a broken body, a wrong method, a path that is
//! not a route) use `TestApp::{get, post, post_raw, request, send}` directly, with a path from
//! `path` wherever the path itself is not what is being tested.

mod accounts;
mod banks;
mod boards;
mod contests;
mod events;
mod orgs;
pub mod path;
mod platform;
mod quizzes;
mod reports;

use super::{Response, Session, TestApp};

/// Who makes a call: a signed-in `Session` (its access token), a bare token (forged, expired,
/// garbage), or `Anonymous`.
pub trait Caller {
    fn token(&self) -> Option<&str>;
}

/// A call without a token.
pub struct Anonymous;

impl Caller for Anonymous {
    fn token(&self) -> Option<&str> {
        None
    }
}

impl Caller for Session {
    fn token(&self) -> Option<&str> {
        Some(&self.access)
    }
}

impl Caller for str {
    fn token(&self) -> Option<&str> {
        Some(self)
    }
}

impl Caller for String {
    fn token(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: Caller + ?Sized> Caller for &T {
    fn token(&self) -> Option<&str> {
        (**self).token()
    }
}
