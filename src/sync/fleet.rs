//! Background polling of the workspaces that are not on screen, for the
//! fleet view (`w`, `:fleet`).
//!
//! Rules (the request budget of the README follows from them):
//! - each workspace other than the current one has its own
//!   [`Schedule`] (the same pure scheduler as the dashboard's), restricted
//!   to [`FLEET_KINDS`] and polled every `interval` (default 60 s): at most
//!   one request in flight per workspace and kind;
//! - the other kinds of a workspace are asked only while its Status answers:
//!   a workspace that is down, or refuses the token, costs one Status poll
//!   per back-off step, and its back-off (doubling from `interval` up to
//!   [`BACKOFF_CAP_INTERVALS`] intervals) is its own;
//! - at most `concurrency` requests of the fleet run at once (a semaphore);
//! - the current workspace is skipped: the dashboard's own sync task polls it
//!   at its own rate.
//!
//! Every answer becomes a [`SyncEvent::FleetFetched`]; the reducer keeps the
//! last good data of each row with its age, so one failing workspace never
//! touches another row.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use secrecy::ExposeSecret;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::{JoinHandle, JoinSet};

use super::schedule::{Outcome, Schedule, ScheduleConfig};
use super::{SyncTarget, fetch};
use crate::api::{ApiError, Client};
use crate::protocol::{Fetched, ResourceKind, SyncCmd, SyncEvent};

/// The kinds a fleet row needs: state, activation, tier and quota (Status),
/// member count, token expiries, secret count.
pub const FLEET_KINDS: [ResourceKind; 4] = [
    ResourceKind::Status,
    ResourceKind::Members,
    ResourceKind::Tokens,
    ResourceKind::Secrets,
];

/// HTTP requests of one full poll of a workspace: Status is two
/// (`/workspace` and the resolver), each list one.
pub const REQUESTS_PER_POLL: u32 = 5;

/// Default poll interval of a workspace not on screen.
pub const DEFAULT_FLEET_INTERVAL: Duration = Duration::from_secs(60);
/// Default number of fleet requests running at once.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// A failing workspace's back-off caps at this many intervals.
pub const BACKOFF_CAP_INTERVALS: u32 = 8;

/// Steady-state requests per second of the fleet polling: every workspace
/// but the current one, [`REQUESTS_PER_POLL`] requests per `interval`
/// (a failing workspace costs less: only its Status, and less often).
pub fn budget_per_second(workspaces: usize, interval: Duration) -> f64 {
    let others = workspaces.saturating_sub(1) as f64;
    let secs = interval.as_secs_f64().max(1.0);
    others * f64::from(REQUESTS_PER_POLL) / secs
}

/// Timing of the fleet polling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FleetOptions {
    pub interval: Duration,
    pub concurrency: usize,
    /// First back-off delay (tests use short ones; default: `interval`).
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl FleetOptions {
    /// Poll every `interval` (floor 1 s), back-off from one interval to
    /// [`BACKOFF_CAP_INTERVALS`].
    pub fn new(interval: Duration) -> Self {
        let interval = interval.max(Duration::from_secs(1));
        FleetOptions {
            interval,
            concurrency: DEFAULT_CONCURRENCY,
            backoff_base: interval,
            backoff_cap: interval * BACKOFF_CAP_INTERVALS,
        }
    }
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions::new(DEFAULT_FLEET_INTERVAL)
    }
}

/// Commands to the fleet task (the driver forwards the workspace commands
/// it sends to the dashboard's sync task).
#[derive(Debug, Clone)]
pub enum FleetCmd {
    /// This workspace is on screen now: the fleet stops polling it.
    SetCurrent(usize),
    /// A workspace reached with the current one's token (`:ws ID`).
    Add {
        id: String,
        base_url: String,
    },
    /// `p`: no automatic polls while paused (like the dashboard's).
    SetPaused(bool),
    Shutdown,
}

impl FleetCmd {
    /// The fleet's part of a dashboard sync command, if it has one.
    pub fn of_sync(cmd: &SyncCmd) -> Option<FleetCmd> {
        match cmd {
            SyncCmd::SwitchWorkspace(i) => Some(FleetCmd::SetCurrent(*i)),
            SyncCmd::AddWorkspace { id, base_url } => Some(FleetCmd::Add {
                id: id.clone(),
                base_url: base_url.clone(),
            }),
            SyncCmd::SetPaused(p) => Some(FleetCmd::SetPaused(*p)),
            SyncCmd::Shutdown => Some(FleetCmd::Shutdown),
            _ => None,
        }
    }
}

