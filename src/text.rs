//! Text for a terminal, one copy for the dashboard (`app`, `ui`) and the
//! headless output (`lepdash get`/`info`): the sanitizer, display width,
//! cutting and wrapping to a width, padding, byte sizes and dates; and the
//! helpers every other sink of outside text uses: [`escape`] for the log,
//! [`mask_tokens`] for anything a server says, [`cut_chars`] for error text,
//! [`write_json`] for `-o json`.
//!
//! Width is the display width of the *sanitized* text, measured per
//! grapheme cluster the way the terminal buffer (ratatui) places it: a flag
//! (two regional indicators), a ZWJ sequence or an emoji with VS16 is one
//! cluster of two columns, combining marks add none, a control character
//! counts as the one-column `?` the sanitizer turns it into. Cutting never
//! splits a cluster, so a cell never spills into its neighbour.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// At most this many zero-width marks (combining accents, variation
/// selectors) are kept in a row; more stack out of the line on some
/// terminals and are dropped by [`sanitize`].
pub const MAX_MARKS: usize = 4;

/// What the sanitizer turns `c` into: tab, newline, carriage return and the
/// Unicode line/paragraph separators become a space; other control
/// characters (C0, DEL, C1) and the bidi controls (embeddings, overrides,
/// isolates, the directional marks) become `?`, so outside text can neither
/// drive the terminal nor reorder what is shown.
pub fn clean_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => ' ',
        c if c.is_control() => '?',
        c if is_bidi_control(c) => '?',
        c => c,
    }
}

/// The bidi formatting characters (they reorder the text around them).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Invisible format characters that are escaped in JSON and the log (they
/// are kept on screen, where they take no room, except the bidi ones).
fn is_format_char(c: char) -> bool {
    is_bidi_control(c)
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A zero-width mark that joins the character before it.
fn is_mark(c: char) -> bool {
    !c.is_ascii() && c != '\u{200D}' && unicode_width::UnicodeWidthChar::width(c) == Some(0)
}

/// Replace control and bidi characters (see [`clean_char`]) and drop
/// zero-width marks beyond [`MAX_MARKS`] in a row.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_control()) {
        return Cow::Borrowed(s);
    }
    let mut marks = 0;
    let mut changed = false;
    for c in s.chars() {
        if clean_char(c) != c {
            changed = true;
            break;
        }
        if is_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                changed = true;
                break;
            }
        } else {
            marks = 0;
        }
    }
    if !changed {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut marks = 0;
    for c in s.chars() {
        let c = clean_char(c);
        if is_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                continue;
            }
        } else {
            marks = 0;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Sanitize every cell of a drawn frame: a cell whose symbol holds a
/// control, bidi or format character, or more than [`MAX_MARKS`] marks,
/// gets the sanitized symbol (or `?` when that would change its width).
/// Widgets draw server text through different paths (some keep zero-width
/// characters in a cell); this pass is the one place all of them meet
/// before the terminal.
pub fn sanitize_buffer(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        // Nearly every cell: one printable ASCII char.
        if let [b] = sym.as_bytes()
            && (b' '..=b'~').contains(b)
        {
            continue;
        }
        if sym.is_ascii() && !sym.bytes().any(|b| b.is_ascii_control()) {
            continue;
        }
        let mut marks = 0;
        let bad = sym.chars().any(|c| {
            marks = if is_mark(c) { marks + 1 } else { 0 };
            c.is_control() || (is_format_char(c) && c != '\u{200D}') || marks > MAX_MARKS
        });
        if !bad {
            continue;
        }
        // The cell keeps its width (as the buffer counted it): what drives
        // the terminal is dropped, a mark tower is cut.
        let old_w = UnicodeWidthStr::width(sym);
        let mut marks = 0;
        let clean: String = sym
            .chars()
            .filter(|&c| !c.is_control() && (!is_format_char(c) || c == '\u{200D}'))
            .filter(|&c| {
                marks = if is_mark(c) { marks + 1 } else { 0 };
                marks <= MAX_MARKS
            })
            .collect();
        let clean = if clean.is_empty() || UnicodeWidthStr::width(clean.as_str()) != old_w {
            if old_w >= 2 { "？" } else { "?" }.to_string()
        } else {
            clean
        };
        cell.set_symbol(&clean);
    }
}

