//! Root causes first: a problem that follows from another (five "not a final
//! state" errors from one misspelt `x-state-machine`) is folded under it.

use super::Diagnostic;
use crate::pointer::within;

/// A located problem, with what it needs and what it leaves missing.
pub(crate) struct Located {
    pub diagnostic: Diagnostic,
    pub needs: Vec<String>,
    pub leaves_missing: Option<String>,
}

/// The diagnostics in order, each consequence moved under the first problem
/// that leaves missing what it needs (the node itself or one above it).
/// Consequences are kept, not dropped: the rendered root lists them.
pub(crate) fn fold(items: Vec<Located>) -> Vec<Diagnostic> {
    let root_of = |item: &Located, own: usize| {
        items.iter().enumerate().position(|(i, root)| {
            i != own
                && root.needs.is_empty()
                && root
                    .leaves_missing
                    .as_deref()
                    .is_some_and(|missing| item.needs.iter().any(|needed| within(needed, missing)))
        })
    };
    let roots: Vec<Option<usize>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| root_of(item, i))
        .collect();
    let mut out: Vec<Option<Diagnostic>> = items.into_iter().map(|i| Some(i.diagnostic)).collect();
    for (i, root) in roots.iter().enumerate() {
        // A root is never itself folded (it needs nothing), so it is still there.
        if let Some(root) = *root
            && let Some(consequence) = out[i].take()
            && let Some(r) = out[root].as_mut()
        {
            r.consequences.push(consequence);
        }
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RuleId;

    fn located(line: usize, rule: RuleId, needs: &[&str], missing: Option<&str>) -> Located {
        Located {
            diagnostic: Diagnostic::new("f.yaml", line, 1, rule, format!("at {line}")),
            needs: needs.iter().map(|s| (*s).to_owned()).collect(),
            leaves_missing: missing.map(str::to_owned),
        }
    }

    #[test]
    fn consequences_move_under_their_root() {
        let folded = fold(vec![
            located(3, RuleId::LintUnknownState, &["/a/x-state-machine"], None),
            located(
                4,
                RuleId::LintUnknownState,
                &["/a/x-state-machine/final"],
                None,
            ),
            located(5, RuleId::LintUnknownField, &["/b"], None),
            located(
                9,
                RuleId::LintUnknownExtension,
                &[],
                Some("/a/x-state-machine"),
            ),
        ]);
        let lines: Vec<usize> = folded.iter().map(|d| d.line).collect();
        assert_eq!(lines, [5, 9]);
        let under: Vec<usize> = folded[1].consequences.iter().map(|d| d.line).collect();
        assert_eq!(under, [3, 4]);
    }

    #[test]
    fn a_sibling_with_a_common_prefix_is_not_under_the_root() {
        assert!(!within("/a/x-state-machine2", "/a/x-state-machine"));
        assert!(within("/a/x-state-machine", "/a/x-state-machine"));
        let folded = fold(vec![
            located(1, RuleId::LintUnknownState, &["/a/x-state-machine2"], None),
            located(
                2,
                RuleId::LintUnknownExtension,
                &[],
                Some("/a/x-state-machine"),
            ),
        ]);
        assert_eq!(folded.len(), 2);
        assert!(folded.iter().all(|d| d.consequences.is_empty()));
    }
}
