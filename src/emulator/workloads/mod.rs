//! Workloads of one emulated workspace: endpoints, dev pods, jobs and node
//! groups, seeded from `assets/demo/workloads.json` and served on the route
//! family the workspace's `features.enable_new_deployment_api` selects
//! (legacy `/deployments`, or `/endpoints` + `/devpods`); the other family's
//! routes answer 404. Jobs and node groups are the same on both.
//!
//! Endpoints and pods are stored family-neutral ([`EndpointRec`],
//! [`PodRec`]) and rendered into either wire shape per request; jobs and node
//! groups are stored as wire objects. Replicas, readiness, terminations and
//! events are derived from the records, so they always agree with the lists.
//!
//! Seed layout (`workloads.json`, optional, times relative to start-up):
//!
//! ```text
//! {"<ws>": {"node_groups": [{id, name, mode, gpu_product?, desired_nodes?,
//!                            nodes: [{name, gpus, gpus_used, status: [..], unschedulable?, stage?}]}],
//!           "endpoints": [{name, owner, created_days_ago, state, shape, node_group?, image,
//!                          min, max?, desired, ready, priority?}],
//!           "pods": [{name, owner, created_days_ago, state, shape, node_group?, image,
//!                     stopped?, public_ip?, ports?: [[container, host]…]}],
//!           "jobs": [{name, owner, created_hours_ago, state, shape, node_group?, image?,
//!                     workers, max_failure_retry?, priority?}]}}
//! ```

pub(crate) mod routes;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::EmulatorError;
use super::state::Store;
use crate::api::types::Metadata;
use crate::api::workloads::*;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Jobs kept per workspace before the oldest finished ones are dropped by
/// demo activity.
const MAX_DEMO_JOBS: usize = 40;

/// An endpoint, independent of the route family.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EndpointRec {
    pub name: String,
    pub owner: String,
    #[serde(default)]
    created_days_ago: f64,
    #[serde(skip)]
    pub created_at: i64,
    pub state: EndpointState,
    pub shape: String,
    #[serde(default)]
    pub node_group: Option<String>,
    pub image: String,
    pub min: u32,
    #[serde(default)]
    pub max: Option<u32>,
    pub desired: u32,
    pub ready: u32,
    #[serde(default)]
    pub priority: Option<String>,
}

/// A dev pod, independent of the route family.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PodRec {
    pub name: String,
    pub owner: String,
    #[serde(default)]
    created_days_ago: f64,
    #[serde(skip)]
    pub created_at: i64,
    pub state: EndpointState,
    pub shape: String,
    #[serde(default)]
    pub node_group: Option<String>,
    pub image: String,
    #[serde(default)]
    pub stopped: bool,
    #[serde(default)]
    pub public_ip: Option<String>,
    /// `(container port, host port)`.
    #[serde(default)]
    pub ports: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Deserialize)]
struct SeedNode {
    name: String,
    #[serde(default)]
    gpus: u32,
    #[serde(default)]
    gpus_used: u32,
    #[serde(default)]
    status: Vec<String>,
    #[serde(default)]
    unschedulable: bool,
    #[serde(default)]
    stage: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct SeedGroup {
    id: String,
    name: String,
    mode: String,
    #[serde(default)]
    gpu_product: Option<String>,
    #[serde(default)]
    desired_nodes: Option<u32>,
    #[serde(default)]
    nodes: Vec<SeedNode>,
}

#[derive(Debug, Clone, Deserialize)]
struct SeedJob {
    name: String,
    owner: String,
    #[serde(default)]
    created_hours_ago: f64,
    state: JobState,
    shape: String,
    #[serde(default)]
    node_group: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default = "one")]
    workers: u32,
    #[serde(default)]
    max_failure_retry: Option<u32>,
    #[serde(default)]
    priority: Option<String>,
}

fn one() -> u32 {
    1
}

