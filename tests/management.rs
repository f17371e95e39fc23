//! Keyboard-driven management through the pure reducer: every form and
//! confirmation path from the key that opens it to the sync task's answer.
//! A write leaves only as one `SyncCmd::Mutate`; the lists change only when
//! the sync task refetches them, so after a failure the data is as before.

#[path = "support/sample.rs"]
mod sample;

use sample::{code, ctrl, key, typed};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lepdash::api::types::{
    ActivationState, CreatedToken, Listed, Member, MemberStatus, Role, Secret, Token, Visibility,
};
use lepdash::api::{ApiError, ServerMessage};
use lepdash::app::forms::{Destructive, FieldId, FormKind};
use lepdash::app::manage::OUTCOME_UNKNOWN;
use lepdash::app::{Effect, Model, Msg, Overlay, ToastLevel, update};
use lepdash::protocol::{Fetched, Mutation, MutationOutput, ResourceKind, SyncCmd, SyncEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sample::NOW_MS;
use secrecy::{ExposeSecret, SecretString};

const CANARY_VALUE: &str = "canary-secret-value-5b1d";
const CANARY_PASSWORD: &str = "canary-registry-password-77e0";
const CANARY_TOKEN: &str = "nvapi-canary-token-plaintext-0c4f9a";

// ------------------------------------------------------------------ helpers

fn loaded() -> Model {
    sample::loaded_model(120, 40)
}

/// Show pane `n` and select the row matching `filter` (the filter stays).
fn select(m: &mut Model, pane: char, filter: &str) {
    update(m, key(pane));
    // Esc in the filter clears what an earlier selection left there.
    update(m, key('/'));
    update(m, code(KeyCode::Esc));
    update(m, key('/'));
    typed(m, filter);
    update(m, code(KeyCode::Enter));
    assert!(
        m.view(m.visible_kind()).selected_item().is_some(),
        "no row matches {filter:?}"
    );
}

fn toast_text(m: &Model) -> String {
    m.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

fn toast_level(m: &Model) -> Option<ToastLevel> {
    m.toast.as_ref().map(|t| t.level)
}

/// The mutations among the effects.
fn mutations(fx: Vec<Effect>) -> Vec<(u64, Mutation)> {
    fx.into_iter()
        .filter_map(|e| match e {
            Effect::Sync(SyncCmd::Mutate { id, mutation }) => Some((id, mutation)),
            _ => None,
        })
        .collect()
}

/// Exactly one mutation, and nothing else that talks to the sync task.
fn one_mutation(fx: Vec<Effect>) -> (u64, Mutation) {
    let syncs = fx.iter().filter(|e| matches!(e, Effect::Sync(_))).count();
    let mut list = mutations(fx);
    assert_eq!(list.len(), 1, "expected exactly one Mutate: {list:?}");
    assert_eq!(syncs, 1, "nothing but the Mutate goes to the sync task");
    list.remove(0)
}

fn answer(m: &mut Model, id: u64, result: Result<MutationOutput, ApiError>) -> Vec<Effect> {
    update(
        m,
        Msg::Sync(SyncEvent::Mutated {
            id,
            workspace: 0,
            result,
        }),
    )
}

fn server(code: &str, message: &str) -> ServerMessage {
    ServerMessage {
        code: Some(code.into()),
        message: message.into(),
    }
}

fn not_activated_error() -> ApiError {
    ApiError::Forbidden(server(
        "WorkspaceNotActivated",
        "workspace xfre17eu is not activated yet",
    ))
}

fn dialog(m: &Model) -> &lepdash::app::forms::Dialog {
    match &m.overlay {
        Some(Overlay::Dialog(md)) => &md.dialog,
        other => panic!("expected a dialog, got {other:?}"),
    }
}

fn form_kind(m: &Model) -> FormKind {
    dialog(m)
        .form_ref()
        .map(|f| f.kind().clone())
        .expect("a form is open")
}

fn confirm_action(m: &Model) -> Destructive {
    dialog(m)
        .confirm_ref()
        .map(|c| c.action().clone())
        .expect("a confirmation is open")
}

fn field_error(m: &Model, id: FieldId) -> Option<String> {
    dialog(m)
        .form_ref()
        .and_then(|f| f.error(id))
        .map(str::to_string)
}

fn screen(m: &Model) -> String {
    let (w, h) = m.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| lepdash::ui::render(f, m)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn footer(m: &Model) -> String {
    screen(m).lines().last().unwrap_or_default().to_string()
}

/// The lists as they were: the data of every list resource.
fn data_fingerprint(m: &Model) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        m.members.data, m.tokens.data, m.secrets.data, m.registries.data
    )
}

fn set_members(m: &mut Model, items: Vec<Member>) {
    update(
        m,
        sample::ok_msg(
            Fetched::Members(Listed {
                items,
                skipped: vec![],
            }),
            sample::now(),
        ),
    );
}

fn set_activation(m: &mut Model, state: ActivationState) {
    update(
        m,
        sample::ok_msg(
            Fetched::Status {
                info: sample::workspace_info(),
                resolver: Some(sample::resolver(state, Some(NOW_MS - 86_400_000))),
            },
            sample::now(),
        ),
    );
}

fn created_token(name: &str, plaintext: &str) -> MutationOutput {
    MutationOutput::TokenCreated(CreatedToken {
        record: Token {
            id: "tok-new1".into(),
            name: name.into(),
            masked_value: "nvapi-can...0c4f".into(),
            scopes: vec![],
            created_at: Some(NOW_MS),
            expires_at: Some(NOW_MS + 7 * 86_400_000),
            created_by: Some("alice@example.com".into()),
        },
        plaintext: SecretString::from(plaintext.to_string()),
    })
}

/// Fill the create-secret form: name, value, visibility (public when
/// `public`), tags.
fn fill_secret(m: &mut Model, name: &str, value: &str, public: bool, tags: &str) {
    typed(m, name);
    update(m, code(KeyCode::Tab));
    typed(m, value);
    update(m, code(KeyCode::Tab));
    if public {
        update(m, code(KeyCode::Right));
    }
    update(m, code(KeyCode::Tab));
    typed(m, tags);
}

// ------------------------------------------------------------------ opening

#[test]
fn n_e_d_open_the_right_dialog_on_each_pane() {
    let mut m = loaded();
    // Members: invite, change role, remove (typed email).
    select(&mut m, '2', "bob@");
    update(&mut m, key('n'));
    assert_eq!(form_kind(&m), FormKind::InviteMember);
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('e'));
    assert!(matches!(
        form_kind(&m),
        FormKind::ChangeRole { id, email, current: Role::User } if id == "u-002" && email == "bob@example.com"
    ));
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('d'));
    let action = confirm_action(&m);
    assert_eq!(
        action,
        Destructive::RemoveMember {
            id: "u-002".into(),
            email: "bob@example.com".into()
        }
    );
    assert_eq!(action.typed_confirmation(), Some("bob@example.com"));
    update(&mut m, code(KeyCode::Esc));

    // Tokens: create, revoke (typed name); no edit.
    select(&mut m, '3', "ci-pipe");
    update(&mut m, key('n'));
    assert_eq!(form_kind(&m), FormKind::CreateToken);
    update(&mut m, code(KeyCode::Esc));
    let fx = update(&mut m, key('e'));
    assert!(fx.is_empty() && m.overlay.is_none());
    assert!(
        toast_text(&m).contains("cannot be edited"),
        "{}",
        toast_text(&m)
    );
    update(&mut m, key('d'));
    assert_eq!(
        confirm_action(&m),
        Destructive::RevokeToken {
            id: "tok-77aa".into(),
            name: "ci-pipeline".into(),
            own: false
        }
    );
    update(&mut m, code(KeyCode::Esc));

    // Secrets: create, update value, delete (typed name).
    select(&mut m, '4', "WANDB");
    update(&mut m, key('n'));
    assert_eq!(form_kind(&m), FormKind::CreateSecret);
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('e'));
    assert_eq!(
        form_kind(&m),
        FormKind::UpdateSecret {
            name: "WANDB_API_KEY".into()
        }
    );
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('d'));
    assert_eq!(
        confirm_action(&m),
        Destructive::DeleteSecret {
            name: "WANDB_API_KEY".into()
        }
    );
    update(&mut m, code(KeyCode::Esc));

    // Registries: add, delete (y/n); no edit.
    select(&mut m, '5', "ghcr");
    update(&mut m, key('n'));
    assert_eq!(form_kind(&m), FormKind::AddRegistry);
    update(&mut m, code(KeyCode::Esc));
    let fx = update(&mut m, key('e'));
    assert!(fx.is_empty() && m.overlay.is_none());
    update(&mut m, key('d'));
    let action = confirm_action(&m);
    assert_eq!(
        action,
        Destructive::DeleteRegistry {
            id: "ghcr-ci".into(),
            name: "ghcr-ci".into()
        }
    );
    assert_eq!(action.typed_confirmation(), None);
    update(&mut m, code(KeyCode::Esc));

    // Templates and Status stay read-only: nothing opens, the toast says why.
    for (pane, words) in [('6', "templates are read-only"), ('1', "Status pane")] {
        update(&mut m, key(pane));
        for c in ['n', 'e', 'd'] {
            let fx = update(&mut m, key(c));
            assert!(fx.is_empty() && m.overlay.is_none(), "{pane}{c}");
            assert!(
                toast_text(&m).contains(words),
                "{pane}{c}: {}",
                toast_text(&m)
            );
        }
    }
}

