//! The real binary in a pseudo-terminal against the in-process emulator:
//! `7` opens the Workloads pane, `]` walks Endpoints → Jobs → Pods → Nodes,
//! Enter on a job shows its replicas, events and `lep` log command, a job
//! created from a template (as `lep job create --template` does) appears
//! after a refresh, the new route family shows on `labs`, the Status pane
//! calls out workloads in an attention state, and `q` leaves a clean terminal.

mod support;

use lepdash::api::types::TemplateNs;
use support::pty::{App, Emu, bin};

#[test]
fn workloads_pane_views_details_and_a_created_job() {
    let emu = Emu::start();
    let mut app = App::spawn(&bin(), &emu, &[], &[]);
    app.wait_text("demo");
    app.wait_screen("the status summary calls out attention", |s| {
        s.contains("Workloads endpoints")
            && s.contains("Attention")
            && s.contains("triton-ensemble")
    });
    app.send("7");
    app.wait_screen("endpoints", |s| {
        s.contains("[Endpoints 6]") && s.contains("llama-70b-chat") && s.contains("! Error")
    });
    app.send("]");
    app.wait_screen("jobs", |s| {
        s.contains("[Jobs 14]") && s.contains("distill-student") && s.contains("! PendingRetry")
    });
    // The first job by name: ablation-lr-sweep.
    app.send("\r");
    app.wait_screen("job details with replicas", |s| {
        s.contains("Job ablation-lr-sweep")
            && s.contains("lep log get -j ablation-lr-sweep")
            && s.contains("Recent events")
            && !s.contains("loading…")
    });
    app.send("\x1b");
    // A job from a template, the way `lep job create -n NAME --template torchrun` makes it.
    let c = emu.client("demo");
    emu.block_on(async {
        let mut job = c
            .render_template(TemplateNs::Public, "torchrun", None)
            .await
            .expect("render");
        job.metadata.id = Some("e2e-new-run".into());
        c.create_job(&job).await.expect("create");
    });
    app.send("r");
    app.wait_screen("the created job", |s| {
        s.contains("[Jobs 15]") && s.contains("e2e-new-run") && s.contains("Queueing")
    });
    app.send("]");
    app.wait_screen("pods with SSH", |s| {
        s.contains("[Pods 3]") && s.contains("dev-marcus") && s.contains("ssh -p ")
    });
    app.send("]");
    app.wait_screen("node groups", |s| {
        s.contains("[Nodes 2]") && s.contains("h100-pool-a") && s.contains("1 unhealthy")
    });
    // The other route family.
    app.send(":");
    app.type_keys("ws labs");
    app.send("\r");
    app.send(":");
    app.type_keys("endpoints");
    app.send("\r");
    app.wait_screen("labs endpoints from /endpoints", |s| {
        s.contains("nemotron-ultra") && s.contains("vlm-preview")
    });
    app.send("q");
    app.wait_exit_ok();
    app.assert_restored();
}