/// One workspace's entry of `workloads.json`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct WorkloadSeed {
    #[serde(default)]
    node_groups: Vec<SeedGroup>,
    #[serde(default)]
    endpoints: Vec<EndpointRec>,
    #[serde(default)]
    pods: Vec<PodRec>,
    #[serde(default)]
    jobs: Vec<SeedJob>,
}

/// Parse `workloads.json` (absent = no workloads anywhere).
pub(crate) fn parse_seed(
    text: Option<&String>,
) -> Result<BTreeMap<String, WorkloadSeed>, EmulatorError> {
    match text {
        Some(t) => {
            serde_json::from_str(t).map_err(|e| EmulatorError::Seed(format!("workloads.json: {e}")))
        }
        None => Ok(BTreeMap::new()),
    }
}

/// A node group with its nodes.
#[derive(Debug, Clone)]
pub(crate) struct GroupRec {
    pub group: NodeGroup,
    pub nodes: Vec<Node>,
}

/// All workloads of one workspace.
#[derive(Debug, Clone, Default)]
pub(crate) struct WorkloadStore {
    pub endpoints: Vec<EndpointRec>,
    pub pods: Vec<PodRec>,
    pub jobs: Vec<Job>,
    pub node_groups: Vec<GroupRec>,
    /// Demo activity's resubmission counter.
    resubmits: u32,
    /// Demo activity: whose turn it is (jobs, an endpoint, a pod, a node
    /// group) and how far each kind's cycle has got.
    demo_turn: usize,
    endpoint_phase: u32,
    pod_phase: u32,
    group_phase: u32,
}

/// The job-name rule of `lep job create` (lower-case letter first,
/// `[a-z0-9-]`, at most 36 characters, no trailing `-`).
pub(crate) fn check_job_name(name: &str) -> Result<(), String> {
    let ok = name.len() <= 36
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid job name {name:?}: use at most 36 lower-case letters, digits and '-', \
             starting with a letter and not ending with '-'"
        ))
    }
}

impl WorkloadStore {
    /// Build from a workspace's seed entry.
    pub fn from_seed(ws: &str, seed: WorkloadSeed, now: i64) -> Result<Self, EmulatorError> {
        let err = |m: String| EmulatorError::Seed(format!("workloads.json: {ws}: {m}"));
        let mut out = WorkloadStore::default();
        for g in seed.node_groups {
            if out.node_groups.iter().any(|x| x.group.id() == g.id) {
                return Err(err(format!("node group {} is listed twice", g.id)));
            }
            out.node_groups.push(build_group(ws, g));
        }
        let group_known = |id: &Option<String>, out: &WorkloadStore| {
            id.as_ref()
                .is_none_or(|id| out.node_groups.iter().any(|g| g.group.id() == id))
        };
        for mut e in seed.endpoints {
            if out.endpoints.iter().any(|x| x.name == e.name) {
                return Err(err(format!("endpoint {} is listed twice", e.name)));
            }
            if e.max.is_some_and(|m| m < e.min) {
                return Err(err(format!("endpoint {}: max < min", e.name)));
            }
            if !group_known(&e.node_group, &out) {
                return Err(err(format!("endpoint {}: unknown node group", e.name)));
            }
            e.created_at = now - (e.created_days_ago * DAY_MS as f64) as i64;
            out.endpoints.push(e);
        }
        for mut p in seed.pods {
            if out.pods.iter().any(|x| x.name == p.name)
                || out.endpoints.iter().any(|x| x.name == p.name)
            {
                return Err(err(format!("pod {} is listed twice", p.name)));
            }
            if !group_known(&p.node_group, &out) {
                return Err(err(format!("pod {}: unknown node group", p.name)));
            }
            p.created_at = now - (p.created_days_ago * DAY_MS as f64) as i64;
            out.pods.push(p);
        }
        for j in seed.jobs {
            check_job_name(&j.name).map_err(&err)?;
            if out.jobs.iter().any(|x| x.id() == j.name) {
                return Err(err(format!("job {} is listed twice", j.name)));
            }
            if !group_known(&j.node_group, &out) {
                return Err(err(format!("job {}: unknown node group", j.name)));
            }
            let created = now - (j.created_hours_ago * HOUR_MS as f64) as i64;
            out.jobs.push(seed_job(j, created, now));
        }
        out.sort_jobs();
        Ok(out)
    }