#[test]
fn esc_cancels_every_dialog_without_effect() {
    let before = data_fingerprint(&loaded());
    for (pane, filter, c) in [
        ('2', "bob@", 'n'),
        ('2', "bob@", 'e'),
        ('2', "bob@", 'd'),
        ('3', "ci-pipe", 'n'),
        ('3', "ci-pipe", 'd'),
        ('4', "WANDB", 'n'),
        ('4', "WANDB", 'e'),
        ('4', "WANDB", 'd'),
        ('5', "ghcr", 'n'),
        ('5', "ghcr", 'd'),
    ] {
        let mut m = loaded();
        select(&mut m, pane, filter);
        update(&mut m, key(c));
        assert!(m.overlay.is_some(), "{pane}{c} opens a dialog");
        let mut fx = typed(&mut m, "abc");
        fx.extend(update(&mut m, code(KeyCode::Esc)));
        assert!(mutations(fx).is_empty(), "{pane}{c}: nothing sent");
        assert!(m.overlay.is_none(), "{pane}{c}: Esc closes");
        assert!(m.pending.is_empty());
        assert_eq!(data_fingerprint(&m), before);
    }
}

// ------------------------------------------------------------------ secrets

#[test]
fn create_secret_sends_one_mutation_then_locks_until_the_answer() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    fill_secret(&mut m, "HF_CACHE_TOKEN", CANARY_VALUE, true, "hf, models");
    assert!(
        !screen(&m).contains(CANARY_VALUE),
        "the value is masked while typed"
    );
    let (id, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    match &mutation {
        Mutation::PutSecrets { items, overwrite } => {
            assert!(!overwrite);
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].name, "HF_CACHE_TOKEN");
            assert_eq!(items[0].value.expose_secret(), CANARY_VALUE);
            assert_eq!(items[0].visibility, Some(Visibility::Public));
            assert_eq!(items[0].tags, ["hf", "models"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{mutation:?}").contains(CANARY_VALUE));
    assert!(
        !format!("{m:?}").contains(CANARY_VALUE),
        "the value left the model"
    );
    assert_eq!(
        m.pending.get(&id).map(|p| p.what.as_str()),
        Some("create secret HF_CACHE_TOKEN")
    );

    // Locked while in flight: Enter, Ctrl-S, typing and Esc do nothing.
    assert!(dialog(&m).is_locked());
    for msg in [
        code(KeyCode::Enter),
        ctrl('s'),
        key('x'),
        code(KeyCode::Esc),
        Msg::Paste("more".into()),
    ] {
        let fx = update(&mut m, msg);
        assert!(mutations(fx).is_empty(), "no second submit");
        assert!(m.overlay.is_some(), "still open while sending");
    }
    assert!(screen(&m).contains("sending"), "{}", screen(&m));

    // Success: the dialog closes, the toast says so; the list itself comes
    // with the sync task's refetch.
    let before = data_fingerprint(&m);
    let fx = answer(&mut m, id, Ok(MutationOutput::Done));
    assert!(fx.is_empty(), "nothing retried or refetched by the reducer");
    assert!(m.overlay.is_none());
    assert!(m.pending.is_empty());
    assert_eq!(toast_level(&m), Some(ToastLevel::Success));
    assert_eq!(toast_text(&m), "secret HF_CACHE_TOKEN created");
    assert_eq!(data_fingerprint(&m), before);
}

/// Issue 13: after a create, the new item is selected once the list shows it.
#[test]
fn the_created_item_is_selected_when_it_appears() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    fill_secret(&mut m, "HF_CACHE_TOKEN", CANARY_VALUE, false, "");
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    answer(&mut m, id, Ok(MutationOutput::Done));
    let mut items = sample::secrets();
    items.push(Secret {
        name: "HF_CACHE_TOKEN".into(),
        tags: vec![],
        owner: None,
        visibility: None,
    });
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Secrets(Listed {
                items,
                skipped: vec![],
            }),
            sample::now(),
        ),
    );
    let kind = ResourceKind::Secrets;
    let i = m.view(kind).selected_item().expect("a selection");
    assert_eq!(m.source(kind).name(i), "HF_CACHE_TOKEN");
}

