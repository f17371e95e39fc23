//! A headless dashboard: the real sync task against a server, every event
//! fed through the real reducer (`app::update`), the reducer's sync effects
//! sent back to the task. What `run.rs` does, minus the terminal, so tests can
//! look at the model after each event.
#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime};

use lepdash::api::ClientConfig;
use lepdash::app::{self, Effect, Model, ModelInit, Msg, ThemeName, WorkspaceLabel};
use lepdash::sync::schedule::ScheduleConfig;
use lepdash::sync::{
    ResourceKind, SyncCmd, SyncEvent, SyncHandle, SyncOptions, SyncTarget, spawn_with,
};
use secrecy::SecretString;
use tokio::sync::mpsc;

/// Generous: a debug build on a busy 2-core machine.
pub const WAIT: Duration = Duration::from_secs(20);
pub const MS: Duration = Duration::from_millis(1);

/// A sync target for workspace `ws` under `origin` with `token`.
pub fn target(origin: &str, ws: &str, token: &str, request_timeout: Duration) -> SyncTarget {
    let mut config = ClientConfig::new(
        lepdash::api::paths::workspace_base(origin, ws),
        SecretString::from(token.to_string()),
    );
    config.request_timeout = request_timeout;
    config.connect_timeout = Duration::from_secs(2);
    SyncTarget {
        id: ws.to_string(),
        config,
    }
}

/// Schedule options: `interval` for status and the visible pane, hidden
/// panes once at start only, back-off from `backoff_base` doubling to 8x.
pub fn options(interval: Duration, backoff_base: Duration, visible: ResourceKind) -> SyncOptions {
    SyncOptions {
        schedule: ScheduleConfig {
            interval,
            hidden_interval: Duration::from_secs(3600),
            min_interval: MS,
            backoff_base,
            backoff_cap: backoff_base * 8,
        },
        visible,
    }
}

pub struct Rig {
    pub model: Model,
    /// The id of every `Mutated` event seen, in order.
    pub mutated: Vec<u64>,
    sync: Option<SyncHandle>,
    events: mpsc::Receiver<SyncEvent>,
}

impl Rig {
    /// Start the sync task and the model; the initial effects (show the
    /// visible pane, fetch everything) go to the task at once.
    pub fn start(targets: Vec<SyncTarget>, opts: SyncOptions) -> Rig {
        let init = ModelInit {
            workspaces: targets
                .iter()
                .map(|t| WorkspaceLabel {
                    id: t.id.clone(),
                    display_name: None,
                    base_url: t.config.base_url.clone(),
                    token_expires_at: None,
                })
                .collect(),
            current: 0,
            read_only: false,
            demo: false,
            interval: opts.schedule.interval,
            theme: ThemeName::Mono,
            ascii_borders: false,
            mouse: false,
            key_overrides: Default::default(),
            warnings: vec![],
            now: SystemTime::now(),
        };
        let model = Model::new(init);
        let (tx, events) = mpsc::channel(256);
        let sync = spawn_with(targets, 0, opts, tx);
        let mut rig = Rig {
            model,
            mutated: vec![],
            sync: Some(sync),
            events,
        };
        let fx = app::initial_effects(&rig.model);
        rig.execute(fx);
        rig.apply(Msg::Resize(120, 40));
        // Show the pane the schedule treats as visible, as a user would
        // (a workload view: the Workloads pane, then `]` to the view).
        let tabs = app::layout::tab_kinds(&rig.model);
        let pane = tabs
            .iter()
            .position(|k| *k == opts.visible || (k.is_workload() && opts.visible.is_workload()))
            .unwrap_or(0);
        rig.key(char::from(b'1' + pane as u8));
        while rig.model.pane != opts.visible && rig.model.pane.is_workload() {
            rig.key(']');
        }
        rig
    }

    fn execute(&mut self, effects: Vec<Effect>) {
        for fx in effects {
            if let Effect::Sync(cmd) = fx {
                self.send(cmd);
            }
        }
    }

