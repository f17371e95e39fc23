//! Snapshots of the form, confirmation and token dialogs at 80x24 and 120x40,
//! in colour and mono (the text is the same; the snapshots pin the layout).
//! Update with `INSTA_UPDATE=always cargo test --test form_snapshots`, then review.

mod dialog_look;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dialog_look::{km, look};
use lepdash::api::types::{Member, MemberStatus, Role};
use lepdash::app::forms::{Confirm, Destructive, FieldId, Form, TokenReveal};
use lepdash::ui::form::{render_confirm, render_form, render_token_reveal};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;

/// 2026-11-28T12:00:00Z
const NOW_MS: i64 = 1_795_867_200_000;
const CANARY: &str = "canary-7f3e-SECRET";
/// Obviously fake, for the revealed snapshot only.
const FAKE_TOKEN: &str = "nvapi-FAKE-TOKEN-for-snapshots-000000000000000000000000000000000000000";

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_str(form: &mut Form, text: &str) {
    for c in text.chars() {
        form.handle_key(key(KeyCode::Char(c)), km());
    }
}

fn draw(w: u16, h: u16, f: impl Fn(&mut ratatui::Frame)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|frame| f(frame)).unwrap();
    terminal.backend().to_string()
}

/// Snapshot `name` at every size (and mono at 80x24); no canary value may
/// ever reach the screen.
fn snap_form(name: &str, form: &Form) {
    for (w, h) in SIZES {
        let color = draw(w, h, |f| render_form(f, f.area(), form, look(false)));
        let mono = draw(w, h, |f| render_form(f, f.area(), form, look(true)));
        assert!(!color.contains(CANARY) && !mono.contains(CANARY));
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), color);
        // Mono differs in text only by bracketed hints: one size is enough.
        if w == 80 {
            insta::assert_snapshot!(format!("{name}_{w}x{h}_mono"), mono);
        }
    }
}

fn snap_confirm(name: &str, confirm: &Confirm) {
    for (w, h) in SIZES {
        let color = draw(w, h, |f| render_confirm(f, f.area(), confirm, look(false)));
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), color);
    }
}

fn snap_reveal(name: &str, reveal: &TokenReveal) {
    for (w, h) in SIZES {
        let color = draw(w, h, |f| {
            render_token_reveal(f, f.area(), reveal, look(false))
        });
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), color);
    }
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

// ---------------------------------------------------------------- forms

#[test]
fn create_secret() {
    let existing = vec!["HF_TOKEN".to_string()];
    snap_form("create_secret_empty", &Form::create_secret(&existing));

    let mut form = Form::create_secret(&existing);
    type_str(&mut form, "HF_TOKEN");
    let _ = form.submit(NOW_MS);
    snap_form("create_secret_errors", &form);

    let mut form = Form::create_secret(&existing);
    type_str(&mut form, "WANDB_API_KEY");
    form.handle_key(key(KeyCode::Tab), km());
    form.handle_paste(CANARY);
    snap_form("create_secret_masked", &form);
}

#[test]
fn update_secret() {
    let mut form = Form::update_secret("HF_TOKEN");
    snap_form("update_secret_empty", &form);
    form.handle_paste(CANARY);
    snap_form("update_secret_masked", &form);
}

#[test]
fn invite_member() {
    let existing = vec!["alice@example.com".to_string()];
    snap_form(
        "invite_member_empty",
        &Form::invite_member(existing.clone()),
    );
    let mut form = Form::invite_member(existing);
    type_str(&mut form, "alice@example.com");
    let _ = form.submit(NOW_MS);
    snap_form("invite_member_errors", &form);
}

#[test]
fn change_role() {
    let members = vec![
        member("u-1", "alice@example.com", Role::Admin),
        member("u-2", "bob@example.com", Role::User),
    ];
    snap_form(
        "change_role_empty",
        &Form::change_role("u-2", "bob@example.com", Role::User, &members),
    );
    let mut form = Form::change_role("u-1", "alice@example.com", Role::Admin, &members);
    form.handle_key(key(KeyCode::Right), km());
    snap_form("change_role_last_admin", &form);
}

