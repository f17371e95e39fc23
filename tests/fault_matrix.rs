//! The fault matrix: each fault the emulator can inject, and what the
//! dashboard does about it.
//!
//! Two kinds of test:
//! - `model_*`: the real sync task against the emulator, every event through
//!   the real reducer, the frame drawn by the real `ui::render` (a headless
//!   dashboard, `support::driver`). Exact about the model: the last good data
//!   stays, it is marked stale with the error, back-off grows and resets,
//!   `Retry-After` is honoured, recovery comes at the next attempt.
//! - `pty_*`: the real binary in a pseudo-terminal (`--interval 1s`) against
//!   the emulator: keys keep working while the API hangs, the dashboard
//!   recovers by itself when the API comes back on the same port, a revoked
//!   token raises the banner with the fix, a `user` token gets "no
//!   permission" on the members pane only, a 100,000-item list stays
//!   responsive.
//!
//! Timing rule: no assertion depends on the machine being fast. Latencies
//! are printed (see `scripts/fault-latency.sh`); what is asserted is ordering
//! ("the screen changed while the request was still hanging") or a bound
//! that is generous by orders of magnitude.

mod support;

use std::time::{Duration, Instant, SystemTime};

use lepdash::api::ApiError;
use lepdash::api::types::{MemberStatus, Role, Visibility, WorkspaceState};
use lepdash::emulator::EmulatorHandle;
use lepdash::protocol::{ResourceKind, SyncEvent};
use support::driver::{MS, Rig, fetched, fetched_err, fetched_ok, options, screen, target};
use support::pty::{App, Emu, bin};

const ADMIN: &str = "nvapi-fault-matrix-admin-token-0123";

async fn emulator() -> EmulatorHandle {
    support::emulator_with_admin(ADMIN).await
}

/// A headless dashboard on `demo`: status and secrets every 200 ms,
/// back-off from 100 ms doubling to 800 ms.
async fn loaded_rig(emu: &EmulatorHandle) -> Rig {
    let mut rig = Rig::start(
        vec![target(
            &emu.origin(),
            "demo",
            ADMIN,
            Duration::from_secs(10),
        )],
        options(200 * MS, 100 * MS, ResourceKind::Secrets),
    );
    rig.loaded().await;
    rig
}

fn fetch_parts(ev: SyncEvent) -> (SystemTime, Option<SystemTime>, Option<ApiError>) {
    match ev {
        SyncEvent::Fetched {
            at,
            next_attempt,
            result,
            ..
        } => (at, next_attempt, result.err()),
        other => panic!("not a fetch: {other:?}"),
    }
}

fn since(later: SystemTime, earlier: SystemTime) -> Duration {
    later.duration_since(earlier).unwrap_or_default()
}

