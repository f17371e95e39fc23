//! Keyboard-driven management: what `n` / `e` / `d` open on the visible pane,
//! the read-only and activation gates, sending the mutation to the sync task
//! and showing its outcome. Pure like the rest of the reducer: the dialogs
//! are [`crate::app::forms::Dialog`] state, the writes are `Effect::Sync(Mutate)`.
//!
//! Nothing here changes the lists: a write shows up when the sync task
//! refetches the list after it, so on failure the data is exactly as before.

use crossterm::event::KeyEvent;

use crate::api::ApiError;
use crate::api::types::{Member, MemberStatus};
use crate::protocol::{Mutation, MutationOutput, ResourceKind, SyncCmd};

use super::forms::validate::{self, LAST_ADMIN_EXPLANATION};
use super::forms::{Destructive, Dialog, DialogOutcome, Form, TokenReveal};
use super::keymap::Action;
use super::{
    Banner, BannerKind, Effect, ModalDialog, Model, Overlay, PendingMutation, ToastLevel,
    pane_title,
};

/// The server's code for a write refused because the workspace is not
/// activated yet.
pub const NOT_ACTIVATED_CODE: &str = "WorkspaceNotActivated";

/// The sentence every "may have been applied" outcome uses.
pub const OUTCOME_UNKNOWN: &str = "may or may not have been applied — the list will show";

/// What `n` / `e` / `d` would open.
enum Opening {
    Form(Form),
    Confirm(Destructive),
}

impl Opening {
    fn verb(&self) -> &'static str {
        match self {
            Opening::Form(f) => f.kind().verb(),
            Opening::Confirm(d) => d.verb(),
        }
    }

    fn read_only_message(&self) -> String {
        match self {
            Opening::Form(f) => f.kind().read_only_message(),
            Opening::Confirm(d) => d.read_only_message(),
        }
    }
}

/// The first key of `action` for hints (the keymap may rebind it).
fn key_of(model: &Model, action: Action) -> String {
    model
        .keymap
        .first_key(action)
        .unwrap_or_else(|| "(unbound)".to_string())
}

/// Whether `action` does something on `kind` (the footer and help show the
/// same applicability, from the keymap table).
pub fn applies(action: Action, kind: ResourceKind) -> bool {
    super::keymap::binding(action).is_some_and(|b| b.applies_to(kind))
}

/// The activation banner while the workspace is not activated (or its
/// activation is pending review): changes are refused.
fn activation_banner(model: &Model) -> Option<Banner> {
    model.banners().into_iter().find(|b| {
        matches!(
            b.kind,
            BannerKind::NotActivated | BannerKind::ActivationPending
        )
    })
}

/// The banner's whole explanation (title and what to do), while the
/// workspace is not activated; for the form, which has room for it.
pub fn activation_block(model: &Model) -> Option<String> {
    activation_banner(model).map(|b| format!("{}. {}", b.title, b.todo))
}

/// The banner's condition in one line, for a toast (the banner above says
/// what to do).
fn activation_short(model: &Model) -> Option<String> {
    activation_banner(model).map(|b| {
        format!(
            "{}; changes are refused until it is activated (the banner says what to do)",
            b.title
        )
    })
}

/// Why a change cannot be made at all right now (read-only mode or a
/// workspace that is not activated), for the footer and help.
pub fn changes_off(model: &Model) -> Option<&'static str> {
    if model.read_only {
        Some("read-only")
    } else if activation_block(model).is_some() {
        Some("not activated")
    } else {
        None
    }
}

