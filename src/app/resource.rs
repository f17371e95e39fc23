//! `Resource<T>`: the last good data of one pollable resource plus what the
//! latest attempt said. An error never blanks a pane: the data stays and is
//! shown stale with its age and the error.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use crate::api::ApiError;
use crate::protocol::ResourceKind;

/// How long a changed row stays marked.
pub const CHANGED_MARK: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct Resource<T> {
    /// The last good data (None until the first success).
    pub data: Option<T>,
    /// When `data` was fetched.
    pub fetched_at: Option<SystemTime>,
    /// The error of the latest attempt, cleared by the next success.
    pub error: Option<ApiError>,
    pub error_at: Option<SystemTime>,
    pub in_flight: bool,
    /// Model time when the request left (for the delayed spinner).
    pub in_flight_since: Option<SystemTime>,
    /// The user asked for this fetch (`r`): show the spinner at once.
    pub manual: bool,
    /// When the sync task retries after an error.
    pub next_attempt: Option<SystemTime>,
    /// List items the decoder could not read.
    pub skipped: usize,
    /// Row ids that are new or changed since the previous successful fetch.
    pub changed_ids: HashSet<String>,
    /// When they changed (fetch time); marks fade after [`CHANGED_MARK`].
    pub changed_at: Option<SystemTime>,
    /// Bumped each time `data` is replaced by different data (what the
    /// driver compares to skip writing a snapshot that did not change).
    pub generation: u64,
}

impl<T> Default for Resource<T> {
    fn default() -> Self {
        Resource {
            data: None,
            fetched_at: None,
            error: None,
            error_at: None,
            in_flight: false,
            in_flight_since: None,
            manual: false,
            next_attempt: None,
            skipped: 0,
            changed_ids: HashSet::new(),
            changed_at: None,
            generation: 0,
        }
    }
}

/// What kind of trouble a pane is in, derived from its last error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// 403: the role may not read this resource. Not fatal.
    NoPermission,
    /// 404 on a proposed endpoint (members, tokens, registries).
    NotAvailable,
    /// 401: the token was rejected (the banner says how to fix it).
    TokenRejected,
    /// Anything else: network, 5xx, 429, decode, 404 on a real endpoint.
    Failed,
}

/// Classify an error for a pane.
pub fn problem_of(kind: ResourceKind, error: &ApiError) -> Problem {
    match error.status() {
        Some(401) => Problem::TokenRejected,
        Some(403) => Problem::NoPermission,
        Some(404) if kind.info().proposed || kind.info().workload_view => Problem::NotAvailable,
        _ => Problem::Failed,
    }
}

impl<T> Resource<T> {
    /// The trouble of the latest attempt, if any.
    pub fn problem(&self, kind: ResourceKind) -> Option<Problem> {
        self.error.as_ref().map(|e| problem_of(kind, e))
    }

    /// Data is shown but not current: the latest refresh failed, or the data
    /// is older than `stale_after`.
    pub fn is_stale(&self, now: SystemTime, stale_after: Duration) -> bool {
        if self.data.is_none() {
            return false;
        }
        if self.error.is_some() {
            return true;
        }
        match self.fetched_at {
            Some(at) => now.duration_since(at).unwrap_or_default() > stale_after,
            None => false,
        }
    }

    /// Whether the changed-row marks are still to be shown at `now`.
    pub fn marks_active(&self, now: SystemTime) -> bool {
        match self.changed_at {
            Some(at) if !self.changed_ids.is_empty() => {
                now.duration_since(at).unwrap_or_default() < CHANGED_MARK
            }
            _ => false,
        }
    }

    /// Whether row `id` is marked as changed at `now`.
    pub fn is_changed(&self, id: &str, now: SystemTime) -> bool {
        self.marks_active(now) && self.changed_ids.contains(id)
    }

    /// Whether the spinner should turn for this resource: in flight and
    /// either asked for by the user or slower than `delay` (fast background
    /// polls do not flash the header).
    pub fn spinning(&self, now: SystemTime, delay: Duration) -> bool {
        self.in_flight
            && (self.manual
                || self
                    .in_flight_since
                    .map(|s| now.duration_since(s).unwrap_or_default() >= delay)
                    .unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ServerMessage;

    #[test]
    fn classification() {
        let e403 = ApiError::Forbidden(ServerMessage::default());
        let e404 = ApiError::NotFound(ServerMessage::default());
        assert_eq!(
            problem_of(ResourceKind::Secrets, &e403),
            Problem::NoPermission
        );
        assert_eq!(
            problem_of(ResourceKind::Members, &e404),
            Problem::NotAvailable
        );
        assert_eq!(problem_of(ResourceKind::Secrets, &e404), Problem::Failed);
    }
}
