//! Client methods for workloads: one per route, plus [`Client::workloads`]
//! (endpoints and pods in one shape for either route family),
//! [`Client::jobs`] (every page, bounded) and [`Client::node_groups_with_nodes`].
//!
//! A route the workspace does not have answers 404: the caller gets
//! [`ApiError::NotFound`] for that one list ([`not_available`]) and keeps
//! everything else.

use std::collections::HashSet;

use reqwest::{Method, Url};

use super::super::client::{Client, decode};
use super::super::error::ApiError;
use super::super::paths;
use super::super::types::{Features, Listed, TemplateNs};
use super::*;

/// Page size [`Client::jobs`] asks for (the server may send fewer).
pub const JOB_PAGE_SIZE: u32 = 200;
/// At most this many pages are fetched by [`Client::jobs`].
pub const MAX_JOB_PAGES: u32 = 50;
/// At most this many jobs are kept by [`Client::jobs`].
pub const MAX_JOBS: usize = 10_000;

/// At most this many legacy pods get their IP looked up by
/// [`Client::fill_pod_addresses`].
pub const MAX_POD_IP_LOOKUPS: usize = 32;

/// At most this many legacy endpoints get their ready count looked up by
/// [`Client::fill_endpoint_readiness`] (one request each, every poll).
pub const MAX_READINESS_LOOKUPS: usize = 32;

/// How many of these per-item lookups run at once.
const LOOKUPS_AT_ONCE: usize = 4;

/// True when an error means "this workspace has no such route" (404): show
/// "not available" on that view only.
pub fn not_available(e: &ApiError) -> bool {
    matches!(e, ApiError::NotFound(_))
}

/// Endpoints and pods of a workspace in one shape, whichever route family.
/// Each list fails on its own (a 404 on `/devpods` leaves the endpoints).
#[derive(Debug, Clone)]
pub struct WorkloadSet {
    pub family: RouteFamily,
    pub endpoints: Result<Listed<EndpointView>, ApiError>,
    pub pods: Result<Listed<PodView>, ApiError>,
}

/// Every job of a query, from all pages.
#[derive(Debug, Clone, PartialEq)]
pub struct JobList {
    /// Newest first as the server sent them; undecodable items skipped and counted.
    pub jobs: Listed<Job>,
    /// Pages fetched.
    pub pages: u32,
    /// True when [`MAX_JOB_PAGES`] or [`MAX_JOBS`] cut the list short.
    pub truncated: bool,
}

/// One page of `GET /jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobsPage {
    pub jobs: Listed<Job>,
    /// Number of raw items on the page (decoded or not).
    pub raw_len: usize,
}

/// A node group and its nodes; a failed nodes request fails only that group.
#[derive(Debug, Clone)]
pub struct NodeGroupNodes {
    pub group: NodeGroup,
    pub nodes: Result<Listed<Node>, ApiError>,
}

impl NodeGroupNodes {
    /// `(healthy, unhealthy, total)` nodes, as `lep node list`.
    pub fn node_counts(&self) -> (usize, usize, usize) {
        match &self.nodes {
            Ok(l) => (
                l.items.iter().filter(|n| n.is_usable()).count(),
                l.items.iter().filter(|n| n.is_unhealthy()).count(),
                l.items.len(),
            ),
            Err(_) => (0, 0, 0),
        }
    }

    /// `(available, used, total)` GPUs; available counts usable nodes only.
    pub fn gpu_counts(&self) -> (u32, u32, u32) {
        let Ok(l) = &self.nodes else {
            return (0, 0, 0);
        };
        let mut avail = 0;
        let mut used = 0;
        let mut total = 0;
        for n in &l.items {
            let Some(g) = n.spec.resource.as_ref().and_then(|r| r.gpu.as_ref()) else {
                continue;
            };
            used += g.allocated;
            total += g.total;
            if n.is_usable() {
                avail += g.total.saturating_sub(g.allocated);
            }
        }
        (avail, used, total)
    }
}

