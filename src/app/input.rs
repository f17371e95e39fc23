//! The one line editor. [`EditOp`] says what an editing key does to a line
//! and its cursor; [`LineInput`] is such a line (the filter, the palette,
//! form text fields, the typed-name confirmation). Masked form fields apply
//! the same operations to a value they rebuild on every edit. Pure state;
//! the renderer draws it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A line-editing operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    DeleteToStart,
    DeleteToEnd,
    DeleteWordBack,
}

/// What an [`EditOp`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Unchanged,
    Cursor(usize),
    /// New content (built at its exact size) and cursor.
    Text(String, usize),
}

impl EditOp {
    /// The editing operation of a key, if it is one (readline keys too:
    /// Ctrl-A/E/U/K/W/H).
    pub fn from_key(key: &KeyEvent) -> Option<EditOp> {
        if let Some(c) = typed_char(key) {
            return Some(EditOp::Insert(c));
        }
        let (ctrl, alt) = modifiers(key);
        Some(match key.code {
            KeyCode::Char('a') if ctrl => EditOp::Home,
            KeyCode::Char('e') if ctrl => EditOp::End,
            KeyCode::Char('u') if ctrl => EditOp::DeleteToStart,
            KeyCode::Char('k') if ctrl => EditOp::DeleteToEnd,
            KeyCode::Char('w') if ctrl => EditOp::DeleteWordBack,
            KeyCode::Char('h') if ctrl => EditOp::Backspace,
            KeyCode::Backspace if alt || ctrl => EditOp::DeleteWordBack,
            KeyCode::Backspace => EditOp::Backspace,
            KeyCode::Delete => EditOp::Delete,
            KeyCode::Left => EditOp::Left,
            KeyCode::Right => EditOp::Right,
            KeyCode::Home => EditOp::Home,
            KeyCode::End => EditOp::End,
            _ => return None,
        })
    }

    /// Apply to `text` with the cursor at char `cursor`. The text is never
    /// copied as a whole except into the result (masked values go through
    /// here too).
    pub fn apply(self, text: &str, cursor: usize) -> Applied {
        let len = text.chars().count();
        let cursor = cursor.min(len);
        match self {
            EditOp::Insert(c) => {
                let mut buf = [0u8; 4];
                let (new, at) = insert(text, cursor, c.encode_utf8(&mut buf));
                Applied::Text(new, at)
            }
            EditOp::Backspace if cursor > 0 => {
                Applied::Text(remove(text, cursor - 1, cursor), cursor - 1)
            }
            EditOp::Delete if cursor < len => {
                Applied::Text(remove(text, cursor, cursor + 1), cursor)
            }
            EditOp::Left if cursor > 0 => Applied::Cursor(cursor - 1),
            EditOp::Right if cursor < len => Applied::Cursor(cursor + 1),
            EditOp::Home if cursor > 0 => Applied::Cursor(0),
            EditOp::End if cursor < len => Applied::Cursor(len),
            EditOp::DeleteToStart if cursor > 0 => Applied::Text(remove(text, 0, cursor), 0),
            EditOp::DeleteToEnd if cursor < len => Applied::Text(remove(text, cursor, len), cursor),
            EditOp::DeleteWordBack if cursor > 0 => {
                let prefix = &text[..byte_at(text, cursor)];
                let trimmed = prefix.trim_end();
                let word_start = trimmed
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                let start = trimmed[..word_start].chars().count();
                Applied::Text(remove(text, start, cursor), start)
            }
            _ => Applied::Unchanged,
        }
    }
}

/// Ctrl and Alt as the user meant them: Ctrl+Alt together is AltGr on
/// Windows (how `@` is typed on many layouts), so it counts as neither.
pub fn modifiers(key: &KeyEvent) -> (bool, bool) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl && alt {
        (false, false)
    } else {
        (ctrl, alt)
    }
}

/// The character a key types into a text field, if it types one. Inside a
/// text field this wins over the key's action in the keymap.
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match (key.code, modifiers(key)) {
        (KeyCode::Char(c), (false, false)) if !c.is_control() => Some(c),
        _ => None,
    }
}

