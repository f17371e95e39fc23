//! Frame budgets (README, "Performance"): 10,000 secrets / 2,000 members render in
//! under 1 ms; a filter keystroke to its frame in under 5 ms; a frame of the
//! Workloads pane's Jobs view (and of the Status pane summing them up) with
//! 10,000 jobs under 0.3 ms.
//! Run: `cargo bench --bench render`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use divan::Bencher;
use lepdash::api::types::{Listed, Member, MemberStatus, Role};
use lepdash::app::{Model, Msg, update};
use lepdash::protocol::Fetched;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "../tests/support/sample.rs"]
mod sample;

fn main() {
    divan::main();
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).expect("test backend")
}

fn with_secrets(n: usize) -> Model {
    let mut m = sample::loaded_model(120, 40);
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Secrets(Listed {
                items: sample::many_secrets(n),
                skipped: vec![],
            }),
            sample::now(),
        ),
    );
    update(&mut m, key('4'));
    m
}

fn with_members(n: usize) -> Model {
    let mut m = sample::loaded_model(120, 40);
    let items: Vec<Member> = (0..n)
        .map(|i| Member {
            id: format!("u-{i:05}").into(),
            email: format!("user{i:05}@example.com").into(),
            name: Some(format!("User Number {i}").into()),
            role: [Role::Admin, Role::User, Role::Viewer][i % 3].clone(),
            status: if i % 7 == 0 {
                MemberStatus::Invited
            } else {
                MemberStatus::Active
            },
            invited_by: Some("alice@example.com".into()),
            created_at: Some(sample::NOW_MS - (i as i64) * sample::HOUR),
            last_active_at: Some(sample::NOW_MS - (i as i64) * sample::MIN),
        })
        .collect();
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Members(Listed {
                items,
                skipped: vec![],
            }),
            sample::now(),
        ),
    );
    update(&mut m, key('2'));
    m
}

/// One full frame (render + buffer diff) of the Secrets pane, 10,000 rows,
/// 120x40, selection in the middle.
#[divan::bench]
fn frame_10000_secrets(bencher: Bencher) {
    let mut m = with_secrets(10_000);
    for _ in 0..5000 {
        update(&mut m, key('j'));
    }
    let mut term = terminal();
    bencher.bench_local(|| {
        term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
    });
}

fn with_jobs(n: usize) -> Model {
    let mut m = sample::loaded_model(120, 40);
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Jobs(lepdash::api::workloads::client::JobList {
                jobs: Listed {
                    items: sample::many_jobs(n),
                    skipped: vec![],
                },
                pages: 50,
                truncated: false,
            }),
            sample::now(),
        ),
    );
    m
}

/// One full frame of the Workloads pane's Jobs view, 10,000 jobs, 120x40,
/// selection in the middle.
#[divan::bench]
fn frame_10000_jobs(bencher: Bencher) {
    let mut m = with_jobs(10_000);
    update(&mut m, key('7'));
    update(&mut m, key(']'));
    for _ in 0..5000 {
        update(&mut m, key('j'));
    }
    let mut term = terminal();
    bencher.bench_local(|| {
        term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
    });
}

/// One full frame of the Status pane whose workloads line sums up 10,000 jobs.
#[divan::bench]
fn frame_status_with_10000_jobs(bencher: Bencher) {
    let mut m = with_jobs(10_000);
    update(&mut m, key('1'));
    let mut term = terminal();
    bencher.bench_local(|| {
        term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
    });
}

/// A poll that brings a changed list of 10,000 jobs (diff, re-sort,
/// re-index) — not per frame, per changed poll.
#[divan::bench]
fn poll_with_changed_10000_jobs(bencher: Bencher) {
    let mut m = with_jobs(10_000);
    update(&mut m, key('7'));
    update(&mut m, key(']'));
    let mut items = sample::many_jobs(10_000);
    items[4242] = sample::job("job-04242", "Failed", "gpu.h100-sxm", 2, 4242, 1);
    bencher
        .with_inputs(|| (m.clone(), items.clone()))
        .bench_local_values(|(mut m, items)| {
            update(
                &mut m,
                sample::ok_msg(
                    Fetched::Jobs(lepdash::api::workloads::client::JobList {
                        jobs: Listed {
                            items,
                            skipped: vec![],
                        },
                        pages: 50,
                        truncated: false,
                    }),
                    sample::at(5),
                ),
            );
            m
        });
}