    /// Newest first, as the service lists them.
    fn sort_jobs(&mut self) {
        self.jobs
            .sort_by_key(|j| std::cmp::Reverse(j.metadata.created_at.unwrap_or(0)));
    }

    /// `(num_deployments, num_jobs, num_pods)` for `/workspace`; archived
    /// and deleted jobs are not counted.
    pub fn counts(&self) -> (u64, u64, u64) {
        let jobs = self
            .jobs
            .iter()
            .filter(|j| !matches!(j.state(), Some(JobState::Archived | JobState::Deleted)))
            .count();
        (
            self.endpoints.len() as u64,
            jobs as u64,
            self.pods.len() as u64,
        )
    }

    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id() == id)
    }

    /// Node names of a group (for replica placement), or of all groups.
    fn node_names(&self, group: Option<&str>) -> Vec<String> {
        self.node_groups
            .iter()
            .filter(|g| group.is_none_or(|id| g.group.id() == id))
            .flat_map(|g| g.nodes.iter())
            .filter(|n| n.is_usable())
            .filter_map(|n| n.metadata.name.as_deref().map(str::to_string))
            .collect()
    }

    /// Replicas of a workload: `count` replicas named `<name>-<suffix><i>`,
    /// placed round-robin on the group's usable nodes.
    fn replicas(&self, name: &str, suffix: &str, count: u32, group: Option<&str>) -> Vec<Replica> {
        let nodes = self.node_names(group);
        (0..count)
            .map(|i| {
                let id = format!("{name}-{suffix}{i}");
                let node = (!nodes.is_empty()).then(|| {
                    let n = nodes[i as usize % nodes.len()].clone();
                    ReplicaNode {
                        name: n.clone(),
                        id: n,
                    }
                });
                Replica {
                    id: id.clone(),
                    metadata: Metadata {
                        id: Some(id.clone().into()),
                        name: Some(id.into()),
                        ..Default::default()
                    },
                    status: Some(ReplicaStatus {
                        public_ip: None,
                        node,
                    }),
                }
            })
            .collect()
    }

    /// Replicas of an endpoint (the desired count).
    pub fn endpoint_replicas(&self, e: &EndpointRec) -> Vec<Replica> {
        self.replicas(&e.name, "7f9c-", e.desired, e.node_group.as_deref())
    }

    /// A legacy pod has exactly one replica (with its public IP) unless stopped.
    pub fn pod_replicas(&self, p: &PodRec) -> Vec<Replica> {
        if p.stopped {
            return Vec::new();
        }
        let mut r = self.replicas(&p.name, "", 1, p.node_group.as_deref());
        for x in &mut r {
            if let Some(st) = x.status.as_mut() {
                st.public_ip = p.public_ip.clone();
            }
        }
        r
    }

    /// Workers of a job that hold a replica now.
    pub fn job_replicas(&self, j: &Job) -> Vec<Replica> {
        let running = j.status.as_ref().map_or(0, |s| s.active);
        let group = j
            .spec
            .affinity
            .as_ref()
            .and_then(|a| a.allowed_dedicated_node_groups.first())
            .map(String::as_str);
        self.replicas(j.id(), "worker-", running, group)
    }

    /// One demo step for jobs: advance one unfinished job (Queueing →
    /// Starting → Running → Completed, sometimes PendingRetry or Failed;
    /// PendingRetry → Running). When every job is finished, one is
    /// resubmitted under a new name. `None` when there are no jobs.
    pub fn step_jobs(&mut self, now: i64) -> Option<String> {
        let open: Vec<usize> = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.state().is_some_and(|s| !s.is_finished()))
            .map(|(i, _)| i)
            .collect();
        let Some(i) = fastrand::choice(open) else {
            return self.resubmit(now);
        };
        let job = &mut self.jobs[i];
        let workers = job.spec.workers();
        let status = job.status.get_or_insert_with(JobStatus::default);
        let from = status
            .state
            .clone()
            .unwrap_or(JobState::Unknown(String::new()));
        let to = match from {
            JobState::Queueing | JobState::Awaiting => JobState::Starting,
            JobState::Starting | JobState::Restarting => JobState::Running,
            JobState::PendingRetry => {
                status.job_history.push(JobAttempt {
                    state: Some(JobState::Failed),
                    failed: 1,
                    succeeded: 0,
                    creation_time: status.creation_time,
                    completion_time: Some(now / 1000),
                });
                JobState::Running
            }
            JobState::Running => match fastrand::u8(0..10) {
                0 => JobState::Failed,
                1 | 2 => JobState::PendingRetry,
                _ => JobState::Completed,
            },
            JobState::Stopping => JobState::Stopped,
            JobState::Deleting | JobState::Terminating => JobState::Deleted,
            _ => JobState::Running,
        };
        set_job_state(status, &to, workers, now);
        Some(format!("job {} {} → {}", job.id(), from, to))
    }

    /// One demo step of the next workload kind in turn — jobs, an
    /// endpoint, a pod, a node group; a kind with nothing to do passes to
    /// the next. `None` when there are no workloads.
    pub fn step_demo(&mut self, now: i64) -> Option<String> {
        for _ in 0..4 {
            let kind = self.demo_turn % 4;
            self.demo_turn = self.demo_turn.wrapping_add(1);
            let done = match kind {
                0 => self.step_jobs(now),
                1 => self.step_endpoint(),
                2 => self.step_pod(),
                _ => self.step_group(),
            };
            if done.is_some() {
                return done;
            }
        }
        None
    }

    /// An endpoint serving (`Ready` or `Not Ready`) goes round: a replica
    /// drops out (`Ready` → `Not Ready`), comes back (→ `Ready`), then it
    /// scales up one replica (within its maximum) or back to its minimum.
    fn step_endpoint(&mut self) -> Option<String> {
        let e = self.endpoints.iter_mut().find(|e| {
            matches!(e.state, EndpointState::Ready | EndpointState::NotReady) && e.desired > 0
        })?;
        let phase = self.endpoint_phase % 3;
        self.endpoint_phase = self.endpoint_phase.wrapping_add(1);
        let from = e.state.clone();
        match phase {
            0 if e.state == EndpointState::Ready => {
                e.state = EndpointState::NotReady;
                e.ready = e.desired.saturating_sub(1);
            }
            0 | 1 => {
                e.state = EndpointState::Ready;
                e.ready = e.desired;
            }
            _ => {
                let max = e.max.unwrap_or(e.desired + 1).max(e.min);
                let before = e.desired;
                e.desired = if e.desired < max {
                    e.desired + 1
                } else {
                    e.min.max(1)
                };
                e.ready = e.desired;
                e.state = EndpointState::Ready;
                return Some(format!(
                    "endpoint {} replicas {before} → {}",
                    e.name, e.desired
                ));
            }
        }
        Some(format!("endpoint {} {from} → {}", e.name, e.state))
    }

    /// A running pod goes round: restarting, ready, in error, ready.
    fn step_pod(&mut self) -> Option<String> {
        let p = self.pods.iter_mut().find(|p| {
            !p.stopped
                && matches!(
                    p.state,
                    EndpointState::Ready | EndpointState::Restarting | EndpointState::Error
                )
        })?;
        let to = match self.pod_phase % 4 {
            0 => EndpointState::Restarting,
            2 => EndpointState::Error,
            _ => EndpointState::Ready,
        };
        self.pod_phase = self.pod_phase.wrapping_add(1);
        let from = std::mem::replace(&mut p.state, to);
        Some(format!("pod {} {from} → {}", p.name, p.state))
    }

    /// A healthy node of a node group turns unhealthy, then recovers: the
    /// group's ready nodes go down and up again.
    fn step_group(&mut self) -> Option<String> {
        let down = self.group_phase.is_multiple_of(2);
        self.group_phase = self.group_phase.wrapping_add(1);
        let g = self.node_groups.iter_mut().find(|g| !g.nodes.is_empty())?;
        let node = g.nodes.first_mut()?;
        let status = node.status.get_or_insert_with(NodeStatus::default);
        let words = if down {
            vec!["Ready".to_string(), "Unhealthy".to_string()]
        } else {
            vec!["Ready".to_string(), "Healthy".to_string()]
        };
        status.status = words;
        let name = node.metadata.name.clone().unwrap_or_default();
        Some(format!(
            "node group {}: node {name} {}",
            g.group.id(),
            if down { "unhealthy" } else { "healthy again" }
        ))
    }

    fn resubmit(&mut self, now: i64) -> Option<String> {
        let with_state: Vec<&Job> = self.jobs.iter().filter(|j| j.state().is_some()).collect();
        let done = fastrand::choice(with_state)?;
        let base = done
            .id()
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        self.resubmits += 1;
        let mut name = format!("{}-r{}", base, self.resubmits);
        name.truncate(36);
        let name = name.trim_end_matches('-').to_string();
        let mut job = done.clone();
        job.metadata.id = Some(name.clone().into());
        job.metadata.name = Some(name.clone().into());
        job.metadata.created_at = Some(now);
        let workers = job.spec.workers();
        let mut status = JobStatus {
            creation_time: Some(now / 1000),
            job_name: Some(name.clone()),
            ..Default::default()
        };
        set_job_state(&mut status, &JobState::Queueing, workers, now);
        job.status = Some(status);
        self.jobs.push(job);
        self.sort_jobs();
        // Bound the list: drop the oldest finished jobs.
        while self.jobs.len() > MAX_DEMO_JOBS {
            match self
                .jobs
                .iter()
                .rposition(|j| j.state().is_some_and(JobState::is_finished))
            {
                Some(i) => {
                    self.jobs.remove(i);
                }
                None => break,
            }
        }
        Some(format!("job {name} submitted (Queueing)"))
    }
}

