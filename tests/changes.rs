//! The change engine (issue 10): one test per event kind, `yours`, origin,
//! sanitizing, the activity log, the `watch` lines, and the canary: a
//! secret value never reaches an event, a JSON/text line or the activity
//! file.

#[path = "support/sample.rs"]
mod sample;

use lepdash::api::types::{
    ActivationState, Member, MemberStatus, Role, Secret, SecretWrite, Token, WorkspaceState,
};
use lepdash::app::changes::{
    self, ActivityLog, Ctx, Event, EventKind, FieldChange, Origin, Snapshot, StatusSnap, TokenSnap,
    Yours, diff_items, diff_list, diff_status, diff_tokens, health_event, quota_crossing,
    token_expiry,
};
use sample::{DAY, NOW_MS, OWN_TOKEN_ID};
// The one import of the shared vocabulary.
use lepdash::protocol::ResourceKind;
use lepdash::watch::{self, WatchFormat};
use secrecy::SecretString;

const WS: &str = "xfre17eu";

fn ctx(yours: &Yours) -> Ctx<'_> {
    Ctx {
        now_ms: NOW_MS,
        workspace: WS,
        origin: Origin::Live,
        yours,
    }
}

fn kinds(events: &[Event]) -> Vec<(EventKind, String)> {
    events.iter().map(|e| (e.kind, e.id.clone())).collect()
}

fn field<'a>(e: &'a Event, name: &str) -> &'a FieldChange {
    e.fields
        .iter()
        .find(|f| f.field == name)
        .unwrap_or_else(|| panic!("no field {name} in {e:?}"))
}

// ------------------------------------------------------------ generic diff

#[test]
fn identical_polls_give_nothing() {
    let y = Yours::new();
    let c = ctx(&y);
    assert!(
        diff_items(
            &c,
            ResourceKind::Members,
            &sample::members(),
            &sample::members()
        )
        .is_empty()
    );
    assert!(
        diff_items(
            &c,
            ResourceKind::Secrets,
            &sample::secrets(),
            &sample::secrets()
        )
        .is_empty()
    );
    assert!(
        diff_items(
            &c,
            ResourceKind::Templates,
            &sample::templates(),
            &sample::templates()
        )
        .is_empty()
    );
    // The same items in another order are not a change either.
    let mut rev = sample::registries();
    rev.reverse();
    assert!(diff_items(&c, ResourceKind::Registries, &sample::registries(), &rev).is_empty());
}

#[test]
fn first_poll_is_not_a_change() {
    let y = Yours::new();
    let e = diff_list(&ctx(&y), ResourceKind::Secrets, None, &sample::secrets());
    assert!(e.is_empty());
    let e = diff_list(
        &ctx(&y),
        ResourceKind::Secrets,
        Some(&[]),
        &sample::secrets(),
    );
    assert_eq!(e.len(), sample::secrets().len());
    assert!(e.iter().all(|e| e.kind == EventKind::Added));
}

#[test]
fn secrets_added_removed_changed() {
    let y = Yours::new();
    let old = sample::secrets();
    let mut new = old.clone();
    let gone = new.remove(0);
    new[0].tags = vec!["prod".into(), "db".into()];
    let changed_name = new[0].name.to_string();
    let old_tags = old[1].tags.join(",");
    new.push(Secret {
        name: "NEW_KEY".into(),
        tags: vec![],
        owner: None,
        visibility: None,
    });
    let ev = diff_items(&ctx(&y), ResourceKind::Secrets, &old, &new);
    assert_eq!(
        kinds(&ev),
        vec![
            (EventKind::Changed, changed_name.clone()),
            (EventKind::Added, "NEW_KEY".into()),
            (EventKind::Removed, gone.name.to_string()),
        ]
    );
    let ch = &ev[0];
    assert_eq!(ch.resource, ResourceKind::Secrets);
    assert_eq!(ch.workspace, WS);
    assert_eq!(ch.time_ms, NOW_MS);
    assert_eq!(ch.name, changed_name);
    assert_eq!(ch.fields.len(), 1, "only the tags changed: {:?}", ch.fields);
    assert_eq!(field(ch, "tags").old, old_tags);
    assert_eq!(field(ch, "tags").new, "prod,db");
    assert!(
        ev.iter()
            .all(|e| !e.yours && e.origin == Origin::Live && !e.own)
    );
}

#[test]
fn members_role_change_and_invite_accepted() {
    let y = Yours::new();
    let old = sample::members();
    let invited = old
        .iter()
        .position(|m| m.status == MemberStatus::Invited)
        .expect("the sample has an invited member");
    let mut new = old.clone();
    new[0].role = Role::Viewer;
    new[invited].status = MemberStatus::Active;
    let ev = diff_items(&ctx(&y), ResourceKind::Members, &old, &new);
    assert_eq!(ev.len(), 2, "{ev:?}");
    let role = ev.iter().find(|e| e.id == old[0].id).unwrap();
    assert_eq!(role.kind, EventKind::Changed);
    assert_eq!(role.name, old[0].email, "members are named by email");
    assert_eq!(field(role, "role").old, old[0].role.as_str());
    assert_eq!(field(role, "role").new, "viewer");
    let acc = ev.iter().find(|e| e.id == old[invited].id).unwrap();
    assert_eq!(acc.kind, EventKind::InviteAccepted);
    assert_eq!(field(acc, "status").old, "invited");
    assert_eq!(field(acc, "status").new, "active");
    // Active → invited is a plain change, not an acceptance.
    let back = diff_items(&ctx(&y), ResourceKind::Members, &new, &old);
    let e = back.iter().find(|e| e.id == old[invited].id).unwrap();
    assert_eq!(e.kind, EventKind::Changed);
}

