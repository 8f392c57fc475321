//! SARIF 2.1.0: one run; the driver lists the rule catalogue, each finding is a
//! result located in its input file (the region only where the line in the file
//! is known, see [`super::input_position`]); the JSON pointer, entry, sequence,
//! operation, spec source and the position inside the body are result
//! properties.

use std::collections::HashMap;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

use super::{RunInfo, SpecInfo, TOOL_NAME, TOOL_VERSION, input_position};
use crate::engine::Report;
use crate::finding::{Finding, Severity};

/// The SARIF 2.1.0 schema the report names.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    specs: &'a [SpecInfo],
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    short_description: Message<'a>,
    default_configuration: Configuration,
    properties: DescriptorProperties<'a>,
}

#[derive(Serialize)]
struct DescriptorProperties<'a> {
    source: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message<'a>,
    locations: [Location; 1],
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    /// Line and column inside the response body text (see REPORT-FORMAT.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    body_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_column: Option<usize>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// What a URI reference may not hold literally (RFC 3986), beside controls.
const URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The input file as a URI reference: relative stays relative, absolute
/// becomes `file://`; backslashes become slashes; unsafe bytes are
/// percent-encoded. A relative path whose first segment holds a `:` gets a
/// `./` so that it is not read as a scheme.
pub fn file_uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let encoded = utf8_percent_encode(&path, URI).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else if let [drive, b':', b'/', ..] = path.as_bytes()
        && drive.is_ascii_alphabetic()
    {
        format!("file:///{encoded}")
    } else if encoded.split('/').next().is_some_and(|s| s.contains(':')) {
        format!("./{encoded}")
    } else {
        encoded
    }
}

/// The report as SARIF 2.1.0.
pub fn render(report: &Report, info: &RunInfo) -> String {
    let index: HashMap<&str, usize> = info
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let rules = info
        .rules
        .iter()
        .map(|r| Descriptor {
            id: &r.id,
            short_description: Message {
                text: &r.description,
            },
            default_configuration: Configuration {
                level: level(r.severity),
            },
            properties: DescriptorProperties { source: &r.source },
        })
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| result(f, info, &index))
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: TOOL_VERSION,
                    semantic_version: TOOL_VERSION,
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
            properties: RunProperties { specs: &info.specs },
        }],
    };
    let mut out =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}

fn result<'a>(f: &'a Finding, info: &RunInfo, index: &HashMap<&str, usize>) -> SarifResult<'a> {
    let region = input_position(f, info).map(|(line, column)| Region {
        start_line: line,
        start_column: column,
    });
    // `line`/`column` are body positions unless they are the file's own.
    let in_body = !info.bare && !f.rule.starts_with("input.");
    SarifResult {
        rule_id: &f.rule,
        rule_index: index.get(f.rule.as_str()).copied(),
        level: level(f.severity),
        message: Message { text: &f.message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: file_uri(&f.file),
                },
                region,
            },
        }],
        properties: ResultProperties {
            pointer: f.pointer.as_deref(),
            entry: f.entry,
            sequence: f.sequence.as_deref(),
            operation: f.operation.as_deref(),
            source: f.source.as_deref(),
            body_line: f.line.filter(|_| in_body),
            body_column: f.column.filter(|_| in_body),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::file_uri;

    #[test]
    fn uris() {
        assert_eq!(file_uri("examples/a b.har"), "examples/a%20b.har");
        assert_eq!(file_uri("/tmp/x#1.json"), "file:///tmp/x%231.json");
        assert_eq!(file_uri("C:\\data\\x.har"), "file:///C:/data/x.har");
        assert_eq!(file_uri("a:b.json"), "./a:b.json");
        assert_eq!(file_uri("ab:c/d.json"), "./ab:c/d.json");
    }
}
