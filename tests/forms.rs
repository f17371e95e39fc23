//! Behaviour of the management forms, confirmation dialogs and the token
//! dialog: the exact mutations, validation failures, keys, paste, the
//! submitting lock, and that secret values never leak into Debug or the screen.

mod dialog_look;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use dialog_look::{km, look};
use lepdash::api::ApiError;
use lepdash::api::types::{Member, MemberStatus, Role, Visibility};
use lepdash::app::forms::{
    Confirm, ConfirmOutcome, Destructive, Display, FieldId, Form, FormKind, FormOutcome,
    RevealOutcome, Submission, SubmitError, TokenReveal,
};
use lepdash::protocol::Mutation;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::{ExposeSecret, SecretString};

/// 2026-11-28T12:00:00Z
const NOW_MS: i64 = 1_795_867_200_000;
const CANARY: &str = "canary-7f3e-SECRET";

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn type_str(form: &mut Form, text: &str) {
    for c in text.chars() {
        form.handle_key(key(KeyCode::Char(c)), km());
    }
}

fn tab(form: &mut Form) {
    form.handle_key(key(KeyCode::Tab), km());
}

fn send(form: &mut Form) -> Mutation {
    match form.submit(NOW_MS) {
        Ok(Submission::Send(m)) => m,
        Ok(Submission::Confirm(d)) => panic!("unexpected confirm {d:?}"),
        Err(e) => panic!("invalid form: {e:?}; {:#?}", errors(form)),
    }
}

fn errors(form: &Form) -> Vec<(FieldId, String)> {
    form.fields()
        .iter()
        .filter_map(|f| f.error().map(|e| (f.id(), e.to_string())))
        .collect()
}

fn member(id: &str, email: &str, role: Role) -> Member {
    Member {
        id: id.into(),
        email: email.into(),
        name: None,
        role,
        status: MemberStatus::Active,
        invited_by: None,
        created_at: None,
        last_active_at: None,
    }
}

fn screen(draw: impl FnOnce(&mut ratatui::Frame)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(draw).unwrap();
    terminal.backend().to_string()
}

// ---------------------------------------------------------------- secrets

#[test]
fn create_secret_happy_path() {
    let mut form = Form::create_secret(&["OTHER".to_string()]);
    assert_eq!(form.focused().unwrap().id(), FieldId::SecretName);
    type_str(&mut form, "HF_TOKEN");
    tab(&mut form);
    type_str(&mut form, "hf_abc");
    // Enter on a field that is not the last moves on.
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Changed
    );
    assert_eq!(form.focused().unwrap().id(), FieldId::Visibility);
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Changed
    );
    assert_eq!(form.focused().unwrap().id(), FieldId::Tags);
    // Enter on the last field submits.
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Submit
    );
    match send(&mut form) {
        Mutation::PutSecrets { items, overwrite } => {
            assert!(!overwrite);
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].name, "HF_TOKEN");
            assert_eq!(items[0].value.expose_secret(), "hf_abc");
            assert_eq!(items[0].visibility, Some(Visibility::Private));
            assert!(items[0].tags.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(form.is_submitting());
}

#[test]
fn create_public_secret() {
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "PUB_KEY");
    tab(&mut form);
    type_str(&mut form, "ssh-ed25519 AAAA");
    tab(&mut form);
    assert_eq!(
        form.handle_key(key(KeyCode::Char(' ')), km()),
        FormOutcome::Changed
    );
    assert_eq!(form.handle_key(ctrl('s'), km()), FormOutcome::Submit);
    match send(&mut form) {
        Mutation::PutSecrets { items, .. } => {
            assert_eq!(items[0].visibility, Some(Visibility::Public));
        }
        other => panic!("{other:?}"),
    }
}

fn secret_name_error(name: &str, existing: &[String]) -> String {
    let mut form = Form::create_secret(existing);
    type_str(&mut form, name);
    tab(&mut form);
    type_str(&mut form, "v");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(!form.is_submitting());
    assert_eq!(form.focused().unwrap().id(), FieldId::SecretName);
    form.error(FieldId::SecretName).unwrap().to_string()
}

#[test]
fn secret_name_failures() {
    assert!(secret_name_error("LEPTON_WORKSPACE_ID", &[]).contains("reserved"));
    assert!(secret_name_error("LEPTON_JOB_NAME", &[]).contains("reserved"));
    assert!(secret_name_error("lepton_custom", &[]).contains("reserved"));
    assert!(secret_name_error("9ABC", &[]).contains("first character"));
    assert!(secret_name_error("a b", &[]).contains("letters, digits"));
    assert!(secret_name_error(&"A".repeat(254), &[]).contains("at most 253"));
    assert!(secret_name_error("", &[]).contains("enter a name"));
    let existing = secret_name_error("HF_TOKEN", &["HF_TOKEN".to_string()]);
    assert!(existing.contains("already exists"), "{existing}");
    assert!(existing.contains("press e"), "{existing}");
}

#[test]
fn lepton_workspace_token_is_allowed() {
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "LEPTON_WORKSPACE_TOKEN");
    tab(&mut form);
    type_str(&mut form, "x");
    assert!(matches!(form.submit(NOW_MS), Ok(Submission::Send(_))));
}

#[test]
fn empty_secret_value() {
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "OK_NAME");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert_eq!(form.error(FieldId::SecretName), None);
    assert!(
        form.error(FieldId::SecretValue)
            .unwrap()
            .contains("cannot be empty")
    );
    assert_eq!(form.focused().unwrap().id(), FieldId::SecretValue);
}

