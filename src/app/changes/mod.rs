//! The change engine: every successful poll compared with the previous one,
//! by id, into typed [`Event`]s (issue 10).
//!
//! Pure: no I/O, no clock reads (the time comes in through [`Ctx`]). The
//! reducer calls the `diff_*` functions with the data it holds (or, for the
//! first poll after a start, with the saved [`Snapshot`]) and the data just
//! fetched; the watch command and the activity view consume the events.
//!
//! * [`Tracked`] describes one list item (key, label, fields); one generic
//!   [`diff_items`] handles every list kind, so a new kind plugs in with one
//!   `impl Tracked`.
//! * Special-purpose detectors live in [`detect`]: workspace state,
//!   activation and tier; quota use crossing 80 % / 95 %; tokens entering
//!   the 10-day window or expiring; a pane going stale and recovering. An
//!   invite accepted is a [`Tracked::change_kind`] hook of `Member`.
//! * Workloads ([`workloads`]): endpoints, jobs, pods and node groups, their
//!   changes named by [`classify`] (failed, restarted, state, replicas,
//!   capacity); the snapshot keeps them as [`Row`]s.
//! * [`Severity`]: what an event means to the operator; `NeedsYou` events
//!   raise the header's attention until the activity view is opened.
//! * [`Yours`] is the set of items this dashboard mutated recently; events
//!   about them carry `yours: true`.
//!
//! Every string in an event is sanitized ([`clean`]): no control or bidi
//! characters, at most [`MAX_TEXT`] characters. Lists never carry secret
//! values, so no event can hold one.

pub mod detect;
pub mod fleet;
pub mod log;
pub mod poll;
pub mod snapshot;
mod tracked;
pub mod workloads;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

// The one import of the shared vocabulary.
use crate::protocol::{ResourceKind, TemplateEntry};

pub use detect::{
    EXPIRY_WINDOW_MS, QUOTA_CRITICAL, QUOTA_WARN, diff_status, diff_tokens, expiry_event,
    health_event, quota_crossing, token_expiry,
};
pub use log::{ACTIVITY_CAP, ActivityLog};
pub use poll::{absorb, diff_fetched, row_id, take_part, workload_rows, yours_keys};
pub use snapshot::{
    Rows, Snapshot, SnapshotRef, StatusRef, StatusSnap, TokenSnap, TokensRef, TrackedList,
};
pub use workloads::{Row, classify, diff_workload};

/// Longest text kept in an event (characters); longer text ends in `…`.
pub const MAX_TEXT: usize = 200;

/// Two pollers (the dashboard and `lepdash watch`) that see one change
/// record it at most this far apart (the slowest poll of a hidden pane plus
/// back-off); the activity file keeps one of them ([`Event::same_change`]).
pub const SAME_CHANGE_WINDOW_MS: u64 = 15 * 60 * 1000;

/// Whether an event was seen live or found on start against the snapshot
/// saved by the previous run ("while lepdash was not running").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Live,
    WhileAway,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Live => "live",
            Origin::WhileAway => "while_away",
        }
    }
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "added")]
    Added,
    #[serde(rename = "removed")]
    Removed,
    #[serde(rename = "changed")]
    Changed,
    /// `workspace_state` (normal, paused, …).
    #[serde(rename = "state_changed")]
    StateChanged,
    /// The resolver's activation state (not_activated → active, …).
    #[serde(rename = "activation_changed")]
    ActivationChanged,
    #[serde(rename = "tier_changed")]
    TierChanged,
    /// A quota's use rose to 80 % or more (from below 80 %).
    #[serde(rename = "quota_above_80")]
    QuotaAbove80,
    /// A quota's use rose to 95 % or more (from below 95 %).
    #[serde(rename = "quota_above_95")]
    QuotaAbove95,
    /// A quota's use fell below 95 % but stays at 80 % or more.
    #[serde(rename = "quota_below_95")]
    QuotaBelow95,
    /// A quota's use fell below 80 %.
    #[serde(rename = "quota_below_80")]
    QuotaBelow80,
    /// A token entered the 10-day window before its expiry.
    #[serde(rename = "token_expiring")]
    TokenExpiring,
    /// A token's expiry passed.
    #[serde(rename = "token_expired")]
    TokenExpired,
    /// A member went from invited to active.
    #[serde(rename = "invite_accepted")]
    InviteAccepted,
    /// A pane's data went stale (its refresh keeps failing).
    #[serde(rename = "stale")]
    Stale,
    /// A stale pane was refreshed again.
    #[serde(rename = "recovered")]
    Recovered,
    /// A workload entered a state that needs a look (endpoint not ready,
    /// job failed, pod in error).
    #[serde(rename = "failed")]
    Failed,
    /// A workload restarted (state `Restarting`, a job's next attempt, a
    /// pod recreated).
    #[serde(rename = "restarted")]
    Restarted,
    /// An endpoint's desired or ready replicas changed.
    #[serde(rename = "replicas_changed")]
    ReplicasChanged,
    /// A node group's nodes, ready nodes, GPUs or desired nodes changed.
    #[serde(rename = "capacity_changed")]
    CapacityChanged,
}