#[test]
fn member_added_and_removed() {
    let y = Yours::new();
    let old = sample::members();
    let mut new = old[1..].to_vec();
    new.push(Member {
        id: "u-new".into(),
        email: "dan@example.com".into(),
        name: None,
        role: Role::User,
        status: MemberStatus::Invited,
        invited_by: None,
        created_at: None,
        last_active_at: None,
    });
    let ev = diff_items(&ctx(&y), ResourceKind::Members, &old, &new);
    assert_eq!(
        kinds(&ev),
        vec![
            (EventKind::Added, "u-new".into()),
            (EventKind::Removed, old[0].id.to_string())
        ]
    );
    assert_eq!(ev[0].name, "dan@example.com");
}

#[test]
fn tokens_registries_templates_changes() {
    let y = Yours::new();
    // Tokens: renamed, one revoked.
    let old = sample::tokens();
    let mut new = old.clone();
    new[4].name = "grafana".into();
    new.remove(3);
    let ev = diff_items(&ctx(&y), ResourceKind::Tokens, &old, &new);
    assert_eq!(
        kinds(&ev),
        vec![
            (EventKind::Changed, old[4].id.to_string()),
            (EventKind::Removed, old[3].id.to_string())
        ]
    );
    assert_eq!(field(&ev[0], "name").new, "grafana");

    // Registries: username changed, one added.
    let old = sample::registries();
    let mut new = old.clone();
    new[1].spec.username = "otherteam".into();
    let mut extra = old[0].clone();
    extra.metadata.id = Some("quay-x".into());
    extra.metadata.name = Some("quay-x".into());
    new.push(extra);
    let ev = diff_items(&ctx(&y), ResourceKind::Registries, &old, &new);
    assert_eq!(
        kinds(&ev),
        vec![
            (EventKind::Changed, old[1].id().to_string()),
            (EventKind::Added, "quay-x".into())
        ]
    );
    assert_eq!(field(&ev[0], "username").old, old[1].spec.username);
    assert_eq!(field(&ev[0], "username").new, "otherteam");

    // Templates: content edited (shown as a digest change), one removed.
    let old = sample::templates();
    let mut new = old.clone();
    new[4].template.spec.content = serde_json::json!({"container": {"image": "x:2"}}).into();
    new.remove(5);
    let ev = diff_items(&ctx(&y), ResourceKind::Templates, &old, &new);
    assert_eq!(ev.len(), 2, "{ev:?}");
    assert_eq!(ev[0].kind, EventKind::Changed);
    assert_eq!(ev[0].name, old[4].template.name());
    let c = field(&ev[0], "content");
    assert!(!c.old.is_empty() && !c.new.is_empty() && c.old != c.new);
    assert_eq!(ev[1].kind, EventKind::Removed);
    assert_eq!(ev[1].name, old[5].template.name());
}

#[test]
fn public_and_private_templates_with_one_id_are_two_items() {
    let y = Yours::new();
    let mut a = sample::templates()[0].clone();
    a.public = true;
    let mut b = a.clone();
    b.public = false;
    let ev = diff_items(&ctx(&y), ResourceKind::Templates, &[a.clone()], &[a, b]);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, EventKind::Added);
    assert!(ev[0].id.starts_with("private/"), "{}", ev[0].id);
}

#[test]
fn duplicate_keys_are_reported_once() {
    let y = Yours::new();
    let s = |n: &str, t: &str| Secret {
        name: n.into(),
        tags: vec![t.into()],
        owner: None,
        visibility: None,
    };
    let old = vec![s("A", "1"), s("A", "2"), s("B", "1")];
    let new = vec![s("A", "2"), s("A", "3"), s("B", "1")];
    let ev = diff_items(&ctx(&y), ResourceKind::Secrets, &old, &new);
    // The last "A" of the old poll vs the first of the new: equal. No
    // spurious removal of the shadowed duplicate either.
    assert!(ev.is_empty(), "{ev:?}");
    // A new key twice is one addition; an old key twice is one removal.
    let ev = diff_items(
        &ctx(&y),
        ResourceKind::Secrets,
        &[],
        &[s("X", "1"), s("X", "2")],
    );
    assert_eq!(kinds(&ev), vec![(EventKind::Added, "X".into())]);
    let ev = diff_items(
        &ctx(&y),
        ResourceKind::Secrets,
        &[s("X", "1"), s("X", "2")],
        &[],
    );
    assert_eq!(kinds(&ev), vec![(EventKind::Removed, "X".into())]);
}

// ------------------------------------------------------------ yours, origin

#[test]
fn yours_by_id_name_or_email() {
    let mut y = Yours::new();
    y.insert(ResourceKind::Secrets, "NEW_KEY");
    y.insert(ResourceKind::Members, "dan@example.com"); // an invite knows the email only
    y.insert(ResourceKind::Tokens, "tok-77aa"); // a revoke knows the id
    let c = ctx(&y);

    let old = sample::secrets();
    let mut new = old.clone();
    new.push(Secret {
        name: "NEW_KEY".into(),
        tags: vec![],
        owner: None,
        visibility: None,
    });
    new.push(Secret {
        name: "SOMEONE_ELSES".into(),
        tags: vec![],
        owner: None,
        visibility: None,
    });
    let ev = diff_items(&c, ResourceKind::Secrets, &old, &new);
    let mine: Vec<(&str, bool)> = ev.iter().map(|e| (e.id.as_str(), e.yours)).collect();
    assert_eq!(mine, vec![("NEW_KEY", true), ("SOMEONE_ELSES", false)]);

    let mut members = sample::members();
    members.push(Member {
        id: "u-new".into(),
        email: "dan@example.com".into(),
        name: None,
        role: Role::User,
        status: MemberStatus::Invited,
        invited_by: None,
        created_at: None,
        last_active_at: None,
    });
    let ev = diff_items(&c, ResourceKind::Members, &sample::members(), &members);
    assert!(ev[0].yours);

    let tokens: Vec<Token> = sample::tokens()
        .into_iter()
        .filter(|t| t.id != "tok-77aa" && t.id != "tok-51d0")
        .collect();
    let ev = diff_items(&c, ResourceKind::Tokens, &sample::tokens(), &tokens);
    let mine: Vec<(&str, bool)> = ev.iter().map(|e| (e.id.as_str(), e.yours)).collect();
    assert_eq!(mine, vec![("tok-77aa", true), ("tok-51d0", false)]);

    // The kind matters: a secret named like a token is not the token.
    let mut y2 = Yours::new();
    y2.insert(ResourceKind::Secrets, "tok-77aa");
    let ev = diff_items(&ctx(&y2), ResourceKind::Tokens, &sample::tokens(), &tokens);
    assert!(ev.iter().all(|e| !e.yours));
    y2.clear_kind(ResourceKind::Secrets);
    assert!(y2.is_empty());
}

