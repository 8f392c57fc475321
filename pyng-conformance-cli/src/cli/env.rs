//! Secrets are read from environment variables named on the command line, never
//! from the command line itself. An empty variable counts as unset.

use pyng_conformance_cli::live::SecretString;

/// `Ok(None)` when unset or empty; `Err` when set but not UTF-8.
pub fn secret(name: &str) -> Result<Option<SecretString>, String> {
    match std::env::var(name) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(SecretString::new(v))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "the environment variable `{name}` is not valid UTF-8"
        )),
    }
}
