//! One form field: text, masked, choice or a read-only info line, edited
//! with the one line editor ([`crate::app::input`]). Masked values live only in a `SecretString` that is rebuilt
//! (never grown in place) on every edit, so each old buffer is zeroized when
//! it is dropped and no reallocation leaves a copy behind.

use crossterm::event::{KeyCode, KeyEvent};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use crate::app::input::{Applied, EditOp, LineInput, insert};

/// Which field of a form this is; stable across forms so callers (and the
/// server-error mapping) can address fields by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    SecretName,
    SecretValue,
    Visibility,
    /// Secret tags, comma-separated.
    Tags,
    Email,
    Role,
    TokenName,
    Expiry,
    ExpiryDate,
    Provider,
    RegistryName,
    Server,
    Username,
    Password,
    RegistryEmail,
    /// A read-only line.
    Info,
}

/// What a field holds. Build with the constructors of [`Field`].
// Clone: the model (and so any open form) is cloned by tests and benches; a
// cloned `SecretString` is its own zeroized-on-drop buffer.
#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(LineInput),
    Masked {
        value: SecretString,
        /// Cursor position in chars.
        cursor: usize,
        /// Shown in clear while true (toggled by Ctrl-R / F2, reset on blur).
        revealed: bool,
        /// Keep newlines from a paste (secret values may be PEM keys).
        multiline: bool,
        /// The value was moved into a mutation; show "enter again" if empty.
        sent: bool,
    },
    Choice {
        options: Vec<String>,
        index: usize,
    },
    Info {
        text: String,
    },
}

/// One row of a form.
#[derive(Debug, Clone)]
pub struct Field {
    pub(crate) id: FieldId,
    pub(crate) label: &'static str,
    pub(crate) kind: FieldKind,
    pub(crate) hint: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) hidden: bool,
    /// Validated live once it has been left after an edit or a submit was tried.
    pub(crate) touched: bool,
    pub(crate) dirty: bool,
    /// Info lines drawn as a warning (`⚠`).
    pub(crate) warning: bool,
}

/// How the renderer should draw a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Display<'a> {
    /// Plain text and the cursor position in chars.
    Text {
        text: &'a str,
        cursor: usize,
    },
    /// A masked value: `len` chars hidden, cursor in chars.
    Masked {
        len: usize,
        cursor: usize,
    },
    /// A masked value shown in clear (only while toggled).
    Revealed {
        text: &'a str,
        cursor: usize,
    },
    /// The chosen option of `count`.
    Choice {
        label: &'a str,
        index: usize,
        count: usize,
    },
    Info {
        text: &'a str,
    },
}

impl Field {
    fn new(id: FieldId, label: &'static str, kind: FieldKind) -> Field {
        Field {
            id,
            label,
            kind,
            hint: None,
            error: None,
            hidden: false,
            touched: false,
            dirty: false,
            warning: false,
        }
    }

    pub(crate) fn text(id: FieldId, label: &'static str, value: &str) -> Field {
        Field::new(id, label, FieldKind::Text(LineInput::new(value)))
    }

    pub(crate) fn masked(id: FieldId, label: &'static str, multiline: bool) -> Field {
        Field::new(
            id,
            label,
            FieldKind::Masked {
                value: SecretString::default(),
                cursor: 0,
                revealed: false,
                multiline,
                sent: false,
            },
        )
    }