#[test]
fn create_secret_validation_happens_before_any_request() {
    for (name, value, field, words) in [
        ("", "v", FieldId::SecretName, "enter a name"),
        ("9LIVES", "v", FieldId::SecretName, "first character"),
        ("LEPTON_FOO", "v", FieldId::SecretName, "reserved"),
        ("lepton_bar", "v", FieldId::SecretName, "reserved"),
        (
            "HF_TOKEN",
            "v",
            FieldId::SecretName,
            "press e on it to update",
        ),
        ("NEW_ONE", "", FieldId::SecretValue, "cannot be empty"),
    ] {
        let mut m = loaded();
        update(&mut m, key('4'));
        update(&mut m, key('n'));
        fill_secret(&mut m, name, value, false, "");
        let fx = update(&mut m, code(KeyCode::Enter));
        assert!(mutations(fx).is_empty(), "{name:?}: nothing sent");
        let err = field_error(&m, field).unwrap_or_default();
        assert!(err.contains(words), "{name:?}: {err:?}");
        let shown: String = format!("✗ {err}").chars().take(24).collect();
        assert!(
            screen(&m).contains(&shown),
            "the error is on screen next to the field: {shown:?}"
        );
        assert!(m.pending.is_empty());
    }
    // Bad tags too.
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    fill_secret(&mut m, "OK_NAME", "v", false, "good, bad tag!");
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(field_error(&m, FieldId::Tags).is_some());
}

