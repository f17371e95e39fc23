//! The poll schedule as a pure state machine: given the current time, the
//! visible pane, pause and the back-off state of each resource, which fetches
//! are due now and when the next one is. No I/O, no clock: every method takes
//! `now`, so the rules are unit-tested without a runtime.
//!
//! Rules:
//! - At most one request in flight per resource; a refresh asked for while one
//!   is in flight is coalesced into it (a refresh after a mutation instead
//!   runs once more right after it, since the in-flight answer may predate
//!   the write).
//! - Status and the visible pane are polled every `interval`; hidden panes
//!   every `hidden_interval`, and immediately when they become visible.
//! - After an error: exponential back-off (`base` doubling to `cap`, ±20 %
//!   jitter), never earlier than a 429's `Retry-After`, reset by a success.
//!   A hidden pane never retries more often than `hidden_interval`.
//! - Paused: no automatic polls; a manual refresh still runs.
//! - A `Retry-After` arrives capped (10 minutes, `api::error::MAX_RETRY_AFTER`)
//!   and every sum of a time and a server's number is checked: no value a
//!   server sends can overflow. A manual refresh honours a `Retry-After` for
//!   at most [`MANUAL_RETRY_AFTER_CAP`] after the 429 arrived, so `r` works
//!   once the server is back even with a long wait pending (automatic polls
//!   wait it out in full).

use std::time::{Duration, Instant};

use crate::protocol::ResourceKind;

/// The smallest poll interval accepted from the user.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// Default interval of hidden panes.
pub const DEFAULT_HIDDEN_INTERVAL: Duration = Duration::from_secs(60);
/// First back-off delay after an error.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Longest back-off delay (before jitter).
pub const DEFAULT_BACKOFF_CAP: Duration = Duration::from_secs(60);
/// A manual refresh waits out a 429's `Retry-After` for at most this long
/// after the 429 arrived.
pub const MANUAL_RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
/// Relative jitter applied to every back-off delay (±20 %).
pub const JITTER: f64 = 0.2;

/// Timing parameters of the schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduleConfig {
    /// Status and the visible pane.
    pub interval: Duration,
    /// Every other pane.
    pub hidden_interval: Duration,
    /// Intervals below this are raised to it.
    pub min_interval: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            interval: Duration::from_secs(5),
            hidden_interval: DEFAULT_HIDDEN_INTERVAL,
            min_interval: MIN_INTERVAL,
            backoff_base: DEFAULT_BACKOFF_BASE,
            backoff_cap: DEFAULT_BACKOFF_CAP,
        }
    }
}

/// Why a fetch is asked for outside the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// The user pressed refresh, or a pane was shown: one in flight suffices.
    Manual,
    /// A write changed the list: an in-flight answer may be stale, so fetch
    /// once more after it.
    AfterMutation,
}

/// How a fetch ended, as far as scheduling cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Any error; `retry_after` from a 429.
    Err {
        retry_after: Option<Duration>,
    },
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    in_flight: bool,
    /// A manual request waiting to start (the time it was made).
    wanted: Option<Instant>,
    /// Fetch again as soon as the in-flight request ends.
    follow_up: bool,
    /// When the last request ended; `None` = never fetched (due at once).
    last_end: Option<Instant>,
    /// Consecutive failures.
    failures: u32,
    /// The jittered back-off chosen at the last failure.
    error_delay: Duration,
    /// A 429's `Retry-After`: no request of this resource before it.
    not_before: Option<Instant>,
    /// When that 429 arrived.
    limited_at: Option<Instant>,
}

/// `at + d`, or `at` pushed as far as it goes (never a panic).
fn add(at: Instant, d: Duration) -> Instant {
    at.checked_add(d)
        .or_else(|| at.checked_add(MAX_WAIT))
        .unwrap_or(at)
}

/// The longest wait the schedule computes (a fallback for checked sums).
const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// The schedule of all six resources of one workspace.
#[derive(Debug, Clone)]
pub struct Schedule {
    cfg: ScheduleConfig,
    visible: ResourceKind,
    paused: bool,
    /// When the schedule (re)started: never-fetched resources are due then.
    epoch_start: Instant,
    slots: [Slot; ResourceKind::ALL.len()],
    rng: fastrand::Rng,
}