#[test]
fn create_token() {
    snap_form("create_token_empty", &Form::create_token(vec![]));
    let mut form = Form::create_token(vec!["laptop".into()]);
    type_str(&mut form, "laptop");
    form.handle_key(key(KeyCode::Tab), km());
    form.handle_key(key(KeyCode::Left), km());
    form.handle_key(key(KeyCode::Tab), km());
    type_str(&mut form, "2026-11-01");
    let _ = form.submit(NOW_MS);
    snap_form("create_token_errors", &form);
}

#[test]
fn add_registry() {
    snap_form("add_registry_empty", &Form::add_registry(vec![]));

    let mut form = Form::add_registry(vec![]);
    for _ in 0..3 {
        form.handle_key(key(KeyCode::Right), km());
    }
    form.handle_key(key(KeyCode::Tab), km());
    type_str(&mut form, "Bad_Name");
    form.handle_key(key(KeyCode::Tab), km());
    type_str(&mut form, "<account>.dkr.ecr.<region>.amazonaws.com");
    form.focus_field(FieldId::RegistryEmail);
    type_str(&mut form, "ops@");
    let _ = form.submit(NOW_MS);
    form.set_server_error("the service is busy, try again".into());
    snap_form("add_registry_errors", &form);

    let mut form = Form::add_registry(vec![]);
    form.handle_key(key(KeyCode::Tab), km());
    type_str(&mut form, "ngc-pull");
    form.focus_field(FieldId::Password);
    form.handle_paste(CANARY);
    snap_form("add_registry_masked", &form);
    let _ = form.submit(NOW_MS);
    snap_form("add_registry_submitting", &form);
}

// ---------------------------------------------------------------- confirm

#[test]
fn confirm_dialogs() {
    snap_confirm(
        "confirm_delete_secret",
        &Confirm::new(Destructive::DeleteSecret {
            name: "HF_TOKEN".into(),
        }),
    );
    snap_confirm(
        "confirm_overwrite_secret",
        &Confirm::new(Destructive::OverwriteSecret {
            name: "HF_TOKEN".into(),
        }),
    );
    let mut remove = Confirm::new(Destructive::RemoveMember {
        id: "u-2".into(),
        email: "bob@example.com".into(),
    });
    remove.handle_paste("bob@example");
    remove.handle_key(key(KeyCode::Enter), km());
    snap_confirm("confirm_remove_member_mismatch", &remove);
    snap_confirm(
        "confirm_revoke_token",
        &Confirm::new(Destructive::RevokeToken {
            id: "tok-1".into(),
            name: "laptop".into(),
            own: false,
        }),
    );
    snap_confirm(
        "confirm_revoke_own_token",
        &Confirm::new(Destructive::RevokeToken {
            id: "tok-0".into(),
            name: "lepdash".into(),
            own: true,
        }),
    );
    snap_confirm(
        "confirm_delete_registry",
        &Confirm::new(Destructive::DeleteRegistry {
            id: "r-1".into(),
            name: "ngc-pull".into(),
        }),
    );
}

// ---------------------------------------------------------------- token

#[test]
fn token_reveal() {
    let mut reveal = TokenReveal::new("laptop", SecretString::from(FAKE_TOKEN));
    snap_reveal("token_reveal_masked", &reveal);
    reveal.handle_key(key(KeyCode::Esc), km());
    snap_reveal("token_reveal_close_armed", &reveal);
    reveal.handle_key(key(KeyCode::Char('x')), km());
    reveal.mark_copied();
    snap_reveal("token_reveal_revealed", &reveal);
}

// ---------------------------------------------------------------- stacked

#[test]
fn overwrite_confirm_over_update_form() {
    use lepdash::app::forms::Dialog;
    use lepdash::ui::form::render_dialog;
    let mut dialog = Dialog::form(Form::update_secret("HF_TOKEN"));
    dialog.handle_paste(CANARY);
    dialog.handle_key(key(KeyCode::Enter), km(), NOW_MS);
    assert!(dialog.confirm_ref().is_some());
    for (w, h) in SIZES {
        let text = draw(w, h, |f| render_dialog(f, f.area(), &dialog, look(false)));
        assert!(!text.contains(CANARY));
        insta::assert_snapshot!(format!("overwrite_over_form_{w}x{h}"), text);
    }
}
