//! `pyng-conformance.toml`: a pipeline's check policy written once instead of
//! repeated as flags. Found in the working directory or given with
//! `--config FILE`; a flag given on the command line wins over the file (a
//! list flag replaces the file's list). An unknown key is an error naming it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file `check` looks for in the working directory.
pub const FILE_NAME: &str = "pyng-conformance.toml";

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Spec files instead of the bundled ones, relative to the config file.
    #[serde(default)]
    pub specs: Vec<PathBuf>,
    #[serde(default)]
    pub deny: Vec<String>,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub strict: bool,
    /// The environment variable holding the signing secret (never the secret).
    pub secret_env: Option<String>,
    pub base_path: Option<String>,
    #[serde(default)]
    pub ignore_paths: Vec<String>,
    #[serde(default)]
    pub require_final: bool,
}

/// The config of a run: `explicit` if given (it must exist), else the file in
/// the working directory if there is one, else none.
pub fn find(explicit: Option<&Path>) -> Result<Option<Config>, String> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let here = PathBuf::from(FILE_NAME);
            if !here.is_file() {
                return Ok(None);
            }
            here
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the config {}: {e}", path.display()))?;
    let mut config = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    // Spec paths are the config's, wherever the run starts.
    let base = path.parent().unwrap_or(Path::new(""));
    for spec in &mut config.specs {
        if spec.is_relative() {
            *spec = base.join(&*spec);
        }
    }
    Ok(Some(config))
}

pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())
}

/// `flag` when given, else the config's.
pub fn list(flag: &mut Vec<String>, from_config: &[String]) {
    if flag.is_empty() {
        flag.extend_from_slice(from_config);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads() {
        let c = parse(
            r#"
specs = ["a.yaml"]
deny = ["state"]
allow = ["input.unmatched"]
strict = true
secret-env = "PEACH_TEST_SECRET"
base-path = "/gw"
ignore-paths = ["/health"]
require-final = true
"#,
        )
        .unwrap();
        assert_eq!(c.specs, [PathBuf::from("a.yaml")]);
        assert_eq!(c.deny, ["state"]);
        assert!(c.strict && c.require_final);
        assert_eq!(c.secret_env.as_deref(), Some("PEACH_TEST_SECRET"));
        assert_eq!(c.base_path.as_deref(), Some("/gw"));
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let e = parse("deny = []\nstrikt = true\n").unwrap_err();
        assert!(e.contains("strikt"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        let e = parse("deny = \"state\"").unwrap_err();
        assert!(e.contains("deny"), "{e}");
    }

    #[test]
    fn a_flag_list_replaces_the_config_list() {
        let mut flag = vec!["schema".to_owned()];
        list(&mut flag, &["state".to_owned()]);
        assert_eq!(flag, ["schema"]);
        let mut none = Vec::new();
        list(&mut none, &["state".to_owned()]);
        assert_eq!(none, ["state"]);
    }
}
