//! `pyng-conformance poll`: live checking of one resource. Wiring only: the
//! target, credentials and loop are `pyng_conformance_cli::live`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pyng_conformance::Finding;
use pyng_conformance::report::terminal::escape_controls;
use pyng_conformance_cli::live::creation::{Creation, CreationArgs};
use pyng_conformance_cli::live::poller::{Observer, PollRun};
use pyng_conformance_cli::live::record::{Form, RecordedExchange};
use pyng_conformance_cli::live::repeats::Repeats;
use pyng_conformance_cli::live::status_line::{Progress, StatusLine};
use pyng_conformance_cli::live::{
    Auth, BearerSource, ClientConfig, HttpClient, PollConfig, Poller, Redactor, Sink, StopSignal,
    Target,
};

use super::recorded::Outputs;
use super::report::{ReportArgs, verdict};
use super::{duration, env, usage};

/// Shorthand flags: each names an operation and the parameter it fills. They
/// only spell `--operation` and `--param`; the polling itself is spec-driven.
const RESOURCE_SHORTHANDS: [(&str, &str, &str); 3] = [
    (
        "--payment-intent",
        "getTransactionStatus",
        "paymentIntentId",
    ),
    (
        "--checkout-session",
        "getCheckoutSessionStatus",
        "checkoutSessionId",
    ),
    ("--peach-checkout", "getCheckoutStatus", "checkoutId"),
];

#[derive(clap::Args)]
#[command(after_help = super::help::POLL)]
pub struct PollArgs {
    /// The server, e.g. http://127.0.0.1:8080 (a path prefix is kept).
    #[arg(long, value_name = "URL")]
    base_url: String,
    /// A gateway prefix the spec does not know (`/gateway/v1`): requests go
    /// to --base-url, the prefix, then the operation's path, and are
    /// checked without it (as `check --base-path` reads them).
    #[arg(long, value_name = "PREFIX")]
    base_path: Option<String>,
    /// The operation to poll (an operationId of a loaded spec).
    #[arg(long, value_name = "OPERATION_ID")]
    operation: Option<String>,
    /// A path, query or header parameter of the operation (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = pair('='))]
    params: Vec<(String, String)>,
    /// An extra request header (repeatable); credentials are refused here.
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = pair(':'))]
    headers: Vec<(String, String)>,
    /// Shorthand: --operation getTransactionStatus --param paymentIntentId=ID.
    #[arg(long, value_name = "ID")]
    payment_intent: Option<String>,
    /// Shorthand: --operation getCheckoutSessionStatus --param checkoutSessionId=ID.
    #[arg(long, value_name = "ID")]
    checkout_session: Option<String>,
    /// Shorthand: --operation getCheckoutStatus --param checkoutId=ID.
    #[arg(long, value_name = "ID")]
    peach_checkout: Option<String>,
    /// Shorthand: --param siteId=SITE.
    #[arg(long, value_name = "SITE")]
    site: Option<String>,
    /// Shorthand: --param authentication.entityId=ID.
    #[arg(long, value_name = "ID")]
    entity_id: Option<String>,
    /// Spec files to load instead of the bundled ones (repeatable).
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,

    /// Begin with the creation call: the operation whose success response's
    /// `links` lead to the polled one (default with a --create-body: the one
    /// operation that links to --operation). Its link fills the polled
    /// operation's parameters; `--param`s go to whichever has them.
    #[arg(long, value_name = "OPERATION_ID")]
    create: Option<String>,
    /// The creation's request body (JSON; form text for a form-only operation).
    #[arg(long, value_name = "BODY", conflicts_with = "create_body_file")]
    create_body: Option<String>,
    /// The creation's request body, from a file.
    #[arg(long, value_name = "FILE")]
    create_body_file: Option<PathBuf>,

    /// Time between polls (default: the operation's x-polling interval).
    #[arg(long, value_parser = duration::parse, value_name = "DURATION")]
    interval: Option<Duration>,
    /// Stop polling after this long (default: 15m, or the state machine's
    /// longest timeout plus two intervals).
    #[arg(long, value_parser = duration::parse, value_name = "DURATION")]
    deadline: Option<Duration>,
    /// Polls after the first final state, to see that it is kept.
    #[arg(long, default_value_t = 1, value_name = "N")]
    confirm_final: u32,
    #[arg(long, default_value = "10s", value_parser = duration::parse, value_name = "DURATION")]
    connect_timeout: Duration,
    /// Limit for the response head and for the body, each.
    #[arg(long, default_value = "30s", value_parser = duration::parse, value_name = "DURATION")]
    read_timeout: Duration,
    /// Further attempts after a connection error, a 5xx or a 429.
    #[arg(long, default_value_t = 3, value_name = "N")]
    retries: u32,
    /// First backoff between attempts (doubles each time).
    #[arg(long, default_value = "1s", value_parser = duration::parse, value_name = "DURATION")]
    backoff: Duration,
    /// Cap on one backoff or Retry-After wait.
    #[arg(long, default_value = "60s", value_parser = duration::parse, value_name = "DURATION")]
    max_wait: Duration,

    /// Variable holding a bearer token.
    #[arg(long, default_value = "PYNG_ACCESS_TOKEN", value_name = "NAME")]
    token_env: String,
    /// Variable holding the client id (client credentials, when no token is set).
    #[arg(long, default_value = "PYNG_CLIENT_ID", value_name = "NAME")]
    client_id_env: String,
    /// Variable holding the client secret.
    #[arg(long, default_value = "PYNG_CLIENT_SECRET", value_name = "NAME")]
    client_secret_env: String,
    /// Token endpoint (default: the path of the spec's OAuth 2.0 `tokenUrl` on
    /// the polled host).
    #[arg(long, value_name = "URL")]
    token_url: Option<String>,
    /// Scope to ask the token endpoint for.
    #[arg(long, value_name = "SCOPE")]
    scope: Option<String>,
    /// Variable holding the signed-query secret (Peach's secret token)
    /// [default: the config's `secret-env`, else PEACH_SECRET].
    #[arg(long, value_name = "NAME")]
    signing_secret_env: Option<String>,
    /// The policy file (default: `pyng-conformance.toml` in the working
    /// directory, when there is one); flags win over it. `poll` reads its
    /// specs, deny, allow, strict, secret-env and require-final keys.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Fail the run when the resource never reached a final state of its
    /// state machine (`state.final-not-reached`).
    #[arg(long)]
    require_final: bool,

    /// Write the run as a recording (.json document, or .ndjson/.jsonl stream).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Also write the run as HAR 1.2.
    #[arg(long, value_name = "FILE")]
    har: Option<PathBuf>,
    /// No per-response lines and no status line on stderr.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    report: ReportArgs,
}

