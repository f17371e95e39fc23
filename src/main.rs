#![forbid(unsafe_code)]
//! The thin entry: parse the command line, set up error reports and logging,
//! dispatch the subcommand. Failures of `get` are one line on stderr
//! (`lepdash: <reason> — <hint>`) and exit status 1.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::Parser;
use lepdash::api::Client;
use lepdash::cli::{Cli, Command, EmulatorArgs, GetArgs, Global, WatchArgs};
use lepdash::{config, credentials, emulator, logging, output};
use secrecy::{ExposeSecret, SecretString};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = color_eyre::install() {
        eprintln!("lepdash: warning: error reports are plain: {e}");
    }
    let env = |k: &str| std::env::var(k).ok();
    match cli.command {
        Some(Command::Emulator(args)) => {
            let rt = match runtime(true) {
                Ok(rt) => rt,
                Err(code) => return code,
            };
            match rt.block_on(serve_emulator(args)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("lepdash: {e:?}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Get(args)) => get(&cli.global, args, &env),
        Some(Command::Info) => info(&cli.global, &env),
        Some(Command::Watch(args)) => watch(&cli.global, args, &env),
        Some(Command::Demo) => dashboard(&cli.global, true, &env),
        None => dashboard(&cli.global, false, &env),
    }
}

/// `lepdash emulator`: serve in the foreground until Ctrl-C or SIGTERM,
/// after printing each workspace's BASE URL and how to log in with `lep`.
async fn serve_emulator(args: EmulatorArgs) -> color_eyre::Result<()> {
    let handle = emulator::start(emulator::EmulatorOptions {
        listen: args.listen,
        data_dir: args.data,
        admin_token: args.token,
        faults: args.fault,
        demo_activity: false,
        activity_every: args.activity,
    })
    .await?;
    let token = handle.admin_token().expose_secret().to_string();
    println!("Lepton API emulator listening on {}", handle.origin());
    println!();
    for w in handle.workspaces() {
        println!(
            "  {:<8} {:<26} {:<14} {}",
            w.id,
            w.display_name,
            w.activation.as_str(),
            w.base_url
        );
    }
    println!();
    println!("Admin token (valid in every workspace): {token}");
    println!();
    for w in handle.workspaces() {
        println!("  lep login -c {}:{} -u {}", w.id, token, w.base_url);
    }
    println!();
    println!("Faults: {}", handle.faults());
    println!(
        "Control: {}{} (GET/POST), {}{}, POST {}{}",
        handle.origin(),
        lepdash::api::paths::CONTROL_FAULTS,
        handle.origin(),
        lepdash::api::paths::CONTROL_HEALTH,
        handle.origin(),
        lepdash::api::paths::CONTROL_ACTIVATION
    );
    println!("Press Ctrl-C to stop.");
    wait_for_signal().await;
    println!("Stopping.");
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn runtime(multi_thread: bool) -> Result<tokio::runtime::Runtime, ExitCode> {
    let built = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    built.map_err(|e| {
        eprintln!("lepdash: cannot start the async runtime: {e}");
        ExitCode::FAILURE
    })
}

/// `lepdash get WHAT [-o table|json]`.
fn get(global: &Global, args: GetArgs, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let _log = match logging::init(global.log_level.as_deref(), env) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("lepdash: warning: logging is off: {e}");
            None
        }
    };
    let loaded = config::load(global.config.as_deref(), env);
    for w in &loaded.warnings {
        eprintln!("lepdash: warning: {w}");
    }
    let stdin_token = match token_from_stdin(global) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("lepdash: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let resolved = match credentials::resolve(global, env, stdin_token) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "no credentials");
            eprintln!("lepdash: {e}");
            return ExitCode::FAILURE;
        }
    };
    for w in &resolved.warnings {
        eprintln!("lepdash: warning: {w}");
    }
    let target = &resolved.current;
    tracing::info!(workspace = %target.id, url = %target.base_url, source = %resolved.source, what = ?args.what, "get");
    let cfg = &loaded.config;
    let client = match Client::new(target.client_config(cfg.connect_timeout, cfg.request_timeout)) {
        Ok(c) => c,
        Err(e) => return fail_api(&e, e.hint(), &target.token),
    };
    let rt = match runtime(false) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match rt.block_on(output::get(
        &client,
        args.what,
        args.output,
        target.token.expose_secret(),
        &mut out,
    )) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing to report.
        Err(output::OutputError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::warn!(error = %e, "get failed");
            fail_api(&e, e.hint(), &target.token)
        }
    }
}

