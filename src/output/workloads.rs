//! `lepdash get endpoints|jobs|pods|nodes`: tables and JSON of workloads.
//!
//! JSON (one object): `"kind"`, `"workspace"`, `"base_url"` as every kind,
//! `"items"` and `"skipped"`, plus:
//!
//! * `endpoints`: `"family"` (`legacy` or `new`: the routes used, chosen by
//!   the workspace's `features` as `lep` does) and items
//!   `{name,id,state,class,replicas_ready,replicas_desired,min_replicas,max_replicas,shape,gpus_per_replica,url,node_groups,owner,created_at,image}`
//!   — one shape for both route families;
//! * `jobs`: items are the API's job objects `{metadata,spec,status}` with
//!   an added `"class"`; `"truncated"` is true when the page or item cap
//!   (50 pages of 200, 10,000 jobs) cut the list;
//! * `pods`: `"family"` and items
//!   `{name,id,state,class,stopped,shape,public_ip,ssh,ports:[{container_port,host_port}],node_groups,owner,created_at,image}`;
//! * `nodes`: items `{group:{metadata,spec,status},nodes:[…],error,healthy,unhealthy,total,gpu_available,gpu_used,gpu_total}`.
//!
//! `class` is the state's class: `healthy`, `transitional`, `waiting`,
//! `attention` or `terminal`. Tables show the same rows as the dashboard's
//! Workloads pane, sorted by name, with the state's text (never colour).

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use crate::api::types::Shape;
use crate::api::workloads::{EndpointView, Job, PodView, RouteFamily};
use crate::app::workloads::{self as wl, NodeGroupRow, Shapes};
use crate::cli::OutputFormat;
use crate::protocol::Fetched;

use super::{OutputError, table_or_empty, write_json, write_skipped};

fn family_label(f: RouteFamily) -> &'static str {
    match f {
        RouteFamily::Legacy => "legacy",
        RouteFamily::New => "new",
    }
}

