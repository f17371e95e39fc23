//! Background changes for `lepdash demo` and `lepdash emulator --activity
//! DUR`. Without a pace, every 20–40 s one of "a pending invitation is
//! accepted", "a new secret appears", "a token nears expiry" happens in an
//! active workspace. With a pace (`--activity 10s`; the demo uses
//! [`DEMO_PACE`]) changes of every kind come in turn ([`paced_step`]):
//! invitations accepted, secrets added and removed, a token nearing expiry,
//! quota use moving across 80 % and 95 %, the not-activated workspace going
//! pending then active. Changes go through the same store as API calls, so
//! counts stay consistent. Each tick also changes one workload, in turn: a
//! job moves along its states, an endpoint loses a replica (`Not Ready`),
//! recovers or scales, a pod restarts or fails, a node turns unhealthy and
//! back (`workloads::step`).

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::seed::ADMIN_TOKEN_NAME;
use super::state::{DAY_MS, SecretEntry, Shared, Store, gen_id, now_ms};
use crate::api::types::*;

/// Secrets that may "appear" during the demo.
const NEW_SECRETS: &[(&str, &str)] = &[
    ("LANGSMITH_API_KEY", "tracing"),
    ("TOGETHER_API_KEY", "inference"),
    ("NEPTUNE_API_TOKEN", "tracking"),
    ("MINIO_SECRET_KEY", "s3"),
    ("GRAFANA_API_KEY", "monitoring"),
    ("CLEARML_API_SECRET", "tracking"),
    ("OPENROUTER_API_KEY", "eval"),
    ("QDRANT_API_KEY", "vector-db"),
    ("HF_HUB_WRITE_TOKEN", "huggingface"),
    ("PAGERDUTY_ROUTING_KEY", "alerts"),
];

/// The pace of `lepdash demo`: a change of some kind every few seconds, so
/// a new user sees the activity view fill within a minute.
pub const DEMO_PACE: Duration = Duration::from_secs(8);
/// The shortest pace accepted (faster is raised to this).
pub const MIN_PACE: Duration = Duration::from_millis(200);

/// The wait before the next change: the pace when one is set (at least
/// [`MIN_PACE`]), else 20–40 s at random.
pub fn next_wait(pace: Option<Duration>) -> Duration {
    match pace {
        Some(p) => p.max(MIN_PACE),
        None => Duration::from_secs(fastrand::u64(20..=40)),
    }
}

/// Run until shutdown, a change every [`next_wait`].
pub(crate) async fn run(shared: Arc<Shared>, pace: Option<Duration>) {
    let mut turn = 0usize;
    loop {
        if !shared.sleep_unless_shutdown(next_wait(pace)).await {
            return;
        }
        let mut store = shared.store();
        let what = match pace {
            Some(_) => paced_step(&mut store, now_ms(), &mut turn),
            None => step(&mut store, now_ms()),
        };
        if let Some(what) = what {
            tracing::info!(change = %what, "demo activity");
        }
        // Workloads move on every tick, independently of the changes above.
        if let Some(what) = super::workloads::step(&mut store, now_ms()) {
            tracing::info!(change = %what, "demo activity");
        }
    }
}

/// Apply one random change; `None` when nothing is left to change.
pub(crate) fn step(store: &mut Store, now: i64) -> Option<String> {
    let mut kinds = [0u8, 1, 2];
    fastrand::shuffle(&mut kinds);
    for kind in kinds {
        for w in store.workspaces.iter_mut().filter(|w| w.is_active()) {
            let done = match kind {
                0 => {
                    let pending: Vec<usize> = w
                        .members
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.status == MemberStatus::Invited)
                        .map(|(i, _)| i)
                        .collect();
                    fastrand::choice(pending).map(|i| {
                        let m = &mut w.members[i];
                        m.status = MemberStatus::Active;
                        m.last_active_at = Some(now);
                        if m.name.is_none() {
                            m.name = Some(name_from_email(&m.email).into());
                        }
                        format!("{}: {} accepted the invitation", w.id, m.email)
                    })
                }
                1 => {
                    let next = NEW_SECRETS
                        .iter()
                        .find(|(n, _)| !w.secrets.iter().any(|s| s.item.name == *n));
                    let owners: Vec<String> = w
                        .members
                        .iter()
                        .filter(|m| {
                            m.status == MemberStatus::Active
                                && matches!(m.role, Role::Admin | Role::User)
                        })
                        .map(|m| m.email.to_string())
                        .collect();
                    match (next, fastrand::choice(owners)) {
                        (Some((name, tag)), Some(owner)) => {
                            let value: String = (0..32).map(|_| fastrand::alphanumeric()).collect();
                            w.secrets.push(SecretEntry {
                                item: Secret {
                                    name: (*name).to_string().into(),
                                    tags: vec![(*tag).to_string().into()],
                                    owner: Some(owner.clone().into()),
                                    visibility: Some(Visibility::Public),
                                },
                                value: SecretString::from(value),
                            });
                            Some(format!("{}: {owner} created secret {name}", w.id))
                        }
                        _ => None,
                    }
                }
                _ => {
                    let far: Vec<usize> = w
                        .tokens
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| {
                            !t.revoked
                                && t.record.name != ADMIN_TOKEN_NAME
                                && t.record.expires_at.is_some_and(|e| e > now + 10 * DAY_MS)
                        })
                        .map(|(i, _)| i)
                        .collect();
                    fastrand::choice(far).map(|i| {
                        let t = &mut w.tokens[i].record;
                        t.expires_at = Some(now + 2 * DAY_MS + fastrand::i64(0..DAY_MS));
                        format!("{}: token {} now expires within 3 days", w.id, t.name)
                    })
                }
            };
            if done.is_some() {
                return done;
            }
        }
    }
    None
}