fn pair(sep: char) -> impl Fn(&str) -> Result<(String, String), String> + Clone {
    move |s: &str| match s.split_once(sep) {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME{sep}VALUE, got `{s}`")),
    }
}

/// `--param NAME=VALUE`s, in the order given.
type Params = Vec<(String, String)>;

/// `--operation` (none yet when a creation's link names it) and `--param`s
/// after the shorthands.
fn operation_and_params(args: &PollArgs) -> Result<(Option<String>, Params), String> {
    let mut operation = args.operation.clone();
    let mut params = args.params.clone();
    let given = [
        &args.payment_intent,
        &args.checkout_session,
        &args.peach_checkout,
    ];
    for ((flag, op, param), value) in RESOURCE_SHORTHANDS.iter().zip(given) {
        let Some(value) = value else { continue };
        match &operation {
            Some(o) if o != op => {
                return Err(format!("{flag} polls {op}, but the operation is {o}"));
            }
            _ => operation = Some((*op).to_owned()),
        }
        params.push(((*param).to_owned(), value.clone()));
    }
    if let Some(site) = &args.site {
        params.push(("siteId".to_owned(), site.clone()));
    }
    if let Some(entity) = &args.entity_id {
        params.push(("authentication.entityId".to_owned(), entity.clone()));
    }
    Ok((operation, params))
}