fn idx(kind: ResourceKind) -> usize {
    kind.index()
}

impl Schedule {
    /// A fresh schedule: every resource is due at `now`.
    pub fn new(cfg: ScheduleConfig, visible: ResourceKind, now: Instant) -> Self {
        Self::with_rng(cfg, visible, now, fastrand::Rng::new())
    }

    /// Same, with a given random source (deterministic jitter in tests).
    pub fn with_rng(
        cfg: ScheduleConfig,
        visible: ResourceKind,
        now: Instant,
        rng: fastrand::Rng,
    ) -> Self {
        let mut s = Schedule {
            cfg,
            visible,
            paused: false,
            epoch_start: now,
            slots: [Slot::default(); ResourceKind::ALL.len()],
            rng,
        };
        s.set_interval(cfg.interval);
        s.cfg.hidden_interval = s.cfg.hidden_interval.max(s.cfg.min_interval);
        s
    }

    pub fn config(&self) -> &ScheduleConfig {
        &self.cfg
    }

    pub fn visible(&self) -> ResourceKind {
        self.visible
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn in_flight(&self, kind: ResourceKind) -> bool {
        self.slots[idx(kind)].in_flight
    }

    /// Consecutive failures of `kind`.
    pub fn failures(&self, kind: ResourceKind) -> u32 {
        self.slots[idx(kind)].failures
    }

    /// Forget everything (another workspace): all due at `now`. Nothing is in
    /// flight afterwards; the caller abandons the old requests.
    pub fn reset(&mut self, now: Instant) {
        self.slots = [Slot::default(); ResourceKind::ALL.len()];
        self.epoch_start = now;
    }

    /// Change the interval of Status and the visible pane (raised to the floor).
    pub fn set_interval(&mut self, interval: Duration) {
        self.cfg.interval = interval.max(self.cfg.min_interval);
        // A hidden pane is never polled more often than the visible one.
        self.cfg.hidden_interval = self.cfg.hidden_interval.max(self.cfg.interval);
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// A pane became visible: fetch it now (unless paused), then poll it at
    /// the interval.
    pub fn set_visible(&mut self, kind: ResourceKind, now: Instant) {
        let changed = self.visible != kind;
        self.visible = kind;
        if changed && !self.paused && kind != ResourceKind::Status {
            self.request(kind, Request::Manual, now);
        }
    }

    /// Ask for a fetch outside the schedule (works while paused; still waits
    /// for a 429's `Retry-After`).
    pub fn request(&mut self, kind: ResourceKind, why: Request, now: Instant) {
        let slot = &mut self.slots[idx(kind)];
        if slot.in_flight {
            if why == Request::AfterMutation {
                slot.follow_up = true;
            }
        } else if slot.wanted.is_none() {
            slot.wanted = Some(now);
        }
    }

    /// The poll period of `kind` as things stand.
    pub fn period(&self, kind: ResourceKind) -> Duration {
        if kind == ResourceKind::Status || kind == self.visible {
            self.cfg.interval
        } else {
            self.cfg.hidden_interval
        }
    }

    /// When `kind` should next start; `None` while in flight, or while paused
    /// with nothing asked for.
    pub fn due_at(&self, kind: ResourceKind) -> Option<Instant> {
        let slot = &self.slots[idx(kind)];
        if slot.in_flight {
            return None;
        }
        let at = if let Some(asked) = slot.wanted {
            asked
        } else if self.paused {
            return None;
        } else {
            match slot.last_end {
                None => self.epoch_start,
                Some(end) if slot.failures > 0 => {
                    let hidden = kind != self.visible && kind != ResourceKind::Status;
                    let delay = if hidden {
                        slot.error_delay.max(self.cfg.hidden_interval)
                    } else {
                        slot.error_delay
                    };
                    add(end, delay)
                }
                Some(end) => add(end, self.period(kind)),
            }
        };
        let not_before = match (slot.not_before, slot.wanted, slot.limited_at) {
            // Asked for by hand: the wait is honoured only so long.
            (Some(nb), Some(_), Some(since)) => Some(nb.min(add(since, MANUAL_RETRY_AFTER_CAP))),
            (nb, _, _) => nb,
        };
        Some(match not_before {
            Some(nb) => at.max(nb),
            None => at,
        })
    }

    /// The resources that should start at `now`, in `ResourceKind::ALL` order.
    pub fn due(&self, now: Instant) -> Vec<ResourceKind> {
        ResourceKind::ALL
            .into_iter()
            .filter(|&k| self.due_at(k).is_some_and(|t| t <= now))
            .collect()
    }

    /// The earliest time something becomes due; `None` = nothing until a
    /// command arrives.
    pub fn next_wake(&self) -> Option<Instant> {
        ResourceKind::ALL
            .into_iter()
            .filter_map(|k| self.due_at(k))
            .min()
    }

    /// A request for `kind` left.
    pub fn start(&mut self, kind: ResourceKind) {
        let slot = &mut self.slots[idx(kind)];
        slot.in_flight = true;
        slot.wanted = None;
        slot.follow_up = false;
    }

    /// A request for `kind` ended. Returns when the next automatic attempt is
    /// due after an error (`None` after a success, or while paused).
    pub fn finish(
        &mut self,
        kind: ResourceKind,
        outcome: Outcome,
        now: Instant,
    ) -> Option<Instant> {
        let delay = match outcome {
            Outcome::Ok => None,
            Outcome::Err { .. } => {
                let failures = self.slots[idx(kind)].failures.saturating_add(1);
                Some(self.backoff(failures))
            }
        };
        let slot = &mut self.slots[idx(kind)];
        slot.in_flight = false;
        slot.last_end = Some(now);
        if slot.follow_up {
            slot.follow_up = false;
            slot.wanted = Some(now);
        }
        match (outcome, delay) {
            (Outcome::Err { retry_after }, Some(delay)) => {
                slot.failures = slot.failures.saturating_add(1);
                slot.error_delay = delay;
                slot.not_before = retry_after.map(|d| add(now, d));
                slot.limited_at = retry_after.map(|_| now);
                if slot.wanted.is_some() && slot.not_before.is_none() {
                    // A follow-up after a failed fetch waits out the back-off
                    // like any other attempt.
                    slot.wanted = Some(add(now, delay));
                }
                self.due_at(kind)
            }
            _ => {
                slot.failures = 0;
                slot.error_delay = Duration::ZERO;
                slot.not_before = None;
                slot.limited_at = None;
                None
            }
        }
    }

    /// The back-off before attempt number `failures + 1`: `base·2^(n-1)`
    /// capped, then ±20 % jitter.
    pub fn backoff(&mut self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        let raw = self
            .cfg
            .backoff_base
            .saturating_mul(1u32 << exp)
            .min(self.cfg.backoff_cap);
        let factor = 1.0 + JITTER * (self.rng.f64() * 2.0 - 1.0);
        raw.mul_f64(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResourceKind::*;

    const S: Duration = Duration::from_secs(1);

    fn cfg() -> ScheduleConfig {
        ScheduleConfig {
            interval: 5 * S,
            hidden_interval: 60 * S,
            ..ScheduleConfig::default()
        }
    }

    fn sched(now: Instant) -> Schedule {
        Schedule::with_rng(cfg(), Secrets, now, fastrand::Rng::with_seed(7))
    }

    /// Start and finish everything that is due at `now` with `outcome`.
    fn run_due(s: &mut Schedule, now: Instant, outcome: Outcome) -> Vec<ResourceKind> {
        let due = s.due(now);
        for &k in &due {
            s.start(k);
        }
        for &k in &due {
            s.finish(k, outcome, now);
        }
        due
    }

    #[test]
    fn everything_is_due_at_start_then_visible_and_status_at_interval() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        assert_eq!(run_due(&mut s, t0, Outcome::Ok), ResourceKind::ALL.to_vec());
        assert!(s.due(t0 + 4 * S).is_empty());
        assert_eq!(s.due(t0 + 5 * S), vec![Status, Secrets]);
        assert_eq!(s.next_wake(), Some(t0 + 5 * S));
        assert_eq!(s.due_at(Members), Some(t0 + 60 * S));
    }

    #[test]
    fn interval_has_a_floor_and_hidden_is_never_faster() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.set_interval(Duration::from_millis(10));
        assert_eq!(s.config().interval, S);
        s.set_interval(120 * S);
        assert_eq!(s.period(Members), 120 * S);
    }

    #[test]
    fn one_in_flight_and_manual_refresh_is_coalesced() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.start(Secrets);
        assert!(s.in_flight(Secrets));
        assert_eq!(s.due_at(Secrets), None);
        assert!(!s.due(t0 + 100 * S).contains(&Secrets));
        s.request(Secrets, Request::Manual, t0);
        s.request(Secrets, Request::Manual, t0);
        s.finish(Secrets, Outcome::Ok, t0 + S);
        // Coalesced into the one that was in flight: next one at the interval.
        assert_eq!(s.due_at(Secrets), Some(t0 + 6 * S));
    }

    #[test]
    fn refresh_after_mutation_runs_once_after_the_in_flight_one() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.start(Secrets);
        s.request(Secrets, Request::AfterMutation, t0);
        s.request(Secrets, Request::AfterMutation, t0);
        s.finish(Secrets, Outcome::Ok, t0 + S);
        assert_eq!(s.due_at(Secrets), Some(t0 + S));
        s.start(Secrets);
        s.finish(Secrets, Outcome::Ok, t0 + 2 * S);
        // Only once, then back to the interval.
        assert_eq!(s.due_at(Secrets), Some(t0 + 7 * S));
    }

