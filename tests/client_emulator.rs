//! The emulator driven by the real `lepdash::api::Client` over HTTP on
//! 127.0.0.1 (random ports). Raw `reqwest` is used only where the typed
//! client cannot show what matters (status codes of writes, missing
//! Authorization header, raw response bytes).

use std::time::{Duration, Instant};

use lepdash::api::paths;
use lepdash::api::types::*;
use lepdash::api::{ApiError, Client, ClientConfig};
use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

const SEED_MEMBERS: usize = 12;
const SEED_SECRETS: usize = 26;
const SEED_REGISTRIES: usize = 4;
const SEED_TOKENS: usize = 9; // 8 seeded + the admin token

async fn emu() -> EmulatorHandle {
    start(EmulatorOptions::default())
        .await
        .expect("emulator starts")
}

fn base(h: &EmulatorHandle, ws: &str) -> String {
    paths::workspace_base(&h.origin(), ws)
}

fn client_with(h: &EmulatorHandle, ws: &str, token: &str) -> Client {
    Client::new(ClientConfig::new(
        base(h, ws),
        SecretString::from(token.to_string()),
    ))
    .expect("client")
}

fn admin(h: &EmulatorHandle) -> Client {
    client_with(h, "demo", h.admin_token().expose_secret())
}

fn raw() -> reqwest::Client {
    lepdash::api::tls::plain_http_client().unwrap()
}

