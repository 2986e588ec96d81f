//! Starting and stopping the workspace: the setup checks, the server on
//! its runtime, and a clean stop on a signal.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::{Accounts, Options, Workspace, accounts, listen, routes};
use crate::config::Config;
use crate::press::Press;
use crate::statements::outbox::{Outbox, SmtpMailer};

/// A running workspace (for tests and benchmarks): stops when dropped.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The workspace's state.
    pub workspace: Arc<Workspace>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    emails: Emails,
}

impl Running {
    /// The base address, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.emails.stop();
    }
}

/// The thread sending the outbox's emails while the workspace runs.
struct Emails {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emails {
    /// Starts sending, when the service sends email.
    fn start(workspace: &Arc<Workspace>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = workspace.press.config().smtp.is_some().then(|| {
            let (workspace, stop) = (workspace.clone(), stop.clone());
            std::thread::spawn(move || send_emails(&workspace.press, &stop))
        });
        Self { stop, thread }
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sends what the outbox owes, looking every second: the emails a step
/// queued leave within seconds of it, whichever door took it (the
/// workspace or the command line), and never in the step's own request. A
/// watcher or filing round holding the outbox's lock sends them instead;
/// whatever cannot be sent is retried as the outbox's backoff says.
fn send_emails(press: &Press, stop: &AtomicBool) {
    let Some(smtp) = &press.config().smtp else { return };
    let mailer = match SmtpMailer::new(smtp) {
        Ok(m) => m,
        Err(e) => return tracing::error!("the workspace cannot send email: {e}"),
    };
    let retry = Duration::from_secs(smtp.retry_seconds.max(1));
    let mut outbox = Outbox::new(press.layout(), press.modes());
    // Whatever an earlier process left owed is sent first.
    let mut owing = true;
    let mut tried: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        let due = owing && tried.is_none_or(|t| t.elapsed() >= retry.min(Duration::from_secs(30)));
        if due || outbox.steps_queued(press.layout()) {
            tried = Some(Instant::now());
            match outbox.deliver(press.service(), &mailer, retry, Utc::now()) {
                Ok(d) => {
                    owing = d.deferred || !d.unsent.is_empty();
                    if !d.sent.is_empty() {
                        tracing::info!("emails: {} sent", d.sent.len());
                    }
                    for u in d.unsent.iter().filter(|u| u.attempts > 0) {
                        tracing::warn!(
                            "an email about {} to {} not sent ({} attempts): {}",
                            u.notice.about(),
                            u.notice.to_name(),
                            u.attempts,
                            u.error.as_deref().unwrap_or("")
                        );
                    }
                }
                Err(e) => {
                    owing = true;
                    tracing::error!("the outbox could not be read or written: {e}");
                }
            }
        }
        let until = Instant::now() + Duration::from_secs(1);
        while !stop.load(Ordering::SeqCst) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Starts the workspace on a thread of its own; returns once it listens.
pub fn start(config: Config, options: Options) -> Result<Running, String> {
    let listen = options.listen.clone().unwrap_or_else(|| config.workspace.listen.clone());
    let workspace = Arc::new(prepare(config, &options)?);
    // Bound here, before the runtime exists, so that a caller inside a
    // runtime of its own (an async test) can start one too.
    let listener =
        std::net::TcpListener::bind(&listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let limits = limits(&config_of(&workspace));
    let runtime = runtime()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = routes::app(workspace.clone());
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => return tracing::error!("cannot listen: {e}"),
            };
            listen::serve(listener, app, limits, async move {
                let _ = stopped.await;
            })
            .await;
        });
    });
    let emails = Emails::start(&workspace);
    Ok(Running { addr, workspace, stop: Some(stop), thread: Some(thread), emails })
}

/// Runs the workspace until SIGINT or SIGTERM.
pub fn serve(config: Config, options: Options) -> Result<(), String> {
    let listen = options.listen.clone().unwrap_or_else(|| config.workspace.listen.clone());
    let workspace = Arc::new(prepare(config, &options)?);
    let runtime = runtime()?;
    let mut emails = Emails::start(&workspace);
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        tracing::info!("workspace listening on http://{addr}/ (stop with Ctrl-C)");
        let limits = limits(&config_of(&workspace));
        listen::serve(listener, routes::app(workspace), limits, shutdown()).await;
        Ok::<(), String>(())
    });
    emails.stop();
    served
}

fn config_of(workspace: &Workspace) -> crate::config::WorkspaceConfig {
    workspace.press.config().workspace.clone()
}

fn limits(config: &crate::config::WorkspaceConfig) -> listen::Limits {
    listen::Limits {
        header_time: Duration::from_secs(config.header_seconds.max(1)),
        per_address: config.connections_per_address.max(1),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("casepress-web")
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))
}

async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("workspace stopping");
}

/// Checks the setup before listening: an accounts file others can write is
/// refused (anyone could add themselves); one others can read is warned of.
fn prepare(config: Config, options: &Options) -> Result<Workspace, String> {
    let users = config.workspace.users.clone();
    if config.workspace.proxy.is_none() {
        match accounts::exposure(&users) {
            Some((true, mode)) => {
                return Err(format!(
                    "{}: others can change the accounts file (mode {mode:o}): chmod 600 it",
                    users.display()
                ));
            }
            Some((false, mode)) => tracing::warn!(
                "{}: others can read the accounts file (mode {mode:o}); chmod 600 it",
                users.display()
            ),
            None => {}
        }
        let accounts = Accounts::load(&users)?;
        if accounts.users.is_empty() {
            tracing::warn!("no accounts in {}: add one with `casepress user add NAME`", users.display());
        }
        if !config.workspace.require_second_factor {
            tracing::warn!(
                "workspace.require_second_factor is off: local accounts sign in with a password alone"
            );
        }
    } else if config.workspace.proxy.as_ref().is_some_and(|p| !p.require_mfa) {
        tracing::info!(
            "the sign-on proxy is trusted to have asked for a second factor (workspace.proxy.require_mfa is off)"
        );
    }
    let workspace = Workspace::with(config, options)?;
    let press = &workspace.press;
    let removed =
        crate::case::sweep_killed_writes(&press.config().paths.cases, press.layout().root(), press.records());
    if !removed.is_empty() {
        // The count only: a case file's name may be a child's.
        tracing::info!("removed {} temporary copies of case files that killed saves left", removed.len());
    }
    Ok(workspace)
}
