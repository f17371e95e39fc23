//! Snapshot tests of whole frames (the TestBackend buffer as text) at 80x24
//! and 120x40, plus colour assertions where meaning depends on colour.
//! Fixture data is the deterministic sample set at a fixed "now".

#[path = "support/sample.rs"]
mod sample;

use sample::{code, ctrl, key};
use std::time::Duration;

use crossterm::event::KeyCode;
use lepdash::api::types::{ActivationState, Listed, Secret, WorkspaceState};
use lepdash::api::{ApiError, ServerMessage};
use lepdash::app::{Model, ModelInit, Msg, ThemeName, update};
use lepdash::protocol::{Fetched, ResourceKind, SyncEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use sample::{DAY, HOUR, NOW_MS};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn draw(m: &Model) -> Buffer {
    let (w, h) = m.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lepdash::ui::render(f, m)).expect("draw");
    term.backend().buffer().clone()
}

/// The buffer as plain text, one line per row, trailing spaces trimmed.
fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            let w = ratatui::text::Span::raw(sym).width();
            if w > 1 {
                skip = w - 1;
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Values typed into dialogs in these snapshots; never drawn.
const CANARIES: [&str; 3] = [
    "snap-canary-secret-value",
    "snap-canary-password",
    "nvapi-snap-canary-token",
];

fn snap(name: &str, m: &Model) {
    let (w, h) = m.size;
    let t = text(&draw(m));
    for c in CANARIES {
        assert!(!t.contains(c), "{name}: a masked value is on screen:\n{t}");
    }
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), t);
}

/// Snapshot the model built by `build` at both sizes.
fn snap_both(name: &str, build: impl Fn(u16, u16) -> Model) {
    for (w, h) in SIZES {
        snap(name, &build(w, h));
    }
}

fn typed(m: &mut Model, s: &str) {
    for c in s.chars() {
        update(m, key(c));
    }
}

fn fetch(
    kind: ResourceKind,
    result: Result<Fetched, ApiError>,
    secs: u64,
    next: Option<u64>,
) -> Msg {
    Msg::Sync(SyncEvent::Fetched {
        kind,
        workspace: 0,
        at: sample::at(secs),
        result,
        next_attempt: next.map(sample::at),
    })
}

fn server(code: Option<&str>, message: &str) -> ServerMessage {
    ServerMessage {
        code: code.map(Into::into),
        message: message.into(),
    }
}

fn pane(m: &mut Model, n: char) {
    update(m, key(n));
}

fn fresh(w: u16, h: u16, init: ModelInit) -> Model {
    let mut m = Model::new(init);
    update(&mut m, Msg::Resize(w, h));
    m
}

// ------------------------------------------------------------------ panes

#[test]
fn every_pane_with_data() {
    for (n, name) in [
        ('1', "pane_status"),
        ('2', "pane_members"),
        ('3', "pane_tokens"),
        ('4', "pane_secrets"),
        ('5', "pane_registries"),
        ('6', "pane_templates"),
    ] {
        snap_both(name, |w, h| {
            let mut m = sample::loaded_model(w, h);
            pane(&mut m, n);
            m
        });
    }
}

/// Issue 13: at 120 columns every sort column on Members shows its whole
/// title and arrow (spare width goes there first); at 80 the label is cut,
/// never the arrow.
#[test]
fn sort_arrow_is_never_cut() {
    for (w, whole) in [(120u16, true), (80, false)] {
        let mut m = sample::loaded_model(w, 40);
        pane(&mut m, '2');
        // Email, Name, Role, Status, Last active (Joined and Invited by are
        // dropped at 80 columns).
        for _ in 0..5 {
            let t = text(&draw(&m));
            let header = t
                .lines()
                .find(|l| l.contains("Email"))
                .unwrap_or_default()
                .to_string();
            assert!(
                header.contains('▲') || header.contains('▼'),
                "{w} cols: no sort arrow in {header:?}"
            );
            if whole {
                assert!(!header.contains('…'), "{w} cols: cut header {header:?}");
            }
            update(&mut m, key('s'));
        }
    }
}

/// Issue 13: the footer follows the context: in details only what works
/// there, in a dialog its keys, `p resume` while paused.
#[test]
fn footer_follows_context() {
    let footer = |m: &Model| {
        text(&draw(m))
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    let mut m = sample::loaded_model(120, 40);
    pane(&mut m, '4');
    update(&mut m, code(KeyCode::Enter));
    let f = footer(&m);
    assert!(
        f.contains("Esc close") && f.contains("PgDn/PgUp page"),
        "{f}"
    );
    // No list keys; `e` edits this secret there (it works: see the
    // reducer's e_in_details_edits_where_the_pane_edits), `/` searches.
    assert!(!f.contains("filter") && !f.contains("sort"), "{f}");
    assert!(f.contains("e edit value") && f.contains("/ search"), "{f}");
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('n'));
    assert!(footer(&m).contains("Esc cancel"), "{}", footer(&m));
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('p'));
    let f = footer(&m);
    assert!(f.contains("p resume") && !f.contains("p pause"), "{f}");
}

#[test]
fn secrets_at_scale_scrolled_to_the_end() {
    snap_both("secrets_10000_bottom", |w, h| {
        let mut m = sample::loaded_model(w, h);
        update(
            &mut m,
            sample::ok_msg(
                Fetched::Secrets(Listed {
                    items: sample::many_secrets(10_000),
                    skipped: vec![],
                }),
                sample::at(5),
            ),
        );
        pane(&mut m, '4');
        update(&mut m, key('G'));
        m
    });
}

// ------------------------------------------------------------------ banners

