//! The vocabulary the reducer and the sync task share: resource kinds, the
//! mutations and their descriptions, and the messages between the two tasks.
//! Pure data: the app (reducer) builds `SyncCmd`s as effects and receives
//! `SyncEvent`s as messages; only the sync task touches the network. Neither
//! side names the other: `app`/`ui` import this module, never `crate::sync`.

use std::time::{Duration, SystemTime};

use crate::api::ApiError;
use crate::api::types::{
    CreateTokenRequest, CreatedToken, InviteRequest, Listed, Member, Registry, RegistryWrite,
    Resolver, Role, Secret, SecretWrite, Template, Token, WorkspaceInfo,
};
use crate::api::workloads::client::{JobList, NodeGroupNodes};
use crate::api::workloads::{EndpointView, Event, PodView, Replica, RouteFamily};

/// One pollable resource; each has its own schedule and in-flight guard.
/// A new kind is a variant here (in tab order) and a row in [`KINDS`]; see
/// docs/ARCHITECTURE.md, "Adding a resource kind", for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    /// `GET BASE/workspace` + `GET BASE` (resolver).
    Status,
    Members,
    Tokens,
    Secrets,
    Registries,
    /// Public and private lists together.
    Templates,
    /// Endpoints (either route family). This and the three kinds after it
    /// are the views of the one Workloads pane ([`KindInfo::workload_view`]).
    Endpoints,
    /// Every page of `GET /jobs` (live jobs), bounded.
    Jobs,
    /// Dev pods (either route family), with their SSH addresses.
    Pods,
    /// Dedicated node groups with their nodes.
    Nodes,
}

impl ResourceKind {
    /// Every kind, in tab order: the kinds of [`KINDS`] (the order of the
    /// enum, too).
    pub const ALL: [ResourceKind; KINDS.len()] = {
        let mut all = [ResourceKind::Status; KINDS.len()];
        let mut i = 0;
        while i < KINDS.len() {
            all[i] = KINDS[i].kind;
            i += 1;
        }
        all
    };

    /// This kind's row of [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self.index()]
    }

    /// Position in [`ResourceKind::ALL`] and [`KINDS`] (tab order; arrays
    /// indexed by kind use it).
    pub fn index(self) -> usize {
        // Declaration order is tab order (a unit test keeps `KINDS` in
        // it), so the discriminant is the index.
        self as usize
    }

    /// `members`: logs, palette commands, messages.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// `Members`: the pane and tab title.
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// A view of the Workloads pane (one tab for all of them).
    pub fn is_workload(self) -> bool {
        self.info().workload_view
    }
}

/// Title of the one tab (and pane) holding the workload views.
pub const WORKLOADS_TITLE: &str = "Workloads";

/// The views of the Workloads pane, in the order `[`/`]` walk them.
pub const WORKLOAD_VIEWS: [ResourceKind; 4] = [
    ResourceKind::Endpoints,
    ResourceKind::Jobs,
    ResourceKind::Pods,
    ResourceKind::Nodes,
];

/// What every layer needs to know about a kind that is plain data: one row
/// per kind, in tab order. A new kind adds its row here; the tabs, palette,
/// schedule and error classification read it instead of matching on kinds.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: ResourceKind,
    /// Lower case, one word: `members` (palette command, logs, messages).
    pub label: &'static str,
    /// Pane and tab title: `Members`.
    pub title: &'static str,
    /// Tab titles when the full ones do not fit: shorter, then shortest.
    pub tab_short: [&'static str; 2],
    /// The endpoint is proposed (not served by every deployment): a 404
    /// means "not available on this workspace", not a failure.
    pub proposed: bool,
    /// Shown as a view inside the Workloads pane (switched there, one tab
    /// for all of them) instead of a pane and tab of its own. A 404 on
    /// such a list means "not available on this workspace" for that view.
    pub workload_view: bool,
}

