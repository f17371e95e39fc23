//! Credential resolution: flags > environment > the `lep login` record.

use std::collections::HashMap;
use std::path::Path;

use lepdash::api::paths;
use lepdash::cli::Global;
use lepdash::credentials::{
    CredentialSource, CredentialsError, Resolved, expiry_warning, login_record_path, resolve,
};
use secrecy::{ExposeSecret, SecretString};

const FAR: i64 = 4_102_444_800_000; // 2100-01-01

/// The record as `lep login` 0.47.1 writes it (PyYAML safe_dump, sorted keys),
/// with two workspaces, a legacy entry without `id`, a null token and an
/// unknown key.
fn lep_record(expiry_ws1: i64) -> String {
    format!(
        "current_workspace: ws1
workspaces:
  legacy9:
    auth_token: nvapi-legacy-token-99
    display_name: null
    is_lepton_classic: false
    url: https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/legacy9
    workspace_origin_url: https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/legacy9
  nulltok:
    auth_token: null
    display_name: Gone
    id: nulltok
    token_expires_at: null
    url: https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/nulltok
    workspace_origin_url: null
  ws1:
    auth_token: nvapi-ws1-secret-token-AB
    display_name: Demo Workspace
    id: ws1
    token_expires_at: {expiry_ws1}
    url: https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ws1
    workspace_origin_url: https://gateway.dgxc-lepton.nvidia.com
  ws2:
    auth_token: 'nvapi-ws2:with:colons'
    display_name: Second
    id: ws2
    token_expires_at: {FAR}
    url: http://127.0.0.1:8080/api/v2/workspaces/ws2
    workspace_origin_url: null
"
    )
}

struct Fixture {
    dir: tempfile::TempDir,
    vars: HashMap<String, String>,
}

impl Fixture {
    /// A cache dir with the given record (or none), and no other variables.
    fn new(record: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        if let Some(r) = record {
            std::fs::write(dir.path().join("workspace_info.yaml"), r).unwrap();
        }
        let mut vars = HashMap::new();
        vars.insert(
            "LEPTON_CACHE_DIR".to_string(),
            dir.path().display().to_string(),
        );
        vars.insert("HOME".to_string(), dir.path().display().to_string());
        Fixture { dir, vars }
    }

    fn set(mut self, k: &str, v: &str) -> Self {
        self.vars.insert(k.into(), v.into());
        self
    }

    fn record_path(&self) -> std::path::PathBuf {
        self.dir.path().join("workspace_info.yaml")
    }

    fn resolve(&self, global: &Global, stdin: Option<&str>) -> Result<Resolved, CredentialsError> {
        let vars = self.vars.clone();
        let env = move |k: &str| vars.get(k).cloned();
        resolve(
            global,
            &env,
            stdin.map(|s| SecretString::from(s.to_string())),
        )
    }
}

fn no_flags() -> Global {
    Global::default()
}

fn tok(r: &Resolved) -> &str {
    r.current.token.expose_secret()
}

#[test]
fn record_current_workspace_is_used() {
    let f = Fixture::new(Some(&lep_record(FAR)));
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.current.id, "ws1");
    assert_eq!(r.current.display_name.as_deref(), Some("Demo Workspace"));
    assert_eq!(
        r.current.base_url,
        "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ws1"
    );
    assert_eq!(tok(&r), "nvapi-ws1-secret-token-AB");
    assert_eq!(
        r.current.origin.as_deref(),
        Some("https://gateway.dgxc-lepton.nvidia.com")
    );
    assert_eq!(r.current.token_expires_at, Some(FAR));
    assert_eq!(r.source, CredentialSource::LoginRecord(f.record_path()));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.current.label(), "Demo Workspace (ws1)");
    assert_eq!(r.current.masked_token(), "nv****AB");
}

#[test]
fn other_usable_entries_are_offered() {
    let f = Fixture::new(Some(&lep_record(FAR)));
    let r = f.resolve(&no_flags(), None).unwrap();
    let mut ids: Vec<_> = r.others.iter().map(|t| t.id.as_str()).collect();
    ids.sort();
    // Every entry but the current one (ws1), also nulltok without a token.
    assert_eq!(ids, ["legacy9", "nulltok", "ws2"]);
    let ws2 = r.others.iter().find(|t| t.id == "ws2").unwrap();
    assert_eq!(ws2.token.expose_secret(), "nvapi-ws2:with:colons");
    assert_eq!(ws2.base_url, "http://127.0.0.1:8080/api/v2/workspaces/ws2");
    assert_eq!(ws2.origin, None);
    // nulltok is tried with the current token at its URL, which is on the
    // current workspace's origin.
    let nulltok = r.others.iter().find(|t| t.id == "nulltok").unwrap();
    assert_eq!(nulltok.token.expose_secret(), tok(&r));
    assert_eq!(
        nulltok.base_url,
        "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/nulltok"
    );
    assert_eq!(nulltok.token_expires_at, None);
}

