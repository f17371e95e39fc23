//! The fleet view (`w`, `:fleet`, `:ws` alone): one row per known workspace,
//! its activation, state, tier, reachability, lepdash's token expiry,
//! members, secrets, tokens expiring soon, GPU quota and why it needs
//! attention, in words. Pure: rows are computed from what the sync tasks
//! sent (the current workspace from the dashboard's own resources, the
//! others from `SyncEvent::FleetFetched`). `lepdash get fleet` builds the
//! same rows through [`FleetData::apply`] and [`row`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use crossterm::event::KeyEvent;

use crate::api::ApiError;
use crate::api::types::{ActivationState, Resolver, Token, WorkspaceInfo, WorkspaceState};
use crate::protocol::{Fetched, ResourceKind};

use super::changes::Snapshot;
use super::format::{coarse_duration, ms_of, secs_between};
use super::keymap::{Action, Keymap};
use super::{LineInput, WorkspaceLabel};

/// Tokens expiring within this many days are counted (as `lep` warns).
pub const EXPIRY_WINDOW_DAYS: i64 = 10;
const DAY_MS: i64 = 86_400_000;
/// A row whose last good Status is older than this (and that failed since)
/// reads "stale".
pub const STALE_AFTER: Duration = Duration::from_secs(180);

/// What the fleet knows of one workspace: the last good data of each kind,
/// with its time, and the last error of each kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetData {
    pub info: Option<WorkspaceInfo>,
    pub resolver: Option<Resolver>,
    /// When Status last answered.
    pub status_at: Option<SystemTime>,
    /// The last Status error (cleared by an answer) and when it came.
    pub status_error: Option<ApiError>,
    pub error_at: Option<SystemTime>,
    /// When Status first failed in the current run of failures.
    pub failing_since: Option<SystemTime>,
    pub members: Option<usize>,
    pub secrets: Option<usize>,
    pub tokens: Option<Vec<Token>>,
    /// lepdash's own token record (matched by its masked value).
    pub own_token: Option<String>,
    /// Lists the server refused with 403.
    pub forbidden: BTreeSet<ResourceKind>,
}

impl FleetData {
    /// Take one fetch's answer. Returns whether the row changed.
    pub fn apply(
        &mut self,
        kind: ResourceKind,
        at: SystemTime,
        result: Result<Fetched, ApiError>,
    ) -> bool {
        let before = self.clone();
        match result {
            Ok(fetched) => {
                self.forbidden.remove(&kind);
                match fetched {
                    Fetched::Status { info, resolver } => {
                        self.info = Some(info);
                        // A failed resolver keeps the last one (it is optional).
                        if resolver.is_some() {
                            self.resolver = resolver;
                        }
                        self.status_at = Some(at);
                        self.status_error = None;
                        self.error_at = None;
                        self.failing_since = None;
                    }
                    Fetched::Members(l) => self.members = Some(l.items.len()),
                    Fetched::Secrets(l) => self.secrets = Some(l.items.len()),
                    Fetched::Tokens { list, own_id } => {
                        self.tokens = Some(list.items);
                        self.own_token = own_id;
                    }
                    // Lists the fleet does not poll.
                    _ => {}
                }
            }
            Err(e) if kind == ResourceKind::Status => {
                if self.failing_since.is_none() {
                    self.failing_since = Some(at);
                }
                self.status_error = Some(e);
                self.error_at = Some(at);
            }
            Err(e) => {
                if e.status() == Some(403) {
                    self.forbidden.insert(kind);
                }
            }
        }
        *self != before
    }
}

/// How a workspace answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// Nothing asked yet, or the first answer is on its way.
    Waiting,
    Ok,
    /// It answered before, fails now: its last good data is shown.
    Stale,
    Unreachable,
    TokenRejected,
    NoPermission,
}

impl Reach {
    pub fn text(self) -> &'static str {
        match self {
            Reach::Waiting => "waiting",
            Reach::Ok => "ok",
            Reach::Stale => "stale",
            Reach::Unreachable => "unreachable",
            Reach::TokenRejected => "token rejected",
            Reach::NoPermission => "no permission",
        }
    }
}

