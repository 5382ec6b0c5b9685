//! A time series drawn as a small hand-written SVG chart (R-OBS-2): no
//! JavaScript chart library and no inline styles, so nothing asks the strict
//! CSP for an exception. Colours come from CSS classes over the app's
//! variables, so dark mode follows the theme. A screen reader gets the
//! series in words (`role="img"` with a summary) and every point in a table
//! behind "Show data".
//!
//! The geometry (scales, ticks, labels, summaries) is plain functions, tested
//! natively; the component only lays their results out.

use console_shared::time::utc_datetime;
use leptos::prelude::*;

use super::{local_time, offset_at, zoned};
use crate::i18n::{Msg, chart_alt, lang, t};

stylance::import_crate_style!(style, "src/components/chart.module.css");

/// How a series is drawn: counts per period as bars, rates and levels as a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Line,
    Bars,
}

/// A horizontal reference line with its label (a scaling threshold).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub value: f64,
    pub label: String,
}

/// One value per period from `start` to `end` (Unix seconds); each point
/// is the start of its period, as `DescribeCurveData`'s `Time` is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub start: i64,
    pub end: i64,
    pub period: i64,
    pub points: Vec<(i64, f64)>,
}

impl Series {
    /// Whether nothing was measured: no point, or every point zero.
    pub fn is_flat_zero(&self) -> bool {
        self.points.iter().all(|&(_, v)| v == 0.0)
    }

    /// The time span drawn: the asked range, widened to hold every period
    /// the answer has (its first one may start before the range).
    pub fn span(&self) -> (i64, i64) {
        let first = self.points.first().map_or(self.start, |p| p.0);
        let last = self.points.last().map_or(self.end, |p| p.0 + self.period.max(0));
        (self.start.min(first), self.end.max(last))
    }
}

/// Max, min and average of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub max: f64,
    pub min: f64,
    pub avg: f64,
}

/// The summary of the finite values; `None` when there are none.
pub fn summary(values: impl IntoIterator<Item = f64>) -> Option<Summary> {
    let (mut max, mut min, mut sum, mut n) = (f64::NEG_INFINITY, f64::INFINITY, 0.0, 0u32);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        max = max.max(v);
        min = min.min(v);
        sum += v;
        n += 1;
    }
    (n > 0).then(|| Summary { max, min, avg: sum / f64::from(n) })
}

/// A linear map from a domain to a range (SVG units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Scale { domain, range }
    }

    pub fn at(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 { r0 } else { r0 + (v - d0) / (d1 - d0) * (r1 - r0) }
    }
}

/// Gridline values from 0 to a round top at or above `max`, about `target`
/// steps of 1, 2 or 5 times a power of ten; whole steps for counts.
pub fn value_ticks(max: f64, target: usize, whole: bool) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let nice = match raw / magnitude {
        r if r <= 1.0 => 1.0,
        r if r <= 2.0 => 2.0,
        r if r <= 5.0 => 5.0,
        _ => 10.0,
    };
    let step = if whole { (nice * magnitude).max(1.0) } else { nice * magnitude };
    // A tiny tolerance, so that 0.3 / 0.1 does not round up to a fourth step.
    let steps = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=steps).map(|i| round_to_step(i as f64 * step, step)).collect()
}