#[test]
fn a_tokenless_entry_on_another_origin_gets_the_derived_url_not_its_own() {
    // The current token never goes to another host: the entry is tried at
    // the URL derived from the current one.
    let record = format!(
        "current_workspace: ws1\nworkspaces:\n  ws1:\n    auth_token: nvapi-ws1-secret-token-AB\n    display_name: null\n    id: ws1\n    token_expires_at: {FAR}\n    url: http://127.0.0.1:8080/api/v2/workspaces/ws1\n    workspace_origin_url: null\n  far:\n    auth_token: null\n    display_name: null\n    id: far\n    token_expires_at: null\n    url: https://elsewhere.example.com/api/v2/workspaces/far\n    workspace_origin_url: null\n"
    );
    let f = Fixture::new(Some(&record));
    let r = f.resolve(&no_flags(), None).unwrap();
    let far = r.others.iter().find(|t| t.id == "far").unwrap();
    assert_eq!(far.base_url, "http://127.0.0.1:8080/api/v2/workspaces/far");
}

#[test]
fn environment_credentials_still_list_every_record_entry() {
    let f = Fixture::new(Some(&lep_record(FAR)))
        .set("LEPTON_WORKSPACE_ID", "ws2")
        .set("LEPTON_WORKSPACE_TOKEN", "nvapi-from-env-XY");
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.source, CredentialSource::Env);
    let mut ids: Vec<_> = r.others.iter().map(|t| t.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["legacy9", "nulltok", "ws1"]);
    // ws1 keeps its own token from the record.
    let ws1 = r.others.iter().find(|t| t.id == "ws1").unwrap();
    assert_eq!(ws1.token.expose_secret(), "nvapi-ws1-secret-token-AB");
}

#[test]
fn derived_urls_follow_the_current_origin() {
    use lepdash::credentials::derive_base;
    assert_eq!(
        derive_base("http://127.0.0.1:8080/api/v2/workspaces/demo", "early"),
        "http://127.0.0.1:8080/api/v2/workspaces/early"
    );
    assert_eq!(
        derive_base("http://127.0.0.1:8080/custom/path", "early"),
        "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/early"
    );
}

#[test]
fn legacy_entry_without_id_uses_the_map_key_and_normalises_origin() {
    let f = Fixture::new(Some(&lep_record(FAR)));
    let g = Global {
        workspace: Some("legacy9".into()),
        ..Default::default()
    };
    let r = f.resolve(&g, None).unwrap();
    assert_eq!(r.current.id, "legacy9");
    assert_eq!(tok(&r), "nvapi-legacy-token-99");
    // 0.27.x stored the full URL; it is normalised to scheme://host.
    assert_eq!(
        r.current.origin.as_deref(),
        Some("https://gateway.dgxc-lepton.nvidia.com")
    );
    assert_eq!(r.current.display_name, None);
    assert_eq!(r.current.label(), "legacy9");
}

#[test]
fn flag_picks_another_record_entry() {
    let f = Fixture::new(Some(&lep_record(FAR)));
    let g = Global {
        workspace: Some("ws2".into()),
        ..Default::default()
    };
    let r = f.resolve(&g, None).unwrap();
    assert_eq!(r.current.id, "ws2");
    assert_eq!(
        r.current.base_url,
        "http://127.0.0.1:8080/api/v2/workspaces/ws2"
    );
    assert!(r.others.iter().any(|t| t.id == "ws1"));
    assert!(r.others.iter().all(|t| t.id != "ws2"));
}