#[test]
fn while_away_origin_is_carried() {
    let y = Yours::new();
    let c = Ctx {
        origin: Origin::WhileAway,
        ..ctx(&y)
    };
    let ev = diff_items(
        &c,
        ResourceKind::Secrets,
        &sample::secrets()[1..],
        &sample::secrets(),
    );
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].origin, Origin::WhileAway);
    assert!(watch::json_line(&ev[0]).contains("\"origin\":\"while_away\""));
    assert!(watch::text_line(&ev[0]).ends_with("[while away]"));
}

// ------------------------------------------------------------ status

fn status_pair() -> (
    lepdash::api::types::WorkspaceInfo,
    lepdash::api::types::Resolver,
) {
    (
        sample::workspace_info(),
        sample::resolver(ActivationState::Active, None),
    )
}

#[test]
fn workspace_state_tier_and_fields() {
    let y = Yours::new();
    let (info, res) = status_pair();
    assert!(diff_status(&ctx(&y), &info, Some(&res), &info, Some(&res)).is_empty());
    let mut new = info.clone();
    new.workspace_state = WorkspaceState::Paused;
    new.workspace_tier = "basic".into();
    new.workspace_name = "renamed".into();
    new.resource_quota.limit.cpu = 512.0;
    let ev = diff_status(&ctx(&y), &info, Some(&res), &new, Some(&res));
    assert_eq!(
        ev.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![
            EventKind::StateChanged,
            EventKind::TierChanged,
            EventKind::Changed
        ]
    );
    assert_eq!(field(&ev[0], "state").old, "normal");
    assert_eq!(field(&ev[0], "state").new, "paused");
    assert_eq!(field(&ev[1], "tier").old, "enterprise");
    assert_eq!(field(&ev[1], "tier").new, "basic");
    assert_eq!(field(&ev[2], "name").new, "renamed");
    assert_eq!(field(&ev[2], "cpu_limit").new, "512");
    assert!(
        ev.iter()
            .all(|e| e.resource == ResourceKind::Status && e.id == WS)
    );
    assert_eq!(ev[0].name, "Demo Workspace", "the resolver's display name");
    // Quota *use* moving inside a band is not an event.
    let mut used = info.clone();
    used.resource_quota.used.cpu += 1.0;
    assert!(diff_status(&ctx(&y), &info, Some(&res), &used, Some(&res)).is_empty());
}

#[test]
fn activation_change_and_unknown_resolver() {
    let y = Yours::new();
    let info = sample::workspace_info();
    let not = sample::resolver(ActivationState::NotActivated, None);
    let act = sample::resolver(ActivationState::Active, Some(NOW_MS));
    let ev = diff_status(&ctx(&y), &info, Some(&not), &info, Some(&act));
    assert_eq!(kinds(&ev), vec![(EventKind::ActivationChanged, WS.into())]);
    assert_eq!(field(&ev[0], "activation").old, "not_activated");
    assert_eq!(field(&ev[0], "activation").new, "active");
    // A resolver that failed to load is unknown, not "activated".
    assert!(diff_status(&ctx(&y), &info, Some(&not), &info, None).is_empty());
    assert!(diff_status(&ctx(&y), &info, None, &info, Some(&not)).is_empty());
}

#[test]
fn quota_crossings_both_ways() {
    assert_eq!(quota_crossing(70.0, 80.0), Some(EventKind::QuotaAbove80));
    assert_eq!(quota_crossing(85.0, 95.0), Some(EventKind::QuotaAbove95));
    assert_eq!(quota_crossing(10.0, 99.0), Some(EventKind::QuotaAbove95));
    assert_eq!(quota_crossing(96.0, 90.0), Some(EventKind::QuotaBelow95));
    assert_eq!(quota_crossing(96.0, 50.0), Some(EventKind::QuotaBelow80));
    assert_eq!(quota_crossing(85.0, 79.9), Some(EventKind::QuotaBelow80));
    assert_eq!(quota_crossing(81.0, 94.0), None);
    assert_eq!(quota_crossing(10.0, 79.0), None);
    assert_eq!(quota_crossing(97.0, 100.0), None);

    let y = Yours::new();
    let (info, res) = status_pair();
    // accelerators: 15 of 16 = 93.75 % in the sample.
    let mut up = info.clone();
    up.resource_quota.used.accelerator_num = 16.0;
    let ev = diff_status(&ctx(&y), &info, Some(&res), &up, Some(&res));
    assert_eq!(
        kinds(&ev),
        vec![(EventKind::QuotaAbove95, "quota.accelerators".into())]
    );
    assert_eq!(field(&ev[0], "used").old, "94%");
    assert_eq!(field(&ev[0], "used").new, "100%");
    let mut down = info.clone();
    down.resource_quota.used.accelerator_num = 4.0;
    down.resource_quota.used.cpu = 250.0; // 60.5 → 250 of 256: up past both
    let ev = diff_status(&ctx(&y), &info, Some(&res), &down, Some(&res));
    assert_eq!(
        kinds(&ev),
        vec![
            (EventKind::QuotaAbove95, "quota.cpu".into()),
            (EventKind::QuotaBelow80, "quota.accelerators".into())
        ]
    );
    // No limit, no percentage, no event.
    let mut a = info.clone();
    a.resource_quota.limit.cpu = 0.0;
    let mut b = a.clone();
    b.resource_quota.used.cpu = 1e9;
    assert!(diff_status(&ctx(&y), &a, Some(&res), &b, Some(&res)).is_empty());
}