/// The kind table (see [`KindInfo`]), in tab order.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: ResourceKind::Status,
        label: "status",
        title: "Status",
        tab_short: ["Status", "Stat"],
        proposed: false,
        workload_view: false,
    },
    KindInfo {
        kind: ResourceKind::Members,
        label: "members",
        title: "Members",
        tab_short: ["Members", "Memb"],
        proposed: true,
        workload_view: false,
    },
    KindInfo {
        kind: ResourceKind::Tokens,
        label: "tokens",
        title: "Tokens",
        tab_short: ["Tokens", "Tok"],
        proposed: true,
        workload_view: false,
    },
    KindInfo {
        kind: ResourceKind::Secrets,
        label: "secrets",
        title: "Secrets",
        tab_short: ["Secrets", "Sec"],
        proposed: false,
        workload_view: false,
    },
    KindInfo {
        kind: ResourceKind::Registries,
        label: "registries",
        title: "Registries",
        tab_short: ["Regs", "Reg"],
        proposed: true,
        workload_view: false,
    },
    KindInfo {
        kind: ResourceKind::Templates,
        label: "templates",
        title: "Templates",
        tab_short: ["Tmpl", "Tpl"],
        proposed: false,
        workload_view: false,
    },
    KindInfo {
        kind: ResourceKind::Endpoints,
        label: "endpoints",
        title: "Endpoints",
        tab_short: ["Work", "Wl"],
        proposed: false,
        workload_view: true,
    },
    KindInfo {
        kind: ResourceKind::Jobs,
        label: "jobs",
        title: "Jobs",
        tab_short: ["Work", "Wl"],
        proposed: false,
        workload_view: true,
    },
    KindInfo {
        kind: ResourceKind::Pods,
        label: "pods",
        title: "Pods",
        tab_short: ["Work", "Wl"],
        proposed: false,
        workload_view: true,
    },
    KindInfo {
        kind: ResourceKind::Nodes,
        label: "nodes",
        title: "Nodes",
        tab_short: ["Work", "Wl"],
        proposed: false,
        workload_view: true,
    },
];

/// A template row with the collection it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateEntry {
    pub public: bool,
    pub template: Template,
}

/// Data of one successful fetch.
// Moved once through a channel per event; boxing the big variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Fetched {
    /// The resolver may fail on its own (it is optional); the workspace may not.
    Status {
        info: WorkspaceInfo,
        resolver: Option<Resolver>,
    },
    Members(Listed<Member>),
    /// `own_id`: the record of the token lepdash itself is using, found by
    /// matching its masked value (as the official CLI does).
    Tokens {
        list: Listed<Token>,
        own_id: Option<String>,
    },
    Secrets(Listed<Secret>),
    Registries(Listed<Registry>),
    Templates(Listed<TemplateEntry>),
    Endpoints {
        family: RouteFamily,
        list: Listed<EndpointView>,
    },
    Jobs(JobList),
    Pods {
        family: RouteFamily,
        list: Listed<PodView>,
    },
    Nodes(Listed<NodeGroupNodes>),
}

impl Fetched {
    pub fn kind(&self) -> ResourceKind {
        match self {
            Fetched::Status { .. } => ResourceKind::Status,
            Fetched::Members(_) => ResourceKind::Members,
            Fetched::Tokens { .. } => ResourceKind::Tokens,
            Fetched::Secrets(_) => ResourceKind::Secrets,
            Fetched::Registries(_) => ResourceKind::Registries,
            Fetched::Templates(_) => ResourceKind::Templates,
            Fetched::Endpoints { .. } => ResourceKind::Endpoints,
            Fetched::Jobs(_) => ResourceKind::Jobs,
            Fetched::Pods { .. } => ResourceKind::Pods,
            Fetched::Nodes(_) => ResourceKind::Nodes,
        }
    }
}

/// Every write the dashboard can make. Destructive ones are confirmed by the
/// UI first; values are `secrecy` types inside the write structs.
// Moved once through a channel per event; boxing the big variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Create (or, with `overwrite`, update the value of) secrets: one POST.
    PutSecrets {
        items: Vec<SecretWrite>,
        overwrite: bool,
    },
    DeleteSecret {
        name: String,
    },
    InviteMember(InviteRequest),
    ChangeRole {
        id: String,
        email: String,
        role: Role,
    },
    RemoveMember {
        id: String,
        email: String,
    },
    CreateToken(CreateTokenRequest),
    RevokeToken {
        id: String,
        name: String,
    },
    AddRegistry(RegistryWrite),
    DeleteRegistry {
        id: String,
    },
}

