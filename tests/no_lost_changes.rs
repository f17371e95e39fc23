//! No lost or doubled changes.
//!
//! The emulator stores a write and then loses its answer in three ways
//! (`fail-after-apply`: 500 after storing; `reset-after-apply`: the
//! connection closes with no answer; `hang-after-apply`: the answer comes
//! after the client's timeout). Through the real sync task and the real
//! reducer, every mutation must:
//! - end exactly once, confirmed or reported failed (one `Mutated` per id, a
//!   toast that carries the error);
//! - say that the outcome is unknown when it is (`ApiError::outcome_unknown`);
//! - reach the server exactly once (the emulator counts requests per path);
//! - be reconciled from the next list: the created item appears, the deleted
//!   one disappears, with no retry.
//!
//! And the contrasts: a write refused before it is stored (injected 5xx, a
//! validation error) leaves the model as it was.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::KeyCode;
use lepdash::api::ApiError;
use lepdash::api::types::{
    CreateTokenRequest, InviteRequest, Metadata, RegistryWrite, RegistryWriteSpec, Role,
    SecretWrite,
};
use lepdash::app::manage::OUTCOME_UNKNOWN;
use lepdash::app::{Model, ToastLevel};
use lepdash::emulator::EmulatorHandle;
use lepdash::protocol::{Mutation, MutationOutput, ResourceKind, SyncCmd, SyncEvent};
use secrecy::SecretString;
use support::driver::{MS, Rig, fetched_ok, options, target};

const ADMIN: &str = "nvapi-no-lost-changes-admin-0123456789";
/// The client's whole-request timeout here: `hang-after-apply=3s` outlasts it.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);
const HANG: &str = "hang-after-apply=3s";

async fn emulator() -> EmulatorHandle {
    support::emulator_with_admin(ADMIN).await
}

/// No polling beyond the start and the refetch after each mutation, so the
/// list that follows a mutation is the one it caused.
async fn rig(emu: &EmulatorHandle) -> Rig {
    let mut rig = Rig::start(
        vec![target(&emu.origin(), "demo", ADMIN, CLIENT_TIMEOUT)],
        options(Duration::from_secs(3600), 100 * MS, ResourceKind::Secrets),
    );
    rig.loaded().await;
    rig
}

fn secret(name: &str) -> Mutation {
    Mutation::PutSecrets {
        items: vec![SecretWrite {
            name: name.to_string(),
            value: SecretString::from(format!("value-of-{name}")),
            visibility: None,
            tags: vec![],
        }],
        overwrite: false,
    }
}

/// What one mutation did, as the user and the server saw it.
struct Outcome {
    result: Result<MutationOutput, ApiError>,
    toast: Option<(ToastLevel, String)>,
}

/// Send `m` (id `id`) with `fault` active for writes, wait for its answer
/// and for the list fetched after it, and check it reached the server once
/// as `method path`.
async fn mutate(
    rig: &mut Rig,
    emu: &EmulatorHandle,
    id: u64,
    fault: &str,
    m: Mutation,
    method: &str,
    path: &str,
) -> Outcome {
    let before = emu.request_count(method, path);
    emu.set_faults(fault).unwrap();
    let kind = m.resource();
    rig.send(SyncCmd::Mutate { id, mutation: m });
    let ev = rig
        .until(
            &format!("the answer to mutation {id}"),
            |ev, _| matches!(ev, SyncEvent::Mutated { id: i, .. } if *i == id),
        )
        .await;
    let SyncEvent::Mutated { result, .. } = ev else {
        unreachable!()
    };
    let toast = rig.model.toast.as_ref().map(|t| (t.level, t.text.clone()));
    // Faults hit writes only from here on; the refetch reads cleanly.
    emu.clear_faults();
    rig.until(
        &format!("the {kind:?} list after mutation {id}"),
        |ev, _| fetched_ok(ev, kind),
    )
    .await;
    assert_eq!(
        emu.request_count(method, path) - before,
        1,
        "{method} {path} ({fault}) reached the server exactly once"
    );
    Outcome { result, toast }
}

