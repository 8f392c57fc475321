//! `pyng-conformance serve`: the sandbox server of `pyng-sandbox` on the loaded
//! specs, with its secrets from environment variables and a graceful shutdown on
//! Ctrl-C or SIGTERM, bounded by `--shutdown-grace`; a second signal exits at once.
//!
//! Exit codes: 0 after a signal-initiated stop (also when the grace period ran
//! out and the remaining connections were dropped); 128+N when a second signal N
//! cut the stop short (130 for SIGINT, 143 for SIGTERM); 1 when the server
//! failed while running; 2 on a usage error or an address it cannot bind.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pyng_sandbox::SandboxConfig;
use pyng_spec::ir::{SecurityScheme, Spec};

use super::{duration, env, usage};

/// Built-in sandbox credentials, used when the variables are unset. They are
/// documented (docs/live.md) and are no secret: the sandbox is a local test
/// server.
pub const SANDBOX_CLIENT_ID: &str = "sandbox-client";
pub const SANDBOX_CLIENT_SECRET: &str = "sandbox-client-secret";
pub const SANDBOX_SIGNING_SECRET: &str = "sandbox-signing-secret";

const AFTER_HELP: &str = "\
Bounds: a request head must arrive within --header-timeout (also the idle time \
allowed between keep-alive requests) and fit in 64 KiB; at most --max-connections \
connections are served at once, more wait in the listen backlog; accept errors \
such as EMFILE are logged and retried after 10 ms, doubling up to 1 s; request \
bodies are bounded by --max-body-bytes and --body-timeout, responses that the \
client does not read by --write-timeout; the `slow` fault \
waits at most 1 h and is cut short by shutdown.

Stopping: Ctrl-C or SIGTERM stops accepting, lets open connections finish for \
--shutdown-grace, then drops them; a second signal exits at once.

Exit codes: 0 stopped after a signal (also when the grace period ran out); \
130 / 143 (128 + signal number) a second SIGINT / SIGTERM cut the stop short; \
1 the server failed while running; 2 usage error or address not bindable.

Examples:
  pyng-conformance serve
  pyng-conformance serve --bind 127.0.0.1:0 --time-scale 100 --access-log";

#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Spec files to serve instead of the bundled ones (repeatable).
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,
    /// Sandbox seconds per real second: 100 makes a 60 s expiry pass in 0.6 s.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    time_scale: f64,
    /// Variable holding the client id the token endpoint accepts
    /// (unset: the built-in sandbox client).
    #[arg(long, default_value = "PYNG_CLIENT_ID", value_name = "NAME")]
    client_id_env: String,
    /// Variable holding that client's secret (unset: the built-in one).
    #[arg(long, default_value = "PYNG_CLIENT_SECRET", value_name = "NAME")]
    client_secret_env: String,
    /// Variable holding a bearer token accepted besides issued ones (unset: none).
    #[arg(long, default_value = "PYNG_ACCESS_TOKEN", value_name = "NAME")]
    token_env: String,
    /// Variable holding the signed-query secret (Peach's secret token; unset:
    /// the built-in one).
    #[arg(long, default_value = "PEACH_SECRET", value_name = "NAME")]
    signing_secret_env: String,
    /// Lifetime of issued tokens, sandbox seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    token_ttl: u64,
    /// Time to live of deadline-field timeouts (a session's expiresAt), sandbox seconds.
    #[arg(long, default_value_t = 900, value_name = "SECONDS")]
    deadline_ttl: u64,
    /// How long the `slow` fault delays its response (real time).
    #[arg(long, default_value = "30s", value_parser = duration::parse, value_name = "DURATION")]
    slow_delay: Duration,
    /// Bound on tracked resources, payment intents and issued tokens each.
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    max_resources: usize,
    /// A connection must send a complete request head within this time after it
    /// is accepted or after its previous response (the keep-alive idle timeout
    /// too), else it is closed.
    #[arg(long, default_value = "10s", value_parser = duration::parse, value_name = "DURATION")]
    header_timeout: Duration,
    /// Longest wait for the next part of a request body (then the request fails).
    #[arg(long, default_value = "10s", value_parser = duration::parse, value_name = "DURATION")]
    body_timeout: Duration,
    /// A response write that makes no progress this long (the client reads
    /// nothing) closes the connection.
    #[arg(long, default_value = "10s", value_parser = duration::parse, value_name = "DURATION")]
    write_timeout: Duration,
    /// Request bodies larger than this get a 413.
    #[arg(long, default_value_t = 64 * 1024, value_name = "BYTES")]
    max_body_bytes: usize,
    /// Connections served at once; more wait in the listen backlog. Keep it
    /// below the descriptor limit (`ulimit -n`).
    #[arg(long, default_value_t = 128, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// After Ctrl-C or SIGTERM, how long open connections may finish before they
    /// are dropped (a second signal exits at once).
    #[arg(long, default_value = "5s", value_parser = duration::parse, value_name = "DURATION")]
    shutdown_grace: Duration,
    /// Log one line per request to stderr: method, path, query parameter names
    /// (never values), status, scenario, fault and latency; no header is logged.
    #[arg(long)]
    access_log: bool,
}

