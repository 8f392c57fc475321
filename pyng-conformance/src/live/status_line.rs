//! The live status line: one line on stderr, redrawn in place, only when stderr
//! is a terminal (logs and pipes get plain lines from the caller instead).

use std::io::Write;
use std::time::Duration;

/// What the status line shows.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub label: String,
    pub polls: usize,
    pub state: Option<String>,
    pub last_status: Option<u16>,
    pub elapsed: Duration,
    pub deadline_in: Duration,
    /// The nearest state-machine timeout: id and milliseconds left (negative
    /// when overdue).
    pub expiry: Option<(String, i128)>,
    pub errors: usize,
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
    parts.join(" | ")
}

#[derive(Debug)]
pub struct StatusLine {
    enabled: bool,
    shown: bool,
}

impl StatusLine {
    pub fn new(enabled: bool) -> StatusLine {
        StatusLine {
            enabled,
            shown: false,
        }
    }

    pub fn show(&mut self, p: &Progress) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        // CR + erase line: redraw in place.
        let _ = write!(err, "\r\x1b[2K{}", render(p));
        let _ = err.flush();
        self.shown = true;
    }

    pub fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }

    /// A log line above the status line.
    pub fn println(&mut self, line: &str) {
        self.clear();
        let _ = writeln!(std::io::stderr().lock(), "{line}");
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
    }
}