/// Display width of one character after sanitizing, in terminal columns.
pub fn char_width(c: char) -> usize {
    let c = clean_char(c);
    if c.is_ascii() {
        return 1;
    }
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Display width of one grapheme cluster after sanitizing, as the terminal
/// buffer counts it.
pub fn grapheme_width(g: &str) -> usize {
    if g.len() == 1 {
        return 1;
    }
    let clean = sanitize(g);
    let w = UnicodeWidthStr::width(&*clean);
    // Halfwidth (han)dakuten take a cell of their own in terminals (as in ratatui).
    w + clean
        .chars()
        .filter(|&c| c == '\u{FF9E}' || c == '\u{FF9F}')
        .count()
}

/// Display width of `s` after sanitizing, in terminal columns.
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        // Every ASCII char, printable or replaced by `?` or a space, is one column.
        return s.len();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// The longest prefix of `s` made of whole grapheme clusters that fits in
/// `max` columns, as a byte length.
fn fit(s: &str, max: usize) -> usize {
    if s.is_ascii() {
        return s.len().min(max);
    }
    let mut w = 0;
    for (i, g) in s.grapheme_indices(true) {
        let gw = grapheme_width(g);
        if w + gw > max {
            return i;
        }
        w += gw;
    }
    s.len()
}

/// Byte length of the first grapheme cluster of `s`.
fn first_grapheme_len(s: &str) -> usize {
    s.graphemes(true).next().map_or(0, str::len)
}

/// Cut `s` to at most `max` columns, ending with `ellipsis` when cut. When
/// even the ellipsis does not fit beside one character, the text is cut
/// without it. Grapheme clusters are never split.
pub fn truncate<'a>(s: &'a str, max: usize, ellipsis: &str) -> Cow<'a, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    let keep = max.saturating_sub(width(ellipsis));
    if keep == 0 {
        return Cow::Borrowed(&s[..fit(s, max)]);
    }
    let mut out = s[..fit(s, keep)].to_string();
    out.push_str(ellipsis);
    Cow::Owned(out)
}

/// At most `max` characters of `s` (whole grapheme clusters), with
/// `… (N more characters)` when cut: error text from a server is shown and
/// logged this way, so a huge message stays one short line.
pub fn cut_chars(s: &str, max: usize) -> Cow<'_, str> {
    let Some((end, _)) = s.grapheme_indices(true).nth(max) else {
        return Cow::Borrowed(s);
    };
    let rest = s[end..].chars().count();
    Cow::Owned(format!("{}… ({rest} more characters)", &s[..end]))
}

/// Outside text for a log line: control, bidi and format characters become
/// visible escapes (`\n`, `\u{1b}`), so a log line can neither drive the
/// terminal of whoever reads the log nor forge another line.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || is_format_char(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_format_char(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Lepton tokens look like NVIDIA API keys: `nvapi-` and at least this many
/// key characters.
const TOKEN_MIN_TAIL: usize = 8;

/// Mask secrets in text a server sent: `own` (lepdash's token) wherever it
/// appears, anything shaped like a Lepton token (`nvapi-…`), and whatever
/// follows `Bearer `. Every sink (dashboard, stderr, log) gets the masked
/// text, since masking happens where the error is made.
pub fn mask_tokens<'a>(s: &'a str, own: Option<&str>) -> Cow<'a, str> {
    let mut out: Cow<'a, str> = Cow::Borrowed(s);
    if let Some(t) = own.filter(|t| t.len() >= 4)
        && out.contains(t)
    {
        out = Cow::Owned(out.replace(t, "****"));
    }
    let lower = out.to_ascii_lowercase();
    if !lower.contains("nvapi-") && !lower.contains("bearer ") {
        return out;
    }
    let text = out.into_owned();
    let bytes = text.as_bytes();
    let lower = lower.as_bytes();
    let key = |b: u8| {
        b.is_ascii_alphanumeric()
            || b == b'-'
            || b == b'_'
            || b == b'.'
            || b == b'~'
            || b == b'+'
            || b == b'/'
            || b == b'='
    };
    let mut res = String::with_capacity(text.len());
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        let (prefix_len, min_tail) = if lower[i..].starts_with(b"nvapi-") {
            (6, TOKEN_MIN_TAIL)
        } else if lower[i..].starts_with(b"bearer ") {
            (7, 1)
        } else {
            i += 1;
            continue;
        };
        let tail_start = i + prefix_len;
        let mut j = tail_start;
        while j < bytes.len() && key(bytes[j]) {
            j += 1;
        }
        if j - tail_start >= min_tail {
            res.push_str(&text[last..tail_start]);
            res.push_str("****");
            last = j;
            i = j;
        } else {
            i = tail_start;
        }
    }
    res.push_str(&text[last..]);
    Cow::Owned(res)
}