pub fn run(args: ServeArgs) -> ExitCode {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return usage("--time-scale must be a positive number");
    }
    let engine = match crate::load(&args.specs) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut config = SandboxConfig::new(engine.specs().to_vec());
    config.bind = args.bind;
    config.time_scale = args.time_scale;
    config.token_ttl_seconds = args.token_ttl;
    config.deadline_ttl_seconds = args.deadline_ttl;
    config.slow_delay = args.slow_delay;
    config.max_resources = args.max_resources;
    config.header_read_timeout = args.header_timeout;
    config.body_read_timeout = args.body_timeout;
    config.write_timeout = args.write_timeout;
    config.max_body_bytes = args.max_body_bytes;
    config.max_connections = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    config.shutdown_grace = args.shutdown_grace;
    config.access_log = args.access_log;
    config.log = pyng_sandbox::Log::new(|line| eprintln!("pyng-conformance serve: {line}"));
    let mut defaults = Vec::new();
    let mut from_env = |name: &str, default: &str| -> Result<String, ExitCode> {
        match env::secret(name) {
            Ok(Some(v)) => Ok(v.expose().to_owned()),
            Ok(None) => {
                defaults.push(name.to_owned());
                Ok(default.to_owned())
            }
            Err(e) => Err(usage(e)),
        }
    };
    let secrets = (|| {
        Ok::<_, ExitCode>((
            from_env(&args.client_id_env, SANDBOX_CLIENT_ID)?,
            from_env(&args.client_secret_env, SANDBOX_CLIENT_SECRET)?,
            from_env(&args.signing_secret_env, SANDBOX_SIGNING_SECRET)?,
        ))
    })();
    let (client_id, client_secret, signing) = match secrets {
        Ok(s) => s,
        Err(code) => return code,
    };
    config.client_id = client_id;
    config.client_secret = client_secret;
    config.peach_secret = signing.into_bytes();
    match env::secret(&args.token_env) {
        Ok(Some(t)) => config.tokens = vec![t.expose().to_owned()],
        Ok(None) => {}
        Err(e) => return usage(e),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot start the runtime: {e}")),
    };
    let routes = routes(&config.specs);
    let code = runtime.block_on(async move {
        // Installed before the address is printed: a signal sent as soon as a
        // caller sees it is handled, not fatal.
        let mut signals = match Signals::new() {
            Ok(s) => s,
            Err(e) => return usage(format!("cannot handle signals: {e}")),
        };
        let (addr, handle) = match pyng_sandbox::spawn(config).await {
            Ok(x) => x,
            Err(e) => return usage(format!("cannot serve on {}: {e}", args.bind)),
        };
        // stdout, first line: scripts and tests read the address from it. A
        // reader that has gone (`| head -1`) does not stop the server.
        let mut listing = format!("pyng-conformance serve: listening on http://{addr}\n");
        for line in routes {
            listing.push_str(&format!("  {line}\n"));
        }
        {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(listing.as_bytes())
                .and_then(|()| stdout.flush());
        }
        if !defaults.is_empty() {
            eprintln!(
                "pyng-conformance serve: {} not set: using the built-in sandbox credentials (docs/live.md)",
                defaults.join(", ")
            );
        }
        eprintln!("pyng-conformance serve: press Ctrl-C to stop");
        signals.next().await;
        eprintln!(
            "pyng-conformance serve: shutting down (at most {:?}; Ctrl-C again to quit at once)",
            args.shutdown_grace
        );
        tokio::select! {
            done = handle.shutdown() => match done {
                Ok(()) => {
                    eprintln!("pyng-conformance serve: stopped");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("pyng-conformance serve: {e}");
                    ExitCode::FAILURE
                }
            },
            n = signals.next() => {
                eprintln!("pyng-conformance serve: second signal: quitting at once");
                ExitCode::from(128 + n)
            }
        }
    });
    // Open connections are not waited for (the grace period is over, or a second
    // signal asked to quit).
    runtime.shutdown_background();
    code
}

/// SIGINT (Ctrl-C) and SIGTERM; `next` gives the signal's number.
pub struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    pub async fn next(&mut self) -> u8 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => 2,
                _ = self.term.recv() => 15,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            2
        }
    }
}

/// One line per served route: method, path, operation and how it authenticates.
fn routes(specs: &[Spec]) -> Vec<String> {
    let mut out = Vec::new();
    for spec in specs {
        for op in &spec.operations {
            let auth: Vec<&str> = op
                .security
                .iter()
                .map(|n| match spec.security_schemes.get(n) {
                    Some(SecurityScheme::Bearer { .. }) => "bearer",
                    Some(SecurityScheme::Basic) => "basic",
                    Some(SecurityScheme::SignedQuery(_)) => "signed query",
                    _ => "other",
                })
                .collect();
            out.push(format!(
                "{:<5}{:<56} {} ({})",
                op.method.to_ascii_uppercase(),
                op.path,
                op.id,
                if auth.is_empty() {
                    "no auth".to_owned()
                } else {
                    auth.join(", ")
                }
            ));
        }
    }
    out
}