/// Print a fetched workload list; `false` when `fetched` is not a workload kind.
pub(super) fn emit(
    out: &mut dyn Write,
    format: OutputFormat,
    envelope: &dyn Fn(Value) -> Value,
    fetched: &Fetched,
    shapes: Option<&BTreeMap<String, Shape>>,
    now_ms: i64,
) -> Result<bool, OutputError> {
    match fetched {
        Fetched::Endpoints { family, list } => match format {
            OutputFormat::Json => {
                let items: Vec<Value> = list
                    .items
                    .iter()
                    .map(|e| endpoint_json(e, shapes))
                    .collect();
                write_json(
                    out,
                    &envelope(
                        json!({"family": family_label(*family), "items": items, "skipped": list.skipped.len()}),
                    ),
                )?;
            }
            OutputFormat::Table | OutputFormat::Wide => {
                out.write_all(endpoints_table(&list.items, shapes, now_ms).as_bytes())?;
                write_skipped(out, list.skipped.len())?;
            }
        },
        Fetched::Jobs(list) => {
            let jobs = &list.jobs.items;
            match format {
                OutputFormat::Json => {
                    let mut items = Vec::with_capacity(jobs.len());
                    for j in jobs {
                        let mut v = serde_json::to_value(j)?;
                        if let Value::Object(m) = &mut v {
                            m.insert("class".into(), json!(j.state_class().as_str()));
                        }
                        items.push(v);
                    }
                    write_json(
                        out,
                        &envelope(
                            json!({"items": items, "skipped": list.jobs.skipped.len(), "truncated": list.truncated}),
                        ),
                    )?;
                }
                OutputFormat::Table | OutputFormat::Wide => {
                    out.write_all(jobs_table(jobs, shapes, now_ms).as_bytes())?;
                    write_skipped(out, list.jobs.skipped.len())?;
                    if list.truncated {
                        writeln!(out, "(list cut at {} jobs)", jobs.len())?;
                    }
                }
            }
        }
        Fetched::Pods { family, list } => match format {
            OutputFormat::Json => {
                let items: Vec<Value> = list.items.iter().map(pod_json).collect();
                write_json(
                    out,
                    &envelope(
                        json!({"family": family_label(*family), "items": items, "skipped": list.skipped.len()}),
                    ),
                )?;
            }
            OutputFormat::Table | OutputFormat::Wide => {
                out.write_all(pods_table(&list.items, shapes, now_ms).as_bytes())?;
                write_skipped(out, list.skipped.len())?;
            }
        },
        Fetched::Nodes(list) => {
            let rows: Vec<NodeGroupRow> = list
                .items
                .iter()
                .cloned()
                .map(NodeGroupRow::from_fetched)
                .collect();
            match format {
                OutputFormat::Json => {
                    let mut items = Vec::with_capacity(rows.len());
                    for g in &rows {
                        let (ok, bad, all) = g.node_counts();
                        let (ga, gu, gt) = g.gpu_counts();
                        items.push(json!({
                            "group": g.group,
                            "nodes": g.nodes,
                            "error": g.error.as_deref().map(super::sanitize),
                            "healthy": ok, "unhealthy": bad, "total": all,
                            "gpu_available": ga, "gpu_used": gu, "gpu_total": gt,
                        }));
                    }
                    write_json(
                        out,
                        &envelope(json!({"items": items, "skipped": list.skipped.len()})),
                    )?;
                }
                OutputFormat::Table | OutputFormat::Wide => {
                    out.write_all(nodes_table(&rows).as_bytes())?;
                    write_skipped(out, list.skipped.len())?;
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn endpoint_json(e: &EndpointView, shapes: Shapes<'_>) -> Value {
    json!({
        "name": e.name, "id": e.id, "state": e.state_text(), "class": e.state_class().as_str(),
        "replicas_ready": e.replicas_ready, "replicas_desired": e.replicas_desired,
        "min_replicas": e.min_replicas, "max_replicas": e.max_replicas,
        "shape": e.shape, "gpus_per_replica": wl::gpus_per_replica(shapes, e.shape.as_deref()),
        "url": e.url, "node_groups": e.node_groups, "owner": e.owner,
        "created_at": e.created_at, "image": e.image,
    })
}

fn pod_json(p: &PodView) -> Value {
    let ports: Vec<Value> = p
        .ports
        .iter()
        .map(|m| json!({"container_port": m.container_port, "host_port": m.host_port}))
        .collect();
    json!({
        "name": p.name, "id": p.id, "state": p.state_text(), "class": p.state_class().as_str(),
        "stopped": p.stopped, "shape": p.shape, "public_ip": p.public_ip, "ssh": p.ssh_command(),
        "ports": ports, "node_groups": p.node_groups, "owner": p.owner,
        "created_at": p.created_at, "image": p.image,
    })
}

/// The cells of `cols` of each row, sorted by the first (the name).
fn rows_of(n: usize, cols: &[usize], cell: impl Fn(usize, usize) -> String) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = (0..n)
        .map(|i| cols.iter().map(|&c| cell(i, c)).collect())
        .collect();
    rows.sort();
    rows
}

fn endpoints_table(v: &[EndpointView], shapes: Shapes<'_>, now_ms: i64) -> String {
    // Name, State, Ready, Shape, GPUs, URL, Age.
    let rows = rows_of(v.len(), &[0, 1, 2, 3, 4, 5, 8], |i, c| {
        wl::endpoint_cell(v, shapes, i, c, now_ms).into_owned()
    });
    table_or_empty(
        &["NAME", "STATE", "READY", "SHAPE", "GPUS", "URL", "AGE"],
        &[0, 1, 2],
        rows,
        "endpoints",
    )
}

fn jobs_table(v: &[Job], shapes: Shapes<'_>, now_ms: i64) -> String {
    // Name, State, Workers, Retries, Duration, Shape, GPUs, Age.
    let rows = rows_of(v.len(), &[0, 1, 2, 3, 4, 5, 6, 9], |i, c| {
        wl::job_cell(v, shapes, i, c, now_ms).into_owned()
    });
    table_or_empty(
        &[
            "NAME", "STATE", "WORKERS", "RETRIES", "DURATION", "SHAPE", "GPUS", "AGE",
        ],
        &[0, 1, 2],
        rows,
        "jobs",
    )
}

fn pods_table(v: &[PodView], shapes: Shapes<'_>, now_ms: i64) -> String {
    // Name, State, Shape, SSH, Age.
    let rows = rows_of(v.len(), &[0, 1, 2, 4, 7], |i, c| {
        wl::pod_cell(v, shapes, i, c, now_ms).into_owned()
    });
    table_or_empty(
        &["NAME", "STATE", "SHAPE", "SSH", "AGE"],
        &[1, 3],
        rows,
        "pods",
    )
}

fn nodes_table(v: &[NodeGroupRow]) -> String {
    // Node group, State, Type, Nodes, GPU.
    let rows = rows_of(v.len(), &[0, 1, 2, 3, 4], |i, c| {
        wl::node_cell(v, i, c).into_owned()
    });
    table_or_empty(
        &[
            "NODE GROUP",
            "STATE",
            "TYPE",
            "NODES OK/ERR/ALL",
            "GPU AVAIL/USED/ALL",
        ],
        &[0, 1, 3, 4],
        rows,
        "node groups",
    )
}
