//! "Did you mean": the name in scope closest to a misspelt one.

/// The candidate `name` most likely stands for: one equal to it but for case
/// first (`created` -> `Created`), else the one fewest edits away, if that is
/// close enough to be a typo rather than another name. Ties go to the earlier
/// candidate, so the answer follows the spec's order.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Past this a name is not a typo of another, and distances get costly.
    const LONGEST: usize = 256;
    if name.chars().count() > LONGEST {
        return None;
    }
    let lower = name.to_lowercase();
    let length = lower.chars().count();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let folded = candidate.to_lowercase();
        if folded == lower {
            return Some(candidate);
        }
        // The distance is at least the difference in length: skip the far ones.
        if folded.chars().count().abs_diff(length) > max_edits(name) {
            continue;
        }
        let distance = edit_distance(&lower, &folded);
        if distance <= max_edits(name) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `did you mean `X`?` for [`closest`], the form every help line uses.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// A third of the name, at least one: `Lanched` (7) may be 2 edits off, `Paid`
/// only 1, so short names do not all suggest each other.
fn max_edits(name: &str) -> usize {
    (name.chars().count() / 3).max(1)
}

/// Edit distance over characters, a swap of two neighbours counting as one edit
/// (`Viod` -> `Void`): the optimal string alignment distance, in three rows.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (previous[j] + 1)
                .min(row[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATES: [&str; 7] = [
        "Created",
        "Launched",
        "Pending",
        "Completed",
        "Cancelled",
        "Expired",
        "Failed",
    ];

    #[test]
    fn a_dropped_letter_suggests_the_state() {
        assert_eq!(closest("Expird", STATES), Some("Expired"));
        assert_eq!(closest("Lanched", STATES), Some("Launched"));
    }

    #[test]
    fn case_only_differences_come_first() {
        assert_eq!(closest("created", STATES), Some("Created"));
        // `pending` is one edit from `Pendings` too; the case-only match wins.
        assert_eq!(closest("pending", ["Pendings", "Pending"]), Some("Pending"));
    }

    #[test]
    fn extension_keys_are_suggested() {
        let keys = ["x-state-machine", "x-outcome", "x-presence"];
        assert_eq!(closest("x-state-machin", keys), Some("x-state-machine"));
    }

    #[test]
    fn unrelated_or_identical_names_suggest_nothing() {
        assert_eq!(closest("Refunded", STATES), None);
        assert_eq!(closest("Created", STATES), None);
        assert_eq!(closest("", STATES), None);
        assert_eq!(closest("Paid", std::iter::empty()), None);
    }

    #[test]
    fn swapped_letters_are_one_edit() {
        assert_eq!(closest("Viod", ["Open", "Paid", "Void"]), Some("Void"));
    }

    #[test]
    fn a_huge_name_suggests_nothing() {
        let long = "a".repeat(10_000);
        assert_eq!(closest(&long, [long.as_str(), "a"]), None);
    }

    #[test]
    fn ties_go_to_the_earlier_name() {
        assert_eq!(closest("Fooo", ["Foo1", "Foo2"]), Some("Foo1"));
    }

    #[test]
    fn distance_counts_characters_not_bytes() {
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("viod", "void"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
