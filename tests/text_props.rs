//! Property tests of `lepdash::text` (the sanitizer, width and cut
//! functions every sink of outside text uses), on text built from the
//! pieces hostile servers send: escape sequences, C1, bidi and format
//! characters, flags, ZWJ sequences, VS16, combining marks, CJK, tokens.
//! The same properties run under libFuzzer (`fuzz/fuzz_targets/text.rs`).

use lepdash::text;
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{1b}]0;PWNED\u{7}".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("\u{9b}31m".to_string()),
        Just("\u{8}\r\n\t".to_string()),
        Just("\u{202e}\u{2066}\u{200f}\u{61c}".to_string()),
        Just("\u{200b}\u{feff}\u{2028}\u{85}".to_string()),
        Just("\u{1F1FA}\u{1F1F8}".to_string()),
        Just("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}".to_string()),
        Just("\u{2764}\u{FE0F}".to_string()),
        Just("e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}".to_string()),
        Just("名前".to_string()),
        Just("ｶﾞ".to_string()),
        Just("nvapi-0123456789abcdef".to_string()),
        Just("Bearer abc.def".to_string()),
        "[a-z ]{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sanitized_text_cannot_drive_a_terminal(s in hostile()) {
        let clean = text::sanitize(&s);
        prop_assert!(!clean.chars().any(|c| c.is_control() || text::is_bidi_control(c)));
        prop_assert_eq!(text::width(&clean), text::width(&s));
    }

    #[test]
    fn a_cut_fits_is_a_prefix_and_draws_as_measured(s in hostile(), max in 0usize..30) {
        let cut = text::truncate(&s, max, "…");
        prop_assert!(text::width(&cut) <= max);
        prop_assert!(s.starts_with(cut.trim_end_matches('…')));
        let area = ratatui::layout::Rect::new(0, 0, 64, 1);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        let clean = text::sanitize(&cut);
        let (x, _) = buf.set_stringn(0, 0, &*clean, 64, ratatui::style::Style::default());
        prop_assert_eq!(x as usize, text::width(&cut));
    }

    #[test]
    fn wrapped_lines_fit_unless_one_cluster(s in hostile(), max in 1usize..20) {
        for line in text::wrap(&s, max) {
            prop_assert!(text::width(&line) <= max || line.graphemes(true).count() == 1, "{:?}", line);
        }
    }

    #[test]
    fn log_escapes_leave_one_line_and_no_control(s in hostile()) {
        let e = text::escape(&s);
        prop_assert!(!e.chars().any(|c| c.is_control() || text::is_bidi_control(c)));
    }

    #[test]
    fn tokens_are_masked(s in hostile(), own in "[A-Za-z0-9]{4,16}") {
        let with = format!("{s}{own}{s}");
        let masked = text::mask_tokens(&with, Some(&own));
        prop_assert!(!masked.contains(&own));
        prop_assert!(!masked.contains("0123456789abcdef"));
    }

    #[test]
    fn json_escapes_every_control_and_round_trips(s in hostile()) {
        let v = serde_json::Value::String(s.clone());
        let mut out = Vec::new();
        text::write_json(&mut out, &v).unwrap();
        let js = String::from_utf8(out).unwrap();
        prop_assert!(!js.trim_end_matches('\n').chars().any(|c| c.is_control() || text::is_bidi_control(c)));
        let back: serde_json::Value = serde_json::from_str(&js).unwrap();
        prop_assert_eq!(back, v);
    }

    #[test]
    fn every_drawn_cell_is_clean(s in hostile()) {
        use ratatui::widgets::{Cell, Row, Table, Widget};
        let area = ratatui::layout::Rect::new(0, 0, 30, 1);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        let t = Table::new(vec![Row::new(vec![Cell::from(s.clone())])], [ratatui::layout::Constraint::Length(30)]);
        Widget::render(t, area, &mut buf);
        text::sanitize_buffer(&mut buf);
        for x in 0..30 {
            let sym = buf[(x, 0)].symbol();
            prop_assert!(!sym.chars().any(|c| c.is_control() || text::is_bidi_control(c)), "{:?}", sym);
        }
    }
}