// ------------------------------------------------------------ tokens

#[test]
fn token_entering_the_window_and_expiring() {
    let y = Yours::new();
    let tokens = sample::tokens();
    // tok-77aa expires in 3d4h; tok-9f02 in 300d; the own one in 60d.
    // Seen 8 days ago the first was outside the window; now it is inside.
    let ev = token_expiry(&ctx(&y), &tokens, NOW_MS - 8 * DAY, &tokens, None);
    assert_eq!(
        kinds(&ev),
        vec![(EventKind::TokenExpiring, "tok-77aa".into())]
    );
    assert_eq!(ev[0].name, "ci-pipeline");
    assert_eq!(field(&ev[0], "expires").new, "in 3d");
    // Already inside the window at the previous poll: no second event.
    let ev = token_expiry(&ctx(&y), &tokens, NOW_MS - DAY, &tokens, None);
    assert!(ev.is_empty(), "{ev:?}");
    // Four days later it has expired (same list, only the clock moved).
    let later = Ctx {
        now_ms: NOW_MS + 4 * DAY,
        ..ctx(&y)
    };
    let ev = token_expiry(&later, &tokens, NOW_MS, &tokens, None);
    assert_eq!(
        kinds(&ev),
        vec![(EventKind::TokenExpired, "tok-77aa".into())]
    );
    // A token without expiry never expires; an already expired one is quiet.
    assert!(ev.iter().all(|e| e.id != "tok-51d0" && e.id != "tok-0b9e"));
}

#[test]
fn own_token_is_flagged_and_first() {
    let y = Yours::new();
    let old = sample::tokens();
    let mut new = old.clone();
    // Someone renames a token and the own one enters the window.
    new[4].name = "renamed".into();
    let own_exp = NOW_MS + 5 * DAY;
    new[0].expires_at = Some(own_exp);
    let ev = diff_tokens(&ctx(&y), &old, NOW_MS - DAY, &new, Some(OWN_TOKEN_ID));
    assert!(ev.len() >= 3, "{ev:?}");
    assert!(ev[0].own && ev[0].id == OWN_TOKEN_ID, "{ev:?}");
    let own: Vec<EventKind> = ev.iter().filter(|e| e.own).map(|e| e.kind).collect();
    assert_eq!(own, vec![EventKind::Changed, EventKind::TokenExpiring]);
    assert!(ev.iter().take(own.len()).all(|e| e.own));
    assert!(!ev.last().unwrap().own);
    assert!(watch::json_line(&ev[0]).contains("\"own\":true"));
    assert!(!watch::json_line(ev.last().unwrap()).contains("\"own\""));
    assert!(watch::text_line(&ev[0]).contains("[lepdash's token]"));
}

// ------------------------------------------------------------ health

#[test]
fn stale_and_recovered() {
    let y = Yours::new();
    let c = ctx(&y);
    let s = health_event(&c, ResourceKind::Secrets, false, true, "HTTP 503").unwrap();
    assert_eq!(s.kind, EventKind::Stale);
    assert_eq!(s.resource, ResourceKind::Secrets);
    assert_eq!(field(&s, "error").new, "HTTP 503");
    let r = health_event(&c, ResourceKind::Secrets, true, false, "HTTP 503").unwrap();
    assert_eq!(r.kind, EventKind::Recovered);
    assert!(health_event(&c, ResourceKind::Secrets, true, true, "").is_none());
    assert!(health_event(&c, ResourceKind::Secrets, false, false, "").is_none());
}

// ------------------------------------------------------------ hygiene

#[test]
fn server_text_is_sanitized_and_bounded() {
    let y = Yours::new();
    let evil = "bad\u{1b}[2J\u{9b}31m\u{202e}name\nx";
    let new = vec![Secret {
        name: evil.into(),
        tags: vec!["t\u{7}".into(), "x".repeat(1000).into()],
        owner: None,
        visibility: None,
    }];
    let ev = diff_items(&ctx(&y), ResourceKind::Secrets, &[], &new);
    let e = &ev[0];
    assert_eq!(e.name, "bad?[2J?31m?name x");
    assert_eq!(e.id, e.name);
    let line = watch::text_line(e);
    assert!(
        !line.chars().any(|c| c.is_control() || changes::is_bidi(c)),
        "{line:?}"
    );
    let old = new.clone();
    let mut newer = new.clone();
    newer[0].tags.push("z".into());
    let ev = diff_items(&ctx(&y), ResourceKind::Secrets, &old, &newer);
    let tags = field(&ev[0], "tags");
    assert!(tags.new.chars().count() <= changes::MAX_TEXT + 1);
    assert!(tags.new.ends_with('…'));
    assert!(!tags.new.contains('\u{7}'));
}

