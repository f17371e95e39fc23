//! `lepdash get fleet [-o table|json]`: the fleet view's rows, headless.
//! Every workspace is asked once for the fleet's kinds (Status, members,
//! tokens, secrets), at most [`CONCURRENCY`] requests at once; the rows are
//! the dashboard's own ([`crate::app::fleet::row`]), most urgent first.
//! The exit status says whether every workspace answered; the rows are
//! printed either way.

use std::io::Write;
use std::sync::Arc;
use std::time::SystemTime;

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{OutputError, TABLE_WIDTH, render_table_keeping, write_json};
use crate::api::Client;
use crate::app::WorkspaceLabel;
use crate::app::fleet::{FleetData, FleetRow, FleetSort, Reach, row, sort_rows};
use crate::cli::OutputFormat;
use crate::sync::SyncTarget;
use crate::sync::fleet::FLEET_KINDS;

/// Requests of `get fleet` running at once.
pub const CONCURRENCY: usize = 8;

/// One workspace to ask: where, with which token, and its label (the login
/// record's token expiry rides on it).
#[derive(Debug, Clone)]
pub struct FleetTarget {
    pub target: SyncTarget,
    pub label: WorkspaceLabel,
}

/// Ask every workspace once; returns the rows (most urgent first) and the
/// data behind them, in the order of `targets` for the data.
pub async fn collect(targets: &[FleetTarget]) -> (Vec<FleetRow>, Vec<FleetData>) {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = JoinSet::new();
    for (i, t) in targets.iter().enumerate() {
        let client = Client::new(t.target.config.clone());
        let token = t.target.config.token.clone();
        for kind in FLEET_KINDS {
            let client = client.clone();
            let token = token.clone();
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                // The semaphore is never closed, so acquiring only waits.
                let _permit = permits.acquire_owned().await.ok();
                let result = match client {
                    Ok(c) => crate::sync::fetch(&c, kind, token.expose_secret()).await,
                    Err(e) => Err(e),
                };
                (i, kind, SystemTime::now(), result)
            });
        }
    }
    let mut data = vec![FleetData::default(); targets.len()];
    while let Some(done) = tasks.join_next().await {
        if let Ok((i, kind, at, result)) = done {
            data[i].apply(kind, at, result);
        }
    }
    let now = SystemTime::now();
    let mut rows: Vec<FleetRow> = targets
        .iter()
        .zip(&data)
        .enumerate()
        .map(|(i, (t, d))| row(i, &t.label, d, i == 0, now))
        .collect();
    sort_rows(&mut rows, FleetSort::Attention, false);
    (rows, data)
}

/// Print the rows; `Ok(true)` when every workspace answered.
pub async fn get_fleet(
    targets: &[FleetTarget],
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<bool, OutputError> {
    let (rows, data) = collect(targets).await;
    let all_answered = rows.iter().all(|r| r.reach == Reach::Ok);
    let now_ms = jiff::Timestamp::now().as_millisecond();
    match format {
        OutputFormat::Json => {
            let items: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let d = &data[r.index];
                    json!({
                        "id": r.id,
                        "name": r.name,
                        "base_url": targets[r.index].label.base_url,
                        "current": r.current,
                        "activation": r.activation,
                        "state": r.state,
                        "tier": r.tier,
                        "reachability": r.reach.text(),
                        "error": d.status_error.as_ref().map(|e| super::sanitize(&e.to_string()).into_owned()),
                        "token_expires_at": r.token_expires_at,
                        "members": r.members,
                        "secrets": r.secrets,
                        "tokens_expiring_10d": r.tokens_expiring,
                        "gpu_used": r.gpu.map(|g| g.0),
                        "gpu_limit": r.gpu.map(|g| g.1),
                        "attention": r.attention,
                    })
                })
                .collect();
            write_json(
                out,
                &json!({"kind": "fleet", "all_answered": all_answered, "workspaces": items}),
            )?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let n = |v: Option<usize>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        format!("{}{}", r.id, if r.current { " *" } else { "" }),
                        r.name.clone(),
                        r.activation.clone(),
                        r.state.clone(),
                        r.tier.clone(),
                        r.reach.text().to_string(),
                        r.token_text(now_ms),
                        n(r.members),
                        n(r.secrets),
                        n(r.tokens_expiring),
                        r.gpu_text(),
                        r.attention_text(),
                    ]
                })
                .collect();
            let headers = [
                "ID",
                "NAME",
                "ACTIVATION",
                "STATE",
                "TIER",
                "REACH",
                "TOKEN",
                "MEMBERS",
                "SECRETS",
                "TOK≤10D",
                "GPU",
                "NEEDS ATTENTION",
            ];
            let text = render_table_keeping(&headers, &[0, 1, 5, 11], &table, TABLE_WIDTH.max(160));
            out.write_all(text.as_bytes())?;
            if !all_answered {
                let failed: Vec<&FleetRow> = rows.iter().filter(|r| r.reach != Reach::Ok).collect();
                writeln!(
                    out,
                    "{} of {} workspaces did not answer:",
                    failed.len(),
                    rows.len()
                )?;
                for r in failed {
                    let why = data[r.index]
                        .status_error
                        .as_ref()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "no answer".into());
                    writeln!(out, "  {}: {}", r.id, super::sanitize(&why))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(all_answered)
}
