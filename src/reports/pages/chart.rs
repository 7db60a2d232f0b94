//! Bar charts drawn by the server as inline SVG (no charting library, nothing from a CDN):
//! one horizontal bar per row, its value written beside it, a title for screen readers. The
//! table beside each chart carries the same figures for anyone who cannot see it.

/// The drawing's width in SVG units; labels take the left part.
const WIDTH: f64 = 640.0;
const LABEL: f64 = 220.0;
const BAR_SPACE: f64 = WIDTH - LABEL - 70.0;
const ROW: f64 = 28.0;

pub struct Bar {
    pub label: String,
    pub value: String,
    /// The bar's length in SVG units.
    pub length: String,
    pub y: String,
    pub text_y: String,
    pub value_x: String,
    /// Drawn in the warning pattern (a question that discriminates poorly).
    pub flagged: bool,
}

pub struct BarChart {
    pub id: String,
    pub title: String,
    pub height: String,
    pub bars: Vec<Bar>,
}

fn units(value: f64) -> String {
    format!("{value:.1}")
}

impl BarChart {
    /// Bars for `(label, share 0–1, value text, flagged)`.
    pub fn of(id: &str, title: String, rows: Vec<(String, f64, String, bool)>) -> Self {
        let bars = rows
            .into_iter()
            .enumerate()
            .map(|(index, (label, share, value, flagged))| {
                let top = index as f64 * ROW + 4.0;
                let length = BAR_SPACE * share.clamp(0.0, 1.0);
                Bar {
                    label,
                    value,
                    length: units(length),
                    y: units(top),
                    text_y: units(top + 15.0),
                    value_x: units(LABEL + length + 6.0),
                    flagged,
                }
            })
            .collect::<Vec<_>>();
        BarChart {
            id: id.to_owned(),
            title,
            height: units(bars.len() as f64 * ROW + 8.0),
            bars,
        }
    }

    pub fn width(&self) -> String {
        units(WIDTH)
    }

    pub fn bar_x(&self) -> String {
        units(LABEL)
    }
}