#[test]
fn json_line_escapes_c1_and_bidi_and_round_trips() {
    // An event read back from a hostile file could carry anything; the
    // JSON writer escapes what serde_json leaves raw.
    let raw = "a\u{9b}b\u{202e}c\u{2028}d\u{7f}e\u{1b}f";
    let e = Event {
        time_ms: NOW_MS,
        workspace: WS.into(),
        resource: ResourceKind::Members,
        id: raw.into(),
        name: "n".into(),
        kind: EventKind::Changed,
        fields: vec![FieldChange {
            field: "role".into(),
            old: "user".into(),
            new: raw.into(),
        }],
        yours: true,
        origin: Origin::Live,
        own: false,
    };
    let line = watch::json_line(&e);
    for c in line.chars() {
        assert!(
            !(c.is_control() || changes::is_bidi(c)),
            "raw {c:?} in {line}"
        );
    }
    assert!(line.contains("\\u009b") && line.contains("\\u202e") && line.contains("\\u2028"));
    assert!(line.contains("\\u007f") && line.contains("\\u001b"));
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["id"], raw, "the escapes decode to the same text");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["time"], "2026-11-28T12:00:00Z");
    assert_eq!(v["workspace"], WS);
    assert_eq!(v["resource"], "members");
    assert_eq!(v["event"], "changed");
    assert_eq!(v["yours"], true);
    assert_eq!(v["origin"], "live");
    assert_eq!(v["fields"][0]["field"], "role");
    assert_eq!(v["fields"][0]["old"], "user");
    // The keys come in the documented order.
    let order = [
        "schema",
        "time",
        "workspace",
        "resource",
        "event",
        "id",
        "name",
        "yours",
        "origin",
        "fields",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|k| line.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{line}");
    assert_eq!(v.as_object().unwrap().len(), order.len());
    // The text line shows sanitized text instead.
    let text = watch::format_event(&e, WatchFormat::Text);
    assert!(text.contains("a?b?c?d?e?f"), "{text}");
    assert!(text.contains("role: user → a?b?c?d?e?f"), "{text}");
    assert!(text.ends_with("[yours]"));
}

#[test]
fn text_line_shape() {
    let y = Yours::new();
    let mut new = sample::members();
    new[0].role = Role::Viewer;
    let ev = diff_items(&ctx(&y), ResourceKind::Members, &sample::members(), &new);
    assert_eq!(
        watch::text_line(&ev[0]),
        "2026-11-28T12:00:00Z xfre17eu members changed alice@example.com (u-001) — role: admin → viewer"
    );
    let removed = diff_items(
        &ctx(&y),
        ResourceKind::Secrets,
        &sample::secrets()[..1],
        &[],
    );
    assert_eq!(
        watch::text_line(&removed[0]),
        format!(
            "2026-11-28T12:00:00Z xfre17eu secrets removed {}",
            sample::secrets()[0].name
        )
    );
}

