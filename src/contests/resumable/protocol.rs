//! The headers of tus 1.0 (https://tus.io/protocols/resumable-upload), read into types: the
//! handlers never parse a header themselves. Core, creation, expiration, checksum (sha1,
//! sha256) and termination; no deferred length, no concatenation.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::{AppError, AppResult, ErrorCode};

pub const VERSION: &str = "1.0.0";
pub const EXTENSIONS: &str = "creation,expiration,checksum,termination";
pub const CHECKSUM_ALGORITHMS: &str = "sha1,sha256";
/// The only body type a PATCH may carry.
pub const PART_TYPE: &str = "application/offset+octet-stream";

pub const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
pub const TUS_VERSION: HeaderName = HeaderName::from_static("tus-version");
pub const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
pub const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
pub const TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
pub const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
pub const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
/// The recording an upload became, on the response to its last PATCH.
pub const CIVIQUIZ_MEDIA: HeaderName = HeaderName::from_static("civiquiz-media");

const UPLOAD_METADATA: &str = "upload-metadata";
const UPLOAD_CHECKSUM: &str = "upload-checksum";
const UPLOAD_DEFER_LENGTH: &str = "upload-defer-length";

/// 412 unless the client speaks our version (every request but OPTIONS names it).
pub fn require_version(headers: &HeaderMap) -> AppResult<()> {
    match headers.get(&TUS_RESUMABLE).map(HeaderValue::as_bytes) {
        Some(version) if version == VERSION.as_bytes() => Ok(()),
        Some(_) => Err(AppError::api(
            ErrorCode::TusVersionUnsupported,
            format!("this server speaks tus {VERSION}"),
        )),
        None => Err(AppError::bad_request(format!(
            "send Tus-Resumable: {VERSION}"
        ))),
    }
}

/// A header holding a non-negative integer (tus forbids signs and spaces inside).
fn whole_number(headers: &HeaderMap, name: &str) -> AppResult<Option<u64>> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("");
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::bad_request(format!(
            "{name} must be a whole number of bytes"
        )));
    }
    text.parse()
        .map(Some)
        .map_err(|_| AppError::bad_request(format!("{name} is too large")))
}

/// `Upload-Length` of a creation request; a deferred length is not offered.
pub fn upload_length(headers: &HeaderMap) -> AppResult<u64> {
    if headers.contains_key(UPLOAD_DEFER_LENGTH) {
        return Err(AppError::bad_request(
            "Upload-Defer-Length is not supported: send Upload-Length",
        ));
    }
    whole_number(headers, UPLOAD_LENGTH.as_str())?
        .ok_or_else(|| AppError::bad_request("send Upload-Length"))
}

/// `Upload-Offset` of a PATCH.
pub fn upload_offset(headers: &HeaderMap) -> AppResult<u64> {
    whole_number(headers, UPLOAD_OFFSET.as_str())?
        .ok_or_else(|| AppError::bad_request("send Upload-Offset"))
}

/// 415 unless the PATCH body is declared as a part of an upload.
pub fn require_part_type(headers: &HeaderMap) -> AppResult<()> {
    let declared = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    if declared.is_some_and(|value| value.eq_ignore_ascii_case(PART_TYPE)) {
        Ok(())
    } else {
        Err(AppError::unsupported_media_type(format!(
            "a PATCH carries Content-Type: {PART_TYPE}"
        )))
    }
}

/// The file name in `Upload-Metadata` (`key base64,key base64`), the only key we keep;
/// malformed metadata is refused, unknown keys are ignored.
pub fn file_name(headers: &HeaderMap) -> AppResult<Option<String>> {
    let Some(value) = headers.get(UPLOAD_METADATA) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| AppError::bad_request("Upload-Metadata must be ASCII"))?;
    let mut name = None;
    for pair in text
        .split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
    {
        let mut words = pair.split(' ');
        let key = words.next().unwrap_or("");
        let encoded = words.next().unwrap_or("");
        if key.is_empty() || words.next().is_some() {
            return Err(AppError::bad_request(
                "Upload-Metadata is a list of `key base64-value`",
            ));
        }
        let decoded = STANDARD
            .decode(encoded)
            .map_err(|_| AppError::bad_request(format!("Upload-Metadata {key}: not base64")))?;
        if matches!(key, "filename" | "name") {
            name =
                Some(String::from_utf8(decoded).map_err(|_| {
                    AppError::bad_request("Upload-Metadata filename: not UTF-8 text")
                })?);
        }
    }
    Ok(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
}

/// The digest a client announces for the bytes of one PATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub algorithm: Algorithm,
    pub digest: Vec<u8>,
}

