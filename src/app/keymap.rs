//! The one keymap table: every action, its default keys, its help text and
//! its footer hint. The `?` overlay, the footer line and config rebinding are
//! all generated from [`BINDINGS`].

use crate::protocol::ResourceKind;

mod effective;
mod spec;
pub use effective::{HelpRow, Keymap};
pub use spec::KeySpec;

/// Everything a key can ask for outside of text entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Palette,
    PaneStatus,
    PaneMembers,
    PaneTokens,
    PaneSecrets,
    PaneRegistries,
    PaneTemplates,
    /// The fleet view: every workspace at a glance.
    Fleet,
    /// The Workloads pane (its last view).
    PaneWorkloads,
    /// Inside the Workloads pane: the next / previous view.
    NextView,
    PrevView,
    NextPane,
    PrevPane,
    /// The activity log (what changed), issue 10.
    Activity,
    /// The activity view: this workspace's events only, or every one's
    /// (opens the view from a pane).
    ActivityScope,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Details,
    Back,
    Filter,
    SortNext,
    SortReverse,
    Refresh,
    /// Refresh every pane now.
    RefreshAll,
    Pause,
    ToggleMouse,
    NewItem,
    Edit,
    Delete,
    Copy,
    Reveal,
    /// Inside a dialog: answer yes, or (in a form) go on / submit.
    Confirm,
    /// Inside a dialog: close it without doing anything.
    Cancel,
    NextField,
    PrevField,
    /// Submit a form from any field.
    Submit,
    /// Inside a detail view: the next / previous match of the search.
    SearchNext,
    SearchPrev,
}

/// Where the keys of an action are looked up: on the panes (and in the
/// help and details overlays), inside a dialog, or both; or only inside a
/// detail view. The pane, dialog and details tables are separate, so Esc can
/// be `back` on a pane and `cancel` in a dialog, and `n` can be `new` on a
/// pane and `search_next` in details; a dialog or a detail view falls back
/// to the pane table for what it does not bind itself (`quit` closes the
/// token dialog, `j` scrolls the details).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Panes,
    Dialog,
    Both,
    Details,
}

impl Scope {
    fn overlaps(self, other: Scope) -> bool {
        if self == Scope::Details || other == Scope::Details {
            return self == other;
        }
        self == other || self == Scope::Both || other == Scope::Both
    }

    fn in_panes(self) -> bool {
        matches!(self, Scope::Panes | Scope::Both)
    }

    fn in_dialogs(self) -> bool {
        matches!(self, Scope::Dialog | Scope::Both)
    }
}

impl Action {
    /// Actions that change the workspace; gated by read-only mode.
    pub fn is_mutation(self) -> bool {
        matches!(self, Action::NewItem | Action::Edit | Action::Delete)
    }
}

/// One row of the keymap table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub action: Action,
    /// Name used in the config file's `[keys]` table.
    pub name: &'static str,
    pub defaults: &'static [&'static str],
    pub section: &'static str,
    pub help: &'static str,
    /// Short label for the footer hint line, if the action gets one.
    pub footer: Option<&'static str>,
    /// Where the action does something: (pane, footer label, help text
    /// there); `None`: on every pane, labelled `footer`. An empty list: on no
    /// pane (only inside a dialog).
    pub panes: Option<&'static [(ResourceKind, &'static str, &'static str)]>,
    /// Footer hints are dropped from the highest number down when the line
    /// is too narrow.
    pub priority: u8,
    pub scope: Scope,
    /// What the action does inside a detail view: (footer label, help
    /// text); `None`: nothing there (it is not offered there).
    pub details: Option<(&'static str, &'static str)>,
}

impl Binding {
    const fn scoped(
        mut self,
        panes: &'static [(ResourceKind, &'static str, &'static str)],
    ) -> Binding {
        self.panes = Some(panes);
        self
    }

    const fn prio(mut self, priority: u8) -> Binding {
        self.priority = priority;
        self
    }

    /// An action of the dialogs (on no pane).
    const fn dialog(mut self) -> Binding {
        self.scope = Scope::Dialog;
        self.panes = Some(&[]);
        self
    }

    /// Also (or only, with [`Binding::dialog`] first) inside dialogs.
    const fn in_dialogs(mut self) -> Binding {
        self.scope = Scope::Both;
        self
    }

    /// Also inside a detail view, with this footer label and help text.
    const fn in_details(mut self, label: &'static str, help: &'static str) -> Binding {
        self.details = Some((label, help));
        self
    }

    /// Only inside a detail view.
    const fn details_only(mut self, label: &'static str, help: &'static str) -> Binding {
        self.scope = Scope::Details;
        self.panes = Some(&[]);
        self.details = Some((label, help));
        self
    }

