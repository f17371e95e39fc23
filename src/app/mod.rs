//! Model, messages, effects and the pure reducer (The Elm Architecture).
//!
//! Everything that happens becomes a [`Msg`]; [`update`] changes the
//! [`Model`] and returns [`Effect`]s as data; the driver (`run.rs`) executes
//! them. No I/O and no clock reads here: time comes only from `Msg::Tick` and
//! sync events. `app` never imports `ui` nor the HTTP client.

pub mod activity;
pub mod banner;
pub mod changes;
mod details;
pub mod fleet;
pub mod format;
pub mod forms;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod manage;
mod model_fleet;
pub mod palette;
pub mod resource;
mod update;
pub mod view;
pub mod workloads;

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use crate::api::ApiError;
use crate::api::types::{Member, Registry, Resolver, Secret, Token, WorkspaceInfo};
use crate::protocol::{Mutation, ResourceKind, SyncCmd, SyncEvent, TemplateEntry, WorkloadRef};

pub use banner::{Banner, BannerKind, Severity};
pub use details::{DetailMatch, DetailSearch};
pub use input::LineInput;
pub use keymap::{Action, Keymap};
pub use resource::{Problem, Resource};
pub use update::{initial_effects, update};
pub use view::{ListView, ShapeRow, Source};
pub use workloads::{EndpointData, JobData, NodeGroupRow, PodData};

/// Colour theme (one definition, shared with the settings file). `Mono` uses
/// only bold/reverse/underline (also for NO_COLOR).
pub use crate::config::ThemeName;

/// A workspace the dashboard can show (from the login record or env).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceLabel {
    pub id: String,
    pub display_name: Option<String>,
    pub base_url: String,
    /// Epoch milliseconds, from the login record.
    pub token_expires_at: Option<i64>,
}

/// What the driver knows at start-up.
#[derive(Debug, Clone)]
pub struct ModelInit {
    pub workspaces: Vec<WorkspaceLabel>,
    pub current: usize,
    pub read_only: bool,
    pub demo: bool,
    pub interval: Duration,
    pub theme: ThemeName,
    pub ascii_borders: bool,
    pub mouse: bool,
    /// Action name -> key specs (`"ctrl-c"`, `"j"`, `"shift-tab"`).
    pub key_overrides: BTreeMap<String, Vec<String>>,
    /// Shown in the UI (config problems and the like).
    pub warnings: Vec<String>,
    pub now: SystemTime,
}

/// Everything that can happen.
// Messages are moved once from the driver into `update`, never stored in
// bulk, so a large sync variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Msg {
    Key(crossterm::event::KeyEvent),
    Paste(String),
    Mouse(crossterm::event::MouseEvent),
    Resize(u16, u16),
    Tick(SystemTime),
    Sync(SyncEvent),
    /// Answer to `Effect::Copy`: how it was delivered, or the error.
    Copied(Result<String, String>),
    /// Answer to `Effect::LoadSnapshot`: the snapshot saved by an earlier
    /// run for that workspace, if any.
    SnapshotLoaded(Option<Box<changes::Snapshot>>),
}

/// What the driver must do.
#[allow(clippy::large_enum_variant)] // short-lived, see `Msg`
#[derive(Debug, Clone)]
pub enum Effect {
    Sync(SyncCmd),
    /// Copy via OSC 52; the driver answers with `Msg::Copied`.
    Copy(SecretString),
    SetMouseCapture(bool),
    /// A terminal notification (OSC 9 / OSC 777, bell as fallback) of an
    /// event whose kind the settings list; names only, never a value.
    Notify(String),
    /// Save the snapshot of a workspace being left (the next start compares
    /// with it), and the activity log.
    SaveSnapshot(Box<changes::Snapshot>),
    /// Load the saved snapshot of the workspace switched to; the driver
    /// answers with `Msg::SnapshotLoaded`.
    LoadSnapshot(String),
    Quit,
}

