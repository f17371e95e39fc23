//! Realistic sample data at a fixed "now", for tests, snapshots and
//! benchmarks (deterministic: nothing here reads the clock). Not part of the
//! library: test binaries include it with `#[path = "support/sample.rs"] mod
//! sample;`, the bench with `#[path = "../tests/support/sample.rs"]`.

// Each including binary uses a different part.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use lepdash::api::types::{
    ActivationState, Features, Listed, Member, MemberStatus, Metadata, MetadataMore, QuotaAmount,
    Registry, RegistrySpec, Resolver, ResourceQuota, Role, Secret, Shape, Template, TemplateSpec,
    TemplateStatus, Token, Visibility, WorkloadType, Workloads, WorkspaceInfo, WorkspaceState,
};
use lepdash::api::workloads::client::{JobList, NodeGroupNodes};
use lepdash::api::workloads::{
    Deployment, EndpointView, Job, Node, NodeGroup, PodView, RouteFamily,
};
use lepdash::protocol::{Fetched, ResourceKind, SyncEvent, TemplateEntry};

use lepdash::app::{Effect, Model, ModelInit, Msg, ThemeName, WorkspaceLabel, format, update};

/// A key press of a character (Shift for upper case), as crossterm reports it.
pub fn key(c: char) -> Msg {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

/// A key press of a named key without modifiers.
pub fn code(k: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(k, KeyModifiers::NONE))
}

/// Ctrl + a character.
pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Type `text` key by key; the effects of all the keys.
pub fn typed(m: &mut Model, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(m, key(c))).collect()
}

/// 2026-11-28 12:00:00 UTC.
pub const NOW_MS: i64 = 1_795_867_200_000;
pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 86_400_000;

pub fn now() -> SystemTime {
    format::time_of_ms(NOW_MS)
}

/// `now` plus `secs` seconds.
pub fn at(secs: u64) -> SystemTime {
    now() + Duration::from_secs(secs)
}

pub fn workspaces() -> Vec<WorkspaceLabel> {
    vec![
        WorkspaceLabel {
            id: "xfre17eu".into(),
            display_name: Some("Demo Workspace".into()),
            base_url: "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/xfre17eu".into(),
            token_expires_at: Some(NOW_MS + 120 * DAY),
        },
        WorkspaceLabel {
            id: "team2".into(),
            display_name: Some("Team Sandbox".into()),
            base_url: "http://127.0.0.1:8080/api/v2/workspaces/team2".into(),
            token_expires_at: None,
        },
    ]
}

pub fn init() -> ModelInit {
    ModelInit {
        workspaces: workspaces(),
        current: 0,
        read_only: false,
        demo: false,
        interval: Duration::from_secs(5),
        theme: ThemeName::Dark,
        ascii_borders: false,
        mouse: false,
        key_overrides: BTreeMap::new(),
        warnings: Vec::new(),
        now: now(),
    }
}

