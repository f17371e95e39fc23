//! `lepdash watch` output: one event per line, as JSON or as text.
//!
//! Pure formatting; the subcommand (polling, flushing, signals) is wired in
//! `cli.rs`/`main.rs`. A JSON line is
//! `{"schema":1,"time":"2026-12-01T06:09:48Z","workspace":…,"resource":…,
//! "event":…,"id":…,"name":…,"yours":…,"origin":"live"|"while_away",
//! "fields":[{"field":…,"old":…,"new":…}]}` plus `"own":true` for events
//! about lepdash's own token. Strings are escaped so the line is pure
//! ASCII-safe for terminals: besides JSON's own escapes, DEL, C1 controls,
//! bidi controls and the line/paragraph separators become `\uXXXX`.

use serde::Serialize;

use crate::app::changes::{Event, EventKind, clean, is_bidi, resource_of_label};

/// Version of the JSON line format.
pub const WATCH_SCHEMA: u32 = 1;

/// The output format of `watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchFormat {
    Jsonl,
    Text,
}

#[derive(Serialize)]
struct Line<'a> {
    schema: u32,
    time: String,
    workspace: &'a str,
    resource: &'a str,
    event: &'a str,
    id: &'a str,
    name: &'a str,
    yours: bool,
    origin: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    own: bool,
    fields: &'a [crate::app::changes::FieldChange],
}

/// `2026-12-01T06:09:48Z` of epoch milliseconds (UTC, whole seconds).
pub fn rfc3339(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => "-".to_string(),
    }
}

/// One event as one JSON line (no trailing newline).
pub fn json_line(e: &Event) -> String {
    let line = Line {
        schema: WATCH_SCHEMA,
        time: rfc3339(e.time_ms),
        workspace: &e.workspace,
        resource: e.resource.label(),
        event: e.kind.as_str(),
        id: &e.id,
        name: &e.name,
        yours: e.yours,
        origin: e.origin.as_str(),
        own: e.own,
        fields: &e.fields,
    };
    // Serializing plain strings, bools and numbers into a String cannot
    // fail; the fallback keeps the line valid JSON all the same.
    let raw = serde_json::to_string(&line)
        .unwrap_or_else(|_| format!("{{\"schema\":{WATCH_SCHEMA},\"error\":\"unprintable\"}}"));
    escape_controls(&raw)
}

/// Replace DEL, C1 controls, bidi controls and U+2028/U+2029 in serialized
/// JSON with `\uXXXX`. They can only occur inside JSON strings (the
/// structure is ASCII), where the escape means the same character.
pub fn escape_controls(json: &str) -> String {
    if !json.chars().any(needs_escape) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi(c)
}

/// One event as one line of text:
/// `2026-12-01T06:09:48Z demo secrets added HF_TOKEN`, then the fields
/// (`role: user → admin; status: invited → active`) and the marks
/// `[yours]`, `[lepdash's token]`, `[while away]`. Every part is sanitized.
pub fn text_line(e: &Event) -> String {
    let mut out = format!(
        "{} {} {} {} {}",
        rfc3339(e.time_ms),
        clean(&e.workspace),
        e.resource.label(),
        e.kind.as_str(),
        clean(&e.name),
    );
    if !e.id.is_empty() && e.id != e.name {
        out.push_str(&format!(" ({})", clean(&e.id)));
    }
    let fields = fields_text(e);
    if !fields.is_empty() {
        out.push_str(" — ");
        out.push_str(&fields);
    }
    if e.own {
        out.push_str(" [lepdash's token]");
    }
    if e.yours {
        out.push_str(" [yours]");
    }
    if e.origin == crate::app::changes::Origin::WhileAway {
        out.push_str(" [while away]");
    }
    out
}