/// How urgent a row is (sort order: most urgent first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    None,
    Notice,
    Warn,
    Alert,
}

/// One row of the fleet view (and of `lepdash get fleet`).
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRow {
    /// Index in the workspace list.
    pub index: usize,
    pub id: String,
    pub name: String,
    pub current: bool,
    /// `active` / `not activated` / `pending` / `-` (unknown yet).
    pub activation: String,
    /// `normal`, `paused`, `terminated`, … (unknown values as sent).
    pub state: String,
    pub tier: String,
    pub reach: Reach,
    /// `ok 2m` / `stale since 5m` / `unreachable 1m` / `waiting`.
    pub reach_text: String,
    /// lepdash's own token expiry (epoch ms), from the record or the list.
    pub token_expires_at: Option<i64>,
    pub members: Option<usize>,
    pub secrets: Option<usize>,
    /// Tokens expiring within [`EXPIRY_WINDOW_DAYS`] (not yet expired).
    pub tokens_expiring: Option<usize>,
    /// GPUs (used, limit), when both are sane numbers.
    pub gpu: Option<(f64, f64)>,
    pub urgency: Urgency,
    /// Why it needs attention, in words, most urgent first.
    pub attention: Vec<String>,
}

impl FleetRow {
    /// The attention column: `-` when nothing.
    pub fn attention_text(&self) -> String {
        if self.attention.is_empty() {
            "-".to_string()
        } else {
            self.attention.join("; ")
        }
    }

    pub fn gpu_text(&self) -> String {
        match self.gpu {
            Some((u, l)) => format!("{}/{}", super::format::num(u), super::format::num(l)),
            None => "-".to_string(),
        }
    }

    pub fn token_text(&self, now_ms: i64) -> String {
        match self.token_expires_at {
            Some(t) if t <= now_ms => "expired".to_string(),
            Some(t) => super::format::relative(now_ms, t),
            None => "-".to_string(),
        }
    }
}

/// A number from a server, usable in arithmetic: finite and not negative.
fn sane(v: f64) -> Option<f64> {
    (v.is_finite() && (0.0..1e12).contains(&v)).then_some(v)
}