/// Mint a token for a member through the control endpoint.
async fn mint(h: &EmulatorHandle, ws: &str, member: &str, expires_in: i64) -> String {
    let url = format!(
        "{}{}",
        h.origin(),
        paths::CONTROL_TOKENS.replace("{ws}", ws)
    );
    let resp = raw()
        .post(url)
        .json(&json!({"member": member, "expires_in": expires_in, "name": "test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let created: CreatedToken = resp.json().await.unwrap();
    created.plaintext.expose_secret().to_string()
}

async fn as_member(h: &EmulatorHandle, member: &str) -> Client {
    let t = mint(h, "demo", member, 3600).await;
    client_with(h, "demo", &t)
}

const VIEWER: &str = "hannah.kim@example.com";
const USER: &str = "marcus.chen@example.com";

fn code(e: &ApiError) -> &str {
    e.code().unwrap_or("")
}

fn secret(name: &str, value: &str, vis: Option<Visibility>) -> SecretWrite {
    SecretWrite {
        name: name.into(),
        value: SecretString::from(value.to_string()),
        visibility: vis,
        tags: vec![],
    }
}

fn registry(name: &str, password: &str) -> RegistryWrite {
    RegistryWrite {
        metadata: Metadata {
            name: Some(name.into()),
            ..Default::default()
        },
        spec: RegistryWriteSpec {
            registry_server: "quay.io".into(),
            username: "robot".into(),
            password: SecretString::from(password.to_string()),
            email: None,
            provider: Some("custom".into()),
        },
    }
}

// ------------------------------------------------------------------ reads

#[tokio::test]
async fn resolver_and_workspace_info() {
    let h = emu().await;
    let c = admin(&h);
    let r = c.resolver().await.unwrap();
    assert_eq!(r.id.as_deref(), Some("demo"));
    assert_eq!(r.display_name.as_deref(), Some("Demo Workspace"));
    assert_eq!(r.workspace_url.as_deref(), Some(base(&h, "demo").as_str()));
    assert_eq!(r.activation(), ActivationState::Active);
    assert_eq!(r.early_access, Some(false));
    assert!(r.activation_updated_at.is_some());

    let info = c.workspace().await.unwrap();
    assert_eq!(info.workspace_name, "demo");
    assert_eq!(info.workspace_tier, "enterprise");
    assert_eq!(info.workspace_state, WorkspaceState::Normal);
    assert_eq!(info.not_in_use, Some(false));
    assert!(info.supported_shapes.len() >= 5);
    assert!(info.resource_quota.limit.accelerator_num > info.resource_quota.used.accelerator_num);
    assert!(info.workloads.num_jobs > 0);

    // The superset fields old clients require are always on the wire.
    let body: Value = raw()
        .get(format!("{}{}", base(&h, "demo"), paths::INFO))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["service_quota"]["limit"]["kv_store_num"].is_u64());
    assert!(body["workloads"]["num_photons"].is_u64());
    assert_eq!(body["workspace_name"], "demo");

    let names: Vec<_> = h.workspaces().into_iter().map(|w| w.id).collect();
    assert_eq!(names, ["demo", "early", "labs", "pending", "paused"]);
    h.shutdown().await;
}

#[tokio::test]
async fn counts_match_lists_for_each_caller() {
    let h = emu().await;
    let c = admin(&h);
    let info = c.workspace().await.unwrap();
    let secrets = c.secrets().await.unwrap();
    let regs = c.registries().await.unwrap();
    assert_eq!(secrets.items.len(), SEED_SECRETS);
    assert_eq!(info.workloads.num_secrets as usize, secrets.items.len());
    assert_eq!(
        info.workloads.num_image_pull_secrets as usize,
        regs.items.len()
    );
    assert_eq!(regs.items.len(), SEED_REGISTRIES);

    // A plain user sees fewer secrets (others' private ones are hidden) and
    // the count follows.
    let u = as_member(&h, USER).await;
    let us = u.secrets().await.unwrap();
    assert!(us.items.len() < SEED_SECRETS);
    assert_eq!(
        u.workspace().await.unwrap().workloads.num_secrets as usize,
        us.items.len()
    );

    // Counts follow writes.
    c.put_secrets(&[secret("NEW_ONE", "v", Some(Visibility::Public))])
        .await
        .unwrap();
    c.add_registry(&registry("quay-robot", "pw")).await.unwrap();
    let info = c.workspace().await.unwrap();
    assert_eq!(info.workloads.num_secrets as usize, SEED_SECRETS + 1);
    assert_eq!(
        info.workloads.num_image_pull_secrets as usize,
        SEED_REGISTRIES + 1
    );
    h.shutdown().await;
}

#[tokio::test]
async fn templates_public_private_and_items() {
    let h = emu().await;
    let c = admin(&h);
    let public = c.templates(TemplateNs::Public).await.unwrap();
    assert!(public.skipped.is_empty());
    let ids: Vec<_> = public.items.iter().map(|t| t.id().to_string()).collect();
    assert!(ids.contains(&"mpi".into()) && ids.contains(&"torchrun".into()));
    let private = c.templates(TemplateNs::Private).await.unwrap();
    assert!(!private.items.is_empty());
    let all: Vec<_> = public.items.iter().chain(&private.items).collect();
    assert!(all.len() >= 10);
    for kind in [
        WorkloadType::Job,
        WorkloadType::Pod,
        WorkloadType::Deployment,
    ] {
        assert!(
            all.iter()
                .any(|t| t.spec.workload_type == Some(kind.clone()))
        );
    }
    assert!(all.iter().all(|t| t.spec.schema()["type"] == "object"));

    let mpi = c.template(TemplateNs::Public, "mpi").await.unwrap();
    assert_eq!(mpi.spec.workload_type, Some(WorkloadType::Job));
    assert_eq!(mpi.metadata.visibility, Some(Visibility::Public));
    assert!(mpi.spec.content.value()["container"]["image"].is_string());
    let first_private = private.items[0].id().to_string();
    let t = c
        .template(TemplateNs::Private, &first_private)
        .await
        .unwrap();
    assert_eq!(t.id(), first_private);

    let e = c.template(TemplateNs::Public, "nope").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    assert_eq!(code(&e), "ResourceNotFound");
    let e = c.template(TemplateNs::Private, "mpi").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    h.shutdown().await;
}

// ------------------------------------------------------------------ members

#[tokio::test]
async fn members_invite_change_role_remove() {
    let h = emu().await;
    let c = admin(&h);
    let m = c.members().await.unwrap();
    assert_eq!(m.items.len(), SEED_MEMBERS);
    assert_eq!(
        m.items
            .iter()
            .filter(|m| m.status == MemberStatus::Invited)
            .count(),
        2
    );
    for role in [Role::Admin, Role::User, Role::Viewer] {
        assert!(m.items.iter().any(|x| x.role == role));
    }

    let invited = c
        .invite_member(&InviteRequest {
            email: "New.Person@Example.com".into(),
            role: Role::User,
        })
        .await
        .unwrap();
    assert_eq!(invited.email, "new.person@example.com");
    assert_eq!(invited.status, MemberStatus::Invited);
    assert_eq!(
        invited.invited_by.as_deref(),
        Some("alex.rivera@example.com")
    );

    let changed = c
        .change_member_role(&invited.id, Role::Viewer)
        .await
        .unwrap();
    assert_eq!(changed.role, Role::Viewer);
    let m = c.members().await.unwrap();
    assert_eq!(m.items.len(), SEED_MEMBERS + 1);
    assert!(
        m.items
            .iter()
            .any(|x| x.id == invited.id && x.role == Role::Viewer)
    );

    c.remove_member(&invited.id).await.unwrap();
    assert_eq!(c.members().await.unwrap().items.len(), SEED_MEMBERS);
    h.shutdown().await;
}

#[tokio::test]
async fn member_errors_409_400_404() {
    let h = emu().await;
    let c = admin(&h);
    // Existing member and pending invite: 409.
    for email in ["marcus.chen@example.com", "MEI.LIN@example.com"] {
        let e = c
            .invite_member(&InviteRequest {
                email: email.into(),
                role: Role::User,
            })
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict(_)), "{email}: {e:?}");
        assert_eq!(code(&e), "ResourceConflict");
    }
    // Invalid email, unknown role: 400.
    let e = c
        .invite_member(&InviteRequest {
            email: "not-an-email".into(),
            role: Role::User,
        })
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::BadRequest(_)));
    assert_eq!(code(&e), "ValidationError");
    let e = c
        .invite_member(&InviteRequest {
            email: "ok@example.com".into(),
            role: Role::Unknown("owner".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationError");
    // Unknown ids: 404.
    let e = c
        .change_member_role("u-nobody", Role::User)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)));
    let e = c.remove_member("u-nobody").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)));
    assert_eq!(code(&e), "ResourceNotFound");

    // Last admin: demote the other admin first, then the last one is protected.
    let members = c.members().await.unwrap().items;
    let priya = members
        .iter()
        .find(|m| m.email == "priya.natarajan@example.com")
        .unwrap();
    let alex = members
        .iter()
        .find(|m| m.email == "alex.rivera@example.com")
        .unwrap();
    c.change_member_role(&priya.id, Role::User).await.unwrap();
    let e = c
        .change_member_role(&alex.id, Role::User)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::BadRequest(_)), "{e:?}");
    assert_eq!(code(&e), "ValidationError");
    let e = c.remove_member(&alex.id).await.unwrap_err();
    assert_eq!(code(&e), "ValidationError");
    assert!(
        c.members()
            .await
            .unwrap()
            .items
            .iter()
            .any(|m| m.id == alex.id)
    );
    h.shutdown().await;
}

#[tokio::test]
async fn removed_member_token_stops_working() {
    let h = emu().await;
    let c = admin(&h);
    let u = as_member(&h, USER).await;
    u.secrets().await.unwrap();
    let id = c
        .members()
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|m| m.email == USER)
        .unwrap()
        .id;
    c.remove_member(&id).await.unwrap();
    let e = u.secrets().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "{e:?}");
    h.shutdown().await;
}

// ------------------------------------------------------------------ roles