#[test]
fn tab_moves_between_fields_and_paste_goes_to_the_focused_one() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    let focus = |m: &Model| dialog(m).form_ref().unwrap().focused().unwrap().id();
    assert_eq!(focus(&m), FieldId::SecretName);
    update(&mut m, Msg::Paste("PASTED_NAME\n".into()));
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(focus(&m), FieldId::SecretValue);
    // A multi-line value keeps its inner newlines (PEM keys).
    update(
        &mut m,
        Msg::Paste(format!(
            "-----BEGIN-----\r\n{CANARY_VALUE}\r\n-----END-----\n"
        )),
    );
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(focus(&m), FieldId::SecretName);
    let (_, mutation) = one_mutation(update(&mut m, ctrl('s')));
    match mutation {
        Mutation::PutSecrets { items, .. } => {
            assert_eq!(items[0].name, "PASTED_NAME");
            assert_eq!(
                items[0].value.expose_secret(),
                format!("-----BEGIN-----\n{CANARY_VALUE}\n-----END-----")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn secret_value_show_toggle_only_while_asked() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    typed(&mut m, "SHOWN");
    update(&mut m, code(KeyCode::Tab));
    typed(&mut m, CANARY_VALUE);
    assert!(!screen(&m).contains(CANARY_VALUE));
    update(&mut m, ctrl('r'));
    assert!(screen(&m).contains(CANARY_VALUE), "Ctrl-R shows it");
    update(&mut m, ctrl('r'));
    assert!(!screen(&m).contains(CANARY_VALUE));
    update(&mut m, ctrl('r'));
    update(&mut m, code(KeyCode::Tab));
    assert!(
        !screen(&m).contains(CANARY_VALUE),
        "leaving the field hides it"
    );
}

#[test]
fn update_secret_confirms_the_overwrite_first() {
    let mut m = loaded();
    select(&mut m, '4', "WANDB");
    update(&mut m, key('e'));
    update(&mut m, Msg::Paste(CANARY_VALUE.into()));
    // Enter asks for the confirmation; nothing is sent yet.
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(mutations(fx).is_empty());
    assert_eq!(
        confirm_action(&m),
        Destructive::OverwriteSecret {
            name: "WANDB_API_KEY".into()
        }
    );
    assert!(screen(&m).contains("Replace the value of WANDB_API_KEY?"));
    // n goes back to the form with the value still there.
    update(&mut m, key('n'));
    assert!(dialog(&m).confirm_ref().is_none());
    update(&mut m, code(KeyCode::Enter));
    let (id, mutation) = one_mutation(update(&mut m, key('y')));
    match &mutation {
        Mutation::PutSecrets { items, overwrite } => {
            assert!(overwrite);
            assert_eq!(items[0].name, "WANDB_API_KEY");
            assert_eq!(items[0].value.expose_secret(), CANARY_VALUE);
            assert_eq!(items[0].visibility, None, "an update keeps the visibility");
        }
        other => panic!("{other:?}"),
    }
    assert!(dialog(&m).is_locked());
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    answer(&mut m, id, Ok(MutationOutput::Done));
    assert!(m.overlay.is_none());
    assert_eq!(toast_text(&m), "value of secret WANDB_API_KEY replaced");
}

#[test]
fn delete_secret_needs_the_exact_name_typed_or_pasted() {
    let mut m = loaded();
    select(&mut m, '4', "HF_TOK");
    update(&mut m, key('d'));
    typed(&mut m, "hf_token");
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(screen(&m).contains("does not match"));
    update(&mut m, ctrl('u'));
    update(&mut m, Msg::Paste("HF_TOKEN".into()));
    let (id, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    assert!(matches!(&mutation, Mutation::DeleteSecret { name } if name == "HF_TOKEN"));
    // A confirmation closes at once; progress is in the toast.
    assert!(m.overlay.is_none());
    assert!(toast_text(&m).contains("delete secret HF_TOKEN"));
    // The same deletion is not sent twice while the first is on its way.
    let fx = update(&mut m, key('d'));
    assert!(fx.is_empty() && m.overlay.is_none());
    assert!(
        toast_text(&m).contains("already sent"),
        "{}",
        toast_text(&m)
    );
    answer(&mut m, id, Ok(MutationOutput::Done));
    assert_eq!(toast_text(&m), "secret HF_TOKEN deleted");
}

// ------------------------------------------------------------------ members

#[test]
fn invite_member_validates_the_email_and_sends_the_role() {
    let mut m = loaded();
    update(&mut m, key('2'));
    update(&mut m, key('n'));
    typed(&mut m, "not-an-email");
    update(&mut m, code(KeyCode::Tab));
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(field_error(&m, FieldId::Email).is_some_and(|e| e.contains("not an email")));
    // An existing member (or pending invitation) is refused before the request.
    // (A refused submit puts the focus on the first bad field.)
    update(&mut m, ctrl('u'));
    typed(&mut m, "eve@example.com");
    update(&mut m, code(KeyCode::Tab));
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(field_error(&m, FieldId::Email).is_some_and(|e| e.contains("already a member")));
    update(&mut m, ctrl('u'));
    typed(&mut m, "kim@example.com");
    update(&mut m, code(KeyCode::Tab));
    // user -> viewer
    update(&mut m, code(KeyCode::Right));
    let (id, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    match &mutation {
        Mutation::InviteMember(r) => {
            assert_eq!(r.email, "kim@example.com");
            assert_eq!(r.role, Role::Viewer);
        }
        other => panic!("{other:?}"),
    }
    let member = Member {
        id: "u-099".into(),
        email: "kim@example.com".into(),
        name: None,
        role: Role::Viewer,
        status: MemberStatus::Invited,
        invited_by: None,
        created_at: None,
        last_active_at: None,
    };
    answer(&mut m, id, Ok(MutationOutput::Member(member)));
    assert!(m.overlay.is_none());
    assert_eq!(toast_text(&m), "kim@example.com invited as viewer");
}

#[test]
fn change_role_sends_the_new_role() {
    let mut m = loaded();
    select(&mut m, '2', "bob@");
    update(&mut m, key('e'));
    // Same role: refused before the request.
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(field_error(&m, FieldId::Role).is_some_and(|e| e.contains("current role")));
    update(&mut m, code(KeyCode::Left)); // user -> admin
    let (id, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    assert!(matches!(
        &mutation,
        Mutation::ChangeRole { id, email, role: Role::Admin } if id == "u-002" && email == "bob@example.com"
    ));
    answer(&mut m, id, Ok(MutationOutput::Done));
    assert_eq!(toast_text(&m), "bob@example.com is now admin");
}

fn one_admin() -> Vec<Member> {
    sample::members()
        .into_iter()
        .map(|mut x| {
            if x.email == "farah@example.com" {
                x.role = Role::User;
            }
            x
        })
        .collect()
}

#[test]
fn the_last_admin_is_refused_before_the_request() {
    let mut m = loaded();
    set_members(&mut m, one_admin());
    select(&mut m, '2', "alice@");
    // Remove: refused up front with the reason, no dialog.
    let fx = update(&mut m, key('d'));
    assert!(fx.is_empty() && m.overlay.is_none());
    let t = toast_text(&m);
    assert!(
        t.contains("only active admin") && t.contains("at least one admin"),
        "{t}"
    );
    // Demote: the form says so and refuses the request.
    update(&mut m, key('e'));
    assert!(screen(&m).contains("only active admin"));
    update(&mut m, code(KeyCode::Right)); // admin -> user
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(
        field_error(&m, FieldId::Role).is_some_and(|e| e.contains("at least one admin")),
        "{:?}",
        field_error(&m, FieldId::Role)
    );
}

#[test]
fn the_server_refusing_the_last_admin_is_explained_too() {
    // The list still shows two admins (stale), the server knows better.
    let mut m = loaded();
    select(&mut m, '2', "alice@");
    let before = data_fingerprint(&m);
    update(&mut m, key('e'));
    update(&mut m, code(KeyCode::Right));
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    let refusal = ApiError::BadRequest(server(
        "ValidationError",
        "alice@example.com is the last admin of this workspace; make someone else admin first",
    ));
    assert!(mutations(answer(&mut m, id, Err(refusal.clone()))).is_empty());
    // The form stays, unlocked, the reason next to the role.
    assert!(!dialog(&m).is_locked());
    assert!(
        field_error(&m, FieldId::Role)
            .is_some_and(|e| e.contains("last admin") && e.contains("make someone else admin"))
    );
    assert!(
        toast_text(&m).contains("refused (details in the form)"),
        "{}",
        toast_text(&m)
    );
    assert_eq!(data_fingerprint(&m), before);
    update(&mut m, code(KeyCode::Esc));

    // Removal: the confirmation is closed, the toast explains.
    update(&mut m, key('d'));
    typed(&mut m, "alice@example.com");
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    let refusal = ApiError::BadRequest(server(
        "ValidationError",
        "alice@example.com is the last admin of this workspace and cannot be removed",
    ));
    answer(&mut m, id, Err(refusal));
    let t = toast_text(&m);
    assert!(
        t.contains("cannot be removed") && t.contains("at least one admin"),
        "{t}"
    );
    assert_eq!(toast_level(&m), Some(ToastLevel::Error));
    assert_eq!(data_fingerprint(&m), before);
}

// ------------------------------------------------------------------ tokens

#[test]
fn create_token_then_show_it_once() {
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, key('n'));
    typed(&mut m, "laptop");
    let fx = update(&mut m, code(KeyCode::Enter));
    // Enter on an invalid name shows the error and stays on it (issue 13).
    assert!(mutations(fx).is_empty());
    assert!(
        field_error(&m, FieldId::TokenName).is_some_and(|e| e.contains("already have a token")),
        "an existing name is refused"
    );
    update(&mut m, ctrl('u'));
    typed(&mut m, "new-laptop");
    update(&mut m, code(KeyCode::Tab));
    update(&mut m, code(KeyCode::Right)); // 1 day -> 7 days
    let (id, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    match &mutation {
        Mutation::CreateToken(r) => {
            assert_eq!(r.name, "new-laptop");
            assert_eq!(r.expires_in, 7 * 86_400);
        }
        other => panic!("{other:?}"),
    }
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());

    answer(&mut m, id, Ok(created_token("new-laptop", CANARY_TOKEN)));
    let d = dialog(&m);
    let reveal = d.reveal_ref().expect("the token dialog is open");
    assert_eq!(reveal.name(), "new-laptop");
    assert!(!format!("{m:?}").contains(CANARY_TOKEN), "never in Debug");
    let s = screen(&m);
    assert!(s.contains("will not be shown again"), "{s}");
    assert!(!s.contains(CANARY_TOKEN), "masked until x");
    assert!(toast_text(&m).contains("will not be shown again"));

    // x shows it, x hides it.
    update(&mut m, key('x'));
    assert!(screen(&m).contains(CANARY_TOKEN));
    update(&mut m, key('x'));
    assert!(!screen(&m).contains(CANARY_TOKEN));

    // y copies the plaintext (and only then is it outside the dialog).
    let fx = update(&mut m, key('y'));
    match fx.as_slice() {
        [Effect::Copy(s)] => assert_eq!(s.expose_secret(), CANARY_TOKEN),
        other => panic!("expected a copy: {other:?}"),
    }
    assert!(screen(&m).contains("Copying"));
    update(
        &mut m,
        Msg::Copied(Ok("sent to the terminal (OSC 52)".into())),
    );
    let s = screen(&m);
    assert!(s.contains("sent to the terminal (OSC 52)"), "{s}");
    assert!(!s.contains("Copied to the clipboard"), "never claims more");
    assert_eq!(
        toast_text(&m),
        "the value of token new-laptop: sent to the terminal (OSC 52)"
    );

    // Esc closes; the plaintext is gone with the dialog.
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_none());
    assert!(!format!("{m:?}").contains(CANARY_TOKEN));
    assert!(!screen(&m).contains(CANARY_TOKEN));
    // x outside the dialog has nothing to show.
    let fx = update(&mut m, key('x'));
    assert!(fx.is_empty());
    assert!(!screen(&m).contains(CANARY_TOKEN));
}

#[test]
fn token_dialog_asks_before_closing_an_unseen_token() {
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, key('n'));
    typed(&mut m, "ci-2");
    update(&mut m, code(KeyCode::Tab));
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    answer(&mut m, id, Ok(created_token("ci-2", CANARY_TOKEN)));
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_some(), "one stray Esc does not lose the token");
    assert!(screen(&m).contains("press Esc again"));
    // A failed copy does not count as copied.
    update(&mut m, key('y'));
    update(&mut m, Msg::Copied(Err("too large to copy".into())));
    assert!(screen(&m).contains("Could not copy"));
    assert_eq!(toast_level(&m), Some(ToastLevel::Error));
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_some());
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_none());
}