/// What to poll when no creation begins the flow.
const SAY_WHAT_TO_POLL: &str = "say what to poll: --operation ID with --param NAME=VALUE, or --payment-intent, --checkout-session, --peach-checkout, or --create OPERATION_ID with --create-body";

/// The creation's request body from `--create-body` or `--create-body-file`.
fn create_body(args: &PollArgs) -> Result<Option<Vec<u8>>, String> {
    if let Some(text) = &args.create_body {
        return Ok(Some(text.as_bytes().to_vec()));
    }
    match &args.create_body_file {
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|e| format!("--create-body-file {}: {e}", path.display())),
        None => Ok(None),
    }
}

/// The signing secret's variable when neither the flag nor the config names one.
const DEFAULT_SIGNING_SECRET_ENV: &str = "PEACH_SECRET";

impl PollArgs {
    fn signing_secret_env(&self) -> &str {
        self.signing_secret_env
            .as_deref()
            .unwrap_or(DEFAULT_SIGNING_SECRET_ENV)
    }

    /// The config file under the flags, as for `check`; the keys about
    /// recorded traffic (`base-path`, `ignore-paths`) do not apply to a poll
    /// (`--base-path` also changes the requests poll sends, so only the flag
    /// sets it).
    fn apply_config(&mut self, config: super::config::Config) {
        use super::config::list;
        if self.specs.is_empty() {
            self.specs = config.specs;
        }
        list(&mut self.report.deny, &config.deny);
        list(&mut self.report.allow, &config.allow);
        self.report.strict |= config.strict;
        self.require_final |= config.require_final;
        if self.signing_secret_env.is_none() {
            self.signing_secret_env = config.secret_env;
        }
    }
}