/// The two texts of a mutation: what it does and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// `create secret HF_TOKEN` (names only, never a value): toasts, dialogs.
    pub what: String,
    /// `secret HF_TOKEN created`: the toast after a success.
    pub done: String,
}

impl Mutation {
    /// What this mutation does and, once done, what it did (names only,
    /// never a value).
    pub fn describe(&self) -> Described {
        let (what, done) = match self {
            Mutation::PutSecrets { items, overwrite } => {
                let names = items
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                if *overwrite {
                    (
                        format!("update secret {names}"),
                        format!("value of secret {names} replaced"),
                    )
                } else {
                    (
                        format!("create secret {names}"),
                        format!("secret {names} created"),
                    )
                }
            }
            Mutation::DeleteSecret { name } => (
                format!("delete secret {name}"),
                format!("secret {name} deleted"),
            ),
            Mutation::InviteMember(r) => (
                format!("invite {} as {}", r.email, r.role),
                format!("{} invited as {}", r.email, r.role),
            ),
            Mutation::ChangeRole { email, role, .. } => (
                format!("make {email} {role}"),
                format!("{email} is now {role}"),
            ),
            Mutation::RemoveMember { email, .. } => (
                format!("remove member {email}"),
                format!("{email} removed from the workspace"),
            ),
            Mutation::CreateToken(r) => (
                format!("create token {}", r.name),
                format!("token {} created", r.name),
            ),
            Mutation::RevokeToken { name, .. } => (
                format!("revoke token {name}"),
                format!("token {name} revoked"),
            ),
            Mutation::AddRegistry(r) => {
                let name = r
                    .metadata
                    .name
                    .as_deref()
                    .unwrap_or(&r.spec.registry_server);
                (
                    format!("add registry {name}"),
                    format!("registry {name} added"),
                )
            }
            Mutation::DeleteRegistry { id } => (
                format!("delete registry {id}"),
                format!("registry {id} deleted"),
            ),
        };
        Described { what, done }
    }

    /// Whether `self` and `other` make the same change to the same object
    /// (values aside: two puts of one secret are the same change). Decides
    /// "already sent, waiting for the answer".
    pub fn same_change(&self, other: &Mutation) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && self.target() == other.target()
    }

    /// The identifying fields of the object a mutation changes.
    fn target(&self) -> Vec<&str> {
        match self {
            Mutation::PutSecrets { items, overwrite } => {
                let mut t: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
                t.push(if *overwrite { "overwrite" } else { "create" });
                t
            }
            Mutation::DeleteSecret { name } => vec![name],
            Mutation::InviteMember(r) => vec![&r.email],
            Mutation::ChangeRole { id, role, .. } => vec![id, role.as_str()],
            Mutation::RemoveMember { id, .. } => vec![id],
            Mutation::CreateToken(r) => vec![&r.name],
            Mutation::RevokeToken { id, .. } => vec![id],
            Mutation::AddRegistry(r) => vec![
                r.metadata.name.as_deref().unwrap_or_default(),
                &r.spec.registry_server,
            ],
            Mutation::DeleteRegistry { id } => vec![id],
        }
    }

    /// The list that shows this mutation's effect (refetched after it).
    pub fn resource(&self) -> ResourceKind {
        match self {
            Mutation::PutSecrets { .. } | Mutation::DeleteSecret { .. } => ResourceKind::Secrets,
            Mutation::InviteMember(_)
            | Mutation::ChangeRole { .. }
            | Mutation::RemoveMember { .. } => ResourceKind::Members,
            Mutation::CreateToken(_) | Mutation::RevokeToken { .. } => ResourceKind::Tokens,
            Mutation::AddRegistry(_) | Mutation::DeleteRegistry { .. } => ResourceKind::Registries,
        }
    }
}

/// What a successful mutation returned.
// Moved once through a channel per event; boxing the big variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MutationOutput {
    Done,
    Member(Member),
    /// The plaintext is inside, shown once by the UI then dropped.
    TokenCreated(CreatedToken),
}

/// One workload whose details are asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkloadRef {
    /// `Endpoints`, `Jobs` or `Pods` (nodes have no replicas or events).
    pub kind: ResourceKind,
    /// The id used in paths.
    pub id: String,
    /// Which routes carry endpoints and pods (ignored for jobs).
    pub family: RouteFamily,
}