/// The row of workspace `index` from its data at `now`.
pub fn row(
    index: usize,
    label: &WorkspaceLabel,
    d: &FleetData,
    current: bool,
    now: SystemTime,
) -> FleetRow {
    let now_ms = ms_of(now);
    let name = d
        .resolver
        .as_ref()
        .and_then(|r| r.display_name.clone())
        .filter(|s| !s.trim().is_empty())
        .or_else(|| label.display_name.clone())
        .unwrap_or_else(|| label.id.clone());
    let activation = match d.resolver.as_ref().map(Resolver::activation) {
        Some(ActivationState::Active) => "active".to_string(),
        Some(ActivationState::NotActivated) => "not activated".to_string(),
        Some(ActivationState::Pending) => "pending".to_string(),
        Some(other) => other.as_str().to_string(),
        None if d.info.is_some() => "active".to_string(),
        None => "-".to_string(),
    };
    let state = d
        .info
        .as_ref()
        .map(|i| i.workspace_state.as_str().to_string())
        .unwrap_or_else(|| "-".to_string());
    let tier = d
        .info
        .as_ref()
        .map(|i| i.workspace_tier.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "-".to_string());
    let age = |t: Option<SystemTime>| t.map(|t| coarse_duration(secs_between(t, now)));
    let reach = match (&d.status_error, d.status_at) {
        (None, None) => Reach::Waiting,
        (None, Some(_)) => Reach::Ok,
        (Some(e), _) if e.status() == Some(401) => Reach::TokenRejected,
        (Some(e), _) if e.status() == Some(403) => Reach::NoPermission,
        (Some(_), Some(_)) => Reach::Stale,
        (Some(_), None) => Reach::Unreachable,
    };
    let reach_text = match reach {
        Reach::Waiting => "waiting".to_string(),
        Reach::Ok => format!("ok {}", age(d.status_at).unwrap_or_default()),
        Reach::Stale => format!(
            "stale since {}",
            age(d.failing_since).unwrap_or_else(|| "-".into())
        ),
        other => format!(
            "{} {}",
            other.text(),
            age(d.failing_since).unwrap_or_default()
        )
        .trim_end()
        .to_string(),
    };
    let own = d
        .own_token
        .as_ref()
        .and_then(|id| {
            d.tokens
                .as_ref()?
                .iter()
                .find(|t| t.id.as_str() == id.as_str())
        })
        .and_then(|t| t.expires_at);
    let token_expires_at = label.token_expires_at.or(own);
    let tokens_expiring = d.tokens.as_ref().map(|ts| {
        ts.iter()
            .filter_map(|t| t.expires_at)
            .filter(|&e| e > now_ms && e.saturating_sub(now_ms) < EXPIRY_WINDOW_DAYS * DAY_MS)
            .count()
    });
    let gpu = d.info.as_ref().and_then(|i| {
        let q = &i.resource_quota;
        Some((
            sane(q.used.accelerator_num)?,
            sane(q.limit.accelerator_num)?,
        ))
    });

    let mut attention: Vec<(Urgency, String)> = Vec::new();
    match reach {
        Reach::TokenRejected => attention.push((
            Urgency::Alert,
            "the token is refused: log in again with `lep login -c ID:TOKEN`".into(),
        )),
        Reach::Unreachable => attention.push((Urgency::Alert, "does not answer".into())),
        Reach::NoPermission => attention.push((
            Urgency::Warn,
            "the token may not read this workspace".into(),
        )),
        Reach::Stale => attention.push((
            Urgency::Warn,
            format!(
                "no answer for {}; showing older data",
                age(d.failing_since).unwrap_or_default()
            ),
        )),
        Reach::Waiting | Reach::Ok => {}
    }
    if let Some(t) = token_expires_at {
        let left = t.saturating_sub(now_ms);
        if left <= 0 {
            attention.push((Urgency::Alert, "lepdash's token has expired".into()));
        } else if left < EXPIRY_WINDOW_DAYS * DAY_MS {
            attention.push((
                Urgency::Warn,
                format!(
                    "lepdash's token expires {}",
                    super::format::relative(now_ms, t)
                ),
            ));
        }
    }
    match activation.as_str() {
        "not activated" => attention.push((Urgency::Warn, "not activated yet".into())),
        "pending" => attention.push((Urgency::Notice, "activation pending".into())),
        _ => {}
    }
    if let Some(info) = &d.info {
        match &info.workspace_state {
            WorkspaceState::Normal => {}
            WorkspaceState::Paused => attention.push((Urgency::Warn, "paused".into())),
            WorkspaceState::Terminated => attention.push((Urgency::Alert, "terminated".into())),
            other => attention.push((Urgency::Warn, format!("state {}", other.as_str()))),
        }
    }
    if let Some((u, l)) = gpu
        && l > 0.0
        && u >= l
    {
        attention.push((Urgency::Notice, "GPU quota used up".into()));
    }
    if let Some(n) = tokens_expiring.filter(|&n| n > 0) {
        let s = if n == 1 {
            "token expires"
        } else {
            "tokens expire"
        };
        attention.push((Urgency::Notice, format!("{n} {s} within 10 days")));
    }
    for kind in &d.forbidden {
        attention.push((
            Urgency::Notice,
            format!("no permission to list {}", kind.label()),
        ));
    }
    attention.sort_by_key(|a| std::cmp::Reverse(a.0));
    let urgency = attention.first().map(|a| a.0).unwrap_or(Urgency::None);
    FleetRow {
        index,
        id: label.id.clone(),
        name: crate::text::sanitize(&name).into_owned(),
        current,
        activation,
        state: crate::text::sanitize(&state).into_owned(),
        tier: crate::text::sanitize(&tier).into_owned(),
        reach,
        reach_text,
        token_expires_at,
        members: d.members,
        secrets: d.secrets,
        tokens_expiring,
        gpu,
        urgency,
        attention: attention
            .into_iter()
            .map(|(_, t)| crate::text::sanitize(&t).into_owned())
            .collect(),
    }
}