/// `n`, `e` or `d` on the visible pane.
pub(super) fn on_action(model: &mut Model, action: Action) {
    let opening = match what_to_open(model, action) {
        Ok(o) => o,
        Err(text) => {
            model.toast(ToastLevel::Info, text);
            return;
        }
    };
    if model.read_only {
        let text = format!(
            "{} (started with --read-only or read_only = true in the config)",
            opening.read_only_message()
        );
        model.toast(ToastLevel::Warn, text);
        return;
    }
    if let Some(why) = activation_short(model) {
        let text = format!("cannot {}: {why}", opening.verb());
        model.toast(ToastLevel::Warn, text);
        return;
    }
    // The same deletion already on its way: do not send it twice.
    if let Opening::Confirm(d) = &opening
        && let Some(m) = d.clone().into_mutation()
        && model.pending.values().any(|p| p.mutation.same_change(&m))
    {
        let what = m.describe().what;
        model.toast(
            ToastLevel::Info,
            format!("{what}: already sent, waiting for the answer"),
        );
        return;
    }
    if let Opening::Confirm(Destructive::RemoveMember { id, email }) = &opening {
        let members = model.members.data.as_deref().unwrap_or(&[]);
        if validate::would_remove_last_admin(members, id, None) {
            let text = format!(
                "cannot remove {email}: they are the only active admin; {LAST_ADMIN_EXPLANATION}"
            );
            model.toast(ToastLevel::Warn, text);
            return;
        }
    }
    let dialog = match opening {
        Opening::Form(f) => Dialog::form(f),
        Opening::Confirm(d) => Dialog::confirm(d),
    };
    model.overlay = Some(Overlay::Dialog(Box::new(ModalDialog {
        dialog,
        waiting: None,
    })));
}

fn what_to_open(model: &Model, action: Action) -> Result<Opening, String> {
    let kind = model.pane;
    if !applies(action, kind) {
        let new = key_of(model, Action::NewItem);
        let delete = key_of(model, Action::Delete);
        return Err(match (action, kind) {
            (_, ResourceKind::Templates) => format!(
                "templates are read-only in lepdash: {} copies the id, {} shows content and schema",
                key_of(model, Action::Copy),
                key_of(model, Action::Details)
            ),
            (_, ResourceKind::Status) => "nothing to change on the Status pane: changes are \
                 made on Members, Tokens, Secrets and Registries"
                .to_string(),
            (_, ResourceKind::Tokens) => format!(
                "a token cannot be edited: create a new one ({new}) and revoke this one ({delete})"
            ),
            (_, ResourceKind::Registries) => format!(
                "registry credentials cannot be edited: delete them ({delete}) and add them \
                 again ({new})"
            ),
            (_, other) => format!("not available on the {} pane", pane_title(other)),
        });
    }
    if action == Action::NewItem {
        return Ok(Opening::Form(match kind {
            ResourceKind::Secrets => {
                let names: Vec<String> = model
                    .secrets
                    .data
                    .iter()
                    .flatten()
                    .map(|s| s.name.to_string())
                    .collect();
                Form::create_secret(&names)
            }
            ResourceKind::Members => Form::invite_member(
                model
                    .members
                    .data
                    .iter()
                    .flatten()
                    .map(|m| m.email.to_string())
                    .collect(),
            ),
            ResourceKind::Tokens => Form::create_token(
                model
                    .tokens
                    .data
                    .iter()
                    .flat_map(|d| d.list.iter())
                    .map(|t| t.name.to_string())
                    .collect(),
            ),
            _ => Form::add_registry(
                model
                    .registries
                    .data
                    .iter()
                    .flatten()
                    .map(|r| r.name().to_string())
                    .collect(),
            ),
        }));
    }
    let what = if action == Action::Edit {
        "edit"
    } else {
        "delete"
    };
    let nothing = || {
        format!(
            "nothing selected to {what} on the {} pane",
            pane_title(kind)
        )
    };
    let Some(i) = model.view(kind).selected_item() else {
        return Err(nothing());
    };
    // The view's rows index the resource's data; `get` keeps a stale index
    // from ever panicking.
    let secret = || model.secrets.data.as_ref().and_then(|v| v.get(i));
    let members: &[Member] = model.members.data.as_deref().unwrap_or(&[]);
    let opening = match (action, kind) {
        (Action::Edit, ResourceKind::Secrets) => {
            let s = secret().ok_or_else(nothing)?;
            Opening::Form(Form::update_secret(s.name.clone()))
        }
        (Action::Edit, _) => {
            let m = members.get(i).ok_or_else(nothing)?;
            Opening::Form(Form::change_role(
                m.id.clone(),
                m.email.clone(),
                m.role.clone(),
                members,
            ))
        }
        (_, ResourceKind::Secrets) => Opening::Confirm(Destructive::DeleteSecret {
            name: secret().ok_or_else(nothing)?.name.to_string(),
        }),
        (_, ResourceKind::Members) => {
            let m = members.get(i).ok_or_else(nothing)?;
            let (id, email) = (m.id.clone(), m.email.clone());
            Opening::Confirm(if m.status == MemberStatus::Invited {
                Destructive::CancelInvite {
                    id: id.to_string(),
                    email: email.to_string(),
                }
            } else {
                Destructive::RemoveMember {
                    id: id.to_string(),
                    email: email.to_string(),
                }
            })
        }
        (_, ResourceKind::Tokens) => {
            let data = model.tokens.data.as_ref().ok_or_else(nothing)?;
            let t = data.list.get(i).ok_or_else(nothing)?;
            Opening::Confirm(Destructive::RevokeToken {
                id: t.id.to_string(),
                name: t.name.to_string(),
                own: data.own_id.as_deref() == Some(t.id.as_str()),
            })
        }
        _ => {
            let r = model
                .registries
                .data
                .as_ref()
                .and_then(|v| v.get(i))
                .ok_or_else(nothing)?;
            Opening::Confirm(Destructive::DeleteRegistry {
                id: r.id().to_string(),
                name: r.name().to_string(),
            })
        }
    };
    Ok(opening)
}