/// `Upload-Checksum: <algorithm> <base64 digest>`; an algorithm we do not offer is 400, as
/// the protocol says.
pub fn checksum(headers: &HeaderMap) -> AppResult<Option<Checksum>> {
    let Some(value) = headers.get(UPLOAD_CHECKSUM) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("");
    let (name, encoded) = text
        .trim()
        .split_once(' ')
        .ok_or_else(|| AppError::bad_request("Upload-Checksum is `algorithm base64-digest`"))?;
    let algorithm = match name {
        "sha1" => Algorithm::Sha1,
        "sha256" => Algorithm::Sha256,
        _ => {
            return Err(AppError::bad_request(format!(
                "checksum algorithm {name:?} is not supported: use one of {CHECKSUM_ALGORITHMS}"
            )));
        }
    };
    let digest = STANDARD
        .decode(encoded.trim())
        .map_err(|_| AppError::bad_request("Upload-Checksum: the digest is not base64"))?;
    Ok(Some(Checksum { algorithm, digest }))
}

/// Hashes a part as it streams, with the algorithm its checksum names.
pub enum PartHasher {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl PartHasher {
    pub fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha1 => Self::Sha1(sha1::Digest::new()),
            Algorithm::Sha256 => Self::Sha256(sha2::Digest::new()),
        }
    }
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha1(hasher) => sha1::Digest::update(hasher, bytes),
            Self::Sha256(hasher) => sha2::Digest::update(hasher, bytes),
        }
    }
    pub fn matches(self, expected: &[u8]) -> bool {
        match self {
            Self::Sha1(hasher) => sha1::Digest::finalize(hasher)[..] == *expected,
            Self::Sha256(hasher) => sha2::Digest::finalize(hasher)[..] == *expected,
        }
    }
}

/// An instant (ms since the epoch) as an HTTP date, for `Upload-Expires`.
pub fn http_date(ms: i64) -> HeaderValue {
    let at = UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    HeaderValue::from_str(&httpdate::fmt_http_date(at.max(SystemTime::UNIX_EPOCH)))
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}

/// A number as a header value.
pub fn number(value: u64) -> HeaderValue {
    HeaderValue::from(value)
}

/// JSON in a header: anything outside ASCII as `\u` escapes, so the value stays a valid
/// header whatever the file name was.
pub fn ascii_json(value: &serde_json::Value) -> HeaderValue {
    let mut out = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static("{}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn lengths_and_offsets_are_bare_digits() {
        assert_eq!(
            upload_length(&headers(&[("upload-length", "1024")])).ok(),
            Some(1024)
        );
        for bad in ["-1", "+5", "1 024", "", "0x10", "99999999999999999999999"] {
            assert!(
                upload_offset(&headers(&[("upload-offset", bad)])).is_err(),
                "{bad}"
            );
        }
        assert!(upload_length(&headers(&[("upload-defer-length", "1")])).is_err());
        assert!(upload_length(&HeaderMap::new()).is_err());
    }

    #[test]
    fn metadata_gives_the_file_name_in_any_script() {
        let encoded = STANDARD.encode("Bài dự thi.m4a");
        let map = headers(&[(
            "upload-metadata",
            &format!("filetype YXVkaW8=,filename {encoded},flag"),
        )]);
        assert_eq!(
            file_name(&map).ok().flatten().as_deref(),
            Some("Bài dự thi.m4a")
        );
        assert!(file_name(&headers(&[("upload-metadata", "filename !!")])).is_err());
    }

    #[test]
    fn checksums_name_an_offered_algorithm() {
        let digest = STANDARD.encode([1u8; 32]);
        let parsed = checksum(&headers(&[(
            "upload-checksum",
            &format!("sha256 {digest}"),
        )]));
        assert_eq!(
            parsed.ok().flatten().map(|c| c.algorithm),
            Some(Algorithm::Sha256)
        );
        assert!(checksum(&headers(&[("upload-checksum", "md5 AAAA")])).is_err());
        let mut hasher = PartHasher::new(Algorithm::Sha1);
        hasher.update(b"abc");
        assert!(
            hasher.matches(&hex::decode("a9993e364706816aba3e25717850c26c9cd0d89d").expect("hex"))
        );
    }

    #[test]
    fn header_json_is_ascii() {
        let value = ascii_json(&serde_json::json!({"name": "Việt 🎤"}));
        assert_eq!(
            value.to_str().expect("ascii"),
            r#"{"name":"Vi\u1ec7t \ud83c\udfa4"}"#
        );
    }

    #[test]
    fn versions_other_than_ours_are_refused() {
        assert!(require_version(&headers(&[("tus-resumable", "1.0.0")])).is_ok());
        let err = require_version(&headers(&[("tus-resumable", "0.2.2")]))
            .expect_err("0.2.2 is not ours");
        assert!(matches!(
            err,
            AppError::Api {
                code: ErrorCode::TusVersionUnsupported,
                ..
            }
        ));
    }
}
