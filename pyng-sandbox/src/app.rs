//! The shared server state.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use pyng_spec::ir::Spec;

use crate::clock::{Clock, clamp_delay};
use crate::config::SandboxConfig;
use crate::plan::OpPlan;
use crate::state::Store;

#[derive(Debug)]
pub(crate) struct App {
    pub specs: Vec<Spec>,
    pub plans: Vec<OpPlan>,
    pub clock: Clock,
    pub store: Mutex<Store>,
    pub secrets: Secrets,
    pub token_ttl_seconds: u64,
    pub deadline_ttl_seconds: u64,
    pub slow_delay: Duration,
    pub max_resources: usize,
    /// Becomes `true` when shutdown starts (cuts `slow` delays short).
    pub shutdown: watch::Receiver<bool>,
    requests: AtomicU64,
}

/// Secrets, kept apart so that no `Debug` of the app prints them.
pub(crate) struct Secrets {
    pub client_id: String,
    pub client_secret: String,
    pub tokens: Vec<String>,
    pub peach: Vec<u8>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

impl App {
    pub(crate) fn new(config: SandboxConfig, shutdown: watch::Receiver<bool>) -> io::Result<App> {
        if !(config.time_scale.is_finite() && config.time_scale > 0.0) {
            return Err(invalid(format!(
                "the time scale must be a positive number, got {}",
                config.time_scale
            )));
        }
        let mut plans = Vec::new();
        let mut routes: BTreeMap<(String, String), String> = BTreeMap::new();
        for (i, spec) in config.specs.iter().enumerate() {
            for op in &spec.operations {
                let plan = OpPlan::new(i, spec, op);
                let key = (plan.route_path(), op.method.to_ascii_uppercase());
                if let Some(other) = routes.insert(key.clone(), format!("{}#{}", spec.name, op.id))
                {
                    return Err(invalid(format!(
                        "{} {} is served by both {other} and {}#{}",
                        key.1, key.0, spec.name, op.id
                    )));
                }
                if plan.signature.is_some() && config.peach_secret.is_empty() {
                    return Err(invalid(format!(
                        "{}#{} uses a signed query: a signing secret is required",
                        spec.name, op.id
                    )));
                }
                plans.push(plan);
            }
        }
        crate::roles::assign(&config.specs, &mut plans);
        Ok(App {
            specs: config.specs,
            plans,
            clock: Clock::new(config.time_scale),
            store: Mutex::new(Store::default()),
            secrets: Secrets {
                client_id: config.client_id,
                client_secret: config.client_secret,
                tokens: config.tokens,
                peach: config.peach_secret,
            },
            token_ttl_seconds: config.token_ttl_seconds,
            deadline_ttl_seconds: config.deadline_ttl_seconds,
            slow_delay: clamp_delay(config.slow_delay),
            max_resources: config.max_resources.max(1),
            shutdown,
            requests: AtomicU64::new(0),
        })
    }

    /// A poisoned lock only means another request panicked mid-update; the store
    /// stays usable, so recover it rather than fail every later request.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A per-request number mixed into error-body seeds.
    pub(crate) fn next_seed(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed)
    }
}
