#![forbid(unsafe_code)]
//! The thin entry: parse the command line, set up error reports and logging,
//! dispatch the subcommand. A user's mistake or a failure of `get` is one
//! line on stderr (`lepdash: <what went wrong> — <what to do>`), sanitized
//! (outside text cannot drive the terminal) and cut, and exit status 1.
//! Reports with a backtrace are for bugs only, coloured only when stderr is
//! a terminal.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use lepdash::api::Client;
use lepdash::cli::{Cli, Command, EmulatorArgs, GetArgs, Global, OutputFormat, WatchArgs};
use lepdash::{config, credentials, emulator, logging, output};
use secrecy::{ExposeSecret, SecretString};

/// A line on stderr is cut to this many characters.
const MAX_LINE: usize = 2000;

/// Print one line on stderr: sanitized, newlines folded, cut.
fn say(line: &str) {
    let clean = lepdash::text::sanitize(line);
    eprintln!("{}", lepdash::text::cut_chars(&clean, MAX_LINE));
}

/// A user's mistake: `lepdash: <what> — <what to do>`, exit status 1.
fn user_error(what: &str, todo: &str) -> ExitCode {
    if todo.is_empty() {
        say(&format!("lepdash: {what}"));
    } else {
        say(&format!("lepdash: {what} — {todo}"));
    }
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let theme = if std::io::stderr().is_terminal() {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    if let Err(e) = color_eyre::config::HookBuilder::default()
        .theme(theme)
        .install()
    {
        say(&format!("lepdash: warning: error reports are plain: {e}"));
    }
    let env = |k: &str| std::env::var(k).ok();
    match cli.command {
        Some(Command::Emulator(args)) => {
            let token = match emulator_token(&cli.global, &matches, &args) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let rt = match runtime(true) {
                Ok(rt) => rt,
                Err(code) => return code,
            };
            match rt.block_on(serve_emulator(args, token)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => emulator_error(&e),
            }
        }
        Some(Command::Get(args)) => get(&cli.global, args, &env),
        Some(Command::Info) => info(&cli.global, &env),
        Some(Command::Watch(args)) => watch(&cli.global, args, &env),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            // Into a buffer first: `generate` panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "lepdash", &mut script);
            print_bytes(&script, "the completion script")
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => print_bytes(&page, "the manual page"),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("lepdash: cannot write the manual page: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Demo) => dashboard(&cli.global, true, &env),
        None => dashboard(&cli.global, false, &env),
    }
}

/// The emulator's admin token: `--token-stdin` (one line of standard
/// input), else `--token` / `LEPDASH_EMULATOR_TOKEN` (clap reads both),
/// else `None` (a random one is generated). The global flags the emulator
/// does not use are refused, not silently ignored.
fn emulator_token(
    global: &Global,
    matches: &clap::ArgMatches,
    args: &EmulatorArgs,
) -> Result<Option<String>, ExitCode> {
    let from_command_line = |id: &str| {
        matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
            || matches.subcommand().is_some_and(|(_, sub)| {
                sub.try_get_raw(id).is_ok()
                    && sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
            })
    };
    let unused: Vec<&str> = [
        ("workspace", "--workspace"),
        ("url", "--url"),
        ("read_only", "--read-only"),
        ("interval", "--interval"),
        ("config", "--config"),
        ("log_level", "--log-level"),
    ]
    .into_iter()
    .filter(|(id, _)| from_command_line(id))
    .map(|(_, flag)| flag)
    .collect();
    if !unused.is_empty() {
        return Err(user_error(
            &format!("`lepdash emulator` does not use {}", unused.join(", ")),
            "remove it; the emulator takes --listen, --data, --token (or --token-stdin, or LEPDASH_EMULATOR_TOKEN) and --fault",
        ));
    }
    if global.token_stdin {
        if args.token.is_some() {
            return Err(user_error(
                "both --token-stdin and --token (or LEPDASH_EMULATOR_TOKEN) give the admin token",
                "use one of them",
            ));
        }
        return match token_from_stdin(global) {
            Ok(Some(t)) if !t.expose_secret().trim().is_empty() => {
                Ok(Some(t.expose_secret().trim().to_string()))
            }
            Ok(_) => Err(user_error(
                "--token-stdin read an empty token",
                "pipe the admin token in, e.g. `echo \"$TOKEN\" | lepdash emulator --token-stdin`",
            )),
            Err(msg) => Err(user_error(&msg, "")),
        };
    }
    Ok(args.token.clone())
}

/// One line for an emulator that could not start.
fn emulator_error(e: &emulator::EmulatorError) -> ExitCode {
    use emulator::EmulatorError as E;
    match e {
        E::Bind { addr, source } => {
            let todo = match source.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "another program uses that port: stop it, or pick another with --listen 127.0.0.1:PORT"
                }
                std::io::ErrorKind::AddrNotAvailable => {
                    "that address is not on this machine: use 127.0.0.1:PORT (or an address of this machine)"
                }
                std::io::ErrorKind::PermissionDenied => {
                    "ports below 1024 need privileges: pick a port above 1024"
                }
                _ => "check the --listen address",
            };
            let reason = match source.kind() {
                std::io::ErrorKind::AddrInUse => "the address is already in use".to_string(),
                _ => source.to_string(),
            };
            user_error(&format!("cannot listen on {addr}: {reason}"), todo)
        }
        E::InvalidToken(why) => user_error(
            &format!("invalid admin token: {why}"),
            "give at least 20 printable characters without spaces (e.g. nvapi-local-test-token-0001)",
        ),
        E::Seed(why) => user_error(
            &format!("cannot load the seed data: {why}"),
            "point --data at a directory laid out like assets/demo (workspaces.json at least), or leave it out for the demo data",
        ),
        E::FaultSpec(why) => user_error(
            &format!("invalid --fault spec: {why}"),
            "see `lepdash emulator --help` for the SPEC",
        ),
        other => user_error(&other.to_string(), ""),
    }
}