#[test]
fn null_token_is_a_clear_error() {
    let f = Fixture::new(Some(&lep_record(FAR)));
    let g = Global {
        workspace: Some("nulltok".into()),
        ..Default::default()
    };
    let e = f.resolve(&g, None).unwrap_err();
    assert!(matches!(e, CredentialsError::NoToken { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("nulltok"), "{msg}");
    assert!(msg.contains("the token is null"), "{msg}");
    assert!(msg.contains("lep login -c ID:TOKEN"), "{msg}");
}

#[test]
fn null_current_workspace_means_logged_out() {
    let rec = lep_record(FAR).replace("current_workspace: ws1", "current_workspace: null");
    let f = Fixture::new(Some(&rec));
    let e = f.resolve(&no_flags(), None).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CredentialsError::LoggedOut { .. }), "{e:?}");
    assert!(msg.contains("lep logout"), "{msg}");
    assert!(msg.contains("ws1") && msg.contains("ws2"), "{msg}");
    assert!(msg.contains("lepdash -w ID"), "{msg}");
    assert!(!msg.contains("nvapi-"), "{msg}");
    // ... and -w still works against the kept entries.
    let g = Global {
        workspace: Some("ws1".into()),
        ..Default::default()
    };
    assert_eq!(f.resolve(&g, None).unwrap().current.id, "ws1");
}

#[test]
fn missing_current_key_is_like_null() {
    let f = Fixture::new(Some("workspaces:\n  a:\n    auth_token: nvapi-aaaaaaaa\n"));
    assert!(matches!(
        f.resolve(&no_flags(), None).unwrap_err(),
        CredentialsError::LoggedOut { .. }
    ));
}

#[test]
fn dangling_current_is_named() {
    let f = Fixture::new(Some("current_workspace: zz\nworkspaces: {}\n"));
    let e = f.resolve(&no_flags(), None).unwrap_err();
    assert!(
        matches!(e, CredentialsError::DanglingCurrent { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("zz"));
}

#[test]
fn env_id_token_form_splits_at_first_colon() {
    let f = Fixture::new(None).set("LEPTON_WORKSPACE_ID", "abc12:nvapi-tok:en:with:colons");
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.current.id, "abc12");
    assert_eq!(tok(&r), "nvapi-tok:en:with:colons");
    assert_eq!(
        r.current.base_url,
        paths::workspace_base(paths::GATEWAY_ORIGIN, "abc12")
    );
    assert_eq!(r.source, CredentialSource::Env);
    assert_eq!(r.current.token_expires_at, None);
    assert!(r.others.is_empty());
}

#[test]
fn env_url_and_token_point_at_the_emulator() {
    let f = Fixture::new(None)
        .set(
            "LEPTON_WORKSPACE_URL",
            "http://127.0.0.1:9999/api/v2/workspaces/emu1/",
        )
        .set("LEPTON_WORKSPACE_TOKEN", "emu-token-123");
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.current.id, "emu1");
    assert_eq!(
        r.current.base_url,
        "http://127.0.0.1:9999/api/v2/workspaces/emu1"
    );
    assert_eq!(r.source, CredentialSource::Env);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn env_beats_the_record_and_origin_is_normalised() {
    let f = Fixture::new(Some(&lep_record(FAR)))
        .set("LEPTON_WORKSPACE_ID", "ws1")
        .set("LEPTON_WORKSPACE_TOKEN", "nvapi-from-env-XY")
        .set(
            "LEPTON_WORKSPACE_ORIGIN_URL",
            "https://gw.example.com:8443/api/v2/workspaces/ws1",
        );
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(tok(&r), "nvapi-from-env-XY");
    assert_eq!(r.source, CredentialSource::Env);
    assert_eq!(
        r.current.origin.as_deref(),
        Some("https://gw.example.com:8443")
    );
    // The URL and display name still come from the record entry.
    assert_eq!(r.current.display_name.as_deref(), Some("Demo Workspace"));
    // A different token than the record's: its expiry is unknown.
    assert_eq!(r.current.token_expires_at, None);
    // The record entries stay available for :ws.
    assert!(r.others.iter().any(|t| t.id == "ws2"));
}

#[test]
fn env_token_alone_uses_the_record_current_workspace() {
    let f = Fixture::new(Some(&lep_record(FAR))).set("LEPTON_WORKSPACE_TOKEN", "nvapi-envonly-77");
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.current.id, "ws1");
    assert_eq!(tok(&r), "nvapi-envonly-77");
    assert_eq!(r.source, CredentialSource::Env);
}

