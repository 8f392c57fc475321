//! Request -> operation: method and path template of every loaded spec's
//! operations, on any host.

use std::borrow::Cow;

use pyng_spec::ir::Spec;
use smallvec::SmallVec;

/// An operation of a loaded spec: indices into the engine's specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct OpRef {
    pub spec: usize,
    pub op: usize,
}

#[derive(Debug, Clone)]
enum Seg {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone)]
struct Route {
    method: String,
    segments: Vec<Seg>,
    literals: usize,
    op: OpRef,
}

/// Routes of all operations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher {
    routes: Vec<Route>,
    /// A gateway prefix the specs do not know (`--base-path`), without a
    /// trailing `/`: stripped from a path that starts with it.
    base_path: Option<String>,
}

/// A matched request: the operation and its decoded path parameters (names
/// borrowed from the route, values from the path unless they were decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Match<'r, 'p> {
    pub op: OpRef,
    /// Inline: a template has a few parameters.
    pub path_params: SmallVec<[(&'r str, Cow<'p, str>); 2]>,
}

impl Matcher {
    pub(crate) fn new(specs: &[Spec]) -> Matcher {
        let mut routes = Vec::new();
        for (si, spec) in specs.iter().enumerate() {
            for (oi, op) in spec.operations.iter().enumerate() {
                let segments: Vec<Seg> = split(&op.path)
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Seg::Param(name.to_owned()),
                            None => Seg::Literal(s.to_owned()),
                        },
                    )
                    .collect();
                let literals = segments
                    .iter()
                    .filter(|s| matches!(s, Seg::Literal(_)))
                    .count();
                routes.push(Route {
                    method: op.method.to_ascii_uppercase(),
                    segments,
                    literals,
                    op: OpRef { spec: si, op: oi },
                });
            }
        }
        // The most specific template wins when several match (`/a/b` over `/a/{x}`).
        routes.sort_by_key(|r| std::cmp::Reverse(r.literals));
        Matcher {
            routes,
            base_path: None,
        }
    }

    /// Paths that start with `prefix` (`/gateway/v1`) are matched without it.
    pub(crate) fn with_base_path(mut self, prefix: &str) -> Matcher {
        let trimmed = prefix.trim_end_matches('/');
        self.base_path = (!trimmed.is_empty()).then(|| {
            if trimmed.starts_with('/') {
                trimmed.to_owned()
            } else {
                format!("/{trimmed}")
            }
        });
        self
    }

    /// `path` without the base path, when it starts with it (whole segments).
    fn strip_base<'p>(&self, path: &'p str) -> &'p str {
        let Some(base) = &self.base_path else {
            return path;
        };
        match path.strip_prefix(base.as_str()) {
            Some("") => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => path,
        }
    }

    /// For a path that matches no operation: the prefix behind which it
    /// would match one (`/gw` for `GET /gw/checkout/s/transaction-status`),
    /// to suggest `--base-path`.
    pub(crate) fn prefix_hint(&self, method: &str, path: &str) -> Option<String> {
        let parts: Vec<&str> = split(self.strip_base(path)).collect();
        (1..parts.len()).find_map(|skip| {
            let rest = format!("/{}", parts[skip..].join("/"));
            self.find_here(method, &rest)
                .is_some()
                .then(|| format!("/{}", parts[..skip].join("/")))
        })
    }

    pub(crate) fn find<'p>(&self, method: &str, path: &'p str) -> Option<Match<'_, 'p>> {
        self.find_here(method, self.strip_base(path))
    }

    fn find_here<'p>(&self, method: &str, path: &'p str) -> Option<Match<'_, 'p>> {
        // Split once; segments are decoded only when the path has an escape
        // (literals compare with the decoded text) and, for parameters, once
        // a route matches.
        let mut parts: SmallVec<[&'p str; 8]> = SmallVec::new();
        for part in split(path) {
            parts.push(part);
        }
        let escaped = memchr::memchr(b'%', path.as_bytes()).is_some();
        let route = self.routes.iter().find(|route| {
            route.segments.len() == parts.len()
                && route.method.eq_ignore_ascii_case(method)
                && route
                    .segments
                    .iter()
                    .zip(&parts)
                    .all(|(seg, part)| match seg {
                        Seg::Literal(l) if escaped => **l == *decode(part),
                        Seg::Literal(l) => l == part,
                        // `split` gives no empty segment, and a non-empty one
                        // never decodes to an empty one.
                        Seg::Param(_) => true,
                    })
        })?;
        let mut path_params = SmallVec::new();
        for (seg, part) in route.segments.iter().zip(&parts) {
            if let Seg::Param(name) = seg {
                path_params.push((name.as_str(), decode(part)));
            }
        }
        Some(Match {
            op: route.op,
            path_params,
        })
    }
}

