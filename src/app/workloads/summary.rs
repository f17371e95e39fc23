//! The workload counts and attention names of the Status pane.

use super::*;

/// Counts of one workload kind for the Status pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindSummary {
    /// From the list: running (healthy), waiting (transitional or waiting),
    /// failed (needs attention), and all.
    Live {
        running: usize,
        waiting: usize,
        failed: usize,
        total: usize,
    },
    /// The list is not loaded (yet): the `/workspace` count.
    Counted(u64),
    /// 404: this workspace has no such route.
    NotAvailable,
    /// Nothing known.
    Unknown,
}

/// At most this many workloads are named in [`WorkloadSummary::attention`].
pub const MAX_ATTENTION_NAMES: usize = 20;

/// The live summary of the Status pane's workloads line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkloadSummary {
    /// `("endpoints", …)`, `("jobs", …)`, `("pods", …)`.
    pub kinds: Vec<(&'static str, KindSummary)>,
    /// `(healthy, unhealthy, total)` nodes over all groups, when loaded.
    pub nodes: Option<(usize, usize, usize)>,
    /// GPUs held by running workloads (needs the shapes); `None` when no
    /// workload list is loaded.
    pub gpus_in_use: Option<f64>,
    /// Workloads in an attention state: `job train-7 Failed` (the first
    /// [`MAX_ATTENTION_NAMES`]).
    pub attention: Vec<String>,
    /// How many workloads (and node groups) are in an attention state.
    pub attention_total: usize,
    /// Node groups by class (the Nodes view's title), when loaded.
    pub node_groups: Option<KindSummary>,
}

pub fn count<I: Iterator<Item = StateClass>>(classes: I) -> KindSummary {
    let (mut running, mut waiting, mut failed, mut total) = (0, 0, 0, 0);
    for c in classes {
        total += 1;
        match c {
            StateClass::Healthy => running += 1,
            StateClass::Transitional | StateClass::Waiting => waiting += 1,
            StateClass::Attention => failed += 1,
            StateClass::Terminal => {}
        }
    }
    KindSummary::Live {
        running,
        waiting,
        failed,
        total,
    }
}

/// Inputs of [`summarize`]: each list when loaded, its error, the
/// `/workspace` counts and the shapes.
pub struct SummaryInput<'a> {
    pub endpoints: (Option<&'a [EndpointView]>, Option<&'a ApiError>),
    pub jobs: (Option<&'a [Job]>, Option<&'a ApiError>),
    pub pods: (Option<&'a [PodView]>, Option<&'a ApiError>),
    pub nodes: Option<&'a [NodeGroupRow]>,
    /// `(deployments, jobs, pods)` from `/workspace`.
    pub counted: Option<(u64, u64, u64)>,
    pub shapes: Shapes<'a>,
}

pub(super) fn kind_of(
    loaded: Option<KindSummary>,
    err: Option<&ApiError>,
    counted: Option<u64>,
) -> KindSummary {
    if let Some(s) = loaded {
        return s;
    }
    if err.is_some_and(|e| matches!(e, ApiError::NotFound(_))) {
        return KindSummary::NotAvailable;
    }
    counted.map_or(KindSummary::Unknown, KindSummary::Counted)
}

/// The Status pane's workloads summary.
pub fn summarize(i: &SummaryInput<'_>) -> WorkloadSummary {
    let mut attention = Vec::new();
    let mut attention_total = 0;
    let mut note = |text: &dyn Fn() -> String| {
        attention_total += 1;
        if attention.len() < MAX_ATTENTION_NAMES {
            attention.push(text());
        }
    };
    let mut gpus: Option<f64> = None;
    let mut add_gpus = |per: Option<f64>, n: u32| {
        if let Some(p) = per {
            *gpus.get_or_insert(0.0) += p * f64::from(n);
        }
    };
    let eps = i.endpoints.0.map(|v| {
        for e in v {
            if e.state_class() == StateClass::Attention {
                note(&|| format!("endpoint {} {}", e.name, e.state_text()));
            }
            // The legacy list carries no ready count: a Ready endpoint
            // counts its desired replicas.
            let ready = e
                .replicas_ready
                .or(if e.state_class() == StateClass::Healthy {
                    e.replicas_desired
                } else {
                    None
                });
            if e.state_class() != StateClass::Terminal {
                add_gpus(
                    gpus_per_replica(i.shapes, e.shape.as_deref()),
                    ready.unwrap_or(0),
                );
            }
        }
        count(v.iter().map(EndpointView::state_class))
    });
    let jobs = i.jobs.0.map(|v| {
        for j in v {
            if j.state_class() == StateClass::Attention {
                note(&|| format!("job {} {}", j.name(), job_state_text(j)));
            }
            if j.state_class() == StateClass::Healthy {
                add_gpus(
                    gpus_per_replica(i.shapes, j.spec.resource_shape.as_deref()),
                    j.spec.workers(),
                );
            }
        }
        count(v.iter().map(Job::state_class))
    });
    let pods = i.pods.0.map(|v| {
        for p in v {
            if p.state_class() == StateClass::Attention {
                note(&|| format!("pod {} {}", p.name, p.state_text()));
            }
            if p.state_class() == StateClass::Healthy {
                add_gpus(gpus_per_replica(i.shapes, p.shape.as_deref()), 1);
            }
        }
        count(v.iter().map(PodView::state_class))
    });
    let node_groups = i
        .nodes
        .map(|v| count(v.iter().map(NodeGroupRow::state_class)));
    let nodes = i.nodes.map(|v| {
        for g in v {
            if g.state_class() == StateClass::Attention {
                note(&|| format!("node group {} {}", g.group.name(), g.state_text()));
            }
        }
        v.iter()
            .map(NodeGroupRow::node_counts)
            .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    });
    let (cd, cj, cp) = match i.counted {
        Some((d, j, p)) => (Some(d), Some(j), Some(p)),
        None => (None, None, None),
    };
    WorkloadSummary {
        kinds: vec![
            ("endpoints", kind_of(eps, i.endpoints.1, cd)),
            ("jobs", kind_of(jobs, i.jobs.1, cj)),
            ("pods", kind_of(pods, i.pods.1, cp)),
        ],
        nodes,
        gpus_in_use: gpus,
        attention,
        attention_total,
        node_groups,
    }
}
