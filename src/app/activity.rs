//! What changed, as state (issue 10): the activity log and its view, the
//! lasting row markers, the "while lepdash was not running" comparison, the
//! set of items this dashboard changed, health (stale / recovered) and the
//! attention list. Pure like the rest of `app`: time comes from the model.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use crate::protocol::{Fetched, ResourceKind};

use super::changes::{
    ActivityLog, Ctx, Event, EventKind, Origin, Row, Rows, Severity, Snapshot, SnapshotRef,
    StatusRef, TokensRef, TrackedList, Yours, absorb, diff_fetched, diff_items, diff_status,
    diff_tokens, diff_workload, health_event, row_id, take_part,
};
use super::{Effect, LineInput, Model, format};

/// A marked row stays marked until its pane has been on screen this long
/// (after the change).
pub const SEEN_AFTER: Duration = Duration::from_secs(3);
/// A token this close to its expiry needs attention (10 days).
const ATTENTION_DAYS: i64 = 10;

/// Why a row is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Added since the user last looked at the pane.
    New,
    /// Changed since the user last looked at the pane.
    Changed,
}

impl Mark {
    /// The word shown with the glyph (markers are never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Mark::New => "new",
            Mark::Changed => "changed",
        }
    }
}

/// A lasting marker: what happened to the row and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unseen {
    pub mark: Mark,
    pub at: SystemTime,
}

/// What the lasting markers of one kind add up to, kept as they change so
/// that neither a frame (the pane title counts them) nor a tick (which fades
/// them) walks every marker.
#[derive(Debug, Clone, Copy, Default)]
struct MarkTally {
    new: usize,
    changed: usize,
    /// No marker is older than this (`None`: no markers).
    oldest: Option<SystemTime>,
}

impl MarkTally {
    fn count(&mut self, mark: Mark, delta: isize) {
        let n = match mark {
            Mark::New => &mut self.new,
            Mark::Changed => &mut self.changed,
        };
        *n = n.saturating_add_signed(delta);
    }

    fn of(marks: &HashMap<String, Unseen>) -> Self {
        let mut t = MarkTally::default();
        for u in marks.values() {
            t.count(u.mark, 1);
            t.oldest = Some(t.oldest.map_or(u.at, |o| o.min(u.at)));
        }
        t
    }
}

/// One thing that needs the user, for the header (lasting while true).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attention {
    /// Short text: `token 3d`, `token expired`, `not activated`.
    pub text: String,
    /// Whether it is urgent (expired, paused) rather than a warning.
    pub urgent: bool,
}

/// One item that needs the user: its workspace, kind and id, and whether
/// what needs the user is its pane's health (stale / recovered) rather than
/// the item's own state (a workload failed, a token expired, a quota).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct NeedKey {
    workspace: String,
    resource: ResourceKind,
    id: String,
    health: bool,
}

impl NeedKey {
    fn of(e: &Event, health: bool) -> Self {
        NeedKey {
            workspace: e.workspace.clone(),
            resource: e.resource,
            id: e.id.clone(),
            health,
        }
    }
}

/// Whether `e` says its item no longer needs the user: a stale pane
/// refreshed, the item gone, a quota back below 95 %, a workload in a state
/// that is not a failure (a failure is [`EventKind::Failed`]; a restart is
/// not a recovery yet).
fn recovers(e: &Event) -> bool {
    match e.kind {
        EventKind::Recovered
        | EventKind::Removed
        | EventKind::QuotaBelow95
        | EventKind::QuotaBelow80 => true,
        EventKind::StateChanged => e.resource.is_workload(),
        _ => false,
    }
}