    /// Send a command to the sync task (as the driver does for effects).
    pub fn send(&self, cmd: SyncCmd) {
        self.sync
            .as_ref()
            .expect("running")
            .cmds
            .send(cmd)
            .expect("the sync task runs");
    }

    /// Feed one message through the reducer and execute its sync effects.
    pub fn apply(&mut self, msg: Msg) {
        let fx = app::update(&mut self.model, msg);
        self.execute(fx);
    }

    /// A key press through the reducer.
    pub fn key(&mut self, c: char) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        self.apply(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }

    /// A special key (Tab, Enter, Esc, arrows) through the reducer.
    pub fn code(&mut self, code: crossterm::event::KeyCode) {
        use crossterm::event::{KeyEvent, KeyModifiers};
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Type `text`, one key per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(c);
        }
    }

    /// A clock tick at the current wall time (ages labels, like the driver's 1 Hz tick).
    pub fn tick(&mut self) {
        self.apply(Msg::Tick(SystemTime::now()));
    }

    /// The next sync event, already applied to the model; `None` on timeout.
    pub async fn next_within(&mut self, d: Duration) -> Option<SyncEvent> {
        match tokio::time::timeout(d, self.events.recv()).await {
            Ok(Some(ev)) => {
                if let SyncEvent::Mutated { id, .. } = &ev {
                    self.mutated.push(*id);
                }
                self.apply(Msg::Sync(ev.clone()));
                Some(ev)
            }
            Ok(None) => panic!("the sync task ended"),
            Err(_) => None,
        }
    }

    /// Apply events until `pred` holds for one (checked after it is applied);
    /// returns that event. Panics after [`WAIT`].
    pub async fn until(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&SyncEvent, &Model) -> bool,
    ) -> SyncEvent {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_within(left).await {
                Some(ev) if pred(&ev, &self.model) => return ev,
                Some(_) => {}
                None => panic!("timed out waiting for {what}"),
            }
        }
    }

    /// Apply every event that arrives within `d`; returns them.
    pub async fn run_for(&mut self, d: Duration) -> Vec<SyncEvent> {
        let deadline = Instant::now() + d;
        let mut out = vec![];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return out;
            }
            match self.next_within(left).await {
                Some(ev) => out.push(ev),
                None => return out,
            }
        }
    }

    /// Wait until every resource has been fetched successfully once.
    pub async fn loaded(&mut self) {
        let mut seen = std::collections::BTreeSet::new();
        self.until("every resource loaded", |ev, _| {
            if let SyncEvent::Fetched {
                kind,
                result: Ok(_),
                ..
            } = ev
            {
                seen.insert(*kind);
            }
            seen.len() == ResourceKind::ALL.len()
        })
        .await;
    }

    pub async fn shutdown(mut self) {
        if let Some(s) = self.sync.take() {
            tokio::time::timeout(Duration::from_secs(5), s.shutdown())
                .await
                .expect("the sync task stops");
        }
    }
}

/// A fetch of `kind` that ended (either way).
pub fn fetched(ev: &SyncEvent, kind: ResourceKind) -> bool {
    matches!(ev, SyncEvent::Fetched { kind: k, .. } if *k == kind)
}

/// A successful fetch of `kind`.
pub fn fetched_ok(ev: &SyncEvent, kind: ResourceKind) -> bool {
    matches!(ev, SyncEvent::Fetched { kind: k, result: Ok(_), .. } if *k == kind)
}

/// A failed fetch of `kind`.
pub fn fetched_err(ev: &SyncEvent, kind: ResourceKind) -> bool {
    matches!(ev, SyncEvent::Fetched { kind: k, result: Err(_), .. } if *k == kind)
}

/// The frame `ui::render` draws for `model` at its size, as text (one line
/// per row, trailing spaces trimmed).
pub fn screen(model: &Model) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let (w, h) = model.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lepdash::ui::render(f, model)).expect("draw");
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