#[tokio::test]
async fn viewer_writes_are_forbidden() {
    let h = emu().await;
    let v = as_member(&h, VIEWER).await;
    // Reads work.
    assert!(!v.secrets().await.unwrap().items.is_empty());
    v.workspace().await.unwrap();
    v.registries().await.unwrap();
    v.templates(TemplateNs::Public).await.unwrap();
    let own = v.tokens().await.unwrap();
    assert!(
        own.items
            .iter()
            .all(|t| t.created_by.as_deref() == Some(VIEWER))
    );
    // Every write: 403 StatusForbidden.
    let errs = vec![
        v.put_secrets(&[secret("X", "y", None)]).await.unwrap_err(),
        v.delete_secret("HF_TOKEN").await.unwrap_err(),
        v.create_token(&CreateTokenRequest {
            name: "t".into(),
            scopes: vec![],
            expires_in: 60,
        })
        .await
        .unwrap_err(),
        v.revoke_token(&own.items[0].id).await.unwrap_err(),
        v.add_registry(&registry("r", "p")).await.unwrap_err(),
        v.delete_registry("ngc-nvcr").await.unwrap_err(),
        v.invite_member(&InviteRequest {
            email: "x@example.com".into(),
            role: Role::Viewer,
        })
        .await
        .unwrap_err(),
    ];
    for e in errs {
        assert!(matches!(e, ApiError::Forbidden(_)), "{e:?}");
        assert_eq!(code(&e), "StatusForbidden");
    }
    // Members list is admin-only.
    assert!(matches!(
        v.members().await.unwrap_err(),
        ApiError::Forbidden(_)
    ));
    // Nothing changed.
    assert_eq!(admin(&h).secrets().await.unwrap().items.len(), SEED_SECRETS);
    h.shutdown().await;
}

#[tokio::test]
async fn user_cannot_list_or_manage_members_but_can_write_secrets() {
    let h = emu().await;
    let u = as_member(&h, USER).await;
    let e = u.members().await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)), "{e:?}");
    assert_eq!(code(&e), "StatusForbidden");
    let e = u
        .invite_member(&InviteRequest {
            email: "x@example.com".into(),
            role: Role::Viewer,
        })
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)));
    let e = u
        .change_member_role("u-c41d9e77", Role::Admin)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)));
    let e = u.remove_member("u-81f2e6ac").await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)));

    u.put_secrets(&[secret("USER_SECRET", "v", None)])
        .await
        .unwrap();
    let s = u.secrets().await.unwrap();
    let mine = s.items.iter().find(|s| s.name == "USER_SECRET").unwrap();
    assert_eq!(mine.owner.as_deref(), Some(USER));
    assert_eq!(mine.visibility, Some(Visibility::Private));
    // Users only see their own tokens.
    assert!(
        u.tokens()
            .await
            .unwrap()
            .items
            .iter()
            .all(|t| t.created_by.as_deref() == Some(USER))
    );
    h.shutdown().await;
}

#[tokio::test]
async fn private_secrets_are_listed_only_for_their_owner() {
    let h = emu().await;
    let c = admin(&h);
    let all = c.secrets().await.unwrap().items;
    assert!(
        all.iter()
            .any(|s| s.visibility == Some(Visibility::Private))
    );
    let u = as_member(&h, USER).await;
    let seen = u.secrets().await.unwrap().items;
    for s in &all {
        let visible = s.visibility == Some(Visibility::Public) || s.owner.as_deref() == Some(USER);
        assert_eq!(seen.iter().any(|x| x.name == s.name), visible, "{}", s.name);
    }
    // Someone else's private secret: invisible to delete, conflict on write.
    let e = u.delete_secret("OPENAI_API_KEY").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    let e = u
        .put_secrets(&[secret("OPENAI_API_KEY", "mine-now", None)])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Conflict(_)), "{e:?}");
    h.shutdown().await;
}

// ------------------------------------------------------------------ tokens

#[tokio::test]
async fn created_token_works_and_revoked_token_gets_401() {
    let h = emu().await;
    let c = admin(&h);
    let list = c.tokens().await.unwrap();
    assert_eq!(list.items.len(), SEED_TOKENS);
    let now = lepdash_now_ms();
    assert!(
        list.items.iter().any(|t| t.expires_at.unwrap() < now),
        "one expired"
    );
    assert!(
        list.items.iter().any(|t| {
            let left = t.expires_at.unwrap() - now;
            left > 2 * 86_400_000 && left <= 3 * 86_400_000
        }),
        "one expiring in 3 days"
    );
    let me = list
        .items
        .iter()
        .find(|t| t.matches_plaintext(h.admin_token().expose_secret()))
        .expect("the admin token is listed");
    assert!(me.expires_at.unwrap() > now + 300 * 86_400_000);

    let created = c
        .create_token(&CreateTokenRequest {
            name: "ci".into(),
            scopes: vec!["read".into()],
            expires_in: 86_400,
        })
        .await
        .unwrap();
    let plain = created.plaintext.expose_secret().to_string();
    assert!(plain.starts_with("nvapi-") && plain.len() == 46);
    assert_eq!(
        created.record.masked_value,
        format!("{}...{}", &plain[..10], &plain[42..])
    );
    assert!(created.record.matches_plaintext(&plain));
    let exp = created.record.expires_at.unwrap() - created.record.created_at.unwrap();
    assert_eq!(exp, 86_400_000);
    assert_eq!(created.record.scopes, ["read"]);

    let listed = c.tokens().await.unwrap();
    assert!(listed.items.iter().any(|t| t.id == created.record.id));

    // The new token is a credential at once.
    let n = client_with(&h, "demo", &plain);
    n.workspace().await.unwrap();
    // Revoke it: 401 from then on; a second revoke is 404.
    c.revoke_token(&created.record.id).await.unwrap();
    let e = n.workspace().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "{e:?}");
    assert_eq!(code(&e), "Unauthorized");
    assert!(
        !c.tokens()
            .await
            .unwrap()
            .items
            .iter()
            .any(|t| t.id == created.record.id)
    );
    let e = c.revoke_token(&created.record.id).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)));

    // Validation.
    for (name, secs) in [("", 60), ("ok", 0)] {
        let e = c
            .create_token(&CreateTokenRequest {
                name: name.into(),
                scopes: vec![],
                expires_in: secs,
            })
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ValidationError", "{name:?} {secs}");
    }
    h.shutdown().await;
}