/// How many kinds of change [`paced_step`] takes turns with.
pub const PACED_KINDS: usize = 6;

/// Apply the change of the next kind in turn (`turn` moves on; a kind with
/// nothing to do passes to the next): 0 an invitation accepted (or a new
/// one sent), 1 a secret added, 2 a demo secret removed, 3 a token nearing
/// expiry, 4 quota use moving, 5 a not-activated workspace going pending,
/// then active.
pub(crate) fn paced_step(store: &mut Store, now: i64, turn: &mut usize) -> Option<String> {
    for _ in 0..PACED_KINDS {
        let kind = *turn % PACED_KINDS;
        *turn = turn.wrapping_add(1);
        let done = match kind {
            0 => invite_turn(store, now),
            1 => secret_added(store),
            2 => secret_removed(store),
            3 => token_turn(store, now),
            4 => quota_turn(store),
            _ => activation_turn(store, now),
        };
        if done.is_some() {
            return done;
        }
    }
    None
}

fn first_active(store: &mut Store) -> Option<&mut super::state::Ws> {
    store.workspaces.iter_mut().find(|w| w.is_active())
}

/// Accept a pending invitation; with none left, invite someone new (whom a
/// later turn accepts).
fn invite_turn(store: &mut Store, now: i64) -> Option<String> {
    let w = first_active(store)?;
    if let Some(m) = w
        .members
        .iter_mut()
        .find(|m| m.status == MemberStatus::Invited)
    {
        m.status = MemberStatus::Active;
        m.last_active_at = Some(now);
        if m.name.is_none() {
            m.name = Some(name_from_email(&m.email).into());
        }
        return Some(format!("{}: {} accepted the invitation", w.id, m.email));
    }
    let n = w.members.len();
    let email = format!("guest{n}@example.com");
    let by = w
        .members
        .iter()
        .find(|m| m.role == Role::Admin)
        .map(|m| m.email.clone());
    w.members.push(Member {
        id: gen_id("u").into(),
        email: email.clone().into(),
        name: None,
        role: Role::Viewer,
        status: MemberStatus::Invited,
        invited_by: by,
        created_at: Some(now),
        last_active_at: None,
    });
    Some(format!("{}: {email} invited", w.id))
}

fn secret_added(store: &mut Store) -> Option<String> {
    let w = first_active(store)?;
    let (name, tag) = NEW_SECRETS
        .iter()
        .find(|(n, _)| !w.secrets.iter().any(|s| s.item.name == *n))?;
    let owner = w
        .members
        .iter()
        .find(|m| m.status == MemberStatus::Active && matches!(m.role, Role::Admin | Role::User))
        .map(|m| m.email.clone());
    let value: String = (0..32).map(|_| fastrand::alphanumeric()).collect();
    w.secrets.push(SecretEntry {
        item: Secret {
            name: (*name).to_string().into(),
            tags: vec![(*tag).to_string().into()],
            owner,
            visibility: Some(Visibility::Public),
        },
        value: SecretString::from(value),
    });
    Some(format!("{}: secret {name} created", w.id))
}

/// Remove one of the secrets the demo added (never a seeded one).
fn secret_removed(store: &mut Store) -> Option<String> {
    let w = first_active(store)?;
    let i = w
        .secrets
        .iter()
        .position(|s| NEW_SECRETS.iter().any(|(n, _)| *n == s.item.name))?;
    let gone = w.secrets.remove(i);
    Some(format!("{}: secret {} deleted", w.id, gone.item.name))
}

