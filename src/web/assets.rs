//! The web app's CSS and ES modules, embedded in the binary and served under content-hashed
//! names (`/assets/attempt.3f2a9c81d0.js`) as `immutable`, precompressed with brotli and gzip
//! once at start, with a strong ETag. A module's imports of its siblings (`"./outbox.js"`) are
//! rewritten to their hashed names, so a change anywhere changes every URL that depends on it.

use std::collections::HashMap;
use std::io::Write;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;
use sha2::{Digest, Sha256};

#[derive(Embed)]
#[folder = "assets/"]
struct Files;

pub struct Asset {
    /// The name with its hash, as pages link it.
    pub url: String,
    content_type: &'static str,
    etag: String,
    identity: Vec<u8>,
    gzip: Vec<u8>,
    brotli: Vec<u8>,
}

pub struct Assets {
    /// By plain name (`app.css`).
    by_name: HashMap<String, Asset>,
    /// Hashed name → plain name.
    by_url: HashMap<String, String>,
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn hashed_name(name: &str, digest: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}.{ext}", &digest[..10]),
        None => format!("{name}.{}", &digest[..10]),
    }
}

fn compress(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip = gzip
        .write_all(bytes)
        .and_then(|()| gzip.finish())
        .unwrap_or_default();
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params);
    (gzip, brotli)
}

impl Assets {
    fn load() -> Self {
        let mut pending: HashMap<String, Vec<u8>> = Files::iter()
            .filter_map(|name| Some((name.to_string(), Files::get(&name)?.data.into_owned())))
            .collect();
        let mut by_name: HashMap<String, Asset> = HashMap::new();
        // Hash leaves first: a module is ready once every sibling it names has its URL.
        while !pending.is_empty() {
            let ready: Vec<String> = pending
                .iter()
                .filter(|(name, bytes)| {
                    !pending.keys().any(|other| {
                        other != *name && name.ends_with(".js") && mentions(bytes, other)
                    })
                })
                .map(|(name, _)| name.clone())
                .collect();
            // A cycle of imports cannot be hashed this way; take them as they are.
            let ready = if ready.is_empty() {
                pending.keys().cloned().collect()
            } else {
                ready
            };
            for name in ready {
                let Some(mut bytes) = pending.remove(&name) else {
                    continue;
                };
                if name.ends_with(".js") {
                    let mut text = String::from_utf8_lossy(&bytes).into_owned();
                    for (other, asset) in &by_name {
                        text = text
                            .replace(&format!("\"./{other}\""), &format!("\"./{}\"", asset.url));
                    }
                    bytes = text.into_bytes();
                }
                let digest = hex::encode(Sha256::digest(&bytes));
                let (gzip, brotli) = compress(&bytes);
                by_name.insert(
                    name.clone(),
                    Asset {
                        url: hashed_name(&name, &digest),
                        content_type: content_type(&name),
                        etag: format!("\"{digest}\""),
                        identity: bytes,
                        gzip,
                        brotli,
                    },
                );
            }
        }
        let by_url = by_name
            .iter()
            .map(|(name, asset)| (asset.url.clone(), name.clone()))
            .collect();
        Assets { by_name, by_url }
    }

    pub fn get() -> &'static Assets {
        static ASSETS: OnceLock<Assets> = OnceLock::new();
        ASSETS.get_or_init(Assets::load)
    }

    /// The URL a page links for `name` (`/assets/app.1a2b3c4d5e.css`).
    pub fn url(&self, name: &str) -> String {
        match self.by_name.get(name) {
            Some(asset) => format!("/assets/{}", asset.url),
            None => format!("/assets/missing/{name}"),
        }
    }

    fn by_url(&self, url: &str) -> Option<&Asset> {
        self.by_name.get(self.by_url.get(url)?)
    }
}

fn mentions(bytes: &[u8], other: &str) -> bool {
    let needle = format!("\"./{other}\"");
    bytes
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[derive(Clone, Copy, PartialEq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// The best coding the client accepts (`q=0` refuses one).
fn negotiate(headers: &HeaderMap) -> Coding {
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let allows = |coding: &str| {
        accepted.split(',').any(|item| {
            let mut parts = item.split(';');
            parts.next().is_some_and(|name| name.trim() == coding)
                && !parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"))
        })
    };
    if allows("br") {
        Coding::Brotli
    } else if allows("gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// `GET /assets/{file}`: only hashed names exist, so a cached copy never goes stale.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = Assets::get().by_url(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response_headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(etag) = HeaderValue::from_str(&asset.etag) {
        response_headers.insert(header::ETAG, etag);
    }
    let matches_etag = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == asset.etag || tag.trim() == "*")
        });
    if matches_etag {
        return (StatusCode::NOT_MODIFIED, response_headers).into_response();
    }
    let coding = negotiate(&headers);
    let body: &'static [u8] = match coding {
        Coding::Brotli if !asset.brotli.is_empty() => {
            response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            &asset.brotli[..]
        }
        Coding::Gzip | Coding::Brotli if !asset.gzip.is_empty() => {
            response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            &asset.gzip[..]
        }
        _ => &asset.identity[..],
    };
    (StatusCode::OK, response_headers, body).into_response()
}