/// A path segment, percent-decoded (invalid UTF-8 replaced), borrowed when it
/// has no escapes (the text is UTF-8 already, so it decodes to itself).
fn decode(part: &str) -> Cow<'_, str> {
    if memchr::memchr(b'%', part.as_bytes()).is_none() {
        return Cow::Borrowed(part);
    }
    percent_encoding::percent_decode_str(part).decode_utf8_lossy()
}

/// Path segments, ignoring a trailing slash (and empty segments).
fn split(path: &str) -> impl Iterator<Item = &str> + Clone {
    // Byte-wise: `/` is ASCII, so every cut is at a character boundary.
    let mut rest = path;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let (seg, next) = match memchr::memchr(b'/', rest.as_bytes()) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, ""),
            };
            rest = next;
            if !seg.is_empty() {
                return Some(seg);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{decode, split};

    #[test]
    fn splits_like_str_split() {
        for p in [
            "",
            "/",
            "//",
            "/a",
            "a",
            "/a/b/",
            "//a//b//",
            "/é/ü%20/x",
            "a/",
        ] {
            let reference: Vec<&str> = p
                .trim_start_matches('/')
                .trim_end_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            assert_eq!(split(p).collect::<Vec<_>>(), reference, "{p}");
        }
    }

    /// The most specific template wins; literals compare decoded; parameters
    /// are decoded; the method is compared without case.
    #[test]
    fn finds_routes() {
        let spec = |paths: &[(&str, &str)]| {
            let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
            for (i, (path, method)) in paths.iter().enumerate() {
                let params: Vec<String> = split(path)
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .map(|n| {
                        format!("{{name: {n}, in: path, required: true, schema: {{type: string}}}}")
                    })
                    .collect();
                text.push_str(&format!(
                    "  {path}:\n    {method}:\n      operationId: op{i}\n      parameters: [{}]\n      responses:\n        '200': {{description: ok}}\n",
                    params.join(", ")
                ));
            }
            pyng_spec::load_str("t.yaml", &text)
                .expect("spec loads")
                .spec
        };
        let specs = [
            spec(&[("/a/{x}", "get"), ("/a/b", "get"), ("/a/{x}/c/{y}", "get")]),
            spec(&[("/a/{x}", "post")]),
        ];
        let m = super::Matcher::new(&specs);
        let find = |method, path| {
            m.find(method, path).map(|found| {
                let op = &specs[found.op.spec].operations[found.op.op].id;
                let params: Vec<String> = found
                    .path_params
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect();
                format!("{op} {}", params.join(" "))
            })
        };
        assert_eq!(find("GET", "/a/b").as_deref(), Some("op1 "));
        assert_eq!(find("get", "/a/%62").as_deref(), Some("op1 "));
        assert_eq!(find("GET", "/a/b%20c/").as_deref(), Some("op0 x=b c"));
        assert_eq!(
            find("GET", "//a//q/c/r%2Fs").as_deref(),
            Some("op2 x=q y=r/s")
        );
        assert_eq!(find("POST", "/a/q").as_deref(), Some("op0 x=q"));
        assert_eq!(find("PUT", "/a/q"), None);
        assert_eq!(find("GET", "/a"), None);
        assert_eq!(find("GET", "/a/q/c"), None);
        assert_eq!(find("GET", "/a/q/d/r"), None);
        assert_eq!(find("GET", "/a/1/2/3/4/5/6/7/8/9"), None);
    }

    #[test]
    fn segments_decode_like_percent_encoding() {
        for s in [
            "",
            "abc",
            "a%20b",
            "%E2%82%AC",
            "%FF",
            "%",
            "%2",
            "%zz",
            "a+b",
            "é",
        ] {
            let reference = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
            assert_eq!(decode(s), reference, "{s}");
        }
        assert!(matches!(decode("site-35"), std::borrow::Cow::Borrowed(_)));
    }
}
