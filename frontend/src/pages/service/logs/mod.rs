//! The Logs tab (R-OBS-3): a service's runtime logs, searched with tcbr
//! `SearchClsLog` over a time range, narrowed to a version and an instance,
//! newest first with "load more" (the answer's `Context`), the query's
//! words marked in each line; and a live tail from the BFF's stream that
//! adds new lines at the top while the list is at its top, and holds them
//! ("paused — N new lines") while the user reads further down.

mod controls;
mod search;
mod tail;

use std::time::Duration;

use console_shared::actions::{LogObject, SearchClsLog, SearchClsLogRequest};
use console_shared::dto::ApiError;
use console_shared::logquery::{self, LogQueryError};
use console_shared::time::utc_datetime;
use console_shared::vocab::LogType;
use leptos::prelude::*;

use super::ServiceCtx;
use crate::api;
use crate::components::{ErrorNote, Keyed, Link, local_time, now, parse_local, zone};
use crate::i18n::{Msg, lang, logs_arrived, logs_found, logs_paused, millis_text, t, times_note};
use crate::pages::env_layout::EnvCtx;
use controls::Controls;
use search::{Access, Line, Needle, PAGE, Scope, Span, highlights, level_class, needles, pieces, window};
use tail::follow;

stylance::import_crate_style!(style, "src/pages/service/logs/logs.module.css");

/// The most lines the page keeps: a tail left open for hours must not
/// grow the page without end. Past it the oldest go, and "load more"
/// with them (its cursor would skip what went).
const MAX_LINES: usize = 1000;
/// How often screen readers hear how many lines arrived (never each line).
const ANNOUNCE_EVERY: Duration = Duration::from_secs(5);

/// What a search asks: set when the user searches or changes a filter.
#[derive(Debug, Clone, Default, PartialEq)]
struct Asked {
    query: String,
    version: String,
    instance: String,
    span: Span,
    custom: (Option<i64>, Option<i64>),
}

impl Asked {
    fn scope(&self, service: String) -> Scope {
        Scope { service, version: self.version.clone(), instance: self.instance.clone() }
    }
}

/// What screen readers are told: counts, never the lines themselves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Said {
    /// A search answered: the lines shown, and whether older ones remain.
    Found(usize, bool),
    /// Lines the live tail brought since the last time this was said.
    Arrived(usize),
}

/// The list and what goes with it.
#[derive(Clone, Copy)]
struct Results {
    lines: RwSignal<Vec<Line>>,
    /// The next page: the same search with the last answer's cursor.
    next: RwSignal<Option<SearchClsLogRequest>>,
    loading: RwSignal<bool>,
    /// The search failed (shown by the query box) or the next page did.
    error: RwSignal<Option<ApiError>>,
    more_error: RwSignal<Option<ApiError>>,
    /// A search has answered: only then can "nothing found" be said.
    answered: RwSignal<bool>,
    /// Lines went off the bottom (past [`MAX_LINES`]).
    trimmed: RwSignal<bool>,
    /// Each request's number; an answer to any but the last is dropped.
    generation: StoredValue<u64>,
    /// What the list is kept to: the search's service, version and instance.
    scope: StoredValue<Scope>,
    /// Lines the live tail brought while a search's first page was on its
    /// way (newest first): they go above it, or they would be lost.
    early: StoredValue<Option<Vec<Line>>>,
    /// What the polite live region says last.
    said: RwSignal<Option<Said>>,
}

impl Results {
    fn new() -> Self {
        Results {
            lines: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            more_error: RwSignal::new(None),
            answered: RwSignal::new(false),
            trimmed: RwSignal::new(false),
            generation: StoredValue::new(0),
            scope: StoredValue::new(Scope::default()),
            early: StoredValue::new(None),
            said: RwSignal::new(None),
        }
    }