impl EventKind {
    pub const ALL: [EventKind; 19] = [
        EventKind::Added,
        EventKind::Removed,
        EventKind::Changed,
        EventKind::StateChanged,
        EventKind::ActivationChanged,
        EventKind::TierChanged,
        EventKind::QuotaAbove80,
        EventKind::QuotaAbove95,
        EventKind::QuotaBelow95,
        EventKind::QuotaBelow80,
        EventKind::TokenExpiring,
        EventKind::TokenExpired,
        EventKind::InviteAccepted,
        EventKind::Stale,
        EventKind::Recovered,
        EventKind::Failed,
        EventKind::Restarted,
        EventKind::ReplicasChanged,
        EventKind::CapacityChanged,
    ];

    /// The stable name (JSON `event`, `--kinds`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Added => "added",
            EventKind::Removed => "removed",
            EventKind::Changed => "changed",
            EventKind::StateChanged => "state_changed",
            EventKind::ActivationChanged => "activation_changed",
            EventKind::TierChanged => "tier_changed",
            EventKind::QuotaAbove80 => "quota_above_80",
            EventKind::QuotaAbove95 => "quota_above_95",
            EventKind::QuotaBelow95 => "quota_below_95",
            EventKind::QuotaBelow80 => "quota_below_80",
            EventKind::TokenExpiring => "token_expiring",
            EventKind::TokenExpired => "token_expired",
            EventKind::InviteAccepted => "invite_accepted",
            EventKind::Stale => "stale",
            EventKind::Recovered => "recovered",
            EventKind::Failed => "failed",
            EventKind::Restarted => "restarted",
            EventKind::ReplicasChanged => "replicas_changed",
            EventKind::CapacityChanged => "capacity_changed",
        }
    }

    /// Parse a stable name.
    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How much an event matters to the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing (added, removed, changed, completed, recovered).
    Info,
    /// Worth a look soon (a token nearing expiry, quota above 80 %, a
    /// restart, fewer replicas or nodes than before).
    Warn,
    /// Needs you: something failed or is about to stop working (a
    /// workload failed, a token expired, quota above 95 %, data stale).
    NeedsYou,
}

impl Severity {
    /// The word shown in the activity view (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "",
            Severity::Warn => "warn",
            Severity::NeedsYou => "needs you",
        }
    }
}

/// One changed field: old → new, as sanitized display strings ("" when the
/// field was empty or absent).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

impl FieldChange {
    pub fn new(field: &str, old: &str, new: &str) -> Self {
        FieldChange {
            field: clean(field),
            old: clean(old),
            new: clean(new),
        }
    }
}

/// One thing that changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// Epoch milliseconds of the poll that saw it (model time).
    pub time_ms: i64,
    pub workspace: String,
    #[serde(with = "kind_serde")]
    pub resource: ResourceKind,
    /// The item's id (what the pane selects by); for the workspace itself its
    /// id, for a quota `quota.cpu` and the like.
    pub id: String,
    /// Its display name.
    pub name: String,
    pub kind: EventKind,
    #[serde(default)]
    pub fields: Vec<FieldChange>,
    /// The change was made from this dashboard (see [`Yours`]).
    #[serde(default)]
    pub yours: bool,
    pub origin: Origin,
    /// The item is the token lepdash itself uses (its events come first).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own: bool,
}

impl Event {
    /// How much this event matters (see [`Severity`]).
    pub fn severity(&self) -> Severity {
        match self.kind {
            EventKind::Failed
            | EventKind::TokenExpired
            | EventKind::QuotaAbove95
            | EventKind::Stale => Severity::NeedsYou,
            EventKind::TokenExpiring
            | EventKind::QuotaAbove80
            | EventKind::Restarted
            | EventKind::ActivationChanged => Severity::Warn,
            EventKind::StateChanged if self.resource == ResourceKind::Status => Severity::Warn,
            EventKind::ReplicasChanged | EventKind::CapacityChanged
                if workloads::went_down(self) =>
            {
                Severity::Warn
            }
            _ => Severity::Info,
        }
    }