fn lepdash_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn unauthorized_missing_unknown_expired_and_wrong_workspace() {
    let h = emu().await;
    // Missing header (raw request): 401 with a JSON body.
    let resp = raw()
        .get(format!("{}{}", base(&h, "demo"), paths::SECRETS))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.code, "Unauthorized");
    assert!(body.message.contains("Bearer"));

    let unknown = client_with(&h, "demo", "nvapi-unknownunknownunknownunknownunknown00");
    let e = unknown.secrets().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "{e:?}");
    let e = unknown.resolver().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "{e:?}");

    let expired = mint(&h, "demo", USER, -60).await;
    let e = client_with(&h, "demo", &expired)
        .workspace()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "{e:?}");
    assert!(e.to_string().contains("expired"), "{e}");

    // A token belongs to one workspace.
    let demo_only = mint(&h, "demo", USER, 3600).await;
    let e = client_with(&h, "early", &demo_only)
        .workspace()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "{e:?}");
    h.shutdown().await;
}

// ------------------------------------------------------------------ secrets

#[tokio::test]
async fn secrets_create_upsert_delete() {
    let h = emu().await;
    let c = admin(&h);
    c.put_secrets(&[
        secret("B_KEY", "y", Some(Visibility::Public)),
        secret("C_KEY", "z", None),
    ])
    .await
    .unwrap();
    let s = c.secrets().await.unwrap().items;
    assert_eq!(s.len(), SEED_SECRETS + 2);
    let b = s.iter().find(|x| x.name == "B_KEY").unwrap();
    assert_eq!(b.visibility, Some(Visibility::Public));
    assert_eq!(b.owner.as_deref(), Some("alex.rivera@example.com"));
    let cc = s.iter().find(|x| x.name == "C_KEY").unwrap();
    assert_eq!(
        cc.visibility,
        Some(Visibility::Private),
        "default visibility"
    );

    // Upsert: same name again updates in place (visibility only when given).
    c.put_secrets(&[SecretWrite {
        tags: vec!["rotated".into()],
        ..secret("B_KEY", "y2", None)
    }])
    .await
    .unwrap();
    let s = c.secrets().await.unwrap().items;
    assert_eq!(s.len(), SEED_SECRETS + 2);
    let b = s.iter().find(|x| x.name == "B_KEY").unwrap();
    assert_eq!(b.visibility, Some(Visibility::Public));
    assert_eq!(b.tags, ["rotated"]);

    // The CLI's own workspace-token secret, without visibility, is allowed.
    c.put_secrets(&[secret("LEPTON_WORKSPACE_TOKEN", "tok", None)])
        .await
        .unwrap();

    c.delete_secret("B_KEY").await.unwrap();
    assert!(
        !c.secrets()
            .await
            .unwrap()
            .items
            .iter()
            .any(|x| x.name == "B_KEY")
    );
    let e = c.delete_secret("B_KEY").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)));
    assert_eq!(code(&e), "ResourceNotFound");
    h.shutdown().await;
}

#[tokio::test]
async fn secret_validation_errors() {
    let h = emu().await;
    let c = admin(&h);
    let long = "A".repeat(254);
    for name in [
        "",
        "1STARTS_WITH_DIGIT",
        "HAS SPACE",
        "slash/name",
        "LEPTON_WORKSPACE_ID",
        "LEPTON_JOB_NAME",
        "LEPTON_ANYTHING",
        "lepton_lower",
        long.as_str(),
    ] {
        let e = c.put_secrets(&[secret(name, "v", None)]).await.unwrap_err();
        assert!(matches!(e, ApiError::BadRequest(_)), "{name:?}: {e:?}");
        assert_eq!(code(&e), "ValidationError", "{name:?}");
    }
    let e = c
        .put_secrets(&[secret("EMPTY", "", None)])
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationError");
    assert!(e.to_string().contains("empty"));
    // A batch is all or nothing.
    let e = c
        .put_secrets(&[secret("GOOD_ONE", "v", None), secret("1BAD", "v", None)])
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationError");
    assert!(
        !c.secrets()
            .await
            .unwrap()
            .items
            .iter()
            .any(|s| s.name == "GOOD_ONE")
    );

    // Bad JSON and a non-array body: 400 InvalidRequest.
    let url = format!("{}{}", base(&h, "demo"), paths::SECRETS);
    for body in [
        "{not json",
        r#"{"name":"A","value":"b"}"#,
        r#"[{"name":"A"}]"#,
    ] {
        let resp = raw()
            .post(&url)
            .bearer_auth(h.admin_token().expose_secret())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{body}");
        let b: ErrorBody = resp.json().await.unwrap();
        assert_eq!(b.code, "InvalidRequest", "{body}");
    }
    h.shutdown().await;
}

// ------------------------------------------------------------------ registries