pub fn workspace_info() -> WorkspaceInfo {
    let mut shapes = BTreeMap::new();
    let shape = |desc: &str, cpu: f64, mem: f64, acc: Option<(&str, f64, f64)>| Shape {
        description: Some(desc.into()),
        cpu: Some(cpu),
        memory: Some(mem),
        accelerator_type: acc.map(|a| a.0.to_string()),
        accelerator_num: acc.map(|a| a.1),
        accelerator_fraction: acc.map(|a| a.2),
    };
    shapes.insert(
        "cpu.small".into(),
        shape("2 vCPU, 8 GiB", 2.0, 8192.0, None),
    );
    shapes.insert(
        "cpu.large".into(),
        shape("16 vCPU, 64 GiB", 16.0, 65536.0, None),
    );
    shapes.insert(
        "gpu.a10".into(),
        shape(
            "1x A10G 24 GB",
            8.0,
            32768.0,
            Some(("NVIDIA-A10G", 1.0, 1.0)),
        ),
    );
    shapes.insert(
        "gpu.h100-sxm".into(),
        shape(
            "1x H100 SXM 80 GB",
            24.0,
            245760.0,
            Some(("NVIDIA-H100-80GB-HBM3", 1.0, 1.0)),
        ),
    );
    shapes.insert(
        "gpu.8xh100-sxm".into(),
        shape(
            "8x H100 SXM 80 GB, NVLink",
            192.0,
            1966080.0,
            Some(("NVIDIA-H100-80GB-HBM3", 8.0, 1.0)),
        ),
    );
    WorkspaceInfo {
        build_time: "2026-11-20T09:30:00Z".into(),
        git_commit: "0.47.1".into(),
        workspace_name: "xfre17eu".into(),
        workspace_tier: "enterprise".into(),
        workspace_state: WorkspaceState::Normal,
        supported_shapes: shapes,
        not_in_use: Some(false),
        workspace_disk_usage_bytes: 123_456_789_012,
        workloads: Workloads {
            num_deployments: 3,
            num_jobs: 12,
            num_pods: 5,
            num_secrets: 9,
            num_image_pull_secrets: 3,
            num_photons: 0,
        },
        resource_quota: ResourceQuota {
            limit: QuotaAmount {
                cpu: 256.0,
                memory: 1_048_576.0,
                accelerator_num: 16.0,
            },
            used: QuotaAmount {
                cpu: 60.5,
                memory: 786_432.0,
                accelerator_num: 15.0,
            },
        },
        service_quota: Default::default(),
        dedicated_node_group_only: Some(false),
        features: Some(Features::default()),
    }
}

pub fn resolver(state: ActivationState, updated_at: Option<i64>) -> Resolver {
    Resolver {
        id: Some("xfre17eu".into()),
        display_name: Some("Demo Workspace".into()),
        workspace_url: None,
        activation_state: Some(state),
        activation_updated_at: updated_at,
        early_access: Some(true),
    }
}

fn member(
    id: &str,
    email: &str,
    name: Option<&str>,
    role: Role,
    status: MemberStatus,
    joined_days: i64,
    active_ago: Option<i64>,
) -> Member {
    Member {
        id: id.into(),
        email: email.into(),
        name: name.map(Into::into),
        role,
        status,
        invited_by: Some("alice@example.com".into()),
        created_at: Some(NOW_MS - joined_days * DAY),
        last_active_at: active_ago.map(|a| NOW_MS - a),
    }
}

pub fn members() -> Vec<Member> {
    use MemberStatus::{Active, Invited};
    vec![
        member(
            "u-001",
            "alice@example.com",
            Some("Alice Moreau"),
            Role::Admin,
            Active,
            400,
            Some(2 * MIN),
        ),
        member(
            "u-002",
            "bob@example.com",
            Some("Bob Okafor"),
            Role::User,
            Active,
            300,
            Some(3 * HOUR),
        ),
        member(
            "u-003",
            "carol@example.com",
            Some("Carol Jensen"),
            Role::User,
            Active,
            250,
            Some(2 * DAY),
        ),
        member(
            "u-004",
            "dmitri@example.com",
            Some("Dmitri Volkov"),
            Role::Viewer,
            Active,
            200,
            Some(40 * DAY),
        ),
        member(
            "u-005",
            "eve@example.com",
            None,
            Role::User,
            Invited,
            1,
            None,
        ),
        member(
            "u-006",
            "farah@example.com",
            Some("Farah Haddad"),
            Role::Admin,
            Active,
            380,
            Some(10 * MIN),
        ),
        member(
            "u-007",
            "gen.tanaka@example.com",
            Some("Gen Tanaka"),
            Role::User,
            Active,
            120,
            Some(5 * HOUR),
        ),
        member(
            "u-008",
            "hugo@example.com",
            Some("Hugo Lefebvre"),
            Role::Unknown("ml-ops".into()),
            Active,
            90,
            Some(DAY),
        ),
        member(
            "u-009",
            "ines@example.com",
            None,
            Role::Viewer,
            Invited,
            3,
            None,
        ),
        member(
            "u-010",
            "jamal@example.com",
            Some("Jamal Wright"),
            Role::User,
            Active,
            60,
            Some(20 * MIN),
        ),
    ]
}