fn with_status(
    m: &mut Model,
    edit: impl Fn(&mut lepdash::api::types::WorkspaceInfo) -> Option<lepdash::api::types::Resolver>,
) {
    let mut info = sample::workspace_info();
    let resolver = edit(&mut info);
    update(
        m,
        sample::ok_msg(Fetched::Status { info, resolver }, sample::now()),
    );
}

fn own_token_expiring_at(m: &mut Model, ms: i64) {
    let mut list = sample::tokens();
    for t in &mut list {
        if t.id == sample::OWN_TOKEN_ID {
            t.expires_at = Some(ms);
        }
    }
    update(
        m,
        sample::ok_msg(
            Fetched::Tokens {
                list: Listed {
                    items: list,
                    skipped: vec![],
                },
                own_id: Some(sample::OWN_TOKEN_ID.into()),
            },
            sample::now(),
        ),
    );
}

#[test]
fn banner_variants() {
    type Setup = fn(&mut Model);
    let cases: [(&str, Setup); 9] = [
        ("banner_not_activated", |m| {
            with_status(m, |i| {
                i.not_in_use = Some(true);
                Some(sample::resolver(
                    ActivationState::NotActivated,
                    Some(NOW_MS - 3 * DAY),
                ))
            })
        }),
        ("banner_pending", |m| {
            with_status(m, |i| {
                i.not_in_use = Some(true);
                Some(sample::resolver(
                    ActivationState::Pending,
                    Some(NOW_MS - DAY - 2 * HOUR),
                ))
            })
        }),
        ("banner_paused", |m| {
            with_status(m, |i| {
                i.workspace_state = WorkspaceState::Paused;
                None
            })
        }),
        ("banner_terminated", |m| {
            with_status(m, |i| {
                i.workspace_state = WorkspaceState::Terminated;
                None
            })
        }),
        ("banner_all_pods_terminated", |m| {
            with_status(m, |i| {
                i.workspace_state = WorkspaceState::AllPodsTerminated;
                None
            })
        }),
        ("banner_not_in_use", |m| {
            with_status(m, |i| {
                i.not_in_use = Some(true);
                None
            })
        }),
        ("banner_token_expired", |m| {
            own_token_expiring_at(m, NOW_MS - 2 * DAY)
        }),
        ("banner_token_expiring", |m| {
            own_token_expiring_at(m, NOW_MS + 3 * DAY + 2 * HOUR)
        }),
        ("banner_token_rejected", |m| {
            update(
                m,
                fetch(
                    ResourceKind::Status,
                    Err(ApiError::Unauthorized(server(None, "invalid token"))),
                    10,
                    Some(40),
                ),
            );
        }),
    ];
    for (name, setup) in cases {
        snap_both(name, |w, h| {
            let mut m = sample::loaded_model(w, h);
            setup(&mut m);
            m
        });
    }
}

// ------------------------------------------------------------------ overlays

#[test]
fn help_overlay() {
    snap_both("help", |w, h| {
        let mut m = sample::loaded_model(w, h);
        update(&mut m, key('?'));
        m
    });
}

#[test]
fn help_lists_config_warnings() {
    let mut init = sample::init();
    init.key_overrides
        .insert("refresh".into(), vec!["ctrl-banana".into()]);
    let mut m = fresh(120, 40, init);
    update(&mut m, key('?'));
    snap("help_with_warnings", &m);
}

#[test]
fn command_palette() {
    snap_both("palette", |w, h| {
        let mut m = sample::loaded_model(w, h);
        update(&mut m, key(':'));
        typed(&mut m, "s");
        m
    });
    snap_both("palette_ws", |w, h| {
        let mut m = sample::loaded_model(w, h);
        update(&mut m, key(':'));
        typed(&mut m, "ws no/pe");
        update(&mut m, code(KeyCode::Enter));
        m
    });
}

#[test]
fn template_detail() {
    snap_both("template_detail", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '6');
        update(&mut m, key('G'));
        update(&mut m, key('k'));
        update(&mut m, code(KeyCode::Enter));
        m
    });
    snap_both("template_detail_scrolled", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '6');
        update(&mut m, code(KeyCode::Enter));
        for _ in 0..12 {
            update(&mut m, key('j'));
        }
        m
    });
}

// ------------------------------------------------------------------ states

#[test]
fn loading_state() {
    snap_both("loading", |w, h| fresh(w, h, sample::init()));
    snap_both("loading_secrets", |w, h| {
        let mut m = fresh(w, h, sample::init());
        pane(&mut m, '4');
        m
    });
}

#[test]
fn empty_state() {
    snap_both("empty_secrets", |w, h| {
        let mut m = sample::loaded_model(w, h);
        update(
            &mut m,
            sample::ok_msg(Fetched::Secrets(Listed::default()), sample::at(5)),
        );
        pane(&mut m, '4');
        m
    });
    snap_both("filter_no_match", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, key('/'));
        typed(&mut m, "zzz");
        update(&mut m, code(KeyCode::Enter));
        m
    });
}

#[test]
fn error_state_without_data() {
    snap_both("error_secrets", |w, h| {
        let mut m = fresh(w, h, sample::init());
        pane(&mut m, '4');
        update(
            &mut m,
            fetch(
                ResourceKind::Secrets,
                Err(ApiError::Server {
                    status: 503,
                    message: server(Some("InternalFailure"), "upstream unavailable"),
                }),
                0,
                Some(8),
            ),
        );
        m
    });
}

#[test]
fn stale_state_keeps_data() {
    snap_both("stale_secrets", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, Msg::Tick(sample::at(40)));
        update(
            &mut m,
            fetch(
                ResourceKind::Secrets,
                Err(ApiError::Timeout(Duration::from_secs(30))),
                40,
                Some(60),
            ),
        );
        m
    });
}