/// Byte offset of char index `n` (or the end).
fn byte_at(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// `text` with `ins` inserted at char `cursor`, allocated once at its final
/// size, and the cursor after the insertion.
pub fn insert(text: &str, cursor: usize, ins: &str) -> (String, usize) {
    let at = byte_at(text, cursor);
    let mut out = String::with_capacity(text.len() + ins.len());
    out.push_str(&text[..at]);
    out.push_str(ins);
    out.push_str(&text[at..]);
    (out, cursor + ins.chars().count())
}

/// `text` without chars `from..to`, allocated once at its final size.
fn remove(text: &str, from: usize, to: usize) -> String {
    let a = byte_at(text, from);
    let b = byte_at(text, to);
    let mut out = String::with_capacity(text.len() - (b - a));
    out.push_str(&text[..a]);
    out.push_str(&text[b..]);
    out
}

/// One line of text and a cursor counted in chars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    value: String,
    /// Cursor position in chars, 0..=len.
    cursor: usize,
}

impl LineInput {
    pub fn new(value: &str) -> Self {
        LineInput {
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
    }

    /// Insert text at the cursor; control characters (newlines from a paste)
    /// become spaces.
    pub fn insert_str(&mut self, text: &str) {
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let (value, cursor) = insert(&self.value, self.cursor, &clean);
        self.value = value;
        self.cursor = cursor;
    }

    /// Apply one operation; returns whether the value or the cursor changed.
    pub fn apply(&mut self, op: EditOp) -> bool {
        match op.apply(&self.value, self.cursor) {
            Applied::Unchanged => false,
            Applied::Cursor(c) => {
                self.cursor = c;
                true
            }
            Applied::Text(value, c) => {
                self.value = value;
                self.cursor = c;
                true
            }
        }
    }

    /// Apply an editing key. Returns true when the key was an editing key
    /// (whether or not the value changed).
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        match EditOp::from_key(key) {
            Some(op) => {
                self.apply(op);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn edits() {
        let mut i = LineInput::default();
        for c in "héllo wörld".chars() {
            i.handle_key(&key(KeyCode::Char(c)));
        }
        i.handle_key(&key(KeyCode::Backspace));
        assert_eq!(i.value(), "héllo wörl");
        i.handle_key(&ctrl('w'));
        assert_eq!(i.value(), "héllo ");
        i.handle_key(&key(KeyCode::Home));
        i.handle_key(&key(KeyCode::Delete));
        assert_eq!(i.value(), "éllo ");
        i.insert_str("a\nb");
        assert_eq!(i.value(), "a béllo ");
        assert!(!i.handle_key(&key(KeyCode::Enter)));
    }

    #[test]
    fn readline_keys() {
        let mut i = LineInput::new("héllo world");
        i.handle_key(&ctrl('w'));
        assert_eq!(i.value(), "héllo ");
        i.handle_key(&key(KeyCode::Home));
        i.handle_key(&key(KeyCode::Right));
        i.handle_key(&key(KeyCode::Delete));
        assert_eq!(i.value(), "hllo ");
        i.handle_key(&key(KeyCode::Backspace));
        assert_eq!(i.value(), "llo ");
        i.handle_key(&key(KeyCode::End));
        i.handle_key(&key(KeyCode::Char('x')));
        i.handle_key(&key(KeyCode::Left));
        i.handle_key(&ctrl('k'));
        assert_eq!(i.value(), "llo ");
        i.handle_key(&ctrl('u'));
        assert_eq!(i.value(), "");
        assert!(!i.apply(EditOp::Backspace));
    }

    #[test]
    fn altgr_chars_are_typed() {
        let altgr = KeyEvent::new(
            KeyCode::Char('@'),
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        );
        assert_eq!(typed_char(&altgr), Some('@'));
        assert_eq!(typed_char(&ctrl('x')), None);
        let mut i = LineInput::new("bob");
        i.handle_key(&altgr);
        assert_eq!(i.value(), "bob@");
    }
}