/// Decode one `/jobs` page: `{"jobs": [...]}`, a bare array, or a wrapper
/// whose `jobs` is `null` or missing (an empty page).
pub fn decode_jobs_page(bytes: &[u8]) -> Result<JobsPage, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::Decode(if bytes.is_empty() {
            "empty response body".into()
        } else {
            format!("invalid JSON: {e}")
        })
    })?;
    let list = match value {
        serde_json::Value::Object(mut map) => match map.remove("jobs") {
            Some(serde_json::Value::Null) | None => serde_json::Value::Array(Vec::new()),
            Some(v) => v,
        },
        other => other,
    };
    let raw_len = list.as_array().map_or(0, Vec::len);
    let jobs = Listed::<Job>::from_value(list).map_err(ApiError::Decode)?;
    Ok(JobsPage { jobs, raw_len })
}

impl Client {
    /// `BASE<collection>/<id>/<sub>`.
    fn sub_url(&self, collection: &str, id: &str, sub: &str) -> Url {
        let mut url = self.url(collection, Some(id));
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.push(sub);
        }
        url
    }

    // ------------------------------------------------------------ legacy /deployments

    /// `GET BASE/deployments`: legacy endpoints **and** pods (`spec.is_pod`).
    pub async fn deployments(&self) -> Result<Listed<Deployment>, ApiError> {
        self.get_list(self.url(paths::DEPLOYMENTS, None)).await
    }

    /// `GET BASE/deployments/<name>`.
    pub async fn deployment(&self, name: &str) -> Result<Deployment, ApiError> {
        self.get_json(self.url(paths::DEPLOYMENTS, Some(name)))
            .await
    }

    /// `GET BASE/deployments/<name>/replicas` (a legacy pod's public IP is here).
    pub async fn deployment_replicas(&self, name: &str) -> Result<Listed<Replica>, ApiError> {
        self.get_list(self.sub_url(paths::DEPLOYMENTS, name, paths::REPLICAS))
            .await
    }

    /// `GET BASE/deployments/<name>/readiness`: replica id → issues.
    pub async fn deployment_readiness(&self, name: &str) -> Result<Readiness, ApiError> {
        self.get_json(self.sub_url(paths::DEPLOYMENTS, name, paths::READINESS))
            .await
    }

    /// `GET BASE/deployments/<name>/termination`: replica id → terminations.
    pub async fn deployment_termination(&self, name: &str) -> Result<Terminations, ApiError> {
        self.get_json(self.sub_url(paths::DEPLOYMENTS, name, paths::TERMINATION))
            .await
    }

    /// `GET BASE/deployments/<name>/events`.
    pub async fn deployment_events(&self, name: &str) -> Result<Listed<Event>, ApiError> {
        self.get_list(self.sub_url(paths::DEPLOYMENTS, name, paths::EVENTS))
            .await
    }

    // ------------------------------------------------------------ new /endpoints, /devpods

    /// `GET BASE/endpoints` (new family).
    pub async fn http_endpoints(&self) -> Result<Listed<HttpEndpoint>, ApiError> {
        self.get_list(self.url(paths::ENDPOINTS, None)).await
    }

    /// `GET BASE/endpoints/<name>`.
    pub async fn http_endpoint(&self, name: &str) -> Result<HttpEndpoint, ApiError> {
        self.get_json(self.url(paths::ENDPOINTS, Some(name))).await
    }

    /// `GET BASE/endpoints/<name>/replicas`.
    pub async fn http_endpoint_replicas(&self, name: &str) -> Result<Listed<Replica>, ApiError> {
        self.get_list(self.sub_url(paths::ENDPOINTS, name, paths::REPLICAS))
            .await
    }

    /// `GET BASE/endpoints/<name>/events`.
    pub async fn http_endpoint_events(&self, name: &str) -> Result<Listed<Event>, ApiError> {
        self.get_list(self.sub_url(paths::ENDPOINTS, name, paths::EVENTS))
            .await
    }

    /// `GET BASE/devpods` (new family).
    pub async fn devpods(&self) -> Result<Listed<DevPod>, ApiError> {
        self.get_list(self.url(paths::DEVPODS, None)).await
    }

    /// `GET BASE/devpods/<name>`.
    pub async fn devpod(&self, name: &str) -> Result<DevPod, ApiError> {
        self.get_json(self.url(paths::DEVPODS, Some(name))).await
    }

    // ------------------------------------------------------------ either family

    /// Endpoints and pods in one shape, from the routes `features` selects
    /// ([`RouteFamily::from_features`]; pass `WorkspaceInfo::features`).
    /// Legacy: one `GET /deployments`, split on `spec.is_pod`. New:
    /// `GET /endpoints` and `GET /devpods`, concurrently.
    pub async fn workloads(&self, features: Option<&Features>) -> WorkloadSet {
        self.workloads_of(RouteFamily::from_features(features))
            .await
    }

    /// [`Self::workloads`] for an explicit family. On the legacy family,
    /// `/deployments` items that do not decode are counted on the endpoints
    /// list (whether they were pods cannot be known).
    pub async fn workloads_of(&self, family: RouteFamily) -> WorkloadSet {
        match family {
            RouteFamily::Legacy => {
                let (endpoints, pods) = match self.deployments().await {
                    Ok(list) => {
                        let mut eps = Listed::default();
                        let mut pods = Listed::default();
                        eps.skipped = list.skipped;
                        for d in &list.items {
                            if d.is_pod() {
                                pods.items.push(PodView::from_deployment(d));
                            } else {
                                eps.items.push(EndpointView::from_deployment(d));
                            }
                        }
                        (Ok(eps), Ok(pods))
                    }
                    Err(e) => (Err(e.clone()), Err(e)),
                };
                WorkloadSet {
                    family,
                    endpoints,
                    pods,
                }
            }
            RouteFamily::New => {
                let (eps, pods) = futures::join!(self.http_endpoints(), self.devpods());
                WorkloadSet {
                    family,
                    endpoints: eps.map(|l| Listed {
                        items: l
                            .items
                            .iter()
                            .map(EndpointView::from_http_endpoint)
                            .collect(),
                        skipped: l.skipped,
                    }),
                    pods: pods.map(|l| Listed {
                        items: l.items.iter().map(PodView::from_devpod).collect(),
                        skipped: l.skipped,
                    }),
                }
            }
        }
    }

    /// Fill in the public IP of legacy pods, which `/deployments` does not
    /// carry: one `GET /deployments/<name>/replicas` per running legacy pod
    /// (the pod's single replica holds it), at most [`MAX_POD_IP_LOOKUPS`]
    /// pods, [`LOOKUPS_AT_ONCE`] at a time. New-family pods already have it
    /// and are skipped; a failed lookup leaves that pod without an IP.
    /// Returns the lookups made.
    pub async fn fill_pod_addresses(&self, pods: &mut [PodView]) -> usize {
        let wanted: Vec<(usize, String)> = pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.family == RouteFamily::Legacy && !p.stopped && p.public_ip.is_none())
            .map(|(i, p)| (i, p.id.clone()))
            .take(MAX_POD_IP_LOOKUPS)
            .collect();
        let n = wanted.len();
        let found = bounded_lookups(wanted, |id| async move {
            self.deployment_replicas(&id).await.ok().and_then(|l| {
                l.items
                    .into_iter()
                    .find_map(|r| r.status.and_then(|s| s.public_ip))
            })
        })
        .await;
        for (i, ip) in found {
            if let Some(p) = pods.get_mut(i) {
                p.public_ip = ip;
            }
        }
        n
    }

    /// Fill in the ready count of legacy endpoints, which `/deployments`
    /// does not carry: one `GET /deployments/<name>/readiness` per endpoint
    /// (replicas whose first readiness entry says `Ready`, as `lep endpoint
    /// status` counts them), at most [`MAX_READINESS_LOOKUPS`] endpoints,
    /// [`LOOKUPS_AT_ONCE`] at a time. A stopped endpoint has none ready
    /// without asking; new-family endpoints carry the count and are skipped;
    /// a failed lookup leaves the count unknown. Returns the lookups made.
    pub async fn fill_endpoint_readiness(&self, endpoints: &mut [EndpointView]) -> usize {
        let legacy_unknown =
            |e: &EndpointView| e.family == RouteFamily::Legacy && e.replicas_ready.is_none();
        for e in endpoints.iter_mut().filter(|e| legacy_unknown(e)) {
            if e.state == Some(EndpointState::Stopped) {
                e.replicas_ready = Some(0);
            }
        }
        let wanted: Vec<(usize, String)> = endpoints
            .iter()
            .enumerate()
            .filter(|(_, e)| legacy_unknown(e))
            .map(|(i, e)| (i, e.id.clone()))
            .take(MAX_READINESS_LOOKUPS)
            .collect();
        let n = wanted.len();
        let found = bounded_lookups(wanted, |id| async move {
            self.deployment_readiness(&id)
                .await
                .ok()
                .map(|r| ready_count(&r))
        })
        .await;
        for (i, ready) in found {
            if let Some(e) = endpoints.get_mut(i) {
                e.replicas_ready = ready;
            }
        }
        n
    }

    /// One endpoint by name, in the view shape, from the family's route.
    pub async fn endpoint_view(
        &self,
        family: RouteFamily,
        name: &str,
    ) -> Result<EndpointView, ApiError> {
        match family {
            RouteFamily::Legacy => Ok(EndpointView::from_deployment(&self.deployment(name).await?)),
            RouteFamily::New => Ok(EndpointView::from_http_endpoint(
                &self.http_endpoint(name).await?,
            )),
        }
    }

    /// Replicas of an endpoint from the family's route.
    pub async fn endpoint_replicas(
        &self,
        family: RouteFamily,
        name: &str,
    ) -> Result<Listed<Replica>, ApiError> {
        match family {
            RouteFamily::Legacy => self.deployment_replicas(name).await,
            RouteFamily::New => self.http_endpoint_replicas(name).await,
        }
    }

    /// Events of an endpoint from the family's route.
    pub async fn endpoint_events(
        &self,
        family: RouteFamily,
        name: &str,
    ) -> Result<Listed<Event>, ApiError> {
        match family {
            RouteFamily::Legacy => self.deployment_events(name).await,
            RouteFamily::New => self.http_endpoint_events(name).await,
        }
    }

    // ------------------------------------------------------------ jobs

    /// `GET BASE/jobs?job_query_mode=…&page=N&page_size=S` (and the filters):
    /// one page. `page` starts at 1.
    pub async fn jobs_page(
        &self,
        query: &JobQuery,
        page: u32,
        page_size: u32,
    ) -> Result<JobsPage, ApiError> {
        let mut url = self.url(paths::JOBS, None);
        {
            let mut qp = url.query_pairs_mut();
            qp.append_pair("job_query_mode", query.mode.as_str());
            if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
                qp.append_pair("q", q);
            }
            for s in &query.status {
                qp.append_pair("status", s);
            }
            for n in &query.node_groups {
                qp.append_pair("node_groups", n);
            }
            for c in &query.created_by {
                qp.append_pair("created_by", c);
            }
            qp.append_pair("page", &page.to_string());
            qp.append_pair("page_size", &page_size.to_string());
        }
        let (_, bytes) = self.send(Method::GET, url, None).await?;
        decode_jobs_page(&bytes)
    }

    /// Every job of a query: pages 1, 2, … until an empty page, like `lep job
    /// list`. **Bounded**: at most [`MAX_JOB_PAGES`] pages of
    /// [`JOB_PAGE_SIZE`] and [`MAX_JOBS`] jobs (then `truncated` is set), and
    /// a page that repeats the previous one (a server that ignores `page`)
    /// ends the walk instead of looping.
    pub async fn jobs(&self, query: &JobQuery) -> Result<JobList, ApiError> {
        let mut out = JobList {
            jobs: Listed::default(),
            pages: 0,
            truncated: false,
        };
        let mut seen: HashSet<String> = HashSet::new();
        let mut previous: Option<Vec<String>> = None;
        for page in 1..=MAX_JOB_PAGES {
            let p = self.jobs_page(query, page, JOB_PAGE_SIZE).await?;
            out.pages = page;
            if p.raw_len == 0 {
                return Ok(out);
            }
            let ids: Vec<String> = p.jobs.items.iter().map(|j| j.id().to_string()).collect();
            if !ids.is_empty() && previous.as_ref() == Some(&ids) {
                tracing::warn!(page, "the server repeated a page of jobs; stopping");
                return Ok(out);
            }
            out.jobs.skipped.extend(p.jobs.skipped.into_iter().map(|s| {
                // `item 3: …` → `page 2 item 3: …`
                format!("page {page} {s}")
            }));
            for j in p.jobs.items {
                // A job that moved between pages while walking is kept once.
                if !j.id().is_empty() && !seen.insert(j.id().to_string()) {
                    continue;
                }
                if out.jobs.items.len() >= MAX_JOBS {
                    out.truncated = true;
                    return Ok(out);
                }
                out.jobs.items.push(j);
            }
            previous = Some(ids);
        }
        out.truncated = true;
        tracing::warn!(pages = MAX_JOB_PAGES, "job list cut at the page cap");
        Ok(out)
    }

    /// `GET BASE/jobs/<id>?job_query_mode=…`.
    pub async fn job(&self, id: &str, mode: JobQueryMode) -> Result<Job, ApiError> {
        let mut url = self.url(paths::JOBS, Some(id));
        url.query_pairs_mut()
            .append_pair("job_query_mode", mode.as_str());
        self.get_json(url).await
    }

    /// `GET BASE/jobs/<id>/replicas?job_query_mode=alive_and_archive`.
    pub async fn job_replicas(&self, id: &str) -> Result<Listed<Replica>, ApiError> {
        let mut url = self.sub_url(paths::JOBS, id, paths::REPLICAS);
        url.query_pairs_mut()
            .append_pair("job_query_mode", JobQueryMode::AliveAndArchive.as_str());
        self.get_list(url).await
    }

    /// `GET BASE/jobs/<id>/events`.
    pub async fn job_events(&self, id: &str) -> Result<Listed<Event>, ApiError> {
        self.get_list(self.sub_url(paths::JOBS, id, paths::EVENTS))
            .await
    }

    /// `POST BASE/jobs`: the created job comes back.
    pub async fn create_job(&self, job: &Job) -> Result<Job, ApiError> {
        let bytes = self
            .write(Method::POST, self.url(paths::JOBS, None), Some(job))
            .await?;
        decode(&bytes)
    }

    /// `POST BASE/templates/{public|private}/<id>/render` with `{}` or
    /// `{"run": CMD}`: a job spec to submit with [`Self::create_job`].
    pub async fn render_template(
        &self,
        ns: TemplateNs,
        id: &str,
        run: Option<&str>,
    ) -> Result<Job, ApiError> {
        let collection = match ns {
            TemplateNs::Public => paths::TEMPLATES_PUBLIC,
            TemplateNs::Private => paths::TEMPLATES_PRIVATE,
        };
        let body = RenderRequest {
            run: run.map(str::to_string),
        };
        let bytes = self
            .write(
                Method::POST,
                self.sub_url(collection, id, paths::RENDER),
                Some(&body),
            )
            .await?;
        decode(&bytes)
    }

    // ------------------------------------------------------------ node groups

    /// `GET BASE/dedicated-node-groups`.
    pub async fn node_groups(&self) -> Result<Listed<NodeGroup>, ApiError> {
        self.get_list(self.url(paths::NODE_GROUPS, None)).await
    }

    /// `GET BASE/dedicated-node-groups/<id>`.
    pub async fn node_group(&self, id: &str) -> Result<NodeGroup, ApiError> {
        self.get_json(self.url(paths::NODE_GROUPS, Some(id))).await
    }

    /// `GET BASE/dedicated-node-groups/<id>/nodes`.
    pub async fn node_group_nodes(&self, id: &str) -> Result<Listed<Node>, ApiError> {
        self.get_list(self.sub_url(paths::NODE_GROUPS, id, paths::NODES))
            .await
    }

    /// Every node group with its nodes (`lep node list`): one list request,
    /// then the groups' nodes, at most 4 at a time. A failed nodes request
    /// fails only its group.
    pub async fn node_groups_with_nodes(&self) -> Result<Listed<NodeGroupNodes>, ApiError> {
        use futures::StreamExt;
        let groups = self.node_groups().await?;
        let ids: Vec<String> = groups.items.iter().map(|g| g.id().to_string()).collect();
        let nodes: Vec<Result<Listed<Node>, ApiError>> = futures::stream::iter(ids)
            .map(|id| async move { self.node_group_nodes(&id).await })
            .buffered(4)
            .collect()
            .await;
        Ok(Listed {
            items: groups
                .items
                .into_iter()
                .zip(nodes)
                .map(|(group, nodes)| NodeGroupNodes { group, nodes })
                .collect(),
            skipped: groups.skipped,
        })
    }
}

/// `look(id)` for each `(index, id)`, [`LOOKUPS_AT_ONCE`] at a time; the
/// answers with their indexes, in order.
async fn bounded_lookups<R, F, Fut>(wanted: Vec<(usize, String)>, look: F) -> Vec<(usize, R)>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = R>,
{
    use futures::StreamExt;
    futures::stream::iter(wanted)
        .map(|(i, id)| {
            let answer = look(id);
            async move { (i, answer.await) }
        })
        .buffered(LOOKUPS_AT_ONCE)
        .collect()
        .await
}