#[test]
fn no_permission_and_not_available() {
    snap_both("no_permission_members", |w, h| {
        let mut m = fresh(w, h, sample::init());
        pane(&mut m, '2');
        update(
            &mut m,
            fetch(
                ResourceKind::Members,
                Err(ApiError::Forbidden(server(
                    Some("StatusForbidden"),
                    "admin role required",
                ))),
                0,
                Some(300),
            ),
        );
        m
    });
    snap_both("not_available_registries", |w, h| {
        let mut m = fresh(w, h, sample::init());
        pane(&mut m, '5');
        update(
            &mut m,
            fetch(
                ResourceKind::Registries,
                Err(ApiError::NotFound(server(
                    Some("ResourceNotFound"),
                    "no such route",
                ))),
                0,
                None,
            ),
        );
        m
    });
    snap_both("no_permission_with_old_data", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '2');
        update(
            &mut m,
            fetch(
                ResourceKind::Members,
                Err(ApiError::Forbidden(server(None, "forbidden"))),
                5,
                Some(65),
            ),
        );
        m
    });
}

#[test]
fn filter_changed_and_skipped() {
    snap_both("filter_typing", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, key('/'));
        typed(&mut m, "aws");
        m
    });
    snap_both("changed_and_skipped", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        let mut items = sample::secrets();
        items[1].tags.push("rotated".into());
        items.push(Secret {
            name: "NEW_SECRET".into(),
            tags: vec![],
            owner: Some("bob@example.com".into()),
            visibility: None,
        });
        update(
            &mut m,
            sample::ok_msg(
                Fetched::Secrets(Listed {
                    items,
                    skipped: vec!["item 3: unknown variant".into(), "item 7: bad".into()],
                }),
                sample::at(5),
            ),
        );
        m
    });
}

#[test]
fn too_small() {
    snap("too_small", &sample::loaded_model(59, 15));
    snap("too_small", &sample::loaded_model(40, 10));
}

#[test]
fn header_markers_ascii() {
    snap_both("markers_ascii", |w, h| {
        let mut init = sample::init();
        init.read_only = true;
        init.demo = true;
        init.ascii_borders = true;
        let mut m = fresh(w, h, init);
        for kind in ResourceKind::ALL {
            update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
        }
        update(&mut m, key('p'));
        update(&mut m, key('d'));
        pane(&mut m, '3');
        m
    });
}

// ------------------------------------------------------------------ colour

fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return (x as u16, y as u16);
        }
    }
    panic!("`{needle}` not on screen:\n{t}");
}

#[test]
fn token_expiry_colours() {
    let mut m = sample::loaded_model(120, 40);
    pane(&mut m, '3');
    let buf = draw(&m);
    let (x, y) = find(&buf, "EXPIRED 12d ago");
    assert_eq!(buf[(x, y)].fg, Color::Red, "expired token is red");
    let (x, y) = find(&buf, "EXPIRES in 3d");
    assert_eq!(buf[(x, y)].fg, Color::Yellow, "expiring token is yellow");
    let (x, y) = find(&buf, "in 2mo");
    assert_eq!(buf[(x, y)].fg, Color::Reset, "a far expiry is plain");
}

#[test]
fn state_badge_colours() {
    let mut m = sample::loaded_model(120, 40);
    let buf = draw(&m);
    let (x, y) = find(&buf, "● NORMAL");
    assert_eq!(buf[(x, y)].bg, Color::Green);
    with_status(&mut m, |i| {
        i.workspace_state = WorkspaceState::Terminated;
        None
    });
    let buf = draw(&m);
    let (x, y) = find(&buf, "✖ TERMINATED");
    assert_eq!(buf[(x, y)].bg, Color::Red);
    with_status(&mut m, |i| {
        i.workspace_state = WorkspaceState::Paused;
        None
    });
    let buf = draw(&m);
    let (x, y) = find(&buf, "‖ PAUSED");
    assert_eq!(buf[(x, y)].bg, Color::Yellow);

    // Issue 13: health follows freshness and activation.
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, Msg::Tick(sample::at(31)));
    let buf = draw(&m);
    let (x, y) = find(&buf, "● NORMAL?");
    assert_ne!(
        buf[(x, y)].bg,
        Color::Green,
        "stale data is not a green NORMAL"
    );
    let mut m = sample::loaded_model(120, 40);
    with_status(&mut m, |_| {
        Some(lepdash::api::types::Resolver {
            activation_state: Some(ActivationState::NotActivated),
            ..Default::default()
        })
    });
    let t = text(&draw(&m));
    assert!(
        t.contains("NOT ACTIVATED") && !t.contains("● NORMAL"),
        "{t}"
    );
    assert!(!t.contains("0 / 0 cores"), "{t}");
}

#[test]
fn mono_theme_uses_no_colour() {
    for (w, h) in SIZES {
        let mut init = sample::init();
        init.theme = ThemeName::Mono;
        let mut m = fresh(w, h, init);
        for kind in ResourceKind::ALL {
            update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
        }
        own_token_expiring_at(&mut m, NOW_MS + DAY);
        for n in ['1', '2', '3', '4', '5', '6'] {
            pane(&mut m, n);
            for overlay in [None, Some('?'), Some(':')] {
                if let Some(c) = overlay {
                    update(&mut m, key(c));
                }
                let buf = draw(&m);
                for cell in buf.content() {
                    assert_eq!(cell.fg, Color::Reset, "fg colour in mono at pane {n}");
                    assert_eq!(cell.bg, Color::Reset, "bg colour in mono at pane {n}");
                }
                if overlay.is_some() {
                    update(&mut m, code(KeyCode::Esc));
                }
            }
        }
        // The meaning is still there as text.
        pane(&mut m, '3');
        let t = text(&draw(&m));
        assert!(
            t.contains("EXPIRED 12d ago") && t.contains("EXPIRES in"),
            "{t}"
        );
    }
}