    /// Whether this is the same change as `other`, seen by another poller
    /// (the dashboard and `lepdash watch`): same workspace, item, kind and
    /// fields, seen within [`SAME_CHANGE_WINDOW_MS`] of each other. Origin,
    /// `yours` and `own` are the poller's view, not the change.
    pub fn same_change(&self, other: &Event) -> bool {
        self.time_ms.abs_diff(other.time_ms) <= SAME_CHANGE_WINDOW_MS
            && self.kind == other.kind
            && self.resource == other.resource
            && self.id == other.id
            && self.workspace == other.workspace
            && self.fields == other.fields
    }

    /// Re-sanitize every string (for events read from a file).
    pub fn sanitized(mut self) -> Event {
        self.workspace = clean(&self.workspace);
        self.id = clean(&self.id);
        self.name = clean(&self.name);
        for f in &mut self.fields {
            f.field = clean(&f.field);
            f.old = clean(&f.old);
            f.new = clean(&f.new);
        }
        self
    }
}

/// `ResourceKind` as its label (`"secrets"`); unknown labels are an error
/// (the activity file skips such a line).
mod kind_serde {
    use super::*;

    pub fn serialize<S: Serializer>(k: &ResourceKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(k.label())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ResourceKind, D::Error> {
        let text = Cow::<str>::deserialize(d)?;
        resource_of_label(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown resource {text:?}")))
    }
}

/// Every resource kind's label (`status`, `members`, …).
pub fn resource_labels() -> impl Iterator<Item = &'static str> {
    ResourceKind::ALL.into_iter().map(ResourceKind::label)
}

/// The kind whose `label()` is `text`.
pub fn resource_of_label(text: &str) -> Option<ResourceKind> {
    ResourceKind::ALL.into_iter().find(|k| k.label() == text)
}

/// Replace control characters (C0, C1, DEL) and bidi controls with `?`
/// (tab and line breaks with a space) and cut to [`MAX_TEXT`] characters.
pub fn clean(text: &str) -> String {
    // Fast path (the usual case): short and harmless, one copy.
    if text.len() <= MAX_TEXT && !text.chars().any(|c| c.is_control() || is_bidi(c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(MAX_TEXT * 4));
    for (n, c) in text.chars().enumerate() {
        if n == MAX_TEXT {
            out.push('…');
            break;
        }
        out.push(match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() || is_bidi(c) => '?',
            c => c,
        });
    }
    out
}

/// Bidi embedding/override/isolate controls and marks, and the line and
/// paragraph separators (which some terminals and JSON readers treat as
/// line breaks).
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}'
    )
}

/// Items mutated recently from this dashboard: `(kind, key)` where the key
/// is an item's id, its label or its [`Tracked::alt_key`] (a member's email,
/// a registry's server). The reducer inserts the keys a mutation names when
/// it sends it (create secret → the name, invite → the email, change role /
/// remove member → the id, create token → the name, revoke → the id, add
/// registry → its name, delete registry → the id) and removes them once the
/// first list fetched after the answer has been diffed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Yours {
    set: HashSet<(ResourceKind, String)>,
}

impl Yours {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, kind: ResourceKind, key: impl Into<String>) {
        self.set.insert((kind, key.into()));
    }

    pub fn remove(&mut self, kind: ResourceKind, key: &str) {
        self.set.remove(&(kind, key.to_string()));
    }

    pub fn clear_kind(&mut self, kind: ResourceKind) {
        self.set.retain(|(k, _)| *k != kind);
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    pub fn contains(&self, kind: ResourceKind, key: &str) -> bool {
        // Cheap when empty (the usual case): no allocation.
        !self.set.is_empty() && self.set.contains(&(kind, key.to_string()))
    }

    /// Whether `item` of `kind` was mutated by this dashboard.
    pub fn covers<T: Tracked + ?Sized>(&self, kind: ResourceKind, item: &T) -> bool {
        if self.set.is_empty() {
            return false;
        }
        self.contains(kind, &item.key())
            || self.contains(kind, &item.label())
            || item.alt_key().is_some_and(|k| self.contains(kind, k))
    }
}

/// What every detector needs: the poll's time and workspace, the origin and
/// the set of items this dashboard mutated.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Epoch milliseconds of the poll (model time, never a clock read here).
    pub now_ms: i64,
    pub workspace: &'a str,
    pub origin: Origin,
    pub yours: &'a Yours,
}

impl<'a> Ctx<'a> {
    /// Build an event; every string is sanitized here.
    pub fn event(
        &self,
        resource: ResourceKind,
        id: &str,
        name: &str,
        kind: EventKind,
        fields: Vec<FieldChange>,
    ) -> Event {
        Event {
            time_ms: self.now_ms,
            workspace: clean(self.workspace),
            resource,
            id: clean(id),
            name: clean(name),
            kind,
            fields,
            yours: false,
            origin: self.origin,
            own: false,
        }
    }
}