#[test]
fn create_token_until_a_date() {
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, key('n'));
    typed(&mut m, "until-date");
    update(&mut m, code(KeyCode::Tab));
    update(&mut m, code(KeyCode::End)); // "until a date"
    update(&mut m, code(KeyCode::Tab));
    typed(&mut m, "2026-11-01");
    assert!(mutations(update(&mut m, code(KeyCode::Enter))).is_empty());
    assert!(field_error(&m, FieldId::ExpiryDate).is_some_and(|e| e.contains("after today")));
    update(&mut m, ctrl('u'));
    typed(&mut m, "2026-12-01");
    let (_, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    match mutation {
        // Valid through 2026-12-01 UTC: until 2026-12-02 00:00 from 11-28 12:00.
        Mutation::CreateToken(r) => assert_eq!(r.expires_in, 3 * 86_400 + 12 * 3_600),
        other => panic!("{other:?}"),
    }
}

#[test]
fn revoking_the_token_lepdash_uses_warns_explicitly() {
    let mut m = loaded();
    select(&mut m, '3', "laptop");
    update(&mut m, key('d'));
    let action = confirm_action(&m);
    assert_eq!(
        action,
        Destructive::RevokeToken {
            id: sample::OWN_TOKEN_ID.into(),
            name: "laptop".into(),
            own: true
        }
    );
    let s = screen(&m);
    assert!(s.contains("used by lepdash"), "{s}");
    assert!(s.contains("lepdash itself is using this token"), "{s}");
    typed(&mut m, "laptop");
    let (_, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    assert!(matches!(
        mutation,
        Mutation::RevokeToken { id, name } if id == sample::OWN_TOKEN_ID && name == "laptop"
    ));

    // Another token: no such warning.
    select(&mut m, '3', "grafana");
    update(&mut m, key('d'));
    assert!(!screen(&m).contains("lepdash itself is using"));
}

// ------------------------------------------------------------------ registries

#[test]
fn add_registry_with_a_preset_and_a_masked_password() {
    let mut m = loaded();
    update(&mut m, key('5'));
    update(&mut m, key('n'));
    // NGC is the default preset: server and username are filled in.
    let f = dialog(&m).form_ref().unwrap();
    assert_eq!(f.text(FieldId::Server), Some("nvcr.io"));
    assert_eq!(f.text(FieldId::Username), Some("$oauthtoken"));
    // GitHub preset: ghcr.io.
    update(&mut m, code(KeyCode::Right));
    update(&mut m, code(KeyCode::Right));
    let f = dialog(&m).form_ref().unwrap();
    assert_eq!(f.text(FieldId::Server), Some("ghcr.io"));
    update(&mut m, code(KeyCode::Tab));
    typed(&mut m, "ghcr-team");
    update(&mut m, code(KeyCode::Tab));
    update(&mut m, code(KeyCode::Tab));
    typed(&mut m, "team-bot");
    update(&mut m, code(KeyCode::Tab));
    update(&mut m, Msg::Paste(CANARY_PASSWORD.into()));
    assert!(!screen(&m).contains(CANARY_PASSWORD));
    update(&mut m, code(KeyCode::Tab));
    let (id, mutation) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    match &mutation {
        Mutation::AddRegistry(r) => {
            assert_eq!(r.metadata.name.as_deref(), Some("ghcr-team"));
            assert_eq!(r.spec.registry_server, "ghcr.io");
            assert_eq!(r.spec.username, "team-bot");
            assert_eq!(r.spec.password.expose_secret(), CANARY_PASSWORD);
            assert_eq!(r.spec.provider.as_deref(), Some("github"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{m:?}").contains(CANARY_PASSWORD));
    answer(&mut m, id, Ok(MutationOutput::Done));
    assert_eq!(toast_text(&m), "registry ghcr-team added");
}

#[test]
fn add_registry_refuses_missing_fields_and_a_taken_name() {
    let mut m = loaded();
    update(&mut m, key('5'));
    update(&mut m, key('n'));
    update(&mut m, code(KeyCode::Tab));
    typed(&mut m, "ngc-pull");
    assert!(mutations(update(&mut m, ctrl('s'))).is_empty());
    assert!(field_error(&m, FieldId::RegistryName).is_some_and(|e| e.contains("already exists")));
    assert!(field_error(&m, FieldId::Password).is_some_and(|e| e.contains("password")));
}

#[test]
fn delete_registry_is_confirmed_with_y() {
    let mut m = loaded();
    select(&mut m, '5', "dockerhub");
    update(&mut m, key('d'));
    assert!(screen(&m).contains("Delete registry dockerhub-team?"));
    let (_, mutation) = one_mutation(update(&mut m, key('y')));
    assert!(matches!(mutation, Mutation::DeleteRegistry { id } if id == "dockerhub-team"));
    assert!(m.overlay.is_none());
}

// ------------------------------------------------------------------ refusals

/// Open the create-secret form, submit it, answer `err`.
fn failed_create(err: ApiError) -> (Model, String) {
    let mut m = loaded();
    update(&mut m, key('4'));
    let before = data_fingerprint(&m);
    update(&mut m, key('n'));
    fill_secret(&mut m, "NEW_SECRET", CANARY_VALUE, false, "");
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    let fx = answer(&mut m, id, Err(err));
    assert!(mutations(fx).is_empty(), "never retried");
    assert!(m.pending.is_empty());
    assert_eq!(data_fingerprint(&m), before, "the data is as before");
    (m, before)
}

#[test]
fn server_refusals_keep_the_form_with_the_reason_next_to_the_field() {
    // 400: next to the field it concerns.
    let (m, _) = failed_create(ApiError::BadRequest(server(
        "ValidationError",
        "secret name NEW_SECRET is reserved",
    )));
    assert!(!dialog(&m).is_locked(), "unlocked for another try");
    assert!(field_error(&m, FieldId::SecretName).is_some_and(|e| e.contains("reserved")));
    assert_eq!(
        toast_text(&m),
        "create secret NEW_SECRET refused (details in the form)"
    );
    assert_eq!(toast_level(&m), Some(ToastLevel::Error));
    // The sent value is not kept: it must be entered again.
    assert!(screen(&m).contains("enter it again"));

    // 409: the name.
    let (m, _) = failed_create(ApiError::Conflict(server(
        "ResourceConflict",
        "a secret named NEW_SECRET already exists and belongs to someone else",
    )));
    assert!(field_error(&m, FieldId::SecretName).is_some_and(|e| e.contains("already exists")));

    // 403: what the role cannot do.
    let (m, _) = failed_create(ApiError::Forbidden(server(
        "StatusForbidden",
        "role viewer is read-only in workspace xfre17eu",
    )));
    let f = dialog(&m).form_ref().unwrap();
    assert!(
        f.server_error()
            .is_some_and(|e| e.contains("your role cannot create secrets")),
        "{:?}",
        f.server_error()
    );
    assert_eq!(
        toast_text(&m),
        "your role cannot create secrets (details in the form)"
    );
    assert!(screen(&m).contains("your role cannot create secrets"));
}

#[test]
fn not_activated_answers_are_explained_like_the_banner() {
    let (m, _) = failed_create(not_activated_error());
    let f = dialog(&m).form_ref().unwrap();
    let e = f.server_error().unwrap_or_default().to_string();
    assert!(e.contains("not activated"), "{e}");
    assert!(!e.contains("your role"), "not a role problem: {e}");
    assert!(toast_text(&m).contains("not activated"));

    // With the banner up (the status caught up meanwhile), its explanation.
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('d'));
    typed(&mut m, "DB_PASSWORD");
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    set_activation(&mut m, ActivationState::NotActivated);
    answer(&mut m, id, Err(not_activated_error()));
    let t = toast_text(&m);
    assert!(t.contains("cannot delete secret DB_PASSWORD"), "{t}");
    assert!(
        t.contains("Workspace not activated yet"),
        "the banner's words: {t}"
    );
    assert!(t.contains("the banner says what to do"), "{t}");
}

#[test]
fn an_unknown_outcome_is_reported_never_retried() {
    for err in [
        ApiError::Timeout(Duration::from_secs(30)),
        ApiError::Server {
            status: 503,
            message: server("InternalFailure", "try later"),
        },
    ] {
        let (m, _) = failed_create(err);
        assert!(m.overlay.is_none(), "the form closes: no blind retry");
        let t = toast_text(&m);
        assert!(t.contains(OUTCOME_UNKNOWN), "{t}");
        assert!(t.contains("create secret NEW_SECRET"), "{t}");
        assert_eq!(toast_level(&m), Some(ToastLevel::Warn));
    }
    // A token whose answer was lost: its value is gone for good.
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, key('n'));
    typed(&mut m, "lost");
    update(&mut m, code(KeyCode::Tab));
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    answer(&mut m, id, Err(ApiError::Timeout(Duration::from_secs(30))));
    assert!(toast_text(&m).contains("revoke it"), "{}", toast_text(&m));
}

#[test]
fn refusals_of_confirmed_actions_show_in_the_toast() {
    let mut m = loaded();
    select(&mut m, '5', "ngc");
    let before = data_fingerprint(&m);
    update(&mut m, key('d'));
    let (id, _) = one_mutation(update(&mut m, key('y')));
    answer(
        &mut m,
        id,
        Err(ApiError::Forbidden(server(
            "StatusForbidden",
            "role viewer is read-only in workspace xfre17eu",
        ))),
    );
    assert_eq!(
        toast_text(&m),
        "your role cannot delete registries (role viewer is read-only in workspace xfre17eu)"
    );
    assert_eq!(data_fingerprint(&m), before);

    // Fetch hints speak of retrying; a write never retries.
    for (err, words) in [
        (
            ApiError::NotFound(server("ResourceNotFound", "registry not found")),
            "it may be gone already",
        ),
        (
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(2)),
                message: server("TooManyRequests", "slow down"),
            },
            "nothing was changed; try again",
        ),
    ] {
        update(&mut m, key('d'));
        let (id, _) = one_mutation(update(&mut m, key('y')));
        answer(&mut m, id, Err(err));
        let t = toast_text(&m);
        assert!(t.contains(words) && !t.contains("retrying"), "{t}");
    }

    // 401 marks the token as rejected (the banner says what to do).
    update(&mut m, key('d'));
    let (id, _) = one_mutation(update(&mut m, key('y')));
    answer(
        &mut m,
        id,
        Err(ApiError::Unauthorized(server("Unauthorized", "revoked"))),
    );
    assert!(m.token_rejected);
    assert!(toast_text(&m).contains("lep login"));
}

#[test]
fn answers_for_another_workspace_or_unknown_ids_change_nothing_here() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    fill_secret(&mut m, "X1", "v", false, "");
    let (id, _) = one_mutation(update(&mut m, code(KeyCode::Enter)));
    update(
        &mut m,
        Msg::Sync(SyncEvent::Mutated {
            id: id + 100,
            workspace: 0,
            result: Ok(MutationOutput::Done),
        }),
    );
    assert!(
        dialog(&m).is_locked(),
        "another id does not unlock the form"
    );
    update(
        &mut m,
        Msg::Sync(SyncEvent::Mutated {
            id,
            workspace: 1,
            result: Ok(MutationOutput::Done),
        }),
    );
    assert!(dialog(&m).is_locked());
}