#[test]
fn inline_validation_after_leaving_a_field() {
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "LEPTON_X");
    // Not judged while typing the first time...
    assert_eq!(form.error(FieldId::SecretName), None);
    // ...but when the field is left,
    tab(&mut form);
    assert!(form.error(FieldId::SecretName).is_some());
    // and then live while it is fixed.
    form.handle_key(key(KeyCode::BackTab), km());
    form.handle_key(ctrl('u'), km());
    type_str(&mut form, "X");
    assert_eq!(form.error(FieldId::SecretName), None);
}

/// Issue 13: Enter on an invalid field shows the error and stays there;
/// on a valid one it goes on. The hint says what Enter does on each field.
#[test]
fn enter_on_an_invalid_field_stays() {
    let mut form = Form::create_secret(&[]);
    assert!(
        form.help_line(km()).contains("Tab/Enter next"),
        "{}",
        form.help_line(km())
    );
    assert!(
        form.help_line(km()).contains("Ctrl-S submit"),
        "{}",
        form.help_line(km())
    );
    assert!(
        !form.help_line(km()).contains("Enter submit"),
        "{}",
        form.help_line(km())
    );
    type_str(&mut form, "LEPTON_X");
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Changed
    );
    assert!(form.error(FieldId::SecretName).is_some());
    assert_eq!(
        form.focused().map(|f| f.id()),
        Some(FieldId::SecretName),
        "stays"
    );
    form.handle_key(ctrl('u'), km());
    type_str(&mut form, "GOOD_NAME");
    form.handle_key(key(KeyCode::Enter), km());
    assert_ne!(
        form.focused().map(|f| f.id()),
        Some(FieldId::SecretName),
        "moves on"
    );
}