pub const OWN_TOKEN_ID: &str = "tok-4c1e";

pub fn tokens() -> Vec<Token> {
    let tok =
        |id: &str, name: &str, masked: &str, created_days: i64, expires: Option<i64>, by: &str| {
            Token {
                id: id.into(),
                name: name.into(),
                masked_value: masked.into(),
                scopes: vec![],
                created_at: Some(NOW_MS - created_days * DAY),
                expires_at: expires,
                created_by: Some(by.into()),
            }
        };
    vec![
        tok(
            OWN_TOKEN_ID,
            "laptop",
            "nvapi-Qx7a...9fKd",
            30,
            Some(NOW_MS + 60 * DAY),
            "alice@example.com",
        ),
        tok(
            "tok-77aa",
            "ci-pipeline",
            "nvapi-Lm2P...c0Aa",
            100,
            Some(NOW_MS + 3 * DAY + 4 * HOUR),
            "alice@example.com",
        ),
        tok(
            "tok-0b9e",
            "old-notebook",
            "nvapi-Zz91...Q2we",
            400,
            Some(NOW_MS - 12 * DAY),
            "alice@example.com",
        ),
        tok(
            "tok-51d0",
            "batch-runner",
            "nvapi-Ab3D...77xx",
            10,
            None,
            "alice@example.com",
        ),
        tok(
            "tok-9f02",
            "grafana-exporter",
            "nvapi-Pq8R...m3Nz",
            5,
            Some(NOW_MS + 300 * DAY),
            "alice@example.com",
        ),
    ]
}

fn secret(name: &str, vis: Option<Visibility>, owner: &str, tags: &[&str]) -> Secret {
    Secret {
        name: name.into(),
        tags: tags.iter().map(|t| (*t).into()).collect(),
        owner: Some(owner.into()),
        visibility: vis,
    }
}

pub fn secrets() -> Vec<Secret> {
    use Visibility::{Private, Public};
    vec![
        secret(
            "HF_TOKEN",
            Some(Public),
            "alice@example.com",
            &["hf", "models"],
        ),
        secret(
            "WANDB_API_KEY",
            Some(Private),
            "bob@example.com",
            &["tracking"],
        ),
        secret("NGC_API_KEY", Some(Public), "alice@example.com", &["ngc"]),
        secret("OPENAI_API_KEY", Some(Private), "carol@example.com", &[]),
        secret(
            "SSH_PUBLIC_KEY.alice",
            Some(Private),
            "alice@example.com",
            &["ssh"],
        ),
        secret(
            "S3_ACCESS_KEY_ID",
            Some(Public),
            "farah@example.com",
            &["aws", "data"],
        ),
        secret(
            "S3_SECRET_ACCESS_KEY",
            Some(Public),
            "farah@example.com",
            &["aws", "data"],
        ),
        secret(
            "SLACK_WEBHOOK_URL",
            None,
            "gen.tanaka@example.com",
            &["alerts"],
        ),
        secret("DB_PASSWORD", Some(Private), "jamal@example.com", &["db"]),
    ]
}

/// `n` generated secrets (for benchmarks and scale tests).
pub fn many_secrets(n: usize) -> Vec<Secret> {
    let owners = [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "farah@example.com",
    ];
    let tags = ["hf", "aws", "db", "ci", "models", "data"];
    (0..n)
        .map(|i| Secret {
            name: format!(
                "SECRET_{i:05}_{}",
                ["TOKEN", "KEY", "PASSWORD", "URL"][i % 4]
            )
            .into(),
            tags: vec![tags[i % tags.len()].to_string().into()],
            owner: Some(owners[i % owners.len()].to_string().into()),
            visibility: Some(if i % 3 == 0 {
                Visibility::Public
            } else {
                Visibility::Private
            }),
        })
        .collect()
}

