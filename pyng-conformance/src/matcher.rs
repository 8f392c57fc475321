//! Request -> operation: method and path template of every loaded spec's
//! operations, on any host.

use pyng_spec::ir::Spec;

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

/// A matched request: the operation and its decoded path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub op: OpRef,
    pub path_params: Vec<(String, String)>,
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

    pub fn find(&self, method: &str, path: &str) -> Option<Match> {
        let parts: Vec<&str> = split(path).collect();
        'routes: for route in &self.routes {
            if !route.method.eq_ignore_ascii_case(method) || route.segments.len() != parts.len() {
                continue;
            }
            let mut params = Vec::new();
            for (seg, part) in route.segments.iter().zip(&parts) {
                let decoded = percent_encoding::percent_decode_str(part)
                    .decode_utf8_lossy()
                    .into_owned();
                match seg {
                    Seg::Literal(l) if *l == decoded => {}
                    Seg::Literal(_) => continue 'routes,
                    Seg::Param(_) if decoded.is_empty() => continue 'routes,
                    Seg::Param(name) => params.push((name.clone(), decoded)),
                }
            }
            return Some(Match {
                op: route.op,
                path_params: params,
            });
        }
        None
    }
}

/// Path segments, ignoring a trailing slash.
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
}
