//! Gentle background changes for `lepdash demo`: every 20–40 s one of
//! "a pending invitation is accepted", "a new secret appears", "a token nears
//! expiry" happens in an active workspace. Changes go through the same store
//! as API calls, so counts stay consistent. Each tick also moves one job
//! along its states (`workloads::step`).

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::seed::ADMIN_TOKEN_NAME;
use super::state::{DAY_MS, SecretEntry, Shared, Store, now_ms};
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

/// Run until shutdown.
pub(crate) async fn run(shared: Arc<Shared>) {
    loop {
        let wait = Duration::from_secs(fastrand::u64(20..=40));
        if !shared.sleep_unless_shutdown(wait).await {
            return;
        }
        let mut store = shared.store();
        if let Some(what) = step(&mut store, now_ms()) {
            tracing::info!(change = %what, "demo activity");
        }
        // Jobs move on every tick, independently of the changes above.
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
                            m.name = Some(name_from_email(&m.email));
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
                        .map(|m| m.email.clone())
                        .collect();
                    match (next, fastrand::choice(owners)) {
                        (Some((name, tag)), Some(owner)) => {
                            let value: String = (0..32).map(|_| fastrand::alphanumeric()).collect();
                            w.secrets.push(SecretEntry {
                                item: Secret {
                                    name: (*name).to_string(),
                                    tags: vec![(*tag).to_string()],
                                    owner: Some(owner.clone()),
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
}
