//! The effective keymap: the defaults of [`BINDINGS`](super::BINDINGS) with config overrides applied, key lookups, and the rows of help and footer.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::KeyEvent;

use super::{Action, BINDINGS, Binding, KeySpec, Scope};
use crate::app::input::typed_char;
use crate::protocol::ResourceKind;

/// The effective keymap: defaults with config overrides applied.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// Keys of each action, in table order.
    keys: BTreeMap<Action, Vec<KeySpec>>,
    /// Key -> action on the panes and in the help and details overlays.
    lookup: HashMap<KeySpec, Action>,
    /// Key -> action inside a dialog (before the pane table).
    dialog: HashMap<KeySpec, Action>,
    /// Key -> action inside a detail view (before the pane table).
    details: HashMap<KeySpec, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::new(&BTreeMap::new()).0
    }
}

impl Keymap {
    /// Build from the defaults plus `overrides` (action name -> key specs).
    /// An unknown action or a bad key spec gives a warning and keeps the
    /// defaults of that action. A key taken by an override is removed from
    /// the actions that had it by default where both are looked up (a
    /// dialog key does not take a pane key away).
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> (Self, Vec<String>) {
        let mut warnings = Vec::new();
        let mut keys: BTreeMap<Action, Vec<KeySpec>> = BTreeMap::new();
        for bnd in BINDINGS {
            let parsed = bnd
                .defaults
                .iter()
                .filter_map(|s| KeySpec::parse(s).ok())
                .collect();
            keys.insert(bnd.action, parsed);
        }
        let mut overridden: Vec<(&Binding, Vec<KeySpec>)> = Vec::new();
        for (name, specs) in overrides {
            let Some(bnd) = BINDINGS.iter().find(|b| b.name == name.as_str()) else {
                warnings.push(format!(
                    "keys: unknown action `{name}` (ignored; see `?` for action names)"
                ));
                continue;
            };
            let mut parsed = Vec::new();
            let mut bad = false;
            for spec in specs {
                match KeySpec::parse(spec) {
                    Ok(k) => parsed.push(k),
                    Err(e) => {
                        warnings.push(format!("keys.{name}: {e}; keeping the default keys"));
                        bad = true;
                    }
                }
            }
            if bad || parsed.is_empty() {
                if !bad {
                    warnings.push(format!(
                        "keys.{name}: no keys given; keeping the default keys"
                    ));
                }
                continue;
            }
            overridden.push((bnd, parsed));
        }
        for (bnd, specs) in &overridden {
            for other in BINDINGS.iter().filter(|o| o.scope.overlaps(bnd.scope)) {
                if other.action == bnd.action {
                    continue;
                }
                if let Some(list) = keys.get_mut(&other.action) {
                    // Never silently: name both actions and what is left.
                    for k in list.iter().filter(|k| specs.contains(k)) {
                        let rest: Vec<String> = list
                            .iter()
                            .filter(|r| !specs.contains(r))
                            .map(|r| r.to_string())
                            .collect();
                        let left = if rest.is_empty() {
                            format!("`{}` is now unbound", other.name)
                        } else {
                            format!("`{}` keeps {}", other.name, rest.join("/"))
                        };
                        warnings.push(format!(
                            "keys.{}: {k} was the key of `{}`; it now does `{}` ({left})",
                            bnd.name, other.name, bnd.name
                        ));
                    }
                    list.retain(|k| !specs.contains(k));
                }
            }
            keys.insert(bnd.action, specs.clone());
        }
        // A detail view looks its own table up before the pane table: an
        // override that puts one key in both is said, never silent.
        for (bnd, specs) in &overridden {
            for other in BINDINGS.iter().filter(|o| o.action != bnd.action) {
                let shadows = match (bnd.scope, other.scope) {
                    (Scope::Details, s) => s.in_panes() && other.details.is_some(),
                    (s, Scope::Details) => s.in_panes() && bnd.details.is_some(),
                    _ => false,
                };
                if !shadows {
                    continue;
                }
                let (inside, elsewhere) = if bnd.scope == Scope::Details {
                    (bnd.name, other.name)
                } else {
                    (other.name, bnd.name)
                };
                for k in specs
                    .iter()
                    .filter(|k| keys.get(&other.action).is_some_and(|l| l.contains(k)))
                {
                    warnings.push(format!(
                        "keys.{}: {k} is also the key of `{}`; inside details it does \
                         `{inside}`, elsewhere `{elsewhere}`",
                        bnd.name, other.name
                    ));
                }
            }
        }
        let mut lookup = HashMap::new();
        let mut dialog = HashMap::new();
        let mut details = HashMap::new();
        for bnd in BINDINGS {
            for k in keys.get(&bnd.action).into_iter().flatten() {
                if bnd.scope.in_panes() {
                    lookup.entry(*k).or_insert(bnd.action);
                }
                if bnd.scope.in_dialogs() {
                    dialog.entry(*k).or_insert(bnd.action);
                }
                if bnd.scope == Scope::Details {
                    details.entry(*k).or_insert(bnd.action);
                }
            }
        }
        (
            Keymap {
                keys,
                lookup,
                dialog,
                details,
            },
            warnings,
        )
    }

    /// The action a key event asks for inside a detail view: its own table
    /// first (`n`/`N`), then the pane table (`j`, `/`, `y`, Esc). Only
    /// actions that do something there (see [`Binding::details`]).
    pub fn details_action_for(&self, ev: &KeyEvent) -> Option<Action> {
        self.details_action(&KeySpec::from_event(ev))
    }

    fn details_action(&self, key: &KeySpec) -> Option<Action> {
        self.details
            .get(key)
            .or_else(|| self.lookup.get(key))
            .copied()
            .filter(|a| super::binding(*a).is_some_and(|b| b.details.is_some()))
    }