/// Status pane data: `/workspace` plus the resolver, and the shapes as rows.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusData {
    pub info: WorkspaceInfo,
    pub resolver: Option<Resolver>,
    pub shapes: Vec<ShapeRow>,
}

/// Tokens plus which of them lepdash itself uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenData {
    pub list: Vec<Token>,
    pub own_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToastLevel {
    Info,
    Success,
    Warn,
    Error,
}

/// A short message over the footer. `until: None` stays until a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Toast {
    pub text: String,
    pub level: ToastLevel,
    pub until: Option<SystemTime>,
}

/// How long a toast stays.
pub const TOAST_TIME: Duration = Duration::from_secs(4);
/// A background fetch slower than this shows the spinner.
pub const SPINNER_DELAY: Duration = Duration::from_secs(1);

/// One line of a detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    Heading(String),
    Field(String, String),
    Text(String),
    Blank,
}

/// A scrollable detail view of one row (template: content + input schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub scroll: usize,
    /// What `y` copies here: (label, value).
    pub copy: Option<(String, String)>,
    /// The id of the row shown (`e` edits it only while it is still the
    /// selected row).
    pub subject: Option<String>,
    /// `/` inside the view: the prompt, the matches and the current one.
    pub search: DetailSearch,
}

/// A management dialog (form, confirmation or token dialog, see
/// [`forms::Dialog`]) and the mutation its form waits for.
#[derive(Debug, Clone)]
pub struct ModalDialog {
    pub dialog: forms::Dialog,
    /// The id of the mutation the form sent; the form is locked until the
    /// answer with this id arrives.
    pub waiting: Option<u64>,
}

/// A mutation sent to the sync task and not answered yet.
#[derive(Debug, Clone)]
pub struct PendingMutation {
    /// What was sent ("already sent" compares it; any value inside is a
    /// `secrecy` type, dropped with the answer).
    pub mutation: Mutation,
    /// `create secret HF_TOKEN` (names only, never a value).
    pub what: String,
    /// `secret HF_TOKEN created`, the toast after a success.
    pub done: String,
    /// `your role cannot create secrets`, for a 403.
    pub forbidden: String,
}

/// Modal state drawn over the panes by shared widgets.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
        /// The detail view `?` was pressed in: its keys are listed, and
        /// closing the help goes back to it.
        under: Option<Box<Detail>>,
    },
    Palette {
        input: LineInput,
        error: Option<String>,
    },
    Detail(Detail),
    /// Forms, confirmations and the token dialog (one mechanism for all).
    Dialog(Box<ModalDialog>),
}

/// The whole state of the dashboard.
///
/// Fields are public for the renderer and tests; change them only through
/// [`update`].
#[derive(Debug, Clone)]
pub struct Model {
    pub workspaces: Vec<WorkspaceLabel>,
    pub current: usize,
    pub read_only: bool,
    pub demo: bool,
    pub interval: Duration,
    pub theme: ThemeName,
    pub ascii_borders: bool,
    pub mouse: bool,
    pub keymap: Keymap,
    /// Config and keymap warnings (shown in the help overlay and a toast).
    pub warnings: Vec<String>,

