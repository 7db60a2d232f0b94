//! `GET /entries/{id}/media/{media_id}`: the recording streamed from storage, seekable with
//! `Range` (206/416), cacheable by its SHA-256 `ETag`, served with the type its bytes proved,
//! `nosniff`, and a `Content-Disposition` built from the sanitised display name only.

use std::ops::Range;

use crate::http::AppPath;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore};

use super::access::{self, MaybeUser, Viewer};
use super::entry_store as store;
use crate::app::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};

/// What a `Range` header asks of a representation of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No (usable) range: the whole representation.
    Full,
    /// One satisfiable range, end exclusive.
    Partial(Range<u64>),
    /// A well-formed range that no byte satisfies: 416.
    Unsatisfiable,
}

/// Parses `bytes=a-b`, `bytes=a-` and `bytes=-n`. Of several ranges only the first is served;
/// a header we cannot parse is ignored, as RFC 9110 allows.
pub fn parse_range(value: &str, len: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Full;
    };
    let Some(first) = spec.split(',').next().map(str::trim) else {
        return RangeRequest::Full;
    };
    let Some((start, end)) = first.split_once('-') else {
        return RangeRequest::Full;
    };
    let (start, end) = (start.trim(), end.trim());
    let number = |text: &str| -> Option<u64> {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    if start.is_empty() {
        let Some(suffix) = number(end) else {
            return RangeRequest::Full;
        };
        if suffix == 0 || len == 0 {
            return RangeRequest::Unsatisfiable;
        }
        return RangeRequest::Partial(len.saturating_sub(suffix)..len);
    }
    let Some(start) = number(start) else {
        return RangeRequest::Full;
    };
    let end = if end.is_empty() {
        None
    } else {
        match number(end) {
            Some(end) if end >= start => Some(end),
            _ => return RangeRequest::Full,
        }
    };
    if start >= len {
        return RangeRequest::Unsatisfiable;
    }
    let end_exclusive = end.map_or(len, |end| end.saturating_add(1).min(len));
    RangeRequest::Partial(start..end_exclusive)
}

fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.trim() == "*"
        || header_value
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == etag)
}

/// `inline` with an ASCII fallback and the UTF-8 name (RFC 6266 / 8187); the name is the
/// server's (`MediaRow::download_name`), never the uploader's.
fn content_disposition(display_name: &str) -> HeaderValue {
    let ascii: String = display_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in display_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("inline"))
}

/// A recording's bytes, for the OpenAPI document.
pub struct Recording;

impl utoipa::PartialSchema for Recording {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Recording {}

/// Plays an entry's current recording. Range requests are answered with 206 (the first range
/// when several are asked) or 416; a matching `If-None-Match` with 304.
#[utoipa::path(get, path = "/entries/{id}/media/{media_id}", tag = "entries", security((), ("bearer" = [])),
    params(("id" = String, Path), ("media_id" = String, Path),
           ("Range" = Option<String>, Header, description = "bytes=a-b, bytes=a- or bytes=-n")),
    responses((status = 200, description = "the whole recording, with the type decided when it was uploaded",
               content((crate::contests::playback::Recording = "audio/mpeg"), (crate::contests::playback::Recording = "audio/mp4"), (crate::contests::playback::Recording = "audio/ogg"), (crate::contests::playback::Recording = "audio/wav"), (crate::contests::playback::Recording = "audio/webm"), (crate::contests::playback::Recording = "audio/x-matroska"), (crate::contests::playback::Recording = "video/mp4"), (crate::contests::playback::Recording = "video/ogg"), (crate::contests::playback::Recording = "video/quicktime"), (crate::contests::playback::Recording = "video/webm"), (crate::contests::playback::Recording = "video/x-matroska"))),
              (status = 206, description = "the requested range", content((crate::contests::playback::Recording = "audio/mpeg"), (crate::contests::playback::Recording = "audio/mp4"), (crate::contests::playback::Recording = "audio/ogg"), (crate::contests::playback::Recording = "audio/wav"), (crate::contests::playback::Recording = "audio/webm"), (crate::contests::playback::Recording = "audio/x-matroska"), (crate::contests::playback::Recording = "video/mp4"), (crate::contests::playback::Recording = "video/ogg"), (crate::contests::playback::Recording = "video/quicktime"), (crate::contests::playback::Recording = "video/webm"), (crate::contests::playback::Recording = "video/x-matroska"))),
              (status = 304, description = "not modified"),
              (status = 416, body = ErrorBody, description = "no byte of the range exists"),
              (status = 404, body = ErrorBody)))]