// ------------------------------------------------------------------ model

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_burst_of_5xx_keeps_the_data_stale_backs_off_and_recovers_by_itself() {
    let emu = emulator().await;
    let mut rig = loaded_rig(&emu).await;
    let good = rig.model.secrets.data.clone().expect("secrets loaded");
    let a_name = good[0].name.clone();

    emu.set_faults("error-rate=1.0,only=/usersecrets").unwrap();
    let mut delays = vec![];
    let mut announced = SystemTime::now();
    for i in 0..4 {
        let ev = rig
            .until("a failed secrets fetch", |ev, _| {
                fetched_err(ev, ResourceKind::Secrets)
            })
            .await;
        let (at, next, err) = fetch_parts(ev);
        let e = err.unwrap();
        assert!(matches!(e, ApiError::Server { .. }), "{e:?}");
        if i == 3 {
            // At once, long before the next attempt (>= 640 ms away).
            emu.clear_faults();
        }
        let next = next.expect("an error announces its next attempt");
        delays.push(since(next, at));
        announced = next;
        let m = &rig.model;
        assert_eq!(
            m.secrets.data.as_ref(),
            Some(&good),
            "the last good data stays"
        );
        assert!(m.is_stale(ResourceKind::Secrets), "marked stale");
        assert_eq!(m.secrets.error.as_ref(), Some(&e), "with the error");
    }
    let s = screen(&rig.model);
    for needle in [
        "STALE",
        "refresh failed: server error (50",
        "retry in",
        &a_name,
    ] {
        assert!(s.contains(needle), "{needle:?} on screen:\n{s}");
    }
    // 100, 200, 400, 800 ms, each ±20 %: strictly growing.
    assert!(
        delays.windows(2).all(|w| w[1] > w[0]),
        "back-off grows: {delays:?}"
    );

    // The fault ended: the very next attempt, at the announced time, succeeds.
    let ev = rig
        .until("the next secrets fetch", |ev, _| {
            fetched(ev, ResourceKind::Secrets)
        })
        .await;
    let (at, _, err) = fetch_parts(ev);
    assert!(
        err.is_none(),
        "the first attempt after the fault succeeds: {err:?}"
    );
    assert!(
        since(at, announced) < Duration::from_secs(1),
        "recovered {:?} after the announced attempt",
        since(at, announced)
    );
    let m = &rig.model;
    assert!(m.secrets.error.is_none() && !m.is_stale(ResourceKind::Secrets));
    let s = screen(m);
    assert!(!s.contains("STALE"), "no stale marker after recovery:\n{s}");

    // The back-off starts over after the success.
    emu.set_faults("error-rate=1.0,only=/usersecrets").unwrap();
    let ev = rig
        .until("a failure after the recovery", |ev, _| {
            fetched_err(ev, ResourceKind::Secrets)
        })
        .await;
    let (at, next, _) = fetch_parts(ev);
    let first = since(next.unwrap(), at);
    assert!(first <= 120 * MS, "back-off reset to 100 ms: {first:?}");
    rig.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_429_waits_at_least_retry_after_and_says_so() {
    let emu = emulator().await;
    let mut rig = loaded_rig(&emu).await;
    emu.set_faults("rate-limit=1,retry-after=1,only=/usersecrets")
        .unwrap();
    let mut last_end = None;
    for _ in 0..2 {
        let ev = rig
            .until("a rate-limited fetch", |ev, _| {
                fetched_err(ev, ResourceKind::Secrets)
            })
            .await;
        let (at, next, err) = fetch_parts(ev);
        let e = err.unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(1)), "{e}");
        assert!(since(next.unwrap(), at) >= 990 * MS);
        if let Some(prev) = last_end {
            // This request left no earlier than Retry-After after the last answer.
            assert!(since(at, prev) >= 990 * MS, "{:?}", since(at, prev));
        }
        last_end = Some(at);
        assert!(rig.model.secrets.data.is_some(), "data kept");
        let s = screen(&rig.model);
        assert!(
            s.contains("rate limited (429), retry after 1s"),
            "the reason is on screen:\n{s}"
        );
        // A manual refresh does not jump the wait.
        rig.key('r');
    }
    // From the sending side too: the next request leaves no earlier.
    rig.until("the next secrets request", |ev, _| {
        matches!(
            ev,
            SyncEvent::FetchStarted {
                kind: ResourceKind::Secrets,
                ..
            }
        )
    })
    .await;
    let waited = since(SystemTime::now(), last_end.unwrap());
    assert!(waited >= 990 * MS, "sent {waited:?} after a 429");
    emu.clear_faults();
    rig.until("recovery", |ev, _| fetched_ok(ev, ResourceKind::Secrets))
        .await;
    assert!(rig.model.secrets.error.is_none());
    rig.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_malformed_and_truncated_answers_keep_the_data_and_say_why() {
    let emu = emulator().await;
    let mut rig = loaded_rig(&emu).await;
    let good = rig.model.secrets.data.clone().unwrap();
    for (fault, kind_ok, shown) in [
        (
            "malformed,only=/usersecrets",
            (|e: &ApiError| matches!(e, ApiError::Decode(_))) as fn(&ApiError) -> bool,
            "undecodable response",
        ),
        (
            "truncate,only=/usersecrets",
            |e: &ApiError| matches!(e, ApiError::Transport(_)),
            "cut off",
        ),
    ] {
        emu.set_faults(fault).unwrap();
        let ev = rig
            .until(&format!("a failure under {fault}"), |ev, _| {
                fetched_err(ev, ResourceKind::Secrets)
            })
            .await;
        let e = fetch_parts(ev).2.unwrap();
        assert!(kind_ok(&e), "{fault}: {e:?}");
        assert!(e.is_transient(), "{fault}: retried by the schedule");
        assert_eq!(rig.model.secrets.data.as_ref(), Some(&good), "{fault}");
        assert!(rig.model.is_stale(ResourceKind::Secrets));
        let s = screen(&rig.model);
        assert!(
            s.contains("STALE") && s.contains(shown),
            "{fault}: {shown:?} on screen:\n{s}"
        );
        emu.clear_faults();
        rig.until("recovery", |ev, _| fetched_ok(ev, ResourceKind::Secrets))
            .await;
        assert!(!rig.model.is_stale(ResourceKind::Secrets), "{fault}");
    }
    rig.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_hang_past_the_client_timeout_keeps_the_data_and_recovers() {
    let emu = emulator().await;
    let mut rig = Rig::start(
        vec![target(&emu.origin(), "demo", ADMIN, 500 * MS)],
        options(200 * MS, 100 * MS, ResourceKind::Secrets),
    );
    rig.loaded().await;
    let good = rig.model.secrets.data.clone().unwrap();
    emu.set_faults("hang=30s,only=/usersecrets").unwrap();
    let ev = rig
        .until("a timed-out secrets fetch", |ev, _| {
            fetched_err(ev, ResourceKind::Secrets)
        })
        .await;
    let e = fetch_parts(ev).2.unwrap();
    assert!(matches!(e, ApiError::Timeout(_)), "{e:?}");
    assert_eq!(rig.model.secrets.data.as_ref(), Some(&good));
    let s = screen(&rig.model);
    assert!(
        s.contains("STALE") && s.contains("timed out"),
        "the timeout is on screen:\n{s}"
    );
    // Status is not hit by the fault and kept polling meanwhile.
    assert!(rig.model.status.error.is_none());
    emu.clear_faults();
    rig.until("recovery", |ev, _| fetched_ok(ev, ResourceKind::Secrets))
        .await;
    assert!(!rig.model.is_stale(ResourceKind::Secrets));
    rig.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_unknown_enum_values_and_bad_items_are_shown_not_fatal() {
    let emu = emulator().await;
    let mut rig = loaded_rig(&emu).await;
    emu.set_faults("unknown-enums,bad-items=2").unwrap();
    // Secrets and status are polled; members when shown.
    rig.until("secrets with unknown values", |ev, m| {
        fetched_ok(ev, ResourceKind::Secrets) && m.secrets.skipped == 2
    })
    .await;
    let m = &rig.model;
    assert!(m.secrets.error.is_none());
    assert!(
        m.secrets
            .data
            .as_ref()
            .unwrap()
            .iter()
            .all(|s| s.visibility == Some(Visibility::Unknown("team".into()))),
        "every secret has the unknown visibility"
    );
    let s = screen(m);
    assert!(s.contains("team"), "the unknown value is shown:\n{s}");
    assert!(s.contains("2 items skipped (unreadable)"), "{s}");

    rig.until("status with an unknown state", |ev, m| {
        fetched_ok(ev, ResourceKind::Status)
            && m.status.data.as_ref().is_some_and(|d| {
                d.info.workspace_state == WorkspaceState::Unknown("hibernating".into())
            })
    })
    .await;
    assert!(
        screen(&rig.model).contains("HIBERNATING"),
        "the unknown state is the badge text"
    );

    rig.key('2');
    rig.until("members with unknown values", |ev, _| {
        fetched_ok(ev, ResourceKind::Members)
    })
    .await;
    let m = &rig.model;
    let members = m.members.data.as_ref().unwrap();
    assert!(members.iter().all(|x| {
        x.role == Role::Unknown("billing-admin".into())
            && x.status == MemberStatus::Unknown("suspended".into())
    }));
    let s = screen(m);
    // The pane title counts roles by name; the narrow status column cuts
    // the value, but what shows is what the server sent.
    assert!(
        s.contains("billing-admin 12") && s.contains("suspen"),
        "unknown role and status shown as sent:\n{s}"
    );
    rig.shutdown().await;
    emu.shutdown().await;
}

// ------------------------------------------------------------------ PTY

/// The seeded Status pane is on screen (a shape name and the tier).
/// The tab title `tab` is followed by a count (its list has arrived).
fn tab_has_count(screen: &str, tab: &str) -> bool {
    screen.match_indices(tab).any(|(i, _)| {
        screen[i + tab.len()..]
            .strip_prefix(' ')
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_digit())
    })
}

fn status_loaded(s: &str) -> bool {
    s.contains("╭ Status") && s.contains("enterprise") && s.contains("gpu.")
}

/// Poll the screen every millisecond until `pred` holds; the time it took.
fn time_until(app: &App, what: &str, pred: impl Fn(&str) -> bool) -> Duration {
    let t = Instant::now();
    loop {
        if pred(&app.screen()) {
            return t.elapsed();
        }
        assert!(
            t.elapsed() < support::pty::WAIT,
            "timed out waiting for {what}; screen:\n{}",
            app.screen()
        );
        std::thread::sleep(MS);
    }
}

/// Type `text` into the open filter one key at a time, timing each key
/// until the filter line shows it.
fn type_filter(app: &mut App, text: &str, lat: &mut Vec<Duration>) {
    for (i, c) in text.char_indices() {
        let typed = format!("/{}", &text[..i + c.len_utf8()]);
        let mut buf = [0u8; 4];
        app.send(c.encode_utf8(&mut buf));
        lat.push(time_until(app, &typed, |s| s.contains(&typed)));
    }
}

/// Median and maximum of some latencies, in milliseconds.
fn summary(lat: &mut [Duration]) -> (f64, f64) {
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(lat[lat.len() / 2]), ms(lat[lat.len() - 1]))
}

