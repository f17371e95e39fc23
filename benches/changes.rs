//! Change-engine budgets (issue 10): comparing a 10,000-item poll with the
//! previous one within 5 ms; an identical poll detected before anything is
//! built. Figures only, never pass/fail.
//! Run: `cargo bench --bench changes`.

#[path = "../tests/support/sample.rs"]
mod sample;

use divan::{Bencher, black_box};
use lepdash::api::types::{Member, MemberStatus, Role, Secret};
use lepdash::app::changes::{ActivityLog, Ctx, Event, Origin, Yours, diff_items, diff_tokens};
use sample::NOW_MS;
// The one import of the shared vocabulary.
use lepdash::protocol::ResourceKind;

fn main() {
    divan::main();
}

const N: usize = 10_000;

fn ctx(yours: &Yours) -> Ctx<'_> {
    Ctx {
        now_ms: NOW_MS,
        workspace: "xfre17eu",
        origin: Origin::Live,
        yours,
    }
}

fn members(n: usize) -> Vec<Member> {
    (0..n)
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
            created_at: Some(NOW_MS - (i as i64) * sample::HOUR),
            last_active_at: Some(NOW_MS - (i as i64) * sample::MIN),
        })
        .collect()
}

/// 1 % of the items changed, 10 added, 10 removed: a busy poll.
fn busy(old: &[Member]) -> Vec<Member> {
    let mut new: Vec<Member> = old[10..].to_vec();
    for m in new.iter_mut().step_by(100) {
        m.role = Role::Viewer;
        m.status = MemberStatus::Active;
    }
    new.extend(members(N + 10)[N..].iter().cloned());
    new
}

/// An identical poll of 10,000 secrets (separately allocated copies).
#[divan::bench]
fn identical_10000_secrets(bencher: Bencher) {
    let y = Yours::new();
    let (old, new) = (sample::many_secrets(N), sample::many_secrets(N));
    bencher.bench_local(|| diff_items(&ctx(&y), ResourceKind::Secrets, black_box(&old), &new));
}

/// An identical poll of 10,000 members.
#[divan::bench]
fn identical_10000_members(bencher: Bencher) {
    let y = Yours::new();
    let (old, new) = (members(N), members(N));
    bencher.bench_local(|| diff_items(&ctx(&y), ResourceKind::Members, black_box(&old), &new));
}

/// One secret of 10,000 changed (the usual changed poll): the full
/// by-id comparison.
#[divan::bench]
fn one_changed_10000_secrets(bencher: Bencher) {
    let y = Yours::new();
    let old = sample::many_secrets(N);
    let mut new = old.clone();
    new[4242].tags.push("rotated".into());
    bencher.bench_local(|| {
        let e = diff_items(&ctx(&y), ResourceKind::Secrets, black_box(&old), &new);
        assert_eq!(e.len(), 1);
        e
    });
}

/// 10,000 members, 1 % changed, 10 added, 10 removed, with a `Yours` set.
#[divan::bench]
fn busy_10000_members(bencher: Bencher) {
    let mut y = Yours::new();
    y.insert(ResourceKind::Members, "user00500@example.com");
    let old = members(N);
    let new = busy(&old);
    bencher.bench_local(|| diff_items(&ctx(&y), ResourceKind::Members, black_box(&old), &new));
}

/// Worst case: every one of 10,000 members changed (10,000 events).
#[divan::bench]
fn all_changed_10000_members(bencher: Bencher) {
    let y = Yours::new();
    let old = members(N);
    let new: Vec<Member> = old
        .iter()
        .map(|m| Member {
            role: Role::Viewer,
            ..m.clone()
        })
        .collect();
    bencher.bench_local(|| diff_items(&ctx(&y), ResourceKind::Members, black_box(&old), &new));
}

/// Worst case: 10,000 removed and 10,000 added (every id replaced).
#[divan::bench]
fn all_replaced_10000_secrets(bencher: Bencher) {
    let y = Yours::new();
    let old = sample::many_secrets(N);
    let new: Vec<Secret> = old
        .iter()
        .map(|s| Secret {
            name: format!("{}_NEW", s.name).into(),
            ..s.clone()
        })
        .collect();
    bencher.bench_local(|| diff_items(&ctx(&y), ResourceKind::Secrets, black_box(&old), &new));
}

/// The token poll with the clock-only expiry check (identical list).
#[divan::bench]
fn identical_tokens_with_expiry(bencher: Bencher) {
    let y = Yours::new();
    let t = sample::tokens();
    bencher.bench_local(|| {
        diff_tokens(
            &ctx(&y),
            black_box(&t),
            NOW_MS - 5_000,
            &t,
            Some(sample::OWN_TOKEN_ID),
        )
    });
}

fn full_log() -> ActivityLog {
    let y = Yours::new();
    let old = members(N);
    let new: Vec<Member> = old
        .iter()
        .map(|m| Member {
            role: Role::Viewer,
            ..m.clone()
        })
        .collect();
    let mut log = ActivityLog::new();
    log.push_batch(diff_items(&ctx(&y), ResourceKind::Members, &old, &new));
    log
}

/// The activity filter over 10,000 events (a keystroke in the view).
#[divan::bench]
fn activity_filter_10000(bencher: Bencher) {
    let log = full_log();
    bencher.bench_local(|| log.filter(black_box("user0999")));
}

/// Adding a 100-event batch to a full log (the oldest fall off).
#[divan::bench]
fn activity_push_100_into_full(bencher: Bencher) {
    let log = full_log();
    let batch: Vec<Event> = log.iter().take(100).cloned().collect();
    bencher
        .with_inputs(|| (log.clone(), batch.clone()))
        .bench_local_values(|(mut log, batch)| {
            log.push_batch(batch);
            log
        });
}

/// One `watch` JSON line.
#[divan::bench]
fn json_line(bencher: Bencher) {
    let log = full_log();
    let e = log.get(0).cloned().expect("an event");
    bencher.bench_local(|| lepdash::watch::json_line(black_box(&e)));
}
