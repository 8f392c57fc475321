//! `pyng-conformance serve`: the sandbox server of `pyng-sandbox` on the loaded
//! specs, with its secrets from environment variables and a graceful shutdown on
//! Ctrl-C or SIGTERM.

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

#[derive(clap::Args)]
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
    runtime.block_on(async move {
        let (addr, handle) = match pyng_sandbox::spawn(config).await {
            Ok(x) => x,
            Err(e) => return usage(format!("cannot serve on {}: {e}", args.bind)),
        };
        // stdout, first line: scripts and tests read the address from it.
        println!("pyng-conformance serve: listening on http://{addr}");
        for line in routes {
            println!("  {line}");
        }
        if !defaults.is_empty() {
            eprintln!(
                "pyng-conformance serve: {} not set: using the built-in sandbox credentials (docs/live.md)",
                defaults.join(", ")
            );
        }
        eprintln!("pyng-conformance serve: press Ctrl-C to stop");
        shutdown_signal().await;
        eprintln!("pyng-conformance serve: shutting down");
        match handle.shutdown().await {
            Ok(()) => {
                eprintln!("pyng-conformance serve: stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pyng-conformance serve: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
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

/// One line per served route: method, path, operation and how it authenticates.
fn routes(specs: &[Spec]) -> Vec<String> {
    let mut out = Vec::new();
    for spec in specs {
        for op in &spec.operations {
            let auth: Vec<&str> = op
                .security
                .iter()
                .map(|n| match spec.security_schemes.get(n) {
                    Some(SecurityScheme::Bearer) => "bearer",
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
    out.push(format!(
        "{:<5}{:<56} token endpoint (client credentials)",
        "POST", "/checkout/oauth2/token"
    ));
    out.push(format!(
        "{:<5}{:<56} create payment intent (bearer)",
        "POST", "/checkout/{siteId}/payment-intent"
    ));
    out
}