#[tokio::test]
async fn registries_add_list_delete() {
    let h = emu().await;
    let c = admin(&h);
    let regs = c.registries().await.unwrap().items;
    let servers: Vec<_> = regs
        .iter()
        .map(|r| r.spec.registry_server.as_str())
        .collect();
    for s in [
        "nvcr.io",
        "https://index.docker.io/v1/",
        "ghcr.io",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com",
    ] {
        assert!(servers.contains(&s), "{s}");
    }
    let ngc = regs
        .iter()
        .find(|r| r.spec.registry_server == "nvcr.io")
        .unwrap();
    assert_eq!(ngc.spec.username, "$oauthtoken");
    let ecr = regs.iter().find(|r| r.spec.username == "AWS").unwrap();
    assert!(ecr.spec.registry_server.contains(".dkr.ecr."));

    // 201 on create (raw, to see the status), then read back.
    let resp = raw()
        .post(format!("{}{}", base(&h, "demo"), paths::REGISTRIES))
        .bearer_auth(h.admin_token().expose_secret())
        .json(&registry("quay-robot", "pw-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let made: Registry = resp.json().await.unwrap();
    assert_eq!(made.id(), "quay-robot");
    let regs = c.registries().await.unwrap().items;
    let q = regs.iter().find(|r| r.id() == "quay-robot").unwrap();
    assert_eq!(q.spec.registry_server, "quay.io");
    assert_eq!(q.metadata.created_by(), Some("alex.rivera@example.com"));

    // Via the client too; duplicate 409; invalid 400.
    c.add_registry(&registry("second", "pw")).await.unwrap();
    let e = c.add_registry(&registry("second", "pw")).await.unwrap_err();
    assert!(matches!(e, ApiError::Conflict(_)), "{e:?}");
    assert_eq!(code(&e), "ResourceConflict");
    let e = c
        .add_registry(&registry("Bad Name", "pw"))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationError");
    let e = c.add_registry(&registry("nopw", "")).await.unwrap_err();
    assert_eq!(code(&e), "ValidationError");

    c.delete_registry("quay-robot").await.unwrap();
    assert!(
        !c.registries()
            .await
            .unwrap()
            .items
            .iter()
            .any(|r| r.id() == "quay-robot")
    );
    let e = c.delete_registry("quay-robot").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)));
    h.shutdown().await;
}

// ------------------------------------------------------------------ activation

#[tokio::test]
async fn activation_states_gate_writes() {
    let h = emu().await;
    let c = client_with(&h, "early", h.admin_token().expose_secret());
    let r = c.resolver().await.unwrap();
    assert_eq!(r.display_name.as_deref(), Some("Early Access Workspace"));
    assert_eq!(r.activation(), ActivationState::NotActivated);
    assert_eq!(r.early_access, Some(true));
    let info = c.workspace().await.unwrap();
    assert_eq!(info.not_in_use, Some(true));
    assert_eq!(info.workspace_state, WorkspaceState::Normal);
    // Reads work, writes answer 403 WorkspaceNotActivated with how to apply.
    c.secrets().await.unwrap();
    c.templates(TemplateNs::Public).await.unwrap();
    let e = c.put_secrets(&[secret("A", "x", None)]).await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)), "{e:?}");
    assert_eq!(code(&e), "WorkspaceNotActivated");
    let msg = &e.server_message().unwrap().message;
    assert!(msg.contains(paths::ACTIVATION_APPLY_URL), "{msg}");
    for e in [
        c.add_registry(&registry("r", "p")).await.unwrap_err(),
        c.create_token(&CreateTokenRequest {
            name: "t".into(),
            scopes: vec![],
            expires_in: 60,
        })
        .await
        .unwrap_err(),
        c.invite_member(&InviteRequest {
            email: "a@example.com".into(),
            role: Role::User,
        })
        .await
        .unwrap_err(),
    ] {
        assert_eq!(code(&e), "WorkspaceNotActivated");
    }

    // Control endpoint: not_activated -> pending (still read-only).
    let url = format!(
        "{}{}",
        h.origin(),
        paths::CONTROL_ACTIVATION.replace("{ws}", "early")
    );
    let resp = raw()
        .post(&url)
        .json(&json!({"state": "pending"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        c.resolver().await.unwrap().activation(),
        ActivationState::Pending
    );
    let e = c.put_secrets(&[secret("A", "x", None)]).await.unwrap_err();
    assert_eq!(code(&e), "WorkspaceNotActivated");
    let resp = raw()
        .post(&url)
        .json(&json!({"state": "bogus"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    // Handle API: -> active; writes work.
    h.set_activation("early", ActivationState::Active).unwrap();
    c.put_secrets(&[secret("A", "x", None)]).await.unwrap();
    assert_eq!(c.workspace().await.unwrap().not_in_use, Some(false));
    let early = h
        .workspaces()
        .into_iter()
        .find(|w| w.id == "early")
        .unwrap();
    assert_eq!(early.activation, ActivationState::Active);
    assert!(h.set_activation("nope", ActivationState::Active).is_err());
    assert!(
        h.set_activation("early", ActivationState::Unknown("x".into()))
            .is_err()
    );
    h.shutdown().await;
}

#[tokio::test]
async fn unknown_workspace_and_path_are_404() {
    let h = emu().await;
    let c = client_with(&h, "nope", h.admin_token().expose_secret());
    let e = c.workspace().await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound(_)), "{e:?}");
    assert_eq!(code(&e), "ResourceNotFound");
    let resp = raw()
        .get(format!("{}/no/such/thing", base(&h, "demo")))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let b: ErrorBody = resp.json().await.unwrap();
    assert_eq!(b.code, "ResourceNotFound");
    h.shutdown().await;
}

// ------------------------------------------------------------------ faults

#[tokio::test]
async fn fault_rate_limit_429_with_retry_after() {
    let h = emu().await;
    h.set_faults("rate-limit=2,retry-after=7").unwrap();
    let c = admin(&h);
    c.secrets().await.unwrap();
    let e = c.secrets().await.unwrap_err();
    assert!(
        matches!(e, ApiError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{e:?}"
    );
    assert_eq!(code(&e), "TooManyRequests");
    c.secrets().await.unwrap();
    h.clear_faults();
    for _ in 0..4 {
        c.secrets().await.unwrap();
    }
    h.shutdown().await;
}

#[tokio::test]
async fn fault_error_rate_5xx_and_write_not_applied() {
    let h = emu().await;
    h.set_faults("error-rate=1").unwrap();
    let c = admin(&h);
    let e = c.workspace().await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Server {
                status: 500 | 503,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(code(&e), "InternalFailure");
    let e = c
        .put_secrets(&[secret("FAILED", "v", None)])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { .. }));
    h.clear_faults();
    assert!(
        !c.secrets()
            .await
            .unwrap()
            .items
            .iter()
            .any(|s| s.name == "FAILED")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn fault_hang_hits_client_timeout() {
    let h = emu().await;
    h.set_faults("hang=30s").unwrap();
    let mut cfg = ClientConfig::new(
        base(&h, "demo"),
        SecretString::from(h.admin_token().expose_secret().to_string()),
    );
    cfg.request_timeout = Duration::from_millis(300);
    let c = Client::new(cfg).unwrap();
    let e = c.secrets().await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout(_)), "{e:?}");
    // Control endpoints are never faulted.
    let resp = raw()
        .get(format!("{}{}", h.origin(), paths::CONTROL_HEALTH))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Shutdown ends hanging requests instead of waiting 30 s for them.
    h.shutdown().await;
}

#[tokio::test]
async fn fault_latency_delays_answers() {
    let h = emu().await;
    h.set_faults("latency=200ms").unwrap();
    let c = admin(&h);
    let t = Instant::now();
    c.workspace().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(200));
    h.shutdown().await;
}

#[tokio::test]
async fn fault_malformed_body_is_decode_error() {
    let h = emu().await;
    h.set_faults("malformed").unwrap();
    let c = admin(&h);
    assert!(matches!(
        c.workspace().await.unwrap_err(),
        ApiError::Decode(_)
    ));
    assert!(matches!(
        c.secrets().await.unwrap_err(),
        ApiError::Decode(_)
    ));
    let resp = raw()
        .get(format!("{}{}", base(&h, "demo"), paths::SECRETS))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "{\"broken");
    h.shutdown().await;
}

