//! Tests over the fixture files in `fixtures/banks/` and `fixtures/gift/`.

mod bank_fixtures;
mod gift_fixtures;
mod properties;
