//! `pyng-conformance proxy`: a checking reverse proxy on loopback. Wiring
//! only: forwarding is `live::proxy`, checking the engine's `Session` (live
//! findings on stderr) and, at the stop, the engine's check of the recording
//! itself, so that a later `check` of the written file reports the same.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use pyng_conformance::Engine;
use pyng_conformance::input::recording::exchange_item;
use pyng_conformance::report::terminal::escape_controls;
use pyng_conformance_cli::live::proxy::Proxy;
use pyng_conformance_cli::live::record::{Form, RecordedExchange};
use pyng_conformance_cli::live::{ClientConfig, HttpClient, Recording, Redactor, Sink, StopSignal};
use pyng_sandbox::server::Limits;

use super::recorded::Outputs;
use super::report::{ReportArgs, verdict};
use super::serve::Signals;
use super::{duration, env, usage};

#[derive(clap::Args)]
#[command(after_help = super::help::PROXY)]
pub struct ProxyArgs {
    /// The address to listen on: an IP address and port (port 0: any free
    /// one; the address is printed on stdout). Only loopback unless this
    /// names another address.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Where requests go, e.g. http://127.0.0.1:8080 or https://api.example
    /// (a path prefix is kept).
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// Spec files to load instead of the bundled ones (repeatable).
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,
    /// Write the traffic (redacted) to FILE in the kit's format (NDJSON,
    /// streamed, when FILE ends in .ndjson/.jsonl).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Write the traffic (redacted) as HAR 1.2.
    #[arg(long, value_name = "FILE")]
    har: Option<PathBuf>,
    /// Stop after this long without a request.
    #[arg(long, value_name = "DURATION", value_parser = duration::parse)]
    idle: Option<Duration>,
    /// Stop once this many sequences (operation and resource) have reached
    /// a final state.
    #[arg(long, value_name = "N")]
    until_final: Option<usize>,
    /// The environment variable holding the signing secret (verifies
    /// signatures; removed from every output).
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
    /// Fail the run when a sequence never reached a final state.
    #[arg(long)]
    require_final: bool,
    /// Connections served at once (more wait).
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_connections: usize,
    /// Limit on the upstream's connect, and on its response head and body each.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration::parse)]
    upstream_timeout: Duration,
    /// Print no finding lines while running (the report is still written).
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    report: ReportArgs,
}

pub fn run(args: ProxyArgs) -> ExitCode {
    let engine = match crate::load(&args.specs) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut engine = match args.report.configure(engine) {
        Ok(e) => e,
        Err(code) => return code,
    };
    engine = engine.require_final(args.require_final);
    let mut redactor = Redactor::default();
    if let Some(name) = &args.secret_env {
        match env::secret(name) {
            Ok(Some(s)) => {
                redactor.add(s.expose());
                engine = engine.with_secret(pyng_conformance::Secret::new(
                    s.expose().as_bytes().to_vec(),
                ));
            }
            Ok(None) => return usage(format!("the environment variable `{name}` is not set")),
            Err(e) => return usage(e),
        }
    }
    if !(args.upstream.starts_with("http://") || args.upstream.starts_with("https://")) {
        return usage("--upstream must be an http:// or https:// URL");
    }
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "pyng-conformance proxy: listening on {}, which is not loopback: other machines can send traffic through it",
            args.listen
        );
    }
    let info = args.report.run_info(&engine, false);
    let file_name = args
        .record
        .as_ref()
        .map_or_else(|| "<proxy>".to_owned(), |p| p.display().to_string());
    let form = args.record.as_deref().map_or(Form::Document, Form::of);
    let sink = match Sink::open(
        args.record.as_deref().map(|p| (p, form)),
        args.har.as_deref(),
        &Recording::new(None),
    ) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let stop = StopSignal::new();
    let client = HttpClient::new(ClientConfig {
        connect_timeout: args.upstream_timeout,
        read_timeout: args.upstream_timeout,
        retries: 0,
        ..ClientConfig::default()
    });
    let (tx, rx) = mpsc::channel();
    let proxy = Arc::new(Proxy::new(
        client,
        &args.upstream,
        redactor.clone(),
        tx,
        |line| eprintln!("pyng-conformance proxy: {}", escape_controls(line)),
    ));
    let checker = Checker {
        engine: &engine,
        file: file_name.as_str().into(),
        until_final: args.until_final,
        quiet: args.quiet,
        stop: stop.clone(),
    };
    let served = std::thread::scope(|scope| {
        let checked = scope.spawn(|| checker.run(rx, sink));
        let served = serve(&args, proxy, &stop);
        // The proxy (and its sender) is gone: the checker ends.
        let checked = checked.join();
        (served, checked)
    });
    let (served, checked) = served;
    let (recording, sink, seen) = match checked {
        Ok(x) => x,
        Err(_) => return usage("the checker stopped unexpectedly"),
    };
    let end = match served {
        Ok(why) => why,
        Err(e) => return usage(e),
    };
    eprintln!(
        "pyng-conformance proxy: {end}; {} exchange{} recorded",
        seen,
        if seen == 1 { "" } else { "s" }
    );
    let outputs = Outputs {
        record: args.record.as_deref(),
        har: args.har.as_deref(),
    };
    let (mut report, failed) = outputs.finish(&engine, sink, &recording, now_ms(), &file_name);
    engine.finish_run(&mut report, &file_name);
    let mut info = info;
    info.finish();
    if let Err(code) = args.report.emit(&report, &info) {
        return code;
    }
    if let Some(code) = failed {
        return code;
    }
    verdict(&report)
}

