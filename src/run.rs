//! The dashboard driver: one `tokio::select!` over terminal events, sync
//! events, a 1 Hz tick and signals; every input becomes a `Msg` for the pure
//! reducer, whose effects are executed here. A frame is drawn only when the
//! model says it is dirty. The network is only ever touched by the sync task.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use color_eyre::eyre::{WrapErr, eyre};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use secrecy::ExposeSecret;
use tokio::sync::mpsc;

use crate::app::fleet::SaveFleet;
use crate::app::{self, Effect, Model, ModelInit, Msg, ThemeName, WorkspaceLabel};
use crate::config::LoadedConfig;
use crate::credentials::WorkspaceTarget;
use crate::history::{FileStamp, History};
use crate::protocol::{ResourceKind, SyncCmd, SyncEvent};
use crate::sync::{self, SyncHandle, SyncTarget};
use crate::terminal::{ResizeDebounce, Signals, TerminalGuard};
use crate::ui;

/// Everything the dashboard needs, resolved by `main`.
#[derive(Debug)]
pub struct DashboardOptions {
    /// The workspaces that can be switched between (`:ws ID`).
    pub targets: Vec<WorkspaceTarget>,
    /// Index into `targets` of the one shown first.
    pub current: usize,
    pub config: LoadedConfig,
    /// `--read-only` (the settings file may also set it).
    pub read_only: bool,
    /// Running on the embedded emulator (`lepdash demo`).
    pub demo: bool,
    /// Shown once at start (credential and expiry notes).
    pub warnings: Vec<String>,
}

/// Env var naming a file to which the time of the first frame showing data
/// is appended (for `scripts/bench.sh`).
pub const BENCH_FIRST_FRAME_ENV: &str = "LEPDASH_BENCH_FIRST_FRAME";
/// Env var naming a file to which the time when every fleet row is filled
/// (answered or failed, lists in) is appended (for `scripts/bench-fleet.sh`).
pub const BENCH_FLEET_FILLED_ENV: &str = "LEPDASH_BENCH_FLEET_FILLED";

/// Capacity of the sync → UI channel; the sync task waits when it is full.
const SYNC_EVENTS: usize = 256;
/// Sync events applied before a frame is drawn, so a burst draws once.
const DRAIN_BURST: usize = 64;