pub fn run(mut args: PollArgs) -> ExitCode {
    match super::config::find(args.config.as_deref()) {
        Ok(Some(config)) => args.apply_config(config),
        Ok(None) => {}
        Err(e) => return usage(e),
    }
    // The client here is `poll` itself, on the intervals it was given: the
    // `client` rules judge a partner's client (`proxy`, `check`), not the kit.
    if !args.report.deny.iter().any(|d| d.starts_with("client")) {
        args.report.allow.push("client".to_owned());
    }
    let (operation, params) = match operation_and_params(&args) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let engine = match crate::load(&args.specs) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut engine = match args.report.configure(engine) {
        Ok(e) => e,
        Err(code) => return code,
    };
    engine = engine.require_final(args.require_final);
    // The target borrows the specs, so resolve it on a copy of them while the
    // engine (which owns its specs) is configured further.
    let specs = engine.specs().to_vec();
    let mut base_url = args.base_url.trim_end_matches('/').to_owned();
    if let Some(prefix) = args.base_path.as_deref() {
        engine = engine.with_base_path(prefix);
        let prefix = prefix.trim_matches('/');
        if !prefix.is_empty() {
            base_url = format!("{base_url}/{prefix}");
        }
    }
    let creating =
        args.create.is_some() || args.create_body.is_some() || args.create_body_file.is_some();
    let creation = if creating {
        let body = match create_body(&args) {
            Ok(b) => b,
            Err(e) => return usage(e),
        };
        let flow = CreationArgs {
            create: args.create.clone(),
            operation: operation.clone(),
            params: params.clone(),
            headers: args.headers.clone(),
            body,
        };
        match Creation::resolve(&specs, &base_url, flow) {
            Ok(c) => Some(c),
            Err(e) => return usage(e),
        }
    } else {
        None
    };
    let polled_alone;
    let target = match &creation {
        Some(c) => &c.status,
        None => {
            let Some(operation) = &operation else {
                return usage(SAY_WHAT_TO_POLL);
            };
            polled_alone =
                match Target::resolve(&specs, operation, &base_url, &params, &args.headers) {
                    Ok(t) => t,
                    Err(e) => return usage(e),
                };
            &polled_alone
        }
    };
    let auth = match credentials(&args, target) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    if let Some(missing) = creation.as_ref().and_then(|c| auth.missing_for(&c.target)) {
        return usage(missing);
    }
    let redactor = known_secrets(&args, &auth);
    if let Some(secret) = auth.signing_secret().filter(|_| target.signature.is_some()) {
        // The same secret verifies signatures in the checks (give it to `check
        // --secret-env` too, for the same offline findings).
        engine = engine.with_secret(pyng_conformance::Secret::new(
            secret.expose().as_bytes().to_vec(),
        ));
    }
    for name in &target.unsupported_security {
        eprintln!(
            "pyng-conformance poll: security scheme `{name}` is not supported; requests go without it"
        );
    }
    let interval = args
        .interval
        .or(target.interval())
        .unwrap_or(Duration::from_secs(5));
    let deadline = args.deadline.unwrap_or_else(|| target.default_deadline());
    let stop = StopSignal::new();
    {
        let stop = stop.clone();
        let installed = ctrlc::set_handler(move || {
            if stop.is_stopped() {
                // A second Ctrl-C: do not wait for the request in flight.
                std::process::exit(130);
            }
            eprintln!(
                "\npyng-conformance poll: stopping after the request in flight (Ctrl-C again to quit at once)"
            );
            stop.stop();
        });
        if let Err(e) = installed {
            eprintln!("pyng-conformance poll: Ctrl-C will not save the run: {e}");
        }
    }
    let client = HttpClient::new(ClientConfig {
        connect_timeout: args.connect_timeout,
        read_timeout: args.read_timeout,
        retries: args.retries,
        backoff: args.backoff,
        max_wait: args.max_wait,
    });
    let file_name = args
        .record
        .as_ref()
        .map_or_else(|| "<live>".to_owned(), |p| p.display().to_string());
    let form = args.record.as_deref().map_or(Form::Document, Form::of);
    let spec = Some((target.spec.title.clone(), target.spec.version.clone()));
    let sink = match Sink::open(
        args.record.as_deref().map(|p| (p, form)),
        args.har.as_deref(),
        &pyng_conformance_cli::live::Recording::new(spec),
    ) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let mut auth = auth;
    let mut console = Console {
        line: StatusLine::new(!args.quiet && std::io::stderr().is_terminal()),
        quiet: args.quiet,
        repeats: Repeats::default(),
    };
    if !args.quiet {
        console
            .line
            .println(&escape_controls(&redactor.text(&format!(
                "pyng-conformance poll: {} every {} for at most {}",
                match &creation {
                    Some(c) => format!(
                        "{} {}, then {} from its link,",
                        c.target.op.method.to_ascii_uppercase(),
                        c.target.url(None),
                        target.op.id
                    ),
                    None => target.url(None),
                },
                duration::show(interval),
                duration::show(deadline)
            ))));
    }
    let mut info = args.report.run_info(&engine, false);
    let run = Poller {
        engine: &engine,
        target,
        creation: creation.as_ref(),
        client: &client,
        auth: &mut auth,
        stop: &stop,
        config: PollConfig {
            interval,
            deadline,
            confirm_final: args.confirm_final,
        },
        file_name: file_name.clone(),
        form,
        redactor,
        sink,
    }
    .run(&mut console);
    console.finish();
    let PollRun {
        recording,
        recorded,
        end,
        polls,
        redactor,
        sink,
        ..
    } = run;
    eprintln!(
        "pyng-conformance poll: {} after {polls} poll{}, {recorded} response{} recorded",
        escape_controls(&redactor.text(&end.to_string())),
        if polls == 1 { "" } else { "s" },
        if recorded == 1 { "" } else { "s" },
    );
    // The report is the engine's check of the recording's own bytes: a later
    // `check` of the written file reports exactly this.
    let outputs = Outputs {
        record: args.record.as_deref(),
        har: args.har.as_deref(),
    };
    let recorded_at = client.clock().now_ms();
    let (mut report, failed) = outputs.finish(&engine, sink, &recording, recorded_at, &file_name);
    // A run that stopped early says so in every format: what it did not
    // poll is not checked.
    let interrupted = matches!(end, pyng_conformance_cli::live::poller::End::Interrupted);
    if end.is_failure() || interrupted {
        let why = format!(
            "{} after {polls} poll{}",
            redactor.text(&end.to_string()),
            if polls == 1 { "" } else { "s" }
        );
        engine.aborted(&mut report, &file_name, &why);
    }
    engine.finish_run(&mut report, &file_name);
    info.finish();
    if let Err(code) = args.report.emit(&report, &info) {
        return code;
    }
    if let Some(code) = failed {
        return code;
    }
    if interrupted {
        // 128 + SIGINT; SIGTERM ends the same way (one handler for both).
        return ExitCode::from(130);
    }
    if end.is_failure() {
        return ExitCode::from(2);
    }
    verdict(&report)
}

