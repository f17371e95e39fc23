//! The activity log: the last [`ACTIVITY_CAP`] events, newest first, and
//! the filter the Activity view uses.

use std::collections::VecDeque;

use super::Event;
use crate::app::format;

/// How many events the log (and the activity file) keeps.
pub const ACTIVITY_CAP: usize = 10_000;

/// A bounded ring of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityLog {
    events: VecDeque<Event>,
    cap: usize,
}

impl Default for ActivityLog {
    fn default() -> Self {
        Self::new()
    }
}

impl ActivityLog {
    /// An empty log of [`ACTIVITY_CAP`] events.
    pub fn new() -> Self {
        Self::with_cap(ACTIVITY_CAP)
    }

    /// An empty log keeping at most `cap` events (at least one).
    pub fn with_cap(cap: usize) -> Self {
        let cap = cap.max(1);
        ActivityLog {
            events: VecDeque::with_capacity(cap.min(1024)),
            cap,
        }
    }

    /// A log of events given newest first (as read from the activity file);
    /// anything past the cap is dropped.
    pub fn from_newest_first(events: impl IntoIterator<Item = Event>, cap: usize) -> Self {
        let mut log = Self::with_cap(cap);
        log.events.extend(events.into_iter().take(log.cap));
        log
    }

    /// Add one poll's events. They keep their order on screen: the first
    /// of the batch (lepdash's own token, say) ends up on top.
    pub fn push_batch(&mut self, batch: impl IntoIterator<Item = Event>) {
        let batch: Vec<Event> = batch.into_iter().collect();
        for e in batch.into_iter().rev() {
            self.push(e);
        }
    }

    /// Add one event on top, dropping the oldest beyond the cap.
    pub fn push(&mut self, event: Event) {
        self.events.push_front(event);
        self.events.truncate(self.cap);
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// The event at `i` (0 = newest).
    pub fn get(&self, i: usize) -> Option<&Event> {
        self.events.get(i)
    }

    /// Newest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.events.iter()
    }

    /// Indexes (newest first) of the events matching `query`,
    /// case-insensitively, over the workspace, resource, event kind, id,
    /// name and every field name and old/new value. An empty query matches
    /// everything.
    pub fn filter(&self, query: &str) -> Vec<usize> {
        self.filter_in(query, None)
    }

    /// [`Self::filter`] restricted to the events of `workspace` (`None`:
    /// every workspace).
    pub fn filter_in(&self, query: &str, workspace: Option<&str>) -> Vec<usize> {
        let needle = format::fold_str(query.trim());
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| workspace.is_none_or(|w| e.workspace == w))
            .filter(|(_, e)| needle.is_empty() || matches(e, &needle))
            .map(|(i, _)| i)
            .collect()
    }

    /// Add the events of `other` that this log does not have (the same
    /// change seen by another poller is one event, [`Event::same_change`]),
    /// newest first by time, at most the cap. Returns how many were added.
    /// An event of `other` matches at most one of this log, so a state that
    /// flapped twice stays two events.
    pub fn merge(&mut self, other: impl IntoIterator<Item = Event>) -> usize {
        use std::collections::HashMap;
        // Index this log's events by what identifies a change (not time).
        let key = |e: &Event| (e.workspace.clone(), e.resource, e.id.clone(), e.kind);
        let mut index: HashMap<_, Vec<usize>> = HashMap::new();
        for (i, e) in self.events.iter().enumerate() {
            index.entry(key(e)).or_default().push(i);
        }
        let mut used = vec![false; self.events.len()];
        let mut fresh = Vec::new();
        for e in other {
            let hit = index.get(&key(&e)).and_then(|c| {
                c.iter()
                    .copied()
                    .find(|&i| !used[i] && self.events[i].same_change(&e))
            });
            match hit {
                Some(i) => used[i] = true,
                None => fresh.push(e),
            }
        }
        let added = fresh.len();
        if added == 0 {
            return 0;
        }
        let mut all: Vec<Event> = self.events.drain(..).collect();
        all.extend(fresh);
        // Newest first; stable, so a batch keeps its order.
        all.sort_by_key(|e| std::cmp::Reverse(e.time_ms));
        all.truncate(self.cap);
        self.events = all.into();
        added
    }
}

/// Whether `event` contains the folded `needle` (see [`format::fold`]).
pub fn matches(event: &Event, needle: &str) -> bool {
    let hit = |text: &str| contains_folded(text, needle);
    hit(&event.workspace)
        || hit(event.resource.label())
        || hit(event.kind.as_str())
        || hit(&event.id)
        || hit(&event.name)
        || event
            .fields
            .iter()
            .any(|f| hit(&f.field) || hit(&f.old) || hit(&f.new))
}

/// Case-insensitive `contains` without allocating for ASCII text.
fn contains_folded(text: &str, needle: &str) -> bool {
    if text.is_ascii() && needle.is_ascii() {
        let (t, n) = (text.as_bytes(), needle.as_bytes());
        n.len() <= t.len()
            && t.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
    } else {
        format::fold_str(text).contains(needle)
    }
}
