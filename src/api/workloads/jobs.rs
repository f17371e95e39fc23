//! Job wire types: spec, attempts, status, the job query and the render request.

use super::*;

/// `spec` of a job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Always sent (`lep` rejects `null`).
    #[serde(default, deserialize_with = "null_default")]
    pub container: Container,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completions: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Retries per worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failure_retry: Option<u32>,
    /// Retries of the whole job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_job_failure_retry: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_config: Option<QueueConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds_after_finished: Option<u64>,
    /// `[{name, value}|{name, value_from}]`, as sent.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub envs: Vec<serde_json::Value>,
}

impl JobSpec {
    /// Workers: `completions`, else `parallelism`, else 1 (as `lep`).
    pub fn workers(&self) -> u32 {
        self.completions
            .filter(|n| *n > 0)
            .or(self.parallelism.filter(|n| *n > 0))
            .unwrap_or(1)
    }
}

/// One earlier attempt of a job (`status.job_history[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobAttempt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<JobState>,
    #[serde(default)]
    pub failed: u32,
    #[serde(default)]
    pub succeeded: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<i64>,
}

/// `status` of a job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<JobState>,
    #[serde(default)]
    pub ready: u32,
    #[serde(default)]
    pub active: u32,
    #[serde(default)]
    pub failed: u32,
    #[serde(default)]
    pub succeeded: u32,
    /// Unit not fixed by the API (s, ms, µs or ns); see [`epoch_ms`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<i64>,
    /// Unit as `creation_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// Always a list (`lep` fails on `null`).
    #[serde(default, deserialize_with = "null_default")]
    pub job_history: Vec<JobAttempt>,
}

/// A job (`GET /jobs` items, `GET /jobs/<id>`, `POST /jobs` body and answer,
/// and the answer of a template render).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Metadata,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: JobSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
}

impl Job {
    /// `metadata.id`, else the name.
    pub fn id(&self) -> &str {
        self.metadata
            .id
            .as_deref()
            .or(self.metadata.name.as_deref())
            .unwrap_or_default()
    }

    /// `metadata.name`, else the id.
    pub fn name(&self) -> &str {
        self.metadata
            .name
            .as_deref()
            .or(self.metadata.id.as_deref())
            .unwrap_or_default()
    }

    pub fn state(&self) -> Option<&JobState> {
        self.status.as_ref().and_then(|s| s.state.as_ref())
    }

    /// The colour class; a job without a state needs attention (`UNK`).
    pub fn state_class(&self) -> StateClass {
        self.state().map_or(StateClass::Attention, JobState::class)
    }
}

/// Convert a timestamp of unknown unit to Unix ms, as `lep log get` guesses:
/// `< 1e11` seconds, `< 1e14` ms, `< 1e17` µs, else ns.
pub fn epoch_ms(t: i64) -> i64 {
    let a = t.unsigned_abs();
    if a < 100_000_000_000 {
        t.saturating_mul(1000)
    } else if a < 100_000_000_000_000 {
        t
    } else if a < 100_000_000_000_000_000 {
        t / 1000
    } else {
        t / 1_000_000
    }
}

/// `job_query_mode` of `GET /jobs` and `GET /jobs/<id>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum JobQueryMode {
    /// Live jobs only (`lep job list` default).
    #[default]
    AliveOnly,
    /// Live and archived (`lep job list -ia`).
    AliveAndArchive,
    /// Archived only.
    ArchiveOnly,
}

impl JobQueryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            JobQueryMode::AliveOnly => "alive_only",
            JobQueryMode::AliveAndArchive => "alive_and_archive",
            JobQueryMode::ArchiveOnly => "archive_only",
        }
    }

    /// Parse the wire value; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "alive_only" => JobQueryMode::AliveOnly,
            "alive_and_archive" => JobQueryMode::AliveAndArchive,
            "archive_only" => JobQueryMode::ArchiveOnly,
            _ => return None,
        })
    }
}

/// Server-side filters of `GET /jobs` (sent as query parameters; repeated
/// parameters for the lists).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobQuery {
    pub mode: JobQueryMode,
    /// `q`: part of the name or id.
    pub q: Option<String>,
    /// `status`: state prefixes, any case (`run` matches `Running`).
    pub status: Vec<String>,
    /// `created_by`: owner prefixes.
    pub created_by: Vec<String>,
    /// `node_groups`: part of a node group id.
    pub node_groups: Vec<String>,
}

/// Body of `POST /templates/{public|private}/<id>/render`: `{}` or `{"run": CMD}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}
