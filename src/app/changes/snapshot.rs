//! The last successful poll of each resource of one workspace, saved by the
//! driver (`crate::history`) so the next start can tell what changed while
//! lepdash was not running.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::TemplateEntry;
use super::workloads::Row;
use crate::api::types::{Member, Registry, Resolver, Secret, Template, Token, WorkspaceInfo};

/// Version of the snapshot format; another version is ignored on read.
pub const SNAPSHOT_SCHEMA: u32 = 1;

/// The status pane's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusSnap {
    pub info: WorkspaceInfo,
    #[serde(default)]
    pub resolver: Option<Resolver>,
}

/// The token list and which token lepdash used.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TokenSnap {
    pub list: Vec<Token>,
    #[serde(default)]
    pub own_id: Option<String>,
}

/// One workspace's last poll of each resource (`None`: never fetched).
/// Never holds a secret value: the list types carry none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: u32,
    pub workspace: String,
    /// Model time when it was taken (epoch ms); the "old" time for token
    /// expiry on the first poll after a start.
    pub saved_at_ms: i64,
    #[serde(default)]
    pub status: Option<StatusSnap>,
    #[serde(default)]
    pub members: Option<Vec<Member>>,
    #[serde(default)]
    pub tokens: Option<TokenSnap>,
    #[serde(default)]
    pub secrets: Option<Vec<Secret>>,
    #[serde(default)]
    pub registries: Option<Vec<Registry>>,
    #[serde(default, with = "templates_serde")]
    pub templates: Option<Vec<TemplateEntry>>,
    /// Workload lists, as the change engine sees them (key, name, the
    /// tracked fields): the wire shapes differ per route family.
    #[serde(default)]
    pub endpoints: Option<Vec<Row>>,
    #[serde(default)]
    pub jobs: Option<Vec<Row>>,
    #[serde(default)]
    pub pods: Option<Vec<Row>>,
    #[serde(default)]
    pub nodes: Option<Vec<Row>>,
}

impl Snapshot {
    /// An empty snapshot of `workspace`.
    pub fn new(workspace: &str, saved_at_ms: i64) -> Self {
        SnapshotRef::new(workspace, saved_at_ms).to_snapshot()
    }

    /// The workload part of `kind` (`None` for the other kinds).
    pub fn rows(&self, kind: super::ResourceKind) -> Option<&Vec<Row>> {
        use super::ResourceKind as K;
        match kind {
            K::Endpoints => self.endpoints.as_ref(),
            K::Jobs => self.jobs.as_ref(),
            K::Pods => self.pods.as_ref(),
            K::Nodes => self.nodes.as_ref(),
            _ => None,
        }
    }

    /// The workload part of `kind`, to set or take.
    pub fn rows_mut(&mut self, kind: super::ResourceKind) -> Option<&mut Option<Vec<Row>>> {
        use super::ResourceKind as K;
        match kind {
            K::Endpoints => Some(&mut self.endpoints),
            K::Jobs => Some(&mut self.jobs),
            K::Pods => Some(&mut self.pods),
            K::Nodes => Some(&mut self.nodes),
            _ => None,
        }
    }

    /// Whether the part of `kind` is there.
    pub fn has(&self, kind: super::ResourceKind) -> bool {
        use super::ResourceKind as K;
        match kind {
            K::Status => self.status.is_some(),
            K::Members => self.members.is_some(),
            K::Tokens => self.tokens.is_some(),
            K::Secrets => self.secrets.is_some(),
            K::Registries => self.registries.is_some(),
            K::Templates => self.templates.is_some(),
            K::Endpoints | K::Jobs | K::Pods | K::Nodes => self.rows(kind).is_some(),
        }
    }

