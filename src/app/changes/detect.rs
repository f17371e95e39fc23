//! Special-purpose detectors: workspace state, activation, tier and quota
//! crossings; token expiry; a pane going stale and recovering.

use super::{Ctx, Event, EventKind, FieldChange, ResourceKind, diff_items, own_first};
use crate::api::types::{Resolver, Token, WorkspaceInfo};
use crate::app::format;

/// A token within this long of its expiry is "expiring" (10 days).
pub const EXPIRY_WINDOW_MS: i64 = 10 * 86_400_000;
/// Quota use at or above this percentage is high.
pub const QUOTA_WARN: f64 = 80.0;
/// Quota use at or above this percentage is critical.
pub const QUOTA_CRITICAL: f64 = 95.0;

/// The display name of the workspace: resolver, then the info, then the id.
fn workspace_label(ctx: &Ctx<'_>, info: &WorkspaceInfo, resolver: Option<&Resolver>) -> String {
    resolver
        .and_then(|r| r.display_name.as_deref())
        .filter(|s| !s.is_empty())
        .or(Some(info.workspace_name.as_str()).filter(|s| !s.is_empty()))
        .unwrap_or(ctx.workspace)
        .to_string()
}

/// Compare two polls of the status pane (`GET /workspace` + resolver).
///
/// Events: `StateChanged`, `ActivationChanged` (only when both polls have a
/// resolver; a missing resolver is unknown, not a change), `TierChanged`,
/// `Changed` for the name, display name, quota limits and shapes, and the
/// quota crossings for CPU, memory and accelerators. Quota use by itself
/// is not an event; only crossing 80 % or 95 % (either way) is.
pub fn diff_status(
    ctx: &Ctx<'_>,
    old: &WorkspaceInfo,
    old_resolver: Option<&Resolver>,
    new: &WorkspaceInfo,
    new_resolver: Option<&Resolver>,
) -> Vec<Event> {
    if old == new && old_resolver == new_resolver {
        return Vec::new();
    }
    let id = ctx.workspace;
    let name = workspace_label(ctx, new, new_resolver);
    let res = ResourceKind::Status;
    let mut out = Vec::new();
    let one = |kind, field: &str, a: &str, b: &str| {
        ctx.event(res, id, &name, kind, vec![FieldChange::new(field, a, b)])
    };
    if old.workspace_state != new.workspace_state {
        out.push(one(
            EventKind::StateChanged,
            "state",
            old.workspace_state.as_str(),
            new.workspace_state.as_str(),
        ));
    }
    if let (Some(a), Some(b)) = (old_resolver, new_resolver) {
        let (sa, sb) = (a.activation(), b.activation());
        if sa != sb {
            out.push(one(
                EventKind::ActivationChanged,
                "activation",
                sa.as_str(),
                sb.as_str(),
            ));
        }
    }
    if old.workspace_tier != new.workspace_tier {
        out.push(one(
            EventKind::TierChanged,
            "tier",
            &old.workspace_tier,
            &new.workspace_tier,
        ));
    }
    let mut fields = Vec::new();
    let mut field = |f: &str, a: String, b: String| {
        if a != b {
            fields.push(FieldChange::new(f, &a, &b));
        }
    };
    field(
        "name",
        old.workspace_name.clone(),
        new.workspace_name.clone(),
    );
    if let (Some(a), Some(b)) = (old_resolver, new_resolver) {
        field(
            "display_name",
            a.display_name.clone().unwrap_or_default(),
            b.display_name.clone().unwrap_or_default(),
        );
    }
    let (la, lb) = (&old.resource_quota.limit, &new.resource_quota.limit);
    field("cpu_limit", format::num(la.cpu), format::num(lb.cpu));
    field(
        "memory_limit",
        format::mib(la.memory),
        format::mib(lb.memory),
    );
    field(
        "accelerator_limit",
        format::num(la.accelerator_num),
        format::num(lb.accelerator_num),
    );
    if old.supported_shapes.keys().ne(new.supported_shapes.keys()) {
        field(
            "shapes",
            old.supported_shapes
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
            new.supported_shapes
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    if !fields.is_empty() {
        out.push(ctx.event(res, id, &name, EventKind::Changed, fields));
    }
    let (qa, qb) = (&old.resource_quota, &new.resource_quota);
    let quotas = [
        (
            "cpu",
            "CPU quota",
            qa.used.cpu,
            qa.limit.cpu,
            qb.used.cpu,
            qb.limit.cpu,
        ),
        (
            "memory",
            "memory quota",
            qa.used.memory,
            qa.limit.memory,
            qb.used.memory,
            qb.limit.memory,
        ),
        (
            "accelerators",
            "accelerator quota",
            qa.used.accelerator_num,
            qa.limit.accelerator_num,
            qb.used.accelerator_num,
            qb.limit.accelerator_num,
        ),
    ];
    for (key, label, used_a, limit_a, used_b, limit_b) in quotas {
        let (Some(pa), Some(pb)) = (percent(used_a, limit_a), percent(used_b, limit_b)) else {
            continue;
        };
        if let Some(kind) = quota_crossing(pa, pb) {
            out.push(ctx.event(
                res,
                &format!("quota.{key}"),
                label,
                kind,
                vec![FieldChange::new(
                    "used",
                    &format!("{pa:.0}%"),
                    &format!("{pb:.0}%"),
                )],
            ));
        }
    }
    out
}

/// Use as a percentage of the limit; `None` without a limit.
pub fn percent(used: f64, limit: f64) -> Option<f64> {
    (limit.is_finite() && used.is_finite() && limit > 0.0).then(|| used / limit * 100.0)
}

fn quota_level(p: f64) -> u8 {
    if p >= QUOTA_CRITICAL {
        2
    } else if p >= QUOTA_WARN {
        1
    } else {
        0
    }
}

/// The event for quota use moving from `old` % to `new` %, if it crossed
/// 80 % or 95 %. A jump over both thresholds is one event (the farther).
pub fn quota_crossing(old: f64, new: f64) -> Option<EventKind> {
    let (a, b) = (quota_level(old), quota_level(new));
    match (a, b) {
        _ if b > a && b == 2 => Some(EventKind::QuotaAbove95),
        _ if b > a => Some(EventKind::QuotaAbove80),
        _ if b < a && b == 1 => Some(EventKind::QuotaBelow95),
        _ if b < a => Some(EventKind::QuotaBelow80),
        _ => None,
    }
}

fn expiry_phase(expires_at: i64, at_ms: i64) -> u8 {
    if expires_at <= at_ms {
        2
    } else if expires_at - at_ms <= EXPIRY_WINDOW_MS {
        1
    } else {
        0
    }
}

/// The expiry event of one token whose expiry was `old_exp` at `old_ms` and
/// is `new_exp` now (`ctx.now_ms`): `TokenExpiring` when it entered the
/// 10-day window, `TokenExpired` when the expiry passed. A token extended
/// out of the window gives nothing here (its `expires` field changed).
pub fn expiry_event(
    ctx: &Ctx<'_>,
    id: &str,
    name: &str,
    old_exp: Option<i64>,
    old_ms: i64,
    new_exp: Option<i64>,
    own: bool,
) -> Option<Event> {
    let new_exp = new_exp?;
    let before = old_exp.map_or(0, |e| expiry_phase(e, old_ms));
    let after = expiry_phase(new_exp, ctx.now_ms);
    if after <= before {
        return None;
    }
    let kind = if after == 2 {
        EventKind::TokenExpired
    } else {
        EventKind::TokenExpiring
    };
    let old_text = old_exp.map_or(String::new(), |e| format::relative(old_ms, e));
    let mut e = ctx.event(
        ResourceKind::Tokens,
        id,
        name,
        kind,
        vec![FieldChange::new(
            "expires",
            &old_text,
            &format::relative(ctx.now_ms, new_exp),
        )],
    );
    e.own = own;
    Some(e)
}

/// Expiry events of the tokens present in both polls; `old_ms` is when the
/// old poll was made. Run it on every token poll, identical or not: the
/// clock moves even when the list does not.
pub fn token_expiry(
    ctx: &Ctx<'_>,
    old: &[Token],
    old_ms: i64,
    new: &[Token],
    own_id: Option<&str>,
) -> Vec<Event> {
    let mut out = Vec::new();
    for t in new {
        let Some(before) = old.iter().find(|o| o.id == t.id) else {
            continue;
        };
        let own = own_id == Some(t.id.as_str());
        let name = super::Tracked::label(t);
        if let Some(mut e) = expiry_event(
            ctx,
            &t.id,
            &name,
            before.expires_at,
            old_ms,
            t.expires_at,
            own,
        ) {
            e.yours = false;
            out.push(e);
        }
    }
    out
}

/// Everything about a token poll: added / removed / changed, expiry, every
/// event about lepdash's own token flagged `own` and put first.
pub fn diff_tokens(
    ctx: &Ctx<'_>,
    old: &[Token],
    old_ms: i64,
    new: &[Token],
    own_id: Option<&str>,
) -> Vec<Event> {
    let mut out = diff_items(ctx, ResourceKind::Tokens, old, new);
    if let Some(own) = own_id {
        for e in &mut out {
            e.own = e.id == super::clean(own);
        }
    }
    out.extend(token_expiry(ctx, old, old_ms, new, own_id));
    own_first(&mut out);
    out
}

/// `Stale` when a pane's data went stale, `Recovered` when a stale pane was
/// refreshed; `detail` is the latest error ("" when unknown).
pub fn health_event(
    ctx: &Ctx<'_>,
    resource: ResourceKind,
    was_stale: bool,
    is_stale: bool,
    detail: &str,
) -> Option<Event> {
    let kind = match (was_stale, is_stale) {
        (false, true) => EventKind::Stale,
        (true, false) => EventKind::Recovered,
        _ => return None,
    };
    let fields = if detail.is_empty() {
        Vec::new()
    } else if is_stale {
        vec![FieldChange::new("error", "", detail)]
    } else {
        vec![FieldChange::new("error", detail, "")]
    };
    Some(ctx.event(resource, resource.label(), resource.label(), kind, fields))
}