#[test]
fn update_secret_needs_overwrite_confirm() {
    let mut form = Form::update_secret("HF_TOKEN");
    assert_eq!(
        form.kind(),
        &FormKind::UpdateSecret {
            name: "HF_TOKEN".into()
        }
    );
    assert_eq!(form.focused().unwrap().id(), FieldId::SecretValue);
    // Empty value first.
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(form.error(FieldId::SecretValue).is_some());
    form.handle_paste(CANARY);
    let action = match form.submit(NOW_MS) {
        Ok(Submission::Confirm(d)) => d,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        action,
        Destructive::OverwriteSecret {
            name: "HF_TOKEN".into()
        }
    );
    // Asking for the confirm neither locks the form nor moves the value.
    assert!(!form.is_submitting());
    assert!(matches!(
        form.field(FieldId::SecretValue).unwrap().display(),
        Display::Masked { len: 18, .. }
    ));
    let mut confirm = Confirm::new(action);
    assert_eq!(confirm.action().typed_confirmation(), None);
    let confirmed = match confirm.handle_key(key(KeyCode::Char('y')), km()) {
        ConfirmOutcome::Confirmed(d) => d,
        other => panic!("{other:?}"),
    };
    assert!(confirmed.clone().into_mutation().is_none());
    match form.submit_confirmed(NOW_MS).unwrap() {
        Mutation::PutSecrets { items, overwrite } => {
            assert!(overwrite);
            assert_eq!(items[0].name, "HF_TOKEN");
            assert_eq!(items[0].value.expose_secret(), CANARY);
            assert_eq!(items[0].visibility, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(form.is_submitting());
    assert_eq!(
        form.submit_confirmed(NOW_MS).unwrap_err(),
        SubmitError::AlreadySubmitting
    );
}

// ---------------------------------------------------------------- members

#[test]
fn invite_member_happy_path() {
    let mut form = Form::invite_member(vec!["alice@example.com".into()]);
    type_str(&mut form, " bob@example.com ");
    tab(&mut form);
    assert_eq!(
        form.handle_key(key(KeyCode::Right), km()),
        FormOutcome::Changed
    );
    match send(&mut form) {
        Mutation::InviteMember(req) => {
            assert_eq!(req.email, "bob@example.com");
            assert_eq!(req.role, Role::Viewer);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invite_default_role_is_user() {
    let mut form = Form::invite_member(vec![]);
    form.handle_paste("carol@example.com\n");
    match send(&mut form) {
        Mutation::InviteMember(req) => {
            assert_eq!(req.email, "carol@example.com");
            assert_eq!(req.role, Role::User);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invite_bad_email_and_duplicate() {
    let mut form = Form::invite_member(vec!["Alice@Example.com".into()]);
    type_str(&mut form, "not-an-email");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(form.error(FieldId::Email).unwrap().contains("not an email"));

    let mut form = Form::invite_member(vec!["Alice@Example.com".into()]);
    type_str(&mut form, "alice@example.com");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(
        form.error(FieldId::Email)
            .unwrap()
            .contains("already a member or has a pending invitation")
    );
}

#[test]
fn change_role_happy_path() {
    let members = vec![
        member("u-1", "alice@example.com", Role::Admin),
        member("u-2", "bob@example.com", Role::User),
    ];
    let mut form = Form::change_role("u-2", "bob@example.com", Role::User, &members);
    assert_eq!(form.focused().unwrap().id(), FieldId::Role);
    form.handle_key(key(KeyCode::Left), km());
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Submit
    );
    match send(&mut form) {
        Mutation::ChangeRole { id, email, role } => {
            assert_eq!(id, "u-2");
            assert_eq!(email, "bob@example.com");
            assert_eq!(role, Role::Admin);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn change_role_to_the_same_role_is_refused() {
    let members = vec![member("u-2", "bob@example.com", Role::User)];
    let mut form = Form::change_role("u-2", "bob@example.com", Role::User, &members);
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(form.error(FieldId::Role).unwrap().contains("current role"));
}

#[test]
fn last_admin_cannot_be_demoted() {
    let members = vec![
        member("u-1", "alice@example.com", Role::Admin),
        member("u-2", "bob@example.com", Role::User),
    ];
    let mut form = Form::change_role("u-1", "alice@example.com", Role::Admin, &members);
    // The explanation is on the form from the start.
    assert!(form.fields().iter().any(|f| f.is_warning()
        && matches!(f.display(), Display::Info { text } if text.contains("only active admin"))));
    form.handle_key(key(KeyCode::Right), km());
    // A choice is judged at once.
    let err = form.error(FieldId::Role).unwrap().to_string();
    assert!(err.contains("at least one admin"), "{err}");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);

    // With a second admin it is fine.
    let mut members = members;
    members.push(member("u-3", "carol@example.com", Role::Admin));
    let mut form = Form::change_role("u-1", "alice@example.com", Role::Admin, &members);
    form.handle_key(key(KeyCode::Right), km());
    assert!(matches!(
        send(&mut form),
        Mutation::ChangeRole {
            role: Role::User,
            ..
        }
    ));
}

#[test]
fn change_role_from_a_custom_role() {
    let current = Role::Unknown("ml-eng".into());
    let members = vec![member("u-9", "dan@example.com", current.clone())];
    let mut form = Form::change_role("u-9", "dan@example.com", current, &members);
    assert!(matches!(
        send(&mut form),
        Mutation::ChangeRole {
            role: Role::User,
            ..
        }
    ));
}

// ---------------------------------------------------------------- tokens

fn token_form(name: &str) -> Form {
    let mut form = Form::create_token(vec!["laptop".into()]);
    type_str(&mut form, name);
    tab(&mut form);
    form
}

#[test]
fn create_token_presets() {
    for (rights, seconds) in [(0, 86_400), (1, 604_800), (2, 2_592_000), (3, 7_776_000)] {
        let mut form = token_form(" ci runner ");
        for _ in 0..rights {
            form.handle_key(key(KeyCode::Right), km());
        }
        match send(&mut form) {
            Mutation::CreateToken(req) => {
                assert_eq!(req.name, "ci runner");
                assert!(req.scopes.is_empty());
                assert_eq!(req.expires_in, seconds);
            }
            other => panic!("{other:?}"),
        }
    }
}

fn date_form(date: &str) -> Form {
    let mut form = token_form("ci");
    form.handle_key(key(KeyCode::Left), km()); // wraps to "until a date"
    assert!(!form.field(FieldId::ExpiryDate).unwrap().is_hidden());
    tab(&mut form);
    assert_eq!(form.focused().unwrap().id(), FieldId::ExpiryDate);
    type_str(&mut form, date);
    form
}

#[test]
fn create_token_until_a_date() {
    let mut form = date_form("2026-12-28");
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Submit
    );
    match send(&mut form) {
        Mutation::CreateToken(req) => {
            // Through the end of 2026-12-28 UTC: 30 days and 12 hours from now.
            assert_eq!(req.expires_in, 30 * 86_400 + 12 * 3600);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_token_bad_and_past_dates() {
    let mut form = date_form("2026-13-01");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(
        form.error(FieldId::ExpiryDate)
            .unwrap()
            .contains("YYYY-MM-DD")
    );

    let mut form = date_form("28.12.2026");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);

    for past in ["2026-11-28", "2025-01-01"] {
        let mut form = date_form(past);
        assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
        assert!(
            form.error(FieldId::ExpiryDate)
                .unwrap()
                .contains("after today")
        );
    }
}

#[test]
fn hidden_date_is_skipped_and_ignored() {
    let mut form = token_form("ci");
    // Date field hidden: Tab wraps to the name, Enter on Expires submits.
    assert!(form.field(FieldId::ExpiryDate).unwrap().is_hidden());
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Submit
    );
    tab(&mut form);
    assert_eq!(form.focused().unwrap().id(), FieldId::TokenName);
}

#[test]
fn token_name_failures() {
    let mut form = token_form("   ");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(
        form.error(FieldId::TokenName)
            .unwrap()
            .contains("enter a name")
    );
    let mut form = token_form("Laptop");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(
        form.error(FieldId::TokenName)
            .unwrap()
            .contains("already have")
    );
}

// ---------------------------------------------------------------- registries

#[test]
fn add_registry_ngc_happy_path() {
    let mut form = Form::add_registry(vec!["old".into()]);
    assert_eq!(form.text(FieldId::Server), Some("nvcr.io"));
    assert_eq!(form.text(FieldId::Username), Some("$oauthtoken"));
    tab(&mut form);
    type_str(&mut form, "ngc-pull");
    assert!(form.focus_field(FieldId::Password));
    form.handle_paste("nvapi-key\n");
    match send(&mut form) {
        Mutation::AddRegistry(w) => {
            assert_eq!(w.metadata.name.as_deref(), Some("ngc-pull"));
            assert_eq!(w.metadata.id.as_deref(), Some("ngc-pull"));
            assert_eq!(w.spec.registry_server, "nvcr.io");
            assert_eq!(w.spec.username, "$oauthtoken");
            assert_eq!(w.spec.password.expose_secret(), "nvapi-key");
            assert_eq!(w.spec.email, None);
            assert_eq!(w.spec.provider.as_deref(), Some("ngc"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn provider_presets_follow_the_choice() {
    let mut form = Form::add_registry(vec![]);
    form.handle_key(key(KeyCode::Right), km()); // Docker Hub
    assert_eq!(
        form.text(FieldId::Server),
        Some("https://index.docker.io/v1/")
    );
    assert_eq!(form.text(FieldId::Username), Some(""));
    form.handle_key(key(KeyCode::Right), km()); // GitHub
    assert_eq!(form.text(FieldId::Server), Some("ghcr.io"));
    // A server the user typed survives a provider change.
    form.focus_field(FieldId::Server);
    form.handle_key(ctrl('u'), km());
    type_str(&mut form, "registry.example.com");
    form.focus_field(FieldId::Provider);
    form.handle_key(key(KeyCode::Right), km()); // ECR
    assert_eq!(form.text(FieldId::Server), Some("registry.example.com"));
    assert_eq!(form.text(FieldId::Username), Some("AWS"));
    form.handle_key(key(KeyCode::Right), km()); // Custom
    assert_eq!(form.text(FieldId::Username), Some(""));
}

fn ecr_form(server: &str) -> Form {
    let mut form = Form::add_registry(vec![]);
    for _ in 0..3 {
        form.handle_key(key(KeyCode::Right), km());
    }
    tab(&mut form);
    type_str(&mut form, "ecr");
    tab(&mut form);
    type_str(&mut form, server);
    form.focus_field(FieldId::Password);
    type_str(&mut form, "pw");
    form
}

#[test]
fn add_registry_ecr() {
    let mut form = ecr_form("123456789012.dkr.ecr.us-east-1.amazonaws.com");
    form.focus_field(FieldId::RegistryEmail);
    type_str(&mut form, "ops@example.com");
    match send(&mut form) {
        Mutation::AddRegistry(w) => {
            assert_eq!(
                w.spec.registry_server,
                "123456789012.dkr.ecr.us-east-1.amazonaws.com"
            );
            assert_eq!(w.spec.username, "AWS");
            assert_eq!(w.spec.email.as_deref(), Some("ops@example.com"));
            assert_eq!(w.spec.provider.as_deref(), Some("ecr"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_ecr_server() {
    let mut form = ecr_form("123.dkr.ecr.us-east-1.amazonaws.com");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(form.error(FieldId::Server).unwrap().contains("dkr.ecr"));
    assert_eq!(form.focused().unwrap().id(), FieldId::Server);
}

#[test]
fn missing_password_and_bad_name() {
    let mut form = Form::add_registry(vec!["taken".into()]);
    tab(&mut form);
    type_str(&mut form, "Bad_Name");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(
        form.error(FieldId::RegistryName)
            .unwrap()
            .contains("lowercase")
    );
    assert!(form.error(FieldId::Password).unwrap().contains("password"));
    assert_eq!(form.focused().unwrap().id(), FieldId::RegistryName);

    let mut form = Form::add_registry(vec!["taken".into()]);
    tab(&mut form);
    type_str(&mut form, "taken");
    form.focus_field(FieldId::Password);
    type_str(&mut form, "pw");
    assert_eq!(form.submit(NOW_MS).unwrap_err(), SubmitError::Invalid);
    assert!(
        form.error(FieldId::RegistryName)
            .unwrap()
            .contains("already exists")
    );
}

// ---------------------------------------------------------------- keys

#[test]
fn esc_cancels_without_effect() {
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "NAME");
    assert_eq!(
        form.handle_key(key(KeyCode::Esc), km()),
        FormOutcome::Cancel
    );
    assert!(!form.is_submitting());
    assert_eq!(form.text(FieldId::SecretName), Some("NAME"));
}

#[test]
fn release_events_are_ignored() {
    let mut form = Form::create_secret(&[]);
    let mut release = key(KeyCode::Char('a'));
    release.kind = KeyEventKind::Release;
    assert_eq!(form.handle_key(release, km()), FormOutcome::None);
    assert_eq!(form.text(FieldId::SecretName), Some(""));
}

#[test]
fn navigation_wraps_and_skips_info_lines() {
    let mut form = Form::update_secret("X");
    // Only one focusable field: Tab goes nowhere, Enter submits.
    assert_eq!(form.handle_key(key(KeyCode::Tab), km()), FormOutcome::None);
    assert_eq!(
        form.handle_key(key(KeyCode::Enter), km()),
        FormOutcome::Submit
    );

    let mut form = Form::create_secret(&[]);
    form.handle_key(key(KeyCode::Up), km());
    assert_eq!(form.focused().unwrap().id(), FieldId::Tags);
    form.handle_key(key(KeyCode::Down), km());
    assert_eq!(form.focused().unwrap().id(), FieldId::SecretName);
}

#[test]
fn submitting_locks_the_form() {
    let mut form = Form::invite_member(vec![]);
    type_str(&mut form, "bob@example.com");
    let _ = send(&mut form);
    assert!(form.is_submitting());
    for k in [
        key(KeyCode::Char('x')),
        key(KeyCode::Enter),
        ctrl('s'),
        key(KeyCode::Esc),
        key(KeyCode::Tab),
    ] {
        assert_eq!(form.handle_key(k, km()), FormOutcome::None);
    }
    assert_eq!(form.handle_paste("zzz"), FormOutcome::None);
    assert_eq!(form.text(FieldId::Email), Some("bob@example.com"));
    assert_eq!(
        form.submit(NOW_MS).unwrap_err(),
        SubmitError::AlreadySubmitting
    );
    // The server's answer unlocks it.
    form.set_server_error("user is already a member of this workspace".into());
    assert!(!form.is_submitting());
    assert!(
        form.error(FieldId::Email)
            .unwrap()
            .contains("already a member")
    );
    assert_eq!(form.server_error(), None);
}

#[test]
fn paste_into_single_line_fields_drops_newlines() {
    let mut form = Form::create_secret(&[]);
    assert_eq!(form.handle_paste("MY_\r\nKEY\n"), FormOutcome::Changed);
    assert_eq!(form.text(FieldId::SecretName), Some("MY_KEY"));
    tab(&mut form);
    form.handle_paste("line1\r\nline2\n");
    match send(&mut form) {
        Mutation::PutSecrets { items, .. } => {
            // Secret values keep inner newlines (PEM keys), not trailing ones.
            assert_eq!(items[0].value.expose_secret(), "line1\nline2");
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- secrecy

#[test]
fn masked_value_is_moved_out_and_never_shown() {
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "KEY");
    tab(&mut form);
    type_str(&mut form, CANARY);
    assert!(!format!("{form:?}").contains(CANARY));
    let masked = screen(|f| lepdash::ui::form::render_form(f, f.area(), &form, look(false)));
    assert!(!masked.contains(CANARY), "{masked}");
    assert!(masked.contains("••••"), "{masked}");

    // Revealed only while toggled, and only on the focused field.
    assert_eq!(form.handle_key(ctrl('r'), km()), FormOutcome::Changed);
    let shown = screen(|f| lepdash::ui::form::render_form(f, f.area(), &form, look(true)));
    assert!(shown.contains(CANARY));
    assert_eq!(
        form.handle_key(key(KeyCode::F(2)), km()),
        FormOutcome::Changed
    );
    assert!(matches!(
        form.field(FieldId::SecretValue).unwrap().display(),
        Display::Masked { .. }
    ));
    form.handle_key(ctrl('r'), km());
    tab(&mut form);
    assert!(matches!(
        form.field(FieldId::SecretValue).unwrap().display(),
        Display::Masked { .. }
    ));

    let mutation = send(&mut form);
    assert!(!format!("{mutation:?}").contains(CANARY));
    match &mutation {
        Mutation::PutSecrets { items, .. } => assert_eq!(items[0].value.expose_secret(), CANARY),
        other => panic!("{other:?}"),
    }
    // Gone from the form.
    assert!(matches!(
        form.field(FieldId::SecretValue).unwrap().display(),
        Display::Masked { len: 0, .. }
    ));
    form.set_server_error("internal failure".into());
    assert!(!format!("{form:?}").contains(CANARY));
    let after = screen(|f| lepdash::ui::form::render_form(f, f.area(), &form, look(false)));
    assert!(!after.contains(CANARY));
    assert!(after.contains("enter it again"), "{after}");
}

#[test]
fn registry_password_moved_out() {
    let mut form = Form::add_registry(vec![]);
    tab(&mut form);
    type_str(&mut form, "r");
    form.focus_field(FieldId::Password);
    form.handle_paste(CANARY);
    assert!(!format!("{form:?}").contains(CANARY));
    let m = send(&mut form);
    assert!(!format!("{form:?}").contains(CANARY));
    assert!(!format!("{m:?}").contains(CANARY));
}

// ---------------------------------------------------------------- server errors

#[test]
fn api_errors_map_to_fields() {
    let conflict = ApiError::from_status(
        409,
        None,
        br#"{"code":"ResourceConflict","message":"exists"}"#,
    );
    let mut form = Form::create_token(vec![]);
    type_str(&mut form, "ci");
    let _ = send(&mut form);
    form.set_api_error(&conflict);
    assert!(!form.is_submitting());
    assert!(form.error(FieldId::TokenName).unwrap().contains("exists"));

    let forbidden =
        ApiError::from_status(403, None, br#"{"code":"StatusForbidden","message":"no"}"#);
    let mut form = Form::invite_member(vec![]);
    type_str(&mut form, "bob@example.com");
    let _ = send(&mut form);
    form.set_api_error(&forbidden);
    assert!(
        form.server_error()
            .unwrap()
            .contains("your role cannot invite members")
    );

    let bad = ApiError::from_status(
        400,
        None,
        br#"{"code":"ValidationError","message":"environment variable names are not allowed to start with lepton_"}"#,
    );
    let mut form = Form::create_secret(&[]);
    type_str(&mut form, "X");
    tab(&mut form);
    type_str(&mut form, "v");
    let _ = send(&mut form);
    form.set_api_error(&bad);
    assert!(form.error(FieldId::SecretName).unwrap().contains("lepton_"));
    assert_eq!(form.focused().unwrap().id(), FieldId::SecretName);

    // Unrelated: below the fields.
    let mut form = Form::change_role(
        "u-1",
        "a@example.com",
        Role::User,
        &[member("u-1", "a@example.com", Role::User)],
    );
    form.handle_key(key(KeyCode::Right), km());
    let _ = send(&mut form);
    form.set_server_error("internal failure".into());
    assert_eq!(form.server_error(), Some("internal failure"));
}

// ---------------------------------------------------------------- confirm

fn revoke(own: bool) -> Destructive {
    Destructive::RevokeToken {
        id: "tok-1".into(),
        name: "laptop".into(),
        own,
    }
}

#[test]
fn typed_confirmation_must_match_exactly() {
    let mut c = Confirm::new(Destructive::DeleteSecret {
        name: "HF_TOKEN".into(),
    });
    // y and Enter alone do not confirm an irreversible action.
    assert_eq!(
        c.handle_key(key(KeyCode::Char('y')), km()),
        ConfirmOutcome::Changed
    );
    assert_eq!(
        c.handle_key(key(KeyCode::Enter), km()),
        ConfirmOutcome::Changed
    );
    assert!(c.mismatch());
    c.handle_key(key(KeyCode::Backspace), km());
    assert!(!c.mismatch());
    for ch in "hf_token".chars() {
        c.handle_key(key(KeyCode::Char(ch)), km());
    }
    assert_eq!(
        c.handle_key(key(KeyCode::Enter), km()),
        ConfirmOutcome::Changed
    );
    c.handle_key(ctrl('u'), km());
    assert_eq!(c.typed().value(), "");
    c.handle_paste("HF_TOKEN\n");
    assert!(c.matches());
    assert_eq!(
        c.handle_key(key(KeyCode::Enter), km()),
        ConfirmOutcome::Confirmed(Destructive::DeleteSecret {
            name: "HF_TOKEN".into()
        })
    );
    assert!(matches!(
        c.into_mutation(),
        Some(Mutation::DeleteSecret { name }) if name == "HF_TOKEN"
    ));
}

#[test]
fn confirm_esc_cancels() {
    let mut c = Confirm::new(revoke(false));
    assert_eq!(
        c.handle_key(key(KeyCode::Esc), km()),
        ConfirmOutcome::Cancel
    );
    let mut c = Confirm::new(Destructive::DeleteRegistry {
        id: "r-1".into(),
        name: "ngc".into(),
    });
    assert_eq!(
        c.handle_key(key(KeyCode::Char('n')), km()),
        ConfirmOutcome::Cancel
    );
    assert_eq!(
        c.handle_key(key(KeyCode::Char('z')), km()),
        ConfirmOutcome::None
    );
    assert!(matches!(
        c.handle_key(key(KeyCode::Enter), km()),
        ConfirmOutcome::Confirmed(_)
    ));
}

#[test]
fn what_needs_typing() {
    let remove = Destructive::RemoveMember {
        id: "u-2".into(),
        email: "bob@example.com".into(),
    };
    assert_eq!(remove.typed_confirmation(), Some("bob@example.com"));
    assert_eq!(revoke(false).typed_confirmation(), Some("laptop"));
    assert_eq!(
        Destructive::DeleteSecret { name: "A".into() }.typed_confirmation(),
        Some("A")
    );
    assert_eq!(
        Destructive::OverwriteSecret { name: "A".into() }.typed_confirmation(),
        None
    );
    assert_eq!(
        Destructive::DeleteRegistry {
            id: "r".into(),
            name: "n".into()
        }
        .typed_confirmation(),
        None
    );
    assert!(remove.explanation().contains("cannot be undone"));
    assert_eq!(remove.verb(), "remove members");
    assert_eq!(
        remove.forbidden_message(),
        "your role cannot remove members"
    );
    assert_eq!(
        remove.log_line(),
        "remove member id=u-2 email=bob@example.com"
    );
}

#[test]
fn own_token_warning() {
    let own = revoke(true).explanation();
    assert!(own.contains("lepdash itself is using this token"), "{own}");
    assert!(own.contains("loses access"), "{own}");
    assert!(!revoke(false).explanation().contains("lepdash itself"));
    assert!(revoke(true).title().contains("used by lepdash"));
    assert_eq!(
        revoke(true).log_line(),
        "revoke token id=tok-1 name=laptop own=true"
    );
}

#[test]
fn mutations_of_destructive_actions() {
    assert!(matches!(
        revoke(true).into_mutation(),
        Some(Mutation::RevokeToken { id, name }) if id == "tok-1" && name == "laptop"
    ));
    assert!(matches!(
        Destructive::RemoveMember { id: "u".into(), email: "e@x.io".into() }.into_mutation(),
        Some(Mutation::RemoveMember { id, email }) if id == "u" && email == "e@x.io"
    ));
    assert!(matches!(
        Destructive::DeleteRegistry { id: "r-1".into(), name: "ngc".into() }.into_mutation(),
        Some(Mutation::DeleteRegistry { id }) if id == "r-1"
    ));
}

// ---------------------------------------------------------------- token reveal

#[test]
fn token_reveal_dialog() {
    let mut r = TokenReveal::new("laptop", SecretString::from(CANARY));
    assert!(!r.is_shown());
    assert!(!format!("{r:?}").contains(CANARY));
    let hidden = screen(|f| lepdash::ui::form::render_token_reveal(f, f.area(), &r, look(false)));
    assert!(!hidden.contains(CANARY));
    assert!(hidden.contains("This token will not be shown again"));

    assert_eq!(
        r.handle_key(key(KeyCode::Char('y')), km()),
        RevealOutcome::Copy
    );
    assert_eq!(r.plaintext().expose_secret(), CANARY);

    // Esc before copying or showing asks again.
    assert_eq!(
        r.handle_key(key(KeyCode::Esc), km()),
        RevealOutcome::Changed
    );
    assert!(r.is_close_armed());
    assert_eq!(r.handle_key(key(KeyCode::Esc), km()), RevealOutcome::Close);

    let mut r = TokenReveal::new("laptop", SecretString::from(CANARY));
    assert_eq!(
        r.handle_key(key(KeyCode::Char('x')), km()),
        RevealOutcome::Changed
    );
    assert!(r.is_shown());
    let shown = screen(|f| lepdash::ui::form::render_token_reveal(f, f.area(), &r, look(false)));
    assert!(shown.contains(CANARY));
    r.handle_key(key(KeyCode::Char('x')), km());
    assert!(!r.is_shown());
    // Seen once: Esc closes at once.
    assert_eq!(r.handle_key(key(KeyCode::Esc), km()), RevealOutcome::Close);

    let mut r = TokenReveal::new("laptop", SecretString::from(CANARY));
    r.mark_copied();
    assert_eq!(
        r.handle_key(key(KeyCode::Enter), km()),
        RevealOutcome::Close
    );
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut form = Form::add_registry(vec![]);
    let _ = form.submit(NOW_MS);
    form.set_server_error("x ".repeat(100));
    let confirm = Confirm::new(revoke(true));
    let reveal = TokenReveal::new("t", SecretString::from(CANARY));
    for (w, h) in [(1, 1), (5, 3), (20, 6), (40, 10), (80, 8), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| lepdash::ui::form::render_form(f, f.area(), &form, look(false)))
            .unwrap();
        terminal
            .draw(|f| lepdash::ui::form::render_confirm(f, f.area(), &confirm, look(true)))
            .unwrap();
        terminal
            .draw(|f| lepdash::ui::form::render_token_reveal(f, f.area(), &reveal, look(false)))
            .unwrap();
    }
}

#[test]
fn focused_row_stays_visible_on_a_short_terminal() {
    let mut form = Form::add_registry(vec![]);
    let _ = form.submit(NOW_MS); // errors under every field
    form.focus_field(FieldId::RegistryEmail);
    type_str(&mut form, "bad");
    let mut terminal = Terminal::new(TestBackend::new(80, 12)).unwrap();
    terminal
        .draw(|f| lepdash::ui::form::render_form(f, f.area(), &form, look(false)))
        .unwrap();
    let text = terminal.backend().to_string();
    assert!(text.contains("› Email"), "{text}");
    assert!(text.contains("Esc cancel"), "{text}");
}

// ---------------------------------------------------------------- dialog driver

use lepdash::app::forms::{Dialog, DialogOutcome};

#[test]
fn dialog_update_secret_goes_through_overwrite_confirm() {
    let mut d = Dialog::form(Form::update_secret("HF_TOKEN"));
    assert!(matches!(d.handle_paste(CANARY), DialogOutcome::Changed));
    assert!(matches!(
        d.handle_key(key(KeyCode::Enter), km(), NOW_MS),
        DialogOutcome::Changed
    ));
    assert_eq!(
        d.confirm_ref().unwrap().action(),
        &Destructive::OverwriteSecret {
            name: "HF_TOKEN".into()
        }
    );
    // The confirm gets the keys; n goes back to the form, value kept.
    assert!(matches!(
        d.handle_key(key(KeyCode::Char('n')), km(), NOW_MS),
        DialogOutcome::Changed
    ));
    assert!(d.confirm_ref().is_none());
    assert!(matches!(
        d.form_ref()
            .unwrap()
            .field(FieldId::SecretValue)
            .unwrap()
            .display(),
        Display::Masked { len: 18, .. }
    ));
    // Both drawn, the value masked.
    d.handle_key(key(KeyCode::Enter), km(), NOW_MS);
    let text = screen(|f| lepdash::ui::form::render_dialog(f, f.area(), &d, look(false)));
    assert!(text.contains("Replace the value of HF_TOKEN?"), "{text}");
    assert!(!text.contains(CANARY));
    match d.handle_key(key(KeyCode::Char('y')), km(), NOW_MS) {
        DialogOutcome::Mutate {
            mutation: Mutation::PutSecrets { items, overwrite },
            close,
        } => {
            assert!(overwrite && !close);
            assert_eq!(items[0].value.expose_secret(), CANARY);
        }
        other => panic!("{other:?}"),
    }
    assert!(d.form_ref().unwrap().is_submitting());
    assert!(!format!("{d:?}").contains(CANARY));
    // Failure: back in the form, unlocked, with the reason.
    assert!(d.mutation_failed(&ApiError::from_status(500, None, b"boom")));
    let form = d.form_ref().unwrap();
    assert!(!form.is_submitting());
    assert!(form.server_error().unwrap().contains("boom"));
}

#[test]
fn dialog_plain_confirm_and_form_cancel() {
    let mut d = Dialog::confirm(Destructive::DeleteRegistry {
        id: "r-1".into(),
        name: "ngc".into(),
    });
    match d.handle_key(key(KeyCode::Enter), km(), NOW_MS) {
        DialogOutcome::Mutate {
            mutation: Mutation::DeleteRegistry { id },
            close: true,
        } => assert_eq!(id, "r-1"),
        other => panic!("{other:?}"),
    }
    let mut d = Dialog::confirm(revoke(false));
    assert!(matches!(
        d.handle_key(key(KeyCode::Esc), km(), NOW_MS),
        DialogOutcome::Close
    ));
    assert!(!d.mutation_failed(&ApiError::from_status(500, None, b"")));

    let mut d = Dialog::form(Form::invite_member(vec![]));
    assert!(matches!(
        d.handle_key(ctrl('s'), km(), NOW_MS),
        DialogOutcome::Changed
    ));
    assert!(d.form_ref().unwrap().error(FieldId::Email).is_some());
    assert!(matches!(
        d.handle_key(key(KeyCode::Esc), km(), NOW_MS),
        DialogOutcome::Close
    ));
}

#[test]
fn dialog_form_submit_and_lock() {
    let mut d = Dialog::form(Form::invite_member(vec![]));
    d.handle_paste("bob@example.com");
    assert!(matches!(
        d.handle_key(ctrl('s'), km(), NOW_MS),
        DialogOutcome::Mutate {
            mutation: Mutation::InviteMember(_),
            close: false
        }
    ));
    assert!(matches!(
        d.handle_key(ctrl('s'), km(), NOW_MS),
        DialogOutcome::None
    ));
}

#[test]
fn dialog_token_reveal() {
    let mut d = Dialog::reveal(TokenReveal::new("laptop", SecretString::from(CANARY)));
    assert!(matches!(
        d.handle_key(key(KeyCode::Char('y')), km(), NOW_MS),
        DialogOutcome::Copy
    ));
    assert_eq!(d.copy_secret().unwrap().expose_secret(), CANARY);
    assert!(d.reveal_ref().unwrap().is_copied());
    assert!(matches!(d.handle_paste("x"), DialogOutcome::None));
    assert!(matches!(
        d.handle_key(key(KeyCode::Esc), km(), NOW_MS),
        DialogOutcome::Close
    ));
}

// ---------------------------------------------------------------- keymap

fn keymap(overrides: &[(&str, &[&str])]) -> lepdash::app::Keymap {
    let o = overrides
        .iter()
        .map(|(n, k)| (n.to_string(), k.iter().map(|s| s.to_string()).collect()))
        .collect();
    let (km, warnings) = lepdash::app::Keymap::new(&o);
    // A key taken from another action is reported, never an error.
    assert!(
        warnings.iter().all(|w| w.contains("was the key of")),
        "{warnings:?}"
    );
    km
}

#[test]
fn the_token_dialog_follows_rebound_reveal_and_copy() {
    let km = keymap(&[("reveal", &["v"]), ("copy", &["c"])]);
    let mut r = TokenReveal::new("laptop", SecretString::from(CANARY));
    assert_eq!(
        r.handle_key(key(KeyCode::Char('x')), &km),
        RevealOutcome::None
    );
    assert_eq!(
        r.handle_key(key(KeyCode::Char('y')), &km),
        RevealOutcome::None
    );
    assert_eq!(
        r.handle_key(key(KeyCode::Char('v')), &km),
        RevealOutcome::Changed
    );
    assert!(r.is_shown());
    assert_eq!(
        r.handle_key(key(KeyCode::Char('c')), &km),
        RevealOutcome::Copy
    );
}

#[test]
fn forms_follow_rebound_field_keys_and_typed_text_wins() {
    let km = keymap(&[
        ("next_field", &["ctrl-n", "n"]),
        ("cancel", &["q"]),
        ("reveal", &["r", "f3"]),
    ]);
    let mut form = Form::create_secret(&[]);
    // In a text field `n` and `q` are text; the hint offers Ctrl-N.
    assert!(
        form.help_line(&km).contains("Ctrl-N/Enter next"),
        "{}",
        form.help_line(&km)
    );
    assert!(
        form.help_line(&km).contains("F3 show"),
        "{}",
        form.help_line(&km)
    );
    assert!(
        !form.help_line(&km).contains("Esc"),
        "{}",
        form.help_line(&km)
    );
    for c in "nqr".chars() {
        assert_eq!(
            form.handle_key(key(KeyCode::Char(c)), &km),
            FormOutcome::Changed
        );
    }
    assert_eq!(form.text(FieldId::SecretName), Some("nqr"));
    assert_eq!(form.handle_key(key(KeyCode::Tab), &km), FormOutcome::None);
    assert_eq!(form.handle_key(ctrl('n'), &km), FormOutcome::Changed);
    assert_eq!(form.focused().map(|f| f.id()), Some(FieldId::SecretValue));
    // Visibility is a choice: there `n` moves on and `q` cancels.
    form.handle_key(ctrl('n'), &km);
    assert_eq!(form.focused().map(|f| f.id()), Some(FieldId::Visibility));
    assert!(
        form.help_line(&km).contains("q cancel"),
        "{}",
        form.help_line(&km)
    );
    assert_eq!(
        form.handle_key(key(KeyCode::Char('q')), &km),
        FormOutcome::Cancel
    );
}

#[test]
fn confirmations_follow_rebound_confirm_and_cancel() {
    let km = keymap(&[("confirm", &["ctrl-o"]), ("cancel", &["w"])]);
    let mut yn = Confirm::new(Destructive::DeleteRegistry {
        id: "r1".into(),
        name: "ngc".into(),
    });
    assert_eq!(
        yn.handle_key(key(KeyCode::Enter), &km),
        ConfirmOutcome::None
    );
    assert_eq!(yn.handle_key(key(KeyCode::Esc), &km), ConfirmOutcome::None);
    assert_eq!(
        yn.handle_key(key(KeyCode::Char('w')), &km),
        ConfirmOutcome::Cancel
    );
    assert!(matches!(
        yn.handle_key(ctrl('o'), &km),
        ConfirmOutcome::Confirmed(_)
    ));
    // Typing the name: `w` is text there.
    let mut typed = Confirm::new(Destructive::DeleteSecret { name: "w".into() });
    assert_eq!(
        typed.handle_key(key(KeyCode::Char('w')), &km),
        ConfirmOutcome::Changed
    );
    assert_eq!(typed.typed().value(), "w");
    assert!(matches!(
        typed.handle_key(ctrl('o'), &km),
        ConfirmOutcome::Confirmed(_)
    ));
}