/// Set a job's state with consistent counters and times.
fn set_job_state(status: &mut JobStatus, state: &JobState, workers: u32, now: i64) {
    let (ready, active, succeeded, failed) = match state {
        JobState::Running => (workers, workers, 0, 0),
        JobState::Starting | JobState::Restarting => (0, workers, 0, 0),
        JobState::Completed => (0, 0, workers, 0),
        JobState::Failed => (0, 0, 0, workers.min(1)),
        JobState::PendingRetry => (0, 0, 0, 1),
        _ => (0, 0, 0, 0),
    };
    status.ready = ready;
    status.active = active;
    status.succeeded = succeeded;
    status.failed = failed;
    status.completion_time = state.is_finished().then_some(now / 1000);
    status.state = Some(state.clone());
}

fn seed_job(j: SeedJob, created: i64, now: i64) -> Job {
    let image = j
        .image
        .unwrap_or_else(|| "nvcr.io/nvidia/pytorch:25.01-py3".to_string());
    let mut status = JobStatus {
        creation_time: Some(created / 1000),
        job_name: Some(j.name.clone()),
        ..Default::default()
    };
    // Finished seed jobs finished a while ago (half-way to now).
    set_job_state(
        &mut status,
        &j.state,
        j.workers,
        created + (now - created) / 2,
    );
    if j.state == JobState::PendingRetry {
        status.job_history.push(JobAttempt {
            state: Some(JobState::Failed),
            failed: 1,
            succeeded: 0,
            creation_time: Some(created / 1000),
            completion_time: Some((created + (now - created) / 2) / 1000),
        });
    }
    Job {
        metadata: Metadata {
            id: Some(j.name.clone().into()),
            name: Some(j.name.clone().into()),
            created_at: Some(created),
            owner: Some(j.owner.clone().into()),
            more: crate::api::types::MetadataMore::by(j.owner),
            ..Default::default()
        },
        spec: JobSpec {
            resource_shape: Some(j.shape),
            affinity: j.node_group.map(|g| Affinity {
                allowed_dedicated_node_groups: vec![g],
                ..Default::default()
            }),
            container: Container {
                image: Some(image),
                command: vec![
                    "/bin/bash".into(),
                    "-c".into(),
                    format!("python train.py --run {}", j.name),
                ],
                ports: Vec::new(),
            },
            completions: Some(j.workers),
            parallelism: Some(j.workers),
            max_failure_retry: j.max_failure_retry,
            queue_config: Some(QueueConfig {
                priority_class: Some(j.priority.unwrap_or_else(|| "mid-4000".into())),
                ..Default::default()
            }),
            ttl_seconds_after_finished: Some(259_200),
            ..Default::default()
        },
        status: Some(status),
    }
}

