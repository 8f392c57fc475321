//! The `after_help` text of each subcommand (exit codes and examples), and the
//! hidden `completions` and `man` subcommands that render the clap `Command`.

use std::path::Path;
use std::process::ExitCode;

use super::usage;

pub const TOP: &str = "\
Exit codes (check, poll): 0 no error found; 1 errors found (the report says \
which); 2 usage error, a spec that does not load, a report that cannot be \
written. `<command> --help` has each command's own.

Shell completions and a man page: `pyng-conformance completions bash|zsh|fish|elvish|powershell`, \
`pyng-conformance man [--out DIR]`.";

pub const CHECK: &str = "\
Exit codes: 0 no error (warnings do not count unless --strict); 1 errors found \
(also an input that cannot be read or parsed: it is an `input.*` or `schema.*` \
finding); 2 usage error, a --spec that does not load, an unknown rule in \
--deny/--allow, an unset --secret-env variable, a report that cannot be written.

Examples:
  pyng-conformance check recordings/
  pyng-conformance check recordings/ --format junit --output pyng-junit.xml --strict";

pub const RULES: &str = "\
Exit codes: 0 listed; 2 a --spec that does not load.

Examples:
  pyng-conformance rules
  pyng-conformance rules --spec specs/pyng/transaction-status.yaml";

pub const GEN_CORPUS: &str = "\
Exit codes: 0 written; 2 the output cannot be written.

Examples:
  pyng-conformance gen-corpus --size 1000 --output corpus.ndjson
  pyng-conformance gen-corpus --seed 7 > corpus.ndjson";

pub const POLL: &str = "\
Ctrl-C or SIGTERM stops after the request in flight and still writes the \
recording and the report; a second Ctrl-C quits at once without them (exit 130).

Exit codes: 0 no finding is an error; 1 one is (--deny, --allow, --strict as \
for check); 2 usage or configuration error (unknown operation or parameter, bad \
URL, missing credential variable, refused token request, a bearer token the \
server refuses, any other client-fault 4xx, a creation (--create) that leads \
to no resource to poll, a spec that does not load, a \
recording or HAR that cannot be written) and a server that cannot be reached, \
speaks no HTTP or sends a body over the limit; 130 a second Ctrl-C.

Examples:
  PYNG_CLIENT_ID=sandbox-client PYNG_CLIENT_SECRET=sandbox-client-secret \\
    pyng-conformance poll --base-url http://127.0.0.1:8080 --payment-intent pi-settled-3 --site site-1 --record settled.json
  pyng-conformance poll --base-url http://127.0.0.1:8080 --payment-intent pi-settled-3.amount-mismatch \\
    --site site-1 --interval 1s --format junit --output poll-junit.xml
  pyng-conformance poll --base-url http://127.0.0.1:8080 --create createPaymentIntent \\
    --param siteId=site-1 --create-body '{\"amount\":1500}' --record flow.json";

pub const REDACT: &str = "\
Exit codes: 0 written; 2 usage error, an unset --secret-env variable, an input \
that cannot be read, an output that cannot be written (nothing is left half \
written), an NDJSON line over 256 MiB.

Redaction is idempotent (redacting the output again changes nothing). JSON \
that is not one document is redacted line by line; text that is not JSON \
loses only the --secret-env values.

Examples:
  pyng-conformance redact capture.har capture.redacted.har
  SK=... pyng-conformance redact --secret-env SK run.ndjson - | gzip > run.ndjson.gz";

pub const PROXY: &str = "\
Exit codes: 0 no error found in the traffic; 1 errors found; 2 usage error, a \
--spec that does not load, an address it cannot listen on, a recording or \
report that cannot be written. A stop by SIGINT/SIGTERM, --idle or \
--until-final ends the run normally: the report is written.

It listens on loopback (127.0.0.1) unless --listen names another address \
(then it says so on stderr). Point any client's base URL at the address it \
prints on stdout. Bounds: --max-connections, request bodies of 16 MiB, \
response bodies of 16 MiB, --upstream-timeout, 30 s for a request head.

Examples:
  pyng-conformance proxy --listen 127.0.0.1:8081 --upstream http://127.0.0.1:8080 --record run.ndjson --until-final 1
  pyng-conformance proxy --upstream https://sandbox.example --idle 30s --format junit --output proxy-junit.xml";

pub const COMPLETIONS: &str = "\
Exit codes: 0 written; 2 usage error.

Examples:
  pyng-conformance completions bash > ~/.local/share/bash-completion/completions/pyng-conformance
  pyng-conformance completions zsh > \"${fpath[1]}/_pyng-conformance\"";

pub const MAN: &str = "\
Exit codes: 0 written; 2 usage error or a page that cannot be written.

Examples:
  pyng-conformance man | man -l -
  pyng-conformance man --out /usr/local/share/man/man1";

/// Writes the completion script for `shell` to stdout.
pub fn completions(mut cmd: clap::Command, shell: clap_complete::Shell) -> ExitCode {
    let name = cmd.get_name().to_owned();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut out);
    match super::write_stdout(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage(format!("cannot write the completions: {e}")),
    }
}

/// The man page of `cmd` to stdout, or, with `out`, one page per (sub)command
/// into that directory (`pyng-conformance.1`, `pyng-conformance-check.1`, ...).
pub fn man(cmd: clap::Command, out: Option<&Path>) -> ExitCode {
    let written = match out {
        Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .and_then(|()| super::write_stdout(&page))
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage(format!("cannot write the man page: {e}")),
    }
}