/// `v` without the float noise of repeated steps (0.30000000000000004).
fn round_to_step(v: f64, step: f64) -> f64 {
    let decimals = (-step.log10().floor()).clamp(0.0, 12.0) as i32 + 1;
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The time steps ticks may take, in seconds: minutes, hours, days, weeks.
const TIME_STEPS: [i64; 14] =
    [300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 1_209_600, 2_592_000];

/// Ticks on round local times (`offset` seconds east of UTC) between `x0`
/// and `x1`, at most `most` of them: the step chosen, and the ticks.
pub fn time_ticks(x0: i64, x1: i64, offset: i64, most: usize) -> (i64, Vec<i64>) {
    let span = (x1 - x0).max(1);
    let most = most.max(1) as i64;
    let step = TIME_STEPS.into_iter().find(|s| span / s < most).unwrap_or(TIME_STEPS[TIME_STEPS.len() - 1]);
    let first = (x0 + offset).div_euclid(step) * step - offset;
    let first = if first < x0 { first + step } else { first };
    let ticks = (0..).map(|i| first + i * step).take_while(|t| *t <= x1).collect();
    (step, ticks)
}

/// A tick's label in local time (`offset` seconds east of UTC): the clock
/// for steps under a day ("14:30"), else the date ("03-16"); local midnight
/// is always the date, so a day's ticks say which day they are in.
pub fn tick_label(ts: i64, step: i64, offset: i64) -> String {
    let text = utc_datetime(ts + offset);
    let midnight = (ts + offset).rem_euclid(86_400) == 0;
    if step >= 86_400 || midnight { text[5..10].to_string() } else { text[11..16].to_string() }
}

/// A value as read: three significant digits at most, two decimals from 1
/// up, none from 100 up; no trailing zeros. A small figure (an idle
/// instance's 0.0034 cores) keeps two significant digits instead of reading 0.
pub fn format_value(v: f64) -> String {
    let decimals = match v.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 0.01 || a == 0.0 || !a.is_finite() => 2,
        a => (1 - a.log10().floor() as i64).clamp(2, 9) as usize,
    };
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    if text == "-0" { "0".into() } else { text.to_string() }
}

/// An axis label: short, with k and M for thousands and millions.
pub fn axis_value(v: f64) -> String {
    match v.abs() {
        a if a >= 1e6 => format!("{}M", format_value(v / 1e6)),
        a if a >= 1e4 => format!("{}k", format_value(v / 1e3)),
        _ => format_value(v),
    }
}

/// Seconds east of UTC of the browser's zone at `ts` (daylight saving included).
// The drawing, in SVG units; the SVG scales to its box's width.
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 22.0;
/// Enough time labels to fit the width at a phone's size.
const TIME_TICKS: usize = 5;

/// A chart: its title and unit, max / min / avg, the drawing, and the data
/// as a table on demand.
#[component]
pub fn TimeChart(
    /// The heading's id, which the drawing is labelled by.
    #[prop(into)]
    id: String,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] unit: Signal<String>,
    #[prop(into)] series: Signal<Series>,
    mark: Mark,
    /// Counts: gridlines on whole numbers.
    #[prop(optional)]
    whole: bool,
    #[prop(optional, into)] rules: Signal<Vec<Rule>>,
) -> impl IntoView {
    let stats = Memo::new(move |_| series.with(|s| summary(s.points.iter().map(|p| p.1))));
    let alt = move || {
        let (from, to) = series.with(|s| s.span());
        series.with(|s| {
            chart_alt(
                &title.get(),
                &unit.get(),
                stats.get(),
                s.points.len(),
                &local_time(from),
                &local_time(to),
                lang(),
            )
        })
    };
    let stat =
        move |pick: fn(&Summary) -> f64| move || stats.get().map_or_else(|| "–".into(), |s| format_value(pick(&s)));
    let open = RwSignal::new(false);
    let labelled_by = id.clone();
    view! {
        <figure class=style::chart aria-labelledby=labelled_by>
            <figcaption class=style::head>
                <h4 id=id class=style::title>
                    {move || title.get()} " " <span class=style::unit>{move || format!("({})", unit.get())}</span>
                </h4>
                <dl class=style::stats>
                    <div><dt>{t(Msg::MonMax)}</dt><dd>{stat(|s| s.max)}</dd></div>
                    <div><dt>{t(Msg::MonMin)}</dt><dd>{stat(|s| s.min)}</dd></div>
                    <div><dt>{t(Msg::MonAvg)}</dt><dd>{stat(|s| s.avg)}</dd></div>
                </dl>
            </figcaption>
            <svg class=style::svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" role="img" aria-label=alt>
                {move || draw(&series.get(), mark, whole, &rules.get(), &unit.get())}
            </svg>
            <details class=style::data on:toggle=move |_| open.update(|o| *o = !*o)>
                // Each chart's toggle names its chart to a screen reader.
                <summary>{t(Msg::MonShowData)} <span class="sr-only">{move || title.get()}</span></summary>
                {move || open.get().then(|| view! { <DataTable series unit /> })}
            </details>
        </figure>
    }
}