#[test]
fn secret_values_never_on_screen() {
    // Secrets carry no values by construction; the detail view says so.
    let mut m = sample::loaded_model(120, 40);
    pane(&mut m, '4');
    update(&mut m, code(KeyCode::Enter));
    let t = text(&draw(&m));
    assert!(t.contains("Values are write-only"), "{t}");
}

#[test]
fn renders_at_any_size_in_every_theme() {
    // Terminal size is outside input: no size may panic (overflow checks are
    // on in test builds). Overlays and banners included.
    let base = {
        let mut m = sample::loaded_model(80, 24);
        own_token_expiring_at(&mut m, NOW_MS + DAY);
        with_status(&mut m, |i| {
            i.workspace_state = WorkspaceState::Paused;
            None
        });
        m
    };
    for theme in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
        let mut m = base.clone();
        m.theme = theme;
        m.ascii_borders = theme == ThemeName::Light;
        for overlay in [None, Some('?'), Some(':'), Some('\n')] {
            let mut m = m.clone();
            pane(&mut m, '6');
            match overlay {
                Some('\n') => {
                    update(&mut m, code(KeyCode::Enter));
                }
                Some(c) => {
                    update(&mut m, key(c));
                }
                None => {}
            }
            for w in (0..=130).step_by(7).chain([59, 60, 61]) {
                for h in (0..=45).step_by(4).chain([14, 15, 16]) {
                    update(&mut m, Msg::Resize(w, h));
                    let buf = draw(&m);
                    if w >= 60 && h >= 15 && overlay.is_none() {
                        let t = text(&buf);
                        assert!(t.contains("xfre17eu"), "{w}x{h}:\n{t}");
                    }
                }
            }
        }
    }
}

#[test]
fn ascii_mode_draws_only_ascii() {
    let mut init = sample::init();
    init.ascii_borders = true;
    init.demo = true;
    let mut m = fresh(120, 40, init);
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
    }
    own_token_expiring_at(&mut m, NOW_MS + DAY);
    update(
        &mut m,
        fetch(
            ResourceKind::Secrets,
            Err(ApiError::Timeout(Duration::from_secs(30))),
            40,
            Some(60),
        ),
    );
    for n in ['1', '2', '3', '4', '5', '6'] {
        pane(&mut m, n);
        for overlay in [None, Some('?'), Some(':'), Some('\n'), Some('/')] {
            let mut m = m.clone();
            match overlay {
                Some('\n') => {
                    update(&mut m, code(KeyCode::Enter));
                }
                Some(c) => {
                    update(&mut m, key(c));
                    typed(&mut m, "a");
                }
                None => {}
            }
            let t = text(&draw(&m));
            let bad: String = t.chars().filter(|c| !c.is_ascii()).collect();
            assert!(
                bad.is_empty(),
                "pane {n} {overlay:?}: non-ASCII {bad:?}\n{t}"
            );
        }
    }
}

// ------------------------------------------------------------------ dialogs

/// Show pane `n` with the row matching `filter` selected (filter kept).
fn select(m: &mut Model, n: char, filter: &str) {
    pane(m, n);
    update(m, key('/'));
    typed(m, filter);
    update(m, code(KeyCode::Enter));
}

fn sent_id(fx: Vec<lepdash::app::Effect>) -> u64 {
    fx.into_iter()
        .find_map(|e| match e {
            lepdash::app::Effect::Sync(lepdash::protocol::SyncCmd::Mutate { id, .. }) => Some(id),
            _ => None,
        })
        .expect("a mutation was sent")
}

fn mutated(m: &mut Model, id: u64, result: Result<lepdash::protocol::MutationOutput, ApiError>) {
    update(
        m,
        Msg::Sync(SyncEvent::Mutated {
            id,
            workspace: 0,
            result,
        }),
    );
}

#[test]
fn secret_dialogs() {
    snap_both("dialog_secret_create", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, key('n'));
        typed(&mut m, "HF_CACHE_TOKEN");
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, Msg::Paste(CANARIES[0].into()));
        m
    });
    snap_both("dialog_secret_create_errors", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, key('n'));
        typed(&mut m, "HF_TOKEN");
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, code(KeyCode::Tab));
        typed(&mut m, "ok, not ok");
        update(&mut m, code(KeyCode::Enter));
        m
    });
    snap_both("dialog_secret_update_confirm", |w, h| {
        let mut m = sample::loaded_model(w, h);
        select(&mut m, '4', "WANDB");
        update(&mut m, key('e'));
        update(&mut m, Msg::Paste(CANARIES[0].into()));
        update(&mut m, code(KeyCode::Enter));
        m
    });
    snap_both("dialog_secret_delete_mismatch", |w, h| {
        let mut m = sample::loaded_model(w, h);
        select(&mut m, '4', "HF_TOK");
        update(&mut m, key('d'));
        typed(&mut m, "HF_TOKE");
        update(&mut m, code(KeyCode::Enter));
        m
    });
    // Sending: locked, the toast reports progress.
    snap_both("dialog_secret_sending", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, key('n'));
        typed(&mut m, "NEW_KEY");
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, Msg::Paste(CANARIES[0].into()));
        update(&mut m, ctrl('s'));
        m
    });
    // Refused by the server: the reason below the fields, the value to
    // enter again.
    snap_both("dialog_secret_forbidden", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, key('n'));
        typed(&mut m, "NEW_KEY");
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, Msg::Paste(CANARIES[0].into()));
        let id = sent_id(update(&mut m, ctrl('s')));
        mutated(
            &mut m,
            id,
            Err(ApiError::Forbidden(server(
                Some("StatusForbidden"),
                "role viewer is read-only in workspace xfre17eu",
            ))),
        );
        m
    });
}