/// The change may have happened: the error says so, the toast says so, and
/// the toast carries the error.
fn assert_unknown_reported(o: &Outcome, what: &str) {
    let e = match &o.result {
        Ok(_) => panic!("{what}: the answer was lost, yet it reported success"),
        Err(e) => e,
    };
    assert!(e.outcome_unknown(), "{what}: {e:?} is an unknown outcome");
    let (level, text) = o.toast.as_ref().expect("a toast reports the failure");
    assert_ne!(*level, ToastLevel::Success, "{what}: {text}");
    assert!(
        text.contains(&e.to_string()),
        "{what}: the toast carries the error: {text}"
    );
    assert!(
        says_outcome_unknown(text),
        "{what}: the toast says the outcome is unknown: {text}"
    );
}

fn says_outcome_unknown(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("may or may not") || t.contains("outcome is unknown") || t.contains("may have")
}

fn secret_names(m: &Model) -> Vec<String> {
    m.secrets
        .data
        .as_ref()
        .map(|d| d.iter().map(|s| s.name.to_string()).collect())
        .unwrap_or_default()
}

fn has_secret(m: &Model, name: &str) -> bool {
    secret_names(m).iter().any(|n| n == name)
}

/// Each write in `writes` reached the server once per listing, and nothing
/// else was written: no retry came later either.
async fn assert_sent_once_after_a_while(
    emu: &EmulatorHandle,
    rig: &mut Rig,
    writes: &[(&str, String)],
) {
    // Twice the client timeout: a retry after a lost answer would be in.
    rig.run_for(2 * CLIENT_TIMEOUT).await;
    let mut want: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (method, path) in writes {
        *want.entry((method.to_string(), path.clone())).or_default() += 1;
    }
    let counts: BTreeMap<(String, String), u64> = emu
        .request_counts()
        .into_iter()
        .filter(|c| c.method != "GET")
        .map(|c| ((c.method, c.path), c.count))
        .collect();
    assert_eq!(counts, want, "writes that reached the server");
    // One answer per mutation, never two.
    let mut ids = rig.mutated.clone();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(
        before,
        ids.len(),
        "a mutation was answered twice: {:?}",
        rig.mutated
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_whose_answer_is_lost_are_reported_once_and_reconciled_from_the_list() {
    let emu = emulator().await;
    let mut rig = rig(&emu).await;
    let mut writes = vec![];

    // Baseline: no fault, confirmed.
    let o = mutate(
        &mut rig,
        &emu,
        1,
        "none",
        secret("LOST_OK"),
        "POST",
        "/usersecrets",
    )
    .await;
    assert!(o.result.is_ok(), "{:?}", o.result.err());
    assert_eq!(o.toast.unwrap().0, ToastLevel::Success);
    assert!(has_secret(&rig.model, "LOST_OK"));
    writes.push(("POST", "/usersecrets".to_string()));

    let modes = [
        ("fail-after-apply", "FAILED_AFTER"),
        ("reset-after-apply", "RESET_AFTER"),
        (HANG, "HUNG_AFTER"),
    ];
    let mut id = 10;
    for (fault, name) in modes {
        // Create: the answer is lost, the list shows the secret.
        id += 1;
        let o = mutate(
            &mut rig,
            &emu,
            id,
            fault,
            secret(name),
            "POST",
            "/usersecrets",
        )
        .await;
        assert_unknown_reported(&o, &format!("create under {fault}"));
        match (fault, o.result.as_ref().unwrap_err()) {
            ("fail-after-apply", ApiError::Server { status: 500, .. }) => {}
            ("reset-after-apply", ApiError::Transport(_)) => {}
            (HANG, ApiError::Timeout(_)) => {}
            (f, e) => panic!("{f}: unexpected error {e:?}"),
        }
        assert!(
            has_secret(&rig.model, name),
            "{fault}: the created secret is in the model: {:?}",
            secret_names(&rig.model)
        );
        // Delete: the answer is lost, the list no longer has it.
        id += 1;
        let path = format!("/usersecrets/{name}");
        let del = Mutation::DeleteSecret {
            name: name.to_string(),
        };
        let o = mutate(&mut rig, &emu, id, fault, del, "DELETE", &path).await;
        assert_unknown_reported(&o, &format!("delete under {fault}"));
        assert!(
            !has_secret(&rig.model, name),
            "{fault}: the deleted secret left the model"
        );
        writes.push(("POST", "/usersecrets".to_string()));
        writes.push(("DELETE", path));
    }
    assert_sent_once_after_a_while(&emu, &mut rig, &writes).await;
    rig.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_write_is_sent_once_and_reconciled_when_its_answer_is_lost() {
    let emu = emulator().await;
    let mut rig = rig(&emu).await;
    let mut writes: Vec<(&str, String)> = vec![];

    // A token whose creation answer is cut off: it exists, its plaintext
    // never arrived; revoking it then fails after the fact.
    let o = mutate(
        &mut rig,
        &emu,
        1,
        "reset-after-apply",
        Mutation::CreateToken(CreateTokenRequest {
            name: "lost-answer-token".into(),
            scopes: vec![],
            expires_in: 86_400,
        }),
        "POST",
        "/tokens",
    )
    .await;
    assert_unknown_reported(&o, "create token");
    writes.push(("POST", "/tokens".into()));
    let tokens = &rig.model.tokens.data.as_ref().unwrap().list;
    let tok = tokens
        .iter()
        .find(|t| t.name == "lost-answer-token")
        .expect("the token created without an answer is listed");
    let tok_id = tok.id.clone();
    let path = format!("/tokens/{tok_id}");
    let o = mutate(
        &mut rig,
        &emu,
        2,
        "fail-after-apply",
        Mutation::RevokeToken {
            id: tok_id.to_string(),
            name: "lost-answer-token".into(),
        },
        "DELETE",
        &path,
    )
    .await;
    assert_unknown_reported(&o, "revoke token");
    assert!(
        !rig.model
            .tokens
            .data
            .as_ref()
            .unwrap()
            .list
            .iter()
            .any(|t| t.id == tok_id),
        "the revoked token left the list"
    );
    writes.push(("DELETE", path));

    // A registry whose answer is a 500 after it was stored.
    let o = mutate(
        &mut rig,
        &emu,
        3,
        "fail-after-apply",
        Mutation::AddRegistry(RegistryWrite {
            metadata: Metadata {
                name: Some("lost-answer-registry".into()),
                ..Default::default()
            },
            spec: RegistryWriteSpec {
                registry_server: "registry.example.com".into(),
                username: "bot".into(),
                password: SecretString::from("registry-password".to_string()),
                email: None,
                provider: None,
            },
        }),
        "POST",
        "/imagepullsecrets",
    )
    .await;
    assert_unknown_reported(&o, "add registry");
    assert!(
        rig.model
            .registries
            .data
            .as_ref()
            .unwrap()
            .iter()
            .any(|r| r.id() == "lost-answer-registry"),
        "the added registry is listed"
    );
    writes.push(("POST", "/imagepullsecrets".into()));

    // An invitation answered after the client gave up.
    let o = mutate(
        &mut rig,
        &emu,
        4,
        HANG,
        Mutation::InviteMember(InviteRequest {
            email: "lost.answer@example.com".into(),
            role: Role::Viewer,
        }),
        "POST",
        "/users",
    )
    .await;
    assert_unknown_reported(&o, "invite");
    let member = |m: &Model, email: &str| {
        m.members
            .data
            .as_ref()
            .unwrap()
            .iter()
            .find(|x| x.email == email)
            .cloned()
    };
    let invited = member(&rig.model, "lost.answer@example.com").expect("the invitee is listed");
    writes.push(("POST", "/users".into()));

    // A role change whose connection is cut after it was stored.
    let path = format!("/users/{}", invited.id);
    let o = mutate(
        &mut rig,
        &emu,
        5,
        "reset-after-apply",
        Mutation::ChangeRole {
            id: invited.id.to_string(),
            email: invited.email.to_string(),
            role: Role::User,
        },
        "PATCH",
        &path,
    )
    .await;
    assert_unknown_reported(&o, "change role");
    assert_eq!(
        member(&rig.model, "lost.answer@example.com").unwrap().role,
        Role::User,
        "the new role is shown"
    );
    writes.push(("PATCH", path.clone()));

    // Removing the member, answered after the timeout.
    let o = mutate(
        &mut rig,
        &emu,
        6,
        HANG,
        Mutation::RemoveMember {
            id: invited.id.to_string(),
            email: invited.email.to_string(),
        },
        "DELETE",
        &path,
    )
    .await;
    assert_unknown_reported(&o, "remove member");
    assert!(member(&rig.model, "lost.answer@example.com").is_none());
    writes.push(("DELETE", path));

    assert_sent_once_after_a_while(&emu, &mut rig, &writes).await;
    rig.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_refused_before_it_is_stored_leaves_the_model_as_it_was() {
    let emu = emulator().await;
    let mut rig = rig(&emu).await;
    let before = secret_names(&rig.model);

    // An injected 5xx before the handler: not stored. The client cannot tell
    // a 5xx from one after storing, so it still says the outcome is unknown,
    // and the list shows that nothing happened.
    let o = mutate(
        &mut rig,
        &emu,
        1,
        "error-rate=1.0,only=/usersecrets",
        secret("NEVER_STORED"),
        "POST",
        "/usersecrets",
    )
    .await;
    assert_unknown_reported(&o, "create under error-rate");
    assert_eq!(secret_names(&rig.model), before, "nothing changed");

    // A validation error: the outcome is known (refused), and said so.
    let o = mutate(
        &mut rig,
        &emu,
        2,
        "none",
        secret("bad name with spaces"),
        "POST",
        "/usersecrets",
    )
    .await;
    let e = o.result.as_ref().unwrap_err();
    assert!(matches!(e, ApiError::BadRequest(_)), "{e:?}");
    assert!(!e.outcome_unknown());
    let (level, text) = o.toast.unwrap();
    assert_eq!(level, ToastLevel::Error, "{text}");
    assert!(
        !says_outcome_unknown(&text),
        "a refusal is not unknown: {text}"
    );
    assert_eq!(secret_names(&rig.model), before, "nothing changed");

    rig.shutdown().await;
    emu.shutdown().await;
}

/// The user's path: a form filled with keys, the write leaves through the
/// reducer's effect, its answer is lost. The form closes (no blind retry
/// from it), the toast names the change and says the outcome is unknown,
/// and the next list decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_whose_answer_is_lost_closes_and_the_next_list_decides() {
    let emu = emulator().await;
    let mut rig = rig(&emu).await;

    emu.set_faults("reset-after-apply").unwrap();
    rig.key('n');
    assert!(rig.model.overlay.is_some(), "n opens the new-secret form");
    rig.type_text("FORM_LOST_ANSWER");
    rig.code(KeyCode::Tab);
    rig.type_text("form-value");
    rig.code(KeyCode::Tab);
    rig.code(KeyCode::Tab);
    rig.code(KeyCode::Enter);
    rig.until("the answer", |ev, _| {
        matches!(ev, SyncEvent::Mutated { .. })
    })
    .await;
    emu.clear_faults();
    let text = rig.model.toast.as_ref().unwrap().text.clone();
    assert!(
        text.contains(OUTCOME_UNKNOWN) && text.contains("create secret FORM_LOST_ANSWER"),
        "{text}"
    );
    assert!(rig.model.overlay.is_none(), "the form closed");
    assert!(rig.model.pending.is_empty(), "nothing left pending");
    rig.until("the list after it", |ev, _| {
        fetched_ok(ev, ResourceKind::Secrets)
    })
    .await;
    assert!(has_secret(&rig.model, "FORM_LOST_ANSWER"));

    // A token whose answer never came: it exists, its value is lost.
    rig.key('3');
    emu.set_faults(HANG).unwrap();
    rig.key('n');
    rig.type_text("form-lost-token");
    rig.code(KeyCode::Tab);
    rig.code(KeyCode::Enter);
    rig.until("the answer", |ev, _| {
        matches!(ev, SyncEvent::Mutated { .. })
    })
    .await;
    emu.clear_faults();
    let text = rig.model.toast.as_ref().unwrap().text.clone();
    assert!(
        text.contains(OUTCOME_UNKNOWN) && text.contains("revoke it"),
        "{text}"
    );
    rig.until("the token list after it", |ev, _| {
        fetched_ok(ev, ResourceKind::Tokens)
    })
    .await;
    assert!(
        rig.model
            .tokens
            .data
            .as_ref()
            .unwrap()
            .list
            .iter()
            .any(|t| t.name == "form-lost-token"),
        "the token is listed"
    );
    assert_sent_once_after_a_while(
        &emu,
        &mut rig,
        &[("POST", "/usersecrets".into()), ("POST", "/tokens".into())],
    )
    .await;
    rig.shutdown().await;
    emu.shutdown().await;
}