    /// Model time: the latest Tick (or fetch time).
    pub now: SystemTime,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),

    pub pane: ResourceKind,
    pub paused: bool,
    pub status: Resource<StatusData>,
    pub members: Resource<Vec<Member>>,
    pub tokens: Resource<TokenData>,
    pub secrets: Resource<Vec<Secret>>,
    pub registries: Resource<Vec<Registry>>,
    pub templates: Resource<Vec<TemplateEntry>>,
    pub endpoints: Resource<EndpointData>,
    pub jobs: Resource<JobData>,
    pub pods: Resource<PodData>,
    pub nodes: Resource<Vec<NodeGroupRow>>,
    /// The Workloads pane's view (shown by `7` and `:workloads`).
    pub workload_view: ResourceKind,
    /// The workload whose details are open, and where the replicas and
    /// events part of its lines starts.
    pub workload_detail: Option<(WorkloadRef, usize)>,
    /// The Status pane's workloads summary, recomputed when a workload list
    /// or Status changes (never per frame).
    summary: workloads::WorkloadSummary,
    /// One list view per pane, indexed like `ResourceKind::ALL`.
    pub views: [ListView; ResourceKind::ALL.len()],
    /// `/` is typing into the visible pane's filter.
    pub filter_editing: bool,
    pub overlay: Option<Overlay>,
    pub toast: Option<Toast>,
    /// A request was answered 401 since the last success.
    pub token_rejected: bool,
    /// Mutations sent and not yet answered, by id.
    pub pending: BTreeMap<u64, PendingMutation>,
    pub next_mutation_id: u64,
    /// What the last `Effect::Copy` held (for the confirmation toast).
    pub copy_label: Option<String>,
    /// The fleet view (`w`): every workspace at a glance.
    pub fleet: fleet::FleetView,
    /// What changed: the activity log and view, markers, attention.
    pub activity: activity::Activity,
    /// The OSC 52 caveat was shown once this session; later copies say
    /// only how the text went.
    pub copy_explained: bool,
    /// Ctrl-C was pressed once over a form holding typed, unsent text; the
    /// next Ctrl-C quits.
    pub quit_armed: bool,
    /// A created item to select once a list shows it: (pane, its name).
    pub select_new: Option<(ResourceKind, String)>,

    dirty: bool,
    quit: bool,
    /// Hash of every clock-dependent label currently on screen.
    time_sig: u64,
}

/// Position of a kind in `ResourceKind::ALL` (and in `Model::views`).
pub fn kind_index(kind: ResourceKind) -> usize {
    kind.index()
}

/// The pane title of a kind.
pub fn pane_title(kind: ResourceKind) -> &'static str {
    kind.title()
}

/// Run `$body` with `$r` bound to the resource of `$kind`:
/// `with_resource!(&model, kind, |r| ...)` borrows it shared,
/// `with_resource!(&mut model, kind, |r| ...)` mutably.
macro_rules! with_resource {
    (&mut $model:expr, $kind:expr, |$r:ident| $body:expr) => {
        $crate::app::with_resource!(@fields mut_, $model, $kind, $r, $body)
    };
    (&$model:expr, $kind:expr, |$r:ident| $body:expr) => {
        $crate::app::with_resource!(@fields ref_, $model, $kind, $r, $body)
    };
    // The kind -> field table of `Model`.
    (@fields $mode:ident, $model:expr, $kind:expr, $r:ident, $body:expr) => {
        $crate::app::with_resource!(@match $mode, $model, $kind, $r, $body,
            Status status, Members members, Tokens tokens, Secrets secrets,
            Registries registries, Templates templates, Endpoints endpoints,
            Jobs jobs, Pods pods, Nodes nodes)
    };
    (@match $mode:ident, $model:expr, $kind:expr, $r:ident, $body:expr,
        $($variant:ident $field:ident),+) => {
        match $kind {
            $(ResourceKind::$variant => {
                let $r = $crate::app::with_resource!(@borrow $mode, $model.$field);
                $body
            })+
        }
    };
    (@borrow mut_, $place:expr) => {
        &mut $place
    };
    (@borrow ref_, $place:expr) => {
        &$place
    };
}
pub(crate) use with_resource;

/// The type-independent part of a resource, for the renderer.
#[derive(Debug, Clone, Copy)]
pub struct ResourceState<'a> {
    pub has_data: bool,
    pub len: Option<usize>,
    pub fetched_at: Option<SystemTime>,
    pub error: Option<&'a ApiError>,
    pub error_at: Option<SystemTime>,
    pub in_flight: bool,
    pub next_attempt: Option<SystemTime>,
    pub skipped: usize,
}