    /// Asks for a page: the first of a search in `scope` (replacing the
    /// list) or the next (appended, skipping lines the live tail already
    /// showed).
    fn fetch(self, req: SearchClsLogRequest, scope: Option<Scope>) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.loading.set(true);
        self.more_error.set(None);
        let first = scope.is_some();
        if let Some(scope) = scope {
            self.scope.set_value(scope);
            self.early.set_value(Some(Vec::new()));
            self.error.set(None);
        }
        leptos::task::spawn_local(async move {
            let answer = api::cloud::<SearchClsLog>(&req).await;
            // Left the page, or a newer request went out meanwhile.
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            self.loading.set(false);
            match answer {
                Ok(r) => {
                    let found = r.log_results;
                    let more = found.list_over != Some(true) && found.context.as_deref().is_some_and(|c| !c.is_empty());
                    let scope = self.scope.get_value();
                    let got: Vec<Line> =
                        found.results.unwrap_or_default().iter().map(Line::of).filter(|l| scope.holds(l)).collect();
                    self.next.set(more.then_some(SearchClsLogRequest { context: found.context, ..req }));
                    if first {
                        let mut lines = self.early.try_update_value(Option::take).flatten().unwrap_or_default();
                        lines.retain(|l| !got.iter().any(|g| g.id == l.id));
                        lines.extend(got);
                        lines.truncate(MAX_LINES);
                        self.trimmed.set(false);
                        self.lines.set(lines);
                    } else {
                        self.lines.update(|lines| {
                            let fresh: Vec<Line> =
                                got.into_iter().filter(|g| !lines.iter().any(|l| l.id == g.id)).collect();
                            lines.extend(fresh);
                        });
                    }
                    self.answered.set(true);
                    let shown = self.lines.with_untracked(Vec::len);
                    self.said.set(Some(Said::Found(shown, more)));
                }
                Err(e) if first => {
                    self.early.set_value(None);
                    self.lines.set(Vec::new());
                    self.next.set(None);
                    self.answered.set(false);
                    self.error.set(Some(e));
                }
                Err(e) => self.more_error.set(Some(e)),
            }
        });
    }

    /// New lines at the top; past [`MAX_LINES`] the oldest go.
    fn prepend(self, mut new: Vec<Line>) {
        self.lines.update(|lines| {
            new.append(lines);
            *lines = new;
            if lines.len() > MAX_LINES {
                lines.truncate(MAX_LINES);
                self.trimmed.set(true);
                self.next.set(None);
            }
        });
    }
}

/// Lines the live tail holds while the user reads further down.
#[derive(Clone, Copy)]
struct Held {
    lines: RwSignal<Vec<Line>>,
    /// More arrived than the page keeps: on resuming they replace the list.
    overflowed: RwSignal<bool>,
}

#[component]
pub fn LogsPage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();

    // The controls as the user sets them; `asked` is what was searched.
    let typed = RwSignal::new(String::new());
    let span = RwSignal::new(Span::Last15Min);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    let instance = RwSignal::new(String::new());
    let asked = RwSignal::new(None::<Asked>);
    let query_error = RwSignal::new(None::<LogQueryError>);
    let range_error = RwSignal::new(false);
    let results = Results::new();
    let held = Held { lines: RwSignal::new(Vec::new()), overflowed: RwSignal::new(false) };

    // A query that does not parse is said at once, in the user's language;
    // the server would refuse it with the same reason.
    let apply = move || {
        let query = typed.get_untracked();
        if let Err(e) = logquery::parse(&query) {
            query_error.set(Some(e));
            return;
        }
        query_error.set(None);
        let custom = (parse_local(&from.get_untracked()), parse_local(&to.get_untracked()));
        asked.set(Some(Asked {
            query,
            version: version.get_untracked(),
            instance: instance.get_untracked(),
            span: span.get_untracked(),
            custom,
        }));
    };
    // Every search starts from the newest line: what was held is in it.
    Effect::new(move |_| {
        let Some(a) = asked.get() else { return };
        let (env_id, service) = (ctx.env_id.get(), svc.name.get());
        // Leaving the page empties the route's names: nothing to ask then.
        if env_id.is_empty() || service.is_empty() {
            return;
        }
        held.lines.set(Vec::new());
        held.overflowed.set(false);
        let Some((start_time, end_time)) = window(a.span, now(), a.custom) else {
            range_error.set(true);
            return;
        };
        range_error.set(false);
        let scope = a.scope(service);
        let req = SearchClsLogRequest {
            env_id,
            start_time,
            end_time,
            query_string: scope.query(&a.query),
            limit: PAGE,
            sort: Some("desc".into()),
            ..Default::default()
        };
        results.fetch(req, Some(scope));
    });
    // The first search: the last 15 minutes, everything.
    apply();

    let marks = Memo::new(move |_| asked.with(|a| a.as_ref().map(|a| needles(&a.query)).unwrap_or_default()));
    let logging_off = Memo::new(move |_| {
        svc.detail
            .with(|d| d.as_ref().is_some_and(|d| LogType::from(d.server_config.log_type.as_str()) == LogType::None))
    });
    let settings_href = move || format!("/envs/{}/services/{}/settings", ctx.env_id.get(), svc.name.get());

    view! {
        <section class="stack" aria-labelledby="logs-title">
            <h3 id="logs-title" class="h3">{t(Msg::TabLogs)}</h3>
            <p class="help">{t(Msg::LogsIntro)} " " {move || times_note(&zone(), lang())}</p>
            <Show when=move || logging_off.get()>
                <p class="notice" data-testid="logs-off">
                    {t(Msg::LogsOff)} " " <a href=settings_href>{t(Msg::LogsToSettings)}</a>
                </p>
            </Show>
            <Controls typed span from to version instance query_error range_error results apply />
            <LiveList results held marks asked logging_off />
        </section>
    }
}

