//! The workload reads: endpoints, jobs, pods and node groups, each its own
//! fetch (its own schedule and in-flight guard), and the replicas and events
//! of one workload for its details.
//!
//! Endpoints and pods come from the route family the workspace's `features`
//! select (as `lep`): the sync task passes the family it learnt from the
//! last `/workspace`; without one (`lepdash get`, or before the first Status
//! answer) `/workspace` is read first.

use crate::api::types::Listed;
use crate::api::workloads::{EndpointView, PodView, RouteFamily};
use crate::api::{ApiError, Client};
use crate::protocol::{Fetched, ResourceKind, WorkloadDetail, WorkloadRef};

/// The route family of the workspace: `known`, else from `/workspace`.
pub async fn family(client: &Client, known: Option<RouteFamily>) -> Result<RouteFamily, ApiError> {
    match known {
        Some(f) => Ok(f),
        None => {
            let info = client.workspace().await?;
            Ok(RouteFamily::from_features(info.features.as_ref()))
        }
    }
}

/// Endpoints from the family's route.
pub async fn endpoints(client: &Client, known: Option<RouteFamily>) -> Result<Fetched, ApiError> {
    let family = family(client, known).await?;
    let list = match family {
        RouteFamily::Legacy => {
            let all = client.deployments().await?;
            Listed {
                items: all
                    .items
                    .iter()
                    .filter(|d| !d.is_pod())
                    .map(EndpointView::from_deployment)
                    .collect(),
                skipped: all.skipped,
            }
        }
        RouteFamily::New => {
            let l = client.http_endpoints().await?;
            Listed {
                items: l
                    .items
                    .iter()
                    .map(EndpointView::from_http_endpoint)
                    .collect(),
                skipped: l.skipped,
            }
        }
    };
    // Legacy endpoints' ready counts live on their readiness (bounded lookups).
    let mut list = list;
    client.fill_endpoint_readiness(&mut list.items).await;
    Ok(Fetched::Endpoints { family, list })
}

/// Dev pods from the family's route, legacy pods' addresses filled in.
pub async fn pods(client: &Client, known: Option<RouteFamily>) -> Result<Fetched, ApiError> {
    let family = family(client, known).await?;
    let mut list = match family {
        RouteFamily::Legacy => {
            let all = client.deployments().await?;
            Listed {
                items: all
                    .items
                    .iter()
                    .filter(|d| d.is_pod())
                    .map(PodView::from_deployment)
                    .collect(),
                // Undecodable `/deployments` items are counted on the
                // endpoints view (whether they were pods cannot be known).
                skipped: Vec::new(),
            }
        }
        RouteFamily::New => {
            let l = client.devpods().await?;
            Listed {
                items: l.items.iter().map(PodView::from_devpod).collect(),
                skipped: l.skipped,
            }
        }
    };
    // Legacy pods' IPs live on their replica (bounded lookups).
    client.fill_pod_addresses(&mut list.items).await;
    Ok(Fetched::Pods { family, list })
}

/// Replicas and events of one workload, concurrently; each fails on its own.
pub async fn detail(client: &Client, target: &WorkloadRef) -> Result<WorkloadDetail, ApiError> {
    let id = target.id.as_str();
    let (replicas, events) = match target.kind {
        ResourceKind::Jobs => tokio::join!(client.job_replicas(id), client.job_events(id)),
        ResourceKind::Endpoints | ResourceKind::Pods => match target.family {
            RouteFamily::Legacy => {
                tokio::join!(client.deployment_replicas(id), client.deployment_events(id))
            }
            // New-family dev pods have no replicas or events routes of
            // their own in the SDK; their endpoint routes are not theirs.
            RouteFamily::New if target.kind == ResourceKind::Pods => {
                return Ok(WorkloadDetail {
                    replicas: Ok(Listed::default()),
                    events: Ok(Listed::default()),
                });
            }
            RouteFamily::New => tokio::join!(
                client.http_endpoint_replicas(id),
                client.http_endpoint_events(id)
            ),
        },
        // Node groups and the other kinds have no replicas or events.
        _ => (Ok(Listed::default()), Ok(Listed::default())),
    };
    Ok(WorkloadDetail { replicas, events })
}