impl Model {
    pub fn new(init: ModelInit) -> Self {
        let (keymap, key_warnings) = Keymap::new(&init.key_overrides);
        let mut warnings = init.warnings;
        warnings.extend(key_warnings);
        let current = if init.current < init.workspaces.len() {
            init.current
        } else {
            0
        };
        let toast = (!warnings.is_empty()).then(|| Toast {
            text: if warnings.len() == 1 {
                format!("warning: {} (? shows it again)", warnings[0])
            } else {
                format!(
                    "{} warnings, the first: {} (? lists them)",
                    warnings.len(),
                    warnings[0]
                )
            },
            level: ToastLevel::Warn,
            until: None,
        });
        let mut m = Model {
            workspaces: init.workspaces,
            current,
            read_only: init.read_only,
            demo: init.demo,
            interval: init.interval,
            theme: init.theme,
            ascii_borders: init.ascii_borders,
            mouse: init.mouse,
            keymap,
            warnings,
            now: init.now,
            size: (80, 24),
            pane: ResourceKind::Status,
            paused: false,
            status: Resource::default(),
            members: Resource::default(),
            tokens: Resource::default(),
            secrets: Resource::default(),
            registries: Resource::default(),
            templates: Resource::default(),
            endpoints: Resource::default(),
            jobs: Resource::default(),
            pods: Resource::default(),
            nodes: Resource::default(),
            workload_view: ResourceKind::Endpoints,
            workload_detail: None,
            summary: workloads::WorkloadSummary::default(),
            views: Default::default(),
            filter_editing: false,
            overlay: None,
            toast,
            token_rejected: false,
            pending: BTreeMap::new(),
            next_mutation_id: 1,
            copy_label: None,
            fleet: fleet::FleetView::default(),
            activity: activity::Activity::default(),
            copy_explained: false,
            quit_armed: false,
            select_new: None,
            dirty: true,
            quit: false,
            time_sig: 0,
        };
        m.time_sig = m.time_signature();
        m
    }

    /// Show a toast for `TOAST_TIME` (model time).
    pub fn toast(&mut self, level: ToastLevel, text: String) {
        self.toast = Some(Toast {
            text,
            level,
            until: Some(self.now + TOAST_TIME),
        });
    }

    /// Grows whenever the data of any resource is replaced by different
    /// data (the sum of every resource's generation); reset with the data
    /// when another workspace is chosen.
    pub fn data_generation(&self) -> u64 {
        ResourceKind::ALL
            .iter()
            .map(|&k| with_resource!(&self, k, |r| r.generation))
            .sum()
    }