/// The running fleet task.
#[derive(Debug)]
pub struct FleetHandle {
    pub cmds: mpsc::UnboundedSender<FleetCmd>,
    pub join: JoinHandle<()>,
}

impl FleetHandle {
    /// Ask the task to stop and wait for it.
    pub async fn shutdown(self) {
        let _ = self.cmds.send(FleetCmd::Shutdown);
        let _ = self.join.await;
    }
}

/// A target for workspace `id` at `base_url` with the token (and timeouts)
/// of `from`. The origin header is kept only for the same origin.
pub fn derived_target(from: &SyncTarget, id: &str, base_url: &str) -> SyncTarget {
    let mut config = from.config.clone();
    let same_origin = crate::api::paths::split_base(&from.config.base_url)
        .zip(crate::api::paths::split_base(base_url))
        .is_some_and(|((a, _), (b, _))| a == b);
    if !same_origin {
        config.origin = None;
    }
    config.base_url = base_url.to_string();
    SyncTarget {
        id: id.to_string(),
        config,
    }
}

/// Start the fleet task: polls every target but `current`.
pub fn spawn(
    targets: Vec<SyncTarget>,
    current: usize,
    opts: FleetOptions,
    events: mpsc::Sender<SyncEvent>,
) -> FleetHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut worker = Fleet {
        members: Vec::new(),
        current,
        opts,
        permits: Arc::new(Semaphore::new(opts.concurrency.max(1))),
        events,
        tasks: JoinSet::new(),
        paused: false,
    };
    for t in targets {
        worker.add(t);
    }
    let join = tokio::spawn(worker.run(rx));
    FleetHandle { cmds: tx, join }
}

struct Member {
    target: SyncTarget,
    /// Built lazily (a client loads TLS roots), dropped never.
    client: Option<Result<Client, ApiError>>,
    schedule: Schedule,
    /// The last Status answered: the other kinds are asked only then.
    status_ok: bool,
    /// Bumped when the workspace becomes current (answers then are dropped).
    generation: u64,
}

struct Done {
    workspace: usize,
    generation: u64,
    kind: ResourceKind,
    result: Result<Fetched, ApiError>,
}

struct Fleet {
    members: Vec<Member>,
    current: usize,
    opts: FleetOptions,
    permits: Arc<Semaphore>,
    events: mpsc::Sender<SyncEvent>,
    tasks: JoinSet<Done>,
    paused: bool,
}

fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

impl Fleet {
    fn add(&mut self, target: SyncTarget) {
        let cfg = ScheduleConfig {
            interval: self.opts.interval,
            hidden_interval: self.opts.interval,
            min_interval: Duration::from_millis(1),
            backoff_base: self.opts.backoff_base,
            backoff_cap: self.opts.backoff_cap,
        };
        let mut schedule = Schedule::new(cfg, ResourceKind::Status, now());
        schedule.restrict(&FLEET_KINDS);
        schedule.set_paused(self.paused);
        self.members.push(Member {
            target,
            client: None,
            schedule,
            status_ok: false,
            generation: 0,
        });
    }

