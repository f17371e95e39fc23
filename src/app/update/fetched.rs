//! Applying sync events: fetches and errors stored per kind with change marks, mutation results, workload details, fleet fetches.

use std::borrow::Cow;
use std::time::SystemTime;

use crate::api::ApiError;
use crate::app::resource::Resource;
use crate::app::view::ShapeRow;
use crate::app::{
    Effect, Model, StatusData, ToastLevel, TokenData, activity, changed_ids, details, kind_index,
    manage, with_resource,
};
use crate::protocol::{Fetched, ResourceKind, SyncEvent};

pub(super) fn on_sync(model: &mut Model, ev: SyncEvent, fx: &mut Vec<Effect>) -> bool {
    match ev {
        SyncEvent::FetchStarted { kind, workspace } => {
            if workspace != model.current {
                return false;
            }
            let now = model.now;
            with_resource!(&mut model, kind, |r| {
                r.in_flight = true;
                r.in_flight_since = Some(now);
            });
            false
        }
        SyncEvent::Fetched {
            kind,
            workspace,
            at,
            result,
            next_attempt,
        } => {
            if workspace != model.current {
                return false;
            }
            if at > model.now {
                model.now = at;
            }
            with_resource!(&mut model, kind, |r| {
                r.in_flight = false;
                r.in_flight_since = None;
                r.manual = false;
            });
            match result {
                Ok(mut fetched) => {
                    model.token_rejected = false;
                    keep_last_ready(model, &mut fetched);
                    let events = activity::events_of_fetch(model, &fetched, at);
                    let any = !events.is_empty();
                    fx.extend(model.activity.record(events, at));
                    apply_fetched(model, fetched, at) || (any && model.activity.open)
                }
                Err(e) => apply_error(model, kind, e, at, next_attempt),
            }
        }
        SyncEvent::Mutated {
            id,
            workspace,
            result,
        } => manage::mutated(model, id, workspace, result),
        SyncEvent::WorkloadDetail {
            workspace,
            target,
            result,
        } => {
            workspace == model.current && details::workload_detail_arrived(model, &target, &result)
        }
        SyncEvent::FleetFetched {
            workspace,
            kind,
            at,
            result,
        } => {
            // The current workspace's row comes from the dashboard's own
            // resources; a late fleet answer for it is dropped.
            if workspace == model.current || workspace >= model.workspaces.len() {
                return false;
            }
            // Against what an earlier run saw of it: "while away" events.
            let away = match &result {
                Ok(f) => crate::app::activity::fleet_fetched(model, workspace, f, at),
                Err(_) => Vec::new(),
            };
            let away_any = !away.is_empty();
            fx.extend(model.activity.record_fleet(away, at));
            let before = model.fleet.data_mut(workspace).clone();
            let changed = model.fleet.data_mut(workspace).apply(kind, at, result);
            if changed {
                let yours = crate::app::changes::Yours::new();
                let ctx = crate::app::changes::Ctx {
                    now_ms: crate::app::format::ms_of(at),
                    workspace: &model.workspaces[workspace].id,
                    origin: crate::app::changes::Origin::Live,
                    yours: &yours,
                };
                let events = crate::app::changes::fleet::diff_fleet(
                    &ctx,
                    &before,
                    &model.fleet.data[workspace],
                );
                let any = !events.is_empty();
                fx.extend(model.activity.record_fleet(events, at));
                return away_any || model.fleet.open || (any && model.activity.open);
            }
            // While-away events change the header's summary and attention.
            away_any || (changed && model.fleet.open)
        }
    }
}