/// A key for the open dialog; returns what stays open.
pub(super) fn dialog_key(
    model: &mut Model,
    mut md: Box<ModalDialog>,
    key: KeyEvent,
    fx: &mut Vec<Effect>,
) -> Option<Overlay> {
    // What the action is, before the dialog consumes it: a form's kind, or
    // the confirmation's destructive action.
    let form_kind = md.dialog.form_ref().map(|f| f.kind().clone());
    let destructive = md.dialog.confirm_ref().map(|c| c.action().clone());
    match md.dialog.handle_key(key, &model.keymap, model.now_ms()) {
        DialogOutcome::None | DialogOutcome::Changed => Some(Overlay::Dialog(md)),
        // Dropping the dialog drops any value it held.
        DialogOutcome::Close => None,
        DialogOutcome::Mutate { mutation, close } => {
            if model.read_only {
                // Unreachable through the keys (dialogs do not open in
                // read-only mode); kept so no path can write.
                let text = match (&form_kind, &destructive) {
                    (Some(k), _) => k.read_only_message(),
                    (None, Some(d)) => d.read_only_message(),
                    (None, None) => "read-only mode: lepdash makes no changes".to_string(),
                };
                model.toast(ToastLevel::Warn, text);
                return None;
            }
            let forbidden = match (&form_kind, &destructive) {
                (Some(k), _) => k.forbidden_message(),
                (None, Some(d)) => d.forbidden_message(),
                (None, None) => "your role cannot make this change".to_string(),
            };
            if let Some(d) = &destructive {
                tracing::info!(action = %d.log_line(), "confirmed");
            }
            let what = mutation.describe().what;
            let id = send(model, mutation, forbidden, fx);
            model.toast(ToastLevel::Info, format!("{what}: sending..."));
            if close {
                None
            } else {
                md.waiting = Some(id);
                Some(Overlay::Dialog(md))
            }
        }
        DialogOutcome::Copy => {
            if let (Some(secret), Some(reveal)) = (md.dialog.copy_secret(), md.dialog.reveal_ref())
            {
                model.copy_label = Some(format!("the value of token {}", reveal.name()));
                fx.push(Effect::Copy(secret));
            }
            Some(Overlay::Dialog(md))
        }
    }
}