    /// The kinds of member `i` that may be asked now.
    fn askable(&self, i: usize) -> &'static [ResourceKind] {
        if self.members[i].status_ok {
            &FLEET_KINDS
        } else {
            &FLEET_KINDS[..1]
        }
    }

    fn next_wake(&self) -> Option<Instant> {
        (0..self.members.len())
            .filter(|&i| i != self.current)
            .flat_map(|i| {
                self.askable(i)
                    .iter()
                    .filter_map(move |&k| self.members[i].schedule.due_at(k))
            })
            .min()
    }

    async fn run(mut self, mut cmds: mpsc::UnboundedReceiver<FleetCmd>) {
        tracing::debug!(workspaces = self.members.len(), "fleet polling started");
        loop {
            self.start_due();
            let wake = self.next_wake();
            tokio::select! {
                cmd = cmds.recv() => match cmd {
                    None | Some(FleetCmd::Shutdown) => break,
                    Some(FleetCmd::SetCurrent(i)) => self.set_current(i),
                    Some(FleetCmd::SetPaused(p)) => {
                        self.paused = p;
                        for m in &mut self.members {
                            m.schedule.set_paused(p);
                        }
                    }
                    Some(FleetCmd::Add { id, base_url }) => {
                        let from = self.members.get(self.current).map(|m| m.target.clone());
                        if let Some(from) = from {
                            self.add(derived_target(&from, &id, &base_url));
                        }
                    }
                },
                Some(done) = self.tasks.join_next(), if !self.tasks.is_empty() => {
                    if let Ok(done) = done
                        && self.finished(done).await.is_err() {
                            break;
                        }
                }
                () = sleep_until(wake), if wake.is_some() => {}
            }
        }
        self.tasks.abort_all();
        tracing::debug!("fleet polling stopped");
    }

    fn set_current(&mut self, i: usize) {
        if i >= self.members.len() {
            return;
        }
        let t = now();
        let old = self.current;
        self.current = i;
        // The one on screen now: its answers in flight are dropped.
        self.members[i].generation += 1;
        self.members[i].schedule.reset(t);
        // The one left: polled again from now on, starting at once.
        if old != i
            && let Some(m) = self.members.get_mut(old)
        {
            m.generation += 1;
            m.schedule.reset(t);
            m.status_ok = false;
        }
    }

    fn start_due(&mut self) {
        let t = now();
        for i in 0..self.members.len() {
            if i == self.current {
                continue;
            }
            let due: Vec<ResourceKind> = self
                .askable(i)
                .iter()
                .copied()
                .filter(|&k| self.members[i].schedule.due_at(k).is_some_and(|d| d <= t))
                .collect();
            if due.is_empty() {
                continue;
            }
            let m = &mut self.members[i];
            let client = m
                .client
                .get_or_insert_with(|| Client::new(m.target.config.clone()))
                .clone();
            for kind in due {
                m.schedule.start(kind);
                let client = client.clone();
                let token = m.target.config.token.clone();
                let permits = Arc::clone(&self.permits);
                let generation = m.generation;
                tracing::debug!(kind = kind.label(), workspace = %m.target.id, "fleet fetch");
                self.tasks.spawn(async move {
                    // The semaphore is never closed, so acquiring only waits.
                    let _permit = permits.acquire_owned().await.ok();
                    let result = match client {
                        Ok(c) => fetch(&c, kind, token.expose_secret()).await,
                        Err(e) => Err(e),
                    };
                    Done {
                        workspace: i,
                        generation,
                        kind,
                        result,
                    }
                });
            }
        }
    }

    async fn finished(&mut self, done: Done) -> Result<(), ()> {
        let Some(m) = self.members.get_mut(done.workspace) else {
            return Ok(());
        };
        if done.generation != m.generation || done.workspace == self.current {
            return Ok(());
        }
        let outcome = match &done.result {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Err {
                retry_after: e.retry_after(),
            },
        };
        m.schedule.finish(done.kind, outcome, now());
        if done.kind == ResourceKind::Status {
            m.status_ok = done.result.is_ok();
        }
        if let Err(e) = &done.result {
            tracing::info!(kind = done.kind.label(), workspace = %m.target.id, error = %e, "fleet fetch failed");
        }
        self.events
            .send(SyncEvent::FleetFetched {
                workspace: done.workspace,
                kind: done.kind,
                at: SystemTime::now(),
                result: done.result,
            })
            .await
            .map_err(|_| ())
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_of_fifty_workspaces_at_the_defaults() {
        let b = budget_per_second(50, DEFAULT_FLEET_INTERVAL);
        // 49 workspaces x 5 requests / 60 s.
        assert!((b - 49.0 * 5.0 / 60.0).abs() < 1e-9, "{b}");
        assert_eq!(budget_per_second(1, DEFAULT_FLEET_INTERVAL), 0.0);
    }

    #[test]
    fn fleet_commands_follow_the_dashboards() {
        assert!(matches!(
            FleetCmd::of_sync(&SyncCmd::SwitchWorkspace(3)),
            Some(FleetCmd::SetCurrent(3))
        ));
        assert!(matches!(
            FleetCmd::of_sync(&SyncCmd::SetPaused(true)),
            Some(FleetCmd::SetPaused(true))
        ));
        assert!(FleetCmd::of_sync(&SyncCmd::RefreshAll).is_none());
    }
}