// ------------------------------------------------------------------ gates

#[test]
fn read_only_mode_opens_nothing_and_says_why() {
    let mut init = sample::init();
    init.read_only = true;
    let mut m = Model::new(init);
    update(&mut m, Msg::Resize(120, 40));
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
    }
    for (pane, keys) in [('2', "ned"), ('3', "nd"), ('4', "ned"), ('5', "nd")] {
        update(&mut m, key(pane));
        for c in keys.chars() {
            let fx = update(&mut m, key(c));
            assert!(fx.is_empty(), "{pane}{c}");
            assert!(m.overlay.is_none(), "{pane}{c}");
            let t = toast_text(&m);
            assert!(
                t.contains("read-only mode: lepdash does not"),
                "{pane}{c}: {t}"
            );
            assert!(t.contains("--read-only"), "{t}");
        }
        let f = footer(&m);
        assert!(f.contains("read-only: no changes"), "{f}");
        assert!(!f.contains("n new") && !f.contains("d delete"), "{f}");
    }
    // Copy still works.
    let fx = update(&mut m, key('y'));
    assert!(matches!(fx.as_slice(), [Effect::Copy(_)]));
    // The help says the changes are off.
    update(&mut m, key('?'));
    assert!(screen(&m).contains("Changes (off: read-only)"));
}