#[test]
fn member_dialogs() {
    snap_both("dialog_member_invite", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '2');
        update(&mut m, key('n'));
        typed(&mut m, "kim@example");
        update(&mut m, code(KeyCode::Tab));
        m
    });
    snap_both("dialog_member_role_last_admin", |w, h| {
        let mut m = sample::loaded_model(w, h);
        let members = sample::members()
            .into_iter()
            .map(|mut x| {
                if x.email == "farah@example.com" {
                    x.role = lepdash::api::types::Role::User;
                }
                x
            })
            .collect();
        update(
            &mut m,
            sample::ok_msg(
                Fetched::Members(Listed {
                    items: members,
                    skipped: vec![],
                }),
                sample::now(),
            ),
        );
        select(&mut m, '2', "alice@");
        update(&mut m, key('e'));
        update(&mut m, code(KeyCode::Right));
        update(&mut m, code(KeyCode::Enter));
        m
    });
    snap_both("dialog_member_remove", |w, h| {
        let mut m = sample::loaded_model(w, h);
        select(&mut m, '2', "bob@");
        update(&mut m, key('d'));
        typed(&mut m, "bob@");
        m
    });
}

#[test]
fn token_dialogs() {
    snap_both("dialog_token_create", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '3');
        update(&mut m, key('n'));
        typed(&mut m, "new-laptop");
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, code(KeyCode::End));
        update(&mut m, code(KeyCode::Tab));
        typed(&mut m, "2027-01-31");
        m
    });
    snap_both("dialog_token_reveal", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '3');
        update(&mut m, key('n'));
        typed(&mut m, "new-laptop");
        update(&mut m, code(KeyCode::Tab));
        let id = sent_id(update(&mut m, code(KeyCode::Enter)));
        mutated(
            &mut m,
            id,
            Ok(lepdash::protocol::MutationOutput::TokenCreated(
                lepdash::api::types::CreatedToken {
                    record: lepdash::api::types::Token {
                        id: "tok-new1".into(),
                        name: "new-laptop".into(),
                        masked_value: "nvapi-snap...oken".into(),
                        scopes: vec![],
                        created_at: Some(NOW_MS),
                        expires_at: Some(NOW_MS + DAY),
                        created_by: None,
                    },
                    plaintext: secrecy::SecretString::from(CANARIES[2].to_string()),
                },
            )),
        );
        update(&mut m, key('y'));
        update(
            &mut m,
            Msg::Copied(Ok("sent to the terminal (OSC 52)".into())),
        );
        m
    });
    snap_both("dialog_token_revoke_own", |w, h| {
        let mut m = sample::loaded_model(w, h);
        select(&mut m, '3', "laptop");
        update(&mut m, key('d'));
        m
    });
}

#[test]
fn registry_dialogs() {
    snap_both("dialog_registry_add", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '5');
        update(&mut m, key('n'));
        update(&mut m, code(KeyCode::Tab));
        typed(&mut m, "ngc-team");
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, code(KeyCode::Tab));
        update(&mut m, Msg::Paste(CANARIES[1].into()));
        m
    });
    snap_both("dialog_registry_delete", |w, h| {
        let mut m = sample::loaded_model(w, h);
        select(&mut m, '5', "ghcr");
        update(&mut m, key('d'));
        m
    });
}

#[test]
fn gated_changes_say_why() {
    snap_both("read_only_secrets", |w, h| {
        let mut init = sample::init();
        init.read_only = true;
        let mut m = fresh(w, h, init);
        for kind in ResourceKind::ALL {
            update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
        }
        pane(&mut m, '4');
        update(&mut m, key('d'));
        m
    });
    snap_both("not_activated_secrets", |w, h| {
        let mut m = sample::loaded_model(w, h);
        with_status(&mut m, |_| {
            Some(sample::resolver(
                ActivationState::NotActivated,
                Some(NOW_MS - 3 * DAY),
            ))
        });
        pane(&mut m, '4');
        update(&mut m, key('n'));
        m
    });
}

/// Every dialog of every pane, for the style checks below.
fn with_each_dialog(m: &Model, mut check: impl FnMut(&str, &Model)) {
    for (n, keys) in [('2', "ned"), ('3', "nd"), ('4', "ned"), ('5', "nd")] {
        for c in keys.chars() {
            let mut m = m.clone();
            pane(&mut m, n);
            update(&mut m, key(c));
            assert!(m.overlay.is_some(), "{n}{c} opens a dialog");
            check(&format!("{n}{c}"), &m);
            // Submitting shows the errors (or the overwrite confirmation).
            update(&mut m, ctrl('s'));
            check(&format!("{n}{c} submitted"), &m);
        }
    }
}

#[test]
fn dialogs_in_mono_and_ascii() {
    let mut init = sample::init();
    init.theme = ThemeName::Mono;
    init.ascii_borders = true;
    let mut m = fresh(80, 24, init);
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
    }
    with_each_dialog(&m, |what, m| {
        let buf = draw(m);
        for cell in buf.content() {
            assert_eq!(cell.fg, Color::Reset, "fg colour in mono: {what}");
            assert_eq!(cell.bg, Color::Reset, "bg colour in mono: {what}");
        }
        let t = text(&buf);
        let bad: String = t.chars().filter(|c| !c.is_ascii()).collect();
        assert!(bad.is_empty(), "{what}: non-ASCII {bad:?}\n{t}");
    });
}

