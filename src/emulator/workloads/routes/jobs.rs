//! Job routes: the query filters, list, get, replicas, events and create.

use super::*;

/// Decoded query pairs (repeated keys kept, `+` and `%XX` decoded).
pub(super) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    match reqwest::Url::parse(&format!("http://q/?{raw}")) {
        Ok(u) => u
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

pub(super) fn mode_of(pairs: &[(String, String)]) -> Result<JobQueryMode, HttpError> {
    match pairs.iter().rev().find(|(k, _)| k == "job_query_mode") {
        None => Ok(JobQueryMode::AliveOnly),
        Some((_, v)) => JobQueryMode::parse(v).ok_or_else(|| {
            HttpError::validation(format!(
                "job_query_mode {v:?}: use alive_only, alive_and_archive or archive_only"
            ))
        }),
    }
}

pub(super) fn mode_admits(mode: JobQueryMode, j: &Job) -> bool {
    let archived = matches!(j.state(), Some(JobState::Archived));
    match mode {
        JobQueryMode::AliveOnly => !archived,
        JobQueryMode::AliveAndArchive => true,
        JobQueryMode::ArchiveOnly => archived,
    }
}

pub(super) fn lower_starts(text: &str, prefix: &str) -> bool {
    text.to_lowercase().starts_with(&prefix.to_lowercase())
}

pub(super) fn lower_contains(text: &str, part: &str) -> bool {
    text.to_lowercase().contains(&part.to_lowercase())
}

/// The server-side filters of `GET /jobs`: `q` (part of name or id),
/// `status` (state prefix, any case), `created_by` (owner prefix),
/// `node_groups` (part of a node group id), `query` (labels `k=v,k`).
/// Repeated parameters of one kind are alternatives.
pub(super) fn job_matches(j: &Job, pairs: &[(String, String)]) -> bool {
    let values = |key: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    };
    let any =
        |vals: Vec<&str>, f: &dyn Fn(&str) -> bool| vals.is_empty() || vals.into_iter().any(f);
    let state = j
        .state()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let owner = j.metadata.owner.clone().unwrap_or_default();
    let by = j.metadata.created_by().unwrap_or_default();
    let groups: Vec<String> = j
        .spec
        .affinity
        .as_ref()
        .map(|a| a.allowed_dedicated_node_groups.clone())
        .unwrap_or_default();
    let labels = j.metadata.labels().cloned().unwrap_or_default();
    any(values("q"), &|q| {
        lower_contains(j.name(), q) || lower_contains(j.id(), q)
    }) && any(values("status"), &|p| lower_starts(&state, p))
        && any(values("created_by"), &|p| {
            lower_starts(&owner, p) || lower_starts(by, p)
        })
        && any(values("node_groups"), &|p| {
            groups.iter().any(|g| lower_contains(g, p))
        })
        && values("query")
            .into_iter()
            .all(|sel| match sel.split_once('=') {
                Some((k, v)) => labels.get(k.trim()).is_some_and(|x| x == v.trim()),
                None => labels.contains_key(sel),
            })
}

/// `GET /jobs`: `{"jobs": [...]}` when `page` or `page_size` is given (a
/// page past the end is empty — `lep job list` stops on it), a bare array
/// otherwise.
pub(super) async fn list_jobs(
    State(s): St,
    Path(ws): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Res {
    let pairs = query_pairs(raw.as_deref());
    let mode = mode_of(&pairs)?;
    let number = |key: &str| -> Result<Option<usize>, HttpError> {
        match pairs.iter().rev().find(|(k, _)| k == key) {
            None => Ok(None),
            Some((_, v)) => v.trim().parse::<usize>().map(Some).map_err(|_| {
                HttpError::validation(format!("{key} must be a whole number, got {v:?}"))
            }),
        }
    };
    let page = number("page")?;
    let page_size = number("page_size")?;
    if page == Some(0) || page_size == Some(0) {
        return Err(HttpError::validation("page and page_size start at 1"));
    }
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let mut matching: Vec<Value> = w
        .workloads
        .jobs
        .iter()
        .filter(|j| mode_admits(mode, j) && job_matches(j, &pairs))
        .filter_map(|j| serde_json::to_value(j).ok())
        .collect();
    decorate(&s, paths::JOBS, Kind::Jobs, &mut matching);
    if page.is_none() && page_size.is_none() {
        return Ok(json_ok(&matching));
    }
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE).min(MAX_PAGE_SIZE);
    let start = (page.unwrap_or(1) - 1).saturating_mul(size);
    let slice: Vec<Value> = matching.into_iter().skip(start).take(size).collect();
    Ok(json_ok(&json!({ "jobs": slice })))
}

pub(super) fn job_not_found(id: &str) -> HttpError {
    HttpError::not_found(format!("job {id:?} not found"))
}

pub(super) async fn get_job(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Res {
    let mode = mode_of(&query_pairs(raw.as_deref()))?;
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let j = w
        .workloads
        .job(&id)
        .filter(|j| mode_admits(mode, j))
        .ok_or_else(|| job_not_found(&id))?;
    Ok(json_ok(j))
}

pub(super) async fn job_replicas(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let j = w.workloads.job(&id).ok_or_else(|| job_not_found(&id))?;
    Ok(json_ok(&w.workloads.job_replicas(j)))
}

pub(super) async fn job_events(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let j = w.workloads.job(&id).ok_or_else(|| job_not_found(&id))?;
    Ok(json_ok(&job_events_of(j)))
}

/// `POST /jobs`: stored as `Queueing`, owned by the caller; the job comes back.
pub(super) async fn create_job(
    State(s): St,
    Path(ws): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let mut job: Job = parse_body(&body)?;
    let name = job
        .metadata
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| job.metadata.id.clone())
        .unwrap_or_default();
    check_job_name(&name).map_err(HttpError::validation)?;
    if job.metadata.id.as_deref().is_some_and(|id| id != name) && job.metadata.name.is_some() {
        return Err(HttpError::validation(
            "metadata.id, when given with metadata.name, must equal it",
        ));
    }
    if job
        .spec
        .resource_shape
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        return Err(HttpError::validation("spec.resource_shape is required"));
    }
    if w.workloads.job(&name).is_some() {
        return Err(HttpError::conflict(format!("job {name} already exists")));
    }
    job.metadata.id = Some(name.clone());
    job.metadata.name = Some(name.clone());
    job.metadata.created_at = Some(now);
    job.metadata.owner = Some(caller.email.clone().into());
    job.metadata
        .edit_more(|m| m.created_by = Some(caller.email.into()));
    let mut status = JobStatus {
        creation_time: Some(now / 1000),
        job_name: Some(name.to_string()),
        ..Default::default()
    };
    super::super::set_job_state(&mut status, &JobState::Queueing, job.spec.workers(), now);
    job.status = Some(status);
    w.workloads.jobs.insert(0, job.clone());
    tracing::info!(workspace = %ws, job = %name, "job created");
    Ok(json_ok(&job))
}
