//! The detail view of one row (Enter): every field of the record, and for a
//! template its content and input schema. Pure: builds a [`Detail`] overlay.

use crate::protocol::SyncCmd;

use super::view::{Source, expiry_text};
use super::workloads as wl;
use super::{Detail, DetailLine, Effect, LineInput, Model, Overlay, format};

fn field(name: &str, value: impl Into<String>) -> DetailLine {
    DetailLine::Field(name.to_string(), value.into())
}

fn opt(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn opt_time(ms: Option<i64>) -> String {
    ms.map(format::datetime).unwrap_or_else(|| "-".to_string())
}

fn json_lines(value: &serde_json::Value) -> Vec<DetailLine> {
    if value.is_null() {
        return vec![DetailLine::Text("(none)".to_string())];
    }
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.lines()
        .map(|l| DetailLine::Text(l.to_string()))
        .collect()
}

/// Open the detail view of the visible pane's selected row. A workload's
/// replicas and events are fetched (an effect) and filled in when they come.
pub(super) fn open(model: &mut Model, fx: &mut Vec<Effect>) {
    let kind = model.pane;
    let Some(i) = model.view(kind).selected_item() else {
        return;
    };
    let now_ms = model.now_ms();
    let subject = Some(model.source(kind).id(i).into_owned());
    let workload = match model.source(kind) {
        Source::Endpoints(v, shapes) => Some(wl::endpoint_detail(&v[i], shapes)),
        Source::Jobs(v, shapes) => Some(wl::job_detail(&v[i], shapes, now_ms)),
        Source::Pods(v, shapes) => Some(wl::pod_detail(&v[i], shapes)),
        Source::Nodes(v) => Some(wl::node_detail(&v[i])),
        _ => None,
    };
    if let Some(w) = workload {
        let mut lines = w.lines;
        model.workload_detail = w.target.map(|t| (t, lines.len()));
        if let Some((target, _)) = &model.workload_detail {
            lines.extend(wl::detail_section(None));
            fx.push(Effect::Sync(SyncCmd::FetchWorkloadDetail(target.clone())));
        }
        model.overlay = Some(Overlay::Detail(Detail {
            title: w.title,
            lines,
            scroll: 0,
            copy: w.copy,
            subject,
            search: DetailSearch::default(),
        }));
        return;
    }
    model.workload_detail = None;
    let detail = match model.source(kind) {
        Source::Templates(v) => {
            let e = &v[i];
            let t = &e.template;
            let access = if e.public { "public" } else { "private" };
            let workload = t
                .spec
                .workload_type
                .as_ref()
                .map(|w| w.as_str().to_string())
                .unwrap_or_else(|| "-".to_string());
            let mut lines = vec![
                field("Name", t.name()),
                field("ID", t.id()),
                field("Access", access),
                field("Workload", workload.clone()),
                field(
                    "State",
                    opt(t.status.as_ref().and_then(|s| s.state.as_deref())),
                ),
                field("Created", opt_time(t.metadata.created_at)),
                field("Created by", opt(t.metadata.created_by())),
                DetailLine::Blank,
                DetailLine::Heading("Content".to_string()),
            ];
            lines.extend(json_lines(&t.spec.content.value()));
            lines.push(DetailLine::Blank);
            lines.push(DetailLine::Heading("Input schema".to_string()));
            lines.extend(json_lines(&t.spec.schema()));
            Detail {
                title: format!("Template {} ({access}, {workload})", t.name()),
                lines,
                scroll: 0,
                copy: Some((format!("template id {}", t.id()), t.id().to_string())),
                subject: None,
                search: DetailSearch::default(),
            }
        }
        Source::Secrets(v) => {
            let s = &v[i];
            Detail {
                title: format!("Secret {}", s.name),
                lines: vec![
                    field("Name", s.name.clone()),
                    field(
                        "Visibility",
                        s.visibility
                            .as_ref()
                            .map(|v| v.as_str().to_string())
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field("Owner", opt(s.owner.as_deref())),
                    field(
                        "Tags",
                        if s.tags.is_empty() {
                            "-".to_string()
                        } else {
                            s.tags.join(", ")
                        },
                    ),
                    DetailLine::Blank,
                    DetailLine::Text(
                        "Values are write-only: the API never returns them.".to_string(),
                    ),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", s.name), s.name.to_string())),
                subject: None,
                search: DetailSearch::default(),
            }
        }
        Source::Members(v) => {
            let m = &v[i];
            Detail {
                title: format!("Member {}", m.email),
                lines: vec![
                    field("Email", m.email.clone()),
                    field("Name", opt(m.name.as_deref())),
                    field("Role", m.role.as_str()),
                    field("Status", m.status.as_str()),
                    field("Joined", opt_time(m.created_at)),
                    field(
                        "Last active",
                        m.last_active_at
                            .map(format::datetime)
                            .unwrap_or_else(|| "never".into()),
                    ),
                    field("Invited by", opt(m.invited_by.as_deref())),
                    field("ID", m.id.clone()),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", m.email), m.email.to_string())),
                subject: None,
                search: DetailSearch::default(),
            }
        }
        Source::Tokens(v, own) => {
            let t = &v[i];
            let mut lines = vec![
                field("Name", t.name.clone()),
                field("ID", t.id.clone()),
                field("Value", t.masked_value.clone()),
                field(
                    "Scopes",
                    if t.scopes.is_empty() {
                        "-".to_string()
                    } else {
                        t.scopes.join(", ")
                    },
                ),
                field("Created", opt_time(t.created_at)),
                field(
                    "Expires",
                    match t.expires_at {
                        Some(e) => {
                            format!("{} ({})", format::datetime(e), expiry_text(Some(e), now_ms))
                        }
                        None => "never".to_string(),
                    },
                ),
                field("Created by", opt(t.created_by.as_deref())),
            ];
            if own == Some(t.id.as_str()) {
                lines.push(DetailLine::Blank);
                lines.push(DetailLine::Text(
                    "This is the token lepdash is using.".to_string(),
                ));
            }
            Detail {
                title: format!("Token {}", t.name),
                lines,
                scroll: 0,
                copy: Some((format!("\"{}\"", t.name), t.name.to_string())),
                subject: None,
                search: DetailSearch::default(),
            }
        }
        Source::Registries(v) => {
            let r = &v[i];
            Detail {
                title: format!("Registry {}", r.name()),
                lines: vec![
                    field("Name", r.name()),
                    field("ID", r.id()),
                    field("Server", opt(Some(&r.spec.registry_server))),
                    field("Username", opt(Some(&r.spec.username))),
                    field("Email", opt(r.spec.email.as_deref())),
                    field("Provider", opt(r.spec.provider.as_deref())),
                    field("Created", opt_time(r.metadata.created_at)),
                    field("Owner", opt(r.metadata.owner.as_deref())),
                    DetailLine::Blank,
                    DetailLine::Text(
                        "Passwords are write-only: the API never returns them.".to_string(),
                    ),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", r.name()), r.name().to_string())),
                subject: None,
                search: DetailSearch::default(),
            }
        }
        Source::Shapes(v) => {
            let s = &v[i];
            let n = |x: Option<f64>| x.map(format::num).unwrap_or_else(|| "-".into());
            Detail {
                title: format!("Shape {}", s.name),
                lines: vec![
                    field("Name", s.name.clone()),
                    field("Description", opt(s.shape.description.as_deref())),
                    field("CPU (cores)", n(s.shape.cpu)),
                    field(
                        "Memory",
                        s.shape
                            .memory
                            .map(format::mib)
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field("Accelerator", opt(s.shape.accelerator_type.as_deref())),
                    field("Accelerators", n(s.shape.accelerator_num)),
                    field("Fraction", n(s.shape.accelerator_fraction)),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", s.name), s.name.clone())),
                subject: None,
                search: DetailSearch::default(),
            }
        }
        // Opened above.
        Source::Endpoints(..) | Source::Jobs(..) | Source::Pods(..) | Source::Nodes(_) => return,
    };
    model.overlay = Some(Overlay::Detail(Detail { subject, ..detail }));
}

/// The replicas and events of the workload whose details are open arrived:
/// fill them in (an answer for another workload, or a closed view, is dropped).
pub(super) fn workload_detail_arrived(
    model: &mut Model,
    target: &crate::protocol::WorkloadRef,
    result: &Result<crate::protocol::WorkloadDetail, crate::api::ApiError>,
) -> bool {
    let Some((open, base)) = &model.workload_detail else {
        return false;
    };
    if open != target {
        return false;
    }
    let base = *base;
    let Some(Overlay::Detail(d)) = &mut model.overlay else {
        model.workload_detail = None;
        return false;
    };
    d.lines.truncate(base);
    d.lines.extend(wl::detail_section(Some(result)));
    // The lines changed under the search: find the matches again, keeping
    // the current one as near as it was.
    d.search.rematch(&d.lines, None);
    true
}

// ------------------------------------------------------------------ search

/// One match of the search in a detail view: `line`, the part of the line
/// (0: a heading, a text line or a field's name; 1: a field's value) and the
/// byte range in that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailMatch {
    pub line: usize,
    pub part: u8,
    pub start: usize,
    pub end: usize,
}

/// The search inside a detail view: `/` opens the prompt (matches follow
/// the typing), Enter keeps it, `n`/`N` go to the next/previous match
/// (wrapping), Esc clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailSearch {
    /// The prompt while it is open.
    pub prompt: Option<LineInput>,
    /// The searched text (empty: no search).
    pub query: String,
    /// Every match, in reading order.
    pub matches: Vec<DetailMatch>,
    /// Index of the current match in `matches`.
    pub current: usize,
    /// Where the view was when `/` was pressed (Esc in the prompt goes back).
    origin: usize,
}

/// The searchable parts of a line: what the view shows of it.
fn parts(line: &DetailLine) -> [Option<&str>; 2] {
    match line {
        DetailLine::Heading(t) | DetailLine::Text(t) => [Some(t), None],
        DetailLine::Field(n, v) => [Some(n), Some(v)],
        DetailLine::Blank => [None, None],
    }
}

impl DetailSearch {
    /// A search is in force (typed or kept).
    pub fn active(&self) -> bool {
        !self.query.is_empty()
    }

    /// The current match, if any.
    pub fn current_match(&self) -> Option<&DetailMatch> {
        self.matches.get(self.current)
    }

    /// `match 3/7`, `no match`, or `None` without a search.
    pub fn status(&self) -> Option<String> {
        if !self.active() {
            return None;
        }
        Some(if self.matches.is_empty() {
            "no match".to_string()
        } else {
            format!("match {}/{}", self.current + 1, self.matches.len())
        })
    }

    /// Find every match of the query in `lines`; the current one becomes the
    /// first at or after line `from` (wrapping), or with `None` the one
    /// nearest the old current line.
    pub fn rematch(&mut self, lines: &[DetailLine], from: Option<usize>) {
        let from = from.unwrap_or_else(|| self.current_match().map_or(0, |m| m.line));
        self.matches.clear();
        self.current = 0;
        let needle = format::fold_str(&self.query);
        if needle.is_empty() {
            return;
        }
        for (line, l) in lines.iter().enumerate() {
            for (part, text) in parts(l).into_iter().enumerate() {
                let Some(text) = text else { continue };
                for (start, end) in format::match_ranges(text, &needle) {
                    self.matches.push(DetailMatch {
                        line,
                        part: part as u8,
                        start,
                        end,
                    });
                }
            }
        }
        self.current = self
            .matches
            .iter()
            .position(|m| m.line >= from)
            .unwrap_or(0);
    }
}

impl Detail {
    /// Lines the view can scroll by, with `page` lines shown.
    fn max_scroll(&self, page: usize) -> usize {
        self.lines.len().saturating_sub(page)
    }

    /// Scroll so the current match is on screen (a third down the page when
    /// it was off screen).
    fn show_current(&mut self, page: usize) {
        let Some(line) = self.search.current_match().map(|m| m.line) else {
            return;
        };
        if line < self.scroll || line >= self.scroll + page {
            self.scroll = line.saturating_sub(page / 3).min(self.max_scroll(page));
        }
    }

    /// `/`: open the search prompt (empty).
    pub fn start_search(&mut self) {
        self.search.origin = self.scroll;
        self.search.prompt = Some(LineInput::default());
    }

    /// The prompt's text changed: search for it as typed, from where the
    /// view was when `/` was pressed.
    pub fn search_typed(&mut self, page: usize) {
        let Some(prompt) = &self.search.prompt else {
            return;
        };
        self.search.query = prompt.value().to_string();
        let origin = self.search.origin;
        self.search.rematch(&self.lines, Some(origin));
        if self.search.matches.is_empty() {
            self.scroll = origin.min(self.max_scroll(page));
        } else {
            self.show_current(page);
        }
    }

    /// Enter in the prompt: keep the search (an empty one is no search).
    pub fn keep_search(&mut self) {
        self.search.prompt = None;
    }

    /// Esc: close the prompt and clear the search; from the prompt the view
    /// goes back to where it was.
    pub fn clear_search(&mut self, page: usize) {
        if self.search.prompt.is_some() {
            self.scroll = self.search.origin.min(self.max_scroll(page));
        }
        self.search = DetailSearch::default();
    }

    /// `n` (`step` 1) / `N` (-1): the next / previous match, wrapping.
    /// Returns false when there is nothing to go to.
    pub fn step_match(&mut self, step: isize, page: usize) -> bool {
        let n = self.search.matches.len();
        if n == 0 {
            return false;
        }
        self.search.current = (self.search.current as isize + step).rem_euclid(n as isize) as usize;
        self.show_current(page);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_detail(n: usize) -> Detail {
        let mut lines = vec![
            field("Name", "vllm-serve"),
            field("Workload", "endpoint"),
            DetailLine::Blank,
            DetailLine::Heading("Content".to_string()),
        ];
        for i in 0..n {
            lines.push(DetailLine::Text(format!("  \"key{i}\": {i},")));
        }
        lines.push(DetailLine::Text(
            "  \"image\": \"vllm/vllm-openai\"".to_string(),
        ));
        Detail {
            title: "Template vllm-serve".to_string(),
            lines,
            scroll: 0,
            copy: None,
            subject: None,
            search: DetailSearch::default(),
        }
    }

    fn type_query(d: &mut Detail, q: &str, page: usize) {
        d.start_search();
        for c in q.chars() {
            if let Some(p) = &mut d.search.prompt {
                p.insert_str(&c.to_string());
            }
            d.search_typed(page);
        }
    }

    #[test]
    fn search_finds_names_and_values_case_blind_and_scrolls_to_the_first() {
        let mut d = json_detail(60);
        type_query(&mut d, "VLLM", 10);
        // "vllm-serve" (a value) and "vllm/vllm-openai" twice.
        assert_eq!(d.search.matches.len(), 3, "{:?}", d.search.matches);
        assert_eq!(d.search.status().as_deref(), Some("match 1/3"));
        let first = d.search.matches[0];
        assert_eq!(
            (first.line, first.part, first.start, first.end),
            (0, 1, 0, 4)
        );
        assert_eq!(d.scroll, 0, "the first match is on screen already");
        // A field name matches too.
        type_query(&mut d, "workl", 10);
        let m = d.search.matches[0];
        assert_eq!((m.line, m.part), (1, 0));
    }

    #[test]
    fn n_and_shift_n_wrap_and_the_view_follows() {
        let mut d = json_detail(60);
        type_query(&mut d, "vllm", 10);
        d.keep_search();
        assert!(d.search.prompt.is_none());
        assert!(d.step_match(1, 10));
        assert_eq!(d.search.status().as_deref(), Some("match 2/3"));
        let line = d.search.current_match().map(|m| m.line).unwrap_or(0);
        assert_eq!(line, 64);
        assert!(
            d.scroll <= line && line < d.scroll + 10,
            "{} {line}",
            d.scroll
        );
        d.step_match(1, 10);
        d.step_match(1, 10);
        assert_eq!(d.search.status().as_deref(), Some("match 1/3"), "wraps");
        assert_eq!(d.scroll, 0);
        d.step_match(-1, 10);
        assert_eq!(
            d.search.status().as_deref(),
            Some("match 3/3"),
            "wraps back"
        );
    }

    #[test]
    fn no_match_says_so_and_esc_goes_back() {
        let mut d = json_detail(60);
        d.scroll = 20;
        type_query(&mut d, "zzz", 10);
        assert!(d.search.matches.is_empty());
        assert_eq!(d.search.status().as_deref(), Some("no match"));
        assert!(!d.step_match(1, 10));
        assert_eq!(d.scroll, 20);
        type_query(&mut d, "image", 10);
        assert_ne!(d.scroll, 20);
        d.clear_search(10);
        assert_eq!(d.scroll, 20, "Esc in the prompt goes back");
        assert_eq!(d.search, DetailSearch::default());
        assert_eq!(d.search.status(), None);
    }

    #[test]
    fn the_search_starts_from_where_the_view_is() {
        let mut d = json_detail(60);
        d.scroll = 30;
        type_query(&mut d, "key", 10);
        let m = d.search.current_match().copied();
        assert_eq!(m.map(|m| m.line), Some(30), "{m:?}");
    }
}
