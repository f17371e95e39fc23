//! Unit tests of the workload store: seed consistency and demo activity.

use secrecy::SecretString;

use super::*;
use crate::emulator::seed::{SeedFiles, build_store};
use crate::emulator::state::gen_token;

const NOW: i64 = 1_800_000_000_000;

fn store() -> Store {
    build_store(
        &SeedFiles::embedded(),
        &SecretString::from(gen_token()),
        NOW,
    )
    .unwrap()
}

#[test]
fn seed_matches_workspace_counts_and_covers_every_state() {
    let s = store();
    for w in &s.workspaces {
        let (d, j, p) = w.workloads.counts();
        let c = &w.info.workloads;
        assert_eq!(
            (d, j, p),
            (c.num_deployments, c.num_jobs, c.num_pods),
            "{}: seeded workloads disagree with workspaces.json",
            w.id
        );
    }
    let demo = &s.workspaces[0].workloads;
    for st in ["Ready", "Scaling", "Not Ready", "Error"] {
        assert!(
            demo.endpoints.iter().any(|e| e.state.as_str() == st),
            "no {st} endpoint"
        );
    }
    for st in [
        "Queueing",
        "Running",
        "PendingRetry",
        "Completed",
        "Failed",
        "Stopped",
    ] {
        assert!(
            demo.jobs.iter().any(|j| j.state().unwrap().as_str() == st),
            "no {st} job"
        );
    }
    assert!(
        demo.pods
            .iter()
            .any(|p| p.ports.iter().any(|(c, _)| *c == 2222))
    );
    assert_eq!(demo.node_groups.len(), 2);
    assert!(
        demo.node_groups
            .iter()
            .flat_map(|g| &g.nodes)
            .any(Node::is_unhealthy)
    );
    // Newest job first.
    let times: Vec<i64> = demo
        .jobs
        .iter()
        .map(|j| j.metadata.created_at.unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    // A legacy Ready pod has exactly one replica, with its IP.
    let pod = demo
        .pods
        .iter()
        .find(|p| p.state == EndpointState::Ready)
        .unwrap();
    let r = demo.pod_replicas(pod);
    assert_eq!(r.len(), 1);
    assert!(r[0].status.as_ref().unwrap().public_ip.is_some());
    assert_eq!(s.workspaces[2].id, "labs");
    assert!(
        s.workspaces[2]
            .info
            .features
            .as_ref()
            .unwrap()
            .enable_new_deployment_api
    );
}

#[test]
fn activity_moves_jobs_and_keeps_counts_bounded() {
    let mut s = store();
    let mut log = Vec::new();
    for i in 0..400 {
        if let Some(what) = step(&mut s, NOW + i * 30_000) {
            log.push(what);
        }
    }
    assert!(
        log.iter().any(|l| l.contains("Queueing → Starting")),
        "{log:?}"
    );
    assert!(log.iter().any(|l| l.contains("Starting → Running")));
    assert!(log.iter().any(|l| l.contains("submitted (Queueing)")));
    for w in &s.workspaces {
        assert!(w.workloads.jobs.len() <= MAX_DEMO_JOBS);
        for j in &w.workloads.jobs {
            let st = j.status.as_ref().unwrap();
            if st.state == Some(JobState::Running) {
                assert_eq!(st.active, j.spec.workers());
            }
            if st.state.as_ref().is_some_and(JobState::is_finished) {
                assert!(st.completion_time.is_some());
            }
        }
    }
    // The inactive workspace has no workloads and was not touched.
    assert!(s.workspaces[1].workloads.jobs.is_empty());
}

#[test]
fn bad_seeds_are_clear_errors() {
    let bad = |text: &str| {
        let seeds = parse_seed(Some(&text.to_string())).unwrap();
        let (ws, seed) = seeds.into_iter().next().unwrap();
        WorkloadStore::from_seed(&ws, seed, NOW)
            .unwrap_err()
            .to_string()
    };
    let e = bad(
        r#"{"w": {"endpoints": [{"name": "a", "owner": "o", "state": "Ready", "shape": "s", "image": "i", "min": 3, "max": 1, "desired": 1, "ready": 1}]}}"#,
    );
    assert!(e.contains("max < min"), "{e}");
    let e = bad(
        r#"{"w": {"jobs": [{"name": "Bad_Name", "owner": "o", "state": "Running", "shape": "s"}]}}"#,
    );
    assert!(e.contains("invalid job name"), "{e}");
    let e = bad(
        r#"{"w": {"jobs": [{"name": "a", "owner": "o", "state": "Running", "shape": "s", "node_group": "nope"}]}}"#,
    );
    assert!(e.contains("unknown node group"), "{e}");
    assert!(check_job_name("train-1").is_ok());
    assert!(check_job_name("train-").is_err());
    assert!(check_job_name("1train").is_err());
    assert!(check_job_name(&"a".repeat(37)).is_err());
}