/// Write `v` as pretty JSON and a newline, with C1 controls and bidi/format
/// characters escaped as `\u` (serde escapes only C0), so printing the JSON
/// to a terminal cannot drive it.
pub fn write_json<W: std::io::Write + ?Sized>(
    out: &mut W,
    v: &serde_json::Value,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *out,
        SafeJson(serde_json::ser::PrettyFormatter::new()),
    );
    serde::Serialize::serialize(v, &mut ser)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// A pretty formatter that escapes C1 controls and bidi/format characters.
struct SafeJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for SafeJson<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut last = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_control() || is_format_char(c) {
                w.write_all(&fragment.as_bytes()[last..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{:04x}", u)?;
                }
                last = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[last..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `s` followed by spaces up to `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

/// Greedy word wrap to `max` columns; words longer than a line are split.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        loop {
            let w = width(word);
            let needed = if line_w == 0 { w } else { line_w + 1 + w };
            if needed <= max {
                if line_w > 0 {
                    line.push(' ');
                }
                line.push_str(word);
                line_w = needed;
                break;
            }
            if line_w > 0 {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
                continue;
            }
            // A single word longer than the line: hard split (at least one
            // character per line, so a wide one on a 1-column line still moves on).
            let head = fit(word, max).max(first_grapheme_len(word));
            lines.push(word[..head].to_string());
            word = &word[head..];
            if word.is_empty() {
                break;
            }
        }
    }
    if line_w > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// 1024-based size with one decimal, like `lep workspace status`:
/// `117.7 MiB`, `512 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `2026-11-28` (UTC) of epoch ms; `-` when out of range.
pub fn date(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%d").to_string(),
        Err(_) => "-".to_string(),
    }
}

/// `2026-11-28 14:03 UTC` of epoch ms; `None` when out of range.
pub fn try_datetime(ms: i64) -> Option<String> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(timestamp_minutes)
}

/// `2026-11-28 14:03 UTC` of epoch ms; `-` when out of range.
pub fn datetime(ms: i64) -> String {
    try_datetime(ms).unwrap_or_else(|| "-".to_string())
}

/// `2026-11-28 14:03 UTC` of a timestamp.
pub fn timestamp_minutes(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// [`date`] of an optional time; `-` when there is none.
pub fn date_or_dash(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".to_string(), date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    #[test]
    fn width_is_the_display_width_of_the_sanitized_text() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width(""), 0);
        // Wide characters take two columns each.
        assert_eq!(width("名前"), 4);
        assert_eq!(width("a名b"), 4);
        // A combining acute accent takes none.
        assert_eq!(width("e\u{301}"), 1);
        // Control and bidi characters count as the `?` they become.
        assert_eq!(width("a\x1bb"), 3);
        assert_eq!(width("x\u{202E}y"), 3);
        assert_eq!(width("a\tb"), width(&sanitize("a\tb")));
        for s in [
            "evil\x1b]52;c;AAAA\x07name\u{202E}",
            "名\u{2066}x",
            "tab\there",
        ] {
            assert_eq!(
                width(s),
                Span::raw(sanitize(s).into_owned()).width(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn sanitizer_removes_what_drives_a_terminal() {
        let s = sanitize("evil\x1b]52;c;AAAA\x07name\u{202E}\r\n");
        assert_eq!(s, "evil?]52;c;AAAA?name?  ");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate("abcdef", 4, "…"), "abc…");
        assert_eq!(truncate("abc", 3, "…"), "abc");
        assert_eq!(truncate("abc", 0, "…"), "");
        assert_eq!(truncate("abcdef", 1, "…"), "a");
        assert_eq!(truncate("abcdef", 5, "..."), "ab...");
        // Wide characters are never split and never overflow.
        let cut = truncate("名前名前名前", 6, "…");
        assert_eq!(cut, "名前…");
        assert!(width(&cut) <= 6);
        assert_eq!(truncate("名前名前", 5, "…"), "名前…");
        assert_eq!(pad("名", 4), "名  ");
    }

    #[test]
    fn grapheme_clusters_are_measured_and_never_split() {
        // A flag, a ZWJ family, an emoji with VS16, stacked combining marks.
        let flag = "\u{1F1FA}\u{1F1F8}";
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let heart = "\u{2764}\u{FE0F}";
        let zalgo = "e\u{301}\u{302}\u{303}";
        for g in [flag, family, heart] {
            assert_eq!(width(g), 2, "{g:?}");
        }
        assert_eq!(width(zalgo), 1);
        // Cutting keeps whole clusters.
        let s = format!("{flag}{family}{heart}x");
        assert_eq!(truncate(&s, 3, ""), flag);
        assert_eq!(truncate(&s, 5, "…"), format!("{flag}{family}…"));
        assert!(width(&truncate(&s, 5, "…")) <= 5);
        // More than MAX_MARKS marks in a row are dropped.
        let tower = format!("a{}", "\u{301}".repeat(50));
        assert_eq!(sanitize(&tower).chars().count(), 1 + MAX_MARKS);
        // The width agrees with the terminal buffer.
        for s in [s.as_str(), zalgo, "名\u{301}前", "ｶﾞ"] {
            let area = ratatui::layout::Rect::new(0, 0, 40, 1);
            let mut buf = ratatui::buffer::Buffer::empty(area);
            let clean = sanitize(s);
            let (x, _) = buf.set_stringn(0, 0, &*clean, 40, ratatui::style::Style::default());
            assert_eq!(x as usize, width(s), "{s:?}");
        }
    }

    #[test]
    fn the_buffer_pass_cleans_every_cell() {
        use ratatui::widgets::{Cell, Row, Table, Widget};
        let area = ratatui::layout::Rect::new(0, 0, 20, 1);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        let t = Table::new(
            vec![Row::new(vec![Cell::from("x\u{202E}y\u{2066}z")])],
            [ratatui::layout::Constraint::Length(10)],
        );
        Widget::render(t, area, &mut buf);
        buf[(5, 0)].set_symbol(&format!("a{}", "\u{301}".repeat(20)));
        buf[(6, 0)].set_symbol("\u{1b}");
        sanitize_buffer(&mut buf);
        for x in 0..20 {
            let s = buf[(x, 0)].symbol();
            assert!(
                !s.chars().any(|c| c.is_control() || is_format_char(c)),
                "{x}: {s:?}"
            );
            assert!(s.chars().filter(|&c| is_mark(c)).count() <= MAX_MARKS);
        }
        assert_eq!(buf[(0, 0)].symbol(), "x");
    }

    #[test]
    fn log_escape_mask_and_cut() {
        assert_eq!(escape("a\nb\x1b[2J\u{202e}"), "a\\nb\\u{1b}[2J\\u{202e}");
        assert!(matches!(escape("plain é"), Cow::Borrowed(_)));
        assert_eq!(
            mask_tokens(
                "Authorization: Bearer abc.def and nvapi-0123456789 nvapi-short",
                Some("zzzz")
            ),
            "Authorization: Bearer **** and nvapi-**** nvapi-short"
        );
        assert_eq!(
            mask_tokens("echo my-own-token!", Some("my-own-token")),
            "echo ****!"
        );
        assert_eq!(cut_chars("abcdef", 3), "abc… (3 more characters)");
        assert_eq!(cut_chars("abc", 3), "abc");
    }

    #[test]
    fn json_escapes_c1_and_bidi() {
        let v = serde_json::json!({"name": "a\u{9b}2Jb\u{202e}c\u{200b}\x1b"});
        let mut out = Vec::new();
        write_json(&mut out, &v).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\\u009b"), "{text}");
        assert!(text.contains("\\u202e"), "{text}");
        assert!(text.contains("\\u200b"), "{text}");
        assert!(text.contains("\\u001b"), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("名前名前名", 4), vec!["名前", "名前", "名"]);
        assert_eq!(wrap("名名", 1), vec!["名", "名"]);
        assert_eq!(wrap("", 5), vec![""]);
    }

    #[test]
    fn bytes_and_dates() {
        assert_eq!(human_bytes(123_456_789), "117.7 MiB");
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(date(1_764_300_000_000), "2025-11-28");
        assert_eq!(date_or_dash(None), "-");
        assert_eq!(datetime(1_764_300_000_000), "2025-11-28 03:20 UTC");
        assert_eq!(datetime(i64::MAX), "-");
        assert_eq!(try_datetime(i64::MAX), None);
        assert_eq!(date_or_dash(Some(i64::MAX)), "-");
    }
}
