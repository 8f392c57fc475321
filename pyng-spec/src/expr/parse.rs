//! Lexer and recursive-descent parser. Tokens are produced on demand so the
//! first error in the text is the one reported.

use rust_decimal::Decimal;

use super::ast::{CmpOp, Expr, ExprKind, Invariant, Path, Segment, Span};

/// Limit on both parser recursion (parentheses, unary minus, `??`, `sum`)
/// and tree height (long operator chains). Keeps parsing, evaluation,
/// printing and dropping far from the stack limit on any input.
pub const MAX_DEPTH: u32 = 64;

/// A syntax error at byte `offset` of the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {offset})")]
pub struct ParseError {
    /// Byte offset into the invariant's text.
    pub offset: usize,
    /// What is wrong, for humans.
    pub message: String,
    /// What the author probably meant, where the mistake is a common one.
    pub help: Option<String>,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
        help: None,
    })
}

fn err_with_help<T>(
    offset: usize,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
        help: Some(help.into()),
    })
}

/// Parses one invariant: exactly one comparison of two expressions.
pub fn parse(src: &str) -> Result<Invariant, ParseError> {
    let mut lex = Lexer { src, pos: 0 };
    let tok = lex.next()?;
    let mut p = Parser { lex, tok, depth: 0 };
    let (lhs, _) = p.expr()?;
    let Tok::Cmp(op) = p.tok.tok else {
        return err(
            p.tok.span.start,
            "expected a comparison operator (==, !=, <, <=, >, >=)",
        );
    };
    p.bump()?;
    let (rhs, _) = p.expr()?;
    match p.tok.tok {
        Tok::Eof => Ok(Invariant {
            op,
            lhs,
            rhs,
            source: src.to_owned(),
        }),
        Tok::Cmp(_) => err(p.tok.span.start, "only one comparison is allowed"),
        _ => err(
            p.tok.span.start,
            "expected an operator (+, -, *, ??) or the end of the invariant",
        ),
    }
}

impl std::str::FromStr for Invariant {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        parse(s)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i64),
    Dec(Decimal),
    /// A field name, bare or double-quoted; only a bare `sum` can be the
    /// keyword, so `"sum"` always names a field.
    Name {
        name: String,
        quoted: bool,
    },
    Dot,
    Each,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Coalesce,
    Cmp(CmpOp),
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn next(&mut self) -> Result<Token, ParseError> {
        let rest = &self.src[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = trimmed.chars().next() else {
            return Ok(self.token(Tok::Eof, 0));
        };
        let two = |s: &str| trimmed.starts_with(s);
        let tok = match c {
            '0'..='9' => return self.number(),
            'A'..='Z' | 'a'..='z' | '_' => {
                let len = trimmed
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(trimmed.len());
                let name = trimmed[..len].to_owned();
                return Ok(self.token(
                    Tok::Name {
                        name,
                        quoted: false,
                    },
                    len,
                ));
            }
            '"' => return self.quoted(),
            '.' => (Tok::Dot, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' => (Tok::Star, 1),
            '[' if two("[*]") => (Tok::Each, 3),
            '[' => return err(start, "expected '[*]'"),
            '?' if two("??") => (Tok::Coalesce, 2),
            '?' => return err(start, "expected '??'"),
            '=' if two("==") => (Tok::Cmp(CmpOp::Eq), 2),
            '=' if two("=>") => return err_with_help(start, "expected '=='", "did you mean `>=`?"),
            '=' if two("=<") => return err_with_help(start, "expected '=='", "did you mean `<=`?"),
            '=' => return err_with_help(start, "expected '=='", "did you mean `==`?"),
            '!' if two("!=") => (Tok::Cmp(CmpOp::Ne), 2),
            '!' => return err(start, "expected '!='"),
            '<' if two("<=") => (Tok::Cmp(CmpOp::Le), 2),
            '<' => (Tok::Cmp(CmpOp::Lt), 1),
            '>' if two(">=") => (Tok::Cmp(CmpOp::Ge), 2),
            '>' => (Tok::Cmp(CmpOp::Gt), 1),
            '&' | '|' => {
                return err_with_help(
                    start,
                    format!("unexpected character {c:?}"),
                    "an invariant is one comparison: write two invariants",
                );
            }
            '/' => {
                return err_with_help(
                    start,
                    "unexpected character '/'",
                    "no division, by design: arithmetic stays exact; multiply the other side instead",
                );
            }
            other => return err(start, format!("unexpected character {other:?}")),
        };
        Ok(self.token(tok.0, tok.1))
    }

    fn token(&mut self, tok: Tok, len: usize) -> Token {
        let span = Span::new(self.pos, self.pos + len);
        self.pos += len;
        Token { tok, span }
    }

    /// `[0-9]+` or `[0-9]+ '.' [0-9]+`.
    fn number(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let digits_from = |mut i: usize| {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let int_end = digits_from(start);
        let mut end = int_end;
        let is_decimal = bytes.get(int_end) == Some(&b'.');
        if is_decimal {
            end = digits_from(int_end + 1);
            if end == int_end + 1 {
                return err(int_end, "expected digits after '.'");
            }
        }
        // `12abc` is a typo, not a number followed by a field.
        if bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            return err(start, "invalid number literal");
        }
        let text = &self.src[start..end];
        let tok = if is_decimal {
            // from_str_exact refuses to round away digits.
            match Decimal::from_str_exact(text) {
                Ok(d) => Tok::Dec(d),
                Err(_) => return err(start, "decimal literal out of range"),
            }
        } else {
            match text.parse::<i64>() {
                Ok(n) => Tok::Int(n),
                Err(_) => return err(start, "integer literal out of range"),
            }
        };
        Ok(self.token(tok, end - start))
    }

    /// A double-quoted field name; `\"` and `\\` are the only escapes.
    fn quoted(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let mut name = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    let len = i + 2;
                    return Ok(self.token(Tok::Name { name, quoted: true }, len));
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => name.push(e),
                    Some((j, e)) => {
                        return err(
                            start + 1 + j,
                            format!("invalid escape '\\{e}' in quoted name"),
                        );
                    }
                    None => break,
                },
                c => name.push(c),
            }
        }
        err(start, "unterminated quoted name")
    }
}