    /// Whether the action does something on pane `kind`.
    pub fn applies_to(&self, kind: ResourceKind) -> bool {
        match self.panes {
            None => true,
            Some(list) => list.iter().any(|(k, _, _)| *k == kind),
        }
    }

    /// The label of the action on pane `kind` (`None` where it does nothing
    /// or has no footer label).
    pub fn label_for(&self, kind: ResourceKind) -> Option<&'static str> {
        match self.panes {
            None => self.footer,
            Some(list) => list.iter().find(|(k, _, _)| *k == kind).map(|(_, l, _)| *l),
        }
    }
}

const fn b(
    action: Action,
    name: &'static str,
    defaults: &'static [&'static str],
    section: &'static str,
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        action,
        name,
        defaults,
        section,
        help,
        footer,
        panes: None,
        priority: 9,
        scope: Scope::Panes,
        details: None,
    }
}

use ResourceKind::{
    Endpoints, Jobs, Members, Nodes, Pods, Registries, Secrets, Status, Templates, Tokens,
};

/// THE keymap table (README, "Keys"). Order = order in help and footer.
pub const BINDINGS: &[Binding] = &[
    b(
        Action::Help,
        "help",
        &["?"],
        "General",
        "this help",
        Some("help"),
    )
    .prio(0)
    .in_details("help", "the keys of the details"),
    b(
        Action::Filter,
        "filter",
        &["/"],
        "Lists",
        "filter the pane",
        Some("filter"),
    )
    .prio(3)
    .in_details(
        "search",
        "search the details (Enter keeps it, Esc clears it)",
    ),
    b(
        Action::SortNext,
        "sort",
        &["s"],
        "Lists",
        "sort by next column",
        Some("sort"),
    )
    .prio(5),
    b(
        Action::SortReverse,
        "sort_reverse",
        &["S"],
        "Lists",
        "reverse the sort",
        None,
    ),
    b(
        Action::Details,
        "details",
        &["enter"],
        "Lists",
        "details of the row",
        Some("details"),
    )
    .prio(2)
    .in_details("close", "close the details"),
    b(
        Action::Copy,
        "copy",
        &["y"],
        "Lists",
        "copy the name (template: id)",
        Some("copy"),
    )
    .scoped(&[
        (Status, "copy", "copy the shape name"),
        (Members, "copy", "copy the email"),
        (Tokens, "copy", "copy the token name"),
        (Secrets, "copy", "copy the secret name"),
        (Registries, "copy", "copy the registry name"),
        (Templates, "copy id", "copy the template id"),
        (
            Endpoints,
            "copy url",
            "copy the endpoint's URL (its name when it has none)",
        ),
        (Jobs, "copy", "copy the job name"),
        (
            Pods,
            "copy ssh",
            "copy the pod's SSH command (its name when it has none)",
        ),
        (Nodes, "copy", "copy the node group name"),
    ])
    .prio(2)
    .in_dialogs()
    .in_details("copy", "copy what the list's copy copies"),
    b(
        Action::NewItem,
        "new",
        &["n"],
        "Changes",
        "new member/token/secret/registry",
        Some("new"),
    )
    .scoped(&[
        (Members, "invite", "invite a member"),
        (Tokens, "new", "create a token"),
        (Secrets, "new", "create a secret"),
        (Registries, "add", "add a registry"),
    ])
    .prio(1),
    b(
        Action::Edit,
        "edit",
        &["e"],
        "Changes",
        "edit a role or a secret value",
        Some("edit"),
    )
    .scoped(&[
        (Members, "role", "change the role"),
        (Secrets, "edit value", "replace the value"),
    ])
    .prio(1)
    .in_details("edit", "edit this one (the pane's edit)"),
    b(
        Action::Delete,
        "delete",
        &["d"],
        "Changes",
        "delete/revoke/remove, confirmed",
        Some("delete"),
    )
    .scoped(&[
        (Members, "remove", "remove (type the email)"),
        (Tokens, "revoke", "revoke (type the name)"),
        (Secrets, "delete", "delete (type the name)"),
        (Registries, "delete", "delete (confirmed)"),
    ])
    .prio(1),
    b(
        Action::Refresh,
        "refresh",
        &["r"],
        "General",
        "refresh the pane now",
        Some("refresh"),
    )
    .prio(4),
    b(
        Action::RefreshAll,
        "refresh_all",
        &["R"],
        "General",
        "refresh every pane now",
        None,
    ),
    b(
        Action::Pause,
        "pause",
        &["p"],
        "General",
        "pause / resume polling",
        Some("pause"),
    )
    .prio(6),
    b(
        Action::Palette,
        "palette",
        &[":"],
        "General",
        "command palette",
        Some("cmd"),
    )
    .prio(5),
    b(
        Action::Quit,
        "quit",
        &["q", "ctrl-c"],
        "General",
        "quit",
        Some("quit"),
    )
    .prio(0)
    .in_details("close", "close the details"),
    b(
        Action::PaneStatus,
        "pane_status",
        &["1"],
        "Panes",
        "Status pane",
        None,
    ),
    b(
        Action::PaneMembers,
        "pane_members",
        &["2"],
        "Panes",
        "Members pane",
        None,
    ),
    b(
        Action::PaneTokens,
        "pane_tokens",
        &["3"],
        "Panes",
        "Tokens pane",
        None,
    ),
    b(
        Action::PaneSecrets,
        "pane_secrets",
        &["4"],
        "Panes",
        "Secrets pane",
        None,
    ),
    b(
        Action::PaneRegistries,
        "pane_registries",
        &["5"],
        "Panes",
        "Registries pane",
        None,
    ),
    b(
        Action::PaneTemplates,
        "pane_templates",
        &["6"],
        "Panes",
        "Templates pane",
        None,
    ),
    b(
        Action::Fleet,
        "fleet",
        &["w"],
        "Panes",
        "fleet: all workspaces",
        None,
    ),
    b(
        Action::Activity,
        "activity",
        &["a"],
        "Panes",
        "what changed (activity log)",
        None,
    ),
    b(
        Action::ActivityScope,
        "activity_scope",
        &["W"],
        "Panes",
        "activity of this workspace only / of every workspace",
        None,
    ),
    b(
        Action::PaneWorkloads,
        "pane_workloads",
        &["7"],
        "Panes",
        "Workloads pane (endpoints, jobs, pods, nodes)",
        None,
    ),
    b(
        Action::NextView,
        "next_view",
        &["]", "right"],
        "Panes",
        "Workloads: next view",
        Some("view"),
    )
    .scoped(&[
        (Endpoints, "view", "Workloads: next view (Jobs)"),
        (Jobs, "view", "Workloads: next view (Pods)"),
        (Pods, "view", "Workloads: next view (Nodes)"),
        (Nodes, "view", "Workloads: next view (Endpoints)"),
    ])
    .prio(1),
    b(
        Action::PrevView,
        "prev_view",
        &["[", "left"],
        "Panes",
        "Workloads: previous view",
        None,
    )
    .scoped(&[
        (Endpoints, "prev view", "Workloads: previous view (Nodes)"),
        (Jobs, "prev view", "Workloads: previous view (Endpoints)"),
        (Pods, "prev view", "Workloads: previous view (Jobs)"),
        (Nodes, "prev view", "Workloads: previous view (Pods)"),
    ])
    .prio(8),
    b(
        Action::NextPane,
        "next_pane",
        &["tab"],
        "Panes",
        "next pane",
        None,
    ),
    b(
        Action::PrevPane,
        "prev_pane",
        &["shift-tab"],
        "Panes",
        "previous pane",
        None,
    ),
    b(Action::Down, "down", &["j", "down"], "Move", "down", None)
        .in_details("scroll", "scroll down"),
    b(Action::Up, "up", &["k", "up"], "Move", "up", None).in_details("scroll", "scroll up"),
    b(
        Action::Top,
        "top",
        &["g", "home"],
        "Move",
        "first row",
        None,
    )
    .in_details("top", "first line"),
    b(
        Action::Bottom,
        "bottom",
        &["G", "end"],
        "Move",
        "last row",
        None,
    )
    .in_details("bottom", "last line"),
    b(
        Action::PageDown,
        "page_down",
        &["pagedown"],
        "Move",
        "page down",
        None,
    )
    .in_details("page", "page down"),
    b(
        Action::PageUp,
        "page_up",
        &["pageup"],
        "Move",
        "page up",
        None,
    )
    .in_details("page", "page up"),
    b(
        Action::Back,
        "back",
        &["esc"],
        "General",
        "close, clear, back",
        None,
    )
    .in_details("close", "clear the search, else close the details"),
    b(
        Action::ToggleMouse,
        "mouse",
        &["m"],
        "General",
        "mouse capture on/off",
        None,
    ),
    b(
        Action::Confirm,
        "confirm",
        &["enter"],
        "Dialogs",
        "confirm (in a form: next field)",
        None,
    )
    .dialog(),
    b(
        Action::Cancel,
        "cancel",
        &["esc"],
        "Dialogs",
        "cancel, close",
        None,
    )
    .dialog(),
    b(
        Action::NextField,
        "next_field",
        &["tab", "down"],
        "Dialogs",
        "next field",
        None,
    )
    .dialog(),
    b(
        Action::PrevField,
        "prev_field",
        &["shift-tab", "up"],
        "Dialogs",
        "previous field",
        None,
    )
    .dialog(),
    b(
        Action::Submit,
        "submit",
        &["ctrl-s"],
        "Dialogs",
        "submit the form",
        None,
    )
    .dialog(),
    b(
        Action::Reveal,
        "reveal",
        &["x", "ctrl-r", "f2"],
        "Dialogs",
        "show a new token's value",
        None,
    )
    .dialog()
    .in_dialogs(),
    b(
        Action::SearchNext,
        "search_next",
        &["n"],
        "Search",
        "next match",
        None,
    )
    .details_only("next", "next match of the search (wraps)"),
    b(
        Action::SearchPrev,
        "search_prev",
        &["N"],
        "Search",
        "previous match",
        None,
    )
    .details_only("prev", "previous match of the search (wraps)"),
];