/// Hand a mutation to the sync task (exactly one effect) and remember it.
fn send(model: &mut Model, mutation: Mutation, forbidden: String, fx: &mut Vec<Effect>) -> u64 {
    let id = model.next_mutation_id;
    model.next_mutation_id += 1;
    let text = mutation.describe();
    tracing::info!(id, what = %text.what, "mutation sent");
    let pending = PendingMutation {
        mutation: mutation.clone(),
        what: text.what,
        done: text.done,
        forbidden,
    };
    model.pending.insert(id, pending);
    // Events about these items are "yours" until their next list.
    for (kind, key) in crate::app::changes::yours_keys(&mutation) {
        model.activity.yours.insert(kind, key);
    }
    fx.push(Effect::Sync(SyncCmd::Mutate { id, mutation }));
    id
}

/// Whether the server refused because the workspace is not activated.
pub fn is_not_activated(e: &ApiError) -> bool {
    e.status() == Some(403) && e.code() == Some(NOT_ACTIVATED_CODE)
}

/// The activation explanation for a `WorkspaceNotActivated` answer: the
/// banner's when it is up, else the server's own words.
fn not_activated_text(model: &Model, e: &ApiError) -> String {
    activation_block(model).unwrap_or_else(|| {
        let detail = e
            .server_message()
            .map(|m| m.message.clone())
            .unwrap_or_default();
        format!("Workspace not activated yet. {detail} Changes are refused until it is.")
    })
}

/// What to do about a failed write (the fetch hints speak of retrying,
/// which a write never does).
fn mutation_hint(e: &ApiError) -> &'static str {
    match e {
        ApiError::Unauthorized(_) => e.hint(),
        ApiError::RateLimited { .. } => "nothing was changed; try again in a moment",
        ApiError::Connect { .. } => {
            "nothing was sent; check the URL and your network, then try again"
        }
        ApiError::NotFound(_) => "it may be gone already; the list will show",
        _ => "",
    }
}

/// One sentence for a failed mutation (a toast).
fn failure_text(model: &Model, p: &Answered, e: &ApiError) -> String {
    let server = e.server_message().map(|m| m.message.as_str()).unwrap_or("");
    if is_not_activated(e) {
        let why = activation_short(model).unwrap_or_else(|| not_activated_text(model, e));
        return format!("cannot {}: {why}", p.what);
    }
    if e.outcome_unknown() {
        let mut text = format!("{}: {OUTCOME_UNKNOWN} ({e}); not retried", p.what);
        if p.creates_token {
            text.push_str(
                ". If the token appears, revoke it: its value was never received and cannot be shown",
            );
        }
        return text;
    }
    match e.status() {
        Some(403) => {
            if server.is_empty() {
                p.forbidden.clone()
            } else {
                format!("{} ({server})", p.forbidden)
            }
        }
        _ => {
            let mut text = format!("{} failed: {e}", p.what);
            if server.to_lowercase().contains("last admin") {
                text.push_str(&format!(" ({LAST_ADMIN_EXPLANATION})"));
            }
            let hint = mutation_hint(e);
            if !hint.is_empty() {
                text.push_str("; ");
                text.push_str(hint);
            }
            text
        }
    }
}

/// The texts of an answered mutation (its values are dropped by now).
struct Answered {
    what: String,
    done: String,
    forbidden: String,
    /// A token whose value may have been minted and never received.
    creates_token: bool,
}

/// Select the item a create added, once `kind`'s list shows it.
pub(super) fn select_new(model: &mut Model, kind: ResourceKind) {
    let Some((want, name)) = model.select_new.clone() else {
        return;
    };
    if want != kind {
        return;
    }
    let src = model.source(kind);
    let view = model.view(kind);
    let Some(pos) = view
        .visible()
        .iter()
        .position(|&i| src.name(i as usize) == name.as_str())
    else {
        return;
    };
    let mut v = std::mem::take(&mut model.views[super::kind_index(kind)]);
    v.select(pos, &model.source(kind));
    model.views[super::kind_index(kind)] = v;
    model.select_new = None;
}