#[test]
fn flags_beat_env() {
    let f = Fixture::new(None)
        .set("LEPTON_WORKSPACE_ID", "envws:nvapi-env-token")
        .set(
            "LEPTON_WORKSPACE_URL",
            "http://127.0.0.1:1/api/v2/workspaces/envws",
        );
    let g = Global {
        url: Some("http://127.0.0.1:2/api/v2/workspaces/flagws".into()),
        token_stdin: true,
        ..Default::default()
    };
    let r = f.resolve(&g, Some("  nvapi-stdin-token\n")).unwrap();
    assert_eq!(r.current.id, "flagws");
    assert_eq!(
        r.current.base_url,
        "http://127.0.0.1:2/api/v2/workspaces/flagws"
    );
    assert_eq!(tok(&r), "nvapi-stdin-token");
    assert_eq!(r.source, CredentialSource::Flags);
}

#[test]
fn flag_workspace_ignores_an_env_token_of_another_workspace() {
    let f = Fixture::new(Some(&lep_record(FAR))).set("LEPTON_WORKSPACE_ID", "ws1:nvapi-ws1-env");
    let g = Global {
        workspace: Some("ws2".into()),
        ..Default::default()
    };
    let r = f.resolve(&g, None).unwrap();
    assert_eq!(r.current.id, "ws2");
    assert_eq!(tok(&r), "nvapi-ws2:with:colons");
    assert!(matches!(r.source, CredentialSource::LoginRecord(_)));
}

#[test]
fn id_only_defaults_to_the_gateway() {
    let f = Fixture::new(None).set("LEPTON_WORKSPACE_TOKEN", "nvapi-x-123456");
    let g = Global {
        workspace: Some("xfre17eu".into()),
        ..Default::default()
    };
    let r = f.resolve(&g, None).unwrap();
    assert_eq!(
        r.current.base_url,
        "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/xfre17eu"
    );
    // The client derives the gateway Origin itself.
    assert_eq!(r.current.origin, None);
}

#[test]
fn empty_stdin_token_is_an_error() {
    let f = Fixture::new(None);
    let g = Global {
        workspace: Some("a".into()),
        token_stdin: true,
        ..Default::default()
    };
    assert_eq!(
        f.resolve(&g, Some(" \n")).unwrap_err(),
        CredentialsError::EmptyStdinToken
    );
}

#[test]
fn no_credentials_names_every_source_and_the_ways_forward() {
    let f = Fixture::new(None);
    let e = f.resolve(&no_flags(), None).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CredentialsError::Missing { .. }), "{e:?}");
    for needle in [
        "-w/--url/--token-stdin",
        "LEPTON_WORKSPACE_ID",
        "LEPTON_WORKSPACE_TOKEN",
        "LEPTON_WORKSPACE_URL",
        "workspace_info.yaml",
        "not found",
        "lep login -c ID:TOKEN",
        "lepdash demo",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in {msg}");
    }
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[test]
fn token_without_workspace_says_so() {
    let f = Fixture::new(None).set("LEPTON_WORKSPACE_TOKEN", "nvapi-lonely-token");
    let msg = f.resolve(&no_flags(), None).unwrap_err().to_string();
    assert!(msg.contains("LEPTON_WORKSPACE_TOKEN set but"), "{msg}");
    assert!(!msg.contains("nvapi-lonely"), "{msg}");
}

#[test]
fn malformed_record_names_the_file_and_line_without_the_token() {
    let rec = "current_workspace: ws1\nworkspaces:\n  ws1:\n    auth_token: nvapi-leak-me-please\n    url: [unclosed\n";
    let f = Fixture::new(Some(rec));
    let e = f.resolve(&no_flags(), None).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CredentialsError::Malformed { .. }), "{e:?}");
    assert!(
        msg.contains(&f.record_path().display().to_string()),
        "{msg}"
    );
    assert!(msg.contains("line"), "{msg}");
    assert!(!msg.contains("nvapi-leak"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

#[test]
fn wrong_shape_record_is_malformed_not_a_panic() {
    for rec in [
        "- a\n- b\n",
        "workspaces: 12\n",
        "workspaces:\n  ws1: [1, 2]\n",
        "\u{0}\u{1}",
    ] {
        let f = Fixture::new(Some(rec));
        let e = f.resolve(&no_flags(), None).unwrap_err();
        assert!(
            matches!(e, CredentialsError::Malformed { .. }),
            "{rec:?}: {e:?}"
        );
    }
}

#[test]
fn malformed_record_is_only_a_warning_when_env_is_complete() {
    let f =
        Fixture::new(Some("workspaces: [oops\n")).set("LEPTON_WORKSPACE_ID", "ws9:nvapi-full-env");
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.current.id, "ws9");
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("workspace_info.yaml"));
}