fn registry(id: &str, server: &str, user: &str, provider: &str, days: i64) -> Registry {
    Registry {
        metadata: Metadata {
            id: Some(id.into()),
            name: Some(id.into()),
            created_at: Some(NOW_MS - days * DAY),
            owner: Some("alice@example.com".into()),
            more: MetadataMore::by("alice@example.com"),
            ..Default::default()
        },
        spec: RegistrySpec {
            registry_server: server.into(),
            username: user.into(),
            email: None,
            provider: Some(provider.into()),
        },
    }
}

pub fn registries() -> Vec<Registry> {
    vec![
        registry("ngc-pull", "nvcr.io", "$oauthtoken", "ngc", 200),
        registry(
            "dockerhub-team",
            "https://index.docker.io/v1/",
            "demoteam",
            "dockerhub",
            150,
        ),
        registry("ghcr-ci", "ghcr.io", "demo-bot", "github", 20),
    ]
}

fn template(id: &str, name: &str, public: bool, w: WorkloadType, days: i64) -> TemplateEntry {
    TemplateEntry {
        public,
        template: Template {
            metadata: Metadata {
                id: Some(id.into()),
                name: Some(name.into()),
                created_at: Some(NOW_MS - days * DAY),
                more: MetadataMore::by(if public { "nvidia" } else { "bob@example.com" }),
                visibility: Some(if public {
                    Visibility::Public
                } else {
                    Visibility::Private
                }),
                ..Default::default()
            },
            spec: TemplateSpec {
                content: json!({
                    "resource_requirement": {"resource_shape": "gpu.8xh100-sxm", "min_replicas": 2},
                    "container": {"image": "nvcr.io/nvidia/pytorch:25.01-py3", "command": ["torchrun", "train.py"]},
                    "envs": [{"name": "NCCL_DEBUG", "value": "INFO"}]
                })
                .into(),
                json_schema: json!({
                    "type": "object",
                    "required": ["run"],
                    "properties": {
                        "run": {"type": "string", "description": "command to run"},
                        "replicas": {"type": "integer", "minimum": 1, "default": 2}
                    }
                })
                .into(),
                workload_type: Some(w),
            },
            status: Some(TemplateStatus {
                state: Some("ready".into()),
            }),
        },
    }
}

pub fn templates() -> Vec<TemplateEntry> {
    vec![
        template("torchrun", "torchrun", true, WorkloadType::Job, 300),
        template("mpi", "mpi", true, WorkloadType::Job, 300),
        template(
            "vllm-serve",
            "vLLM OpenAI server",
            true,
            WorkloadType::Deployment,
            100,
        ),
        template(
            "jupyter-lab",
            "JupyterLab dev pod",
            true,
            WorkloadType::Pod,
            100,
        ),
        template("tpl-a81c", "nightly-finetune", false, WorkloadType::Job, 12),
        template("tpl-c03d", "eval-harness", false, WorkloadType::Job, 4),
    ]
}

fn listed<T>(items: Vec<T>) -> Listed<T> {
    Listed {
        items,
        skipped: Vec::new(),
    }
}

/// The `Fetched` data of every sample resource.
pub fn fetched(kind: ResourceKind) -> Fetched {
    match kind {
        ResourceKind::Status => Fetched::Status {
            info: workspace_info(),
            resolver: Some(resolver(ActivationState::Active, None)),
        },
        ResourceKind::Members => Fetched::Members(listed(members())),
        ResourceKind::Tokens => Fetched::Tokens {
            list: listed(tokens()),
            own_id: Some(OWN_TOKEN_ID.into()),
        },
        ResourceKind::Secrets => Fetched::Secrets(listed(secrets())),
        ResourceKind::Registries => Fetched::Registries(listed(registries())),
        ResourceKind::Templates => Fetched::Templates(listed(templates())),
        ResourceKind::Endpoints => Fetched::Endpoints {
            family: RouteFamily::Legacy,
            list: listed(endpoints()),
        },
        ResourceKind::Jobs => Fetched::Jobs(JobList {
            jobs: listed(jobs()),
            pages: 1,
            truncated: false,
        }),
        ResourceKind::Pods => Fetched::Pods {
            family: RouteFamily::Legacy,
            list: listed(pods()),
        },
        ResourceKind::Nodes => Fetched::Nodes(listed(node_groups())),
    }
}