/// Run the dashboard until the user quits or a signal arrives. The terminal
/// is restored on every way out (return, error, panic, signal).
pub async fn dashboard(opts: DashboardOptions) -> color_eyre::Result<()> {
    let started = Instant::now();
    if opts.targets.is_empty() {
        return Err(eyre!("no workspace to show"));
    }
    let cfg = opts.config.config.clone();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut warnings = opts.config.warnings.clone();
    warnings.extend(opts.warnings.iter().cloned());
    let current = opts.current.min(opts.targets.len() - 1);
    let init = ModelInit {
        workspaces: opts.targets.iter().map(label).collect(),
        current,
        read_only: opts.read_only || cfg.read_only,
        demo: opts.demo,
        interval: cfg.interval,
        theme: if no_color { ThemeName::Mono } else { cfg.theme },
        ascii_borders: cfg.ascii_borders,
        mouse: cfg.mouse,
        key_overrides: cfg.keys.clone(),
        warnings,
        now: SystemTime::now(),
    };
    // Issue 10: the activity log and the snapshot of the previous run.
    let history = History::from_env(&|k: &str| std::env::var(k).ok());
    let mut init = init;
    let (log, away) = load_history(
        &opts.targets[current].id,
        history.as_ref(),
        &mut init.warnings,
    );
    // And what an earlier run saw of the other workspaces (the fleet).
    let fleet_saved =
        load_fleet_snapshots(&opts.targets, current, history.as_ref(), &mut init.warnings);
    // What the activity file looked like when it was read: a later change
    // is another writer's (`lepdash watch`), merged at the next save.
    let activity_stamp = history.as_ref().and_then(History::activity_stamp);
    let mut model = Model::new(init);
    model.activity.log = log;
    model.activity.away = away;
    for (i, snap) in fleet_saved {
        model
            .fleet
            .remember_saved(i, snap, &sync::fleet::FLEET_KINDS);
    }
    model.activity.notify = cfg.notify.clone();

    // Signals first: a SIGTERM during start-up is then still a clean exit.
    let signals = Signals::new().wrap_err("cannot install signal handlers")?;
    crate::terminal::exit_on_stalled_hangup().wrap_err("cannot install signal handlers")?;

    // The sync task starts fetching while the terminal is being set up.
    let (events_tx, events_rx) = mpsc::channel(SYNC_EVENTS);
    let targets: Vec<SyncTarget> = opts
        .targets
        .iter()
        .map(|t| SyncTarget {
            id: t.id.clone(),
            config: t.client_config(&cfg),
        })
        .collect();
    let fleet = sync::fleet::spawn(
        targets.clone(),
        current,
        sync::fleet::FleetOptions::new(cfg.fleet_interval),
        events_tx.clone(),
    );
    let sync = sync::spawn(
        targets,
        current,
        cfg.interval,
        cfg.hidden_interval,
        events_tx,
    );

    let mut term = match TerminalGuard::enter(cfg.mouse) {
        Ok(t) => t,
        Err(e) => {
            drop(events_rx);
            stop_sync(sync).await;
            fleet.join.abort();
            return Err(e.into());
        }
    };
    let bench = std::env::var_os(BENCH_FIRST_FRAME_ENV).map(PathBuf::from);
    let fleet_bench = std::env::var_os(BENCH_FLEET_FILLED_ENV).map(PathBuf::from);
    let mut driver = Driver {
        history: history.as_ref(),
        last_save: Instant::now(),
        last_fleet_save: Instant::now(),
        activity_stamp,
        sync: &sync,
        fleet: &fleet,
        fleet_bench: fleet_bench.map(|p| (p, started)),
        events_rx,
        copies: tokio::task::JoinSet::new(),
        signals,
        bench: bench.map(|path| Bench {
            path,
            started,
            have_data: false,
        }),
    };
    let outcome = driver.run(&mut term, &mut model).await;
    let mut activity_stamp = driver.activity_stamp;
    drop(driver);
    // Restore before anything else can print.
    let left = term.leave();
    save_history(
        &mut model,
        history.as_ref(),
        &mut activity_stamp,
        Some(SaveFleet::Touched),
        true,
    );
    stop_sync(sync).await;
    // Exiting never waits on the network: the fleet's requests are dropped.
    fleet.join.abort();
    match &outcome {
        Ok(why) => tracing::info!(why, "dashboard ended"),
        Err(e) => tracing::error!(error = %e, "dashboard failed"),
    }
    outcome?;
    left.wrap_err("cannot restore the terminal")?;
    Ok(())
}

/// Stop the sync task; its event receiver is gone by now, so it cannot be
/// stuck sending. Bounded anyway: exiting never waits on the network.
async fn stop_sync(sync: SyncHandle) {
    if tokio::time::timeout(Duration::from_secs(2), sync.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("the sync task did not stop in time");
    }
}

fn label(t: &WorkspaceTarget) -> WorkspaceLabel {
    WorkspaceLabel {
        id: t.id.clone(),
        display_name: t.display_name.clone(),
        base_url: t.base_url.clone(),
        token_expires_at: t.token_expires_at,
    }
}

/// Every fleet row has its answer: Status answered with its lists, or
/// failed.
fn fleet_filled(model: &Model) -> bool {
    use crate::app::fleet::Reach;
    model.fleet_rows_all().iter().all(|r| match r.reach {
        Reach::Waiting => false,
        Reach::Ok => r.members.is_some() && r.secrets.is_some() && r.tokens_expiring.is_some(),
        _ => true,
    })
}

/// Append a line to a bench file (a failure is logged, never fatal).
fn append(path: &std::path::Path, line: &str) {
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        tracing::warn!(error = %e, "cannot write a bench figure");
    }
}

struct Bench {
    path: PathBuf,
    started: Instant,
    have_data: bool,
}

impl Bench {
    fn saw(&mut self, msg: &Msg) {
        if let Msg::Sync(SyncEvent::Fetched {
            kind: ResourceKind::Status,
            result: Ok(_),
            ..
        }) = msg
        {
            self.have_data = true;
        }
    }