    /// Fill the parts this snapshot lacks from `older` (a kind not fetched
    /// this run keeps what an earlier run saw).
    pub fn fill_from(&mut self, older: &Snapshot) {
        if self.status.is_none() {
            self.status = older.status.clone();
        }
        if self.members.is_none() {
            self.members = older.members.clone();
        }
        if self.tokens.is_none() {
            self.tokens = older.tokens.clone();
        }
        if self.secrets.is_none() {
            self.secrets = older.secrets.clone();
        }
        if self.registries.is_none() {
            self.registries = older.registries.clone();
        }
        if self.templates.is_none() {
            self.templates = older.templates.clone();
        }
        for (mine, theirs) in [
            (&mut self.endpoints, &older.endpoints),
            (&mut self.jobs, &older.jobs),
            (&mut self.pods, &older.pods),
            (&mut self.nodes, &older.nodes),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
    }

    /// Only the parts of `kinds` (what the fleet polls of a workspace not
    /// on screen).
    pub fn only(&self, kinds: &[super::ResourceKind]) -> Snapshot {
        let mut s = self.clone();
        for kind in super::ResourceKind::ALL {
            if !kinds.contains(&kind) {
                super::take_part(&mut s, kind);
            }
        }
        s
    }

    /// Whether nothing was ever fetched.
    pub fn is_empty(&self) -> bool {
        self.view().is_empty()
    }
}

/// A snapshot document written from borrowed data (the model's lists, the
/// parts of the previous run's snapshot not fetched this run, a saved
/// [`Snapshot`]): the same fields in the same order as [`Snapshot`], so the
/// file is the same, without copying a list to write it. Workload rows are
/// made one at a time as they are written.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SnapshotRef<'a> {
    pub schema: u32,
    pub workspace: &'a str,
    pub saved_at_ms: i64,
    pub status: Option<StatusRef<'a>>,
    pub members: Option<&'a [Member]>,
    pub tokens: Option<TokensRef<'a>>,
    pub secrets: Option<&'a [Secret]>,
    pub registries: Option<&'a [Registry]>,
    #[serde(serialize_with = "templates_ref")]
    pub templates: Option<&'a [TemplateEntry]>,
    pub endpoints: Option<Rows<'a>>,
    pub jobs: Option<Rows<'a>>,
    pub pods: Option<Rows<'a>>,
    pub nodes: Option<Rows<'a>>,
}

/// [`StatusSnap`], borrowed.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StatusRef<'a> {
    pub info: &'a WorkspaceInfo,
    pub resolver: Option<&'a Resolver>,
}

/// [`TokenSnap`], borrowed.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TokensRef<'a> {
    pub list: &'a [Token],
    pub own_id: Option<&'a str>,
}

/// A workload list as the snapshot keeps it: rows already made (a saved
/// snapshot), or the model's items, each made into a [`Row`] as it is
/// written.
#[derive(Clone, Copy)]
pub enum Rows<'a> {
    Saved(&'a [Row]),
    Live(&'a dyn TrackedList),
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rows::Saved(r) => write!(f, "Rows::Saved({})", r.len()),
            Rows::Live(_) => f.write_str("Rows::Live"),
        }
    }
}

/// A list of tracked items, erased (the workload lists differ in type).
pub trait TrackedList {
    fn rows(&self) -> Box<dyn Iterator<Item = Row> + '_>;
}

impl<T: super::Tracked> TrackedList for Vec<T> {
    fn rows(&self) -> Box<dyn Iterator<Item = Row> + '_> {
        Box::new(self.iter().map(Row::of))
    }
}

impl Rows<'_> {
    /// The rows, owned.
    pub fn to_vec(self) -> Vec<Row> {
        match self {
            Rows::Saved(rows) => rows.to_vec(),
            Rows::Live(list) => list.rows().collect(),
        }
    }
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Rows::Saved(rows) => s.collect_seq(rows.iter()),
            Rows::Live(list) => s.collect_seq(list.rows()),
        }
    }
}

fn saved_rows(rows: &Option<Vec<Row>>) -> Option<Rows<'_>> {
    rows.as_deref().map(Rows::Saved)
}

fn templates_ref<S: Serializer>(v: &Option<&[TemplateEntry]>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_none(),
        Some(list) => s.collect_seq(list.iter().map(|t| TemplateOut {
            public: t.public,
            template: &t.template,
        })),
    }
}

