//! Seed data: `assets/demo/*.json` (embedded) or the same files in `--data DIR`.
//!
//! Layout (every file JSON, built from the wire types in `api::types`, with a
//! few seed-only fields for times relative to start-up so the demo always
//! looks current):
//!
//! | file | shape |
//! |---|---|
//! | `workspaces.json` (required) | `[{id, display_name, early_access, activation_state, activation_updated_days_ago, owner: <admin email>, admin_token_expires_in_days?, info: WorkspaceInfo}]` |
//! | `members.json` | `{"<ws>": [Member + created_days_ago, last_active_hours_ago]}` |
//! | `tokens.json` | `{"<ws>": [Token (created_by = member email) + created_days_ago, expires_in_days]}` |
//! | `secrets.json` | `{"<ws>": [Secret + optional value]}` (a random value when absent) |
//! | `registries.json` | `{"<ws>": [RegistryWrite + created_days_ago]}` |
//! | `templates_public.json` | `[Template]` (shared by every workspace) |
//! | `templates_private.json` | `{"<ws>": [Template]}` |
//! | `workloads.json` | `{"<ws>": {node_groups, endpoints, pods, jobs}}` (layout in `src/emulator/workloads/mod.rs`) |
//!
//! Missing optional files mean "none". Seed tokens get a random plaintext at
//! start-up (their owners "have" them; nobody else does), and the admin token
//! is added to every workspace as a token of its `owner`.

use std::collections::BTreeMap;
use std::path::Path;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::EmulatorError;
use super::state::{DAY_MS, RegistryEntry, SecretEntry, Store, TokenEntry, Ws, gen_token, mask};
use super::validate;
use crate::api::types::*;

/// Name of the admin token's record in every workspace.
pub const ADMIN_TOKEN_NAME: &str = "lepdash-emulator";
/// Validity of the admin token (far, so `lep` prints no expiry warning).
pub const ADMIN_TOKEN_DAYS: i64 = 365;

/// The raw text of each seed file.
pub(crate) struct SeedFiles {
    workspaces: String,
    members: Option<String>,
    tokens: Option<String>,
    secrets: Option<String>,
    registries: Option<String>,
    templates_public: Option<String>,
    templates_private: Option<String>,
    workloads: Option<String>,
}

impl SeedFiles {
    /// The demo data compiled into the binary.
    pub fn embedded() -> Self {
        SeedFiles {
            workspaces: include_str!("../../assets/demo/workspaces.json").into(),
            members: Some(include_str!("../../assets/demo/members.json").into()),
            tokens: Some(include_str!("../../assets/demo/tokens.json").into()),
            secrets: Some(include_str!("../../assets/demo/secrets.json").into()),
            registries: Some(include_str!("../../assets/demo/registries.json").into()),
            templates_public: Some(include_str!("../../assets/demo/templates_public.json").into()),
            templates_private: Some(
                include_str!("../../assets/demo/templates_private.json").into(),
            ),
            workloads: Some(include_str!("../../assets/demo/workloads.json").into()),
        }
    }

