//! The cost of one poll of 10,000 secrets from the last byte received to
//! done (README, "Performance"): identical to the last one (fingerprint,
//! compare, mark fresh: budget under 2 ms) and with one row changed (decode,
//! store, diff, rebuild the rows). Bodies are the JSON the server sends.
//! Run: `cargo bench --bench poll`.

use divan::Bencher;
use lepdash::api::body::Body;
use lepdash::api::types::Secret;
use lepdash::app::{Model, Msg, update};
use lepdash::protocol::{Fetched, ResourceKind};

#[path = "../tests/support/sample.rs"]
mod sample;

fn main() {
    divan::main();
}

const N: usize = 10_000;

fn body(items: &[Secret]) -> Vec<u8> {
    serde_json::to_vec(items).expect("secrets encode")
}

/// A model showing the Secrets pane with `items` as its last answer.
fn model(items: &[Secret]) -> Model {
    let mut m = sample::loaded_model(120, 40);
    let list = Body::new(body(items)).decode_list().expect("decodes");
    update(
        &mut m,
        sample::ok_msg(Fetched::Secrets(list), sample::now()),
    );
    update(
        &mut m,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('4'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    m
}

/// Identical answer: hash the body, find it equal, mark the pane fresh.
#[divan::bench]
fn unchanged_poll_10000_secrets(bencher: Bencher) {
    let items = sample::many_secrets(N);
    let m = model(&items);
    let last = Body::new(body(&items)).fingerprint();
    let bytes = body(&items);
    bencher
        .with_inputs(|| (m.clone(), bytes.clone()))
        .bench_local_values(|(mut m, bytes)| {
            let body = Body::new(bytes);
            assert_eq!(body.fingerprint(), last);
            update(
                &mut m,
                sample::ok_msg(Fetched::Unchanged(ResourceKind::Secrets), sample::at(5)),
            );
            m
        });
}

/// One row changed: hash, decode, store and diff, rebuild the rows.
#[divan::bench]
fn changed_poll_10000_secrets(bencher: Bencher) {
    let items = sample::many_secrets(N);
    let m = model(&items);
    let mut changed = items.clone();
    changed[4242].tags.push("rotated".into());
    let bytes = body(&changed);
    bencher
        .with_inputs(|| (m.clone(), bytes.clone()))
        .bench_local_values(|(mut m, bytes)| {
            let body = Body::new(bytes);
            let list = body.decode_list().expect("decodes");
            update(
                &mut m,
                sample::ok_msg(Fetched::Secrets(list), sample::at(5)),
            );
            m
        });
}