impl<'a> SnapshotRef<'a> {
    /// Nothing of `workspace` yet.
    pub fn new(workspace: &'a str, saved_at_ms: i64) -> Self {
        SnapshotRef {
            schema: SNAPSHOT_SCHEMA,
            workspace,
            saved_at_ms,
            status: None,
            members: None,
            tokens: None,
            secrets: None,
            registries: None,
            templates: None,
            endpoints: None,
            jobs: None,
            pods: None,
            nodes: None,
        }
    }

    /// Fill the parts this one lacks from `older` (as [`Snapshot::fill_from`]).
    pub fn fill_from(&mut self, older: &'a Snapshot) {
        let o = older.view();
        self.status = self.status.or(o.status);
        self.members = self.members.or(o.members);
        self.tokens = self.tokens.or(o.tokens);
        self.secrets = self.secrets.or(o.secrets);
        self.registries = self.registries.or(o.registries);
        self.templates = self.templates.or(o.templates);
        self.endpoints = self.endpoints.or(o.endpoints);
        self.jobs = self.jobs.or(o.jobs);
        self.pods = self.pods.or(o.pods);
        self.nodes = self.nodes.or(o.nodes);
    }

    /// An owned copy (what a workspace switch keeps to compare with later).
    pub fn to_snapshot(&self) -> Snapshot {
        Snapshot {
            schema: self.schema,
            workspace: self.workspace.to_string(),
            saved_at_ms: self.saved_at_ms,
            status: self.status.map(|s| StatusSnap {
                info: s.info.clone(),
                resolver: s.resolver.cloned(),
            }),
            members: self.members.map(<[Member]>::to_vec),
            tokens: self.tokens.map(|t| TokenSnap {
                list: t.list.to_vec(),
                own_id: t.own_id.map(str::to_string),
            }),
            secrets: self.secrets.map(<[Secret]>::to_vec),
            registries: self.registries.map(<[Registry]>::to_vec),
            templates: self.templates.map(<[TemplateEntry]>::to_vec),
            endpoints: self.endpoints.map(Rows::to_vec),
            jobs: self.jobs.map(Rows::to_vec),
            pods: self.pods.map(Rows::to_vec),
            nodes: self.nodes.map(Rows::to_vec),
        }
    }

    /// Whether nothing was ever fetched.
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.members.is_none()
            && self.tokens.is_none()
            && self.secrets.is_none()
            && self.registries.is_none()
            && self.templates.is_none()
            && self.endpoints.is_none()
            && self.jobs.is_none()
            && self.pods.is_none()
            && self.nodes.is_none()
    }
}

impl Snapshot {
    /// This snapshot, borrowed (what the driver writes).
    pub fn view(&self) -> SnapshotRef<'_> {
        SnapshotRef {
            schema: self.schema,
            workspace: &self.workspace,
            saved_at_ms: self.saved_at_ms,
            status: self.status.as_ref().map(|s| StatusRef {
                info: &s.info,
                resolver: s.resolver.as_ref(),
            }),
            members: self.members.as_deref(),
            tokens: self.tokens.as_ref().map(|t| TokensRef {
                list: &t.list,
                own_id: t.own_id.as_deref(),
            }),
            secrets: self.secrets.as_deref(),
            registries: self.registries.as_deref(),
            templates: self.templates.as_deref(),
            endpoints: saved_rows(&self.endpoints),
            jobs: saved_rows(&self.jobs),
            pods: saved_rows(&self.pods),
            nodes: saved_rows(&self.nodes),
        }
    }
}

#[derive(Serialize)]
struct TemplateOut<'a> {
    public: bool,
    template: &'a Template,
}

#[derive(Deserialize)]
struct TemplateIn {
    public: bool,
    template: Template,
}

mod templates_serde {
    use super::*;

    pub fn serialize<S: Serializer>(
        v: &Option<Vec<TemplateEntry>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(list) => s.collect_seq(list.iter().map(|t| TemplateOut {
                public: t.public,
                template: &t.template,
            })),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<TemplateEntry>>, D::Error> {
        let v = Option::<Vec<TemplateIn>>::deserialize(d)?;
        Ok(v.map(|list| {
            list.into_iter()
                .map(|t| TemplateEntry {
                    public: t.public,
                    template: t.template,
                })
                .collect()
        }))
    }
}