/// Every secret the run knows, used or not (a signing secret given to a
/// bearer poll through `--header` is still a secret), for every printed or
/// recorded text.
fn known_secrets(args: &PollArgs, auth: &Auth) -> Redactor {
    let mut r = Redactor::default();
    let names = [
        &args.token_env,
        &args.client_id_env,
        &args.client_secret_env,
        args.signing_secret_env(),
    ];
    for name in names {
        if let Ok(Some(s)) = env::secret(name) {
            r.add(s.expose());
        }
    }
    for s in auth.secrets() {
        r.add(s);
    }
    for s in auth.derived_secrets() {
        r.add(&s);
    }
    r
}

/// The credentials the target's `security` needs, from the environment.
fn credentials(args: &PollArgs, target: &Target<'_>) -> Result<Auth, String> {
    let bearer = if target.needs_bearer {
        if let Some(token) = env::secret(&args.token_env)? {
            Some(BearerSource::Token(token))
        } else {
            match (
                env::secret(&args.client_id_env)?,
                env::secret(&args.client_secret_env)?,
            ) {
                (Some(client_id), Some(client_secret)) => Some(BearerSource::ClientCredentials {
                    token_url: args
                        .token_url
                        .clone()
                        .or_else(|| target.default_token_url())
                        .ok_or_else(|| {
                            format!(
                                "{}: its bearer scheme names no OAuth 2.0 `tokenUrl`; pass --token-url",
                                target.op.id
                            )
                        })?,
                    client_id,
                    client_secret,
                    scope: args.scope.clone(),
                }),
                _ => {
                    return Err(format!(
                        "{} uses bearer authentication: set {} to a token, or {} and {} to client credentials",
                        target.op.id, args.token_env, args.client_id_env, args.client_secret_env
                    ));
                }
            }
        }
    } else {
        None
    };
    let signing = if target.signature.is_some() {
        match env::secret(args.signing_secret_env())? {
            Some(s) => Some(s),
            None => {
                return Err(format!(
                    "{} uses a signed query: set {} to the signing secret",
                    target.op.id,
                    args.signing_secret_env()
                ));
            }
        }
    } else {
        None
    };
    let auth = Auth::new(bearer, signing);
    match auth.missing_for(target) {
        Some(m) => Err(m),
        None => Ok(auth),
    }
}

/// stderr: a line per response and per finding as they arrive (repeats
/// grouped, everything escaped), and the status line on a terminal.
struct Console {
    line: StatusLine,
    quiet: bool,
    repeats: Repeats,
}

impl Console {
    fn finish(&mut self) {
        for l in self.repeats.finish() {
            if !self.quiet {
                self.line.println(&l);
            }
        }
        self.line.clear();
    }
}

impl Observer for Console {
    fn exchange(
        &mut self,
        entry: usize,
        x: &RecordedExchange,
        state: Option<&str>,
        findings: &[Finding],
    ) {
        let (closed, fresh) = self.repeats.exchange(entry, findings);
        if self.quiet {
            return;
        }
        for l in closed {
            self.line.println(&l);
        }
        self.line.println(&escape_controls(&format!(
            "#{entry} HTTP {} {} ({} ms)",
            x.status,
            state.unwrap_or("-"),
            x.elapsed_ms
        )));
        for l in fresh {
            self.line.println(&l);
        }
    }

    fn note(&mut self, message: &str) {
        if !self.quiet {
            self.line
                .println(&escape_controls(&format!("   {message}")));
        }
    }

    fn progress(&mut self, p: &Progress) {
        self.line.show(p);
    }
}