/// The binding row of an action.
pub fn binding(action: Action) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| b.action == action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
    use std::collections::BTreeMap;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        let mut e = KeyEvent::new(code, mods);
        e.kind = KeyEventKind::Press;
        e
    }

    #[test]
    fn every_action_has_one_row_and_unique_name() {
        let mut names: Vec<_> = BINDINGS.iter().map(|b| b.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), BINDINGS.len());
        for b in BINDINGS {
            for d in b.defaults {
                KeySpec::parse(d).unwrap_or_else(|e| panic!("{}: {e}", b.name));
            }
        }
    }

    #[test]
    fn specs_parse() {
        let k = KeySpec::parse("ctrl-c").unwrap();
        assert_eq!((k.code, k.ctrl), (KeyCode::Char('c'), true));
        assert_eq!(KeySpec::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeySpec::parse("G").unwrap().code, KeyCode::Char('G'));
        assert_eq!(KeySpec::parse("shift-g").unwrap().code, KeyCode::Char('G'));
        assert_eq!(KeySpec::parse("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(KeySpec::parse("f5").unwrap().code, KeyCode::F(5));
        assert!(KeySpec::parse("hyper-x").is_err());
        assert!(KeySpec::parse("banana").is_err());
    }

    #[test]
    fn events_normalise() {
        let km = Keymap::default();
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('S'), KeyModifiers::SHIFT)),
            Some(Action::SortReverse)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(
            km.action_for(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn overrides_replace_and_steal() {
        let mut o = BTreeMap::new();
        o.insert(
            "refresh".to_string(),
            vec!["f5".to_string(), "q".to_string()],
        );
        o.insert("nope".to_string(), vec!["z".to_string()]);
        o.insert("sort".to_string(), vec!["ctrl-banana".to_string()]);
        let (km, warnings) = Keymap::new(&o);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("`quit`") && w.contains("`refresh`")),
            "a stolen key names both actions: {warnings:?}"
        );
        assert_eq!(km.keys_text(Action::Refresh), "F5/q");
        assert_eq!(km.keys_text(Action::Quit), "Ctrl-C");
        assert_eq!(km.keys_text(Action::SortNext), "s");
    }

    #[test]
    fn dialogs_have_their_own_table() {
        let km = Keymap::default();
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(km.action_for(&esc), Some(Action::Back));
        assert_eq!(km.dialog_action_for(&esc), Some(Action::Cancel));
        let tab = ev(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(km.dialog_action_for(&tab), Some(Action::NextField));
        // What a dialog does not bind comes from the pane table.
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.dialog_action_for(&q), Some(Action::Quit));
        // Inside a text field a typed key is not offered as a hint.
        assert_eq!(km.dialog_key(Action::Reveal, false).as_deref(), Some("x"));
        assert_eq!(
            km.dialog_key(Action::Reveal, true).as_deref(),
            Some("Ctrl-R")
        );
    }

    #[test]
    fn a_dialog_override_steals_only_where_both_are_looked_up() {
        let mut o = BTreeMap::new();
        o.insert("cancel".to_string(), vec!["q".to_string()]);
        o.insert("reveal".to_string(), vec!["y".to_string()]);
        let (km, warnings) = Keymap::new(&o);
        assert!(
            warnings.iter().all(|w| w.contains("was the key of")),
            "{warnings:?}"
        );
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.action_for(&q), Some(Action::Quit), "q still quits");
        assert_eq!(km.dialog_action_for(&q), Some(Action::Cancel));
        // Copy is looked up in dialogs too: `y` moved to reveal.
        assert_eq!(km.keys_text(Action::Copy), "(unbound)");
        assert_eq!(km.dialog_key(Action::Reveal, false).as_deref(), Some("y"));
        assert_eq!(km.dialog_key(Action::Reveal, true), None);
    }
}
