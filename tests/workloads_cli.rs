//! `lepdash get endpoints|jobs|pods|nodes [-o table|json]`: the real binary
//! against the in-process emulator (loopback), on both route families.

use std::process::{Command, Output};

use lepdash::api::paths;
use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use secrecy::ExposeSecret;

struct Emu {
    handle: Option<EmulatorHandle>,
    // Dropped after the handle, so the server shuts down inside its runtime.
    rt: tokio::runtime::Runtime,
    home: tempfile::TempDir,
}

impl Emu {
    fn start() -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = rt
            .block_on(start(EmulatorOptions::default()))
            .expect("emulator");
        Emu {
            handle: Some(handle),
            rt,
            home: tempfile::tempdir().expect("home"),
        }
    }

    fn get(&self, ws: &str, args: &[&str]) -> Output {
        let h = self.handle.as_ref().expect("running");
        let home = self.home.path();
        Command::new(env!("CARGO_BIN_EXE_lepdash"))
            .arg("get")
            .args(args)
            .env_clear()
            .env("HOME", home)
            .env("LEPTON_CACHE_DIR", home.join("lepton"))
            .env("LEPDASH_LOG_DIR", home.join("log"))
            .env(
                "LEPTON_WORKSPACE_URL",
                paths::workspace_base(&h.origin(), ws),
            )
            .env("LEPTON_WORKSPACE_TOKEN", h.admin_token().expose_secret())
            .output()
            .expect("lepdash runs")
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        let handle = self.handle.take();
        let _guard = self.rt.enter();
        drop(handle);
    }
}

fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "stderr: {}\nstdout: {out}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

#[test]
fn tables_show_the_seeded_rows_on_both_families() {
    let emu = Emu::start();
    for (ws, rows) in [
        (
            "demo",
            [
                (
                    "endpoints",
                    vec!["triton-ensemble", "! Error", "vllm-qwen-coder", "Scaling"],
                ),
                (
                    "jobs",
                    vec![
                        "distill-student",
                        "! PendingRetry",
                        "quantize-awq",
                        "! Failed",
                        "Queueing",
                    ],
                ),
                (
                    "pods",
                    vec!["dev-marcus", "ssh -p ", "sandbox-lukas", "Stopped"],
                ),
                (
                    "nodes",
                    vec!["h100-pool-a", "l40s-pool-b", "NODES OK/ERR/ALL"],
                ),
            ],
        ),
        (
            "labs",
            [
                (
                    "endpoints",
                    vec!["nemotron-ultra", "Ready", "vlm-preview", "! Not Ready"],
                ),
                (
                    "jobs",
                    vec!["b200-burn-in", "Running", "kernel-autotune", "! Failed"],
                ),
                ("pods", vec!["dev-priya", "ssh -p ", "dev-alex"]),
                ("nodes", vec!["b200-labs", "cpu-labs"]),
            ],
        ),
    ] {
        for (kind, want) in rows {
            let out = ok(&emu.get(ws, &[kind]));
            for w in want {
                assert!(out.contains(w), "{ws} {kind}: no {w:?} in\n{out}");
            }
            for line in out.lines() {
                assert!(
                    line.chars().count() <= 80,
                    "{ws} {kind}: wide line {line:?}"
                );
            }
        }
    }
}

#[test]
fn json_has_one_shape_for_both_families() {
    let emu = Emu::start();
    for (ws, family) in [("demo", "legacy"), ("labs", "new")] {
        let v: serde_json::Value =
            serde_json::from_str(&ok(&emu.get(ws, &["endpoints", "-o", "json"]))).expect("json");
        assert_eq!(v["kind"], "endpoints");
        assert_eq!(v["workspace"], ws);
        assert_eq!(v["family"], family);
        assert_eq!(v["skipped"], 0);
        let items = v["items"].as_array().expect("items");
        assert!(!items.is_empty());
        for e in items {
            for key in [
                "name",
                "id",
                "state",
                "class",
                "replicas_desired",
                "shape",
                "url",
            ] {
                assert!(e.get(key).is_some(), "{ws}: {key} missing in {e}");
            }
        }
        assert!(
            items.iter().any(|e| e["class"] == "attention"),
            "{ws}: {items:?}"
        );

        let v: serde_json::Value =
            serde_json::from_str(&ok(&emu.get(ws, &["pods", "-o", "json"]))).expect("json");
        assert_eq!(v["family"], family);
        let pods = v["items"].as_array().expect("items");
        assert!(
            pods.iter()
                .any(|p| p["ssh"].as_str().is_some_and(|s| s.starts_with("ssh -p "))),
            "{ws}: {pods:?}"
        );

        let v: serde_json::Value =
            serde_json::from_str(&ok(&emu.get(ws, &["jobs", "-o", "json"]))).expect("json");
        assert_eq!(v["truncated"], false);
        let jobs = v["items"].as_array().expect("items");
        assert!(
            jobs.iter()
                .all(|j| j["metadata"]["name"].is_string() && j["class"].is_string())
        );

        let v: serde_json::Value =
            serde_json::from_str(&ok(&emu.get(ws, &["nodes", "-o", "json"]))).expect("json");
        let groups = v["items"].as_array().expect("items");
        assert_eq!(groups.len(), 2);
        for g in groups {
            assert!(g["total"].as_u64().is_some_and(|n| n > 0), "{g}");
            assert!(g["nodes"].is_array());
        }
    }
}