/// Sort columns of the fleet view (`s` cycles, `S` reverses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetSort {
    #[default]
    Attention,
    Name,
    State,
    Reach,
    Gpu,
}

impl FleetSort {
    const ALL: [FleetSort; 5] = [
        FleetSort::Attention,
        FleetSort::Name,
        FleetSort::State,
        FleetSort::Reach,
        FleetSort::Gpu,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FleetSort::Attention => "attention",
            FleetSort::Name => "name",
            FleetSort::State => "state",
            FleetSort::Reach => "reachability",
            FleetSort::Gpu => "GPU use",
        }
    }

    fn next(self) -> FleetSort {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// Sort rows by `sort` (ties: name, then id).
pub fn sort_rows(rows: &mut [FleetRow], sort: FleetSort, reverse: bool) {
    let gpu_share = |r: &FleetRow| match r.gpu {
        Some((u, l)) if l > 0.0 => u / l,
        _ => -1.0,
    };
    rows.sort_by(|a, b| {
        let primary = match sort {
            FleetSort::Attention => b.urgency.cmp(&a.urgency),
            FleetSort::Name => std::cmp::Ordering::Equal,
            FleetSort::State => a.state.cmp(&b.state),
            FleetSort::Reach => b.reach.cmp(&a.reach),
            FleetSort::Gpu => gpu_share(b).total_cmp(&gpu_share(a)),
        };
        let primary = if reverse { primary.reverse() } else { primary };
        primary
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// The fleet view's state in the model.
#[derive(Debug, Clone, Default)]
pub struct FleetView {
    pub open: bool,
    /// Data of each workspace by index (the current one's comes from the
    /// dashboard's resources instead).
    pub data: Vec<FleetData>,
    /// Workspace index of the selected row.
    pub selected: Option<usize>,
    pub filter: LineInput,
    pub filter_editing: bool,
    pub sort: FleetSort,
    pub reverse: bool,
    /// Workspaces reached with the current token at a derived URL (`:ws ID`
    /// for an id no credential source lists), with the id whose token it is.
    pub borrowed: BTreeMap<usize, String>,
    /// Per workspace not on screen, the parts the fleet polls as an earlier
    /// run saved them: each part is compared once with the fleet's first
    /// answer of its kind ("while lepdash was not running"), then dropped.
    pub away: BTreeMap<usize, Snapshot>,
    /// Per workspace not on screen, its snapshot to save: what an earlier
    /// run saved, with the fleet's answers of this run over it.
    pub seen: BTreeMap<usize, Snapshot>,
    /// Workspaces whose `seen` changed since it was last saved.
    pub unsaved: BTreeSet<usize>,
    /// Workspaces the fleet answered for since their `seen` was last saved
    /// (only its time may have moved).
    pub touched: BTreeSet<usize>,
}

/// Which fleet snapshots to hand out for saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveFleet {
    /// Those whose content changed (the periodic save).
    Changed,
    /// Every one the fleet answered for (on exit: their time moved too).
    Touched,
}

impl FleetView {
    /// The snapshot an earlier run saved of workspace `i` (not on screen):
    /// its `kinds` parts are compared with the fleet's first answers, and
    /// the whole is the base of what this run saves for it.
    pub fn remember_saved(&mut self, i: usize, snap: Snapshot, kinds: &[ResourceKind]) {
        let part = snap.only(kinds);
        if !part.is_empty() {
            self.away.insert(i, part);
        }
        self.seen.insert(i, snap);
    }

    /// The workspaces whose snapshots (in [`Self::seen`], never empty) to
    /// write now, marked saved.
    pub fn to_save(&mut self, which: SaveFleet) -> Vec<usize> {
        let ids: BTreeSet<usize> = match which {
            SaveFleet::Changed => std::mem::take(&mut self.unsaved),
            SaveFleet::Touched => {
                let mut all = std::mem::take(&mut self.unsaved);
                all.append(&mut self.touched);
                all
            }
        };
        for i in &ids {
            self.touched.remove(i);
        }
        ids.into_iter()
            .filter(|i| self.seen.get(i).is_some_and(|s| !s.is_empty()))
            .collect()
    }

    /// Workspace `left` stops being the current one: `snap` (the
    /// dashboard's snapshot of it, saved as it is left) is the base of what
    /// the fleet saves for it from now on; nothing of it is "while away".
    pub fn left(&mut self, left: usize, snap: Snapshot) {
        self.away.remove(&left);
        self.unsaved.remove(&left);
        self.touched.remove(&left);
        self.seen.insert(left, snap);
    }

    /// Workspace `i` becomes the current one: the fleet's snapshot of it,
    /// when it has news the file lacks (to save before the dashboard loads
    /// the file); the dashboard keeps it from now on.
    pub fn entered(&mut self, i: usize) -> Option<Snapshot> {
        self.away.remove(&i);
        let news = self.unsaved.remove(&i) | self.touched.remove(&i);
        let snap = self.seen.remove(&i)?;
        (news && !snap.is_empty()).then_some(snap)
    }

    /// Data of workspace `i` (grown on demand).
    pub fn data_mut(&mut self, i: usize) -> &mut FleetData {
        if self.data.len() <= i {
            self.data.resize_with(i + 1, FleetData::default);
        }
        &mut self.data[i]
    }
}

/// Whether a row matches the filter (id, name, state, attention).
pub fn matches(row: &FleetRow, filter: &str) -> bool {
    let f = super::format::fold_str(filter.trim());
    if f.is_empty() {
        return true;
    }
    [
        row.id.as_str(),
        row.name.as_str(),
        row.state.as_str(),
        row.activation.as_str(),
        row.reach.text(),
    ]
    .iter()
    .any(|s| super::format::fold_str(s).contains(&f))
        || row
            .attention
            .iter()
            .any(|a| super::format::fold_str(a).contains(&f))
}

/// What a key did in the fleet view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetKey {
    /// Handled here (the view changed or not).
    Handled,
    /// Enter on a row: switch the dashboard to this workspace.
    Switch(usize),
    /// Not the fleet's: the dashboard handles the action (the view closes
    /// for pane keys).
    Pass(Action),
    Ignored,
}

/// A key in the fleet view, given the rows as shown (sorted, filtered).
pub fn on_key(
    view: &mut FleetView,
    keymap: &Keymap,
    key: &KeyEvent,
    shown: &[usize],
    page: usize,
) -> FleetKey {
    if view.filter_editing {
        match keymap.text_field_action(key) {
            Some(Action::Confirm) => view.filter_editing = false,
            Some(Action::Cancel) => {
                view.filter_editing = false;
                view.filter.clear();
            }
            _ => {
                view.filter.handle_key(key);
            }
        }
        return FleetKey::Handled;
    }
    let Some(action) = keymap.action_for(key) else {
        return FleetKey::Ignored;
    };
    let pos = view
        .selected
        .and_then(|s| shown.iter().position(|&i| i == s))
        .unwrap_or(0);
    let last = shown.len().saturating_sub(1);
    let select = |view: &mut FleetView, p: usize| {
        view.selected = shown.get(p.min(last)).copied();
        FleetKey::Handled
    };
    match action {
        Action::Down => select(view, pos + 1),
        Action::Up => select(view, pos.saturating_sub(1)),
        Action::Top => select(view, 0),
        Action::Bottom => select(view, last),
        Action::PageDown => select(view, pos + page.max(1)),
        Action::PageUp => select(view, pos.saturating_sub(page.max(1))),
        Action::Filter => {
            view.filter_editing = true;
            FleetKey::Handled
        }
        Action::SortNext => {
            view.sort = view.sort.next();
            FleetKey::Handled
        }
        Action::SortReverse => {
            view.reverse = !view.reverse;
            FleetKey::Handled
        }
        Action::Details => match shown.get(pos) {
            Some(&i) => FleetKey::Switch(i),
            None => FleetKey::Handled,
        },
        Action::Back => {
            if !view.filter.is_empty() {
                view.filter.clear();
            } else {
                view.open = false;
            }
            FleetKey::Handled
        }
        Action::Fleet => {
            view.open = false;
            FleetKey::Handled
        }
        other => FleetKey::Pass(other),
    }
}
