//! The effective keymap: the defaults of [`BINDINGS`](super::BINDINGS) with config overrides applied, key lookups, and the rows of help and footer.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::KeyEvent;

use super::{Action, BINDINGS, Binding, KeySpec};
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
        let mut lookup = HashMap::new();
        let mut dialog = HashMap::new();
        for bnd in BINDINGS {
            for k in keys.get(&bnd.action).into_iter().flatten() {
                if bnd.scope.in_panes() {
                    lookup.entry(*k).or_insert(bnd.action);
                }
                if bnd.scope.in_dialogs() {
                    dialog.entry(*k).or_insert(bnd.action);
                }
            }
        }
        (
            Keymap {
                keys,
                lookup,
                dialog,
            },
            warnings,
        )
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

    /// Help rows for pane `kind`: (section, keys, text, config name). An
    /// action limited to some panes says what it does here, or that it does
    /// nothing here.
    pub fn help_rows_for(&self, kind: ResourceKind) -> Vec<HelpRow> {
        BINDINGS
            .iter()
            .map(|b| {
                let text = match b.panes {
                    None | Some([]) => b.help.to_string(),
                    Some(list) => match list.iter().find(|(k, _, _)| *k == kind) {
                        Some((_, _, here)) => (*here).to_string(),
                        None => format!("{}: not on this pane", b.footer.unwrap_or(b.help)),
                    },
                };
                HelpRow {
                    section: b.section,
                    keys: self.keys_text(b.action),
                    text,
                    name: b.name,
                }
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
