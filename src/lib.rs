//! civiquiz: timed quizzes, live leaderboards and recorded contests on digital citizenship.
//! `app::router` builds the HTTP API; `cli::run` is what the binary calls.

pub mod app;
pub mod auth;
pub mod backup;
pub mod banks;
pub mod boards;
pub mod bus;
pub mod cli;
pub mod clock;
pub mod config;
pub mod contests;
pub mod db;
pub mod error;
pub mod health;
pub mod http;
pub mod kv;
pub mod metrics;
pub mod orgs;
pub mod quizzes;
pub mod reports;
pub mod web;