    pub(crate) fn choice(
        id: FieldId,
        label: &'static str,
        options: Vec<String>,
        index: usize,
    ) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        Field::new(id, label, FieldKind::Choice { options, index })
    }

    pub(crate) fn info(label: &'static str, text: impl Into<String>) -> Field {
        Field::new(FieldId::Info, label, FieldKind::Info { text: text.into() })
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn warning_style(mut self) -> Field {
        self.warning = true;
        self
    }

    /// Which field this is.
    pub fn id(&self) -> FieldId {
        self.id
    }

    /// The label drawn left of the value.
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// The inline error, if the value is not acceptable.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// A greyed hint for an empty field.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Hidden fields are neither drawn nor focused nor validated.
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }

    /// Info lines drawn as a warning.
    pub fn is_warning(&self) -> bool {
        self.warning
    }

    /// Whether Tab stops here.
    pub fn is_focusable(&self) -> bool {
        !self.hidden && !matches!(self.kind, FieldKind::Info { .. })
    }

    /// Whether keys type into this field (text or masked): there a typed
    /// character wins over the key's action in the keymap.
    pub fn takes_text(&self) -> bool {
        matches!(self.kind, FieldKind::Text(_) | FieldKind::Masked { .. })
    }

    pub fn is_masked(&self) -> bool {
        matches!(self.kind, FieldKind::Masked { .. })
    }

    /// True for a masked field whose value was sent and is now empty.
    pub fn was_sent(&self) -> bool {
        matches!(&self.kind, FieldKind::Masked { sent: true, value, .. } if value.expose_secret().is_empty())
    }

    /// What to draw. A masked value is exposed only while revealed.
    pub fn display(&self) -> Display<'_> {
        match &self.kind {
            FieldKind::Text(input) => Display::Text {
                text: input.value(),
                cursor: input.cursor(),
            },
            FieldKind::Masked {
                value,
                cursor,
                revealed,
                ..
            } => {
                if *revealed {
                    Display::Revealed {
                        text: value.expose_secret(),
                        cursor: *cursor,
                    }
                } else {
                    Display::Masked {
                        len: value.expose_secret().chars().count(),
                        cursor: *cursor,
                    }
                }
            }
            FieldKind::Choice { options, index } => Display::Choice {
                label: options.get(*index).map(String::as_str).unwrap_or_default(),
                index: *index,
                count: options.len(),
            },
            FieldKind::Info { text } => Display::Info { text },
        }
    }

    /// The text of a text field (empty for other kinds).
    pub(crate) fn text_value(&self) -> &str {
        match &self.kind {
            FieldKind::Text(input) => input.value(),
            _ => "",
        }
    }

    /// Set a text field's value, cursor at the end.
    pub(crate) fn set_text(&mut self, text: &str) {
        if let FieldKind::Text(input) = &mut self.kind {
            *input = LineInput::new(text);
        }
    }

    /// The chosen index of a choice field.
    pub(crate) fn choice_index(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { index, .. } => *index,
            _ => 0,
        }
    }

    /// The masked value (empty for other kinds). Never shown or logged.
    pub(crate) fn secret(&self) -> &str {
        match &self.kind {
            FieldKind::Masked { value, .. } => value.expose_secret(),
            _ => "",
        }
    }

    /// Move the masked value out, leaving an empty one; marks it sent.
    pub(crate) fn take_secret(&mut self) -> SecretString {
        match &mut self.kind {
            FieldKind::Masked {
                value,
                cursor,
                revealed,
                sent,
                ..
            } => {
                *cursor = 0;
                *revealed = false;
                *sent = true;
                std::mem::take(value)
            }
            _ => SecretString::default(),
        }
    }

    /// Hide a revealed masked value (focus left it).
    pub(crate) fn conceal(&mut self) {
        if let FieldKind::Masked { revealed, .. } = &mut self.kind {
            *revealed = false;
        }
    }

    /// Toggle reveal of a masked field; false if this is not one.
    pub(crate) fn toggle_reveal(&mut self) -> bool {
        match &mut self.kind {
            FieldKind::Masked { revealed, .. } => {
                *revealed = !*revealed;
                true
            }
            _ => false,
        }
    }

    /// Apply an editing key. Returns whether anything changed (value, cursor
    /// or choice). Keys that mean nothing here are ignored.
    pub(crate) fn handle_key(&mut self, key: &KeyEvent) -> bool {
        match &mut self.kind {
            FieldKind::Choice { options, index } => {
                let n = options.len();
                if n == 0 {
                    return false;
                }
                let next = match key.code {
                    KeyCode::Right | KeyCode::Char(' ') => (*index + 1) % n,
                    KeyCode::Left => (*index + n - 1) % n,
                    KeyCode::Home => 0,
                    KeyCode::End => n - 1,
                    _ => return false,
                };
                let changed = next != *index;
                *index = next;
                if changed {
                    self.dirty = true;
                }
                changed
            }
            FieldKind::Info { .. } => false,
            FieldKind::Text(input) => {
                let Some(op) = EditOp::from_key(key) else {
                    return false;
                };
                let changed = input.apply(op);
                if changed && !is_move(op) {
                    self.dirty = true;
                }
                changed
            }
            FieldKind::Masked {
                value,
                cursor,
                sent,
                ..
            } => {
                let Some(op) = EditOp::from_key(key) else {
                    return false;
                };
                match op.apply(value.expose_secret(), *cursor) {
                    Applied::Unchanged => false,
                    Applied::Cursor(c) => {
                        *cursor = c;
                        true
                    }
                    Applied::Text(new, c) => {
                        // The old SecretString is dropped (zeroized) here.
                        *value = SecretString::from(new);
                        *cursor = c;
                        *sent = false;
                        self.dirty = true;
                        true
                    }
                }
            }
        }
    }

    /// Insert pasted text at the cursor. Newlines are removed, except that a
    /// multi-line masked field keeps inner ones (CRLF → LF, trailing ones
    /// dropped). Returns whether the value changed.
    pub(crate) fn paste(&mut self, text: &str) -> bool {
        match &mut self.kind {
            FieldKind::Text(input) => {
                let clean = single_line(text);
                if clean.is_empty() {
                    return false;
                }
                input.insert_str(&clean);
                self.dirty = true;
                true
            }
            FieldKind::Masked {
                value,
                cursor,
                multiline,
                sent,
                ..
            } => {
                // Temporaries are zeroized on drop too.
                let clean = Zeroizing::new(if *multiline {
                    multi_line(text)
                } else {
                    single_line(text)
                });
                if clean.is_empty() {
                    return false;
                }
                let (new, c) = insert(value.expose_secret(), *cursor, &clean);
                *value = SecretString::from(new);
                *cursor = c;
                *sent = false;
                self.dirty = true;
                true
            }
            FieldKind::Choice { .. } | FieldKind::Info { .. } => false,
        }
    }
}