#[test]
fn a_workspace_that_is_not_activated_refuses_changes_up_front() {
    for state in [ActivationState::NotActivated, ActivationState::Pending] {
        let mut m = loaded();
        set_activation(&mut m, state.clone());
        update(&mut m, key('4'));
        for c in ['n', 'e', 'd'] {
            let fx = update(&mut m, key(c));
            assert!(fx.is_empty() && m.overlay.is_none(), "{state:?} {c}");
            let t = toast_text(&m);
            assert!(t.starts_with("cannot "), "{t}");
            assert!(t.contains("changes are refused until"), "{t}");
            let title = if state == ActivationState::Pending {
                "Activation pending review"
            } else {
                "Workspace not activated yet"
            };
            assert!(t.contains(title), "the banner's words: {t}");
        }
        assert_eq!(toast_level(&m), Some(ToastLevel::Warn));
        assert!(
            footer(&m).contains("not activated: no changes"),
            "{}",
            footer(&m)
        );
    }
}

// ------------------------------------------------------------------ copy, help

#[test]
fn copy_says_how_it_was_delivered_and_no_more() {
    let mut m = loaded();
    select(&mut m, '4', "HF_TOK");
    let fx = update(&mut m, key('y'));
    match fx.as_slice() {
        [Effect::Copy(s)] => assert_eq!(s.expose_secret(), "HF_TOKEN"),
        other => panic!("{other:?}"),
    }
    update(
        &mut m,
        Msg::Copied(Ok(
            "sent to the terminal (OSC 52) — your terminal must allow clipboard access".into(),
        )),
    );
    let t = toast_text(&m);
    assert_eq!(
        t,
        "\"HF_TOKEN\": sent to the terminal (OSC 52) — your terminal must allow clipboard access"
    );
    assert!(!t.contains("copied"), "{t}");
    // Templates: the id.
    select(&mut m, '6', "vLLM");
    let fx = update(&mut m, key('y'));
    assert!(matches!(fx.as_slice(), [Effect::Copy(s)] if s.expose_secret() == "vllm-serve"));
}

