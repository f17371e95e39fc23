//! One poll against the previous one, whatever its kind: the glue shared by
//! the dashboard's reducer (for the first poll after a start, against the
//! saved snapshot) and `lepdash watch` (every poll, against the last one).

use super::{
    Ctx, Event, Row, Snapshot, StatusSnap, TokenSnap, diff_items, diff_status, diff_tokens,
    diff_workload,
};
use crate::protocol::{Fetched, Mutation, ResourceKind};

/// The events of `fetched` against the matching part of `snap` (nothing
/// when that part was never fetched). `tokens_ms` is when the snapshot's
/// token list was fetched (expiry is judged at that time).
pub fn diff_fetched(
    ctx: &Ctx<'_>,
    snap: &Snapshot,
    tokens_ms: i64,
    fetched: &Fetched,
) -> Vec<Event> {
    match fetched {
        Fetched::Status { info, resolver } => match &snap.status {
            Some(old) => {
                // A poll whose resolver failed keeps the previous one.
                let new_resolver = resolver.as_ref().or(old.resolver.as_ref());
                diff_status(ctx, &old.info, old.resolver.as_ref(), info, new_resolver)
            }
            None => Vec::new(),
        },
        Fetched::Members(list) => match &snap.members {
            Some(old) => diff_items(ctx, ResourceKind::Members, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Tokens { list, own_id } => match &snap.tokens {
            Some(old) => diff_tokens(ctx, &old.list, tokens_ms, &list.items, own_id.as_deref()),
            None => Vec::new(),
        },
        Fetched::Secrets(list) => match &snap.secrets {
            Some(old) => diff_items(ctx, ResourceKind::Secrets, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Registries(list) => match &snap.registries {
            Some(old) => diff_items(ctx, ResourceKind::Registries, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Templates(list) => match &snap.templates {
            Some(old) => diff_items(ctx, ResourceKind::Templates, old, &list.items),
            None => Vec::new(),
        },
        Fetched::Unchanged(_) => Vec::new(),
        workload => match (snap.rows(workload.kind()), workload_rows(workload)) {
            (Some(old), Some(new)) => diff_workload(ctx, workload.kind(), old, &new),
            _ => Vec::new(),
        },
    }
}

/// The rows of a workload answer (`None` for the other kinds).
pub fn workload_rows(fetched: &Fetched) -> Option<Vec<Row>> {
    match fetched {
        Fetched::Endpoints { list, .. } => Some(Row::all(&list.items)),
        Fetched::Jobs(list) => Some(Row::all(&list.jobs.items)),
        Fetched::Pods { list, .. } => Some(Row::all(&list.items)),
        Fetched::Nodes(list) => Some(Row::all(&list.items)),
        _ => None,
    }
}

/// Store `fetched` as the snapshot's part of its kind; returns whether the
/// part changed (a writer can skip saving what did not).
pub fn absorb(snap: &mut Snapshot, fetched: &Fetched) -> bool {
    fn set<T: PartialEq>(part: &mut Option<T>, new: T) -> bool {
        let changed = part.as_ref() != Some(&new);
        if changed {
            *part = Some(new);
        }
        changed
    }
    match fetched {
        Fetched::Status { info, resolver } => {
            let resolver = resolver
                .clone()
                .or_else(|| snap.status.as_ref().and_then(|s| s.resolver.clone()));
            set(
                &mut snap.status,
                StatusSnap {
                    info: info.clone(),
                    resolver,
                },
            )
        }
        Fetched::Members(list) => set(&mut snap.members, list.items.clone()),
        Fetched::Tokens { list, own_id } => set(
            &mut snap.tokens,
            TokenSnap {
                list: list.items.clone(),
                own_id: own_id.clone(),
            },
        ),
        Fetched::Secrets(list) => set(&mut snap.secrets, list.items.clone()),
        Fetched::Registries(list) => set(&mut snap.registries, list.items.clone()),
        Fetched::Templates(list) => set(&mut snap.templates, list.items.clone()),
        Fetched::Unchanged(_) => false,
        workload => match (snap.rows_mut(workload.kind()), workload_rows(workload)) {
            (Some(part), Some(rows)) => set(part, rows),
            _ => false,
        },
    }
}

/// Forget the snapshot's part of `kind` (it has been compared once).
pub fn take_part(snap: &mut Snapshot, kind: ResourceKind) -> bool {
    match kind {
        ResourceKind::Status => snap.status.take().is_some(),
        ResourceKind::Members => snap.members.take().is_some(),
        ResourceKind::Tokens => snap.tokens.take().is_some(),
        ResourceKind::Secrets => snap.secrets.take().is_some(),
        ResourceKind::Registries => snap.registries.take().is_some(),
        ResourceKind::Templates => snap.templates.take().is_some(),
        kind => snap
            .rows_mut(kind)
            .is_some_and(|part| part.take().is_some()),
    }
}

/// The `(kind, key)` pairs a mutation names, for [`super::Yours`]: the
/// events about these items are "yours" until the next list is diffed.
pub fn yours_keys(m: &Mutation) -> Vec<(ResourceKind, String)> {
    match m {
        Mutation::PutSecrets { items, .. } => items
            .iter()
            .map(|i| (ResourceKind::Secrets, i.name.clone()))
            .collect(),
        Mutation::DeleteSecret { name } => vec![(ResourceKind::Secrets, name.clone())],
        Mutation::InviteMember(r) => vec![(ResourceKind::Members, r.email.clone())],
        Mutation::ChangeRole { id, email, .. } | Mutation::RemoveMember { id, email } => vec![
            (ResourceKind::Members, id.clone()),
            (ResourceKind::Members, email.clone()),
        ],
        Mutation::CreateToken(r) => vec![(ResourceKind::Tokens, r.name.clone())],
        Mutation::RevokeToken { id, .. } => vec![(ResourceKind::Tokens, id.clone())],
        Mutation::AddRegistry(r) => {
            let mut v = vec![(ResourceKind::Registries, r.spec.registry_server.clone())];
            if let Some(n) = &r.metadata.name {
                v.push((ResourceKind::Registries, n.to_string()));
            }
            v
        }
        Mutation::DeleteRegistry { id } => vec![(ResourceKind::Registries, id.clone())],
    }
}

/// The id of the pane row an event is about (`None` for events that are
/// not about one row: the workspace, quotas, a pane's health).
pub fn row_id(e: &Event) -> Option<String> {
    use super::EventKind as K;
    if matches!(e.kind, K::Stale | K::Recovered) {
        return None;
    }
    match e.resource {
        ResourceKind::Status => None,
        ResourceKind::Templates => Some(if e.id.starts_with("private/") {
            e.id.clone()
        } else {
            format!("public/{}", e.id)
        }),
        _ => Some(e.id.clone()),
    }
}