/// CRLF and CR become LF; trailing newlines are dropped (no reallocation).
fn multi_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    let keep = out.trim_end_matches('\n').len();
    out.truncate(keep);
    out
}

/// Remove CR and LF (pasted into a single-line field).
fn single_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    out.extend(text.chars().filter(|c| *c != '\n' && *c != '\r'));
    out
}

/// Whether `op` only moves the cursor.
fn is_move(op: EditOp) -> bool {
    matches!(
        op,
        EditOp::Left | EditOp::Right | EditOp::Home | EditOp::End
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(field: &mut Field, text: &str) {
        for c in text.chars() {
            field.handle_key(&key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn masked_edits_rebuild_the_secret() {
        let mut f = Field::masked(FieldId::Password, "Password", false);
        typed(&mut f, "abc");
        f.handle_key(&key(KeyCode::Left));
        typed(&mut f, "X");
        assert_eq!(f.secret(), "abXc");
        assert_eq!(f.display(), Display::Masked { len: 4, cursor: 3 });
        assert!(f.paste("1\r\n2\n"));
        assert_eq!(f.secret(), "abX12c");
        let taken = f.take_secret();
        assert_eq!(taken.expose_secret(), "abX12c");
        assert_eq!(f.secret(), "");
        assert!(f.was_sent());
        assert!(!format!("{f:?}").contains("abX12c"));
    }

    #[test]
    fn multiline_masked_paste_keeps_inner_newlines() {
        let mut f = Field::masked(FieldId::SecretValue, "Value", true);
        f.paste("-----BEGIN-----\r\nAAA\r\n-----END-----\r\n\n");
        assert_eq!(f.secret(), "-----BEGIN-----\nAAA\n-----END-----");
    }

    #[test]
    fn choices_cycle() {
        let mut f = Field::choice(FieldId::Role, "Role", vec!["a".into(), "b".into()], 0);
        assert!(f.handle_key(&key(KeyCode::Right)));
        assert_eq!(f.choice_index(), 1);
        assert!(f.handle_key(&key(KeyCode::Char(' '))));
        assert_eq!(f.choice_index(), 0);
        assert!(f.handle_key(&key(KeyCode::Left)));
        assert_eq!(f.choice_index(), 1);
        assert!(!f.handle_key(&key(KeyCode::Char('x'))));
        assert!(!f.paste("zzz"));
    }
}
