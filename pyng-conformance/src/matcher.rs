//! Request -> operation: method and path template of every loaded spec's
//! operations, on any host.

use std::borrow::Cow;

use pyng_spec::ir::Spec;
use smallvec::SmallVec;

/// An operation of a loaded spec: indices into the engine's specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpRef {
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
pub struct Matcher {
    routes: Vec<Route>,
}

/// A matched request: the operation and its decoded path parameters (names
/// borrowed from the route, values from the path unless they were decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'r, 'p> {
    pub op: OpRef,
    /// Inline: a template has a few parameters.
    pub path_params: SmallVec<[(&'r str, Cow<'p, str>); 2]>,
}

impl Matcher {
    pub fn new(specs: &[Spec]) -> Matcher {
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
        Matcher { routes }
    }

    pub fn find<'p>(&self, method: &str, path: &'p str) -> Option<Match<'_, 'p>> {
        // Split and decoded once, then compared with each route; segments are
        // borrowed unless they have percent-escapes.
        let parts: SmallVec<[Cow<'p, str>; 8]> = split(path).map(decode).collect();
        'routes: for route in &self.routes {
            if route.segments.len() != parts.len() || !route.method.eq_ignore_ascii_case(method) {
                continue;
            }
            for (seg, part) in route.segments.iter().zip(&parts) {
                match seg {
                    Seg::Literal(l) if **l == **part => {}
                    Seg::Param(_) if !part.is_empty() => {}
                    _ => continue 'routes,
                }
            }
            let path_params = route
                .segments
                .iter()
                .zip(&parts)
                .filter_map(|(seg, part)| match seg {
                    Seg::Param(name) => Some((name.as_str(), part.clone())),
                    Seg::Literal(_) => None,
                })
                .collect();
            return Some(Match {
                op: route.op,
                path_params,
            });
        }
        None
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