/// Press keys while every API request hangs for 30 s: the screen answers
/// each key while the hung request is provably still open (the emulator
/// holds it exactly 30 s; everything below ends well before that).
#[test]
fn pty_keys_work_while_the_api_hangs() {
    let emu = Emu::start();
    let mut app = App::spawn(&bin(), &emu, &["--interval", "1s"], &[]);
    app.wait_screen("the status pane with data", status_loaded);
    // Every pane's first fetch is answered before the hang starts (the tab
    // titles carry counts once a list arrived), so the members filtered
    // below are data from before the hang.
    app.wait_screen("every list loaded", |s| {
        [
            "2 Members",
            "3 Tokens",
            "4 Secrets",
            "5 Registries",
            "6 Templates",
        ]
        .iter()
        .all(|tab| tab_has_count(s, tab))
    });

    emu.set_faults("hang=30s");
    emu.handle().reset_request_counts();
    // The next status poll (every second) arrives and hangs.
    let deadline = Instant::now() + support::pty::WAIT;
    while emu.handle().request_count("GET", "/workspace") == 0 {
        assert!(Instant::now() < deadline, "no status poll arrived");
        std::thread::sleep(5 * MS);
    }
    let hung_at = Instant::now();

    let mut lat = vec![];
    for round in 0..2 {
        for (key, title) in [
            ("2", "╭ Members"),
            ("3", "╭ Tokens"),
            ("4", "╭ Secrets"),
            ("5", "╭ Registries"),
            ("6", "╭ Templates"),
            ("1", "╭ Status"),
        ] {
            app.send(key);
            lat.push(time_until(&app, &format!("{title} (round {round})"), |s| {
                s.contains(title)
            }));
        }
    }
    // `/` opens the filter; typing narrows the members (data fetched before
    // the hang, still shown).
    app.send("2");
    time_until(&app, "members", |s| s.contains("╭ Members"));
    app.send("/");
    lat.push(time_until(&app, "the filter prompt", |s| {
        s.contains("Esc clear")
    }));
    type_filter(&mut app, "marcus", &mut lat);
    let s = app.wait_text("marcus.chen@example.com");
    assert!(
        !s.contains("priya.natarajan@example.com"),
        "the filter narrowed the list:\n{s}"
    );
    // Esc clears the filter. (Wait for it: an Esc followed at once by
    // another key reads as Alt+key.)
    app.send("\x1b");
    app.wait_screen("the filter cleared", |s| {
        !s.contains("Esc clear") && s.contains("priya.natarajan@example.com")
    });

    app.send("1");
    let s = app.wait_screen("status", |s| s.contains("╭ Status"));
    assert!(
        status_loaded(&s),
        "the data fetched before the hang stays:\n{s}"
    );
    let hung_for = hung_at.elapsed();
    assert!(
        hung_for < Duration::from_secs(25),
        "all of that happened while the first hung request was still open ({hung_for:?} of 30 s)"
    );
    // Quitting does not wait for the hung requests either.
    let t = Instant::now();
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
    let quit = t.elapsed();
    let n = lat.len();
    let (median, max) = summary(&mut lat);
    println!(
        "FIGURE keypress_to_screen_during_30s_hang: keys={n} median_ms={median:.1} max_ms={max:.1} \
         quit_ms={:.0} (binary {})",
        quit.as_secs_f64() * 1000.0,
        bin().display()
    );
}

