//! Positions of YAML nodes by JSON pointer, so that problems found on the parsed
//! model can name a line and column in the file.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::pointer;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Where each node (and each mapping key) of a YAML document starts: in the
/// document's own file, or, for a component imported from another file (a
/// `$ref` to `common.yaml#/components/...`), in that file.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    values: HashMap<String, Mark>,
    keys: HashMap<String, Mark>,
    /// The other files nodes come from; [`Mark::file`] `n` is `files[n - 1]`.
    files: Vec<String>,
}

/// A position, and the file it is in: 0 for the document's own file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    file: usize,
    pos: Position,
}

impl Mark {
    fn own(pos: Position) -> Mark {
        Mark { file: 0, pos }
    }
}

impl SourceMap {
    /// Builds the map; a document that does not parse gives an empty map (the YAML
    /// syntax error is reported by the deserializer with its own position).
    pub fn build(text: &str) -> SourceMap {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut builder, false);
        builder.map
    }

    /// Position of the value at `pointer`, or of the closest ancestor that has one.
    pub fn value(&self, pointer: &str) -> Position {
        self.lookup(pointer, false).pos
    }

    /// Position of the key of the member at `pointer` (falls back like [`Self::value`]).
    pub fn key(&self, pointer: &str) -> Position {
        self.lookup(pointer, true).pos
    }

    /// Like [`Self::value`] (`key: false`) or [`Self::key`], with the file the
    /// position is in when it is not the document's own: `None` for its own.
    pub fn locate(&self, pointer: &str, key: bool) -> (Option<&str>, Position) {
        let mark = self.lookup(pointer, key);
        let file = mark
            .file
            .checked_sub(1)
            .and_then(|i| self.files.get(i))
            .map(String::as_str);
        (file, mark.pos)
    }

    /// Makes the nodes under `at` have the positions that `other` (the map of
    /// `file`) has for the same pointers: `at` holds a copy of `other`'s node
    /// there, imported by a reference to another file.
    pub fn import(&mut self, at: &str, file: &str, other: &SourceMap) {
        let index = match self.files.iter().position(|f| f == file) {
            Some(i) => i + 1,
            None => {
                self.files.push(file.to_owned());
                self.files.len()
            }
        };
        for (mine, theirs) in [
            (&mut self.values, &other.values),
            (&mut self.keys, &other.keys),
        ] {
            for (p, mark) in theirs {
                // `other` is a freshly built map: every mark is in its own file.
                if pointer::within(p, at) {
                    mine.insert(
                        p.clone(),
                        Mark {
                            file: index,
                            pos: mark.pos,
                        },
                    );
                }
            }
        }
    }

    /// Makes the nodes under `to` (copied there from `from`, as composition
    /// copies an `allOf` member's keywords) have the positions of the nodes
    /// under `from`, where `to` has none of its own.
    pub fn alias(&mut self, to: &str, from: &str) {
        if to == from {
            return;
        }
        for map in [&mut self.values, &mut self.keys] {
            let copies: Vec<(String, Mark)> = map
                .iter()
                .filter(|(p, _)| pointer::within(p, from))
                .map(|(p, pos)| (format!("{to}{}", &p[from.len()..]), *pos))
                .collect();
            for (p, pos) in copies {
                map.entry(p).or_insert(pos);
            }
        }
    }

    fn lookup(&self, mut p: &str, key: bool) -> Mark {
        loop {
            let hit = if key {
                self.keys.get(p).or_else(|| self.values.get(p))
            } else {
                self.values.get(p)
            };
            if let Some(pos) = hit {
                return *pos;
            }
            match pointer::parent(p) {
                Some(up) => p = up,
                // An empty map (text yaml-rust2 does not parse): the start of the file.
                None => {
                    return Mark::own(
                        self.values
                            .get("")
                            .map(|m| m.pos)
                            .unwrap_or(Position { line: 1, column: 1 }),
                    );
                }
            }
        }
    }
}

enum Frame {
    Map {
        pointer: String,
        key: Option<String>,
    },
    Seq {
        pointer: String,
        index: usize,
    },
}

#[derive(Default)]
struct Builder {
    map: SourceMap,
    stack: Vec<Frame>,
}

impl Builder {
    /// Handles the start of a node: either a mapping key or a value. Returns the
    /// pointer of the value, or `None` when the node was a key.
    fn node(&mut self, scalar: Option<&str>, at: Position) -> Option<String> {
        match self.stack.last_mut() {
            None => {
                self.map.values.insert(String::new(), Mark::own(at));
                Some(String::new())
            }
            Some(Frame::Map { pointer, key }) => match key.take() {
                None => {
                    let k = scalar.unwrap_or("").to_owned();
                    self.map
                        .keys
                        .insert(pointer::push(pointer, &k), Mark::own(at));
                    *key = Some(k);
                    None
                }
                Some(k) => {
                    let p = pointer::push(pointer, &k);
                    self.map.values.insert(p.clone(), Mark::own(at));
                    Some(p)
                }
            },
            Some(Frame::Seq { pointer, index }) => {
                let p = pointer::push(pointer, &index.to_string());
                *index += 1;
                self.map.values.insert(p.clone(), Mark::own(at));
                Some(p)
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        match ev {
            Event::Scalar(value, ..) => {
                self.node(Some(&value), at);
            }
            Event::Alias(_) => {
                self.node(None, at);
            }
            Event::MappingStart(..) => {
                let pointer = self.node(None, at).unwrap_or_default();
                self.stack.push(Frame::Map { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.node(None, at).unwrap_or_default();
                self.stack.push(Frame::Seq { pointer, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_values_and_items() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n";
        let map = SourceMap::build(text);
        assert_eq!(map.key("/a/b"), Position { line: 2, column: 3 });
        assert_eq!(map.value("/a/b"), Position { line: 2, column: 6 });
        assert_eq!(map.value("/a/c/1"), Position { line: 5, column: 7 });
        assert_eq!(
            map.value("/a/c/1/d"),
            Position {
                line: 5,
                column: 11
            }
        );
        // Unknown pointers fall back to the nearest ancestor.
        assert_eq!(map.value("/a/c/9"), map.value("/a/c"));
    }
}