/// An expression and its tree height.
type Parsed = (Expr, u32);

struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Token,
    depth: u32,
}

impl Parser<'_> {
    fn bump(&mut self) -> Result<Token, ParseError> {
        let next = self.lex.next()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.tok.span.start, too_deep());
        }
        Ok(())
    }

    /// Builds a binary node, enforcing the height limit.
    fn binary(
        at: usize,
        make: fn(Box<Expr>, Box<Expr>) -> ExprKind,
        (a, ha): Parsed,
        (b, hb): Parsed,
    ) -> Result<Parsed, ParseError> {
        let height = checked_height(at, ha.max(hb))?;
        let span = a.span.to(b.span);
        let kind = make(Box::new(a), Box::new(b));
        Ok((Expr { kind, span }, height))
    }

    /// expr := additive ('??' expr)?
    fn expr(&mut self) -> Result<Parsed, ParseError> {
        self.enter()?;
        let lhs = self.additive()?;
        let out = if self.tok.tok == Tok::Coalesce {
            let at = self.bump()?.span.start;
            let rhs = self.expr()?;
            Self::binary(at, ExprKind::Coalesce, lhs, rhs)?
        } else {
            lhs
        };
        self.depth -= 1;
        Ok(out)
    }

    /// additive := multiplicative (('+' | '-') multiplicative)*
    fn additive(&mut self) -> Result<Parsed, ParseError> {
        let mut lhs = self.multiplicative()?;
        loop {
            let make = match self.tok.tok {
                Tok::Plus => ExprKind::Add,
                Tok::Minus => ExprKind::Sub,
                _ => return Ok(lhs),
            };
            let at = self.bump()?.span.start;
            let rhs = self.multiplicative()?;
            lhs = Self::binary(at, make, lhs, rhs)?;
        }
    }

    /// multiplicative := unary ('*' unary)*
    fn multiplicative(&mut self) -> Result<Parsed, ParseError> {
        let mut lhs = self.unary()?;
        while self.tok.tok == Tok::Star {
            let at = self.bump()?.span.start;
            let rhs = self.unary()?;
            lhs = Self::binary(at, ExprKind::Mul, lhs, rhs)?;
        }
        Ok(lhs)
    }

    /// unary := '-' unary | primary
    fn unary(&mut self) -> Result<Parsed, ParseError> {
        if self.tok.tok != Tok::Minus {
            return self.primary();
        }
        self.enter()?;
        let minus = self.bump()?.span;
        let (inner, h) = self.unary()?;
        self.depth -= 1;
        let span = minus.to(inner.span);
        let kind = ExprKind::Neg(Box::new(inner));
        Ok((Expr { kind, span }, checked_height(minus.start, h)?))
    }

    /// primary := INTEGER | DECIMAL | path | sum(...) | '(' expr ')'
    fn primary(&mut self) -> Result<Parsed, ParseError> {
        let leaf = |kind, span| Ok((Expr { kind, span }, 1));
        match &self.tok.tok {
            Tok::Int(n) => {
                let kind = ExprKind::Int(*n);
                leaf(kind, self.bump()?.span)
            }
            Tok::Dec(d) => {
                let kind = ExprKind::Decimal(*d);
                leaf(kind, self.bump()?.span)
            }
            Tok::Name { name, quoted } => {
                if name == "sum" && !quoted {
                    let start = self.bump()?.span;
                    if self.tok.tok == Tok::LParen {
                        return self.sum(start);
                    }
                    // A plain field that happens to be called `sum`.
                    let path = self.path_rest(vec![Segment::Field("sum".into())], start)?;
                    return self.field(path);
                }
                let path = self.path()?;
                self.field(path)
            }
            Tok::LParen => {
                self.bump()?;
                let inner = self.expr()?;
                self.expect_rparen()?;
                Ok(inner)
            }
            _ => err(self.tok.span.start, "expected an expression"),
        }
    }

    fn field(&mut self, path: Path) -> Result<Parsed, ParseError> {
        if path.has_each() {
            return err(
                path.span.start,
                "a path with [*] names many values: use it inside sum(...)",
            );
        }
        let span = path.span;
        Ok((
            Expr {
                kind: ExprKind::Field(path),
                span,
            },
            1,
        ))
    }

    /// After the `sum` keyword: '(' path (',' expr)? ')'
    fn sum(&mut self, keyword: Span) -> Result<Parsed, ParseError> {
        self.enter()?;
        self.bump()?; // '('
        if !matches!(self.tok.tok, Tok::Name { .. }) {
            return err(
                self.tok.span.start,
                "expected a path as the first argument of sum",
            );
        }
        let over = self.path()?;
        let (each, height) = match self.tok.tok {
            Tok::Comma => {
                if !over.ends_with_each() {
                    return err(
                        over.span.start,
                        "the array argument of sum(path, expr) must end in [*]",
                    );
                }
                self.bump()?;
                let (e, h) = self.expr()?;
                (Some(Box::new(e)), checked_height(keyword.start, h)?)
            }
            Tok::RParen if !over.has_each() => {
                return err(over.span.start, "the path of sum(path) must contain [*]");
            }
            Tok::RParen => (None, 1),
            _ => return err(self.tok.span.start, "expected ',' or ')'"),
        };
        let close = self.expect_rparen()?;
        self.depth -= 1;
        let kind = ExprKind::Sum { over, each };
        Ok((
            Expr {
                kind,
                span: keyword.to(close),
            },
            height,
        ))
    }

    fn expect_rparen(&mut self) -> Result<Span, ParseError> {
        if self.tok.tok != Tok::RParen {
            return err(self.tok.span.start, "expected ')'");
        }
        Ok(self.bump()?.span)
    }

    /// path := segment ('.' segment | '[*]')*; the current token is a name.
    fn path(&mut self) -> Result<Path, ParseError> {
        let first = self.bump()?;
        match first.tok {
            Tok::Name { name, .. } => self.path_rest(vec![Segment::Field(name)], first.span),
            _ => err(first.span.start, "expected a path"),
        }
    }

    fn path_rest(
        &mut self,
        mut segments: Vec<Segment>,
        mut span: Span,
    ) -> Result<Path, ParseError> {
        loop {
            match self.tok.tok {
                Tok::Each => {
                    span = span.to(self.bump()?.span);
                    segments.push(Segment::Each);
                }
                Tok::Dot => {
                    self.bump()?;
                    let Tok::Name { name, .. } = &self.tok.tok else {
                        return err(self.tok.span.start, "expected a field name after '.'");
                    };
                    segments.push(Segment::Field(name.clone()));
                    span = span.to(self.bump()?.span);
                }
                _ => return Ok(Path { segments, span }),
            }
        }
    }
}

/// Height of a node whose tallest child has height `child`.
fn checked_height(at: usize, child: u32) -> Result<u32, ParseError> {
    if child >= MAX_DEPTH {
        return err(at, too_deep());
    }
    Ok(child + 1)
}

fn too_deep() -> String {
    format!("expression nested too deeply (more than {MAX_DEPTH} levels)")
}