#[test]
fn dialogs_render_at_any_size() {
    let m = sample::loaded_model(80, 24);
    with_each_dialog(&m, |what, m| {
        for w in (0..=130).step_by(13).chain([59, 60, 61]) {
            for h in (0..=45).step_by(5).chain([14, 15, 16]) {
                let mut m = m.clone();
                update(&mut m, Msg::Resize(w, h));
                let _ = draw(&m);
                let _ = what;
            }
        }
    });
}

// ------------------------------------------------- dialogs: keymap and theme

/// A loaded model (120x40) with `overrides` in the `[keys]` table.
fn rebound(overrides: &[(&str, &[&str])]) -> Model {
    let mut init = sample::init();
    for (name, keys) in overrides {
        init.key_overrides.insert(
            name.to_string(),
            keys.iter().map(|k| k.to_string()).collect(),
        );
    }
    let mut m = fresh(120, 40, init);
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
    }
    m
}

/// Open the token dialog as a created token does.
fn token_dialog(m: &mut Model) {
    use lepdash::app::forms::{Dialog, TokenReveal};
    use lepdash::app::{ModalDialog, Overlay};
    m.overlay = Some(Overlay::Dialog(Box::new(ModalDialog {
        dialog: Dialog::reveal(TokenReveal::new(
            "laptop",
            secrecy::SecretString::from("nvapi-FAKE-for-the-keymap-test"),
        )),
        waiting: None,
    })));
}

fn reveal_shown(m: &Model) -> Option<bool> {
    match &m.overlay {
        Some(lepdash::app::Overlay::Dialog(md)) => md.dialog.reveal_ref().map(|r| r.is_shown()),
        _ => None,
    }
}

#[test]
fn rebinding_reveal_and_copy_changes_the_token_dialog_and_its_hints() {
    let mut m = rebound(&[("reveal", &["v"]), ("copy", &["c"])]);
    token_dialog(&mut m);
    let t = text(&draw(&m));
    assert!(t.contains("v show · c copy · Esc close"), "{t}");
    assert!(t.contains("press v to show"), "{t}");
    assert!(!t.contains("x show"), "{t}");
    // The old keys do nothing; the new ones act.
    update(&mut m, key('x'));
    assert_eq!(reveal_shown(&m), Some(false), "x is no longer reveal");
    update(&mut m, key('v'));
    assert_eq!(reveal_shown(&m), Some(true), "v reveals");
    assert!(text(&draw(&m)).contains("v hide · c copy"));
    let fx = update(&mut m, key('y'));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, lepdash::app::Effect::Copy(_))),
        "y no longer copies"
    );
    let fx = update(&mut m, key('c'));
    assert!(
        fx.iter()
            .any(|e| matches!(e, lepdash::app::Effect::Copy(_))),
        "c copies the token"
    );
}

#[test]
fn rebinding_cancel_and_confirm_changes_the_confirmation_and_its_hints() {
    let mut m = rebound(&[("cancel", &["ctrl-g"]), ("confirm", &["ctrl-o"])]);
    // Registries: delete asks y/n.
    pane(&mut m, '5');
    update(&mut m, key('d'));
    let t = text(&draw(&m));
    assert!(t.contains("y/Ctrl-O confirm · n/Ctrl-G cancel"), "{t}");
    assert!(
        t.contains("Press y or Ctrl-O to confirm, n or Ctrl-G to cancel."),
        "{t}"
    );
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_some(), "Esc no longer cancels");
    update(&mut m, ctrl('g'));
    assert!(m.overlay.is_none(), "Ctrl-G cancels");
    // Esc is still `back` on the panes: a dialog key takes no pane key.
    assert_eq!(m.keymap.keys_text(lepdash::app::Action::Back), "Esc");
    // Secrets: delete asks for the name; Enter no longer confirms.
    pane(&mut m, '4');
    update(&mut m, key('d'));
    let t = text(&draw(&m));
    assert!(t.contains("Ctrl-O confirm · Ctrl-G cancel"), "{t}");
    let name = match &m.overlay {
        Some(lepdash::app::Overlay::Dialog(md)) => md
            .dialog
            .confirm_ref()
            .and_then(|c| c.action().typed_confirmation().map(str::to_string))
            .expect("typed confirmation"),
        _ => panic!("no dialog"),
    };
    sample::typed(&mut m, &name);
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(
        m.overlay.is_some() && fx.is_empty(),
        "Enter no longer confirms"
    );
    let fx = update(&mut m, ctrl('o'));
    assert!(m.overlay.is_none(), "Ctrl-O confirms");
    assert!(
        fx.iter()
            .any(|e| matches!(e, lepdash::app::Effect::Sync(_))),
        "the delete is sent"
    );
}