#[tokio::test]
async fn fault_truncated_body() {
    let h = emu().await;
    h.set_faults("truncate").unwrap();
    let c = admin(&h);
    let e = c.secrets().await.unwrap_err();
    // The head and half the body arrive, then the connection is cut: the
    // client says the answer was cut off (not "no answer at all").
    assert!(
        matches!(&e, ApiError::Transport(m) if m.contains("cut off")),
        "{e:?}"
    );
    assert!(e.is_transient());
    h.clear_faults();
    // A fresh client: the cut connection is gone, the next call works.
    assert_eq!(admin(&h).secrets().await.unwrap().items.len(), SEED_SECRETS);
    h.shutdown().await;
}

#[tokio::test]
async fn fault_unknown_enums_are_kept_as_unknown() {
    let h = emu().await;
    h.set_faults("unknown-enums").unwrap();
    let c = admin(&h);
    let m = c.members().await.unwrap();
    assert!(m.skipped.is_empty());
    assert_eq!(m.items.len(), SEED_MEMBERS);
    assert!(
        m.items
            .iter()
            .all(|x| x.role == Role::Unknown("billing-admin".into()))
    );
    assert!(
        m.items
            .iter()
            .all(|x| x.status == MemberStatus::Unknown("suspended".into()))
    );
    let s = c.secrets().await.unwrap();
    assert!(s.skipped.is_empty());
    assert!(
        s.items
            .iter()
            .all(|x| x.visibility == Some(Visibility::Unknown("team".into())))
    );
    let t = c.templates(TemplateNs::Public).await.unwrap();
    assert!(t.skipped.is_empty());
    assert!(
        t.items
            .iter()
            .all(|x| x.spec.workload_type == Some(WorkloadType::Unknown("finetune".into())))
    );
    let r = c.registries().await.unwrap();
    assert!(r.skipped.is_empty());
    assert!(r.items.iter().all(|x| {
        x.metadata
            .visibility
            .as_ref()
            .is_some_and(|v| v.is_unknown())
    }));
    let info = c.workspace().await.unwrap();
    assert_eq!(
        info.workspace_state,
        WorkspaceState::Unknown("hibernating".into())
    );
    h.shutdown().await;
}

#[tokio::test]
async fn fault_bad_items_are_skipped_and_counted() {
    let h = emu().await;
    h.set_faults("bad-items=1").unwrap();
    let c = admin(&h);
    let s = c.secrets().await.unwrap();
    assert_eq!(s.items.len(), SEED_SECRETS);
    assert_eq!(s.skipped.len(), 1);
    let m = c.members().await.unwrap();
    assert_eq!((m.items.len(), m.skipped.len()), (SEED_MEMBERS, 1));
    let t = c.tokens().await.unwrap();
    assert_eq!((t.items.len(), t.skipped.len()), (SEED_TOKENS, 1));
    let r = c.registries().await.unwrap();
    assert_eq!((r.items.len(), r.skipped.len()), (SEED_REGISTRIES, 1));
    let p = c.templates(TemplateNs::Public).await.unwrap();
    assert_eq!(p.skipped.len(), 1);
    h.shutdown().await;
}

#[tokio::test]
async fn fault_big_lists_of_10000() {
    let h = emu().await;
    h.set_faults("big-lists=10000").unwrap();
    let c = admin(&h);
    let s = c.secrets().await.unwrap();
    assert_eq!(s.items.len(), SEED_SECRETS + 10_000);
    assert!(s.skipped.is_empty());
    let m = c.members().await.unwrap();
    assert_eq!(m.items.len(), SEED_MEMBERS + 10_000);
    let ids: std::collections::HashSet<_> = m.items.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids.len(), m.items.len(), "generated ids are unique");
    assert_eq!(c.tokens().await.unwrap().items.len(), SEED_TOKENS + 10_000);
    let r = c.registries().await.unwrap();
    assert_eq!(r.items.len(), SEED_REGISTRIES + 10_000);
    assert!(c.templates(TemplateNs::Private).await.unwrap().items.len() >= 10_000);
    // Counts stay consistent with the lists.
    let info = c.workspace().await.unwrap();
    assert_eq!(info.workloads.num_secrets as usize, s.items.len());
    assert_eq!(
        info.workloads.num_image_pull_secrets as usize,
        r.items.len()
    );
    h.shutdown().await;
}

