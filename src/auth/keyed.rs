//! HMAC-SHA256 under the server's secret, with one domain per use, so a value signed for one
//! purpose (a device token) means nothing for another (a vote log's address group).

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub fn mac(secret: &[u8], domain: &str, data: &str) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(domain.as_bytes());
    mac.update(b"\0");
    mac.update(data.as_bytes());
    mac
}

/// A short stable pseudonym for `data`: equal inputs give equal groups, and without the
/// secret the group tells nothing about the input.
pub fn group(secret: &[u8], domain: &str, data: &str) -> String {
    hex::encode(&mac(secret, domain, data).finalize().into_bytes()[..6])
}