fn now_ms() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i128)
}

/// Serves until a signal, the idle timeout or the checker's stop; says why.
fn serve(args: &ProxyArgs, proxy: Arc<Proxy>, stop: &StopSignal) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let result = runtime.block_on(async {
        let mut signals = Signals::new().map_err(|e| format!("cannot handle signals: {e}"))?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        // stdout, one line: scripts and tests read the address from it.
        {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "pyng-conformance proxy: listening on http://{addr}")
                .and_then(|()| out.flush());
        }
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let limits = Limits {
            header_read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            max_connections: args.max_connections.max(1),
            shutdown_grace: Duration::from_secs(5),
            access_log: false,
            log: pyng_sandbox::Log::stderr(),
        };
        let server = tokio::spawn(pyng_sandbox::server::run(
            listener,
            proxy.clone().router(),
            limits,
            stop_rx,
        ));
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        let why = loop {
            tokio::select! {
                n = signals.next() => break format!("stopped by signal {n}"),
                _ = tick.tick() => {
                    if stop.is_stopped() {
                        break format!("{} sequence(s) reached a final state", args.until_final.unwrap_or(0));
                    }
                    if let Some(idle) = args.idle && proxy.idle_for() >= idle {
                        break format!("idle for {}", duration::show(idle));
                    }
                }
            }
        };
        let _ = stop_tx.send(true);
        let _ = server.await;
        Ok(why)
    });
    runtime.shutdown_background();
    result
}

/// Checks the exchanges in the order the proxy captured them.
struct Checker<'e> {
    engine: &'e Engine,
    file: Arc<str>,
    until_final: Option<usize>,
    quiet: bool,
    stop: StopSignal,
}

impl Checker<'_> {
    /// Until every sender is gone: the recording, the sink and how many
    /// exchanges there were.
    fn run(
        &self,
        exchanges: mpsc::Receiver<RecordedExchange>,
        mut sink: Sink,
    ) -> (Recording, Sink, usize) {
        let mut session = self.engine.session(&self.file);
        let mut recording = Recording::new(None);
        let mut finals = BTreeSet::new();
        let mut seen = 0;
        for x in exchanges {
            let entry = seen + usize::from(sink.streams());
            let findings = session.check(exchange_item(&self.file, entry, &x.to_json()));
            if !self.quiet {
                for f in &findings {
                    eprintln!(
                        "pyng-conformance proxy: {} {} {}: {} {}",
                        x.status,
                        x.method,
                        escape_controls(&x.url),
                        f.rule,
                        escape_controls(&f.message)
                    );
                }
            }
            if let Some(state) = self.engine.state_seen(&x.method, &x.url, x.status, &x.body)
                && state.is_final
            {
                finals.insert((state.operation, state.resource));
            }
            seen += 1;
            sink.push(x, &mut recording);
            if self.until_final.is_some_and(|n| finals.len() >= n) {
                self.stop.stop();
            }
        }
        drop(session);
        (recording, sink, seen)
    }
}