/// A token with a far expiry now expires within 3 days; with none left, one
/// is extended again (so the turn never runs dry).
fn token_turn(store: &mut Store, now: i64) -> Option<String> {
    let w = first_active(store)?;
    let mine = |t: &&mut super::state::TokenEntry| !t.revoked && t.record.name != ADMIN_TOKEN_NAME;
    let far = w
        .tokens
        .iter_mut()
        .filter(mine)
        .find(|t| t.record.expires_at.is_some_and(|e| e > now + 10 * DAY_MS));
    if let Some(t) = far {
        t.record.expires_at = Some(now + 2 * DAY_MS + fastrand::i64(0..DAY_MS));
        return Some(format!(
            "{}: token {} now expires within 3 days",
            w.id, t.record.name
        ));
    }
    let t = w.tokens.iter_mut().find(|t| mine(t))?;
    t.record.expires_at = Some(now + 90 * DAY_MS);
    Some(format!(
        "{}: token {} extended by 90 days",
        w.id, t.record.name
    ))
}

/// CPU use in steps across the 80 % and 95 % marks and back down.
fn quota_turn(store: &mut Store) -> Option<String> {
    const STEPS: [f64; 4] = [0.5, 0.85, 0.97, 0.6];
    let w = first_active(store)?;
    let q = &mut w.info.resource_quota;
    if q.limit.cpu <= 0.0 {
        return None;
    }
    let share = q.used.cpu / q.limit.cpu;
    let next = STEPS
        .iter()
        .position(|s| (s - share).abs() < 0.005)
        .map_or(STEPS[1], |i| STEPS[(i + 1) % STEPS.len()]);
    q.used.cpu = (q.limit.cpu * next).round();
    Some(format!(
        "{}: cpu use now {} of {}",
        w.id, q.used.cpu, q.limit.cpu
    ))
}

/// The first workspace not active moves one step: not activated → pending
/// → active.
fn activation_turn(store: &mut Store, now: i64) -> Option<String> {
    let w = store.workspaces.iter_mut().find(|w| !w.is_active())?;
    w.activation = match w.activation {
        ActivationState::NotActivated => ActivationState::Pending,
        _ => ActivationState::Active,
    };
    w.activation_updated_at = now;
    Some(format!("{}: activation {}", w.id, w.activation.as_str()))
}

fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    local
        .split(['.', '_', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::seed::{SeedFiles, build_store};
    use super::super::state::gen_token;
    use super::*;

    #[test]
    fn steps_change_the_demo_consistently() {
        let now = 1_800_000_000_000;
        let token = SecretString::from(gen_token());
        let mut store = build_store(&SeedFiles::embedded(), &token, now).unwrap();
        let before = store.workspaces[0].secrets.len();
        let mut log = Vec::new();
        for _ in 0..40 {
            if let Some(what) = step(&mut store, now) {
                log.push(what);
            }
        }
        let demo = &store.workspaces[0];
        // All pending invitations were accepted, all new secrets appeared.
        assert!(
            demo.members
                .iter()
                .all(|m| m.status == MemberStatus::Active)
        );
        assert_eq!(demo.secrets.len(), before + NEW_SECRETS.len());
        assert!(log.iter().any(|l| l.contains("accepted the invitation")));
        assert!(log.iter().any(|l| l.contains("expires within 3 days")));
        // The admin token keeps its far expiry; the inactive workspace is untouched.
        let admin = demo
            .tokens
            .iter()
            .find(|t| t.record.name == ADMIN_TOKEN_NAME)
            .unwrap();
        assert!(admin.record.expires_at.unwrap() > now + 300 * DAY_MS);
        assert!(store.workspaces[1].secrets.is_empty());
        assert_eq!(name_from_email("jordan.blake@example.com"), "Jordan Blake");
    }

    #[test]
    fn the_timer_follows_the_pace() {
        let pace = Duration::from_secs(10);
        assert_eq!(next_wait(Some(pace)), pace);
        // Too fast a pace is raised to the floor.
        assert_eq!(next_wait(Some(Duration::ZERO)), MIN_PACE);
        for _ in 0..50 {
            let w = next_wait(None);
            assert!(w >= Duration::from_secs(20) && w <= Duration::from_secs(40));
        }
        assert!(DEMO_PACE * PACED_KINDS as u32 <= Duration::from_secs(60));
    }

    #[test]
    fn paced_steps_make_every_kind_of_change() {
        let now = 1_800_000_000_000;
        let token = SecretString::from(gen_token());
        let mut store = build_store(&SeedFiles::embedded(), &token, now).unwrap();
        let mut turn = 0;
        let mut log = Vec::new();
        for _ in 0..(PACED_KINDS * 3) {
            log.extend(paced_step(&mut store, now, &mut turn));
        }
        for needle in [
            "accepted the invitation",
            "created",
            "deleted",
            "expires within 3 days",
            "cpu use now",
            "activation pending",
            "activation active",
        ] {
            assert!(log.iter().any(|l| l.contains(needle)), "{needle}: {log:#?}");
        }
        // Every workspace ends up active; the seeded secrets are all there.
        assert!(store.workspaces.iter().all(|w| w.is_active()));
    }
}
