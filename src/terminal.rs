//! Entering and leaving the terminal, and everything that must leave it in a
//! usable state: a guard whose `Drop` restores, a panic hook that restores
//! before the panic is printed, and the signals (SIGTERM, SIGHUP, SIGINT) that
//! end the dashboard through the same path. Output goes through a buffered
//! writer, one write per frame, wrapped in synchronized-output sequences.
//!
//! Restoring is idempotent: the guard's `Drop`, the panic hook and an explicit
//! [`restore`] may all run; only the first does anything.

use std::io::{self, BufWriter, IsTerminal, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Frame;
use ratatui::backend::CrosstermBackend;

/// The ratatui backend: crossterm over a buffered stdout.
pub type Backend = CrosstermBackend<Output>;
/// The ratatui terminal the dashboard draws on.
pub type Tui = ratatui::Terminal<Backend>;

/// Big enough for a full frame of a large terminal in one write.
const OUTPUT_BUFFER: usize = 64 * 1024;

/// Whether the terminal is currently in dashboard mode (and needs restoring).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Set once a panic hook ran: the UI loop stops at the next turn.
static PANICKED: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Buffered stdout that goes quiet once the terminal has been restored: after
/// a panic hook or a signal restored it, half-drawn frame bytes still in the
/// buffer are discarded instead of landing on the user's main screen.
pub struct Output {
    buf: BufWriter<Stdout>,
}

impl Output {
    fn new() -> Self {
        Output {
            buf: BufWriter::with_capacity(OUTPUT_BUFFER, io::stdout()),
        }
    }

    /// Drop what is buffered without writing it.
    fn discard(&mut self) {
        let old = std::mem::replace(&mut self.buf, BufWriter::with_capacity(0, io::stdout()));
        let (_stdout, _unwritten) = old.into_parts();
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !is_active() {
            return Ok(bytes.len());
        }
        self.buf.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        if !is_active() {
            self.discard();
            return Ok(());
        }
        self.buf.flush()
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !is_active() {
            self.discard();
        }
    }
}

/// The terminal in dashboard mode. Dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: Tui,
    mouse: bool,
}

impl std::fmt::Debug for TerminalGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TerminalGuard")
            .field("mouse", &self.mouse)
            .finish_non_exhaustive()
    }
}

/// Errors of entering the terminal.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("the dashboard needs a terminal (stdout is not a TTY); try `lepdash get …`")]
    NotATerminal,
    #[error("cannot set up the terminal: {0}")]
    Io(#[from] io::Error),
}

impl TerminalGuard {
    /// Raw mode, alternate screen, bracketed paste on, mouse capture only if
    /// `mouse`, cursor hidden. Installs the panic hook (once). On failure the
    /// terminal is restored before the error is returned.
    pub fn enter(mouse: bool) -> Result<Self, TerminalError> {
        if !io::stdout().is_terminal() {
            return Err(TerminalError::NotATerminal);
        }
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        match Self::setup(mouse) {
            Ok(terminal) => Ok(TerminalGuard { terminal, mouse }),
            Err(e) => {
                let _ = restore();
                Err(TerminalError::Io(e))
            }
        }
    }

    fn setup(mouse: bool) -> io::Result<Tui> {
        enable_raw_mode()?;
        let mut out = Output::new();
        // `Terminal::clear` would ask the terminal for the cursor position
        // (a round trip, and a failure on terminals that do not answer):
        // clearing the alternate screen needs no position.
        queue!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            Hide,
            Clear(ClearType::All)
        )?;
        if mouse {
            queue!(out, EnableMouseCapture)?;
        }
        out.flush()?;
        ratatui::Terminal::new(CrosstermBackend::new(out))
    }

    /// The ratatui terminal (for resizing).
    pub fn terminal(&mut self) -> &mut Tui {
        &mut self.terminal
    }

    /// Draw one frame, wrapped in synchronized-output sequences so the
    /// terminal shows it at once.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> io::Result<()> {
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(render)?;
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        Ok(())
    }

    /// Take the new size into account (after a resize); the next draw
    /// repaints everything.
    pub fn autoresize(&mut self) -> io::Result<()> {
        self.terminal.autoresize()
    }

    /// The raw output, for escape sequences outside frames (OSC 52). Flush
    /// after writing.
    pub fn writer(&mut self) -> &mut Backend {
        self.terminal.backend_mut()
    }

    pub fn mouse_capture(&self) -> bool {
        self.mouse
    }

    /// Turn mouse capture on or off.
    pub fn set_mouse_capture(&mut self, on: bool) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        if on {
            execute!(out, EnableMouseCapture)?;
        } else {
            execute!(out, DisableMouseCapture)?;
        }
        self.mouse = on;
        Ok(())
    }

    /// Leave dashboard mode now, reporting errors (Drop ignores them).
    pub fn leave(mut self) -> io::Result<()> {
        let _ = self.terminal.backend_mut().flush();
        restore()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.backend_mut().flush();
        let _ = restore();
    }
}