#[test]
fn rebinding_field_keys_changes_the_form_and_its_hints() {
    let mut m = rebound(&[
        ("next_field", &["ctrl-n"]),
        ("prev_field", &["ctrl-p"]),
        ("submit", &["f10"]),
        ("reveal", &["v", "f3"]),
    ]);
    pane(&mut m, '4');
    update(&mut m, key('n'));
    let focus = |m: &Model| match &m.overlay {
        Some(lepdash::app::Overlay::Dialog(md)) => md.dialog.form_ref().map(|f| f.focus()),
        _ => None,
    };
    let t = text(&draw(&m));
    // In a text field `v` types: the hint offers F3, the other key of reveal.
    assert!(
        t.contains("Ctrl-N/Enter next · F10 submit · Esc cancel · F3 show"),
        "{t}"
    );
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(focus(&m), Some(0), "Tab no longer moves");
    update(&mut m, ctrl('n'));
    assert_eq!(focus(&m), Some(1), "Ctrl-N moves on");
    update(&mut m, ctrl('p'));
    assert_eq!(focus(&m), Some(0), "Ctrl-P moves back");
    update(&mut m, ctrl('s'));
    assert!(!text(&draw(&m)).contains("✗"), "Ctrl-S no longer submits");
    let fx = update(&mut m, code(KeyCode::F(10)));
    assert!(fx.is_empty(), "an empty form is not sent");
    assert!(
        text(&draw(&m)).contains("✗"),
        "F10 submitted: the errors show"
    );
}

#[test]
fn typed_text_wins_over_dialog_keys_inside_text_fields() {
    // `v` reveals and `q` quits, yet both are typed into the name field.
    let mut m = rebound(&[("reveal", &["v"]), ("cancel", &["w"])]);
    pane(&mut m, '4');
    update(&mut m, key('n'));
    let fx = sample::typed(&mut m, "vqwxy");
    assert!(
        !fx.iter().any(|e| matches!(e, lepdash::app::Effect::Quit)),
        "q typed, not quit"
    );
    let name = match &m.overlay {
        Some(lepdash::app::Overlay::Dialog(md)) => md
            .dialog
            .form_ref()
            .and_then(|f| f.text(lepdash::app::forms::FieldId::SecretName))
            .map(str::to_string),
        _ => None,
    };
    assert_eq!(name.as_deref(), Some("vqwxy"));
}

/// Every cell of the dialog's frame (its top-left corner found by `title`).
fn dialog_cells(buf: &Buffer, title: &str) -> Vec<(u16, u16)> {
    let t = text(buf);
    let row = t
        .lines()
        .position(|l| l.contains(title))
        .unwrap_or_else(|| panic!("{title:?} not drawn:\n{t}")) as u16;
    let line: Vec<&str> = (0..buf.area.width)
        .map(|x| buf[(x, row)].symbol())
        .collect();
    let left = line
        .iter()
        .position(|s| *s == "╭" || *s == "┏" || *s == "+")
        .expect("dialog corner") as u16;
    let right = line
        .iter()
        .rposition(|s| *s == "╮" || *s == "┓" || *s == "+")
        .expect("corner") as u16;
    let mut cells = Vec::new();
    for y in row..buf.area.height {
        let corner = buf[(left, y)].symbol();
        for x in left..=right {
            cells.push((x, y));
        }
        if y > row && (corner == "╰" || corner == "┗" || corner == "+") {
            break;
        }
    }
    cells
}

#[test]
fn dialogs_use_the_theme_light_and_mono() {
    use lepdash::ui::theme::Theme;
    for name in [ThemeName::Light, ThemeName::Mono, ThemeName::Dark] {
        let theme = Theme::new(name);
        let mut init = sample::init();
        init.theme = name;
        let mut m = fresh(100, 30, init);
        for kind in ResourceKind::ALL {
            update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
        }
        pane(&mut m, '4');
        update(&mut m, key('n'));
        let buf = draw(&m);
        let cells = dialog_cells(&buf, "New secret");
        let fgs: Vec<Color> = cells.iter().map(|c| buf[*c].fg).collect();
        let bgs: Vec<Color> = cells.iter().map(|c| buf[*c].bg).collect();
        // The border is the theme's accent; the focused input its input style.
        let corner = cells[0];
        assert_eq!(
            buf[corner].fg,
            theme.accent.fg.unwrap_or(Color::Reset),
            "{name:?} border"
        );
        let input_bg = theme.input.bg.unwrap_or(Color::Reset);
        assert!(
            bgs.contains(&input_bg),
            "{name:?}: focused input drawn with {input_bg:?}"
        );
        match name {
            ThemeName::Mono => {
                assert!(
                    fgs.iter().chain(&bgs).all(|c| *c == Color::Reset),
                    "mono has no colour"
                );
                let underlined = cells.iter().any(|c| {
                    buf[*c]
                        .modifier
                        .contains(ratatui::style::Modifier::UNDERLINED)
                });
                assert!(underlined, "mono marks the focused input by underline");
            }
            ThemeName::Light => {
                // None of the dark theme's named colours in a light dialog.
                for c in fgs.iter().chain(&bgs) {
                    assert!(
                        !matches!(
                            c,
                            Color::Cyan | Color::DarkGray | Color::White | Color::Gray
                        ),
                        "light dialog uses the dark colour {c:?}"
                    );
                }
            }
            ThemeName::Dark => {
                assert_eq!(buf[corner].fg, Color::Cyan);
                assert!(bgs.contains(&Color::DarkGray));
            }
        }
        // A destructive confirmation: the theme's error colour on its border.
        update(&mut m, code(KeyCode::Esc));
        pane(&mut m, '5');
        update(&mut m, key('d'));
        let buf = draw(&m);
        let cells = dialog_cells(&buf, "Delete registry");
        assert_eq!(
            buf[cells[0]].fg,
            theme.banner_error.fg.unwrap_or(Color::Reset),
            "{name:?} danger border"
        );
    }
}

