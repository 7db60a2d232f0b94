//! The projector: public, display-only boards for a school hall's big screen, per quiz, per
//! contest and per event, live over the boards' streams (the event board, which has none, is
//! polled). Each page shows what the public sees, whoever is signed in on the computer that
//! drives the projector, and reads the same functions as `/api/v1`.

mod contest;
mod event;
mod quiz;

use axum::Router;
use axum::http::{HeaderMap, header};
use axum::routing::get;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use crate::app::AppState;
use crate::boards::state::Visibility;
use crate::clock::Timestamp;
use crate::web::Visitor;
use crate::web::page::Chrome;

/// What every projector shows of its board's state: the badge and, while frozen, the banner.
pub(super) struct Headline {
    pub state: &'static str,
    pub label: String,
    pub hidden: bool,
    pub frozen_banner: Option<String>,
}

impl Headline {
    pub fn of(c: &Chrome, state: Visibility, frozen_at: Option<Timestamp>) -> Self {
        Headline {
            state: state.as_str(),
            label: c.t(&format!("board-state-{}", state.as_str())),
            hidden: state == Visibility::Hidden,
            frozen_banner: frozen_at.filter(|_| state == Visibility::Frozen).map(|at| {
                c.t1(
                    "projector-frozen-at",
                    "time",
                    crate::web::time::hour_minute(at.0),
                )
            }),
        }
    }
}

/// Lines shown unless `?top=` asks for another number.
pub const DEFAULT_TOP: u64 = 10;
/// The most lines that can be read from the back of a hall.
pub const MAX_TOP: u64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projector/quizzes/{id}", get(quiz::page))
        .route("/projector/contests/{id}", get(contest::page))
        .route("/projector/events/{id}", get(event::page))
}

#[derive(Deserialize)]
pub(crate) struct TopQuery {
    top: Option<String>,
}

impl TopQuery {
    /// `?top=` within 1–20; anything else is the default (a projector never shows an error
    /// for a typo in its address).
    pub(crate) fn top(&self) -> u64 {
        self.top
            .as_deref()
            .and_then(|text| text.parse::<u64>().ok())
            .filter(|n| (1..=MAX_TOP).contains(n))
            .unwrap_or(DEFAULT_TOP)
    }
}

/// `host[:port]` as a browser sends it: letters, digits, dots, dashes, a port or an IPv6
/// literal; anything else is refused rather than printed into a QR code.
fn plausible_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

/// The absolute URL of `path` for phones in the hall: on `PUBLIC_URL` when it is set, else on
/// the origin this request reached (the `Host` the hall's computer used, which phones on the
/// same network can reach unless it is localhost).
pub(crate) fn join_url(
    public_url: Option<&str>,
    visitor: &Visitor,
    headers: &HeaderMap,
    path: &str,
) -> String {
    if let Some(origin) = public_url {
        return format!("{origin}{path}");
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| plausible_host(host));
    match host {
        Some(host) => {
            let scheme = if visitor.secure { "https" } else { "http" };
            format!("{scheme}://{host}{path}")
        }
        None => path.to_owned(),
    }
}

/// `url` as a QR code, an inline SVG (dark modules on white, a quiet zone around them).
pub fn qr_svg(url: &str) -> String {
    match QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(320, 320)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
        Err(error) => {
            tracing::warn!(%error, "projector: the join link does not fit a QR code");
            String::new()
        }
    }
}

/// An inline SVG as the page embeds it: without the XML prolog (not allowed inside HTML).
pub fn inline_svg(svg: &str) -> String {
    match svg.find("<svg") {
        Some(at) => svg[at..].to_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_link_makes_the_same_code_and_another_link_another() {
        let one = qr_svg("http://hall.example:8080/quizzes/q1");
        assert!(one.contains("<svg"), "{one}");
        assert_eq!(one, qr_svg("http://hall.example:8080/quizzes/q1"));
        assert_ne!(one, qr_svg("http://hall.example:8080/quizzes/q2"));
        assert!(inline_svg(&one).starts_with("<svg"));
    }

    #[test]
    fn top_is_bounded() {
        let top = |text: Option<&str>| {
            TopQuery {
                top: text.map(str::to_owned),
            }
            .top()
        };
        assert_eq!(top(None), 10);
        assert_eq!(top(Some("20")), 20);
        assert_eq!(top(Some("3")), 3);
        assert_eq!(top(Some("21")), 10);
        assert_eq!(top(Some("0")), 10);
        assert_eq!(top(Some("x")), 10);
    }

    #[test]
    fn only_plain_hosts_go_into_the_code() {
        assert!(plausible_host("localhost:8080"));
        assert!(plausible_host("[::1]:8080"));
        assert!(!plausible_host("evil.example/phish"));
        assert!(!plausible_host("a b"));
        assert!(!plausible_host(""));
    }
}