/// `lepdash watch [-o jsonl|text] [--kinds K,…] [--interval DUR] [--once]`:
/// one event per line until SIGTERM, Ctrl-C or a closed pipe (all clean
/// exits); a failed poll is a `stale` event, never an exit.
fn watch(global: &Global, args: WatchArgs, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    use lepdash::watch::{KindFilter, WatchFormat, WatchOptions};
    let kinds = match KindFilter::parse(args.kinds.as_deref().unwrap_or("")) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("lepdash: --kinds: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _log = match logging::init(global.log_level.as_deref(), env) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("lepdash: warning: logging is off: {e}");
            None
        }
    };
    let mut loaded = config::load(global.config.as_deref(), env);
    loaded.config.apply_flags(global);
    for w in &loaded.warnings {
        eprintln!("lepdash: warning: {w}");
    }
    let stdin_token = match token_from_stdin(global) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("lepdash: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let resolved = match credentials::resolve(global, env, stdin_token) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "no credentials");
            eprintln!("lepdash: {e}");
            return ExitCode::FAILURE;
        }
    };
    for w in &resolved.warnings {
        eprintln!("lepdash: warning: {w}");
    }
    let target = &resolved.current;
    let cfg = &loaded.config;
    let client = match Client::new(target.client_config(cfg.connect_timeout, cfg.request_timeout)) {
        Ok(c) => c,
        Err(e) => return fail_api(&e, e.hint(), &target.token),
    };
    let history = lepdash::history::History::from_env(env);
    let opts = WatchOptions {
        workspace: target.id.clone(),
        format: match args.output {
            lepdash::cli::WatchOutput::Jsonl => WatchFormat::Jsonl,
            lepdash::cli::WatchOutput::Text => WatchFormat::Text,
        },
        kinds,
        interval: cfg.interval,
        once: args.once,
    };
    tracing::info!(workspace = %target.id, once = opts.once, "watch");
    let rt = match runtime(false) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = rt.block_on(lepdash::watch::run(
        &client,
        target.token.expose_secret(),
        &opts,
        history.as_ref(),
        &mut out,
        wait_for_signal(),
    ));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lepdash: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Print `lepdash: <reason> — <hint>` (one line, token masked) and fail.
fn fail_api(e: &dyn std::fmt::Display, hint: &str, token: &SecretString) -> ExitCode {
    // ApiError hints are worded for the dashboard, which retries by itself;
    // a one-shot command does not.
    let hint = hint.split("; lepdash").next().unwrap_or_default().trim();
    let mut line = if hint.is_empty() {
        format!("lepdash: {e}")
    } else {
        format!("lepdash: {e} — {hint}")
    };
    let t = token.expose_secret();
    if t.len() >= 4 && line.contains(t) {
        line = line.replace(t, &credentials::mask_token(t));
    }
    let line = line.replace(['\n', '\r'], " ");
    eprintln!("{line}");
    ExitCode::FAILURE
}

