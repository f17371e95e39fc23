//! Text for a terminal, one copy for the dashboard (`app`, `ui`) and the
//! headless output (`lepdash get`/`info`): the sanitizer, display width,
//! cutting and wrapping to a width, padding, byte sizes and dates.
//!
//! Width is the display width of the *sanitized* text: wide characters
//! (CJK, most emoji) count two columns, combining marks none, and a control
//! character counts as the one-column `?` the sanitizer turns it into.
//! Counting is per `char` (not yet per grapheme cluster).

use std::borrow::Cow;

use ratatui::text::Span;

/// What the sanitizer turns `c` into: tab, newline and carriage return
/// become a space; other control characters and the bidi overrides and
/// isolates become `?`, so server text cannot drive the terminal.
pub fn clean_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => ' ',
        c if c.is_control() => '?',
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '?',
        c => c,
    }
}

/// Replace control and bidi-override characters (see [`clean_char`]).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| clean_char(c) == c) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(clean_char).collect())
    }
}

/// Display width of one character after sanitizing, in terminal columns.
pub fn char_width(c: char) -> usize {
    let c = clean_char(c);
    if c.is_ascii() {
        return 1;
    }
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Display width of `s` after sanitizing, in terminal columns.
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        // Every ASCII char, printable or replaced by `?` or a space, is one column.
        return s.len();
    }
    s.chars().map(char_width).sum()
}

/// The longest prefix of `s` that fits in `max` columns, as a byte length.
fn fit(s: &str, max: usize) -> usize {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        let cw = char_width(c);
        if w + cw > max {
            return i;
        }
        w += cw;
    }
    s.len()
}

/// Cut `s` to at most `max` columns, ending with `ellipsis` when cut. When
/// even the ellipsis does not fit beside one character, the text is cut
/// without it.
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
            let head = fit(word, max).max(word.chars().next().map_or(0, char::len_utf8));
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