/// `lepdash emulator`: serve in the foreground until Ctrl-C or SIGTERM,
/// after printing each workspace's BASE URL and how to log in with `lep`.
async fn serve_emulator(
    args: EmulatorArgs,
    admin_token: Option<String>,
) -> Result<(), emulator::EmulatorError> {
    let handle = emulator::start(emulator::EmulatorOptions {
        listen: args.listen,
        data_dir: args.data,
        admin_token,
        faults: args.fault,
        demo_activity: false,
        activity_every: args.activity,
    })
    .await?;
    let token = handle.admin_token().expose_secret().to_string();
    if !args.listen.ip().is_loopback() {
        say(&format!(
            "lepdash: warning: listening on {}, not loopback: anyone who can reach it and has the admin token printed below can read and change every workspace — use --listen 127.0.0.1:PORT unless you mean it",
            args.listen
        ));
    }
    // Seed data (`--data`) is outside text: names are sanitized and cut.
    let clean = |s: &str, w: usize| {
        lepdash::text::truncate(&lepdash::text::sanitize(s), w, "…").into_owned()
    };
    println!("Lepton API emulator listening on {}", handle.origin());
    println!();
    for w in handle.workspaces() {
        println!(
            "  {} {} {:<14} {}",
            lepdash::text::pad(&clean(&w.id, 40), 8),
            lepdash::text::pad(&clean(&w.display_name, 40), 26),
            w.activation.as_str(),
            clean(&w.base_url, 200)
        );
    }
    println!();
    println!("Admin token (valid in every workspace): {token}");
    println!();
    for w in handle.workspaces() {
        println!(
            "  lep login -c {}:{} -u {}",
            clean(&w.id, 200),
            token,
            clean(&w.base_url, 200)
        );
    }
    println!();
    println!(
        "Faults: {}",
        lepdash::text::sanitize(&handle.faults().to_string())
    );
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

/// What `get` and `watch` start from: logging on, the settings with the
/// flags applied, the credentials resolved — every warning said on stderr,
/// every failure said in one line (the `Err` is the exit code to return).
struct Headless {
    _log: Option<logging::LogGuard>,
    config: config::Config,
    resolved: credentials::Resolved,
}

impl Headless {
    fn start(global: &Global, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ExitCode> {
        let mut log_warnings = Vec::new();
        let log = start_logging(global, env, &mut log_warnings);
        for w in &log_warnings {
            say(&format!("lepdash: warning: {w}"));
        }
        let mut loaded = config::load(global.config.as_deref(), env);
        loaded.apply_flags(global);
        for w in &loaded.warnings {
            say(&format!("lepdash: warning: {w}"));
        }
        let stdin_token = token_from_stdin(global).map_err(|msg| user_error(&msg, ""))?;
        let resolved = credentials::resolve(global, env, stdin_token).map_err(|e| {
            tracing::warn!(error = %e, "no credentials");
            user_error(&e.to_string(), "")
        })?;
        for w in &resolved.warnings {
            say(&format!("lepdash: warning: {w}"));
        }
        Ok(Self {
            _log: log,
            config: loaded.config,
            resolved,
        })
    }

    /// The API client for the current workspace, with the configured
    /// timeouts and answer cap.
    fn client(&self) -> Result<Client, ExitCode> {
        let target = &self.resolved.current;
        Client::new(target.client_config(&self.config))
            .map_err(|e| fail_api(&e, e.hint(), &target.token))
    }
}

/// `lepdash get WHAT… [-o table|json]` (`all` for every kind).
fn get(global: &Global, args: GetArgs, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let h = match Headless::start(global, env) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let resolved = &h.resolved;
    let target = &resolved.current;
    if args.what.iter().any(|w| w == lepdash::cli::GET_FLEET) {
        if args.what.len() > 1 {
            eprintln!("lepdash: `fleet` is printed on its own — run `lepdash get fleet`");
            return ExitCode::FAILURE;
        }
        return get_fleet(resolved, &h.config, args.output);
    }
    let kinds = match output::get_kinds(&args.what) {
        Ok(k) => k,
        Err(word) => {
            eprintln!("lepdash: {word:?} is not something `get` prints — see `lepdash get --help`");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(workspace = %target.id, url = %target.base_url, source = %resolved.source, what = ?args.what, "get");
    let client = match h.client() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rt = match runtime(false) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    fit_output(&stdout, args.output == lepdash::cli::OutputFormat::Wide);
    let mut out = stdout.lock();
    match rt.block_on(output::get(
        &client,
        &kinds,
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

/// `lepdash get fleet`: every known workspace, one row each; fails (after
/// printing every row) when one did not answer.
fn get_fleet(
    resolved: &credentials::Resolved,
    cfg: &config::Config,
    format: OutputFormat,
) -> ExitCode {
    let targets: Vec<output::fleet::FleetTarget> = std::iter::once(&resolved.current)
        .chain(&resolved.others)
        .map(|t| output::fleet::FleetTarget {
            target: lepdash::sync::SyncTarget {
                id: t.id.clone(),
                config: t.client_config(cfg),
            },
            label: lepdash::app::WorkspaceLabel {
                id: t.id.clone(),
                display_name: t.display_name.clone(),
                base_url: t.base_url.clone(),
                token_expires_at: t.token_expires_at,
            },
        })
        .collect();
    let rt = match runtime(true) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match rt.block_on(output::fleet::get_fleet(&targets, format, &mut out)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!(
                "lepdash: not every workspace answered — see the REACH column (or \"reachability\" in JSON)"
            );
            ExitCode::from(2)
        }
        Err(output::OutputError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("lepdash: {e}");
            ExitCode::FAILURE
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
        Err(e) => return user_error(&format!("--kinds: {e}"), ""),
    };
    let h = match Headless::start(global, env) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let target = &h.resolved.current;
    let cfg = &h.config;
    let client = match h.client() {
        Ok(c) => c,
        Err(code) => return code,
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
            say(&format!("lepdash: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Write `bytes` to stdout; a closed pipe (`| head`) is not an error.
fn print_bytes(bytes: &[u8], what: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lepdash: cannot write {what}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Fit tables to the terminal; whole values into a pipe or a file.
fn fit_output(stdout: &std::io::Stdout, wide: bool) {
    let tty = stdout.is_terminal();
    let cols = if tty {
        crossterm::terminal::size().ok().map(|(w, _)| w)
    } else {
        None
    };
    output::set_fit_width(output::width_policy(tty, cols, wide));
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
    let line = lepdash::text::mask_tokens(&line, None);
    say(&line);
    ExitCode::FAILURE
}

/// Start logging; an invalid `--log-level` is a warning and the default
/// level, a log that cannot be opened a warning and no log.
fn start_logging(
    global: &Global,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Option<logging::LogGuard> {
    let mut level = global.log_level.as_deref();
    if let Err(e) = logging::filter_for(level) {
        warnings.push(format!("{e}; using the default (info)"));
        level = None;
    }
    match logging::init(level, env) {
        Ok(g) => Some(g),
        Err(e) => {
            warnings.push(format!("logging is off: {e}"));
            None
        }
    }
}

/// `lepdash info`: never fails on missing credentials (it reports them).
fn info(global: &Global, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let mut loaded = config::load(global.config.as_deref(), env);
    loaded.apply_flags(global);
    let stdin_token = match token_from_stdin(global) {
        Ok(t) => t,
        Err(msg) => return user_error(&msg, ""),
    };
    let resolved = credentials::resolve(global, env, stdin_token);
    let log_path = logging::log_path(env);
    let stdout = std::io::stdout();
    fit_output(&stdout, false);
    let mut out = stdout.lock();
    match output::info(resolved.as_ref(), &loaded, log_path.as_deref(), &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => user_error(
            &format!("cannot write the output: {e}"),
            "is the output closed (a pipe that ended early)?",
        ),
    }
}

/// The dashboard (`lepdash`, `lepdash demo`).
fn dashboard(global: &Global, demo: bool, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return user_error(
            "the dashboard needs a terminal (standard input and output are not one)",
            "run it in a terminal; for output to a pipe or a file use `lepdash get KIND [-o json]`",
        );
    }
    let mut warnings = Vec::new();
    let _log = start_logging(global, env, &mut warnings);
    let mut loaded = config::load(global.config.as_deref(), env);
    loaded.apply_flags(global);
    // Before the runtime and the terminal: `--token-stdin` may prompt.
    let stdin_token = if demo {
        None
    } else {
        match token_from_stdin(global) {
            Ok(t) => t,
            Err(msg) => return user_error(&msg, ""),
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
                return user_error(&e.to_string(), "");
            }
        }
    };
    // One thread for the UI and the sync task: every allocation lands in one
    // malloc arena (per-thread arenas kept tens of MB of freed list memory
    // resident), and the work is small since an unchanged poll is not decoded.
    let rt = match runtime(false) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let result = rt.block_on(async move {
        let (emulator, targets) = if demo {
            let (handle, targets) = match start_demo().await {
                Ok(x) => x,
                Err(e) => return Ok(Err(e)),
            };
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
        r.map(Ok)
    });
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => emulator_error(&e),
        // Not a user's mistake: a report (coloured only on a terminal).
        Err(e) => {
            eprintln!("lepdash: {e:?}");
            ExitCode::FAILURE
        }
    }
}

/// `lepdash demo`: start the embedded emulator with demo activity and build a
/// target per served workspace (admin token, no expiry). Keep the handle alive
/// for as long as the dashboard runs.
async fn start_demo() -> Result<
    (
        lepdash::emulator::EmulatorHandle,
        Vec<credentials::WorkspaceTarget>,
    ),
    lepdash::emulator::EmulatorError,
> {
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