/// Undo everything `enter` did: end a synchronized update that may be open,
/// mouse capture off, bracketed paste off, main screen, cursor shown, raw
/// mode off. Idempotent; safe from a panic hook (writes straight to stdout,
/// keeps going past errors, e.g. after SIGHUP when the terminal is gone).
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let mut out = io::stdout();
    let written = execute!(
        out,
        EndSynchronizedUpdate,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    let raw = disable_raw_mode();
    written.and(raw)
}

/// Whether the terminal is in dashboard mode.
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

/// Whether a panic happened anywhere (the terminal has been restored by then).
pub fn panicked() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

/// Wrap the current panic hook (color-eyre's, when `color_eyre::install()`
/// ran first) so the terminal is restored BEFORE the panic is printed.
/// Installed by [`TerminalGuard::enter`]; calling it again does nothing.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.store(true, Ordering::SeqCst);
            let _ = restore();
            previous(info);
        }));
    });
}

/// A signal that ends the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitSignal {
    Interrupt,
    Terminate,
    Hangup,
}

impl ExitSignal {
    pub fn name(self) -> &'static str {
        match self {
            ExitSignal::Interrupt => "SIGINT",
            ExitSignal::Terminate => "SIGTERM",
            ExitSignal::Hangup => "SIGHUP",
        }
    }
}

/// How long a hang-up may take to end the dashboard through the clean path
/// before the watchdog ends the process.
pub const HANGUP_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// When the terminal hangs up, crossterm 0.29's event source can spin on the
/// dead tty inside `EventStream::poll_next` (its read loop retries EIO and
/// EOF forever), so the event loop never gets to the SIGHUP it received.
/// This thread hears SIGHUP too and, if the process is still alive
/// [`HANGUP_GRACE`] later, exits with 129 (128 + SIGHUP). There is no
/// terminal left to restore; the clean path, when it runs, is faster.
pub fn exit_on_stalled_hangup() -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut hup = signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP])?;
        std::thread::Builder::new()
            .name("hangup-watchdog".into())
            .spawn(move || {
                if hup.forever().next().is_some() {
                    std::thread::sleep(HANGUP_GRACE);
                    tracing::warn!("the terminal hung up and the event loop did not end: exiting");
                    std::process::exit(129);
                }
            })?;
    }
    Ok(())
}

/// SIGINT, SIGTERM and SIGHUP as a stream (tokio handlers, so the default
/// "die at once" is replaced by a clean exit through the restore path).
pub struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Register the handlers (needs a tokio runtime).
    pub fn new() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// The next signal.
    pub async fn recv(&mut self) -> ExitSignal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => ExitSignal::Interrupt,
                _ = self.term.recv() => ExitSignal::Terminate,
                _ = self.hup.recv() => ExitSignal::Hangup,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            ExitSignal::Interrupt
        }
    }
}

/// Default quiet time before a resize is acted upon.
pub const RESIZE_DEBOUNCE: Duration = Duration::from_millis(50);

/// Collapses a burst of resize events (dragging a window edge) into one: the
/// last size, once no new one came for the quiet time.
#[derive(Debug, Clone, Copy)]
pub struct ResizeDebounce {
    quiet: Duration,
    pending: Option<((u16, u16), Instant)>,
}

impl Default for ResizeDebounce {
    fn default() -> Self {
        Self::new(RESIZE_DEBOUNCE)
    }
}

impl ResizeDebounce {
    pub fn new(quiet: Duration) -> Self {
        ResizeDebounce {
            quiet,
            pending: None,
        }
    }

    /// A resize event arrived.
    pub fn push(&mut self, cols: u16, rows: u16, now: Instant) {
        self.pending = Some(((cols, rows), now + self.quiet));
    }

    /// When the pending size is due, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending.map(|(_, at)| at)
    }

    /// The settled size, once its quiet time has passed.
    pub fn take(&mut self, now: Instant) -> Option<(u16, u16)> {
        match self.pending {
            Some((size, at)) if at <= now => {
                self.pending = None;
                Some(size)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_burst_settles_on_the_last_size() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut d = ResizeDebounce::new(ms(50));
        assert_eq!(d.deadline(), None);
        d.push(80, 24, t0);
        d.push(90, 30, t0 + ms(20));
        assert_eq!(d.take(t0 + ms(60)), None);
        assert_eq!(d.deadline(), Some(t0 + ms(70)));
        assert_eq!(d.take(t0 + ms(70)), Some((90, 30)));
        assert_eq!(d.take(t0 + ms(200)), None);
        assert_eq!(d.deadline(), None);
    }

    #[test]
    fn restore_without_enter_is_a_no_op() {
        assert!(!is_active());
        restore().unwrap();
        restore().unwrap();
    }
}