/// Everything issue 10 keeps in the model.
#[derive(Debug, Clone)]
pub struct Activity {
    /// The last 10,000 events, newest first (saved by the driver).
    pub log: ActivityLog,
    /// Items this dashboard mutated and whose next list is not diffed yet.
    pub yours: Yours,
    /// Kinds with an answered mutation: their `yours` keys go after the
    /// next successful list of that kind.
    pub answered: HashSet<ResourceKind>,
    /// The current workspace's snapshot saved by the previous run; each part
    /// is compared once with the first poll of its kind, then dropped.
    pub away: Option<Snapshot>,
    /// While-away events not looked at yet (the header summary), of every
    /// workspace.
    pub away_unseen: usize,
    /// Items that need the user, of every workspace, not looked at yet (the
    /// header's attention; the activity view clears it): an item is in
    /// while its latest event needs the user ([`Severity::NeedsYou`]) and
    /// leaves when it recovers, so one that flaps is counted once.
    needing: HashSet<NeedKey>,
    /// Show only the events of this workspace (`None`: every workspace).
    pub only: Option<String>,
    /// Lasting markers per kind (indexed like `ResourceKind::ALL`): row id →
    /// mark.
    /// Private: `tally` follows every change of it.
    unseen: [HashMap<String, Unseen>; ResourceKind::ALL.len()],
    /// Per kind: the counts and the oldest time of `unseen`.
    tally: [MarkTally; ResourceKind::ALL.len()],
    /// When the visible pane came on screen (the activity view and overlays
    /// hide it).
    pub shown_since: Option<SystemTime>,
    /// Whether each pane was stale at the last look (for stale/recovered).
    pub stale: [bool; ResourceKind::ALL.len()],
    /// Event kinds that raise a terminal notification (empty: off).
    pub notify: Vec<EventKind>,
    /// The log changed since the driver last saved it.
    pub unsaved: bool,
    /// [`Model::data_generation`] when the driver last wrote the snapshot
    /// (`None`: not written since this workspace's data or saved snapshot
    /// came).
    pub saved_generation: Option<u64>,
    /// The view: open (instead of the pane), selection, filter.
    pub open: bool,
    pub selected: usize,
    pub offset: usize,
    pub filter: LineInput,
    pub filter_editing: bool,
    /// Indexes into the log matching the filter (`None`: no filter, all).
    shown: Option<Vec<usize>>,
}

impl Default for Activity {
    fn default() -> Self {
        Activity {
            log: ActivityLog::new(),
            yours: Yours::new(),
            answered: HashSet::new(),
            away: None,
            away_unseen: 0,
            needing: HashSet::new(),
            only: None,
            unseen: Default::default(),
            tally: Default::default(),
            shown_since: None,
            stale: [false; ResourceKind::ALL.len()],
            notify: Vec::new(),
            unsaved: false,
            saved_generation: None,
            open: false,
            selected: 0,
            offset: 0,
            filter: LineInput::default(),
            filter_editing: false,
            shown: None,
        }
    }
}

impl Activity {
    /// The number of events shown (after the filter).
    pub fn shown_len(&self) -> usize {
        match &self.shown {
            Some(v) => v.len(),
            None => self.log.len(),
        }
    }

    /// The log index of the `pos`-th shown event.
    pub fn shown_at(&self, pos: usize) -> Option<usize> {
        match &self.shown {
            Some(v) => v.get(pos).copied(),
            None => (pos < self.log.len()).then_some(pos),
        }
    }

    /// The `pos`-th shown event.
    pub fn event_at(&self, pos: usize) -> Option<&Event> {
        self.shown_at(pos).and_then(|i| self.log.get(i))
    }

    /// The selected event.
    pub fn selected_event(&self) -> Option<&Event> {
        self.event_at(self.selected)
    }

    /// Re-apply the filter (after it or the log changed).
    pub fn refilter(&mut self) {
        self.shown = if self.filter.value().trim().is_empty() && self.only.is_none() {
            None
        } else {
            Some(
                self.log
                    .filter_in(self.filter.value(), self.only.as_deref()),
            )
        };
        self.clamp();
    }