/// Every point of the series, in local time.
#[component]
fn DataTable(series: Signal<Series>, unit: Signal<String>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{move || zoned(t(Msg::MonTime)())}</th>
                        <th scope="col">{move || format!("{} ({})", t(Msg::MonValue)(), unit.get())}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || series.with(|s| s.points.iter().map(|&(at, v)| view! {
                        <tr><td class="nowrap">{local_time(at)}</td><td>{format_value(v)}</td></tr>
                    }).collect_view())}
                </tbody>
            </table>
        </div>
    }
}

/// The drawing: gridlines with their values, time ticks, the series, the
/// reference lines, and over each period a hover target that reads its
/// value out (the browser's own tooltip; the table serves the keyboard).
fn draw(series: &Series, mark: Mark, whole: bool, rules: &[Rule], unit: &str) -> impl IntoView + use<> {
    let (x0, x1) = series.span();
    let offset = offset_at(x0) * 60;
    let x = Scale::new((x0 as f64, x1 as f64), (LEFT, WIDTH - RIGHT));
    let high = series.points.iter().map(|p| p.1).chain(rules.iter().map(|r| r.value)).fold(0.0, f64::max);
    let ticks = value_ticks(high, 4, whole);
    let top = ticks.last().copied().unwrap_or(1.0);
    let y = Scale::new((0.0, top), (HEIGHT - BOTTOM, TOP));
    let (step, times) = time_ticks(x0, x1, offset, TIME_TICKS);
    let grid = ticks
        .into_iter()
        .map(|v| {
            view! {
                <line class=style::grid x1=LEFT x2=WIDTH - RIGHT y1=y.at(v) y2=y.at(v) />
                <text class=style::axis x=LEFT - 4.0 y=y.at(v) + 3.5 text-anchor="end">{axis_value(v)}</text>
            }
        })
        .collect_view();
    let time_labels = times
        .into_iter()
        .map(|ts| {
            let at = x.at(ts as f64);
            view! {
                <line class=style::baseline x1=at x2=at y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM + 4.0 />
                <text class=style::axis x=at y=HEIGHT - 6.0 text-anchor="middle">
                    {tick_label(ts, step, offset_at(ts) * 60)}
                </text>
            }
        })
        .collect_view();
    let period = series.period.max(1);
    let marks = match mark {
        Mark::Bars => series
            .points
            .iter()
            .filter(|p| p.1 > 0.0)
            .map(|&(at, v)| {
                let (left, right) = (x.at(at as f64), x.at((at + period) as f64));
                let gap = ((right - left) * 0.15).min(2.0);
                view! {
                    <rect class=style::bar x=left + gap y=y.at(v) width=(right - left - 2.0 * gap).max(1.0)
                        height=(y.at(0.0) - y.at(v)).max(0.0) />
                }
            })
            .collect_view()
            .into_any(),
        Mark::Line => {
            let middle = |at: i64| x.at(at as f64 + period as f64 / 2.0);
            let points: Vec<(f64, f64)> = series.points.iter().map(|&(at, v)| (middle(at), y.at(v))).collect();
            match points.as_slice() {
                [] => ().into_any(),
                [(cx, cy)] => view! { <circle class=style::dot cx=*cx cy=*cy r="3" /> }.into_any(),
                _ => {
                    let text = points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect::<Vec<_>>().join(" ");
                    view! { <polyline class=style::line points=text /> }.into_any()
                }
            }
        }
    };
    let rules = rules
        .iter()
        .map(|r| {
            view! {
                <line class=style::rule x1=LEFT x2=WIDTH - RIGHT y1=y.at(r.value) y2=y.at(r.value) />
                <text class=style::rule_label x=WIDTH - RIGHT y=y.at(r.value) - 4.0 text-anchor="end">
                    {r.label.clone()}
                </text>
            }
        })
        .collect_view();
    let hovers = series
        .points
        .iter()
        .map(|&(at, v)| {
            let (left, right) = (x.at(at as f64), x.at((at + period) as f64));
            let text = format!("{} · {} {unit}", local_time(at), format_value(v));
            view! {
                <rect class=style::hover x=left y=TOP width=(right - left).max(0.5) height=HEIGHT - BOTTOM - TOP>
                    <title>{text}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <g aria-hidden="true">
            {grid}
            <line class=style::baseline x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM />
            {time_labels}
            {marks}
            {rules}
            {hovers}
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-16 00:00 in UTC+8, CLOUD-API.md §10's example.
    const T: i64 = 1_773_590_400;
    const CST: i64 = 8 * 3600;

    #[test]
    fn r_obs_2_summary_is_max_min_and_average() {
        assert_eq!(summary([1.0, 5.0, 3.0]), Some(Summary { max: 5.0, min: 1.0, avg: 3.0 }));
        assert_eq!(summary([0.0, 0.0]), Some(Summary { max: 0.0, min: 0.0, avg: 0.0 }));
        // What is not a number is not averaged.
        assert_eq!(summary([2.0, f64::NAN, 4.0, f64::INFINITY]), Some(Summary { max: 4.0, min: 2.0, avg: 3.0 }));
        assert_eq!(summary(Vec::<f64>::new()), None);
    }

    #[test]
    fn scales_map_linearly_and_survive_an_empty_domain() {
        let y = Scale::new((0.0, 100.0), (166.0, 14.0));
        assert_eq!(y.at(0.0), 166.0);
        assert_eq!(y.at(100.0), 14.0);
        assert_eq!(y.at(50.0), 90.0);
        assert_eq!(Scale::new((5.0, 5.0), (0.0, 10.0)).at(5.0), 0.0);
    }

    #[test]
    fn value_ticks_are_round_and_cover_the_maximum() {
        assert_eq!(value_ticks(7.0, 4, true), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(value_ticks(100.0, 4, false), vec![0.0, 50.0, 100.0]);
        assert_eq!(value_ticks(0.3, 3, false), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(value_ticks(0.37, 4, false), vec![0.0, 0.1, 0.2, 0.3, 0.4]);
        assert_eq!(value_ticks(1234.0, 4, true), vec![0.0, 500.0, 1000.0, 1500.0]);
        // Counts never step by a fraction; nothing measured still has an axis.
        assert_eq!(value_ticks(2.0, 4, true), vec![0.0, 1.0, 2.0]);
        assert_eq!(value_ticks(0.0, 4, true), vec![0.0, 1.0]);
        assert_eq!(value_ticks(f64::NAN, 4, false), vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn time_ticks_fall_on_round_local_times() {
        // An hour from 10:07 UTC+8: every 15 minutes, on the quarter hour.
        let (step, ticks) = time_ticks(T + 10 * 3600 + 420, T + 11 * 3600 + 420, CST, 5);
        assert_eq!(step, 900);
        let labels: Vec<String> = ticks.iter().map(|&t| tick_label(t, step, CST)).collect();
        assert_eq!(labels, ["10:15", "10:30", "10:45", "11:00"]);
        // The same hour read in UTC.
        assert_eq!(tick_label(ticks[0], step, 0), "02:15");
        // A day: every 6 hours, from local midnight, which names its date.
        let (step, ticks) = time_ticks(T, T + 86_400, CST, 5);
        assert_eq!(step, 21_600);
        let labels: Vec<String> = ticks.iter().map(|&t| tick_label(t, step, CST)).collect();
        assert_eq!(labels, ["03-16", "06:00", "12:00", "18:00", "03-17"]);
        // Thirty days: dates, a week apart at most five of them.
        let (step, ticks) = time_ticks(T, T + 30 * 86_400, CST, 5);
        assert_eq!(step, 604_800);
        assert!(ticks.len() <= 5 && ticks.iter().all(|t| tick_label(*t, step, CST).len() == 5));
    }

    #[test]
    fn values_read_without_float_noise() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(0.126), "0.13");
        assert_eq!(format_value(12.34), "12.3");
        assert_eq!(format_value(60.0), "60");
        assert_eq!(format_value(1234.6), "1235");
        assert_eq!(format_value(-0.0), "0");
        assert_eq!(format_value(0.0034), "0.0034");
        assert_eq!(format_value(0.003), "0.003");
        assert_eq!(axis_value(25_000.0), "25k");
        assert_eq!(axis_value(1_500_000.0), "1.5M");
    }

    #[test]
    fn a_series_spans_its_range_and_every_period_it_has() {
        let s = Series { start: T + 60, end: T + 3600, period: 300, points: vec![(T, 1.0), (T + 3600, 0.0)] };
        assert_eq!(s.span(), (T, T + 3900));
        assert!(!s.is_flat_zero());
        assert!(Series { points: vec![(T, 0.0)], ..s.clone() }.is_flat_zero());
        assert_eq!(Series { points: vec![], ..s }.span(), (T + 60, T + 3600));
    }
}