/// The emulator goes away (connection refused), the dashboard keeps the
/// data marked stale with the reason; the emulator comes back on the same
/// port and the dashboard recovers with no key pressed.
#[test]
fn pty_recovers_by_itself_when_the_api_comes_back_on_the_same_port() {
    let mut emu = Emu::start();
    let mut app = App::spawn(&bin(), &emu, &["--interval", "1s"], &[]);
    app.wait_screen("the status pane with data", status_loaded);

    emu.stop();
    let s = app.wait_screen("connection refused shown", |s| {
        s.contains("cannot connect") && s.contains("STALE")
    });
    assert!(status_loaded(&s), "the last good data stays:\n{s}");

    emu.restart();
    let back = Instant::now();
    let took = time_until(&app, "recovery without a key", |s| {
        !s.contains("STALE") && !s.contains("cannot connect") && status_loaded(s)
    });
    println!(
        "FIGURE recovery_after_restart_ms={:.0} (back-off after a short outage, interval 1s)",
        took.as_secs_f64() * 1000.0
    );
    // The back-off after a couple of failures is a few seconds at most.
    assert!(
        back.elapsed() < Duration::from_secs(15),
        "{:?}",
        back.elapsed()
    );
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

/// The token lepdash uses is revoked mid-session (through the API, by an
/// admin): a banner says the token was rejected and how to fix it; the data
/// already on screen stays.
#[test]
fn pty_revoked_token_mid_session_shows_the_fix() {
    let emu = Emu::start();
    let (id, token) = emu.mint_token("demo", "alex.rivera@example.com");
    let env = emu.env_for_token("demo", &token);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut app = App::spawn(&bin(), &emu, &["--interval", "1s"], &env);
    app.wait_screen("the status pane with data", status_loaded);
    assert!(!app.screen().contains("Token rejected"));

    emu.block_on(emu.client("demo").revoke_token(&id)).unwrap();
    let s = app.wait_screen("the 401 banner", |s| s.contains("Token rejected (401)"));
    for needle in ["lep login -c demo:TOKEN", "LEPTON_WORKSPACE_TOKEN"] {
        assert!(s.contains(needle), "the fix is on screen: {needle:?}\n{s}");
    }
    assert!(status_loaded(&s), "the last good data stays:\n{s}");
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

/// A `user` token: the members pane (admin only) says there is no
/// permission; the other panes work; no token banner.
#[test]
fn pty_forbidden_pane_says_no_permission_and_the_others_work() {
    let emu = Emu::start();
    let (_, token) = emu.mint_token("demo", "marcus.chen@example.com");
    let env = emu.env_for_token("demo", &token);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut app = App::spawn(&bin(), &emu, &["--interval", "1s"], &env);
    app.wait_screen("the status pane with data", status_loaded);

    app.send("2");
    let s = app.wait_screen("members: no permission", |s| {
        s.contains("╭ Members") && s.contains("No permission to view members")
    });
    assert!(s.contains("the other panes keep working"), "{s}");
    assert!(
        !s.contains("Token rejected"),
        "403 is not a token problem:\n{s}"
    );
    app.send("4");
    app.wait_screen("secrets listed", |s| {
        s.contains("╭ Secrets") && s.contains("HF_TOKEN")
    });
    app.send("3");
    app.wait_screen("own tokens listed", |s| {
        s.contains("╭ Tokens") && s.contains("emulator-minted")
    });
    app.send("1");
    let s = app.wait_screen("status", status_loaded);
    assert!(!s.contains("STALE"), "{s}");
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}

/// 100,000 secrets (polled every second): the pane loads, and moving,
/// jumping and filtering answer promptly.
#[test]
fn pty_hundred_thousand_secrets_stay_responsive() {
    let emu = Emu::start();
    emu.set_faults("big-lists=100000,only=/usersecrets");
    let mut app = App::spawn(&bin(), &emu, &["--interval", "1s"], &[]);
    app.wait_screen("the status pane with data", status_loaded);
    let t = Instant::now();
    app.send("4");
    app.wait_screen("100,000 secrets", |s| {
        s.contains("╭ Secrets") && s.contains("BULK_SECRET_")
    });
    let loaded = t.elapsed();
    let total = app.screen();
    assert!(
        total.contains("Secrets 1000"),
        "the count is shown:\n{total}"
    );

    let mut lat = vec![];
    for _ in 0..5 {
        let before = app.screen();
        app.send("j");
        lat.push(time_until(&app, "the selection moved", |s| s != before));
    }
    app.send("G");
    lat.push(time_until(&app, "the last row", |s| s.contains("/1000")));
    app.send("/");
    lat.push(time_until(&app, "the filter prompt", |s| {
        s.contains("Esc clear")
    }));
    type_filter(&mut app, "099999", &mut lat);
    let s = app.wait_screen("one match", |s| {
        s.contains("BULK_SECRET_099999") && !s.contains("BULK_SECRET_099998")
    });
    assert!(s.contains("1 match"), "{s}");
    app.send("\x1b");
    app.wait_screen("the filter cleared", |s| {
        !s.contains("Esc clear") && !s.contains("1 match")
    });
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
    let n = lat.len();
    let (median, max) = summary(&mut lat);
    println!(
        "FIGURE keypress_to_screen_with_100k_secrets: keys={n} median_ms={median:.1} max_ms={max:.1} \
         first_load_ms={:.0} (binary {})",
        loaded.as_secs_f64() * 1000.0,
        bin().display()
    );
}

// ------------------------------------------------------------------ pipes

/// `lepdash get` writing into a pipe whose reader went away (`| head`):
/// a quiet exit 0, no panic, no error line.
#[test]
fn get_into_a_closed_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let emu = Emu::start();
    // ~2 MB of output: far more than a pipe buffer holds.
    emu.set_faults("big-lists=20000,only=/usersecrets");
    let home = emu.home();
    let mut child = Command::new(bin())
        .args(["get", "secrets", "-o", "json"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("LEPTON_CACHE_DIR", home.join(".cache/lepton"))
        .env("LEPDASH_CONFIG", home.join("config/config.toml"))
        .env("LEPDASH_LOG_DIR", home.join("logs"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    out.read_exact(&mut first).unwrap();
    assert!(matches!(&first, b"{" | b"["), "JSON output began");
    drop(out);
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "exit status {:?}", done.status);
    assert!(
        done.stderr.is_empty(),
        "nothing on stderr: {}",
        String::from_utf8_lossy(&done.stderr)
    );
}