pub async fn play_media(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    AppPath((entry_id, media_id)): AppPath<(String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (entry, viewer) = access::visible_entry(&state, caller.as_ref(), &entry_id).await?;
    if entry.media_id.as_deref() != Some(media_id.as_str()) {
        return Err(AppError::not_found());
    }
    let media = store::find_media(&state.db.pool, &media_id)
        .await?
        .filter(|media| media.entry_id == entry.id)
        .ok_or_else(AppError::not_found)?;
    let len = u64::try_from(media.bytes).unwrap_or(0);
    let etag = format!("\"{}\"", media.sha256);

    let mut common = HeaderMap::new();
    let put = |map: &mut HeaderMap, name, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name, value);
        }
    };
    put(&mut common, header::ETAG, &etag);
    put(&mut common, header::ACCEPT_RANGES, "bytes");
    put(&mut common, header::CONTENT_TYPE, &media.content_type);
    put(&mut common, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    put(
        &mut common,
        header::CACHE_CONTROL,
        if viewer == Viewer::Public {
            "public, max-age=300"
        } else {
            "private, no-store"
        },
    );
    common.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(&media.download_name()),
    );

    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && etag_matches(tags, &etag)
    {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    // A range applies only if the client's copy is still this one.
    let range_applies = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|tag| tag.trim() == etag);
    let request = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(value) if range_applies => parse_range(value, len),
        _ => RangeRequest::Full,
    };
    let range = match request {
        RangeRequest::Unsatisfiable => {
            let mut error = AppError::api(
                ErrorCode::RangeNotSatisfiable,
                format!("the recording has {len} bytes"),
            )
            .into_response();
            put(
                error.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes */{len}"),
            );
            return Ok(error);
        }
        RangeRequest::Full => None,
        RangeRequest::Partial(range) => Some(range),
    };
    let options = GetOptions {
        range: range.clone().map(GetRange::Bounded),
        ..GetOptions::default()
    };
    let location = ObjectPath::from(media.object_key.as_str());
    let result = state
        .recordings
        .store
        .store
        .get_opts(&location, options)
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::from(e).context("reading a recording")))?;
    let stream = result
        .into_stream()
        .map(|chunk| chunk.map_err(std::io::Error::other));
    let body = Body::from_stream(stream);
    let mut response = Response::new(body);
    *response.headers_mut() = common;
    match range {
        Some(range) => {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            put(
                response.headers_mut(),
                header::CONTENT_RANGE,
                &format!(
                    "bytes {}-{}/{len}",
                    range.start,
                    range.end.saturating_sub(1)
                ),
            );
            put(
                response.headers_mut(),
                header::CONTENT_LENGTH,
                &(range.end - range.start).to_string(),
            );
        }
        None => {
            put(
                response.headers_mut(),
                header::CONTENT_LENGTH,
                &len.to_string(),
            );
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeRequest::*;
        assert_eq!(parse_range("bytes=0-0", 100), Partial(0..1));
        assert_eq!(parse_range("bytes=10-", 100), Partial(10..100));
        assert_eq!(parse_range("bytes=-10", 100), Partial(90..100));
        assert_eq!(parse_range("bytes=-1000", 100), Partial(0..100));
        assert_eq!(parse_range("bytes=90-1000", 100), Partial(90..100));
        assert_eq!(parse_range("bytes=100-", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 100), Full);
        assert_eq!(parse_range("items=0-1", 100), Full);
        assert_eq!(parse_range("bytes=x-1", 100), Full);
        assert_eq!(parse_range("bytes=0-1, 5-9", 100), Partial(0..2));
        assert_eq!(
            parse_range("bytes=18446744073709551615-", 100),
            Unsatisfiable
        );
        assert_eq!(parse_range("bytes=99999999999999999999999-", 100), Full);
    }

    #[test]
    fn dispositions_quote_nothing_dangerous() {
        let value = content_disposition("Bài thi \"x\".webm");
        let text = value.to_str().expect("ascii header");
        assert!(
            text.starts_with("inline; filename=\"B_i thi _x_.webm\""),
            "{text}"
        );
        assert!(
            text.contains("filename*=UTF-8''B%C3%A0i%20thi%20%22x%22.webm"),
            "{text}"
        );
    }
}