#[test]
fn the_palette_follows_rebound_dialog_keys() {
    let mut m = rebound(&[("cancel", &["ctrl-g"]), ("next_field", &["ctrl-t"])]);
    update(&mut m, key(':'));
    let t = text(&draw(&m));
    assert!(
        t.contains("Enter run · Ctrl-T complete · Ctrl-G close"),
        "{t}"
    );
    sample::typed(&mut m, "sta");
    update(&mut m, code(KeyCode::Tab));
    update(&mut m, ctrl('t'));
    let input = match &m.overlay {
        Some(lepdash::app::Overlay::Palette { input, .. }) => input.value().to_string(),
        other => panic!("palette closed: {other:?}"),
    };
    assert_eq!(input, "status", "Ctrl-T completes, Tab does not");
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_some(), "Esc no longer closes");
    update(&mut m, ctrl('g'));
    assert!(m.overlay.is_none(), "Ctrl-G closes");
}

// ------------------------------------------------------- issue 13 polish

/// Item 18: a search in a template's details, after `n`: the matches are
/// highlighted, the current one reversed, the footer says where it is.
#[test]
fn template_detail_search() {
    let build = |w: u16, h: u16| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '6');
        update(&mut m, code(KeyCode::Enter));
        update(&mut m, key('/'));
        typed(&mut m, "\"type");
        update(&mut m, code(KeyCode::Enter));
        update(&mut m, key('n'));
        m
    };
    snap_both("template_detail_search", build);
    for (w, h) in SIZES {
        let m = build(w, h);
        let buf = draw(&m);
        let t = text(&buf);
        assert!(t.contains("match 2/3"), "{t}");
        // The cells of the current match are reversed, the others not.
        let reversed: Vec<(u16, u16)> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let c = &buf[(x, y)];
                c.modifier.contains(ratatui::style::Modifier::REVERSED)
                    && c.modifier.contains(ratatui::style::Modifier::UNDERLINED)
            })
            .collect();
        assert_eq!(
            reversed.len(),
            5,
            "one match of `\"type` reversed: {reversed:?}"
        );
        let row = reversed[0].1;
        let line = t.lines().nth(usize::from(row)).unwrap_or_default();
        assert!(line.contains("\"type\": \"string\""), "{line}");
        let underlined = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                buf[(x, y)]
                    .modifier
                    .contains(ratatui::style::Modifier::UNDERLINED)
            })
            .count();
        assert!(
            underlined >= 10,
            "the other matches on screen are marked too"
        );
    }
    // The prompt while typing, in the footer.
    snap_both("template_detail_search_prompt", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '6');
        update(&mut m, code(KeyCode::Enter));
        update(&mut m, key('/'));
        typed(&mut m, "replicas");
        m
    });
}

/// `?` in details: only the keys of the details, over them.
#[test]
fn help_over_details() {
    snap_both("help_over_details", |w, h| {
        let mut m = sample::loaded_model(w, h);
        pane(&mut m, '4');
        update(&mut m, code(KeyCode::Enter));
        update(&mut m, key('?'));
        m
    });
}

/// Item 8: at 60x15 every value the status summary cuts ends in `…`.
#[test]
fn status_at_60x15_cuts_with_an_ellipsis() {
    let mut m = sample::loaded_model(60, 15);
    pane(&mut m, '1');
    snap("pane_status", &m);
    let t = text(&draw(&m));
    // Rows of the summary that reach the right border were cut: with `…`.
    for line in t.lines().skip(3).take(8) {
        let inner: String = line.chars().skip(1).take(58).collect();
        if inner.trim_end().chars().count() >= 56 {
            assert!(inner.trim_end().ends_with('…'), "cut without …: {line:?}");
        }
    }
    assert!(t.contains('…'), "{t}");
}

/// Item 4: at 80 columns sorting by a column the width would drop keeps it
/// on screen (it takes the place of the least important one), with its arrow.
#[test]
fn the_sort_column_stays_visible_at_80() {
    let mut m = sample::loaded_model(80, 24);
    pane(&mut m, '2');
    let header = |m: &Model| {
        text(&draw(m))
            .lines()
            .find(|l| l.contains("Email"))
            .unwrap_or_default()
            .to_string()
    };
    // Invited by is the first to go for width.
    assert!(!header(&m).contains("Invit"), "{}", header(&m));
    let cols = 7; // Email, Name, Role, Status, Last active, Joined, Invited by
    for i in 1..=cols {
        update(&mut m, key('s'));
        let h = header(&m);
        assert!(h.contains('▲'), "sort {i}: no arrow in {h:?}");
    }
    // Back at Email; go to Joined (the 6th) and Invited by (the 7th).
    for _ in 0..5 {
        update(&mut m, key('s'));
    }
    let h = header(&m);
    assert!(h.contains("Joined ▲"), "{h}");
    update(&mut m, key('s'));
    update(&mut m, key('S'));
    let h = header(&m);
    assert!(h.contains("Invited by ▼") || h.contains("Invit… ▼"), "{h}");
}

/// Item 5: the hints of `d` are true for the selected row: a pending
/// invitation is cancelled with y/n, an active member removed by typing.
#[test]
fn delete_hints_follow_the_selected_member() {
    let mut m = sample::loaded_model(120, 40);
    pane(&mut m, '2');
    update(&mut m, key('/'));
    typed(&mut m, "eve@");
    update(&mut m, code(KeyCode::Enter));
    let footer = |m: &Model| {
        text(&draw(m))
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    let f = footer(&m);
    assert!(f.contains("d cancel invite"), "{f}");
    update(&mut m, key('?'));
    let t = text(&draw(&m));
    assert!(t.contains("cancel the pending invitation (y/n)"), "{t}");
    assert!(!t.contains("type the email"), "{t}");
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('/'));
    typed(&mut m, "alice@");
    update(&mut m, code(KeyCode::Enter));
    assert!(footer(&m).contains("d remove"), "{}", footer(&m));
    update(&mut m, key('?'));
    assert!(text(&draw(&m)).contains("remove (type the email)"));
}
