//! The background sync task: poll schedules, back-off, in-flight guards,
//! mutations. Only this module calls the `Client`.
//!
//! The UI task sends [`SyncCmd`]s on an unbounded channel (so it never waits
//! on the network) and receives [`SyncEvent`]s. Scheduling decisions live in
//! the pure [`schedule::Schedule`]; this file is the tokio loop around it: it
//! starts what is due, then sleeps until the next due time, a command, or a
//! finished request. Nothing spins.

pub mod fetch;
pub mod fleet;
pub mod schedule;
pub mod workloads;

pub use fetch::{Polled, fetch, fetch_in, poll};

// The messages this task speaks live in `crate::protocol` (shared with the
// reducer, which must not name this module); re-exported for the task's
// callers (the driver, tests).
pub use crate::protocol::*;

use std::time::{Duration, Instant, SystemTime};

use secrecy::ExposeSecret;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use crate::api::workloads::RouteFamily;
use crate::api::{ApiError, Client, ClientConfig};
use schedule::{Outcome, Request, Schedule, ScheduleConfig};

/// One workspace the sync task can talk to.
#[derive(Debug, Clone)]
pub struct SyncTarget {
    /// The workspace id (for logs).
    pub id: String,
    pub config: ClientConfig,
}

/// The running sync task.
#[derive(Debug)]
pub struct SyncHandle {
    /// Commands to the task. Sending never blocks; a send error means the
    /// task has ended.
    pub cmds: mpsc::UnboundedSender<SyncCmd>,
    pub join: JoinHandle<()>,
}

impl SyncHandle {
    /// Ask the task to stop and wait for it (in-flight requests are dropped).
    pub async fn shutdown(self) {
        let _ = self.cmds.send(SyncCmd::Shutdown);
        let _ = self.join.await;
    }
}

/// Timing knobs beyond the two intervals (shorter values for tests).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncOptions {
    pub schedule: ScheduleConfig,
    /// The pane visible at start.
    pub visible: ResourceKind,
}

/// Start the sync task on the current tokio runtime. `interval` (floor 1 s)
/// polls Status and the visible pane, `hidden_interval` the others; back-off
/// starts at 1 s and caps at 60 s.
pub fn spawn(
    targets: Vec<SyncTarget>,
    current: usize,
    interval: Duration,
    hidden_interval: Duration,
    events: mpsc::Sender<SyncEvent>,
) -> SyncHandle {
    let opts = SyncOptions {
        schedule: ScheduleConfig {
            interval,
            hidden_interval,
            ..ScheduleConfig::default()
        },
        visible: ResourceKind::Status,
    };
    spawn_with(targets, current, opts, events)
}

/// [`spawn`] with every timing parameter given (tests use short ones).
pub fn spawn_with(
    targets: Vec<SyncTarget>,
    current: usize,
    opts: SyncOptions,
    events: mpsc::Sender<SyncEvent>,
) -> SyncHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let worker = Worker::new(targets, current, opts, events);
    let join = tokio::spawn(worker.run(rx));
    SyncHandle { cmds: tx, join }
}

/// A finished fetch, tagged with the switch generation it belongs to.
struct FetchDone {
    kind: ResourceKind,
    generation: u64,
    result: Result<Polled, ApiError>,
}

/// A finished mutation.
struct MutationDone {
    id: u64,
    workspace: usize,
    resource: ResourceKind,
    result: Result<MutationOutput, ApiError>,
}

struct Worker {
    targets: Vec<SyncTarget>,
    /// Built lazily: building a client loads TLS roots.
    clients: Vec<Option<Result<Client, ApiError>>>,
    current: usize,
    /// Bumped on every workspace switch; older fetch results are dropped.
    generation: u64,
    schedule: Schedule,
    /// Per kind: the fingerprint of the last answer passed on to the UI
    /// (current workspace). A poll with the same one is
    /// [`Fetched::Unchanged`] and is not decoded.
    fingerprints: [Option<u64>; KINDS.len()],
    events: mpsc::Sender<SyncEvent>,
    fetches: JoinSet<FetchDone>,
    mutations: JoinSet<MutationDone>,
    /// Workload details asked for (at most one per workload at a time).
    details: JoinSet<DetailDone>,
    /// The route family of endpoints and pods, from the last `/workspace`
    /// of the current workspace (`None`: the fetch reads it itself).
    family: Option<RouteFamily>,
}

/// A finished workload-detail fetch.
struct DetailDone {
    generation: u64,
    target: WorkloadRef,
    result: Result<WorkloadDetail, ApiError>,
}

/// The event channel closed: the UI is gone.
struct Closed;

fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// The wall-clock time of a monotonic instant (for `next_attempt`).
fn wall(at: Instant) -> SystemTime {
    let now_i = now();
    let now_s = SystemTime::now();
    // Checked: the instant may come from a number a server sent.
    if at >= now_i {
        now_s.checked_add(at - now_i).unwrap_or(now_s)
    } else {
        now_s.checked_sub(now_i - at).unwrap_or(now_s)
    }
}