/// The fields as `field: old → new` joined by `; ` (sanitized; an empty
/// side shows as `-`).
pub fn fields_text(e: &Event) -> String {
    let side = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            clean(s)
        }
    };
    e.fields
        .iter()
        .map(|f| format!("{}: {} → {}", clean(&f.field), side(&f.old), side(&f.new)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One event in the given format.
pub fn format_event(e: &Event, format: WatchFormat) -> String {
    match format {
        WatchFormat::Jsonl => json_line(e),
        WatchFormat::Text => text_line(e),
    }
}

/// What `--kinds KIND,…` selects: resource kinds (`secrets`, `tokens`, …)
/// and/or event kinds (`invite_accepted`, `stale`, …). Empty: everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindFilter {
    resources: Vec<&'static str>,
    events: Vec<EventKind>,
}

impl KindFilter {
    /// Parse a comma-separated list; an unknown name is the error text
    /// (`unknown kind "x" (use status, members, …)`).
    pub fn parse(text: &str) -> Result<KindFilter, String> {
        let mut f = KindFilter::default();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let lower = word.to_ascii_lowercase();
            if let Some(k) = resource_of_label(&lower) {
                f.resources.push(k.label());
            } else if let Some(e) = EventKind::parse(&lower) {
                f.events.push(e);
            } else {
                let resources: Vec<&str> = crate::app::changes::resource_labels().collect();
                return Err(format!(
                    "unknown kind {:?} (use {}, or an event: {})",
                    clean(word),
                    resources.join(", "),
                    EventKind::ALL.map(EventKind::as_str).join(", ")
                ));
            }
        }
        Ok(f)
    }

    /// Whether `e` passes: its resource is listed (or none are) and its
    /// event kind is listed (or none are).
    pub fn allows(&self, e: &Event) -> bool {
        (self.resources.is_empty() || self.resources.contains(&e.resource.label()))
            && (self.events.is_empty() || self.events.contains(&e.kind))
    }
}

// ------------------------------------------------------------------ the loop

/// What `lepdash watch` was asked for.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub workspace: String,
    pub format: WatchFormat,
    pub kinds: KindFilter,
    pub interval: std::time::Duration,
    /// One round against the saved snapshot, then exit.
    pub once: bool,
}

/// Why the loop stopped early.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

/// At most this often the snapshot is saved (and once on exit).
const SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

fn now_ms() -> i64 {
    crate::app::format::ms_of(std::time::SystemTime::now())
}