#[test]
fn footer_and_help_show_what_n_e_d_x_y_do_on_each_pane() {
    let mut m = loaded();
    let expect = [
        (
            '2',
            &["n invite", "e role", "d remove", "y copy"][..],
            &["d delete"][..],
        ),
        ('3', &["n new", "d revoke", "y copy"], &["e "]),
        ('4', &["n new", "e edit value", "d delete", "y copy"], &[]),
        ('5', &["n add", "d delete", "y copy"], &["e "]),
        ('6', &["y copy id"], &["n ", "e ", "d "]),
    ];
    for (pane, has, not) in expect {
        update(&mut m, key(pane));
        let f = footer(&m);
        for h in has {
            assert!(f.contains(h), "pane {pane}: {h:?} in {f:?}");
        }
        for h in not {
            assert!(
                !f.contains(&format!(" {h}")),
                "pane {pane}: {h:?} not in {f:?}"
            );
        }
    }
    // Help on Tokens: what each key does here (tall enough for all of it).
    update(&mut m, Msg::Resize(120, 60));
    update(&mut m, key('3'));
    update(&mut m, key('?'));
    let s = screen(&m);
    for text in [
        "Tokens pane",
        "create a token",
        "revoke (type the name)",
        "show a new token's value",
        "copy the token name",
    ] {
        assert!(s.contains(text), "{text:?} in help:\n{s}");
    }
    // Only what works here (issue 13): no row for `e`, none "not on this pane".
    assert!(
        !s.contains("not on this pane") && !s.contains("edit  "),
        "{s}"
    );
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('4'));
    update(&mut m, key('?'));
    let s = screen(&m);
    assert!(s.contains("replace the value") && s.contains("delete (type the name)"));
}

#[test]
fn rebound_keys_open_the_same_dialogs() {
    let mut init = sample::init();
    init.key_overrides.insert("new".into(), vec!["a".into()]);
    let mut m = Model::new(init);
    update(&mut m, Msg::Resize(120, 40));
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
    }
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    assert!(m.overlay.is_none(), "n is no longer bound");
    update(&mut m, key('a'));
    assert_eq!(form_kind(&m), FormKind::CreateSecret);
    update(&mut m, code(KeyCode::Esc));
    assert!(footer(&m).contains("a new"), "{}", footer(&m));
}