    /// The keys that reach `action` inside a detail view, as text (`n`),
    /// or `None` when none does.
    pub fn details_keys(&self, action: Action) -> Option<String> {
        let keys: Vec<String> = self
            .keys_of(action)
            .iter()
            .filter(|k| self.details_action(k) == Some(action))
            .map(|k| k.to_string())
            .collect();
        (!keys.is_empty()).then(|| keys.join("/"))
    }

    /// The first key that reaches `action` inside a detail view.
    pub fn details_key(&self, action: Action) -> Option<String> {
        self.keys_of(action)
            .iter()
            .find(|k| self.details_action(k) == Some(action))
            .map(|k| k.to_string())
    }

    /// Help rows inside a detail view opened on pane `kind`: only what works
    /// there. `copy`: what `y` copies there (`None`: nothing, not listed).
    pub fn help_rows_in_details(&self, kind: ResourceKind, copy: Option<&str>) -> Vec<HelpRow> {
        BINDINGS
            .iter()
            .filter_map(|b| {
                let (_, help) = b.details?;
                let text = match b.action {
                    Action::Copy => format!("copy {}", copy?),
                    // The pane's edit, where the pane has one.
                    Action::Edit => {
                        let (_, _, here) = b.panes?.iter().find(|(k, _, _)| *k == kind)?;
                        format!("{here} of this one")
                    }
                    _ => help.to_string(),
                };
                let section = match b.action {
                    Action::Filter | Action::SearchNext | Action::SearchPrev => "Search",
                    _ if b.section == "Move" => "Move",
                    _ => "Details",
                };
                Some(HelpRow {
                    section,
                    keys: self.details_keys(b.action)?,
                    text,
                    name: b.name,
                })
            })
            .collect()
    }

    /// The action bound to a key event on the panes, if any.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        self.lookup.get(&KeySpec::from_event(ev)).copied()
    }

    /// The action a key event asks for inside a dialog: the dialog table
    /// first, then the pane table (`quit`). Whether typed text wins over it
    /// is the dialog's call (see [`crate::app::input::typed_char`]).
    pub fn dialog_action_for(&self, ev: &KeyEvent) -> Option<Action> {
        self.dialog_action(&KeySpec::from_event(ev))
    }

    /// The dialog action of a key pressed in a text field: none for a key
    /// that types a character (typed text wins there).
    pub fn text_field_action(&self, ev: &KeyEvent) -> Option<Action> {
        match typed_char(ev) {
            Some(_) => None,
            None => self.dialog_action_for(ev),
        }
    }

    fn dialog_action(&self, key: &KeySpec) -> Option<Action> {
        self.dialog
            .get(key)
            .or_else(|| self.lookup.get(key))
            .copied()
    }

    /// The first key that asks for `action` inside a dialog, for its hint.
    /// With `typing` (a text field has the focus) keys that type a
    /// character are skipped: there the character is typed. `None`: no key
    /// does it there.
    pub fn dialog_key(&self, action: Action, typing: bool) -> Option<String> {
        self.keys_of(action)
            .iter()
            .find(|k| self.dialog_action(k) == Some(action) && !(typing && k.types_text()))
            .map(|k| k.to_string())
    }

    /// `key label` for a dialog hint, or `None` when nothing does it there.
    pub fn dialog_hint(&self, action: Action, typing: bool, label: &str) -> Option<String> {
        self.dialog_key(action, typing)
            .map(|k| format!("{k} {label}"))
    }

    /// The keys of an action, in order.
    pub fn keys_of(&self, action: Action) -> &[KeySpec] {
        self.keys.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys of an action as text: `j/Down`.
    pub fn keys_text(&self, action: Action) -> String {
        let keys = self.keys_of(action);
        if keys.is_empty() {
            return "(unbound)".to_string();
        }
        keys.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The first key of an action (for hints), if bound.
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.keys_of(action).first().map(|k| k.to_string())
    }

    /// The first key of an action, or `(unbound)`.
    pub fn key_or_unbound(&self, action: Action) -> String {
        self.first_key(action)
            .unwrap_or_else(|| "(unbound)".to_string())
    }

    /// Help rows for pane `kind`: (section, keys, text, config name). Only
    /// what works here: an action limited to some panes is listed on those,
    /// with what it does here; the dialog keys are their own section.
    pub fn help_rows_for(&self, kind: ResourceKind) -> Vec<HelpRow> {
        BINDINGS
            .iter()
            .filter_map(|b| {
                let text = match b.panes {
                    None => b.help.to_string(),
                    Some([]) if b.scope.in_dialogs() => b.help.to_string(),
                    Some(list) => {
                        let (_, _, here) = list.iter().find(|(k, _, _)| *k == kind)?;
                        (*here).to_string()
                    }
                };
                Some(HelpRow {
                    section: b.section,
                    keys: self.keys_text(b.action),
                    text,
                    name: b.name,
                })
            })
            .collect()
    }

    /// Footer hints that apply on pane `kind`, with the label there and the
    /// priority: (action, first key, label, priority), in table order.
    pub fn footer_hints_for(&self, kind: ResourceKind) -> Vec<(Action, String, &'static str, u8)> {
        BINDINGS
            .iter()
            .filter_map(|b| {
                Some((
                    b.action,
                    self.first_key(b.action)?,
                    b.label_for(kind)?,
                    b.priority,
                ))
            })
            .collect()
    }
}

/// One row of the `?` overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub section: &'static str,
    /// The effective keys: `j/Down`.
    pub keys: String,
    /// What the action does (on the visible pane).
    pub text: String,
    /// The action's name in the config file's `[keys]` table.
    pub name: &'static str,
}
