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

/// A base path of the specs' servers and the specs that have it.
#[derive(Debug, Clone)]
struct Base {
    path: String,
    specs: Vec<usize>,
}

/// Routes of all operations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher {
    routes: Vec<Route>,
    /// Every spec's server base paths, longest first: a request path is an
    /// operation's path under one of its spec's servers.
    bases: Vec<Base>,
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
        let mut bases: Vec<Base> = Vec::new();
        for (si, spec) in specs.iter().enumerate() {
            for path in &spec.base_paths {
                match bases.iter_mut().find(|b| b.path == *path) {
                    Some(b) => b.specs.push(si),
                    None => bases.push(Base {
                        path: path.clone(),
                        specs: vec![si],
                    }),
                }
            }
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
        bases.sort_by_key(|b| std::cmp::Reverse(b.path.len()));
        Matcher {
            routes,
            bases,
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
        match &self.base_path {
            Some(base) => strip_segments(path, base).unwrap_or(path),
            None => path,
        }
    }

    /// The operation `path` is under one of its spec's servers.
    fn find_under_servers<'p>(&self, method: &str, path: &'p str) -> Option<Match<'_, 'p>> {
        self.bases.iter().find_map(|base| {
            let rest = strip_segments(path, &base.path)?;
            self.find_here(method, rest, &base.specs)
        })
    }

    /// For a path that matches no operation: the prefix behind which it
    /// would match one (`/gw` for `GET /gw/checkout/s/transaction-status`),
    /// to suggest `--base-path`.
    pub(crate) fn prefix_hint(&self, method: &str, path: &str) -> Option<String> {
        let parts: Vec<&str> = split(self.strip_base(path)).collect();
        (1..parts.len()).find_map(|skip| {
            let rest = format!("/{}", parts[skip..].join("/"));
            self.find_under_servers(method, &rest)
                .is_some()
                .then(|| format!("/{}", parts[..skip].join("/")))
        })
    }

    pub(crate) fn find<'p>(&self, method: &str, path: &'p str) -> Option<Match<'_, 'p>> {
        self.find_under_servers(method, self.strip_base(path))
    }

    /// The route of one of `specs` that `path` (below a server) matches.
    fn find_here<'p>(&self, method: &str, path: &'p str, specs: &[usize]) -> Option<Match<'_, 'p>> {
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
                && specs.contains(&route.op.spec)
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

/// `path` below `base` (whole segments; `""` is the root, under which every
/// path is).
fn strip_segments<'p>(path: &'p str, base: &str) -> Option<&'p str> {
    if base.is_empty() {
        return Some(path);
    }
    match path.strip_prefix(base) {
        Some("") => Some("/"),
        Some(rest) if rest.starts_with('/') => Some(rest),
        _ => None,
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

    /// An operation's path is matched under each base path of its spec's
    /// servers (variables by their enum, else their default), any host;
    /// `--base-path` comes before them.
    #[test]
    fn matches_under_each_servers_base_path() {
        let spec = |id: &str, servers: &str| {
            let text = format!(
                "openapi: 3.0.3\ninfo: {{title: {id}, version: '1'}}\n{servers}paths:\n  /orders:\n    get:\n      operationId: {id}\n      responses:\n        '200': {{description: ok}}\n"
            );
            pyng_spec::load_str("t.yaml", &text)
                .unwrap_or_else(|d| panic!("{d}"))
                .spec
        };
        let specs = [
            spec(
                "versioned",
                "servers:\n  - url: 'https://{host}/api/v{major}/'\n    variables:\n      host: {default: h.example}\n      major: {default: '1', enum: ['1', '2']}\n",
            ),
            spec(
                "relative",
                "servers:\n  - url: /rel\n  - url: 'https://{region}.h.example/{stage}'\n    variables:\n      region: {default: eu}\n      stage: {default: live}\n",
            ),
            spec("root", ""),
        ];
        assert_eq!(specs[0].base_paths, ["/api/v1", "/api/v2"]);
        assert_eq!(specs[1].base_paths, ["/live", "/rel"]);
        assert_eq!(specs[2].base_paths, [""]);
        let op = |m: &super::Matcher, path: &str| {
            m.find("GET", path)
                .map(|found| specs[found.op.spec].operations[found.op.op].id.clone())
        };
        let m = super::Matcher::new(&specs);
        for (path, expected) in [
            ("https://any.host/api/v1/orders", Some("versioned")),
            ("/api/v2/orders/", Some("versioned")),
            ("/api/v3/orders", None),
            ("/api/v1x/orders", None),
            ("/rel/orders", Some("relative")),
            ("/live/orders", Some("relative")),
            ("/test/orders", None),
            ("/orders", Some("root")),
        ] {
            let (path, _) = crate::exchange::split_url(path);
            assert_eq!(op(&m, &path).as_deref(), expected, "{path}");
        }
        let gateway = super::Matcher::new(&specs).with_base_path("/gw/");
        assert_eq!(
            op(&gateway, "/gw/api/v1/orders").as_deref(),
            Some("versioned")
        );
        assert_eq!(op(&gateway, "/gw/orders").as_deref(), Some("root"));
        assert_eq!(
            gateway
                .prefix_hint("GET", "/other/api/v2/orders")
                .as_deref(),
            Some("/other")
        );
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
