//! Property test of the pure reducer: arbitrary sequences of keys, pastes,
//! fetch results and mutation answers never panic and keep the invariants
//! the rest of the program relies on:
//! - every pane's selection is inside its visible rows;
//! - a mutation id is sent once, is tracked while unanswered and forgotten
//!   after its answer; a form that is waiting for an answer sends nothing
//!   more (no double submit);
//! - a masked value (secret value, registry password) leaves the model when
//!   it is sent: after a write that carried it, no field still holds it, and
//!   the screen never shows it unless the user explicitly revealed it.

#[path = "support/sample.rs"]
mod sample;

use sample::key;
use std::collections::BTreeSet;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lepdash::api::{ApiError, ServerMessage};
use lepdash::app::forms::Display;
use lepdash::app::{Effect, Model, Msg, Overlay, update};
use lepdash::protocol::{Mutation, MutationOutput, ResourceKind, SyncCmd, SyncEvent};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CANARY: &str = "zq-canary-9f8e7d";

/// One step of a session. Answers refer to the mutations in flight at the
/// time they are applied, so they are resolved while running.
#[allow(clippy::large_enum_variant)] // test data, built once per step
#[derive(Debug, Clone)]
enum Op {
    Msg(Msg),
    /// Answer the oldest unanswered mutation: Ok, or one of the errors.
    Answer(u8),
}

fn any_op() -> impl Strategy<Value = Op> {
    let chars: Vec<char> = "123456nedyxjkgs/:aZ_9@.".chars().collect();
    let codes = vec![
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Backspace,
    ];
    prop_oneof![
        6 => proptest::sample::select(chars).prop_map(|c| Op::Msg(key(c))),
        4 => proptest::sample::select(codes)
            .prop_map(|k| Op::Msg(Msg::Key(KeyEvent::new(k, KeyModifiers::NONE)))),
        // Ctrl-R shows a masked value, Ctrl-S submits a form.
        1 => proptest::sample::select(vec!['r', 's'])
            .prop_map(|c| Op::Msg(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))),
        2 => proptest::sample::select(vec![CANARY, "NEW_SECRET_1", "ops@example.com", "reg-one"])
            .prop_map(|s| Op::Msg(Msg::Paste(s.to_string()))),
        1 => (0usize..6).prop_map(|i| Op::Msg(sample::ok_msg(
            sample::fetched(ResourceKind::ALL[i]),
            sample::now(),
        ))),
        1 => (0usize..6).prop_map(|i| Op::Msg(Msg::Sync(SyncEvent::FetchStarted {
            kind: ResourceKind::ALL[i],
            workspace: 0,
        }))),
        1 => (0usize..6).prop_map(|i| Op::Msg(Msg::Sync(SyncEvent::Fetched {
            kind: ResourceKind::ALL[i],
            workspace: 0,
            at: sample::now(),
            result: Err(ApiError::Timeout(Duration::from_secs(30))),
            next_attempt: None,
        }))),
        1 => (0u64..120).prop_map(|s| Op::Msg(Msg::Tick(sample::at(s)))),
        3 => (0u8..5).prop_map(Op::Answer),
    ]
}

fn answer_result(kind: u8) -> Result<MutationOutput, ApiError> {
    let msg = |code: &str| ServerMessage {
        code: Some(code.to_string()),
        message: "refused".to_string(),
    };
    match kind {
        0 | 1 => Ok(MutationOutput::Done),
        2 => Err(ApiError::Conflict(msg("ResourceConflict"))),
        3 => Err(ApiError::Forbidden(msg("StatusForbidden"))),
        _ => Err(ApiError::Timeout(Duration::from_secs(30))),
    }
}

fn carries_masked_value(m: &Mutation) -> bool {
    matches!(m, Mutation::PutSecrets { .. } | Mutation::AddRegistry(_))
}

fn masked_field_lengths(model: &Model) -> Vec<(usize, bool)> {
    let Some(Overlay::Dialog(d)) = &model.overlay else {
        return Vec::new();
    };
    let Some(form) = d.dialog.form_ref() else {
        return Vec::new();
    };
    form.fields()
        .iter()
        .filter_map(|f| match f.display() {
            Display::Masked { len, .. } => Some((len, false)),
            Display::Revealed { text, .. } => Some((text.chars().count(), true)),
            _ => None,
        })
        .collect()
}