/// `lepdash info`: never fails on missing credentials (it reports them).
fn info(global: &Global, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let loaded = config::load(global.config.as_deref(), env);
    let stdin_token = match token_from_stdin(global) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("lepdash: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let resolved = credentials::resolve(global, env, stdin_token);
    let log_path = logging::log_path(env);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match output::info(resolved.as_ref(), &loaded, log_path.as_deref(), &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lepdash: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The dashboard (`lepdash`, `lepdash demo`).
fn dashboard(global: &Global, demo: bool, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let mut warnings = Vec::new();
    let _log = match logging::init(global.log_level.as_deref(), env) {
        Ok(g) => Some(g),
        Err(e) => {
            warnings.push(format!("logging is off: {e}"));
            None
        }
    };
    let mut loaded = config::load(global.config.as_deref(), env);
    loaded.config.apply_flags(global);
    // Before the runtime and the terminal: `--token-stdin` may prompt.
    let stdin_token = if demo {
        None
    } else {
        match token_from_stdin(global) {
            Ok(t) => t,
            Err(msg) => {
                eprintln!("lepdash: {msg}");
                return ExitCode::FAILURE;
            }
        }
    };
    let (targets, current) = if demo {
        (Vec::new(), 0)
    } else {
        match credentials::resolve(global, env, stdin_token) {
            Ok(r) => {
                warnings.extend(r.warnings);
                let mut targets = vec![r.current];
                targets.extend(r.others);
                (targets, 0)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no credentials");
                eprintln!("lepdash: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    let rt = match runtime(true) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let result = rt.block_on(async move {
        let (emulator, targets) = if demo {
            let (handle, targets) = start_demo().await?;
            (Some(handle), targets)
        } else {
            (None, targets)
        };
        let opts = lepdash::run::DashboardOptions {
            targets,
            current,
            config: loaded,
            read_only: global.read_only,
            demo,
            warnings,
        };
        let r = lepdash::run::dashboard(opts).await;
        if let Some(h) = emulator {
            h.shutdown().await;
        }
        r
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lepdash: {e:?}");
            ExitCode::FAILURE
        }
    }
}

/// `lepdash demo`: start the embedded emulator with demo activity and build a
/// target per served workspace (admin token, no expiry). Keep the handle alive
/// for as long as the dashboard runs.
async fn start_demo() -> color_eyre::Result<(
    lepdash::emulator::EmulatorHandle,
    Vec<credentials::WorkspaceTarget>,
)> {
    use lepdash::emulator::{EmulatorOptions, start};
    let handle = start(EmulatorOptions {
        demo_activity: true,
        activity_every: Some(lepdash::emulator::DEMO_PACE),
        ..Default::default()
    })
    .await?;
    let targets = handle
        .workspaces()
        .into_iter()
        .map(|w| credentials::WorkspaceTarget {
            id: w.id,
            display_name: Some(w.display_name),
            base_url: w.base_url,
            token: handle.admin_token().clone(),
            origin: None,
            token_expires_at: None,
        })
        .collect();
    Ok((handle, targets))
}

/// With `--token-stdin`: one line from standard input. On a terminal the
/// input is not echoed.
fn token_from_stdin(global: &Global) -> Result<Option<SecretString>, String> {
    if !global.token_stdin {
        return Ok(None);
    }
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        read_hidden_line().map_err(|e| format!("cannot read the token: {e}"))?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut line)
            .map_err(|e| format!("cannot read the token from standard input: {e}"))?;
        line.lines().next().unwrap_or_default().to_string()
    };
    Ok(Some(SecretString::from(text)))
}

/// Read a line from the terminal without echo (raw mode), for a pasted token.
fn read_hidden_line() -> std::io::Result<String> {
    eprint!("Lepton token (input hidden, Enter to finish): ");
    let _ = std::io::stderr().flush();
    crossterm::terminal::enable_raw_mode()?;
    let mut line = String::new();
    let mut bytes = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let mut b = [0u8; 1];
    let result = loop {
        match stdin.read(&mut b) {
            Ok(0) => break Ok(()),
            Ok(_) => match b[0] {
                b'\r' | b'\n' => break Ok(()),
                3 => break Err(std::io::Error::other("interrupted")),
                8 | 127 => {
                    bytes.pop();
                }
                c => bytes.push(c),
            },
            Err(e) => break Err(e),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result?;
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(line)
}
