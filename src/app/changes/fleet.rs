//! Fleet events: the change engine's detectors run on the fleet's rows (the
//! workspaces not on screen, polled in the background). Pure, like the rest
//! of the engine.
//!
//! From one fleet answer to the next, for workspace `ctx.workspace`:
//! - Status: everything [`diff_status`] sees (a workspace becoming active,
//!   paused, another tier, quota crossings);
//! - reachability: `Stale` when its Status starts failing (unreachable,
//!   token rejected, …) with the error, `Recovered` when it answers again
//!   ([`health_event`]);
//! - tokens: a token entering the 10-day window or expiring
//!   ([`token_expiry`]), lepdash's own token flagged `own` and first.

use super::{Ctx, Event, diff_status, health_event, own_first, token_expiry};
use crate::app::fleet::FleetData;
use crate::app::format::ms_of;
use crate::protocol::ResourceKind;

/// The events between two states of one fleet row.
pub fn diff_fleet(ctx: &Ctx<'_>, old: &FleetData, new: &FleetData) -> Vec<Event> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (&old.info, &new.info) {
        out.extend(diff_status(
            ctx,
            a,
            old.resolver.as_ref(),
            b,
            new.resolver.as_ref(),
        ));
    }
    let was = old.status_error.is_some();
    let is = new.status_error.is_some();
    // A workspace that never answered is not "becoming" anything.
    if old.status_at.is_some() || was {
        let detail = new
            .status_error
            .as_ref()
            .or(old.status_error.as_ref())
            .map(|e| e.to_string())
            .unwrap_or_default();
        if let Some(mut e) = health_event(ctx, ResourceKind::Status, was, is, &detail) {
            e.id = super::clean(ctx.workspace);
            e.name = super::clean(ctx.workspace);
            out.push(e);
        }
    }
    if let (Some(a), Some(b)) = (&old.tokens, &new.tokens) {
        let old_ms = old.status_at.map(ms_of).unwrap_or(ctx.now_ms);
        out.extend(token_expiry(ctx, a, old_ms, b, new.own_token.as_deref()));
    }
    own_first(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::{EventKind, Origin, Yours};
    use super::*;
    use crate::api::ApiError;
    use crate::api::types::{ActivationState, Resolver, Token, WorkspaceInfo};

    const NOW: i64 = 1_800_000_000_000;
    const DAY: i64 = 86_400_000;

    fn ctx(yours: &Yours) -> Ctx<'_> {
        Ctx {
            now_ms: NOW,
            workspace: "early",
            origin: Origin::Live,
            yours,
        }
    }

    fn data(activation: ActivationState) -> FleetData {
        FleetData {
            info: Some(WorkspaceInfo::default()),
            resolver: Some(Resolver {
                activation_state: Some(activation),
                ..Resolver::default()
            }),
            status_at: Some(crate::app::format::time_of_ms(NOW - 60_000)),
            ..FleetData::default()
        }
    }

    #[test]
    fn a_workspace_becoming_active_is_an_event() {
        let y = Yours::new();
        let ev = diff_fleet(
            &ctx(&y),
            &data(ActivationState::Pending),
            &data(ActivationState::Active),
        );
        assert!(
            ev.iter()
                .any(|e| e.kind == EventKind::ActivationChanged && e.workspace == "early"),
            "{ev:?}"
        );
    }

    #[test]
    fn becoming_unreachable_and_recovering_are_events() {
        let y = Yours::new();
        let ok = data(ActivationState::Active);
        let mut down = ok.clone();
        down.status_error = Some(ApiError::Connect {
            url: "http://127.0.0.1:9/x".into(),
            detail: "refused".into(),
        });
        let ev = diff_fleet(&ctx(&y), &ok, &down);
        assert!(ev.iter().any(|e| e.kind == EventKind::Stale), "{ev:?}");
        assert!(ev[0].fields[0].new.contains("cannot connect"), "{ev:?}");
        let ev = diff_fleet(&ctx(&y), &down, &ok);
        assert!(ev.iter().any(|e| e.kind == EventKind::Recovered), "{ev:?}");
        // Still down: nothing new.
        assert!(diff_fleet(&ctx(&y), &down, &down).is_empty());
        // Never answered, then failing: not "becoming" unreachable.
        let mut never = down.clone();
        never.status_at = None;
        never.status_error = None;
        never.info = None;
        assert!(diff_fleet(&ctx(&y), &never, &FleetData { info: None, ..down }).is_empty());
    }

    #[test]
    fn a_token_entering_the_ten_day_window_is_an_event() {
        let y = Yours::new();
        let token = |exp: i64| Token {
            id: "t1".into(),
            name: "ci".into(),
            masked_value: "nv...zz".into(),
            scopes: vec![],
            created_at: None,
            expires_at: Some(exp),
            created_by: None,
        };
        let mut a = data(ActivationState::Active);
        // Eleven days left a minute ago (at the old poll), nine now.
        a.tokens = Some(vec![token(NOW + 11 * DAY)]);
        let mut b = a.clone();
        b.tokens = Some(vec![token(NOW + 9 * DAY)]);
        b.own_token = Some("t1".into());
        let ev = diff_fleet(&ctx(&y), &a, &b);
        let e = ev
            .iter()
            .find(|e| e.kind == EventKind::TokenExpiring)
            .expect("expiring event");
        assert!(e.own, "lepdash's own token is flagged");
    }
}