fn apply_error(
    model: &mut Model,
    kind: ResourceKind,
    e: ApiError,
    at: SystemTime,
    next_attempt: Option<SystemTime>,
) -> bool {
    if e.status() == Some(401) {
        if !model.token_rejected
            && let Some(from) = model.fleet.borrowed.get(&model.current)
        {
            let text = format!(
                "workspace {} refused the token of {from} at {}: it needs its own token (`lep login -c ID:TOKEN -u URL`)",
                model.workspace_id(),
                model.workspace().map(|w| w.base_url.as_str()).unwrap_or("")
            );
            model.toast = Some(crate::app::Toast {
                text,
                level: ToastLevel::Error,
                until: None,
            });
        }
        model.token_rejected = true;
    }
    let changed = with_resource!(&mut model, kind, |r| {
        let changed = r.error.as_ref() != Some(&e);
        r.error = Some(e);
        r.error_at = Some(at);
        r.next_attempt = next_attempt;
        changed
    });
    if changed && kind.is_workload() {
        // "n/a" in the summary follows a 404.
        model.refresh_workload_summary();
    }
    changed
}

/// Store new data; returns whether anything visible changed.
fn store<T: PartialEq>(
    r: &mut Resource<T>,
    data: T,
    skipped: usize,
    at: SystemTime,
    changed: impl FnOnce(Option<&T>, &T) -> std::collections::HashSet<String>,
) -> bool {
    let same = r.data.as_ref() == Some(&data);
    let was_error = r.error.is_some();
    let skipped_changed = r.skipped != skipped;
    r.error = None;
    r.error_at = None;
    r.next_attempt = None;
    r.fetched_at = Some(at);
    r.skipped = skipped;
    if same {
        if !r.changed_ids.is_empty() {
            r.changed_ids.clear();
            r.changed_at = None;
        }
        return was_error || skipped_changed;
    }
    let ids = changed(r.data.as_ref(), &data);
    r.changed_at = (!ids.is_empty()).then_some(at);
    r.changed_ids = ids;
    r.data = Some(data);
    r.generation += 1;
    true
}

/// A legacy endpoint whose ready count could not be looked up this time
/// (its readiness request failed, or it was past the lookup cap) keeps the
/// last count seen: one failed lookup is neither a change nor a `-`.
fn keep_last_ready(model: &Model, fetched: &mut Fetched) {
    let (Fetched::Endpoints { list, .. }, Some(old)) = (fetched, model.endpoints.data.as_ref())
    else {
        return;
    };
    let unknown = |e: &crate::api::workloads::EndpointView| {
        e.family == crate::api::workloads::RouteFamily::Legacy && e.replicas_ready.is_none()
    };
    if !list.items.iter().any(unknown) {
        return;
    }
    let last: std::collections::HashMap<&str, u32> = old
        .list
        .iter()
        .filter_map(|e| Some((e.id.as_str(), e.replicas_ready?)))
        .collect();
    for e in list.items.iter_mut().filter(|e| unknown(e)) {
        e.replicas_ready = last.get(e.id.as_str()).copied();
    }
}

/// A poll identical to the last one: as fresh as a new fetch (the error
/// and its back-off cleared, `fetched_at` moved), with nothing to store,
/// diff or rebuild. Returns whether anything visible changed.
fn touch<T>(r: &mut Resource<T>, at: SystemTime) -> bool {
    let was_error = r.error.is_some();
    r.error = None;
    r.error_at = None;
    r.next_attempt = None;
    r.fetched_at = Some(at);
    if !r.changed_ids.is_empty() {
        r.changed_ids.clear();
        r.changed_at = None;
    }
    was_error
}