/// The follow toggle, the results (live lines on top), the paused bar,
/// "load more", and what to do when there is nothing.
#[component]
fn LiveList(
    results: Results,
    held: Held,
    marks: Memo<Vec<Needle>>,
    asked: RwSignal<Option<Asked>>,
    logging_off: Memo<bool>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let following = RwSignal::new(false);
    let link = RwSignal::new(Link::Connecting);
    let at_top = RwSignal::new(true);
    let arrived = StoredValue::new(0_usize);
    let list = NodeRef::<leptos::html::Div>::new();

    // Held lines join the list: on the user's word, or when they scroll back up.
    let resume = move || {
        let lines = held.lines.try_update(std::mem::take).unwrap_or_default();
        if held.overflowed.get_untracked() {
            held.overflowed.set(false);
            results.lines.set(lines);
            results.trimmed.set(true);
            results.next.set(None);
        } else if !lines.is_empty() {
            results.prepend(lines);
        }
        if let Some(el) = list.get_untracked() {
            el.set_scroll_top(0);
        }
        at_top.set(true);
    };
    let on_line = Callback::new(move |object: LogObject| {
        let line = Line::of(&object);
        if !results.scope.with_value(|s| s.holds(&line)) {
            return;
        }
        let seen = |lines: &Vec<Line>| lines.iter().any(|l| l.id == line.id);
        if results.lines.with_untracked(seen) || held.lines.with_untracked(seen) {
            return;
        }
        arrived.update_value(|n| *n += 1);
        let line = match results.early.try_update_value(|early| match early {
            Some(early) => {
                early.insert(0, line);
                None
            }
            None => Some(line),
        }) {
            Some(Some(line)) => line,
            _ => return,
        };
        if at_top.get_untracked() && held.lines.with_untracked(Vec::is_empty) {
            results.prepend(vec![line]);
        } else {
            held.lines.update(|h| {
                h.insert(0, line);
                if h.len() > MAX_LINES {
                    h.truncate(MAX_LINES);
                    held.overflowed.set(true);
                }
            });
        }
    });
    let url = move || {
        let service = svc.name.get();
        let on = following.get() && asked.with(Option::is_some) && !service.is_empty();
        on.then(|| {
            let a = asked.get().unwrap_or_default();
            let query = a.scope(service.clone()).query(&a.query);
            api::log_tail_url(&ctx.env_id.get(), &service, &query)
        })
    };
    let reconnect = follow(url, link, on_line);
    // Counts, not lines, for screen readers.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let n = arrived.get_value();
            if n > 0 {
                arrived.set_value(0);
                results.said.set(Some(Said::Arrived(n)));
            }
        },
        ANNOUNCE_EVERY,
    ) {
        on_cleanup(move || handle.clear());
    }
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        following.set(on);
        if !on {
            resume();
        }
    };
    let on_scroll = move |_| {
        if let Some(el) = list.get_untracked() {
            let top = el.scroll_top() <= 2;
            at_top.set(top);
            if top && held.lines.with_untracked(|h| !h.is_empty()) {
                resume();
            }
        }
    };
    let domain = Memo::new(move |_| svc.detail.with(|d| d.as_ref().map(|d| d.base_info.default_domain_name.clone())));
    let empty = move || {
        results.answered.get()
            && !results.loading.get()
            && results.lines.with(Vec::is_empty)
            && held.lines.with(Vec::is_empty)
    };
    let more = move |_| {
        if let Some(req) = results.next.get_untracked() {
            results.fetch(req, None);
        }
    };
    view! {
        <div class=style::follow_row>
            <label class="inline">
                <input type="checkbox" prop:checked=move || following.get() aria-describedby="logs-follow-help"
                    on:change=toggle />
                {t(Msg::LogsFollow)}
            </label>
            <Show when=move || following.get()>
                <span class="muted" data-testid="logs-link">
                    {move || link.get().text(lang())}
                </span>
                <Show when=move || link.get() == Link::Closed>
                    <button class="button" type="button" on:click=move |_| reconnect()>{t(Msg::Reconnect)}</button>
                </Show>
            </Show>
        </div>
        <p id="logs-follow-help" class="help">{t(Msg::LogsFollowHelp)}</p>
        <p class="sr-only" role="status">
            {move || results.said.get().map(|said| match said {
                Said::Found(lines, more) => logs_found(lines, more, lang()),
                Said::Arrived(lines) => logs_arrived(lines, lang()),
            })}
        </p>
        <Show when=move || held.lines.with(|h| !h.is_empty())>
            <button type="button" class=format!("button {}", style::paused) data-testid="logs-paused"
                on:click=move |_| resume()>
                {move || held.lines.with(|h| logs_paused(h.len(), lang()))}
            </button>
        </Show>
        <div class=style::scroller node_ref=list tabindex="0" role="region" aria-label=t(Msg::LogsList)
            aria-busy=move || results.loading.get().to_string() on:scroll=on_scroll>
            <ol class=style::lines data-testid="log-lines">
                <Keyed each=move || results.lines.get() key=|l: &Line| l.id.clone() let:line>
                    <LogLine line marks />
                </Keyed>
            </ol>
            <Show when=empty>
                <p class="empty" data-testid="logs-empty">
                    <Show when=move || !logging_off.get() fallback=move || view! {
                        {t(Msg::LogsOff)}
                    }>
                        {t(Msg::LogsEmpty)}
                        {move || domain.get().filter(|d| !d.is_empty()).map(|d| {
                            let href = d.clone();
                            view! { " " <a class="break" href=href target="_blank" rel="noopener noreferrer">{d}</a> }
                        })}
                    </Show>
                </p>
            </Show>
            <Show when=move || results.loading.get()>
                <p class="muted">{t(Msg::Loading)}</p>
            </Show>
        </div>
        <div class="row">
            <Show when=move || results.next.with(Option::is_some)>
                <button type="button" class="button" disabled=move || results.loading.get() on:click=more>
                    {t(Msg::LogsLoadMore)}
                </button>
            </Show>
            <Show when=move || {
                results.answered.get() && results.next.with(Option::is_none) && !results.trimmed.get()
                    && results.lines.with(|l| !l.is_empty())
            }>
                <p class="muted">{t(Msg::LogsNoOlder)}</p>
            </Show>
            <Show when=move || results.trimmed.get()>
                <p class="muted">{t(Msg::LogsTrimmed)}</p>
            </Show>
        </div>
        <ErrorNote error=results.more_error />
    }
}

