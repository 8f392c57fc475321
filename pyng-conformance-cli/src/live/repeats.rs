//! The live finding lines of `poll`, with repeats grouped: a finding that the
//! next responses repeat word for word is printed once, and when the run of
//! repeats ends, one line says where it repeated
//! (`   same error[rule] at /p in entries 1-4`). Every text is escaped: messages
//! quote response bodies.

use pyng_conformance::Finding;
use pyng_conformance::report::terminal::escape_controls;

/// severity, rule, pointer, message.
type Key = (String, String, Option<String>, String);

struct Group {
    key: Key,
    /// Entries after the one printed in full that repeated it.
    repeats: Option<(usize, usize)>,
    /// Still seen at the last exchange.
    seen: bool,
}

#[derive(Default)]
/// Live finding lines, with findings repeated by the following exchanges grouped.
pub struct Repeats {
    open: Vec<Group>,
}

impl std::fmt::Debug for Repeats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Repeats(<{} open>)", self.open.len())
    }
}

fn key(f: &Finding) -> Key {
    (
        f.severity.to_string(),
        f.rule.clone(),
        f.pointer.clone(),
        f.message.clone(),
    )
}

fn at(pointer: &Option<String>) -> String {
    pointer
        .as_deref()
        .map(|p| format!(" at {}", if p.is_empty() { "/" } else { p }))
        .unwrap_or_default()
}

/// `   severity[rule] at /p: message`, escaped.
pub fn finding_line(f: &Finding) -> String {
    let line = format!(
        "   {}[{}]{}: {}",
        f.severity,
        f.rule,
        at(&f.pointer),
        f.message
    );
    escape_controls(&line).into_owned()
}

fn summary(g: &Group) -> Option<String> {
    let (a, b) = g.repeats?;
    let (severity, rule, pointer, _) = &g.key;
    let entries = if a == b {
        format!("entry {a}")
    } else {
        format!("entries {a}-{b}")
    };
    let line = format!("   same {severity}[{rule}]{} in {entries}", at(pointer));
    Some(escape_controls(&line).into_owned())
}

impl Repeats {
    /// For exchange `entry`: the lines closing runs of repeats that this
    /// exchange ends (print them before the exchange's own line), and the
    /// lines of its findings not repeating the previous exchange's.
    pub fn exchange(&mut self, entry: usize, findings: &[Finding]) -> (Vec<String>, Vec<String>) {
        for g in &mut self.open {
            g.seen = false;
        }
        let mut fresh = Vec::new();
        for f in findings {
            let k = key(f);
            match self.open.iter_mut().find(|g| g.key == k && !g.seen) {
                Some(g) => {
                    g.seen = true;
                    let first = g.repeats.map_or(entry, |(a, _)| a);
                    g.repeats = Some((first, entry));
                }
                None => {
                    fresh.push(finding_line(f));
                    self.open.push(Group {
                        key: k,
                        repeats: None,
                        seen: true,
                    });
                }
            }
        }
        let mut closed = Vec::new();
        self.open.retain(|g| {
            if !g.seen
                && let Some(line) = summary(g)
            {
                closed.push(line);
            }
            g.seen
        });
        (closed, fresh)
    }

    /// The lines of the runs of repeats still open at the end.
    pub fn finish(&mut self) -> Vec<String> {
        self.open.drain(..).filter_map(|g| summary(&g)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_conformance::Severity;

    fn f(rule: &str, message: &str) -> Finding {
        let mut f = Finding::new(rule, Severity::Error, "x", message.to_owned());
        f.pointer = Some("/data/a".into());
        f
    }

    #[test]
    fn repeated_findings_are_grouped() {
        let mut r = Repeats::default();
        let same = [f("amount.x", "differs")];
        let (c, l) = r.exchange(0, &same);
        assert!(c.is_empty() && l.len() == 1 && l[0].contains("amount.x"));
        for e in 1..5 {
            assert_eq!(r.exchange(e, &same), (vec![], vec![]));
        }
        let (c, l) = r.exchange(5, &[]);
        assert_eq!(c, ["   same error[amount.x] at /data/a in entries 1-4"]);
        assert!(l.is_empty());
        r.exchange(6, &same);
        r.exchange(7, &same);
        assert_eq!(
            r.finish(),
            ["   same error[amount.x] at /data/a in entry 7"]
        );
        // Another message is another finding; controls are escaped.
        let (_, l) = r.exchange(8, &[f("a", "v\x1b[2J")]);
        assert!(!l[0].contains('\x1b'), "{l:?}");
    }
}