fn apply_fetched(model: &mut Model, fetched: Fetched, at: SystemTime) -> bool {
    let kind = fetched.kind();
    let shapes_changed = match &fetched {
        Fetched::Status { info, .. } => model.shapes() != Some(&info.supported_shapes),
        _ => false,
    };
    let changed = match fetched {
        Fetched::Unchanged(kind) => {
            // Nothing to rebuild: the rows are the ones already built.
            return with_resource!(&mut model, kind, |r| touch(r, at));
        }
        Fetched::Status { info, resolver } => {
            let resolver =
                resolver.or_else(|| model.status.data.as_ref().and_then(|d| d.resolver.clone()));
            let shapes = info
                .supported_shapes
                .iter()
                .map(|(name, shape)| ShapeRow {
                    name: name.clone(),
                    shape: shape.clone(),
                })
                .collect();
            let data = StatusData {
                info,
                resolver,
                shapes,
            };
            store(&mut model.status, data, 0, at, |old, new| match old {
                Some(old) => changed_ids(&old.shapes, &new.shapes, |s| Cow::Borrowed(&s.name)),
                None => Default::default(),
            })
        }
        Fetched::Members(list) => {
            let skipped = list.skipped.len();
            store(&mut model.members, list.items, skipped, at, |old, new| {
                old.map(|o| changed_ids(o, new, |m| Cow::Borrowed(&m.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Tokens { list, own_id } => {
            let skipped = list.skipped.len();
            let data = TokenData {
                list: list.items,
                own_id,
            };
            store(&mut model.tokens, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.list, &new.list, |t| Cow::Borrowed(&t.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Secrets(list) => {
            let skipped = list.skipped.len();
            store(&mut model.secrets, list.items, skipped, at, |old, new| {
                old.map(|o| changed_ids(o, new, |s| Cow::Borrowed(&s.name)))
                    .unwrap_or_default()
            })
        }
        Fetched::Registries(list) => {
            let skipped = list.skipped.len();
            store(
                &mut model.registries,
                list.items,
                skipped,
                at,
                |old, new| {
                    old.map(|o| changed_ids(o, new, |r| Cow::Borrowed(r.id())))
                        .unwrap_or_default()
                },
            )
        }
        Fetched::Templates(list) => {
            let skipped = list.skipped.len();
            store(&mut model.templates, list.items, skipped, at, |old, new| {
                old.map(|o| {
                    changed_ids(o, new, |t| {
                        let ns = if t.public { "public" } else { "private" };
                        Cow::Owned(format!("{ns}/{}", t.template.id()))
                    })
                })
                .unwrap_or_default()
            })
        }
        Fetched::Endpoints { family, list } => {
            let skipped = list.skipped.len();
            let data = crate::app::EndpointData {
                family,
                list: list.items,
            };
            store(&mut model.endpoints, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.list, &new.list, |e| Cow::Borrowed(&e.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Jobs(list) => {
            let skipped = list.jobs.skipped.len();
            let data = crate::app::JobData {
                jobs: list.jobs.items,
                truncated: list.truncated,
            };
            store(&mut model.jobs, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.jobs, &new.jobs, |j| Cow::Borrowed(j.id())))
                    .unwrap_or_default()
            })
        }
        Fetched::Pods { family, list } => {
            let skipped = list.skipped.len();
            let data = crate::app::PodData {
                family,
                list: list.items,
            };
            store(&mut model.pods, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.list, &new.list, |p| Cow::Borrowed(&p.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Nodes(list) => {
            let skipped = list.skipped.len();
            let rows: Vec<crate::app::NodeGroupRow> = list
                .items
                .into_iter()
                .map(crate::app::NodeGroupRow::from_fetched)
                .collect();
            store(&mut model.nodes, rows, skipped, at, |old, new| {
                old.map(|o| changed_ids(o, new, |g| Cow::Borrowed(g.group.id())))
                    .unwrap_or_default()
            })
        }
    };
    if changed && (kind == ResourceKind::Status || kind.is_workload()) {
        model.refresh_workload_summary();
    }
    if changed {
        rebuild(model, kind);
        manage::select_new(model, kind);
        if kind == ResourceKind::Status && shapes_changed {
            // GPU counts of the workload rows read the shapes.
            for w in crate::protocol::WORKLOAD_VIEWS {
                rebuild(model, w);
            }
        }
    }
    changed
}

/// Recompute a pane's cached rows after its data changed.
fn rebuild(model: &mut Model, kind: ResourceKind) {
    let mut view = std::mem::take(&mut model.views[kind_index(kind)]);
    view.rebuild(&model.source(kind), model.now_ms());
    model.views[kind_index(kind)] = view;
}