/// A successful fetch message for the current workspace (index 0).
pub fn ok_msg(fetched: Fetched, when: SystemTime) -> Msg {
    Msg::Sync(SyncEvent::Fetched {
        kind: fetched.kind(),
        workspace: 0,
        at: when,
        result: Ok(fetched),
        next_attempt: None,
    })
}

/// A model of `w` x `h` with every sample resource loaded at `now()`.
pub fn loaded_model(w: u16, h: u16) -> Model {
    let mut m = Model::new(init());
    update(&mut m, Msg::Resize(w, h));
    for kind in ResourceKind::ALL {
        update(&mut m, ok_msg(fetched(kind), now()));
    }
    m
}

// ---------------------------------------------------------------- workloads

/// A legacy `/deployments` item.
fn deployment(
    name: &str,
    state: &str,
    shape: &str,
    (ready, desired): (u32, u32),
    url: &str,
    age_h: i64,
    pod: bool,
) -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"id": name, "name": name, "owner": "alice@example.com", "created_at": NOW_MS - age_h * HOUR},
        "spec": {
            "is_pod": pod,
            "container": {"image": "nvcr.io/nvidia/pytorch:25.01-py3"},
            "resource_requirement": {"resource_shape": shape, "min_replicas": desired, "max_replicas": desired.max(1) * 2,
                "affinity": {"allowed_dedicated_node_groups": ["ng-h100-a"]}}
        },
        "status": {
            "state": state,
            "endpoint": {"internal_endpoint": "", "external_endpoint": url},
            "ready_replicas": ready,
            "autoscaler_status": {"desired_replicas": desired},
            "public_ip": if pod && state == "Ready" { json!("203.0.113.7") } else { json!(null) },
            "container_port_status": if pod { json!([
                {"container_port": 2222, "host_port": 30022},
                {"container_port": 18889, "host_port": 30089}
            ]) } else { json!([]) }
        }
    }))
    .expect("sample deployment")
}

pub fn endpoints() -> Vec<EndpointView> {
    [
        (
            "vllm-llama3",
            "Ready",
            "gpu.h100-sxm",
            2,
            2,
            "https://vllm-llama3.demo.lepton.run",
            72,
        ),
        (
            "sdxl-api",
            "Scaling",
            "gpu.a10",
            1,
            3,
            "https://sdxl-api.demo.lepton.run",
            30,
        ),
        ("embed-svc", "Not Ready", "cpu.large", 0, 1, "", 5),
        (
            "whisper-asr",
            "Error",
            "gpu.a10",
            0,
            1,
            "https://whisper-asr.demo.lepton.run",
            2,
        ),
        ("old-demo", "Stopped", "cpu.small", 0, 0, "", 400),
    ]
    .into_iter()
    .map(|(n, st, sh, r, d, u, h)| {
        EndpointView::from_deployment(&deployment(n, st, sh, (r, d), u, h, false))
    })
    .collect()
}

pub fn pods() -> Vec<PodView> {
    [
        ("dev-alice", "Ready", "gpu.h100-sxm", 1, 26),
        ("dev-bob", "Starting", "gpu.a10", 1, 1),
        ("dev-carol", "Stopped", "cpu.small", 0, 200),
    ]
    .into_iter()
    .map(|(n, st, sh, d, h)| PodView::from_deployment(&deployment(n, st, sh, (d, d), "", h, true)))
    .collect()
}

