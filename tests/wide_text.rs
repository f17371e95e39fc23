//! Wide and combining characters (regional-indicator flags, ZWJ sequences,
//! VS16, stacked combining marks, CJK) in server text: measured and cut by
//! grapheme cluster and display width, so every column starts at the same
//! x in every row and no cell spills. Snapshots of the secrets pane, plus
//! the column check on the buffer itself.

#[path = "support/sample.rs"]
mod sample;

use lepdash::api::types::{Listed, Secret};
use lepdash::app::{Model, update};
use lepdash::protocol::Fetched;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

const FLAG: &str = "\u{1F1FA}\u{1F1F8}\u{1F1EF}\u{1F1F5}";
const FAMILY: &str = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
const HEART: &str = "\u{2764}\u{FE0F}";

fn hostile_names() -> Vec<Secret> {
    let zalgo = format!(
        "Z{}A{}L",
        "\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}".repeat(4),
        "\u{316}\u{317}\u{318}".repeat(8)
    );
    let rows = [
        (
            format!("FLAGS_{FLAG}{FLAG}{FLAG}{FLAG}_END"),
            format!("{FAMILY}@example.com"),
        ),
        (
            format!("ZWJ_{FAMILY}{FAMILY}{FAMILY}{FAMILY}"),
            format!("{HEART}{HEART}{HEART}@example.com"),
        ),
        (
            format!("VS16_{HEART}{HEART}{HEART}{HEART}{HEART}{HEART}"),
            "名前名前名前名前名前名前@example.com".to_string(),
        ),
        (zalgo, format!("e\u{301}\u{301}\u{301}{FLAG}@example.com")),
        ("PLAIN_NAME".to_string(), "plain@example.com".to_string()),
    ];
    rows.into_iter()
        .map(|(name, owner)| {
            serde_json::from_value(serde_json::json!({
                "name": name, "owner": owner, "visibility": "public",
                "tags": [format!("{FLAG}{HEART}"), "t"],
            }))
            .unwrap()
        })
        .collect()
}

fn model(w: u16, h: u16) -> Model {
    let mut m = sample::loaded_model(w, h);
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Secrets(Listed {
                items: hostile_names(),
                skipped: vec![],
            }),
            sample::at(5),
        ),
    );
    update(&mut m, sample::key('4'));
    m
}

fn draw(m: &Model) -> Buffer {
    let (w, h) = m.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| lepdash::ui::render(f, m)).unwrap();
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = lepdash::text::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn wide_and_combining_text_stays_in_its_column() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let m = model(w, h);
        let buf = draw(&m);
        let t = text(&buf);
        insta::assert_snapshot!(format!("wide_text_secrets_{w}x{h}"), t);
        // Every data row ends its frame at the same column: a cell that
        // spilled would push the right border.
        let border_x: Vec<(u16, u16)> = (0..h)
            .filter_map(|y| {
                let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
                (row.contains("FLAGS_")
                    || row.contains("ZWJ_")
                    || row.contains("VS16_")
                    || row.contains("PLAIN_NAME"))
                .then(|| {
                    (
                        y,
                        (0..w)
                            .rev()
                            .find(|&x| buf[(x, y)].symbol() == "│")
                            .unwrap_or(0),
                    )
                })
            })
            .collect();
        assert!(border_x.len() >= 4, "rows found: {border_x:?}\n{t}");
        assert!(
            border_x.windows(2).all(|p| p[0].1 == p[1].1),
            "a row's border moved: {border_x:?}\n{t}"
        );
    }
}

#[test]
fn cut_never_exceeds_the_width_for_any_cluster_mix() {
    let parts = [
        FLAG, FAMILY, HEART, "名", "e\u{301}", "a", "\u{1b}", "\u{202e}", "\t",
    ];
    // Every mix of up to four parts, every width up to 12.
    let mut mixes = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for m in &mixes {
            for p in parts {
                next.push(format!("{m}{p}"));
            }
        }
        mixes.extend(next);
    }
    for s in &mixes {
        for max in 0..12 {
            let cut = lepdash::text::truncate(s, max, "…");
            assert!(lepdash::text::width(&cut) <= max, "{s:?} at {max}: {cut:?}");
            assert!(s.starts_with(cut.trim_end_matches('…')), "{s:?} → {cut:?}");
            // The cut ends on a cluster boundary: re-measuring never splits.
            let area = ratatui::layout::Rect::new(0, 0, 20, 1);
            let mut buf = Buffer::empty(area);
            let clean = lepdash::text::sanitize(&cut);
            let (x, _) = buf.set_stringn(0, 0, &*clean, 20, ratatui::style::Style::default());
            assert_eq!(x as usize, lepdash::text::width(&cut), "{cut:?}");
        }
    }
}