    /// Append `first_frame_epoch_ns=… since_start_ms=…` to the file.
    fn write(&self) {
        use std::io::Write;
        let epoch_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let line = format!(
            "first_frame_epoch_ns={epoch_ns} since_start_ms={:.3}\n",
            self.started.elapsed().as_secs_f64() * 1000.0
        );
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            tracing::warn!(error = %e, "cannot write the first-frame time");
        }
    }
}

/// At most this often the activity log and the snapshot are written (and
/// once more on exit).
pub const SAVE_EVERY: Duration = Duration::from_secs(30);
/// At most this often the snapshots of the fleet's workspaces whose data
/// changed are written (every one the fleet answered for on exit): a
/// 50-workspace fleet polled every minute writes no file per poll.
pub const FLEET_SAVE_EVERY: Duration = Duration::from_secs(300);

/// Read the activity log and the current workspace's snapshot into the
/// model; problems are warnings (a fresh start), never fatal.
fn load_history(
    workspace: &str,
    history: Option<&History>,
    warnings: &mut Vec<String>,
) -> (app::changes::ActivityLog, Option<app::changes::Snapshot>) {
    let Some(h) = history else {
        return Default::default();
    };
    let log = h.load_activity();
    let snap = h.load_snapshot(workspace);
    warnings.extend(log.warnings);
    warnings.extend(snap.warnings);
    (log.value, snap.value)
}

/// Read the snapshots an earlier run saved of every workspace but the
/// current one (what the fleet compares its first answers with); problems
/// are warnings, never fatal.
fn load_fleet_snapshots(
    targets: &[WorkspaceTarget],
    current: usize,
    history: Option<&History>,
    warnings: &mut Vec<String>,
) -> Vec<(usize, app::changes::Snapshot)> {
    let Some(h) = history else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, t) in targets.iter().enumerate().filter(|(i, _)| *i != current) {
        let snap = h.load_snapshot(&t.id);
        warnings.extend(snap.warnings);
        if let Some(s) = snap.value {
            out.push((i, s));
        }
    }
    out
}

/// Write the activity log (when it changed), the current workspace's
/// snapshot (when a list changed since the last write, or `last`: on exit)
/// and, when `fleet` says so, the fleet's
/// snapshots of the other workspaces. Failures are logged, never fatal. When
/// the activity file changed since this process last wrote it (`lepdash
/// watch` appended), its events are merged into the log first, under the
/// activity lock, so neither writer loses the other's events.
fn save_history(
    model: &mut Model,
    history: Option<&History>,
    stamp: &mut Option<FileStamp>,
    fleet: Option<SaveFleet>,
    last: bool,
) {
    let Some(h) = history else {
        return;
    };
    let changed_on_disk = h.activity_stamp().is_some_and(|s| Some(s) != *stamp);
    // While `lepdash watch` holds the lock (merging), this write would lose
    // its events: the log stays in memory and the next save writes it (the
    // last one goes ahead).
    let lock = (model.activity.unsaved || changed_on_disk).then(|| h.lock_activity());
    if let Some(_lock) = lock.filter(|l| last || !l.busy()) {
        if changed_on_disk {
            let file = h.load_activity();
            let saved: Vec<app::changes::Event> = file.value.iter().cloned().collect();
            if model.activity.merge_saved(saved) > 0 {
                model.activity.unsaved = true;
                model.mark_dirty();
            }
        }
        if model.activity.unsaved {
            match h.save_activity(&model.activity.log) {
                Ok(()) => model.activity.unsaved = false,
                Err(e) => tracing::warn!(error = %e, "cannot save the activity log"),
            }
        }
        *stamp = h.activity_stamp();
    }
    if last {
        // The last save (on exit): written even when no list changed, so
        // its time is when the data was last seen (the "old" time of the
        // next start's token-expiry check).
        model.activity.saved_generation = None;
    }
    // Only when a list changed since the last write, streamed from the
    // model's own lists (no copy).
    if let Some(snap) = model.snapshot_to_save()
        && let Err(e) = h.save_snapshot_ref(&snap)
    {
        tracing::warn!(error = %e, "cannot save the snapshot");
    }
    for i in fleet.map(|w| model.fleet.to_save(w)).unwrap_or_default() {
        let Some(snap) = model.fleet.seen.get(&i) else {
            continue;
        };
        if let Err(e) = h.save_snapshot(snap) {
            tracing::warn!(error = %e, "cannot save a fleet workspace's snapshot");
        }
    }
}

