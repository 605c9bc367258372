//! Bar charts drawn on the server as SVG: no script, nothing fetched, and the numbers are
//! the page's own (each bar carries its value as a tooltip).

use maud::{html, Markup};

/// One bar: its label under the axis (shown for every `label_every`-th bar), its value in
/// the unit the chart compares (hundredths for money), and the tooltip text.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub title: String,
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 220;
const LEFT: i64 = 8;
const BOTTOM: i64 = 24;
const TOP: i64 = 8;

/// A bar chart of `bars`, scaled to the largest value; `caption` names it for screen readers.
pub fn bars(caption: &str, bars: &[Bar], label_every: usize) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let n = i64::try_from(bars.len()).unwrap_or(1).max(1);
    let slot = (WIDTH - 2 * LEFT) / n;
    let bar_width = (slot * 3 / 4).max(1);
    let plot = HEIGHT - BOTTOM - TOP;
    let every = label_every.max(1);
    html! {
        svg.chart viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(caption) xmlns="http://www.w3.org/2000/svg" {
            title { (caption) }
            line x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH - LEFT) y2=(HEIGHT - BOTTOM) {}
            @for (i, bar) in bars.iter().enumerate() {
                @let x = LEFT + i64::try_from(i).unwrap_or(0) * slot;
                @let h = if bar.value > 0 { (bar.value * plot / max).max(1) } else { 0 };
                rect.bar x=(x) y=(HEIGHT - BOTTOM - h) width=(bar_width) height=(h) {
                    title { (bar.title) }
                }
                @if i % every == 0 {
                    text x=(x) y=(HEIGHT - 8) { (bar.label) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_their_labels() {
        let data = [
            Bar {
                label: "<b>".into(),
                value: 50,
                title: "a".into(),
            },
            Bar {
                label: "2".into(),
                value: 100,
                title: "b".into(),
            },
        ];
        let svg = bars("revenue", &data, 1).into_string();
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        // the plot is 188 high: the larger bar fills it, the smaller half of it
        assert!(svg.contains(r#"height="188""#));
        assert!(svg.contains(r#"height="94""#));
    }
}