#[test]
fn canary_secret_value_never_reaches_an_event() {
    const CANARY: &str = "canary-9f3b1e-value";
    // The dashboard wrote a secret with this value (the form's write type).
    let write = SecretWrite {
        name: "HF_TOKEN_NEW".into(),
        value: SecretString::from(CANARY.to_string()),
        visibility: None,
        tags: vec![],
    };
    let mut y = Yours::new();
    y.insert(ResourceKind::Secrets, write.name.clone());
    // The next list carries the name only (the API never returns values).
    let old = sample::secrets();
    let mut new = old.clone();
    new.push(Secret {
        name: write.name.clone().into(),
        tags: vec![],
        owner: Some("alice@example.com".into()),
        visibility: None,
    });
    new.remove(0);
    let ev = diff_items(&ctx(&y), ResourceKind::Secrets, &old, &new);
    assert!(ev.iter().any(|e| e.name == "HF_TOKEN_NEW" && e.yours));
    let mut log = ActivityLog::new();
    log.push_batch(ev.clone());
    let mut all = String::new();
    for e in &ev {
        all.push_str(&watch::json_line(e));
        all.push_str(&watch::text_line(e));
        all.push_str(&format!("{e:?}"));
        all.push_str(&serde_json::to_string(e).unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let h = lepdash::history::History::new(dir.path());
    h.save_activity(&log).unwrap();
    let mut snap = Snapshot::new(WS, NOW_MS);
    snap.secrets = Some(new);
    h.save_snapshot(&snap).unwrap();
    all.push_str(&std::fs::read_to_string(h.activity_path()).unwrap());
    all.push_str(&std::fs::read_to_string(h.snapshot_path(WS)).unwrap());
    assert!(all.contains("HF_TOKEN_NEW"), "the test sees the name");
    assert!(!all.contains(CANARY), "a secret value leaked");
}

// ------------------------------------------------------------ activity log

fn ev(i: usize, name: &str) -> Event {
    Event {
        time_ms: NOW_MS + i as i64,
        workspace: WS.into(),
        resource: ResourceKind::Secrets,
        id: name.into(),
        name: name.into(),
        kind: EventKind::Added,
        fields: vec![],
        yours: false,
        origin: Origin::Live,
        own: false,
    }
}

#[test]
fn activity_log_is_bounded_and_newest_first() {
    let mut log = ActivityLog::new();
    for i in 0..10_050 {
        log.push(ev(i, &format!("S{i}")));
    }
    assert_eq!(log.len(), 10_000);
    assert_eq!(log.get(0).unwrap().name, "S10049");
    assert_eq!(log.iter().last().unwrap().name, "S50");
    // A batch keeps its order on screen: its first event on top.
    log.push_batch(vec![ev(1, "first"), ev(1, "second")]);
    assert_eq!(log.get(0).unwrap().name, "first");
    assert_eq!(log.get(1).unwrap().name, "second");
    assert_eq!(log.len(), 10_000);
    let small = ActivityLog::from_newest_first((0..5).map(|i| ev(i, "x")), 3);
    assert_eq!(small.len(), 3);
}

#[test]
fn activity_filter_is_case_insensitive_over_every_text() {
    let y = Yours::new();
    let mut log = ActivityLog::new();
    let mut members = sample::members();
    members[1].role = Role::Admin;
    log.push_batch(diff_items(
        &ctx(&y),
        ResourceKind::Members,
        &sample::members(),
        &members,
    ));
    log.push_batch(diff_items(
        &ctx(&y),
        ResourceKind::Secrets,
        &[],
        &[Secret {
            name: "Ünïcode_KEY".into(),
            tags: vec![],
            owner: None,
            visibility: None,
        }],
    ));
    let other = Ctx {
        workspace: "OtherWS",
        ..ctx(&y)
    };
    log.push(health_event(&other, ResourceKind::Templates, false, true, "HTTP 503").unwrap());
    assert_eq!(log.len(), 3);
    assert_eq!(log.filter("").len(), 3);
    assert_eq!(log.filter("BOB@"), vec![2], "by name");
    assert_eq!(log.filter("ADMIN"), vec![2], "by a field value");
    assert_eq!(log.filter("role"), vec![2], "by a field name");
    assert_eq!(log.filter("SECRETS"), vec![1], "by resource");
    assert_eq!(log.filter("ünÏCODE"), vec![1], "non-ASCII folding");
    assert_eq!(log.filter("otherws"), vec![0], "by workspace");
    assert_eq!(log.filter("stale"), vec![0], "by event kind");
    assert_eq!(log.filter("503"), vec![0]);
    assert!(log.filter("nothing-like-this").is_empty());
}

// ------------------------------------------------------------ serde

#[test]
fn event_and_snapshot_round_trip() {
    let y = Yours::new();
    let mut new = sample::tokens();
    new[0].expires_at = Some(NOW_MS + DAY);
    let evs = diff_tokens(
        &ctx(&y),
        &sample::tokens(),
        NOW_MS - DAY,
        &new,
        Some(OWN_TOKEN_ID),
    );
    for e in &evs {
        let text = serde_json::to_string(e).unwrap();
        let back: Event = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, e);
    }
    let bad = serde_json::to_string(&evs[0])
        .unwrap()
        .replace("\"tokens\"", "\"spaceships\"");
    assert!(serde_json::from_str::<Event>(&bad).is_err());
    for k in EventKind::ALL {
        assert_eq!(EventKind::parse(k.as_str()), Some(k));
        let j = serde_json::to_string(&k).unwrap();
        assert_eq!(j, format!("\"{}\"", k.as_str()));
    }

    let mut snap = Snapshot::new(WS, NOW_MS);
    assert!(snap.is_empty());
    snap.status = Some(StatusSnap {
        info: sample::workspace_info(),
        resolver: Some(sample::resolver(ActivationState::Pending, Some(NOW_MS))),
    });
    snap.members = Some(sample::members());
    snap.tokens = Some(TokenSnap {
        list: sample::tokens(),
        own_id: Some(OWN_TOKEN_ID.into()),
    });
    snap.secrets = Some(sample::secrets());
    snap.registries = Some(sample::registries());
    snap.templates = Some(sample::templates());
    let text = serde_json::to_string(&snap).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(back, snap);
}

#[test]
fn first_poll_against_the_snapshot_is_while_away() {
    // What the reducer does on the first poll of a kind after a start.
    let y = Yours::new();
    let mut snap = Snapshot::new(WS, NOW_MS - 3 * DAY);
    snap.secrets = Some(sample::secrets());
    snap.tokens = Some(TokenSnap {
        list: sample::tokens(),
        own_id: Some(OWN_TOKEN_ID.into()),
    });
    let away = Ctx {
        origin: Origin::WhileAway,
        ..ctx(&y)
    };
    let polled = sample::secrets()[2..].to_vec();
    let ev = diff_list(
        &away,
        ResourceKind::Secrets,
        snap.secrets.as_deref(),
        &polled,
    );
    assert_eq!(ev.len(), 2);
    assert!(
        ev.iter()
            .all(|e| e.origin == Origin::WhileAway && e.kind == EventKind::Removed)
    );
    // Tokens: 3 days ago ci-pipeline had 6d left (inside the window
    // already), so nothing; the clock-only check uses the snapshot's time.
    let t = snap.tokens.as_ref().unwrap();
    let ev = diff_tokens(
        &away,
        &t.list,
        snap.saved_at_ms,
        &sample::tokens(),
        Some(OWN_TOKEN_ID),
    );
    assert!(ev.is_empty(), "{ev:?}");
}

#[test]
fn watch_kind_filter() {
    use lepdash::watch::KindFilter;
    let y = Yours::new();
    let secret = diff_items(
        &ctx(&y),
        ResourceKind::Secrets,
        &sample::secrets()[1..],
        &sample::secrets(),
    )
    .remove(0);
    let stale = health_event(&ctx(&y), ResourceKind::Tokens, false, true, "").unwrap();
    let all = KindFilter::parse("").unwrap();
    assert!(all.allows(&secret) && all.allows(&stale));
    let f = KindFilter::parse("Secrets, members").unwrap();
    assert!(f.allows(&secret) && !f.allows(&stale));
    let f = KindFilter::parse("stale").unwrap();
    assert!(!f.allows(&secret) && f.allows(&stale));
    let f = KindFilter::parse("tokens,added").unwrap();
    assert!(
        !f.allows(&secret),
        "resource and event kind both have to match"
    );
    let err = KindFilter::parse("secrets,spaceships").unwrap_err();
    assert!(err.contains("unknown kind \"spaceships\""), "{err}");
    assert!(
        err.contains("templates") && err.contains("invite_accepted"),
        "{err}"
    );
}

// ------------------------------------------------------------ workloads

mod workloads {
    use super::*;
    use lepdash::api::workloads::{EndpointState, JobState, NodeGroupNodes};
    use lepdash::app::changes::{Row, Severity, diff_workload};

    fn one(events: &[Event]) -> &Event {
        assert_eq!(events.len(), 1, "{events:?}");
        &events[0]
    }

    #[test]
    fn endpoint_added_and_removed() {
        let y = Yours::new();
        let old = sample::endpoints();
        let mut new = old.clone();
        let gone = new.remove(0);
        let mut extra = old[1].clone();
        extra.id = "fresh-ep".into();
        extra.name = "fresh-ep".into();
        new.push(extra);
        let ev = diff_workload(&ctx(&y), ResourceKind::Endpoints, &old, &new);
        assert_eq!(
            kinds(&ev),
            [
                (EventKind::Added, "fresh-ep".to_string()),
                (EventKind::Removed, gone.id.clone())
            ]
        );
        assert!(ev.iter().all(|e| e.severity() == Severity::Info));
    }

    #[test]
    fn endpoint_ready_to_not_ready_is_failed_and_needs_you() {
        let y = Yours::new();
        let old = sample::endpoints();
        let mut new = old.clone();
        new[0].state = Some(EndpointState::NotReady);
        let ev = diff_workload(&ctx(&y), ResourceKind::Endpoints, &old, &new);
        let e = one(&ev);
        assert_eq!(e.kind, EventKind::Failed);
        assert_eq!(field(e, "state").old, "Ready");
        assert_eq!(field(e, "state").new, "Not Ready");
        assert_eq!(e.severity(), Severity::NeedsYou);
        // Back to Ready: a state change, not a failure.
        let back = diff_workload(&ctx(&y), ResourceKind::Endpoints, &new, &old);
        assert_eq!(one(&back).kind, EventKind::StateChanged);
        assert_eq!(one(&back).severity(), Severity::Info);
        // Not Ready → Error: still failing, not a new failure.
        let mut worse = new.clone();
        worse[0].state = Some(EndpointState::Error);
        let ev = diff_workload(&ctx(&y), ResourceKind::Endpoints, &new, &worse);
        assert_eq!(one(&ev).kind, EventKind::StateChanged);
    }

    #[test]
    fn endpoint_replicas_changed() {
        let y = Yours::new();
        let old = sample::endpoints();
        let mut up = old.clone();
        up[0].replicas_desired = Some(3);
        let ev = diff_workload(&ctx(&y), ResourceKind::Endpoints, &old, &up);
        let e = one(&ev);
        assert_eq!(e.kind, EventKind::ReplicasChanged);
        assert_eq!(field(e, "replicas").new, "3");
        assert_eq!(e.severity(), Severity::Info);
        // Fewer than before: worth a look.
        let ev = diff_workload(&ctx(&y), ResourceKind::Endpoints, &up, &old);
        assert_eq!(one(&ev).kind, EventKind::ReplicasChanged);
        assert_eq!(one(&ev).severity(), Severity::Warn);
    }

    #[test]
    fn endpoint_restarting_is_restarted() {
        let y = Yours::new();
        let old = sample::endpoints();
        let mut new = old.clone();
        new[0].state = Some(EndpointState::Restarting);
        let ev = diff_workload(&ctx(&y), ResourceKind::Endpoints, &old, &new);
        assert_eq!(one(&ev).kind, EventKind::Restarted);
        assert_eq!(one(&ev).severity(), Severity::Warn);
    }

    #[test]
    fn job_running_to_failed_and_completed() {
        let y = Yours::new();
        let old = sample::jobs();
        let set = |state: JobState| {
            let mut v = old.clone();
            v[0].status.as_mut().unwrap().state = Some(state);
            v
        };
        let failed = set(JobState::Failed);
        let ev = diff_workload(&ctx(&y), ResourceKind::Jobs, &old, &failed);
        let e = one(&ev);
        assert_eq!(
            (e.kind, e.id.as_str()),
            (EventKind::Failed, "pretrain-70b-x7k2")
        );
        assert_eq!(e.name, "pretrain-70b");
        assert_eq!(field(e, "state").old, "Running");
        assert_eq!(e.severity(), Severity::NeedsYou);
        let done = set(JobState::Completed);
        let ev = diff_workload(&ctx(&y), ResourceKind::Jobs, &old, &done);
        assert_eq!(one(&ev).kind, EventKind::StateChanged);
        assert_eq!(field(one(&ev), "state").new, "Completed");
        assert_eq!(one(&ev).severity(), Severity::Info);
        // PendingRetry needs a look too.
        let retry = set(JobState::PendingRetry);
        let ev = diff_workload(&ctx(&y), ResourceKind::Jobs, &old, &retry);
        assert_eq!(one(&ev).kind, EventKind::Failed);
    }

    #[test]
    fn job_next_attempt_is_restarted() {
        let y = Yours::new();
        let old = sample::jobs();
        // sweep-lr-3: PendingRetry with two failed attempts → Running again.
        let mut new = old.clone();
        let st = new[3].status.as_mut().unwrap();
        st.job_history.push(st.job_history[0].clone());
        st.state = Some(JobState::Running);
        let ev = diff_workload(&ctx(&y), ResourceKind::Jobs, &old, &new);
        let e = one(&ev);
        assert_eq!(e.kind, EventKind::Restarted);
        assert_eq!(field(e, "attempts").old, "3");
        assert_eq!(field(e, "attempts").new, "4");
    }

    #[test]
    fn job_counters_that_move_all_the_time_are_not_events() {
        let y = Yours::new();
        let old = sample::jobs();
        let mut new = old.clone();
        new[0].status.as_mut().unwrap().ready = 1;
        new[0].status.as_mut().unwrap().active = 3;
        assert!(diff_workload(&ctx(&y), ResourceKind::Jobs, &old, &new).is_empty());
    }

    #[test]
    fn pod_failed_and_restarted() {
        let y = Yours::new();
        let old = sample::pods();
        let mut err = old.clone();
        err[0].state = Some(EndpointState::Error);
        let ev = diff_workload(&ctx(&y), ResourceKind::Pods, &old, &err);
        assert_eq!(one(&ev).kind, EventKind::Failed);
        assert_eq!(one(&ev).id, old[0].id);
        let mut again = old.clone();
        again[0].state = Some(EndpointState::Restarting);
        let ev = diff_workload(&ctx(&y), ResourceKind::Pods, &old, &again);
        assert_eq!(one(&ev).kind, EventKind::Restarted);
        // Recreated under the same id: restarted as well.
        let mut recreated = old.clone();
        recreated[0].created_at = recreated[0].created_at.map(|t| t + 60_000);
        let ev = diff_workload(&ctx(&y), ResourceKind::Pods, &old, &recreated);
        assert_eq!(one(&ev).kind, EventKind::Restarted);
    }

    fn rows(groups: &[NodeGroupNodes]) -> Vec<Row> {
        Row::all(groups)
    }

    #[test]
    fn node_group_capacity_changes() {
        let y = Yours::new();
        let old = sample::node_groups();
        let mut new = sample::node_groups();
        // node-a1 turns unhealthy: fewer ready nodes, one more unhealthy.
        if let Ok(l) = &mut new[0].nodes {
            l.items[0].status.as_mut().unwrap().status = vec!["Ready".into(), "Unhealthy".into()];
        }
        let ev = diff_workload(&ctx(&y), ResourceKind::Nodes, &rows(&old), &rows(&new));
        let e = one(&ev);
        assert_eq!(
            (e.kind, e.id.as_str()),
            (EventKind::CapacityChanged, "ng-h100-a")
        );
        assert_eq!(field(e, "ready_nodes").old, "2");
        assert_eq!(field(e, "ready_nodes").new, "1");
        assert_eq!(e.severity(), Severity::Warn);
        // Healthy again: capacity back, nothing to worry about.
        let ev = diff_workload(&ctx(&y), ResourceKind::Nodes, &rows(&new), &rows(&old));
        assert_eq!(one(&ev).kind, EventKind::CapacityChanged);
        assert_eq!(one(&ev).severity(), Severity::Info);
        // GPU allocation moves all the time: not an event.
        let mut busy = sample::node_groups();
        if let Ok(l) = &mut busy[0].nodes {
            let gpu = l.items[1]
                .spec
                .resource
                .as_mut()
                .unwrap()
                .gpu
                .as_mut()
                .unwrap();
            gpu.allocated = 8;
        }
        assert!(diff_workload(&ctx(&y), ResourceKind::Nodes, &rows(&old), &rows(&busy)).is_empty());
    }

    #[test]
    fn rows_round_trip_and_unknown_fields_are_dropped() {
        let rows = Row::all(&sample::endpoints());
        let text = serde_json::to_string(&rows).unwrap();
        let back: Vec<Row> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rows);
        let odd: Row = serde_json::from_str(
            r#"{"key":"k","label":"l","fields":[["state","Ready"],["password","x"]]}"#,
        )
        .unwrap();
        assert_eq!(odd.fields.len(), 1);
    }

    #[test]
    fn workload_snapshot_parts_give_while_away_events() {
        let y = Yours::new();
        let mut snap = Snapshot::new(WS, NOW_MS - DAY);
        let mut fetched = sample::fetched(ResourceKind::Jobs);
        changes::absorb(&mut snap, &fetched);
        assert!(snap.has(ResourceKind::Jobs));
        if let lepdash::protocol::Fetched::Jobs(list) = &mut fetched {
            list.jobs.items[0].status.as_mut().unwrap().state = Some(JobState::Failed);
        }
        let c = Ctx {
            origin: Origin::WhileAway,
            ..ctx(&y)
        };
        let ev = changes::diff_fetched(&c, &snap, snap.saved_at_ms, &fetched);
        assert_eq!(one(&ev).kind, EventKind::Failed);
        assert_eq!(one(&ev).origin, Origin::WhileAway);
        assert!(changes::take_part(&mut snap, ResourceKind::Jobs));
        assert!(snap.is_empty());
    }

    #[test]
    fn watch_kinds_accept_workload_kinds_and_events() {
        let f = watch::KindFilter::parse("jobs,failed").unwrap();
        let mut e = ev(0, "x");
        e.resource = ResourceKind::Jobs;
        e.kind = EventKind::Failed;
        assert!(f.allows(&e));
        e.kind = EventKind::StateChanged;
        assert!(!f.allows(&e));
        for word in [
            "endpoints",
            "pods",
            "nodes",
            "restarted",
            "replicas_changed",
            "capacity_changed",
        ] {
            assert!(watch::KindFilter::parse(word).is_ok(), "{word}");
        }
    }
}

// ------------------------------------------------------------ two writers

#[test]
fn merging_keeps_one_of_a_change_seen_by_two_pollers() {
    let mut dashboard = ActivityLog::new();
    dashboard.push(ev(0, "A"));
    dashboard.push(ev(10, "B"));
    // watch saw B a little later, and C that the dashboard missed.
    let mut b_late = ev(20_000, "B");
    b_late.origin = Origin::Live;
    let c = ev(30_000, "C");
    let added = dashboard.merge(vec![b_late, c]);
    assert_eq!(added, 1);
    let names: Vec<&str> = dashboard.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["C", "B", "A"], "newest first by time");
    // The same change twice (a flapping item) stays twice.
    let mut log = ActivityLog::new();
    log.push(ev(0, "F"));
    assert_eq!(log.merge(vec![ev(1, "F"), ev(2, "F")]), 1);
    assert_eq!(log.len(), 2);
    // Far apart in time: two changes.
    let mut log = ActivityLog::new();
    log.push(ev(0, "G"));
    assert_eq!(log.merge(vec![ev(3_600_000, "G")]), 1);
}