/// Replicas and events of one workload; each may fail on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadDetail {
    pub replicas: Result<Listed<Replica>, ApiError>,
    pub events: Result<Listed<Event>, ApiError>,
}

/// Commands from the UI task to the sync task.
// Moved once through a channel per event; boxing the big variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SyncCmd {
    /// Fetch now (`r`, or a pane was shown); coalesced with one in flight.
    Refresh(ResourceKind),
    RefreshAll,
    /// The pane now visible: polled at the interval, the others slower.
    SetVisible(ResourceKind),
    SetPaused(bool),
    SetInterval(Duration),
    /// Run a write; the answer comes back with the same `id`. Never retried.
    Mutate {
        id: u64,
        mutation: Mutation,
    },
    /// Switch to another workspace by index in the list the sync task got.
    SwitchWorkspace(usize),
    /// Fetch the replicas and events of one workload (its details are
    /// open); answered with [`SyncEvent::WorkloadDetail`]. Not retried.
    FetchWorkloadDetail(WorkloadRef),
    Shutdown,
}

/// Events from the sync task to the UI task.
// Moved once through a channel per event; boxing the big variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SyncEvent {
    /// A request for `kind` left.
    FetchStarted {
        kind: ResourceKind,
        workspace: usize,
    },
    /// A fetch ended. On error, `next_attempt` says when the back-off retries.
    Fetched {
        kind: ResourceKind,
        workspace: usize,
        at: SystemTime,
        result: Result<Fetched, ApiError>,
        next_attempt: Option<SystemTime>,
    },
    /// The replicas and events of one workload
    /// ([`SyncCmd::FetchWorkloadDetail`]).
    WorkloadDetail {
        workspace: usize,
        target: WorkloadRef,
        result: Result<WorkloadDetail, ApiError>,
    },
    /// A mutation ended.
    Mutated {
        id: u64,
        workspace: usize,
        result: Result<MutationOutput, ApiError>,
    },
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn put(name: &str, value: &str, overwrite: bool) -> Mutation {
        Mutation::PutSecrets {
            items: vec![SecretWrite {
                name: name.to_string(),
                value: SecretString::from(value.to_string()),
                visibility: None,
                tags: vec![],
            }],
            overwrite,
        }
    }

    #[test]
    fn the_kind_table_is_in_tab_order() {
        for (i, kind) in ResourceKind::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[i].kind, kind);
            assert_eq!(kind.index(), i, "{kind:?} is out of tab order in KINDS");
        }
        assert_eq!(ResourceKind::Registries.label(), "registries");
        assert_eq!(ResourceKind::Templates.title(), "Templates");
    }

    #[test]
    fn describe_says_what_and_what_was_done_without_values() {
        let d = put("HF_TOKEN", "canary-value", true).describe();
        assert_eq!(d.what, "update secret HF_TOKEN");
        assert_eq!(d.done, "value of secret HF_TOKEN replaced");
        let d = Mutation::RemoveMember {
            id: "u1".into(),
            email: "a@example.com".into(),
        }
        .describe();
        assert_eq!(d.what, "remove member a@example.com");
        assert_eq!(d.done, "a@example.com removed from the workspace");
        assert!(!format!("{:?}", put("A", "canary-value", false).describe()).contains("canary"));
    }

    #[test]
    fn same_change_compares_the_target_not_the_text_or_the_value() {
        assert!(put("A", "one", false).same_change(&put("A", "two", false)));
        assert!(!put("A", "one", false).same_change(&put("A", "one", true)));
        assert!(!put("A", "one", false).same_change(&put("B", "one", false)));
        let revoke = |id: &str, name: &str| Mutation::RevokeToken {
            id: id.into(),
            name: name.into(),
        };
        // Two tokens may share a name: the id decides.
        assert!(revoke("t1", "ci").same_change(&revoke("t1", "ci")));
        assert!(!revoke("t1", "ci").same_change(&revoke("t2", "ci")));
        // Same id, different operation.
        assert!(
            !Mutation::DeleteRegistry { id: "x".into() }
                .same_change(&Mutation::DeleteSecret { name: "x".into() })
        );
    }
}