/// The answer to mutation `id`. Returns whether something on screen changed.
pub(super) fn mutated(
    model: &mut Model,
    id: u64,
    workspace: usize,
    result: Result<MutationOutput, ApiError>,
) -> bool {
    let pending = model.pending.remove(&id);
    if workspace != model.current {
        return false;
    }
    // Answered: the next list of each kind it touched is diffed as yours,
    // then the keys go.
    if let Some(p) = &pending {
        for (kind, _) in crate::app::changes::yours_keys(&p.mutation) {
            model.activity.answered.insert(kind);
        }
    }
    // What a successful create adds (selected once the list shows it).
    let created = pending.as_ref().and_then(|p| match &p.mutation {
        Mutation::PutSecrets {
            items,
            overwrite: false,
        } if items.len() == 1 => Some((ResourceKind::Secrets, items[0].name.clone())),
        Mutation::InviteMember(r) => Some((ResourceKind::Members, r.email.clone())),
        Mutation::CreateToken(r) => Some((ResourceKind::Tokens, r.name.clone())),
        Mutation::AddRegistry(r) => r
            .metadata
            .name
            .clone()
            .map(|n| (ResourceKind::Registries, n.to_string())),
        _ => None,
    });
    let pending = match pending {
        Some(p) => Answered {
            creates_token: matches!(p.mutation, Mutation::CreateToken(_)),
            what: p.what,
            done: p.done,
            forbidden: p.forbidden,
        },
        // Not sent from this session of the workspace (it was left and
        // come back to): plain words.
        None => Answered {
            what: "change".into(),
            done: "change applied".into(),
            forbidden: "your role cannot make this change".into(),
            creates_token: false,
        },
    };
    let waiting = matches!(&model.overlay, Some(Overlay::Dialog(md)) if md.waiting == Some(id));
    match result {
        Ok(output) => {
            if waiting {
                model.overlay = None;
            }
            if let Some((kind, name)) = created {
                model.select_new = Some((kind, name));
                select_new(model, kind);
            }
            tracing::info!(id, what = %pending.what, "mutation done");
            match output {
                MutationOutput::TokenCreated(created) => {
                    let name = created.record.name.clone();
                    // Shown once: this dialog holds the only copy and drops
                    // it when closed.
                    model.overlay = Some(Overlay::Dialog(Box::new(ModalDialog {
                        dialog: Dialog::reveal(TokenReveal::from_created(created)),
                        waiting: None,
                    })));
                    model.toast(
                        ToastLevel::Success,
                        format!(
                            "token {name} created: copy its value now, it will not be shown again"
                        ),
                    );
                }
                MutationOutput::Done | MutationOutput::Member(_) => {
                    model.toast(ToastLevel::Success, pending.done.clone());
                }
            }
        }
        Err(e) => {
            if e.status() == Some(401) {
                model.token_rejected = true;
            }
            let mut text = failure_text(model, &pending, &e);
            if waiting && !e.outcome_unknown() {
                // The form shows the whole reason next to the field it
                // concerns; the toast only points there.
                text = if is_not_activated(&e) {
                    format!(
                        "cannot {}: the workspace is not activated (details in the form)",
                        pending.what
                    )
                } else if e.status() == Some(403) {
                    format!("{} (details in the form)", pending.forbidden)
                } else {
                    format!("{} refused (details in the form)", pending.what)
                };
            }
            let level = if e.outcome_unknown() {
                ToastLevel::Warn
            } else {
                ToastLevel::Error
            };
            if waiting {
                if e.outcome_unknown() {
                    // Never retried from the form: close it, the next list
                    // tells whether it happened.
                    model.overlay = None;
                } else {
                    let general = is_not_activated(&e).then(|| not_activated_text(model, &e));
                    if let Some(Overlay::Dialog(md)) = &mut model.overlay {
                        md.waiting = None;
                        match (general, md.dialog.form_mut()) {
                            (Some(msg), Some(form)) => form.set_general_error(msg),
                            (None, Some(_)) => {
                                md.dialog.mutation_failed(&e);
                            }
                            (_, None) => {}
                        }
                    }
                }
            }
            tracing::info!(id, what = %pending.what, status = ?e.status(), "mutation failed");
            model.toast(level, text);
        }
    }
    true
}