    /// Show only `workspace`'s events, or every workspace's again.
    pub fn toggle_only(&mut self, workspace: &str) {
        self.only = match self.only {
            Some(_) => None,
            None => Some(super::changes::clean(workspace)),
        };
        self.selected = 0;
        self.offset = 0;
        self.refilter();
    }

    /// Unseen markers of the tab of `kind`: the four workload views share
    /// one tab, and its count is theirs together.
    pub fn unseen_tab_count(&self, kind: ResourceKind) -> usize {
        if kind.is_workload() {
            crate::protocol::WORKLOAD_VIEWS
                .iter()
                .map(|k| self.unseen_count(*k))
                .sum()
        } else {
            self.unseen_count(kind)
        }
    }

    fn clamp(&mut self) {
        let n = self.shown_len();
        if self.selected >= n {
            self.selected = n.saturating_sub(1);
        }
        if self.offset > self.selected {
            self.offset = self.selected;
        }
    }

    /// Move the selection by `delta` rows.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.shown_len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        let to = (self.selected as isize + delta).clamp(0, n as isize - 1);
        self.selected = to as usize;
    }

    /// Keep the selection inside a window of `rows`.
    pub fn ensure_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
    }

    /// Items that need the user, not looked at yet (distinct workspace,
    /// kind and item whose latest event needs the user).
    pub fn needs_you(&self) -> usize {
        self.needing.len()
    }

    /// The user looked (the activity view opened): nothing is unseen.
    pub fn seen_needs(&mut self) {
        self.needing.clear();
    }

    /// Follow what `e` says of its item's need for the user; `count`:
    /// whether a new need is counted (not while the view shows it, not
    /// what has a lasting header mark of its own).
    fn follow_need(&mut self, e: &Event, count: bool) {
        let health = matches!(e.kind, EventKind::Stale | EventKind::Recovered);
        if e.severity() == Severity::NeedsYou {
            if count {
                self.needing.insert(NeedKey::of(e, health));
            }
        } else if recovers(e) {
            self.needing.remove(&NeedKey::of(e, health));
            if e.kind == EventKind::Removed {
                self.needing.remove(&NeedKey::of(e, true));
            }
        }
    }

    /// Unseen markers of a pane.
    pub fn unseen_count(&self, kind: ResourceKind) -> usize {
        self.unseen[kind.index()].len()
    }

    /// The lasting marker of row `id` of `kind`, if any.
    pub fn unseen_mark(&self, kind: ResourceKind, id: &str) -> Option<Mark> {
        self.unseen[kind.index()].get(id).map(|u| u.mark)
    }

    /// Unseen markers of a pane by mark: (new, changed).
    pub fn mark_counts(&self, kind: ResourceKind) -> (usize, usize) {
        let t = &self.tally[kind.index()];
        (t.new, t.changed)
    }

    /// Add events of the current workspace on top of the log; marks rows,
    /// counts while-away events and those that need the user, and returns
    /// the notification effects.
    pub fn record(&mut self, events: Vec<Event>, at: SystemTime) -> Vec<Effect> {
        self.add(events, at, true)
    }

    /// Add events of workspaces not on screen (the fleet): as
    /// [`Self::record`], without row markers (the panes show the current
    /// workspace).
    pub fn record_fleet(&mut self, events: Vec<Event>, at: SystemTime) -> Vec<Effect> {
        self.add(events, at, false)
    }

    fn add(&mut self, events: Vec<Event>, at: SystemTime, mark: bool) -> Vec<Effect> {
        if events.is_empty() {
            return Vec::new();
        }
        let mut fx = Vec::new();
        for e in &events {
            if let Some(id) = row_id(e).filter(|_| mark) {
                let marks = &mut self.unseen[e.resource.index()];
                let tally = &mut self.tally[e.resource.index()];
                let (gone, put) = match e.kind {
                    EventKind::Removed => (marks.remove(&id), None),
                    EventKind::Added => {
                        let u = Unseen {
                            mark: Mark::New,
                            at,
                        };
                        (marks.insert(id, u), Some(u))
                    }
                    _ => {
                        // A new row that changed again is still new.
                        let mark = match marks.get(&id) {
                            Some(u) if u.mark == Mark::New => Mark::New,
                            _ => Mark::Changed,
                        };
                        let u = Unseen { mark, at };
                        (marks.insert(id, u), Some(u))
                    }
                };
                if let Some(g) = gone {
                    tally.count(g.mark, -1);
                }
                if let Some(u) = put {
                    tally.count(u.mark, 1);
                    tally.oldest = Some(tally.oldest.map_or(at, |o| o.min(at)));
                }
                if marks.is_empty() {
                    tally.oldest = None;
                }
            }
            if e.origin == Origin::WhileAway {
                self.away_unseen += 1;
            }
            // Seen as it arrives while the view is open. The current
            // workspace's stale data and expired token have lasting header
            // marks of their own (STALE, TOKEN EXPIRED): not counted twice.
            let own_mark = mark && matches!(e.kind, EventKind::Stale | EventKind::TokenExpired);
            self.follow_need(e, !self.open && !own_mark);
            if self.notify.contains(&e.kind) {
                fx.push(Effect::Notify(notification(e)));
            }
        }
        let n = events.len();
        self.log.push_batch(events);
        self.unsaved = true;
        // Keep the selected event selected when it is not the top one.
        if self.selected > 0 && self.shown.is_none() {
            self.selected += n;
        }
        self.after_growth();
        fx
    }

    /// Take the events another poller wrote to the activity file (`lepdash
    /// watch`) that this log lacks; returns how many were added. They are
    /// history: no markers, no notifications, nothing counted as unseen.
    pub fn merge_saved(&mut self, events: impl IntoIterator<Item = Event>) -> usize {
        let added = self.log.merge(events);
        if added > 0 {
            // The order changed: keep it simple, go back to the top.
            self.selected = 0;
            self.offset = 0;
            self.after_growth();
        }
        added
    }

    fn after_growth(&mut self) {
        if self.shown.is_some() {
            self.refilter();
        } else {
            self.clamp();
        }
    }

    /// Forget the markers of `kind` that have been on screen long enough.
    pub fn fade(&mut self, kind: ResourceKind, now: SystemTime) -> bool {
        let Some(since) = self.shown_since else {
            return false;
        };
        // No marker is older than `oldest`: until that one has been on
        // screen `SEEN_AFTER`, none has, and nothing is scanned (this runs
        // after every message, each key press too).
        let Some(oldest) = self.tally[kind.index()].oldest else {
            return false;
        };
        if now.duration_since(oldest.max(since)).unwrap_or_default() < SEEN_AFTER {
            return false;
        }
        let marks = &mut self.unseen[kind.index()];
        let before = marks.len();
        marks.retain(|_, u| {
            let from = u.at.max(since);
            now.duration_since(from).unwrap_or_default() < SEEN_AFTER
        });
        self.tally[kind.index()] = MarkTally::of(marks);
        marks.len() != before
    }

    /// Another workspace: markers, health and snapshot belong to the old one.
    pub fn forget_workspace(&mut self) {
        self.unseen = Default::default();
        self.tally = Default::default();
        self.stale = [false; ResourceKind::ALL.len()];
        self.away = None;
        self.saved_generation = None;
        self.yours = Yours::new();
        self.answered.clear();
    }
}