    /// The current workspace's snapshot, if it differs from the one last
    /// written (`None`: nothing to write); marks it written. Data identical
    /// to the last poll never bumps a generation, so an idle dashboard
    /// writes nothing.
    pub fn snapshot_to_save(&mut self) -> Option<changes::SnapshotRef<'_>> {
        let generation = self.data_generation();
        if self.activity.saved_generation == Some(generation) {
            return None;
        }
        self.activity.saved_generation = Some(generation);
        let snap = activity::snapshot_ref(self);
        (!snap.is_empty()).then_some(snap)
    }

    /// Forget every resource and its rows (another workspace was chosen).
    fn forget_data(&mut self) {
        self.status = Resource::default();
        self.members = Resource::default();
        self.tokens = Resource::default();
        self.secrets = Resource::default();
        self.registries = Resource::default();
        self.templates = Resource::default();
        self.endpoints = Resource::default();
        self.jobs = Resource::default();
        self.pods = Resource::default();
        self.nodes = Resource::default();
        self.workload_detail = None;
        self.summary = workloads::WorkloadSummary::default();
        self.views = Default::default();
        self.activity.forget_workspace();
    }

    /// Something on screen changed since the last `clear_dirty`.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Call after drawing a frame.
    pub fn clear_dirty(&mut self) {
        self.dirty = false;
    }

    /// Force a redraw (e.g. after the terminal was restored).
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether mouse capture should be on.
    pub fn mouse_capture(&self) -> bool {
        self.mouse
    }

    /// The visible pane (the resource polled at the full interval).
    pub fn visible_kind(&self) -> ResourceKind {
        self.pane
    }

    /// Index of the current workspace in `workspaces`.
    pub fn current_workspace(&self) -> usize {
        self.current
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// The current workspace's label, if any.
    pub fn workspace(&self) -> Option<&WorkspaceLabel> {
        self.workspaces.get(self.current)
    }

    /// The current workspace id ("" when none).
    pub fn workspace_id(&self) -> &str {
        self.workspace().map(|w| w.id.as_str()).unwrap_or("")
    }

    /// The display name: resolver, then the login record, then the id.
    pub fn workspace_name(&self) -> &str {
        self.status
            .data
            .as_ref()
            .and_then(|d| d.resolver.as_ref())
            .and_then(|r| r.display_name.as_deref())
            .filter(|s| !s.is_empty())
            .or_else(|| self.workspace().and_then(|w| w.display_name.as_deref()))
            .unwrap_or_else(|| self.workspace_id())
    }

    pub fn now_ms(&self) -> i64 {
        format::ms_of(self.now)
    }

    pub fn view(&self, kind: ResourceKind) -> &ListView {
        &self.views[kind_index(kind)]
    }

    /// The rows of a pane (empty until data arrives).
    pub fn source(&self, kind: ResourceKind) -> Source<'_> {
        match kind {
            ResourceKind::Status => Source::Shapes(
                self.status
                    .data
                    .as_ref()
                    .map(|d| d.shapes.as_slice())
                    .unwrap_or(&[]),
            ),
            ResourceKind::Members => Source::Members(self.members.data.as_deref().unwrap_or(&[])),
            ResourceKind::Tokens => match &self.tokens.data {
                Some(d) => Source::Tokens(&d.list, d.own_id.as_deref()),
                None => Source::Tokens(&[], None),
            },
            ResourceKind::Secrets => Source::Secrets(self.secrets.data.as_deref().unwrap_or(&[])),
            ResourceKind::Registries => {
                Source::Registries(self.registries.data.as_deref().unwrap_or(&[]))
            }
            ResourceKind::Templates => {
                Source::Templates(self.templates.data.as_deref().unwrap_or(&[]))
            }
            ResourceKind::Endpoints => Source::Endpoints(
                self.endpoints
                    .data
                    .as_ref()
                    .map_or(&[], |d| d.list.as_slice()),
                self.shapes(),
            ),
            ResourceKind::Jobs => Source::Jobs(
                self.jobs.data.as_ref().map_or(&[], |d| d.jobs.as_slice()),
                self.shapes(),
            ),
            ResourceKind::Pods => Source::Pods(
                self.pods.data.as_ref().map_or(&[], |d| d.list.as_slice()),
                self.shapes(),
            ),
            ResourceKind::Nodes => Source::Nodes(self.nodes.data.as_deref().unwrap_or(&[])),
        }
    }

    /// The supported shapes of the workspace (GPU counts of workloads).
    pub fn shapes(&self) -> workloads::Shapes<'_> {
        self.status.data.as_ref().map(|d| &d.info.supported_shapes)
    }

    /// The Status pane's live workloads summary (and the Workloads pane's
    /// per-view counts), as of the last change of the data.
    pub fn workload_summary(&self) -> &workloads::WorkloadSummary {
        &self.summary
    }

    /// Recompute [`Self::workload_summary`] (after Status or a workload list
    /// changed).
    fn refresh_workload_summary(&mut self) {
        self.summary = self.compute_workload_summary();
    }

    fn compute_workload_summary(&self) -> workloads::WorkloadSummary {
        let counted = self.status.data.as_ref().map(|d| {
            let w = &d.info.workloads;
            (w.num_deployments, w.num_jobs, w.num_pods)
        });
        workloads::summarize(&workloads::SummaryInput {
            endpoints: (
                self.endpoints.data.as_ref().map(|d| d.list.as_slice()),
                self.endpoints.error.as_ref(),
            ),
            jobs: (
                self.jobs.data.as_ref().map(|d| d.jobs.as_slice()),
                self.jobs.error.as_ref(),
            ),
            pods: (
                self.pods.data.as_ref().map(|d| d.list.as_slice()),
                self.pods.error.as_ref(),
            ),
            nodes: self.nodes.data.as_deref(),
            counted,
            shapes: self.shapes(),
        })
    }

    /// The type-independent state of a resource.
    pub fn resource_state(&self, kind: ResourceKind) -> ResourceState<'_> {
        let len = match kind {
            ResourceKind::Status => self.status.data.as_ref().map(|d| d.shapes.len()),
            ResourceKind::Members => self.members.data.as_ref().map(Vec::len),
            ResourceKind::Tokens => self.tokens.data.as_ref().map(|d| d.list.len()),
            ResourceKind::Secrets => self.secrets.data.as_ref().map(Vec::len),
            ResourceKind::Registries => self.registries.data.as_ref().map(Vec::len),
            ResourceKind::Templates => self.templates.data.as_ref().map(Vec::len),
            ResourceKind::Endpoints => self.endpoints.data.as_ref().map(|d| d.list.len()),
            ResourceKind::Jobs => self.jobs.data.as_ref().map(|d| d.jobs.len()),
            ResourceKind::Pods => self.pods.data.as_ref().map(|d| d.list.len()),
            ResourceKind::Nodes => self.nodes.data.as_ref().map(Vec::len),
        };
        with_resource!(&self, kind, |r| ResourceState {
            has_data: r.data.is_some(),
            len,
            fetched_at: r.fetched_at,
            error: r.error.as_ref(),
            error_at: r.error_at,
            in_flight: r.in_flight,
            next_attempt: r.next_attempt,
            skipped: r.skipped,
        })
    }

    /// The trouble of a pane's last fetch, if any.
    pub fn problem(&self, kind: ResourceKind) -> Option<Problem> {
        with_resource!(&self, kind, |r| r.problem(kind))
    }

    /// Data older than this (or with a failed refresh) is marked stale.
    pub fn stale_after(&self) -> Duration {
        (self.interval * 3).max(Duration::from_secs(30))
    }

    pub fn is_stale(&self, kind: ResourceKind) -> bool {
        let after = self.stale_after();
        with_resource!(&self, kind, |r| r.is_stale(self.now, after))
    }

    /// Whether row `id` of `kind` is marked as recently changed.
    pub fn is_changed(&self, kind: ResourceKind, id: &str) -> bool {
        with_resource!(&self, kind, |r| r.is_changed(id, self.now))
    }

    /// The lasting marker of row `id` of `kind` (new / changed since the
    /// pane was last looked at), or the short flash of a fresh change.
    pub fn row_mark(&self, kind: ResourceKind, id: &str) -> Option<activity::Mark> {
        if let Some(mark) = self.activity.unseen_mark(kind, id) {
            return Some(mark);
        }
        self.is_changed(kind, id).then_some(activity::Mark::Changed)
    }

    /// Whether the visible pane is on screen (not hidden by the activity
    /// view or an overlay).
    pub fn pane_on_screen(&self) -> bool {
        !self.activity.open && self.overlay.is_none()
    }

    fn marks_active(&self, kind: ResourceKind) -> bool {
        with_resource!(&self, kind, |r| r.marks_active(self.now))
    }

    /// Whether the header spinner turns: a request for the visible pane or
    /// the status header is in flight (for more than a second, or asked for).
    pub fn spinner_on(&self) -> bool {
        if self.paused {
            return false;
        }
        let visible = with_resource!(&self, self.pane, |r| r.spinning(self.now, SPINNER_DELAY));
        visible || self.status.spinning(self.now, SPINNER_DELAY)
    }

    /// `updated just now`, `updated 2m ago`, `loading…`.
    pub fn updated_label(&self) -> String {
        let at = with_resource!(&self, self.pane, |r| r.fetched_at).or(self.status.fetched_at);
        match at {
            Some(t) => format!(
                "updated {}",
                format::age_label(format::secs_between(t, self.now))
            ),
            None => "not loaded yet".to_string(),
        }
    }

    /// The expiry of lepdash's token: from the token list when it is there,
    /// else from the login record.
    pub fn token_expires_at(&self) -> Option<i64> {
        let from_list = self.tokens.data.as_ref().and_then(|d| {
            let own = d.own_id.as_deref()?;
            d.list.iter().find(|t| t.id == own)?.expires_at
        });
        from_list.or_else(|| self.workspace().and_then(|w| w.token_expires_at))
    }

    /// The banners to show now, most urgent first.
    pub fn banners(&self) -> Vec<Banner> {
        let data = self.status.data.as_ref();
        banner::select_banners(&banner::BannerInput {
            workspace_id: self.workspace_id(),
            info: data.map(|d| &d.info),
            resolver: data.and_then(|d| d.resolver.as_ref()),
            token_expires_at: self.token_expires_at(),
            token_rejected: self.token_rejected,
            now_ms: self.now_ms(),
        })
    }

    /// Rows of the visible pane's table (its page height).
    pub fn page_rows(&self) -> usize {
        let screen = layout::screen(self);
        usize::from(
            layout::pane_layout(self, self.pane, screen.body)
                .rows
                .height,
        )
        .max(1)
    }

    /// Hash of every clock-dependent text on screen; a Tick marks the model
    /// dirty only when this changes.
    fn time_signature(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.updated_label().hash(&mut h);
        self.is_stale(self.pane).hash(&mut h);
        self.is_stale(ResourceKind::Status).hash(&mut h);
        let spin = self.spinner_on();
        spin.hash(&mut h);
        if spin {
            format::secs_between(std::time::UNIX_EPOCH, self.now).hash(&mut h);
        }
        self.banners().hash(&mut h);
        self.toast.hash(&mut h);
        if self.fleet.open {
            let now_ms = self.now_ms();
            for r in self.fleet_rows() {
                (r.reach_text.as_str(), &r.attention, r.token_text(now_ms)).hash(&mut h);
            }
        }
        self.marks_active(self.pane).hash(&mut h);
        self.activity.unseen_count(self.pane).hash(&mut h);
        activity::attention(self).hash(&mut h);
        let st = self.resource_state(self.pane);
        if st.error.is_some() {
            st.next_attempt
                .map(|t| format::countdown(self.now, t))
                .hash(&mut h);
            st.error_at
                .map(|t| format::age_label(format::secs_between(t, self.now)))
                .hash(&mut h);
        }
        if let Some(t) = st.fetched_at.filter(|_| self.is_stale(self.pane)) {
            format::age_label(format::secs_between(t, self.now)).hash(&mut h);
        }
        // Relative-time cells of the rows on screen.
        let src = self.source(self.pane);
        let cols = src.columns();
        if cols.iter().any(|c| c.kind == view::ColKind::Relative) {
            let v = self.view(self.pane);
            let now_ms = self.now_ms();
            for &i in v.visible().iter().skip(v.offset).take(self.page_rows()) {
                for (c, col) in cols.iter().enumerate() {
                    if col.kind == view::ColKind::Relative {
                        src.cell(i as usize, c, now_ms).hash(&mut h);
                    }
                }
            }
        }
        h.finish()
    }
}

/// Ids that are new or changed in `new` compared with `old`.
pub(crate) fn changed_ids<T: PartialEq>(
    old: &[T],
    new: &[T],
    id: fn(&T) -> std::borrow::Cow<'_, str>,
) -> HashSet<String> {
    // foldhash (seeded per process): this index is built for every changed poll.
    let before: std::collections::HashMap<
        std::borrow::Cow<'_, str>,
        &T,
        foldhash::fast::RandomState,
    > = old.iter().map(|o| (id(o), o)).collect();
    new.iter()
        .filter(|n| before.get(&id(n)).is_none_or(|o| *o != *n))
        .map(|n| id(n).into_owned())
        .collect()
}
