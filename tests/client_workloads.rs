//! Workloads through the real `lepdash::api::Client` against the emulator on
//! 127.0.0.1: every workload route on both route families (legacy
//! `/deployments` on `demo`, `/endpoints` + `/devpods` on `labs`), jobs across
//! pages, job creation from a template, node groups, auth, faults and the
//! "not available" 404 of a family the workspace does not have.

use lepdash::api::paths;
use lepdash::api::types::*;
use lepdash::api::workloads::*;
use lepdash::api::{ApiError, Client, ClientConfig};
use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

async fn emu() -> EmulatorHandle {
    start(EmulatorOptions::default())
        .await
        .expect("emulator starts")
}

fn client_with(h: &EmulatorHandle, ws: &str, token: &str) -> Client {
    Client::new(ClientConfig::new(
        paths::workspace_base(&h.origin(), ws),
        SecretString::from(token.to_string()),
    ))
    .expect("client")
}

fn admin(h: &EmulatorHandle, ws: &str) -> Client {
    client_with(h, ws, h.admin_token().expose_secret())
}

async fn viewer(h: &EmulatorHandle) -> Client {
    let url = format!(
        "{}{}",
        h.origin(),
        paths::CONTROL_TOKENS.replace("{ws}", "demo")
    );
    let resp = lepdash::api::tls::plain_http_client()
        .unwrap()
        .post(url)
        .json(&json!({"member": "hannah.kim@example.com", "expires_in": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let created: CreatedToken = resp.json().await.unwrap();
    client_with(h, "demo", created.plaintext.expose_secret())
}

fn states(l: &Listed<EndpointView>) -> Vec<String> {
    l.items.iter().map(|e| e.state_text().to_string()).collect()
}

// ------------------------------------------------------------------ legacy family

#[tokio::test]
async fn legacy_family_serves_endpoints_and_pods_from_deployments() {
    let h = emu().await;
    let c = admin(&h, "demo");
    let info = c.workspace().await.unwrap();
    assert_eq!(
        RouteFamily::from_features(info.features.as_ref()),
        RouteFamily::Legacy
    );
    let set = c.workloads(info.features.as_ref()).await;
    assert_eq!(set.family, RouteFamily::Legacy);
    let eps = set.endpoints.unwrap();
    let pods = set.pods.unwrap();
    assert!(eps.skipped.is_empty() && pods.skipped.is_empty());
    // Counts agree with /workspace.
    assert_eq!(eps.items.len() as u64, info.workloads.num_deployments);
    assert_eq!(pods.items.len() as u64, info.workloads.num_pods);
    let st = states(&eps);
    for want in ["Ready", "Scaling", "Not Ready", "Error", "Stopped"] {
        assert!(st.iter().any(|s| s == want), "no {want} in {st:?}");
    }
    let chat = eps
        .items
        .iter()
        .find(|e| e.name == "llama-70b-chat")
        .unwrap();
    assert_eq!(chat.family, RouteFamily::Legacy);
    assert_eq!(chat.state_class(), StateClass::Healthy);
    assert_eq!(chat.node_groups, ["ng-h100-a"]);
    assert_eq!((chat.min_replicas, chat.max_replicas), (Some(1), Some(2)));
    assert!(chat.url.as_deref().unwrap().starts_with("https://"));
    assert_eq!(chat.priority_class.as_deref(), Some("high-8000"));
    let err = eps
        .items
        .iter()
        .find(|e| e.name == "triton-ensemble")
        .unwrap();
    assert_eq!(err.state_class(), StateClass::Attention);

    let marcus = pods.items.iter().find(|p| p.name == "dev-marcus").unwrap();
    assert_eq!(marcus.host_port(SSH_PORT), Some(31022));
    assert_eq!(marcus.host_port(JUPYTER_PORT), Some(31889));
    assert!(
        marcus.public_ip.is_none(),
        "legacy: the IP is on the replica"
    );
    let replicas = c.deployment_replicas("dev-marcus").await.unwrap();
    assert_eq!(replicas.items.len(), 1);
    assert_eq!(
        replicas.items[0]
            .status
            .as_ref()
            .unwrap()
            .public_ip
            .as_deref(),
        Some("203.0.113.21")
    );
    // One call fills in the legacy pods' IPs from their replicas.
    let mut filled = pods.items.clone();
    assert_eq!(
        c.fill_pod_addresses(&mut filled).await,
        2,
        "the stopped pod is skipped"
    );
    let marcus = filled.iter().find(|p| p.name == "dev-marcus").unwrap();
    assert_eq!(
        marcus.ssh_command().as_deref(),
        Some("ssh -p 31022 root@203.0.113.21")
    );
    // The legacy list carries no ready count: one readiness request per
    // running endpoint fills it in (replicas whose first entry is Ready); a
    // stopped endpoint has none ready, without asking.
    assert!(eps.items.iter().all(|e| e.replicas_ready.is_none()));
    let readiness_gets = |h: &EmulatorHandle| -> u64 {
        eps.items
            .iter()
            .map(|e| h.request_count("GET", &format!("/deployments/{}/readiness", e.id)))
            .sum()
    };
    h.reset_request_counts();
    let mut counted = eps.items.clone();
    let asked = c.fill_endpoint_readiness(&mut counted).await;
    assert_eq!(asked, eps.items.len() - 1, "all but the stopped one");
    assert_eq!(readiness_gets(&h), asked as u64);
    let ready =
        |v: &[EndpointView], name: &str| v.iter().find(|e| e.name == name).unwrap().replicas_ready;
    assert_eq!(ready(&counted, "embed-e5"), Some(2), "Ready, 2 of 2");
    assert_eq!(
        ready(&counted, "vllm-qwen-coder"),
        Some(1),
        "Scaling, 1 of 3"
    );
    assert_eq!(ready(&counted, "triton-ensemble"), Some(0), "Error");
    assert_eq!(
        ready(&counted, "whisper-asr"),
        Some(0),
        "Stopped, not asked"
    );
    for e in &counted {
        if e.state != Some(EndpointState::Stopped) {
            let r = c.deployment_readiness(&e.id).await.unwrap();
            assert_eq!(e.replicas_ready, Some(ready_count(&r)), "{}", e.name);
        }
    }
    // A failed lookup leaves that one unknown, the others counted.
    h.set_faults("error-rate=1,only=/deployments/embed-e5/readiness")
        .unwrap();
    let mut partly = eps.items.clone();
    c.fill_endpoint_readiness(&mut partly).await;
    assert_eq!(ready(&partly, "embed-e5"), None);
    assert_eq!(ready(&partly, "vllm-qwen-coder"), Some(1));
    h.clear_faults();

    let stopped = pods
        .items
        .iter()
        .find(|p| p.name == "sandbox-lukas")
        .unwrap();
    assert!(stopped.stopped);
    assert_eq!(stopped.state_class(), StateClass::Terminal);
    assert!(
        c.deployment_replicas("sandbox-lukas")
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Single-object and detail routes.
    let d = c.deployment("triton-ensemble").await.unwrap();
    assert_eq!(d.effective_state(), Some(&EndpointState::Error));
    let readiness = c.deployment_readiness("triton-ensemble").await.unwrap();
    let issues: Vec<&ReadinessIssue> = readiness.values().flatten().collect();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].reason, "ConfigError");
    let term = c.deployment_termination("triton-ensemble").await.unwrap();
    assert_eq!(term.values().flatten().next().unwrap().exit_code, 1);
    assert!(
        c.deployment_termination("llama-70b-chat")
            .await
            .unwrap()
            .is_empty()
    );
    let ev = c.deployment_events("rerank-mistral").await.unwrap();
    assert!(
        ev.items
            .iter()
            .any(|e| e.is_warning() && e.reason == "FailedScheduling")
    );
    assert!(ev.items.iter().all(|e| e.last_observed_time.is_some()));
    let scaling = c.deployment_replicas("vllm-qwen-coder").await.unwrap();
    assert_eq!(scaling.items.len(), 3, "one replica per desired");

    // The family-generic helpers take the same routes.
    let v = c
        .endpoint_view(RouteFamily::Legacy, "embed-e5")
        .await
        .unwrap();
    assert_eq!(v.replicas_desired, Some(2));
    assert_eq!(
        c.endpoint_replicas(RouteFamily::Legacy, "embed-e5")
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    assert!(
        !c.endpoint_events(RouteFamily::Legacy, "embed-e5")
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let missing = c.deployment("nope").await.unwrap_err();
    assert!(matches!(missing, ApiError::NotFound(_)), "{missing:?}");
    h.shutdown().await;
}

// ------------------------------------------------------------------ new family

#[tokio::test]
async fn new_family_serves_endpoints_and_devpods() {
    let h = emu().await;
    let c = admin(&h, "labs");
    let info = c.workspace().await.unwrap();
    assert_eq!(
        RouteFamily::from_features(info.features.as_ref()),
        RouteFamily::New
    );
    let set = c.workloads(info.features.as_ref()).await;
    assert_eq!(set.family, RouteFamily::New);
    let eps = set.endpoints.unwrap();
    let pods = set.pods.unwrap();
    assert_eq!(eps.items.len() as u64, info.workloads.num_deployments);
    assert_eq!(pods.items.len() as u64, info.workloads.num_pods);
    assert_eq!(states(&eps), ["Ready", "Starting", "Not Ready"]);
    let nem = &eps.items[0];
    assert_eq!(nem.family, RouteFamily::New);
    assert_eq!(nem.owner.as_deref(), Some("alex.rivera@example.com"));
    assert_eq!(
        (nem.replicas_ready, nem.replicas_desired),
        (Some(1), Some(1))
    );
    assert_eq!(eps.items[1].replicas_ready, Some(0));
    assert_eq!(eps.items[1].state_class(), StateClass::Transitional);

    let priya = pods.items.iter().find(|p| p.name == "dev-priya").unwrap();
    assert_eq!(
        priya.ssh_command().as_deref(),
        Some("ssh -p 30122 root@198.51.100.8")
    );
    let mut copy = pods.items.clone();
    assert_eq!(
        c.fill_pod_addresses(&mut copy).await,
        0,
        "new-family pods carry their IP"
    );
    let alex = pods.items.iter().find(|p| p.name == "dev-alex").unwrap();
    assert!(alex.stopped && alex.ssh_command().is_none());

    // The raw wire shape uses the new spelling and nests the owner.
    let raw = c.http_endpoints().await.unwrap();
    let vlm = raw
        .items
        .iter()
        .find(|e| e.metadata.name.as_deref() == Some("vlm-preview"))
        .unwrap();
    assert_eq!(
        vlm.status.as_ref().unwrap().state,
        Some(EndpointState::NotReady)
    );
    assert!(vlm.metadata.lepton_metadata.is_some());
    let body: Value = lepdash::api::tls::plain_http_client()
        .unwrap()
        .get(format!(
            "{}{}",
            paths::workspace_base(&h.origin(), "labs"),
            paths::ENDPOINTS
        ))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body[2]["status"]["state"], "NotReady");

    let one = c.http_endpoint("nemotron-ultra").await.unwrap();
    assert_eq!(
        one.frontend().unwrap().resource_shape.as_deref(),
        Some("gpu.8xb200")
    );
    assert_eq!(
        c.http_endpoint_replicas("nemotron-ultra")
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        !c.http_endpoint_events("vlm-preview")
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let pod = c.devpod("dev-priya").await.unwrap();
    assert_eq!(pod.spec.stopped, Some(false));
    assert!(matches!(
        c.devpod("nope").await.unwrap_err(),
        ApiError::NotFound(_)
    ));
    // Jobs and node groups are the same routes on both families.
    assert_eq!(
        c.jobs(&JobQuery::default()).await.unwrap().jobs.items.len() as u64,
        info.workloads.num_jobs
    );
    assert_eq!(c.node_groups().await.unwrap().items.len(), 2);
    h.shutdown().await;
}

#[tokio::test]
async fn the_other_family_is_not_available_on_that_view_only() {
    let h = emu().await;
    // demo is legacy: the new routes answer 404, each list on its own.
    let demo = admin(&h, "demo");
    let set = demo.workloads_of(RouteFamily::New).await;
    let e = set.endpoints.unwrap_err();
    assert!(not_available(&e), "{e:?}");
    assert!(e.to_string().contains("not available"), "{e}");
    assert!(not_available(&set.pods.unwrap_err()));
    // ...while everything else still answers.
    assert_eq!(
        demo.jobs(&JobQuery::default())
            .await
            .unwrap()
            .jobs
            .items
            .len(),
        14
    );
    assert!(demo.secrets().await.is_ok());
    // labs is new-family: /deployments is the view it does not have.
    let labs = admin(&h, "labs");
    let set = labs.workloads_of(RouteFamily::Legacy).await;
    assert!(not_available(&set.endpoints.unwrap_err()));
    assert!(not_available(&set.pods.unwrap_err()));
    assert!(labs.node_groups_with_nodes().await.is_ok());
    // A workspace without workloads has empty lists, not errors.
    let early = admin(&h, "early");
    let set = early.workloads(None).await;
    assert!(set.endpoints.unwrap().items.is_empty());
    assert!(early.node_groups().await.unwrap().items.is_empty());
    // Not an availability problem: a transport error is not "not available".
    assert!(!not_available(&ApiError::Timeout(
        std::time::Duration::from_secs(1)
    )));
    h.shutdown().await;
}

// ------------------------------------------------------------------ jobs

#[tokio::test]
async fn jobs_pages_filters_and_details() {
    let h = emu().await;
    let c = admin(&h, "demo");
    let all = c.jobs(&JobQuery::default()).await.unwrap();
    assert_eq!(all.jobs.items.len(), 14);
    assert_eq!(
        all.pages, 2,
        "one full page, then the empty page that ends the walk"
    );
    assert!(!all.truncated && all.jobs.skipped.is_empty());
    let created: Vec<i64> = all
        .jobs
        .items
        .iter()
        .map(|j| j.metadata.created_at.unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for want in [
        "Queueing",
        "Running",
        "PendingRetry",
        "Completed",
        "Failed",
        "Stopped",
    ] {
        assert!(
            all.jobs
                .items
                .iter()
                .any(|j| j.state().unwrap().as_str() == want),
            "no {want} job"
        );
    }

    // Pages of 5: 5, 5, 4, then empty.
    let q = JobQuery::default();
    let sizes: Vec<usize> = futures::future::join_all((1..=4).map(|p| c.jobs_page(&q, p, 5)))
        .await
        .into_iter()
        .map(|p| p.unwrap().raw_len)
        .collect();
    assert_eq!(sizes, [5, 5, 4, 0]);

    // Server-side filters, as lep sends them.
    let running = c
        .jobs(&JobQuery {
            status: vec!["run".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(running.jobs.items.len(), 3);
    assert!(
        running
            .jobs
            .items
            .iter()
            .all(|j| j.state() == Some(&JobState::Running))
    );
    let two_states = c
        .jobs(&JobQuery {
            status: vec!["failed".into(), "stopped".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(two_states.jobs.items.len(), 4);
    let by = c
        .jobs(&JobQuery {
            created_by: vec!["marcus".into()],
            node_groups: vec!["h100".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let names: Vec<&str> = by.jobs.items.iter().map(Job::name).collect();
    assert_eq!(names, ["llama-sft-lora-7", "eval-humaneval"]);
    let q = c
        .jobs(&JobQuery {
            q: Some("EVAL".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(q.jobs.items.len(), 2);
    let archived = c
        .jobs(&JobQuery {
            mode: JobQueryMode::ArchiveOnly,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(archived.jobs.items.is_empty());

    // Details.
    let j = c
        .job("pretrain-moe-1b", JobQueryMode::AliveOnly)
        .await
        .unwrap();
    assert_eq!(j.state_class(), StateClass::Healthy);
    assert_eq!(j.spec.workers(), 2);
    assert_eq!(j.status.as_ref().unwrap().active, 2);
    let retry = c
        .job("distill-student", JobQueryMode::AliveAndArchive)
        .await
        .unwrap();
    assert_eq!(retry.state_class(), StateClass::Attention);
    assert_eq!(retry.status.as_ref().unwrap().job_history.len(), 1);
    let reps = c.job_replicas("pretrain-moe-1b").await.unwrap();
    assert_eq!(reps.items.len(), 2);
    assert_eq!(reps.items[0].replica_id(), "pretrain-moe-1b-worker-0");
    assert!(reps.items[0].status.as_ref().unwrap().node.is_some());
    assert!(
        c.job_replicas("ft-whisper-de")
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let ev = c.job_events("quantize-awq").await.unwrap();
    assert!(
        ev.items
            .iter()
            .any(|e| e.is_warning() && e.reason == "Failed")
    );
    assert!(matches!(
        c.job("nope", JobQueryMode::AliveOnly).await.unwrap_err(),
        ApiError::NotFound(_)
    ));

    // Raw shapes: wrapper when paged, bare array otherwise; bad params are 400.
    let http = lepdash::api::tls::plain_http_client().unwrap();
    let get = |q: &str| {
        http.get(format!(
            "{}{}{q}",
            paths::workspace_base(&h.origin(), "demo"),
            paths::JOBS
        ))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
    };
    let v: Value = get("?page=1&page_size=2")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["jobs"].as_array().unwrap().len(), 2);
    let v: Value = get("").await.unwrap().json().await.unwrap();
    assert_eq!(v.as_array().unwrap().len(), 14);
    let r = get("?page=0").await.unwrap();
    assert_eq!(r.status(), 400);
    let r = get("?job_query_mode=everything").await.unwrap();
    assert_eq!(r.status(), 400);
    h.shutdown().await;
}

#[tokio::test]
async fn a_job_created_from_a_template_is_listed() {
    let h = emu().await;
    let c = admin(&h, "demo");
    let rendered = c
        .render_template(TemplateNs::Public, "torchrun", Some("train.py --epochs 3"))
        .await
        .unwrap();
    assert_eq!(
        rendered.spec.resource_shape.as_deref(),
        Some("gpu.8xh100-sxm")
    );
    assert!(
        rendered
            .spec
            .container
            .command
            .concat()
            .contains("train.py --epochs 3"),
        "{:?}",
        rendered.spec.container.command
    );
    let mut job = rendered.clone();
    job.metadata.id = Some("my-run".into());
    let created = c.create_job(&job).await.unwrap();
    assert_eq!(created.id(), "my-run");
    assert_eq!(created.state(), Some(&JobState::Queueing));
    assert_eq!(
        created.metadata.owner.as_deref(),
        Some("alex.rivera@example.com")
    );
    let all = c.jobs(&JobQuery::default()).await.unwrap();
    assert_eq!(all.jobs.items[0].id(), "my-run", "newest first");
    assert_eq!(c.workspace().await.unwrap().workloads.num_jobs, 15);

    // Refusals.
    let dup = c.create_job(&job).await.unwrap_err();
    assert!(matches!(dup, ApiError::Conflict(_)), "{dup:?}");
    let mut bad = job.clone();
    bad.metadata.id = Some("Bad_Name".into());
    assert!(matches!(
        c.create_job(&bad).await.unwrap_err(),
        ApiError::BadRequest(_)
    ));
    let mut shapeless = job.clone();
    shapeless.metadata.id = Some("no-shape".into());
    shapeless.spec.resource_shape = None;
    let e = c.create_job(&shapeless).await.unwrap_err();
    assert!(e.to_string().contains("resource_shape"), "{e}");
    let v = viewer(&h).await;
    assert!(
        v.jobs(&JobQuery::default()).await.is_ok(),
        "viewers read jobs"
    );
    let mut mine = job.clone();
    mine.metadata.id = Some("viewer-run".into());
    assert!(matches!(
        v.create_job(&mine).await.unwrap_err(),
        ApiError::Forbidden(_)
    ));
    let early = admin(&h, "early");
    let e = early.create_job(&mine).await.unwrap_err();
    assert_eq!(e.code(), Some("WorkspaceNotActivated"));
    assert!(matches!(
        c.render_template(TemplateNs::Public, "nope", None)
            .await
            .unwrap_err(),
        ApiError::NotFound(_)
    ));
    // A private template renders too (empty body → `{}`).
    let private = c.templates(TemplateNs::Private).await.unwrap();
    let id = private.items[0].id().to_string();
    assert!(
        c.render_template(TemplateNs::Private, &id, None)
            .await
            .is_ok()
    );
    h.shutdown().await;
}

/// A server that ignores `page` (always the same page) or sends a bare
/// array: the client stops instead of looping.
#[tokio::test]
async fn job_walk_is_bounded_when_the_server_ignores_page() {
    use axum::routing::get;
    for body in [
        json!({"jobs": [{"metadata": {"id": "a"}}, {"metadata": {"id": "b"}}]}),
        json!([{"metadata": {"id": "a"}}, {"metadata": 3}]),
    ] {
        let served = body.clone();
        let app = axum::Router::new().route(
            "/api/v2/workspaces/w/jobs",
            get(move || {
                let b = served.clone();
                async move { axum::Json(b) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let c = Client::new(ClientConfig::new(
            format!("http://{addr}/api/v2/workspaces/w"),
            SecretString::from("t".to_string()),
        ))
        .unwrap();
        let l = c.jobs(&JobQuery::default()).await.unwrap();
        assert_eq!(l.pages, 2, "{body}");
        assert_eq!(l.jobs.items[0].id(), "a");
        assert!(l.pages <= MAX_JOB_PAGES);
        server.abort();
    }
}

// ------------------------------------------------------------------ node groups

#[tokio::test]
async fn node_groups_with_their_nodes() {
    let h = emu().await;
    let c = admin(&h, "demo");
    let groups = c.node_groups_with_nodes().await.unwrap();
    assert_eq!(groups.items.len(), 2);
    let h100 = &groups.items[0];
    assert_eq!(h100.group.id(), "ng-h100-a");
    assert_eq!(h100.group.spec.node_mode.as_deref(), Some("lepton-node"));
    assert_eq!(h100.node_counts(), (3, 1, 4));
    assert_eq!(h100.gpu_counts(), (6, 18, 32));
    assert_eq!(h100.group.status.ready_nodes, Some(3));
    let byoc = &groups.items[1];
    assert_eq!(byoc.node_counts(), (2, 1, 3));
    let nodes = byoc.nodes.as_ref().unwrap();
    assert!(
        nodes
            .items
            .iter()
            .any(|n| n.state_class() == StateClass::Attention)
    );
    assert_eq!(
        c.node_group("ng-l40s-b").await.unwrap().name(),
        "l40s-pool-b"
    );
    assert_eq!(
        c.node_group_nodes("ng-l40s-b").await.unwrap().items.len(),
        3
    );
    assert!(matches!(
        c.node_group("nope").await.unwrap_err(),
        ApiError::NotFound(_)
    ));
    h.shutdown().await;
}

// ------------------------------------------------------------------ auth, faults, 405

#[tokio::test]
async fn auth_and_faults_cover_the_workload_routes() {
    let h = emu().await;
    let bad = client_with(&h, "demo", "nvapi-not-a-valid-token-0000000000000000");
    assert!(matches!(
        bad.jobs(&JobQuery::default()).await.unwrap_err(),
        ApiError::Unauthorized(_)
    ));
    assert!(matches!(
        bad.workloads(None).await.endpoints.unwrap_err(),
        ApiError::Unauthorized(_)
    ));
    assert!(matches!(
        bad.node_groups().await.unwrap_err(),
        ApiError::Unauthorized(_)
    ));

    let c = admin(&h, "demo");
    h.set_faults("error-rate=1,only=/jobs").unwrap();
    let e = c.jobs(&JobQuery::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { .. }), "{e:?}");
    // Only the faulted route fails.
    assert!(c.workloads(None).await.endpoints.is_ok());
    assert!(h.request_count("GET", "/jobs") >= 1);

    h.set_faults("rate-limit=1,retry-after=9,only=/deployments|/dedicated-node-groups")
        .unwrap();
    match c.workloads(None).await.endpoints.unwrap_err() {
        ApiError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(9)));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        c.node_groups_with_nodes().await.unwrap_err(),
        ApiError::RateLimited { .. }
    ));

    h.set_faults("malformed,only=/endpoints").unwrap();
    let labs = admin(&h, "labs");
    let set = labs
        .workloads(Some(&Features {
            enable_new_deployment_api: true,
            ..Default::default()
        }))
        .await;
    assert!(matches!(set.endpoints.unwrap_err(), ApiError::Decode(_)));
    assert!(set.pods.is_ok(), "devpods are not faulted");
    h.clear_faults();
    assert!(c.jobs(&JobQuery::default()).await.is_ok());

    // A known path with the wrong method: 405 with a {code, message} body.
    let resp = lepdash::api::tls::plain_http_client()
        .unwrap()
        .put(format!(
            "{}{}",
            paths::workspace_base(&h.origin(), "demo"),
            paths::JOBS
        ))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.code, "MethodNotAllowed");
    assert!(body.message.contains("/jobs"), "{}", body.message);
    h.shutdown().await;
}

#[tokio::test]
async fn workspace_counts_and_integer_fields_on_the_wire() {
    let h = emu().await;
    for ws in ["demo", "labs"] {
        let c = admin(&h, ws);
        let info = c.workspace().await.unwrap();
        let set = c.workloads(info.features.as_ref()).await;
        assert_eq!(
            set.endpoints.unwrap().items.len() as u64,
            info.workloads.num_deployments
        );
        assert_eq!(
            set.pods.unwrap().items.len() as u64,
            info.workloads.num_pods
        );
        assert_eq!(
            c.jobs(&JobQuery::default()).await.unwrap().jobs.items.len() as u64,
            info.workloads.num_jobs
        );
        let body: Value = lepdash::api::tls::plain_http_client()
            .unwrap()
            .get(format!(
                "{}{}",
                paths::workspace_base(&h.origin(), ws),
                paths::WORKSPACE
            ))
            .bearer_auth(h.admin_token().expose_secret())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body["resource_quota"]["limit"]["memory"].is_i64(), "{ws}");
        assert!(body["resource_quota"]["used"]["memory"].is_i64(), "{ws}");
        for (name, shape) in body["supported_shapes"].as_object().unwrap() {
            assert!(shape["memory"].is_i64(), "{ws} {name}");
        }
    }
    h.shutdown().await;
}

#[tokio::test]
async fn list_faults_reach_the_workload_lists() {
    let h = emu().await;
    let c = admin(&h, "demo");
    h.set_faults("unknown-enums,bad-items=2,only=/jobs|/deployments|/dedicated-node-groups")
        .unwrap();
    let jobs = c.jobs(&JobQuery::default()).await.unwrap();
    assert_eq!(jobs.jobs.items.len(), 14);
    assert_eq!(
        jobs.jobs.skipped.len(),
        2,
        "bad items are skipped and counted"
    );
    assert!(jobs.jobs.items.iter().all(|j| {
        j.state() == Some(&JobState::Unknown("Hibernating".into()))
            && j.state_class() == StateClass::Attention
    }));
    let set = c.workloads(None).await;
    let eps = set.endpoints.unwrap();
    assert_eq!(eps.skipped.len(), 2);
    assert!(eps.items.iter().all(|e| e.state_text() == "Hibernating"));
    let groups = c.node_groups_with_nodes().await.unwrap();
    assert_eq!(groups.skipped.len(), 2);
    assert_eq!(
        groups.items[0].group.spec.node_mode.as_deref(),
        Some("mystery-node")
    );
    // Nodes with an unknown status are not usable; shown as sent.
    let nodes = groups.items[0].nodes.as_ref().unwrap();
    assert!(nodes.items.iter().all(|n| !n.is_usable()));
    assert_eq!(
        nodes.items[0].status.as_ref().unwrap().status,
        ["Quarantined"]
    );

    // big-lists: the job walk crosses several pages.
    h.set_faults("big-lists=500,only=/jobs").unwrap();
    let big = c.jobs(&JobQuery::default()).await.unwrap();
    assert_eq!(big.jobs.items.len(), 514);
    assert_eq!(
        big.pages as usize,
        514usize.div_ceil(JOB_PAGE_SIZE as usize) + 1
    );
    assert!(!big.truncated);
    h.clear_faults();
    h.shutdown().await;
}

/// A server with endless pages: the walk stops at the caps and says so.
#[tokio::test]
async fn job_walk_stops_at_the_caps() {
    use axum::extract::Query;
    use axum::routing::get;
    use std::collections::HashMap;
    let app = axum::Router::new().route(
        "/api/v2/workspaces/w/jobs",
        get(|Query(q): Query<HashMap<String, String>>| async move {
            let page = q.get("page").cloned().unwrap_or_default();
            let size: usize = q
                .get("page_size")
                .and_then(|s| s.parse().ok())
                .unwrap_or(10);
            let jobs: Vec<Value> = (0..size)
                .map(|i| json!({"metadata": {"id": format!("p{page}-{i}")}, "status": {}}))
                .collect();
            axum::Json(json!({ "jobs": jobs }))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let c = Client::new(ClientConfig::new(
        format!("http://{addr}/api/v2/workspaces/w"),
        SecretString::from("t".to_string()),
    ))
    .unwrap();
    let l = c.jobs(&JobQuery::default()).await.unwrap();
    assert!(l.truncated);
    assert_eq!(l.pages, MAX_JOB_PAGES);
    assert_eq!(
        l.jobs.items.len(),
        MAX_JOBS.min((MAX_JOB_PAGES * JOB_PAGE_SIZE) as usize)
    );
    server.abort();
}