#[tokio::test]
async fn fault_only_filter_hits_one_pane() {
    let h = emu().await;
    h.set_faults("error-rate=1,only=/usersecrets").unwrap();
    let c = admin(&h);
    assert!(matches!(
        c.secrets().await.unwrap_err(),
        ApiError::Server { .. }
    ));
    assert!(matches!(
        c.delete_secret("HF_TOKEN").await.unwrap_err(),
        ApiError::Server { .. }
    ));
    c.workspace().await.unwrap();
    c.tokens().await.unwrap();
    c.registries().await.unwrap();
    c.resolver().await.unwrap();
    // `/` targets the resolver only.
    h.set_faults("malformed,only=/").unwrap();
    assert!(matches!(
        c.resolver().await.unwrap_err(),
        ApiError::Decode(_)
    ));
    c.workspace().await.unwrap();
    h.shutdown().await;
}

#[tokio::test]
async fn faults_via_control_endpoint_and_bad_specs() {
    let h = emu().await;
    let url = format!("{}{}", h.origin(), paths::CONTROL_FAULTS);
    let v: Value = raw().get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(v, json!({"spec": "none", "active": false}));

    let resp = raw()
        .post(&url)
        .json(&json!({"spec": "rate-limit=1,retry-after=3,only=/tokens"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = raw().get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["spec"], "rate-limit=1,retry-after=3,only=/tokens");
    assert_eq!(v["active"], true);
    let c = admin(&h);
    let e = c.tokens().await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    c.secrets().await.unwrap();

    // Object form and plain-text form.
    let resp = raw()
        .post(&url)
        .json(&json!({"malformed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(matches!(
        c.secrets().await.unwrap_err(),
        ApiError::Decode(_)
    ));
    let resp = raw().post(&url).body("none").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    c.secrets().await.unwrap();

    // Bad specs: a clear 400 and no change; the handle and start() refuse them too.
    let resp = raw()
        .post(&url)
        .json(&json!({"spec": "latency=soon"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let b: ErrorBody = resp.json().await.unwrap();
    assert_eq!(b.code, "InvalidFaultSpec");
    assert!(b.message.contains("latency"), "{}", b.message);
    let e = h.set_faults("explode=1").unwrap_err().to_string();
    assert!(e.contains("unknown fault \"explode\""), "{e}");
    let bad = start(EmulatorOptions {
        faults: Some("error-rate=7".into()),
        ..Default::default()
    })
    .await;
    assert!(bad.is_err());

    // Faults given at start apply from the first request.
    let h2 = start(EmulatorOptions {
        faults: Some("malformed,only=/workspace".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(matches!(
        admin(&h2).workspace().await.unwrap_err(),
        ApiError::Decode(_)
    ));
    h2.shutdown().await;
    h.shutdown().await;
}

// ------------------------------------------------------------------ secrecy

#[tokio::test]
async fn secret_values_and_passwords_never_appear_in_responses() {
    let h = emu().await;
    let c = admin(&h);
    let canary_value = "CANARY-secret-value-4f1d9";
    let canary_pw = "CANARY-registry-password-77ab";
    c.put_secrets(&[secret("CANARY", canary_value, Some(Visibility::Public))])
        .await
        .unwrap();
    c.add_registry(&registry("canary-reg", canary_pw))
        .await
        .unwrap();
    let created = c
        .create_token(&CreateTokenRequest {
            name: "canary".into(),
            scopes: vec![],
            expires_in: 3600,
        })
        .await
        .unwrap();
    let token_plain = created.plaintext.expose_secret().to_string();
    let admin_plain = h.admin_token().expose_secret().to_string();
    let needles = [
        canary_value,
        canary_pw,
        token_plain.as_str(),
        admin_plain.as_str(),
    ];

    let b = base(&h, "demo");
    let mut bodies: Vec<(String, String)> = Vec::new();
    let get = |path: String| {
        let b = b.clone();
        let t = admin_plain.clone();
        async move {
            let r = raw()
                .get(format!("{b}{path}"))
                .bearer_auth(t)
                .send()
                .await
                .unwrap();
            r.text().await.unwrap()
        }
    };
    for p in [
        "",
        paths::WORKSPACE,
        paths::INFO,
        paths::USERS,
        paths::TOKENS,
        paths::SECRETS,
        paths::REGISTRIES,
        paths::TEMPLATES_PUBLIC,
        paths::TEMPLATES_PRIVATE,
        "/templates/public/mpi",
    ] {
        bodies.push((p.to_string(), get(p.to_string()).await));
    }
    // Write answers and error answers echo nothing secret either.
    let post = |path: &str, body: Value| {
        let url = format!("{b}{path}");
        let t = admin_plain.clone();
        async move {
            let r = raw()
                .post(url)
                .bearer_auth(t)
                .json(&body)
                .send()
                .await
                .unwrap();
            r.text().await.unwrap()
        }
    };
    bodies.push((
        "POST secrets".into(),
        post(
            paths::SECRETS,
            json!([{"name": "CANARY", "value": canary_value}]),
        )
        .await,
    ));
    bodies.push((
        "POST secrets, wrong type".into(),
        post(
            paths::SECRETS,
            json!([{"name": "X", "value": canary_value, "tags": canary_value}]),
        )
        .await,
    ));
    bodies.push((
        "POST secrets, bad name".into(),
        post(
            paths::SECRETS,
            json!([{"name": "1X", "value": canary_value}]),
        )
        .await,
    ));
    bodies.push((
        "POST registry dup".into(),
        post(
            paths::REGISTRIES,
            json!({"metadata": {"name": "canary-reg"}, "spec": {"registry_server": "x.io", "username": "u", "password": canary_pw}}),
        )
        .await,
    ));
    bodies.push((
        "POST registry ok".into(),
        post(
            paths::REGISTRIES,
            json!({"metadata": {"name": "canary-reg-2"}, "spec": {"registry_server": "x.io", "username": "u", "password": canary_pw}}),
        )
        .await,
    ));
    for (what, body) in &bodies {
        for n in needles {
            assert!(!body.contains(n), "{what} leaked a secret");
        }
    }
    // The token listing shows the mask, never the plaintext.
    assert!(bodies[4].1.contains(&*created.record.masked_value));
    h.shutdown().await;
}

// ------------------------------------------------------------------ lifecycle

#[tokio::test]
async fn shutdown_refuses_connections_then_restarts_on_same_port() {
    let h = emu().await;
    let addr = h.addr();
    let origin = h.origin();
    assert_eq!(origin, format!("http://{addr}"));
    let token = h.admin_token().expose_secret().to_string();
    admin(&h).workspace().await.unwrap();
    h.shutdown().await;

    let c = Client::new(ClientConfig::new(
        paths::workspace_base(&origin, "demo"),
        SecretString::from(token.clone()),
    ))
    .unwrap();
    let e = c.workspace().await.unwrap_err();
    assert!(matches!(e, ApiError::Connect { .. }), "{e:?}");

    let h2 = start(EmulatorOptions {
        listen: addr,
        admin_token: Some(token.clone()),
        ..Default::default()
    })
    .await
    .expect("restart on the same port");
    assert_eq!(h2.addr(), addr);
    c.workspace().await.unwrap();
    h2.shutdown().await;
}

#[tokio::test]
async fn given_admin_token_is_listed_and_valid_everywhere() {
    let token = "nvapi-GivenToken0123456789abcdefghijklmnopqrstu";
    let h = start(EmulatorOptions {
        admin_token: Some(token.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(h.admin_token().expose_secret(), token);
    for ws in ["demo", "early"] {
        let c = client_with(&h, ws, token);
        let t = c.tokens().await.unwrap();
        let mine = t.items.iter().find(|t| t.matches_plaintext(token)).unwrap();
        assert!(mine.expires_at.unwrap() > lepdash_now_ms() + 300 * 86_400_000);
    }
    h.shutdown().await;
    let e = start(EmulatorOptions {
        admin_token: Some("short".into()),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(e.to_string().contains("admin token"), "{e}");
}

#[tokio::test]
async fn data_dir_seeds_from_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("workspaces.json"),
        r#"[{"id": "lab", "display_name": "Lab", "owner": "root@example.com",
             "info": {"workspace_tier": "standard", "git_commit": "2.0.0"}}]"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("members.json"),
        r#"{"lab": [{"id": "u-root", "email": "root@example.com", "role": "admin"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("secrets.json"),
        r#"{"lab": [{"name": "ONLY_ONE", "visibility": "public"}]}"#,
    )
    .unwrap();
    let h = start(EmulatorOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    })
    .await
    .unwrap();
    let ws = h.workspaces();
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0].id, "lab");
    assert_eq!(ws[0].activation, ActivationState::Active);
    let c = client_with(&h, "lab", h.admin_token().expose_secret());
    assert_eq!(c.workspace().await.unwrap().workspace_tier, "standard");
    let s = c.secrets().await.unwrap().items;
    assert_eq!(s.len(), 1);
    assert_eq!(c.workspace().await.unwrap().workloads.num_secrets, 1);
    assert!(
        c.templates(TemplateNs::Public)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    h.shutdown().await;

    // A broken seed is a clear error.
    std::fs::write(dir.path().join("members.json"), r#"{"other": []}"#).unwrap();
    let e = start(EmulatorOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("members.json"), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let e = start(EmulatorOptions {
        data_dir: Some(empty.path().to_path_buf()),
        ..Default::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("workspaces.json"), "{e}");
}

#[tokio::test]
async fn control_health_and_mint() {
    let h = emu().await;
    let v: Value = raw()
        .get(format!("{}{}", h.origin(), paths::CONTROL_HEALTH))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["workspaces"][1]["activation_state"], "not_activated");
    // Minting for an unknown member or a pending invitee fails clearly.
    let url = format!(
        "{}{}",
        h.origin(),
        paths::CONTROL_TOKENS.replace("{ws}", "demo")
    );
    let r = raw()
        .post(&url)
        .json(&json!({"member": "ghost@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = raw()
        .post(&url)
        .json(&json!({"member": "mei.lin@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A minted token carries its member's role.
    let v = as_member(&h, VIEWER).await;
    assert!(matches!(
        v.put_secrets(&[secret("A", "b", None)]).await.unwrap_err(),
        ApiError::Forbidden(_)
    ));
    h.shutdown().await;
}

/// GET a list's raw bytes, decode them as `T` the way the dashboard does,
/// and encode the items again: the same JSON comes back (every field kept,
/// nothing added, strings unchanged — the wire types hold short strings
/// inline, which must not show on the wire).
async fn assert_list_round_trips<T>(h: &EmulatorHandle, path: &str)
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let bytes = raw()
        .get(format!("{}{}", base(h, "demo"), path))
        .bearer_auth(h.admin_token().expose_secret())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let listed = Listed::<T>::from_json(&bytes).unwrap();
    assert!(listed.skipped.is_empty(), "{path}: {:?}", listed.skipped);
    let sent: Value = serde_json::from_slice(&bytes).unwrap();
    let n = sent.as_array().map(Vec::len).unwrap_or_default();
    assert!(
        n > 20,
        "{path}: {n} items, expected the seed plus big lists"
    );
    assert_eq!(listed.items.len(), n, "{path}");
    let again = serde_json::to_value(&listed.items).unwrap();
    assert_eq!(again, sent, "{path}: decoded and re-encoded differs");
}

#[tokio::test]
async fn lists_decode_and_encode_to_the_same_json() {
    let h = emu().await;
    // The seed rows plus generated ones (ids, emails, tags, owners).
    h.set_faults("big-lists=30").unwrap();
    assert_list_round_trips::<Member>(&h, paths::USERS).await;
    assert_list_round_trips::<Token>(&h, paths::TOKENS).await;
    assert_list_round_trips::<Secret>(&h, paths::SECRETS).await;
    assert_list_round_trips::<Registry>(&h, paths::REGISTRIES).await;
    assert_list_round_trips::<Template>(&h, paths::TEMPLATES_PUBLIC).await;
    assert_list_round_trips::<Template>(&h, paths::TEMPLATES_PRIVATE).await;
    h.shutdown().await;
}