    /// The same files from a directory; only `workspaces.json` is required.
    pub fn from_dir(dir: &Path) -> Result<Self, EmulatorError> {
        let read = |name: &str| -> Result<Option<String>, EmulatorError> {
            let p = dir.join(name);
            match std::fs::read_to_string(&p) {
                Ok(s) => Ok(Some(s)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(EmulatorError::Seed(format!("{}: {e}", p.display()))),
            }
        };
        let workspaces = read("workspaces.json")?.ok_or_else(|| {
            EmulatorError::Seed(format!(
                "{} has no workspaces.json (see assets/demo for the layout)",
                dir.display()
            ))
        })?;
        Ok(SeedFiles {
            workspaces,
            members: read("members.json")?,
            tokens: read("tokens.json")?,
            secrets: read("secrets.json")?,
            registries: read("registries.json")?,
            templates_public: read("templates_public.json")?,
            templates_private: read("templates_private.json")?,
            workloads: read("workloads.json")?,
        })
    }
}

#[derive(Deserialize)]
struct SeedWorkspace {
    id: String,
    display_name: String,
    #[serde(default)]
    early_access: bool,
    #[serde(default)]
    activation_state: Option<ActivationState>,
    #[serde(default)]
    activation_updated_days_ago: Option<f64>,
    /// Email of the member who owns the emulator's admin token.
    owner: String,
    /// The admin token's record in this workspace expires in this many days
    /// (default: far away), so one workspace can show an expiring token.
    #[serde(default)]
    admin_token_expires_in_days: Option<f64>,
    #[serde(default)]
    info: WorkspaceInfo,
}

#[derive(Deserialize)]
struct SeedMember {
    #[serde(flatten)]
    member: Member,
    #[serde(default)]
    created_days_ago: Option<f64>,
    #[serde(default)]
    last_active_hours_ago: Option<f64>,
}

#[derive(Deserialize)]
struct SeedToken {
    #[serde(flatten)]
    token: Token,
    #[serde(default)]
    created_days_ago: Option<f64>,
    /// Negative = already expired.
    #[serde(default)]
    expires_in_days: Option<f64>,
}

#[derive(Deserialize)]
struct SeedSecret {
    #[serde(flatten)]
    secret: Secret,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
struct SeedRegistry {
    #[serde(flatten)]
    registry: RegistryWrite,
    #[serde(default)]
    created_days_ago: Option<f64>,
}

fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, EmulatorError> {
    serde_json::from_str(text).map_err(|e| EmulatorError::Seed(format!("{file}: {e}")))
}

fn parse_map<T: DeserializeOwned>(
    file: &str,
    text: Option<&String>,
) -> Result<BTreeMap<String, Vec<T>>, EmulatorError> {
    match text {
        Some(t) => parse(file, t),
        None => Ok(BTreeMap::new()),
    }
}

fn days_ago(now: i64, days: Option<f64>) -> Option<i64> {
    days.map(|d| now - (d * DAY_MS as f64) as i64)
}

fn random_value() -> String {
    (0..32).map(|_| fastrand::alphanumeric()).collect()
}

/// Build the store. `admin_token` becomes an admin token of every workspace.
pub(crate) fn build_store(
    files: &SeedFiles,
    admin_token: &SecretString,
    now: i64,
) -> Result<Store, EmulatorError> {
    let err = |m: String| EmulatorError::Seed(m);
    let seeds: Vec<SeedWorkspace> = parse("workspaces.json", &files.workspaces)?;
    let mut members = parse_map::<SeedMember>("members.json", files.members.as_ref())?;
    let mut tokens = parse_map::<SeedToken>("tokens.json", files.tokens.as_ref())?;
    let mut secrets = parse_map::<SeedSecret>("secrets.json", files.secrets.as_ref())?;
    let mut registries = parse_map::<SeedRegistry>("registries.json", files.registries.as_ref())?;
    let mut private =
        parse_map::<Template>("templates_private.json", files.templates_private.as_ref())?;
    let templates_public: Vec<Template> = match &files.templates_public {
        Some(t) => parse("templates_public.json", t)?,
        None => Vec::new(),
    };
    check_templates("templates_public.json", &templates_public)?;
    let mut workloads = super::workloads::parse_seed(files.workloads.as_ref())?;
    if seeds.is_empty() {
        return Err(err("workspaces.json lists no workspace".into()));
    }

    let mut out = Vec::with_capacity(seeds.len());
    for seed in seeds {
        let id = seed.id.clone();
        let admin_days = seed.admin_token_expires_in_days;
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        {
            return Err(err(format!(
                "workspaces.json: workspace id {id:?} must be letters, digits, '-' or '_'"
            )));
        }
        if out.iter().any(|w: &Ws| w.id == id) {
            return Err(err(format!(
                "workspaces.json: workspace {id:?} is listed twice"
            )));
        }

        let mut ms: Vec<Member> = Vec::new();
        for sm in members.remove(&id).unwrap_or_default() {
            let mut m = sm.member;
            m.email = m.email.to_ascii_lowercase();
            if ms.iter().any(|x| x.id == m.id || x.email == m.email) {
                return Err(err(format!(
                    "members.json: {id}: member {} / {} is listed twice",
                    m.id, m.email
                )));
            }
            if let Some(at) = days_ago(now, sm.created_days_ago) {
                m.created_at = Some(at);
            }
            if let Some(h) = sm.last_active_hours_ago {
                m.last_active_at = Some(now - (h * 3_600_000.0) as i64);
            }
            ms.push(m);
        }
        let owner = ms
            .iter()
            .find(|m| {
                m.email.eq_ignore_ascii_case(&seed.owner)
                    && m.role == Role::Admin
                    && m.status == MemberStatus::Active
            })
            .ok_or_else(|| {
                err(format!(
                    "workspaces.json: owner {:?} of {id} must be an active admin in members.json",
                    seed.owner
                ))
            })?;
        let owner_id = owner.id.clone();
        let owner_email = owner.email.clone();

        let mut ts: Vec<TokenEntry> = Vec::new();
        for st in tokens.remove(&id).unwrap_or_default() {
            let mut t = st.token;
            let by = t.created_by.clone().unwrap_or_default();
            let member = ms
                .iter()
                .find(|m| m.email.eq_ignore_ascii_case(&by))
                .ok_or_else(|| {
                    err(format!(
                        "tokens.json: {id}: token {} is created_by {by:?}, who is not a member",
                        t.id
                    ))
                })?;
            let plaintext = gen_token();
            t.masked_value = mask(&plaintext).into();
            if let Some(at) = days_ago(now, st.created_days_ago) {
                t.created_at = Some(at);
            }
            if let Some(d) = st.expires_in_days {
                t.expires_at = Some(now + (d * DAY_MS as f64) as i64);
            }
            ts.push(TokenEntry {
                record: t,
                plaintext: SecretString::from(plaintext),
                member_id: member.id.to_string(),
                revoked: false,
            });
        }
        let admin_plain = secrecy::ExposeSecret::expose_secret(admin_token);
        ts.push(TokenEntry {
            record: Token {
                id: format!("tok-{ADMIN_TOKEN_NAME}").into(),
                name: ADMIN_TOKEN_NAME.into(),
                masked_value: mask(admin_plain).into(),
                scopes: vec!["all".into()],
                created_at: Some(now),
                expires_at: Some(match admin_days {
                    // A finite, bounded number of days (seed files are input).
                    Some(d) if d.is_finite() && d.abs() < 36_500.0 => {
                        now + (d * DAY_MS as f64) as i64
                    }
                    _ => now + ADMIN_TOKEN_DAYS * DAY_MS,
                }),
                created_by: Some(owner_email.clone()),
            },
            plaintext: admin_token.clone(),
            member_id: owner_id.to_string(),
            revoked: false,
        });

        let mut ss: Vec<SecretEntry> = Vec::new();
        for s in secrets.remove(&id).unwrap_or_default() {
            let mut item = s.secret;
            validate::secret_name(&item.name)
                .map_err(|e| err(format!("secrets.json: {id}: {e}")))?;
            if ss.iter().any(|x| x.item.name == item.name) {
                return Err(err(format!(
                    "secrets.json: {id}: secret {} is listed twice",
                    item.name
                )));
            }
            if item.visibility.is_none() {
                item.visibility = Some(Visibility::Private);
            }
            if item.owner.is_none() {
                item.owner = Some(owner_email.clone());
            }
            ss.push(SecretEntry {
                item,
                value: SecretString::from(s.value.unwrap_or_else(random_value)),
            });
        }

        let mut rs: Vec<RegistryEntry> = Vec::new();
        for r in registries.remove(&id).unwrap_or_default() {
            let w = r.registry;
            let name = w
                .metadata
                .name
                .clone()
                .or_else(|| w.metadata.id.clone())
                .unwrap_or_default();
            validate::registry_name(&name)
                .map_err(|e| err(format!("registries.json: {id}: {e}")))?;
            if rs.iter().any(|x| x.item.name() == name) {
                return Err(err(format!(
                    "registries.json: {id}: registry {name} is listed twice"
                )));
            }
            let by = w
                .metadata
                .created_by()
                .map(Into::into)
                .unwrap_or(owner_email.clone());
            let item = Registry {
                metadata: Metadata {
                    id: Some(w.metadata.id.clone().unwrap_or(name.clone())),
                    name: Some(name),
                    created_at: days_ago(now, r.created_days_ago).or(w.metadata.created_at),
                    owner: Some(w.metadata.owner.clone().unwrap_or(by.clone())),
                    more: crate::api::types::MetadataMore::by(by),
                    ..Default::default()
                },
                spec: RegistrySpec {
                    registry_server: w.spec.registry_server.into(),
                    username: w.spec.username.into(),
                    email: w.spec.email.map(Into::into),
                    provider: w.spec.provider.map(Into::into),
                },
            };
            rs.push(RegistryEntry {
                item,
                password: w.spec.password,
            });
        }

        let tp = private.remove(&id).unwrap_or_default();
        check_templates("templates_private.json", &tp)?;
        let wl = super::workloads::WorkloadStore::from_seed(
            &id,
            workloads.remove(&id).unwrap_or_default(),
            now,
        )?;

        out.push(Ws {
            activation: seed.activation_state.unwrap_or(ActivationState::Active),
            activation_updated_at: days_ago(now, seed.activation_updated_days_ago).unwrap_or(now),
            id,
            display_name: seed.display_name,
            early_access: seed.early_access,
            info: seed.info,
            members: ms,
            tokens: ts,
            secrets: ss,
            registries: rs,
            templates_private: tp,
            workloads: wl,
        });
    }
    for (file, left) in [
        ("members.json", members.keys().next()),
        ("tokens.json", tokens.keys().next()),
        ("secrets.json", secrets.keys().next()),
        ("registries.json", registries.keys().next()),
        ("templates_private.json", private.keys().next()),
        ("workloads.json", workloads.keys().next()),
    ] {
        if let Some(ws) = left {
            return Err(err(format!(
                "{file}: workspace {ws:?} is not in workspaces.json"
            )));
        }
    }
    Ok(Store {
        workspaces: out,
        templates_public,
    })
}

fn check_templates(file: &str, ts: &[Template]) -> Result<(), EmulatorError> {
    for (i, t) in ts.iter().enumerate() {
        if t.metadata.id.as_deref().unwrap_or_default().is_empty() {
            return Err(EmulatorError::Seed(format!(
                "{file}: template {i} has no metadata.id"
            )));
        }
        if ts[..i].iter().any(|o| o.id() == t.id()) {
            return Err(EmulatorError::Seed(format!(
                "{file}: template {} is listed twice",
                t.id()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_seed_loads() {
        let token = SecretString::from(gen_token());
        let store = build_store(&SeedFiles::embedded(), &token, 1_800_000_000_000).unwrap();
        let ids: Vec<_> = store.workspaces.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["demo", "early", "labs", "pending", "paused"]);
        let demo = &store.workspaces[0];
        assert_eq!(demo.members.len(), 12);
        assert_eq!(
            demo.members
                .iter()
                .filter(|m| m.status == MemberStatus::Invited)
                .count(),
            2
        );
        assert_eq!(demo.registries.len(), 4);
        assert!(demo.secrets.len() >= 25);
        assert!(store.templates_public.iter().any(|t| t.id() == "mpi"));
        assert!(store.templates_public.iter().any(|t| t.id() == "torchrun"));
        assert_eq!(
            store.workspaces[1].activation,
            ActivationState::NotActivated
        );
        // The fleet's states: pending activation, paused with an admin
        // token expiring in 3 days.
        let now = 1_800_000_000_000;
        assert_eq!(store.workspaces[3].activation, ActivationState::Pending);
        let paused = &store.workspaces[4];
        assert_eq!(
            paused.info.workspace_state,
            crate::api::types::WorkspaceState::Paused
        );
        let admin = paused
            .tokens
            .iter()
            .find(|t| t.record.name == ADMIN_TOKEN_NAME)
            .and_then(|t| t.record.expires_at);
        assert_eq!(admin, Some(now + 3 * DAY_MS));
    }
}