/// One item of a polled list, as the change engine sees it.
///
/// `PartialEq` on the implementing type decides whether an item changed at
/// all (cheap, no allocation); `fields` is built only for items that did.
/// An item's display name: its name, or its id when it has none.
pub(crate) fn name_or_id(name: &str, id: &str) -> String {
    if name.is_empty() { id } else { name }.to_string()
}

pub trait Tracked {
    /// The stable id the lists are matched by.
    fn key(&self) -> Cow<'_, str>;
    /// The display name.
    fn label(&self) -> String;
    /// Another name a mutation may know the item by (a member's email).
    fn alt_key(&self) -> Option<&str> {
        None
    }
    /// The fields compared, as display strings (never a secret value).
    fn fields(&self) -> Vec<(&'static str, String)>;
    /// The event kind for a change of these fields (default `Changed`).
    fn change_kind(_changes: &[FieldChange]) -> EventKind
    where
        Self: Sized,
    {
        EventKind::Changed
    }
}

/// Compare two polls of one list by key: `Added` (in the order of `new`),
/// `Changed` with the fields that differ, then `Removed` (in the order of
/// `old`). Identical lists are detected first, before anything is built.
/// Duplicate keys: the last item with a key wins on both sides.
pub fn diff_items<T: Tracked + PartialEq>(
    ctx: &Ctx<'_>,
    resource: ResourceKind,
    old: &[T],
    new: &[T],
) -> Vec<Event> {
    if old == new {
        return Vec::new();
    }
    // foldhash: seeded per process like std's, several times quicker on
    // short keys (this index is built for every changed poll).
    let mut index: HashMap<Cow<'_, str>, usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(old.len(), Default::default());
    let mut seen = vec![false; old.len()];
    for (i, item) in old.iter().enumerate() {
        if let Some(prev) = index.insert(item.key(), i) {
            seen[prev] = true; // shadowed duplicate: never reported
        }
    }
    // Keys of added items only (usually few): a duplicate in the new list
    // is reported once.
    let mut added: HashSet<Cow<'_, str>, foldhash::fast::RandomState> = HashSet::default();
    let mut events = Vec::new();
    for item in new {
        let key = item.key();
        match index.get(&key) {
            None => {
                if added.insert(key) {
                    events.push(item_event(
                        ctx,
                        resource,
                        item,
                        EventKind::Added,
                        Vec::new(),
                    ));
                }
            }
            // Only the new list marks the winning index: a second item
            // with this key in the new list is a duplicate, the first spoke.
            Some(&i) if seen[i] => {}
            Some(&i) => {
                seen[i] = true;
                let before = &old[i];
                if before != item {
                    let changes = field_changes(&before.fields(), &item.fields());
                    if !changes.is_empty() {
                        let kind = T::change_kind(&changes);
                        events.push(item_event(ctx, resource, item, kind, changes));
                    }
                }
            }
        }
    }
    for (i, item) in old.iter().enumerate() {
        if !seen[i] {
            events.push(item_event(
                ctx,
                resource,
                item,
                EventKind::Removed,
                Vec::new(),
            ));
        }
    }
    events
}

/// [`diff_items`] when there is a previous poll; nothing for the first one.
pub fn diff_list<T: Tracked + PartialEq>(
    ctx: &Ctx<'_>,
    resource: ResourceKind,
    old: Option<&[T]>,
    new: &[T],
) -> Vec<Event> {
    match old {
        Some(old) => diff_items(ctx, resource, old, new),
        None => Vec::new(),
    }
}

fn item_event<T: Tracked>(
    ctx: &Ctx<'_>,
    resource: ResourceKind,
    item: &T,
    kind: EventKind,
    fields: Vec<FieldChange>,
) -> Event {
    let mut e = ctx.event(resource, &item.key(), &item.label(), kind, fields);
    e.yours = ctx.yours.covers(resource, item);
    e
}

/// The fields whose values differ (a field present on one side only counts
/// as "" on the other).
pub fn field_changes(
    old: &[(&'static str, String)],
    new: &[(&'static str, String)],
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (name, value) in new {
        let before = old
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if before != value {
            out.push(FieldChange::new(name, before, value));
        }
    }
    for (name, value) in old {
        if !value.is_empty() && !new.iter().any(|(n, _)| n == name) {
            out.push(FieldChange::new(name, value, ""));
        }
    }
    out
}

/// Put events about lepdash's own token first (stable otherwise).
pub fn own_first(events: &mut [Event]) {
    events.sort_by_key(|e| !e.own);
}
