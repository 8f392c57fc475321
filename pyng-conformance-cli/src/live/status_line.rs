//! The live status line: one line on stderr, redrawn in place, only when stderr
//! is a terminal (logs and pipes get plain lines from the caller instead).
//! `indicatif` draws it cut to the terminal's width, so a redraw never leaves
//! wrapped rows behind.

use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use pyng_conformance::report::terminal::escape_controls;

/// What the status line shows.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// What is polled (operation and resource).
    pub label: String,
    /// Polls sent so far.
    pub polls: usize,
    /// The last state seen.
    pub state: Option<String>,
    /// The last response status.
    pub last_status: Option<u16>,
    /// Time since the poll started.
    pub elapsed: Duration,
    /// Time left before the deadline.
    pub deadline_in: Duration,
    /// The nearest state-machine timeout: id and milliseconds left (negative
    /// when overdue).
    pub expiry: Option<(String, i128)>,
    /// Errors found so far.
    pub errors: usize,
    /// Warnings found so far.
    pub warnings: usize,
}

/// `mm:ss` (or `h:mm:ss`).
pub fn clock(ms: i128) -> String {
    let s = ms.max(0) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// The status line's text for `p`.
pub fn render(p: &Progress) -> String {
    let mut parts = vec![p.label.clone()];
    parts.push(match (&p.state, p.last_status) {
        (Some(s), _) => s.clone(),
        (None, Some(code)) => format!("HTTP {code}"),
        (None, None) => "waiting for the first response".to_owned(),
    });
    parts.push(format!(
        "{} poll{}",
        p.polls,
        if p.polls == 1 { "" } else { "s" }
    ));
    parts.push(format!("elapsed {}", clock(p.elapsed.as_millis() as i128)));
    if let Some((id, left)) = &p.expiry {
        parts.push(if *left >= 0 {
            format!("{id} in {}", clock(*left))
        } else {
            format!("{id} overdue by {}", clock(-*left))
        });
    }
    parts.push(format!(
        "deadline in {}",
        clock(p.deadline_in.as_millis() as i128)
    ));
    parts.push(format!("{} errors, {} warnings", p.errors, p.warnings));
    // The label holds command-line values, the state a body's: keep them inert.
    escape_controls(&parts.join(" | ")).into_owned()
}

#[derive(Debug)]
/// The live status line on a terminal (drawn by indicatif; off elsewhere).
pub struct StatusLine {
    bar: Option<ProgressBar>,
}

impl StatusLine {
    /// A status line, drawn only if `enabled`.
    pub fn new(enabled: bool) -> StatusLine {
        if enabled {
            StatusLine::on(ProgressDrawTarget::stderr())
        } else {
            StatusLine { bar: None }
        }
    }

    /// A status line drawn on `target`.
    pub fn on(target: ProgressDrawTarget) -> StatusLine {
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template("{wide_msg}") {
            bar.set_style(style);
        }
        StatusLine { bar: Some(bar) }
    }

    /// Shows `p`.
    pub fn show(&mut self, p: &Progress) {
        if let Some(bar) = &self.bar {
            bar.set_message(render(p));
        }
    }

    /// Removes the line from the terminal.
    pub fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// A log line above the status line.
    pub fn println(&mut self, line: &str) {
        let print = || {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        };
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_state_times_and_counts() {
        let p = Progress {
            label: "getTransactionStatus siteId=s paymentIntentId=p".into(),
            polls: 3,
            state: Some("Pending".into()),
            last_status: Some(200),
            elapsed: Duration::from_secs(12),
            deadline_in: Duration::from_secs(3600 + 61),
            expiry: Some(("qr-code-expiry".into(), 48_500)),
            errors: 1,
            warnings: 0,
        };
        assert_eq!(
            render(&p),
            "getTransactionStatus siteId=s paymentIntentId=p | Pending | 3 polls | elapsed 00:12 | qr-code-expiry in 00:48 | deadline in 1:01:01 | 1 errors, 0 warnings"
        );
        let overdue = Progress {
            expiry: Some(("x".into(), -5_000)),
            ..Progress::default()
        };
        assert!(render(&overdue).contains("x overdue by 00:05"));
        assert!(render(&Progress::default()).contains("waiting for the first response"));
        let evil = Progress {
            label: "op id=\x1b[2J\r".into(),
            ..Progress::default()
        };
        assert!(!render(&evil).contains('\x1b') && !render(&evil).contains('\r'));
    }

    /// A terminal 40 columns wide that keeps what is drawn.
    #[derive(Debug, Default)]
    struct Narrow(std::sync::Mutex<Vec<String>>);

    impl indicatif::TermLike for Narrow {
        fn width(&self) -> u16 {
            40
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(s.to_owned());
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[derive(Debug, Clone, Default)]
    struct Shared(std::sync::Arc<Narrow>);

    impl indicatif::TermLike for Shared {
        fn width(&self) -> u16 {
            self.0.width()
        }
        fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_up(n)
        }
        fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_down(n)
        }
        fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_right(n)
        }
        fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_left(n)
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.write_line(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.write_str(s)
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.0.clear_line()
        }
        fn flush(&self) -> std::io::Result<()> {
            self.0.flush()
        }
    }

    #[test]
    fn the_line_is_cut_to_the_terminal_width() {
        let term = Shared::default();
        let mut line = StatusLine::on(ProgressDrawTarget::term_like(Box::new(term.clone())));
        let p = Progress {
            label: "getCheckoutStatus checkoutId=successful-2.0000000000000000000000".into(),
            polls: 3,
            state: Some("pending".into()),
            ..Progress::default()
        };
        assert!(render(&p).len() > 100);
        line.show(&p);
        if let Some(bar) = &line.bar {
            bar.tick();
        }
        let drawn = term.0.0.lock().unwrap().clone();
        assert!(
            drawn.iter().any(|s| s.contains("getCheckoutStatus")),
            "{drawn:?}"
        );
        for s in &drawn {
            assert!(s.chars().count() <= 40, "wider than the terminal: {s:?}");
        }
        line.clear();
    }
}