#[test]
fn empty_record_is_like_no_record() {
    let f = Fixture::new(Some("# nothing\n\n"));
    let e = f.resolve(&no_flags(), None).unwrap_err();
    assert!(matches!(e, CredentialsError::Missing { .. }), "{e:?}");
}

#[test]
fn numeric_ids_and_keys_are_strings() {
    let f = Fixture::new(Some(
        "current_workspace: 12345\nworkspaces:\n  12345:\n    auth_token: nvapi-numeric-ws\n",
    ));
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.current.id, "12345");
    assert_eq!(tok(&r), "nvapi-numeric-ws");
}

#[test]
fn expiring_and_expired_tokens_warn() {
    let now = jiff::Timestamp::now().as_millisecond();
    let day = 86_400_000;
    let f = Fixture::new(Some(&lep_record(now + 3 * day + 3_600_000)));
    let r = f.resolve(&no_flags(), None).unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(
        r.warnings[0].contains("expires in 3 days"),
        "{}",
        r.warnings[0]
    );
    assert!(r.warnings[0].contains("ws1"));

    let f = Fixture::new(Some(&lep_record(now - 2 * day - 1000)));
    let r = f.resolve(&no_flags(), None).unwrap();
    assert!(r.warnings[0].contains("has expired"), "{}", r.warnings[0]);
}

#[test]
fn expiry_warning_thresholds() {
    let now = 1_800_000_000_000;
    let day = 86_400_000;
    assert_eq!(expiry_warning(None, now), None);
    assert_eq!(expiry_warning(Some(now + 10 * day), now), None);
    assert_eq!(expiry_warning(Some(now + 400 * day), now), None);
    let w = expiry_warning(Some(now + 10 * day - 1), now).unwrap();
    assert!(w.contains("in 9 days"), "{w}");
    let w = expiry_warning(Some(now + day + 1), now).unwrap();
    assert!(w.contains("in 1 day "), "{w}");
    let w = expiry_warning(Some(now + 1000), now).unwrap();
    assert!(w.contains("less than a day"), "{w}");
    let w = expiry_warning(Some(now), now).unwrap();
    assert!(w.contains("has expired"), "{w}");
    let w = expiry_warning(Some(now - 5 * day), now).unwrap();
    assert!(w.contains("5 days ago") && w.contains("UTC"), "{w}");
    assert!(w.contains("lep login -c ID:TOKEN"), "{w}");
}

#[test]
fn record_path_follows_lepton_cache_dir() {
    let env = |k: &str| match k {
        "LEPTON_CACHE_DIR" => Some("/tmp/lc".to_string()),
        _ => None,
    };
    assert_eq!(
        login_record_path(&env).unwrap(),
        Path::new("/tmp/lc/workspace_info.yaml")
    );
    let env = |k: &str| match k {
        "HOME" => Some("/home/u".to_string()),
        _ => None,
    };
    assert_eq!(
        login_record_path(&env).unwrap(),
        Path::new("/home/u/.cache/lepton/workspace_info.yaml")
    );
}

#[test]
fn client_config_carries_everything() {
    let f = Fixture::new(Some(&lep_record(FAR)));
    let r = f.resolve(&no_flags(), None).unwrap();
    let settings = lepdash::config::Config {
        connect_timeout: std::time::Duration::from_secs(2),
        request_timeout: std::time::Duration::from_secs(9),
        max_response: 3 << 20,
        ..lepdash::config::Config::default()
    };
    let c = r.current.client_config(&settings);
    assert_eq!(c.base_url, r.current.base_url);
    assert_eq!(c.token.expose_secret(), "nvapi-ws1-secret-token-AB");
    assert_eq!(
        c.origin.as_deref(),
        Some("https://gateway.dgxc-lepton.nvidia.com")
    );
    assert_eq!(c.connect_timeout.as_secs(), 2);
    assert_eq!(c.request_timeout.as_secs(), 9);
    assert_eq!(c.max_body, 3 << 20);
}

#[test]
fn source_display_is_readable() {
    assert!(CredentialSource::Env.to_string().contains("environment"));
    assert!(
        CredentialSource::LoginRecord("/x/workspace_info.yaml".into())
            .to_string()
            .contains("/x/workspace_info.yaml")
    );
}