fn masked_field_focused(model: &Model) -> bool {
    match &model.overlay {
        Some(Overlay::Dialog(d)) => d
            .dialog
            .form_ref()
            .and_then(|f| f.focused())
            .is_some_and(|f| f.is_masked()),
        _ => false,
    }
}

fn screen(model: &Model) -> String {
    let (w, h) = model.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lepdash::ui::render(f, model)).expect("draw");
    let buf = term.backend().buffer();
    buf.content().iter().map(|c| c.symbol()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn arbitrary_sessions_keep_the_invariants(ops in proptest::collection::vec(any_op(), 1..120)) {
        let mut m = sample::loaded_model(100, 30);
        let mut sent: BTreeSet<u64> = BTreeSet::new();
        let mut unanswered: Vec<u64> = Vec::new();

        for op in ops {
            let waiting_before = match &m.overlay {
                Some(Overlay::Dialog(d)) => d.waiting,
                _ => None,
            };
            let effects = match op {
                // The canary stands for a secret: it is only ever typed into
                // a masked field (pasted into a filter it would rightly show).
                Op::Msg(Msg::Paste(text)) if text == CANARY && !masked_field_focused(&m) => continue,
                Op::Msg(msg) => update(&mut m, msg),
                Op::Answer(kind) => {
                    if unanswered.is_empty() {
                        continue;
                    }
                    let id = unanswered.remove(0);
                    update(&mut m, Msg::Sync(SyncEvent::Mutated { id, workspace: 0, result: answer_result(kind) }))
                }
            };
            if m.should_quit() {
                break;
            }

            let mut carried_secret = false;
            for e in &effects {
                if let Effect::Sync(SyncCmd::Mutate { id, mutation }) = e {
                    prop_assert!(sent.insert(*id), "mutation id {id} sent twice");
                    prop_assert!(waiting_before.is_none(), "a form waiting for {waiting_before:?} sent {id}");
                    prop_assert!(m.pending.contains_key(id), "sent mutation {id} is not tracked");
                    unanswered.push(*id);
                    carried_secret |= carries_masked_value(mutation);
                }
            }
            // Pending = sent and not answered yet (an answer removes it).
            let pending: BTreeSet<u64> = m.pending.keys().copied().collect();
            let expected: BTreeSet<u64> = unanswered.iter().copied().collect();
            prop_assert_eq!(pending, expected);

            // A sent masked value is no longer in any field.
            let masked = masked_field_lengths(&m);
            if carried_secret {
                prop_assert!(masked.iter().all(|(len, _)| *len == 0), "masked value kept after send: {masked:?}");
            }

            // Selection in bounds on every pane.
            for kind in ResourceKind::ALL {
                let v = m.view(kind);
                let n = v.visible().len();
                prop_assert!(n == 0 || v.selected < n, "{kind:?}: selected {} of {n}", v.selected);
            }

            // The canary is on screen only while a masked field is revealed.
            let shown = screen(&m);
            let revealed_now = masked.iter().any(|(_, r)| *r);
            if !revealed_now {
                prop_assert!(!shown.contains(CANARY), "canary drawn while masked");
            }
            // Debug output of the whole model never carries it either.
            let debug = format!("{m:?}");
            prop_assert!(!debug.contains(CANARY));
        }
    }
}

/// The property above is only as good as its ability to notice a value that
/// stays: check the detector itself on a form that still holds one.
#[test]
fn the_detector_sees_a_value_that_stays() {
    let mut m = sample::loaded_model(100, 30);
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
    );
    update(&mut m, Msg::Paste(CANARY.to_string()));
    let masked = masked_field_lengths(&m);
    assert!(
        masked.iter().any(|(len, _)| *len == CANARY.len()),
        "{masked:?}"
    );
    assert!(!screen(&m).contains(CANARY));
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    assert!(screen(&m).contains(CANARY), "Ctrl-R reveals the value");
    // Sanity: the value is held as a secret, exposed only on purpose.
    if let Some(Overlay::Dialog(d)) = &m.overlay {
        let form = d.dialog.form_ref().expect("form");
        let exposed = form
            .fields()
            .iter()
            .any(|f| matches!(f.display(), Display::Revealed { text, .. } if text == CANARY));
        assert!(exposed);
    }
}