/// One line: its time, level, version, instance and stream, then its text
/// (an access line in short, with the raw line a click away).
#[component]
fn LogLine(line: Line, marks: Memo<Vec<Needle>>) -> impl IntoView {
    let Line { at, millis, version, instance, stream, level, text, access, .. } = line;
    // The local time with the milliseconds as written, before any zone note.
    let (shown, machine) = match at {
        Some(at) => {
            let local = local_time(at);
            let (clock, rest) = local.split_at(local.len().min(19));
            (format!("{clock}{millis}{rest}"), Some(format!("{}Z", utc_datetime(at).replace(' ', "T"))))
        }
        None => (String::new(), None),
    };
    let level_view = (!level.is_empty()).then(|| {
        view! {
            <span class=level_class(&level)>
                <span class="sr-only">{t(Msg::LogsLevel)} " "</span>{level.clone()}
            </span>
        }
    });
    let body = match access {
        Some(Access { request, status, ms }) => {
            let which = format!("{request} {status}");
            let status_class = match status {
                500.. => "badge bad",
                400..500 => "badge warn",
                _ => "badge",
            };
            view! {
                <div class=style::access>
                    <Marked text=request marks />
                    <span class=status_class>{status}</span>
                    {ms.map(|ms| view! { <span class="muted">{move || millis_text(ms, lang())}</span> })}
                </div>
                <details class=style::raw>
                    // Each line's toggle says which line, to a screen reader.
                    <summary>{t(Msg::LogsRawLine)} <span class="sr-only">{which}</span></summary>
                    <div class=style::text><Marked text marks /></div>
                </details>
            }
            .into_any()
        }
        None => view! { <div class=style::text><Marked text marks /></div> }.into_any(),
    };
    view! {
        <li class=style::line>
            <div class=style::meta>
                <time datetime=machine>{shown}</time>
                {level_view}
                {(!version.is_empty()).then(|| view! {
                    <span><span class="sr-only">{t(Msg::ColVersion)} " "</span><code>{version}</code></span>
                })}
                {(!instance.is_empty()).then(|| view! {
                    <span><span class="sr-only">{t(Msg::ColInstance)} " "</span><code class="break">{instance}</code></span>
                })}
                {(!stream.is_empty()).then(|| view! {
                    <span class="muted"><span class="sr-only">{t(Msg::LogsStream)} " "</span>{stream}</span>
                })}
            </div>
            {body}
        </li>
    }
}

/// `text` with the query's matches in `<mark>`.
#[component]
fn Marked(text: String, marks: Memo<Vec<Needle>>) -> impl IntoView {
    move || {
        marks.with(|needles| {
            let ranges = highlights(&text, needles);
            pieces(&text, &ranges)
                .into_iter()
                .map(|(piece, hit)| {
                    let piece = piece.to_string();
                    if hit { view! { <mark>{piece}</mark> }.into_any() } else { piece.into_any() }
                })
                .collect_view()
        })
    }
}