impl Worker {
    fn new(
        targets: Vec<SyncTarget>,
        current: usize,
        opts: SyncOptions,
        events: mpsc::Sender<SyncEvent>,
    ) -> Self {
        let clients = targets.iter().map(|_| None).collect();
        let current = current.min(targets.len().saturating_sub(1));
        Worker {
            targets,
            clients,
            current,
            generation: 0,
            schedule: Schedule::new(opts.schedule, opts.visible, now()),
            fingerprints: [None; KINDS.len()],
            events,
            fetches: JoinSet::new(),
            mutations: JoinSet::new(),
            details: JoinSet::new(),
            family: None,
        }
    }

    async fn run(mut self, mut cmds: mpsc::UnboundedReceiver<SyncCmd>) {
        tracing::debug!(targets = self.targets.len(), "sync task started");
        if self.targets.is_empty() {
            // Nothing to poll; wait for the UI to go away.
            while let Some(cmd) = cmds.recv().await {
                if matches!(cmd, SyncCmd::Shutdown) {
                    break;
                }
            }
            return;
        }
        loop {
            if self.start_due().await.is_err() {
                break;
            }
            let wake = self.schedule.next_wake();
            tokio::select! {
                cmd = cmds.recv() => match cmd {
                    None | Some(SyncCmd::Shutdown) => break,
                    Some(cmd) => {
                        if self.command(cmd).await.is_err() {
                            break;
                        }
                    }
                },
                Some(done) = self.fetches.join_next(), if !self.fetches.is_empty() => {
                    // A cancelled task (workspace switch) carries nothing.
                    if let Ok(done) = done
                        && self.fetched(done).await.is_err() {
                            break;
                        }
                }
                Some(done) = self.mutations.join_next(), if !self.mutations.is_empty() => {
                    match done {
                        Ok(done) => {
                            if self.mutated(done).await.is_err() {
                                break;
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "mutation task failed"),
                    }
                }
                Some(done) = self.details.join_next(), if !self.details.is_empty() => {
                    if let Ok(done) = done
                        && self.detail_done(done).await.is_err() {
                            break;
                        }
                }
                () = sleep_until(wake), if wake.is_some() => {}
            }
        }
        self.fetches.abort_all();
        self.mutations.abort_all();
        self.details.abort_all();
        tracing::debug!("sync task stopped");
    }

    fn client(&mut self, ws: usize) -> Result<Client, ApiError> {
        let slot = &mut self.clients[ws];
        slot.get_or_insert_with(|| Client::new(self.targets[ws].config.clone()))
            .clone()
    }

    async fn send(&self, ev: SyncEvent) -> Result<(), Closed> {
        self.events.send(ev).await.map_err(|_| Closed)
    }

    /// Start every fetch that is due now.
    async fn start_due(&mut self) -> Result<(), Closed> {
        let due = self.schedule.due(now());
        if due.is_empty() {
            return Ok(());
        }
        let ws = self.current;
        let client = self.client(ws);
        for kind in due {
            self.schedule.start(kind);
            self.send(SyncEvent::FetchStarted {
                kind,
                workspace: ws,
            })
            .await?;
            let generation = self.generation;
            let client = client.clone();
            let token = self.targets[ws].config.token.clone();
            let family = self.family;
            let last = self.fingerprints[kind.index()];
            tracing::debug!(kind = kind.label(), workspace = %self.targets[ws].id, "fetch");
            self.fetches.spawn(async move {
                let result = match client {
                    Ok(c) => poll(&c, kind, token.expose_secret(), last, family).await,
                    Err(e) => Err(e),
                };
                FetchDone {
                    kind,
                    generation,
                    result,
                }
            });
        }
        Ok(())
    }

    async fn fetched(&mut self, done: FetchDone) -> Result<(), Closed> {
        if done.generation != self.generation {
            return Ok(());
        }
        let end = now();
        let outcome = match &done.result {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Err {
                retry_after: e.retry_after(),
            },
        };
        let next = self.schedule.finish(done.kind, outcome, end);
        let result = match done.result {
            Ok(polled) => {
                self.fingerprints[done.kind.index()] = Some(polled.fingerprint);
                Ok(polled.fetched)
            }
            Err(e) => {
                tracing::warn!(kind = done.kind.label(), error = %e, "fetch failed");
                Err(e)
            }
        };
        if let Ok(Fetched::Status { info, .. }) = &result {
            self.family = Some(RouteFamily::from_features(info.features.as_ref()));
        }
        self.send(SyncEvent::Fetched {
            kind: done.kind,
            workspace: self.current,
            at: SystemTime::now(),
            result,
            next_attempt: next.map(wall),
        })
        .await
    }

    async fn detail_done(&mut self, done: DetailDone) -> Result<(), Closed> {
        if done.generation != self.generation {
            return Ok(());
        }
        self.send(SyncEvent::WorkloadDetail {
            workspace: self.current,
            target: done.target,
            result: done.result,
        })
        .await
    }

    fn fetch_detail(&mut self, target: WorkloadRef) {
        let ws = self.current;
        let client = self.client(ws);
        let generation = self.generation;
        tracing::debug!(kind = target.kind.label(), "workload detail");
        self.details.spawn(async move {
            let result = match client {
                Ok(c) => workloads::detail(&c, &target).await,
                Err(e) => Err(e),
            };
            DetailDone {
                generation,
                target,
                result,
            }
        });
    }

    async fn mutated(&mut self, done: MutationDone) -> Result<(), Closed> {
        match &done.result {
            Ok(_) => tracing::info!(id = done.id, "mutation done"),
            Err(e) => tracing::warn!(id = done.id, error = %e, "mutation failed"),
        }
        self.send(SyncEvent::Mutated {
            id: done.id,
            workspace: done.workspace,
            result: done.result,
        })
        .await?;
        if done.workspace == self.current {
            // Also after a failure: a write whose answer was lost may still
            // have been applied, and the list tells.
            self.schedule
                .request(done.resource, Request::AfterMutation, now());
        }
        Ok(())
    }

    async fn command(&mut self, cmd: SyncCmd) -> Result<(), Closed> {
        let t = now();
        match cmd {
            SyncCmd::Refresh(kind) => self.schedule.request(kind, Request::Manual, t),
            SyncCmd::RefreshAll => {
                for kind in ResourceKind::ALL {
                    self.schedule.request(kind, Request::Manual, t);
                }
            }
            SyncCmd::SetVisible(kind) => self.schedule.set_visible(kind, t),
            SyncCmd::SetPaused(p) => self.schedule.set_paused(p),
            SyncCmd::SetInterval(d) => self.schedule.set_interval(d),
            SyncCmd::Mutate { id, mutation } => self.mutate(id, mutation),
            SyncCmd::FetchWorkloadDetail(target) => self.fetch_detail(target),
            SyncCmd::SwitchWorkspace(i) => {
                if i >= self.targets.len() {
                    tracing::warn!(index = i, "switch to an unknown workspace ignored");
                    return Ok(());
                }
                tracing::info!(workspace = %self.targets[i].id, "switch workspace");
                self.current = i;
                self.generation += 1;
                self.family = None;
                self.fingerprints = [None; KINDS.len()];
                self.fetches.abort_all();
                self.details.abort_all();
                self.schedule.reset(t);
            }
            SyncCmd::AddWorkspace { id, base_url } => {
                if let Some(target) = self.targets.get(self.current) {
                    let target = fleet::derived_target(target, &id, &base_url);
                    tracing::info!(workspace = %id, "workspace added (current token, derived URL)");
                    self.targets.push(target);
                    self.clients.push(None);
                }
            }
            SyncCmd::Shutdown => {}
        }
        Ok(())
    }

    fn mutate(&mut self, id: u64, mutation: Mutation) {
        let workspace = self.current;
        let client = self.client(workspace);
        let resource = mutation.resource();
        tracing::info!(id, resource = resource.label(), workspace = %self.targets[workspace].id, "mutation");
        self.mutations.spawn(async move {
            let result = match client {
                Ok(c) => run_mutation(&c, mutation).await,
                Err(e) => Err(e),
            };
            MutationDone {
                id,
                workspace,
                resource,
                result,
            }
        });
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}

/// Run one write. Never retried.
pub async fn run_mutation(client: &Client, m: Mutation) -> Result<MutationOutput, ApiError> {
    match m {
        Mutation::PutSecrets { items, .. } => client
            .put_secrets(&items)
            .await
            .map(|()| MutationOutput::Done),
        Mutation::DeleteSecret { name } => client
            .delete_secret(&name)
            .await
            .map(|()| MutationOutput::Done),
        Mutation::InviteMember(req) => client.invite_member(&req).await.map(MutationOutput::Member),
        Mutation::ChangeRole { id, role, .. } => client
            .change_member_role(&id, role)
            .await
            .map(MutationOutput::Member),
        Mutation::RemoveMember { id, .. } => client
            .remove_member(&id)
            .await
            .map(|()| MutationOutput::Done),
        Mutation::CreateToken(req) => client
            .create_token(&req)
            .await
            .map(MutationOutput::TokenCreated),
        Mutation::RevokeToken { id, .. } => client
            .revoke_token(&id)
            .await
            .map(|()| MutationOutput::Done),
        Mutation::AddRegistry(req) => client
            .add_registry(&req)
            .await
            .map(|()| MutationOutput::Done),
        Mutation::DeleteRegistry { id } => client
            .delete_registry(&id)
            .await
            .map(|()| MutationOutput::Done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sync_with_no_targets_idles_until_shutdown() {
        let (tx, mut rx) = mpsc::channel(8);
        let h = spawn(
            vec![],
            0,
            Duration::from_secs(1),
            Duration::from_secs(60),
            tx,
        );
        h.shutdown().await;
        assert!(rx.recv().await.is_none());
    }
}
