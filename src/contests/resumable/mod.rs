//! Resumable uploads of entry recordings with tus 1.0, beside the one-shot
//! `PUT /entries/{id}/media`: a phone on a weak link that loses its connection resumes from
//! the last byte the server kept instead of starting over.
//!
//! Written here rather than taken from a crate: the tus servers for Rust are standalone
//! programs or tied to their own storage and auth, while ours must go through the
//! recordings' object store, the entry's owner check and the one-shot path's checks.

pub mod protocol;
pub mod routes;
pub mod store;
pub mod transfer;

pub use transfer::discard;