/// A notification's text: what happened, names only (events carry no secret
/// values or tokens).
pub fn notification(e: &Event) -> String {
    let mut text = format!(
        "{} {} {}",
        e.resource.label(),
        e.kind.as_str().replace('_', " "),
        if e.name.is_empty() { &e.id } else { &e.name }
    );
    if let Some(f) = e.fields.first() {
        text.push_str(&format!(": {} {} → {}", f.field, f.old, f.new));
    }
    super::changes::clean(&text)
}

/// The events of one successful fetch (before it is stored): against the
/// previous run's snapshot for the first poll of a kind, else against the
/// data the model holds. Token expiry is checked on every token poll.
pub fn events_of_fetch(model: &mut Model, fetched: &Fetched, at: SystemTime) -> Vec<Event> {
    let kind = fetched.kind();
    let now_ms = format::ms_of(at);
    let workspace = model.workspace_id().to_string();
    let first = model.resource_state(kind).fetched_at.is_none();
    // While away: the saved part of this kind, once, for the first poll.
    let saved = if first {
        model.activity.away.take()
    } else {
        None
    };
    if let Some(mut snap) = saved {
        let ctx = Ctx {
            now_ms,
            workspace: &workspace,
            origin: Origin::WhileAway,
            yours: &model.activity.yours,
        };
        let events = diff_fetched(&ctx, &snap, snap.saved_at_ms, fetched);
        let had_part = take_part(&mut snap, kind);
        if !snap.is_empty() {
            model.activity.away = Some(snap);
        }
        if had_part {
            finish_yours(model, kind);
            return events;
        }
    }
    let ctx = Ctx {
        now_ms,
        workspace: &workspace,
        origin: Origin::Live,
        yours: &model.activity.yours,
    };
    let events = match fetched {
        Fetched::Status { info, resolver } => match &model.status.data {
            Some(d) => {
                let new_resolver = resolver.as_ref().or(d.resolver.as_ref());
                diff_status(&ctx, &d.info, d.resolver.as_ref(), info, new_resolver)
            }
            None => Vec::new(),
        },
        Fetched::Members(list) => match &model.members.data {
            Some(old) => diff_items(&ctx, kind, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Tokens { list, own_id } => match &model.tokens.data {
            Some(old) => {
                let old_ms = model.tokens.fetched_at.map(format::ms_of).unwrap_or(now_ms);
                diff_tokens(&ctx, &old.list, old_ms, &list.items, own_id.as_deref())
            }
            None => Vec::new(),
        },
        Fetched::Secrets(list) => match &model.secrets.data {
            Some(old) => diff_items(&ctx, kind, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Registries(list) => match &model.registries.data {
            Some(old) => diff_items(&ctx, kind, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Templates(list) => match &model.templates.data {
            Some(old) => diff_items(&ctx, kind, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Endpoints { list, .. } => match &model.endpoints.data {
            Some(old) => diff_workload(&ctx, kind, &old.list, &list.items),
            None => Vec::new(),
        },
        Fetched::Jobs(list) => match &model.jobs.data {
            Some(old) => diff_workload(&ctx, kind, &old.jobs, &list.jobs.items),
            None => Vec::new(),
        },
        Fetched::Pods { list, .. } => match &model.pods.data {
            Some(old) => diff_workload(&ctx, kind, &old.list, &list.items),
            None => Vec::new(),
        },
        // A group's answer and the model's row differ in type: compare rows
        // (node groups are few).
        Fetched::Nodes(list) => match &model.nodes.data {
            Some(old) => diff_workload(&ctx, kind, &Row::all(old), &Row::all(&list.items)),
            None => Vec::new(),
        },
        Fetched::Unchanged(_) => Vec::new(),
    };
    finish_yours(model, kind);
    events
}

/// A fleet answer for workspace `i` (not on screen): against the parts an
/// earlier run saved of it, once per kind, the "while away" events; and the
/// answer kept for the next start (`FleetView::seen`, saved by the driver).
pub fn fleet_fetched(model: &mut Model, i: usize, fetched: &Fetched, at: SystemTime) -> Vec<Event> {
    let Some(workspace) = model.workspaces.get(i).map(|w| w.id.clone()) else {
        return Vec::new();
    };
    let kind = fetched.kind();
    let now_ms = format::ms_of(at);
    let fleet = &mut model.fleet;
    if matches!(fetched, Fetched::Unchanged(_)) {
        // The same answer as the last one: only its time moved.
        if let Some(seen) = fleet.seen.get_mut(&i) {
            seen.saved_at_ms = now_ms;
            fleet.touched.insert(i);
        }
        return Vec::new();
    }
    let mut events = Vec::new();
    if let Some(snap) = fleet.away.get_mut(&i) {
        if snap.has(kind) {
            let yours = Yours::new();
            let ctx = Ctx {
                now_ms,
                workspace: &workspace,
                origin: Origin::WhileAway,
                yours: &yours,
            };
            events = diff_fetched(&ctx, snap, snap.saved_at_ms, fetched);
            take_part(snap, kind);
        }
        if snap.is_empty() {
            fleet.away.remove(&i);
        }
    }
    let seen = fleet
        .seen
        .entry(i)
        .or_insert_with(|| Snapshot::new(&workspace, now_ms));
    if absorb(seen, fetched) {
        fleet.unsaved.insert(i);
    }
    seen.saved_at_ms = now_ms;
    fleet.touched.insert(i);
    events
}

/// After a list of `kind` was diffed: the keys of answered mutations go.
fn finish_yours(model: &mut Model, kind: ResourceKind) {
    if model.activity.answered.remove(&kind) {
        model.activity.yours.clear_kind(kind);
    }
}

/// Whether a pane's refresh is failing (the health the events follow). Not
/// the age of its data: hidden panes are polled slower than the visible
/// one, so age alone would flap; not a missing permission or an endpoint
/// the workspace lacks either (those are answers, not failures).
pub fn failing(model: &Model, kind: ResourceKind) -> bool {
    matches!(
        model.problem(kind),
        Some(super::Problem::Failed | super::Problem::TokenRejected)
    )
}

/// Stale / recovered events for every pane whose health flipped.
pub fn health_events(model: &mut Model) -> Vec<Event> {
    let mut out = Vec::new();
    let workspace = model.workspace_id().to_string();
    let now_ms = model.now_ms();
    for kind in ResourceKind::ALL {
        let is = failing(model, kind);
        let was = model.activity.stale[kind.index()];
        if is == was {
            continue;
        }
        model.activity.stale[kind.index()] = is;
        let detail = model
            .resource_state(kind)
            .error
            .map(|e| e.to_string())
            .unwrap_or_default();
        let ctx = Ctx {
            now_ms,
            workspace: &workspace,
            origin: Origin::Live,
            yours: &model.activity.yours,
        };
        out.extend(health_event(&ctx, kind, was, is, &detail));
    }
    out
}

/// The model's data as a snapshot of the current workspace (what the
/// driver saves, so the next start can compare).
pub fn snapshot_of(model: &Model) -> Snapshot {
    snapshot_ref(model).to_snapshot()
}

/// [`snapshot_of`] without copying: the model's lists (and the parts of
/// the previous run's snapshot not fetched this run), borrowed, for the
/// driver to write.
pub fn snapshot_ref(model: &Model) -> SnapshotRef<'_> {
    let mut s = SnapshotRef::new(model.workspace_id(), model.now_ms());
    s.status = model.status.data.as_ref().map(|d| StatusRef {
        info: &d.info,
        resolver: d.resolver.as_ref(),
    });
    s.members = model.members.data.as_deref();
    s.tokens = model.tokens.data.as_ref().map(|d| TokensRef {
        list: &d.list,
        own_id: d.own_id.as_deref(),
    });
    s.secrets = model.secrets.data.as_deref();
    s.registries = model.registries.data.as_deref();
    s.templates = model.templates.data.as_deref();
    s.endpoints = model.endpoints.data.as_ref().map(|d| Rows::Live(&d.list));
    s.jobs = model.jobs.data.as_ref().map(|d| Rows::Live(&d.jobs));
    s.pods = model.pods.data.as_ref().map(|d| Rows::Live(&d.list));
    s.nodes = model
        .nodes
        .data
        .as_ref()
        .map(|d| Rows::Live(d as &dyn TrackedList));
    if let Some(away) = &model.activity.away {
        s.fill_from(away);
    }
    s
}

/// What needs the user now, most urgent first: lepdash's own token
/// expiring or expired, panes out of sight whose refresh fails. (The
/// workspace's state and activation — paused, not activated, pending — and
/// the visible pane's stale data have their own lasting header marks: the
/// state badge and STALE.)
pub fn attention(model: &Model) -> Vec<Attention> {
    let mut out = Vec::new();
    let now = model.now_ms();
    if let Some(exp) = model.token_expires_at() {
        if exp <= now {
            out.push(Attention {
                text: "token expired".into(),
                urgent: true,
            });
        } else {
            let days = (exp - now) / 86_400_000;
            if days < ATTENTION_DAYS {
                out.push(Attention {
                    text: if days == 0 {
                        "token <1d".into()
                    } else {
                        format!("token {days}d")
                    },
                    urgent: days < 2,
                });
            }
        }
    }
    // The header's STALE marker covers the visible pane and the status;
    // this one the panes out of sight.
    let shown = model.is_stale(model.pane) || model.is_stale(ResourceKind::Status);
    let out_of_sight = |k: ResourceKind| {
        k != model.pane
            && k != ResourceKind::Status
            && failing(model, k)
            && model.resource_state(k).has_data
    };
    if !shown && ResourceKind::ALL.into_iter().any(out_of_sight) {
        out.push(Attention {
            text: "stale".into(),
            urgent: false,
        });
    }
    // Items that need the user (a workload failed, a token expired, …), of
    // any workspace, until they recover or the activity view is opened.
    let n = model.activity.needs_you();
    if n > 0 {
        out.push(Attention {
            text: format!("{n} need{} you", if n == 1 { "s" } else { "" }),
            urgent: true,
        });
    }
    // Other workspaces that need the user now (unreachable, token refused
    // or expired, terminated): the fleet view says why (and while it is
    // open, this is not repeated).
    let others: Vec<&str> = model
        .workspaces
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != model.current && !model.fleet.open)
        .filter_map(|(i, w)| {
            let d = model.fleet.data.get(i)?;
            let row = super::fleet::row(i, w, d, false, model.now);
            (row.urgency == super::fleet::Urgency::Alert).then_some(w.id.as_str())
        })
        .collect();
    match others.as_slice() {
        [] => {}
        [one] => out.push(Attention {
            text: format!("ws {one}"),
            urgent: true,
        }),
        many => out.push(Attention {
            text: format!("{} workspaces", many.len()),
            urgent: true,
        }),
    }
    out
}

/// The header's one-line summary of the while-away events (of every
/// workspace), until seen.
pub fn away_summary(model: &Model) -> Option<String> {
    let n = model.activity.away_unseen;
    (n > 0).then(|| {
        format!(
            "{n} change{} while lepdash was not running",
            if n == 1 { "" } else { "s" }
        )
    })
}

/// Rows of events the activity view shows at the model's size (its box
/// minus the borders and the column header).
pub fn view_rows(model: &Model) -> usize {
    let body = super::layout::screen(model).body;
    usize::from(body.height.saturating_sub(3)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(workspace: &str, resource: ResourceKind, id: &str, kind: EventKind) -> Event {
        Event {
            time_ms: 0,
            workspace: workspace.into(),
            resource,
            id: id.into(),
            name: id.into(),
            kind,
            fields: Vec::new(),
            yours: false,
            origin: Origin::Live,
            own: false,
        }
    }

    const EP: ResourceKind = ResourceKind::Endpoints;

    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    #[test]
    fn a_flapping_item_is_counted_once_and_leaves_when_it_recovers() {
        let mut a = Activity::default();
        for _ in 0..3 {
            a.record(vec![ev("ws", EP, "e1", EventKind::Failed)], at());
            assert_eq!(a.needs_you(), 1);
            a.record(vec![ev("ws", EP, "e1", EventKind::StateChanged)], at());
            assert_eq!(a.needs_you(), 0, "recovered: out of the count");
        }
        a.record(vec![ev("ws", EP, "e1", EventKind::Failed)], at());
        // Every event stays in the log (it is history); the count is items.
        assert_eq!(a.log.len(), 7);
        assert_eq!(a.needs_you(), 1);
        // A restart is not a recovery yet.
        a.record(vec![ev("ws", EP, "e1", EventKind::Restarted)], at());
        assert_eq!(a.needs_you(), 1);
    }

    #[test]
    fn items_are_told_apart_by_workspace_kind_and_id() {
        let mut a = Activity::default();
        a.record(
            vec![
                ev("ws", EP, "e1", EventKind::Failed),
                ev("ws", EP, "e2", EventKind::Failed),
                ev("ws", ResourceKind::Jobs, "e1", EventKind::Failed),
            ],
            at(),
        );
        a.record_fleet(vec![ev("other", EP, "e1", EventKind::Failed)], at());
        assert_eq!(a.needs_you(), 4);
        // Only the item that recovered leaves.
        a.record_fleet(vec![ev("other", EP, "e1", EventKind::StateChanged)], at());
        assert_eq!(a.needs_you(), 3);
        // A removed item needs nobody.
        a.record(vec![ev("ws", EP, "e2", EventKind::Removed)], at());
        assert_eq!(a.needs_you(), 2);
    }

    #[test]
    fn stale_quota_and_token_needs_end_with_their_own_recovery() {
        let mut a = Activity::default();
        let status = ResourceKind::Status;
        a.record_fleet(
            vec![
                ev("b", status, "b", EventKind::Stale),
                ev("b", status, "quota.gpu", EventKind::QuotaAbove95),
                ev("b", ResourceKind::Tokens, "t1", EventKind::TokenExpired),
            ],
            at(),
        );
        assert_eq!(a.needs_you(), 3);
        // Unreachable again while still unreachable: still one.
        a.record_fleet(vec![ev("b", status, "b", EventKind::Stale)], at());
        assert_eq!(a.needs_you(), 3);
        // A workspace state change is not its recovery.
        a.record_fleet(vec![ev("b", status, "b", EventKind::StateChanged)], at());
        assert_eq!(a.needs_you(), 3);
        a.record_fleet(vec![ev("b", status, "b", EventKind::Recovered)], at());
        assert_eq!(a.needs_you(), 2);
        a.record_fleet(
            vec![ev("b", status, "quota.gpu", EventKind::QuotaBelow95)],
            at(),
        );
        assert_eq!(a.needs_you(), 1);
        a.record_fleet(
            vec![ev("b", ResourceKind::Tokens, "t1", EventKind::Removed)],
            at(),
        );
        assert_eq!(a.needs_you(), 0);
        assert_eq!(a.log.len(), 8);
    }

    #[test]
    fn looking_clears_the_count_and_what_the_view_shows_is_not_counted() {
        let mut a = Activity::default();
        a.record(vec![ev("ws", EP, "e1", EventKind::Failed)], at());
        a.seen_needs();
        assert_eq!(a.needs_you(), 0);
        a.open = true;
        a.record(vec![ev("ws", EP, "e2", EventKind::Failed)], at());
        assert_eq!(a.needs_you(), 0);
        a.open = false;
        // e1 fails again after it was seen and recovered: counted again.
        a.record(vec![ev("ws", EP, "e1", EventKind::StateChanged)], at());
        a.record(vec![ev("ws", EP, "e1", EventKind::Failed)], at());
        assert_eq!(a.needs_you(), 1);
        // The current workspace's stale pane has its own header mark.
        a.record(
            vec![ev("ws", ResourceKind::Members, "Members", EventKind::Stale)],
            at(),
        );
        assert_eq!(a.needs_you(), 1);
    }
}