struct Driver<'a> {
    history: Option<&'a History>,
    last_save: Instant,
    /// When the fleet's snapshots were last written (see [`FLEET_SAVE_EVERY`]).
    last_fleet_save: Instant,
    /// The activity file as this process last read or wrote it.
    activity_stamp: Option<FileStamp>,
    sync: &'a SyncHandle,
    fleet: &'a sync::fleet::FleetHandle,
    fleet_bench: Option<(PathBuf, Instant)>,
    events_rx: mpsc::Receiver<SyncEvent>,
    /// Clipboard copies running off the loop (see `Effect::Copy`).
    copies: tokio::task::JoinSet<(Vec<u8>, Result<String, String>)>,
    signals: Signals,
    bench: Option<Bench>,
}

/// What the executed effects asked for.
enum Flow {
    Continue,
    Quit,
}

impl Driver<'_> {
    /// The loop. `Ok` carries why it ended (for the log).
    async fn run(
        &mut self,
        term: &mut TerminalGuard,
        model: &mut Model,
    ) -> color_eyre::Result<&'static str> {
        let mut input = EventStream::new();
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + Duration::from_secs(1),
            Duration::from_secs(1),
        );
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut resize = ResizeDebounce::default();
        let mut queue: VecDeque<Msg> = VecDeque::new();

        let size = term.terminal().size()?;
        queue.push_back(Msg::Resize(size.width, size.height));
        if let Flow::Quit = self.execute(term, app::initial_effects(model), &mut queue)? {
            return Ok("quit");
        }

        loop {
            while let Some(msg) = queue.pop_front() {
                if let Some(b) = &mut self.bench {
                    b.saw(&msg);
                }
                let effects = app::update(model, msg);
                if let Flow::Quit = self.execute(term, effects, &mut queue)? {
                    return Ok("quit");
                }
            }
            if model.should_quit() {
                return Ok("quit");
            }
            if let Some((path, started)) = &self.fleet_bench
                && fleet_filled(model)
            {
                let line = format!(
                    "fleet_filled_ms={:.3} workspaces={}\n",
                    started.elapsed().as_secs_f64() * 1000.0,
                    model.workspaces.len()
                );
                append(path, &line);
                self.fleet_bench = None;
            }
            if self.last_save.elapsed() >= SAVE_EVERY {
                self.last_save = Instant::now();
                let fleet = (self.last_fleet_save.elapsed() >= FLEET_SAVE_EVERY).then(|| {
                    self.last_fleet_save = Instant::now();
                    SaveFleet::Changed
                });
                save_history(model, self.history, &mut self.activity_stamp, fleet, false);
            }
            if crate::terminal::panicked() {
                return Err(eyre!("a background task panicked (see the log)"));
            }
            if model.is_dirty() {
                term.draw(|frame| ui::render(frame, model))?;
                model.clear_dirty();
                if let Some(b) = &self.bench
                    && b.have_data
                {
                    b.write();
                    self.bench = None;
                }
            }

            let resize_at = resize.deadline();
            tokio::select! {
                // Signals win over everything else queued.
                biased;
                sig = self.signals.recv() => {
                    tracing::info!(signal = sig.name(), "exiting on signal");
                    return Ok(sig.name());
                }
                ev = input.next() => match ev {
                    Some(Ok(ev)) => {
                        if let Some(msg) = input_msg(ev, &mut resize) {
                            queue.push_back(msg);
                        }
                    }
                    // The terminal went away (e.g. EIO after a hang-up).
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "terminal input failed");
                        return Ok("terminal input closed");
                    }
                    None => return Ok("terminal input closed"),
                },
                ev = self.events_rx.recv() => match ev {
                    Some(ev) => {
                        queue.push_back(Msg::Sync(ev));
                        // Apply a burst (start-up, a switch) before one frame.
                        while queue.len() < DRAIN_BURST {
                            match self.events_rx.try_recv() {
                                Ok(ev) => queue.push_back(Msg::Sync(ev)),
                                Err(_) => break,
                            }
                        }
                    }
                    None => return Err(eyre!("the sync task stopped")),
                },
                Some(done) = self.copies.join_next(), if !self.copies.is_empty() => {
                    let result = match done {
                        Ok((bytes, result)) => {
                            use std::io::Write;
                            let out = term.writer();
                            match out.write_all(&bytes).and_then(|()| out.flush()) {
                                Ok(()) => result,
                                Err(e) => Err(format!("cannot write to the terminal: {e}")),
                            }
                        }
                        Err(e) => Err(format!("the copy did not finish: {e}")),
                    };
                    queue.push_back(Msg::Copied(result));
                }
                _ = tick.tick() => queue.push_back(Msg::Tick(SystemTime::now())),
                () = sleep_until(resize_at), if resize_at.is_some() => {
                    if let Some((cols, rows)) = resize.take(Instant::now()) {
                        term.autoresize()?;
                        queue.push_back(Msg::Resize(cols, rows));
                    }
                }
            }
        }
    }

    fn execute(
        &mut self,
        term: &mut TerminalGuard,
        effects: Vec<Effect>,
        queue: &mut VecDeque<Msg>,
    ) -> color_eyre::Result<Flow> {
        for effect in effects {
            match effect {
                Effect::Sync(cmd) => self.send(cmd),
                Effect::Copy(text) => {
                    // A native clipboard tool is a child process that may be
                    // slow or never read: it runs off the event loop, and the
                    // answer (with any OSC 52 bytes for the terminal, which
                    // only the loop writes) comes back through `copies`.
                    self.copies.spawn_blocking(move || {
                        let env = |k: &str| std::env::var(k).ok();
                        let mut bytes = Vec::new();
                        let result =
                            crate::clipboard::copy_report(&mut bytes, text.expose_secret(), &env);
                        (bytes, result)
                    });
                }
                Effect::SetMouseCapture(on) => term.set_mouse_capture(on)?,
                Effect::Notify(text) => {
                    use std::io::Write;
                    let env = |k: &str| std::env::var(k).ok();
                    let seq = crate::notify::sequence(&text, &env);
                    let out = term.writer();
                    if let Err(e) = out.write_all(seq.as_bytes()).and_then(|()| out.flush()) {
                        tracing::warn!(error = %e, "cannot write a notification");
                    }
                }
                Effect::SaveSnapshot(snap) => {
                    if let Some(h) = self.history
                        && let Err(e) = h.save_snapshot(&snap)
                    {
                        tracing::warn!(error = %e, "cannot save the snapshot");
                    }
                }
                Effect::LoadSnapshot(ws) => {
                    let snap = self
                        .history
                        .and_then(|h| h.load_snapshot(&ws).value)
                        .map(Box::new);
                    queue.push_back(Msg::SnapshotLoaded(snap));
                }
                Effect::Quit => return Ok(Flow::Quit),
            }
        }
        Ok(Flow::Continue)
    }

    fn send(&self, cmd: SyncCmd) {
        if let Some(f) = sync::fleet::FleetCmd::of_sync(&cmd) {
            // The fleet follows the dashboard's workspace; it may have
            // ended with the UI, which is no error.
            let _ = self.fleet.cmds.send(f);
        }
        if self.sync.cmds.send(cmd).is_err() {
            // The loop notices the closed event channel on its next turn.
            tracing::warn!("the sync task is gone; command dropped");
        }
    }
}

/// The message for a terminal event; resizes go to the debouncer.
fn input_msg(ev: Event, resize: &mut ResizeDebounce) -> Option<Msg> {
    match ev {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            #[cfg(feature = "test-panic")]
            test_panic(&key);
            Some(Msg::Key(key))
        }
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(cols, rows) => {
            resize.push(cols, rows, Instant::now());
            None
        }
        _ => None,
    }
}

/// Only with `--features test-panic`: F12 panics on purpose when
/// `LEPDASH_TEST_PANIC=1`, so the restore-on-panic path can be tested.
#[cfg(feature = "test-panic")]
fn test_panic(key: &crossterm::event::KeyEvent) {
    if key.code == crossterm::event::KeyCode::F(12)
        && std::env::var("LEPDASH_TEST_PANIC").is_ok_and(|v| v == "1")
    {
        panic!("LEPDASH_TEST_PANIC: deliberate panic to test terminal restore");
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}