/// Poll every kind each `interval`, print the events one per line (flushed
/// per line) until `stop` resolves or the reader goes away (a broken pipe
/// ends it cleanly). The first poll of each kind is compared with the
/// snapshot saved by the previous run (the dashboard's or watch's), so a
/// restart misses nothing; the snapshot is saved every 30 s and on exit.
/// A failed poll is a `stale` event, the next success `recovered`; a
/// missing permission or an endpoint the workspace lacks is left out.
/// Every event seen is added to the activity file after each round (and on
/// exit), as the dashboard's own are, so the dashboard's activity view
/// shows them later; one change seen by both is kept once.
pub async fn run<W: std::io::Write>(
    client: &crate::api::Client,
    token: &str,
    opts: &WatchOptions,
    history: Option<&crate::history::History>,
    out: &mut W,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), WatchError> {
    use crate::app::changes::{
        Ctx, Origin, Snapshot, Yours, absorb, diff_fetched, health_event, take_part,
    };
    use crate::app::resource::{Problem, problem_of};
    use crate::protocol::ResourceKind;

    tokio::pin!(stop);
    let mut away = match history {
        Some(h) => {
            let loaded = h.load_snapshot(&opts.workspace);
            for w in &loaded.warnings {
                tracing::warn!(warning = %w, "watch: snapshot");
            }
            loaded.value
        }
        None => None,
    };
    let saved_before = away.clone();
    let mut prev = Snapshot::new(&opts.workspace, now_ms());
    let mut tokens_ms = away.as_ref().map_or(0, |s| s.saved_at_ms);
    let mut stale = [false; ResourceKind::ALL.len()];
    let yours = Yours::new();
    let mut last_save = std::time::Instant::now();
    // Events of this round, for the activity file.
    let mut seen: Vec<crate::app::changes::Event> = Vec::new();
    let result = 'outer: loop {
        for kind in ResourceKind::ALL {
            let fetched = tokio::select! {
                biased;
                () = &mut stop => break 'outer Ok(()),
                r = crate::sync::fetch(client, kind, token) => r,
            };
            let at = now_ms();
            let mut events = Vec::new();
            match fetched {
                Ok(f) => {
                    // The first poll of a kind: against the saved snapshot.
                    let saved = away.as_mut().filter(|s| s.has(kind));
                    let (origin, base, base_ms) = match saved {
                        Some(s) => (Origin::WhileAway, &*s, s.saved_at_ms),
                        None => (Origin::Live, &prev, tokens_ms),
                    };
                    let ctx = Ctx {
                        now_ms: at,
                        workspace: &opts.workspace,
                        origin,
                        yours: &yours,
                    };
                    events.extend(diff_fetched(&ctx, base, base_ms, &f));
                    if let Some(s) = away.as_mut() {
                        take_part(s, kind);
                    }
                    absorb(&mut prev, &f);
                    if kind == ResourceKind::Tokens {
                        tokens_ms = at;
                    }
                    let ctx = Ctx {
                        origin: Origin::Live,
                        ..ctx
                    };
                    events.extend(health_event(&ctx, kind, stale[kind.index()], false, ""));
                    stale[kind.index()] = false;
                }
                Err(e) => {
                    if matches!(
                        problem_of(kind, &e),
                        Problem::NoPermission | Problem::NotAvailable
                    ) {
                        continue;
                    }
                    tracing::info!(kind = kind.label(), error = %e, "watch: poll failed");
                    let ctx = Ctx {
                        now_ms: at,
                        workspace: &opts.workspace,
                        origin: Origin::Live,
                        yours: &yours,
                    };
                    let detail = e.to_string();
                    events.extend(health_event(&ctx, kind, stale[kind.index()], true, &detail));
                    stale[kind.index()] = true;
                }
            }
            seen.extend(events.iter().cloned());
            for e in events.iter().filter(|e| opts.kinds.allows(e)) {
                let line = format_event(e, opts.format);
                match writeln!(out, "{line}").and_then(|()| out.flush()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break 'outer Ok(()),
                    Err(e) => break 'outer Err(WatchError::Io(e)),
                }
            }
        }
        away = None;
        append(history, &mut seen, false);
        if opts.once {
            break Ok(());
        }
        if last_save.elapsed() >= SAVE_EVERY {
            last_save = std::time::Instant::now();
            save(history, &prev, saved_before.as_ref());
        }
        tokio::select! {
            biased;
            () = &mut stop => break Ok(()),
            () = tokio::time::sleep(opts.interval) => {}
        }
    };
    append(history, &mut seen, true);
    save(history, &prev, saved_before.as_ref());
    result
}

/// Add the events seen since the last call to the activity file (all of
/// them, whatever `--kinds` printed: the dashboard's activity view shows
/// every kind), merged with what the dashboard wrote so a change both saw
/// is kept once. While the dashboard holds the file's lock the events are
/// kept for the next call (`last`: written all the same).
fn append(
    history: Option<&crate::history::History>,
    seen: &mut Vec<crate::app::changes::Event>,
    last: bool,
) {
    let Some(h) = history else {
        seen.clear();
        return;
    };
    if seen.is_empty() {
        return;
    }
    match h.append_activity(seen, last) {
        Ok(Some(n)) => tracing::debug!(added = n, "watch: activity file"),
        Ok(None) => {
            tracing::info!(kept = seen.len(), "watch: activity file busy; next time");
            return;
        }
        Err(e) => tracing::warn!(error = %e, "watch: cannot write the activity file"),
    }
    seen.clear();
}

/// Save what was polled (never an empty snapshot over a good one).
fn save(
    history: Option<&crate::history::History>,
    snap: &crate::app::changes::Snapshot,
    older: Option<&crate::app::changes::Snapshot>,
) {
    let Some(h) = history else {
        return;
    };
    let mut snap = snap.clone();
    snap.saved_at_ms = now_ms();
    if let Some(older) = older {
        snap.fill_from(older);
    }
    if snap.is_empty() {
        return;
    }
    if let Err(e) = h.save_snapshot(&snap) {
        tracing::warn!(error = %e, "watch: cannot save the snapshot");
    }
}