fn build_group(ws: &str, g: SeedGroup) -> GroupRec {
    let nodes: Vec<Node> = g
        .nodes
        .into_iter()
        .enumerate()
        .map(|(i, n)| Node {
            metadata: Metadata {
                id: Some(n.name.clone().into()),
                name: Some(n.name.clone().into()),
                ..Default::default()
            },
            spec: NodeSpec {
                unschedulable: n.unschedulable,
                resource: Some(NodeResource {
                    gpu: (n.gpus > 0).then(|| GpuResource {
                        product: g.gpu_product.clone(),
                        allocated: n.gpus_used.min(n.gpus),
                        total: n.gpus,
                    }),
                    cpu: Some(CpuResource {
                        kind: Some("x86".into()),
                        allocated: f64::from(n.gpus_used * 24),
                        total: if n.gpus > 0 { 224.0 } else { 64.0 },
                    }),
                    memory: Some(MemoryResource {
                        allocated: u64::from(n.gpus_used) * 245_760,
                        total: if n.gpus > 0 { 2_097_152 } else { 262_144 },
                    }),
                    disk: Some(DiskResource {
                        used_bytes: 120_000_000_000 + (i as u64) * 7_000_000_000,
                        total_bytes: 3_840_000_000_000,
                    }),
                }),
                hostname: Some(format!("{}.{}.nodes.example.test", n.name, g.id)),
                provider: Some(if g.mode == "customer-node" {
                    "byoc".into()
                } else {
                    "lepton".into()
                }),
            },
            status: Some(NodeStatus {
                status: n.status,
                machine_stage: Some(n.stage.unwrap_or_else(|| "production".into())),
                workloads: if n.gpus_used > 0 {
                    vec![NodeWorkload {
                        kind: "job".into(),
                        name: format!("{}-workload", g.name),
                        id: format!("{}-workload", g.name),
                        replica_id: format!("{}-workload-0", g.name),
                        workspace: ws.to_string(),
                        gpu_count: Some(n.gpus_used),
                    }]
                } else {
                    Vec::new()
                },
            }),
        })
        .collect();
    let ready = nodes.iter().filter(|n| n.is_usable()).count() as u32;
    GroupRec {
        group: NodeGroup {
            metadata: Metadata {
                id: Some(g.id.clone().into()),
                name: Some(g.name.into()),
                ..Default::default()
            },
            spec: NodeGroupSpec {
                node_mode: Some(g.mode),
                gpu_product: g.gpu_product,
                desired_nodes: Some(g.desired_nodes.unwrap_or(nodes.len() as u32)),
            },
            status: NodeGroupStatus {
                ready_nodes: Some(ready),
                quota_enabled: Some(true),
            },
        },
        nodes,
    }
}

/// Demo activity: one workload change (a job, an endpoint, a pod or a node
/// group, in turn) in one active workspace.
pub(crate) fn step(store: &mut Store, now: i64) -> Option<String> {
    let mut order: Vec<usize> = (0..store.workspaces.len()).collect();
    fastrand::shuffle(&mut order);
    for i in order {
        let w = &mut store.workspaces[i];
        if !w.is_active() {
            continue;
        }
        if let Some(what) = w.workloads.step_demo(now) {
            return Some(format!("{}: {what}", w.id));
        }
    }
    None
}

#[cfg(test)]
mod tests;