    #[test]
    fn becoming_visible_fetches_now_and_then_at_the_interval() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        run_due(&mut s, t0, Outcome::Ok);
        let t1 = t0 + 10 * S;
        s.set_visible(Members, t1);
        assert!(s.due(t1).contains(&Members));
        run_due(&mut s, t1, Outcome::Ok);
        assert_eq!(s.due_at(Members), Some(t1 + 5 * S));
        // Secrets is hidden now.
        assert_eq!(s.period(Secrets), 60 * S);
    }

    #[test]
    fn paused_polls_nothing_but_manual_refresh_works() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        run_due(&mut s, t0, Outcome::Ok);
        s.set_paused(true);
        assert_eq!(s.next_wake(), None);
        assert!(s.due(t0 + 1000 * S).is_empty());
        s.set_visible(Tokens, t0 + S);
        assert!(s.due(t0 + 1000 * S).is_empty());
        s.request(Tokens, Request::Manual, t0 + 2 * S);
        assert_eq!(s.due(t0 + 2 * S), vec![Tokens]);
        s.set_paused(false);
        assert_eq!(s.due_at(Status), Some(t0 + 5 * S));
    }

    #[test]
    fn backoff_grows_with_jitter_caps_and_resets_after_success() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        let mut now = t0;
        let mut delays = vec![];
        for _ in 0..9 {
            assert!(s.due(now).contains(&Secrets));
            s.start(Secrets);
            let next = s
                .finish(Secrets, Outcome::Err { retry_after: None }, now)
                .expect("an error schedules a retry");
            delays.push(next - now);
            now = next;
        }
        let nominal = [1, 2, 4, 8, 16, 32, 60, 60, 60];
        for (d, n) in delays.iter().zip(nominal) {
            let n = Duration::from_secs(n);
            assert!(
                *d >= n.mul_f64(0.8) && *d <= n.mul_f64(1.2),
                "{d:?} vs {n:?}"
            );
        }
        assert_eq!(s.failures(Secrets), 9);
        s.start(Secrets);
        assert_eq!(s.finish(Secrets, Outcome::Ok, now), None);
        assert_eq!(s.failures(Secrets), 0);
        assert_eq!(s.due_at(Secrets), Some(now + 5 * S));
        s.start(Secrets);
        let next = s
            .finish(Secrets, Outcome::Err { retry_after: None }, now)
            .unwrap();
        assert!(next - now <= S.mul_f64(1.2));
    }

    #[test]
    fn jitter_is_spread() {
        let t0 = Instant::now();
        let mut s = Schedule::new(cfg(), Secrets, t0);
        let ds: Vec<_> = (0..50).map(|_| s.backoff(3)).collect();
        assert!(
            ds.iter()
                .all(|d| *d >= S.mul_f64(3.2) && *d <= S.mul_f64(4.8))
        );
        assert!(ds.iter().any(|d| *d != ds[0]));
    }

    #[test]
    fn retry_after_is_never_undercut_even_by_manual_refresh() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.start(Secrets);
        let next = s
            .finish(
                Secrets,
                Outcome::Err {
                    retry_after: Some(30 * S),
                },
                t0,
            )
            .unwrap();
        assert!(next >= t0 + 30 * S);
        s.request(Secrets, Request::Manual, t0 + S);
        assert!(!s.due(t0 + 29 * S).contains(&Secrets));
        assert!(s.due(t0 + 30 * S).contains(&Secrets));
    }

    #[test]
    fn manual_refresh_skips_the_backoff() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        for _ in 0..5 {
            s.start(Secrets);
            s.finish(Secrets, Outcome::Err { retry_after: None }, t0);
        }
        assert!(!s.due(t0 + S).contains(&Secrets));
        s.request(Secrets, Request::Manual, t0 + S);
        assert!(s.due(t0 + S).contains(&Secrets));
    }

    #[test]
    fn hidden_pane_errors_retry_no_faster_than_hidden_interval() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.start(Members);
        let next = s
            .finish(Members, Outcome::Err { retry_after: None }, t0)
            .unwrap();
        assert_eq!(next, t0 + 60 * S);
        // Once visible, it follows the short back-off.
        s.set_visible(Members, t0);
        s.start(Members);
        s.finish(Members, Outcome::Err { retry_after: None }, t0);
        assert!(s.due_at(Members).unwrap() <= t0 + 5 * S);
    }

    #[test]
    fn paused_error_reports_no_next_attempt() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.set_paused(true);
        s.start(Secrets);
        assert_eq!(
            s.finish(Secrets, Outcome::Err { retry_after: None }, t0),
            None
        );
    }

    #[test]
    fn a_huge_retry_after_never_overflows() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.start(Secrets);
        // What the client hands over is capped, but the schedule must not
        // trust that either.
        let next = s.finish(
            Secrets,
            Outcome::Err {
                retry_after: Some(Duration::MAX),
            },
            t0,
        );
        assert!(next.is_some());
        assert!(s.next_wake().is_some());
    }

    #[test]
    fn manual_refresh_works_after_the_server_recovers_despite_a_long_wait() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        s.start(Secrets);
        s.finish(
            Secrets,
            Outcome::Err {
                retry_after: Some(600 * S),
            },
            t0,
        );
        // Long after the manual cap, `r` goes through.
        s.request(Secrets, Request::Manual, t0 + 2 * S);
        assert!(!s.due(t0 + 30 * S).contains(&Secrets));
        assert!(s.due(t0 + MANUAL_RETRY_AFTER_CAP).contains(&Secrets));
        // Without a key press the wait is honoured in full.
        let mut s = sched(t0);
        s.start(Secrets);
        s.finish(
            Secrets,
            Outcome::Err {
                retry_after: Some(600 * S),
            },
            t0,
        );
        assert!(!s.due(t0 + 300 * S).contains(&Secrets));
        assert!(s.due(t0 + 600 * S).contains(&Secrets));
    }

    #[test]
    fn reset_makes_everything_due_again() {
        let t0 = Instant::now();
        let mut s = sched(t0);
        run_due(
            &mut s,
            t0,
            Outcome::Err {
                retry_after: Some(100 * S),
            },
        );
        s.start(Status);
        let t1 = t0 + S;
        s.reset(t1);
        assert_eq!(s.due(t1), ResourceKind::ALL.to_vec());
        assert_eq!(s.failures(Secrets), 0);
    }
}