/// One full frame of the Members pane with 2,000 members.
#[divan::bench]
fn frame_2000_members(bencher: Bencher) {
    let m = with_members(2_000);
    let mut term = terminal();
    bencher.bench_local(|| {
        term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
    });
}

/// A filter keystroke that narrows ("SECRET_0" + "7") and its frame.
#[divan::bench]
fn filter_keystroke_narrowing_to_frame(bencher: Bencher) {
    let mut m = with_secrets(10_000);
    update(&mut m, key('/'));
    for c in "secret_0".chars() {
        update(&mut m, key(c));
    }
    let mut term = terminal();
    bencher
        .with_inputs(|| m.clone())
        .bench_local_values(|mut m| {
            update(&mut m, key('7'));
            term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
            m
        });
}

/// A filter keystroke that widens (Backspace: a full scan of 10,000 rows)
/// and its frame.
#[divan::bench]
fn filter_keystroke_widening_to_frame(bencher: Bencher) {
    let mut m = with_secrets(10_000);
    update(&mut m, key('/'));
    for c in "key".chars() {
        update(&mut m, key(c));
    }
    let mut term = terminal();
    bencher
        .with_inputs(|| m.clone())
        .bench_local_values(|mut m| {
            update(
                &mut m,
                Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
            );
            term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
            m
        });
}

/// A poll that brings a changed list of 10,000 secrets (diff, re-sort,
/// re-index) — not per frame, per changed poll.
#[divan::bench]
fn poll_with_changed_10000_secrets(bencher: Bencher) {
    let m = with_secrets(10_000);
    let mut items = sample::many_secrets(10_000);
    items[4242].tags.push("rotated".into());
    bencher
        .with_inputs(|| (m.clone(), items.clone()))
        .bench_local_values(|(mut m, items)| {
            update(
                &mut m,
                sample::ok_msg(
                    Fetched::Secrets(Listed {
                        items,
                        skipped: vec![],
                    }),
                    sample::at(5),
                ),
            );
            m
        });
}

/// An idle tick (nothing visible changes): the cost of deciding not to draw.
#[divan::bench]
fn idle_tick_10000_secrets(bencher: Bencher) {
    let m = with_secrets(10_000);
    bencher
        .with_inputs(|| m.clone())
        .bench_local_values(|mut m| {
            update(&mut m, Msg::Tick(sample::at(1)));
            m
        });
}

/// The activity view (issue 10) with a full log of 10,000 events, 120x40,
/// selection in the middle: one frame. Budget 0.5 ms.
#[divan::bench]
fn frame_activity_10000_events(bencher: Bencher) {
    use lepdash::app::changes::{Event, EventKind, FieldChange, Origin};
    use lepdash::protocol::ResourceKind;
    let mut m = sample::loaded_model(120, 40);
    let kinds = [EventKind::Added, EventKind::Changed, EventKind::Removed];
    let events = (0..10_000).map(|i| Event {
        time_ms: sample::NOW_MS - i as i64 * 1000,
        workspace: "xfre17eu".into(),
        resource: ResourceKind::Secrets,
        id: format!("SECRET_{i:05}"),
        name: format!("SECRET_{i:05}"),
        kind: kinds[i % 3],
        fields: if i % 3 == 1 {
            vec![FieldChange::new("tags", "ci", "ci,models")]
        } else {
            vec![]
        },
        yours: i % 11 == 0,
        origin: if i % 5 == 0 {
            Origin::WhileAway
        } else {
            Origin::Live
        },
        own: false,
    });
    m.activity.log.push_batch(events);
    assert_eq!(m.activity.log.len(), 10_000);
    update(&mut m, key('a'));
    for _ in 0..5_000 {
        update(&mut m, key('j'));
    }
    let mut term = terminal();
    bencher.bench_local(|| {
        term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
    });
}