/// A job of `workers` on `shape`, created `age_min` minutes ago.
pub fn job(
    name: &str,
    state: &str,
    shape: &str,
    workers: u32,
    age_min: i64,
    retries: usize,
) -> Job {
    let created = NOW_MS - age_min * MIN;
    let finished = matches!(state, "Completed" | "Failed" | "Stopped");
    let history: Vec<_> = (0..retries)
        .map(|i| json!({"state": "Failed", "failed": 1, "succeeded": 0, "creation_time": (created / 1000) + i as i64 * 60}))
        .collect();
    serde_json::from_value(json!({
        "metadata": {"id": format!("{name}-x7k2"), "name": name, "owner": "bob@example.com", "created_at": created},
        "spec": {
            "resource_shape": shape, "completions": workers, "parallelism": workers,
            "max_job_failure_retry": 3,
            "container": {"image": "nvcr.io/nvidia/pytorch:25.01-py3", "command": ["torchrun", "train.py"]},
            "affinity": {"allowed_dedicated_node_groups": ["ng-h100-a"]}
        },
        "status": {
            "state": state,
            "ready": if state == "Running" { workers } else { 0 },
            "creation_time": created / 1000,
            "completion_time": if finished { json!((created + 25 * MIN) / 1000) } else { json!(null) },
            "job_history": history
        }
    }))
    .expect("sample job")
}

pub fn jobs() -> Vec<Job> {
    vec![
        job("pretrain-70b", "Running", "gpu.8xh100-sxm", 4, 180, 0),
        job("finetune-lora", "Running", "gpu.h100-sxm", 1, 45, 1),
        job("eval-nightly", "Queueing", "gpu.a10", 2, 10, 0),
        job("sweep-lr-3", "PendingRetry", "gpu.a10", 1, 90, 2),
        job("tokenize-shards", "Completed", "cpu.large", 8, 600, 0),
        job("bad-config", "Failed", "gpu.h100-sxm", 2, 300, 3),
        job("paused-run", "Stopped", "gpu.a10", 1, 1440, 0),
    ]
}

/// A node with `gpus` of which `used` are allocated.
fn node(name: &str, status: &[&str], cordoned: bool, gpus: u32, used: u32) -> Node {
    serde_json::from_value(json!({
        "metadata": {"id": name, "name": name},
        "spec": {"unschedulable": cordoned, "resource": {
            "gpu": {"product": "H100", "allocated": used, "total": gpus},
            "cpu": {"allocated": used * 12, "total": gpus * 24},
            "memory": {"allocated": used * 100_000, "total": gpus * 240_000}
        }},
        "status": {"status": status, "workloads": []}
    }))
    .expect("sample node")
}

pub fn node_groups() -> Vec<NodeGroupNodes> {
    let group = |id: &str, name: &str, mode: &str| -> NodeGroup {
        serde_json::from_value(json!({
            "metadata": {"id": id, "name": name, "created_at": NOW_MS - 90 * DAY},
            "spec": {"node_mode": mode, "gpu_product": "NVIDIA-H100-80GB", "desired_nodes": 3},
            "status": {"ready_nodes": 2}
        }))
        .expect("sample node group")
    };
    vec![
        NodeGroupNodes {
            group: group("ng-h100-a", "h100-a", "lepton-node"),
            nodes: Ok(listed(vec![
                node("node-a1", &["Ready", "Healthy"], false, 8, 8),
                node("node-a2", &["Ready", "Healthy"], false, 8, 4),
                node("node-a3", &["Ready", "Unhealthy"], false, 8, 0),
            ])),
        },
        NodeGroupNodes {
            group: group("ng-byoc-b", "byoc-b", "customer-node"),
            nodes: Ok(listed(vec![
                node("node-b1", &["Ready"], false, 8, 2),
                node("node-b2", &["Ready"], true, 8, 0),
            ])),
        },
    ]
}

/// `n` jobs (names `job-00000`…), states cycling through every class.
pub fn many_jobs(n: usize) -> Vec<Job> {
    const STATES: [&str; 6] = [
        "Running",
        "Queueing",
        "PendingRetry",
        "Completed",
        "Failed",
        "Stopped",
    ];
    (0..n)
        .map(|i| {
            job(
                &format!("job-{i:05}"),
                STATES[i % STATES.len()],
                "gpu.h100-sxm",
                1 + (i % 4) as u32,
                (i % 5000) as i64,
                i % 3,
            )
        })
        .collect()
}
