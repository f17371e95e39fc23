//! The messages between the UI task and the sync task. Pure data: the app
//! (reducer) builds `SyncCmd`s as effects and receives `SyncEvent`s as
//! messages; only the sync task touches the network.

use std::time::{Duration, SystemTime};

use crate::api::ApiError;
use crate::api::types::{
    CreateTokenRequest, CreatedToken, InviteRequest, Listed, Member, Registry, RegistryWrite,
    Resolver, Role, Secret, SecretWrite, Template, Token, WorkspaceInfo,
};

/// One pollable resource; each has its own schedule and in-flight guard.
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
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 6] = [
        ResourceKind::Status,
        ResourceKind::Members,
        ResourceKind::Tokens,
        ResourceKind::Secrets,
        ResourceKind::Registries,
        ResourceKind::Templates,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::Status => "status",
            ResourceKind::Members => "members",
            ResourceKind::Tokens => "tokens",
            ResourceKind::Secrets => "secrets",
            ResourceKind::Registries => "registries",
            ResourceKind::Templates => "templates",
        }
    }
}

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

impl Mutation {
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
    /// A mutation ended.
    Mutated {
        id: u64,
        workspace: usize,
        result: Result<MutationOutput, ApiError>,
    },
}
