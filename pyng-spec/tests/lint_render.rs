//! The rendered lint messages, one snapshot per kind of problem: the spec's
//! lines with a caret at the offending token, the rule, the help line, and the
//! problems a root cause brings folded under it.

use pyng_spec::{Diagnostic, Style, load_str};

const BASE: &str = include_str!("fixtures/lint-base.yaml");

/// The base fixture with an outcome enum and an `x-outcome` that maps both
/// final states: clean on its own, so every problem below comes from its edit.
fn with_outcome() -> String {
    let text = edit(
        BASE,
        "        note:\n          type: string\n",
        "        note:\n          type: string\n        outcome:\n          $ref: \"#/components/schemas/OrderOutcome\"\n",
    );
    let text = edit(
        &text,
        "      x-invariants:\n",
        "      x-outcome:\n        statusField: status\n        outcomeField: outcome\n        map:\n          Paid: Settled\n          Void: Voided\n      x-invariants:\n",
    );
    edit(
        &text,
        "    OrderStatus:\n",
        "    OrderOutcome:\n      type: string\n      enum: [Settled, Voided]\n    OrderStatus:\n",
    )
}

#[track_caller]
fn edit(text: &str, find: &str, replace: &str) -> String {
    assert!(text.contains(find), "fixture edit `{find}` does not apply");
    text.replacen(find, replace, 1)
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match load_str("fixture.yaml", text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    }
}

/// The plain rendering of the fixture with one edit.
fn rendered(find: &str, replace: &str) -> String {
    let text = edit(&with_outcome(), find, replace);
    match load_str("fixture.yaml", &text) {
        Ok(loaded) => loaded.warnings.render("fixture.yaml", &text, Style::Plain),
        Err(d) => d.render("fixture.yaml", &text, Style::Plain),
    }
}

/// The one diagnostic of an edit, and the column `token` starts at on its line.
#[track_caller]
fn only(find: &str, replace: &str, token: &str) -> (Diagnostic, usize) {
    let text = edit(&with_outcome(), find, replace);
    let diags = diagnostics(&text);
    assert_eq!(diags.len(), 1, "expected one root problem:\n{diags:#?}");
    let d = diags.into_iter().next().unwrap();
    let line = text.lines().nth(d.line - 1).unwrap();
    let column = line
        .find(token)
        .unwrap_or_else(|| panic!("`{token}` not on `{line}`"))
        + 1;
    (d, column)
}

#[test]
fn the_outcome_fixture_is_clean() {
    let diags = diagnostics(&with_outcome());
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn a_misspelt_extension_comes_first_with_its_consequences_folded() {
    let (d, column) = only(
        "      x-state-machine:\n",
        "      x-state-machin:\n",
        "x-state-machin",
    );
    assert_eq!(d.rule, "lint.unknown-extension");
    assert_eq!(d.column, column);
    assert_eq!(d.help.as_deref(), Some("did you mean `x-state-machine`?"));
    let folded: Vec<&str> = d.consequences.iter().map(|c| c.rule).collect();
    assert_eq!(
        folded,
        ["lint.outcome-not-final", "lint.outcome-not-final"],
        "{d:#?}"
    );
    insta::assert_snapshot!(rendered(
        "      x-state-machine:\n",
        "      x-state-machin:\n"
    ));
}

#[test]
fn a_misspelt_ref_comes_first_with_its_consequences_folded() {
    let find = "          $ref: \"#/components/schemas/OrderStatus\"";
    let typo = "          $ref: \"#/components/schemas/OrderStatu\"";
    let (d, column) = only(find, typo, "\"#/components");
    assert_eq!(d.rule, "lint.dangling-ref");
    assert_eq!(d.column, column);
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `#/components/schemas/OrderStatus`?")
    );
    assert!(!d.consequences.is_empty(), "{d:#?}");
    insta::assert_snapshot!(rendered(find, typo));
}

#[test]
fn a_misspelt_final_state_is_marked_in_its_list() {
    let (d, column) = only("final: [Paid, Void]", "final: [Paid, Viod]", "Viod");
    assert_eq!(d.rule, "lint.unknown-state");
    assert_eq!(d.column, column, "the caret is at the item, not the list");
    assert_eq!(d.help.as_deref(), Some("did you mean `Void`?"));
    insta::assert_snapshot!(rendered("final: [Paid, Void]", "final: [Paid, Viod]"));
}

#[test]
fn a_misspelt_transition_target_is_marked_in_its_list() {
    let (d, column) = only("Open: [Paid, Void]", "Open: [Paid, Vod]", "Vod");
    assert_eq!(d.column, column);
    assert_eq!(d.help.as_deref(), Some("did you mean `Void`?"));
    insta::assert_snapshot!(rendered("Open: [Paid, Void]", "Open: [Paid, Vod]"));
}

#[test]
fn a_state_that_differs_only_in_case_is_suggested() {
    let (d, column) = only("initial: [Open]", "initial: [open]", "open");
    assert_eq!(d.column, column);
    assert_eq!(d.help.as_deref(), Some("did you mean `Open`?"));
    insta::assert_snapshot!(rendered("initial: [Open]", "initial: [open]"));
}

#[test]
fn a_final_state_without_outcome_has_its_own_rule() {
    let (d, column) = only("          Void: Voided\n", "", "map");
    assert_eq!(d.rule, "lint.final-state-without-outcome");
    assert_eq!(d.column, column, "the caret is at the map to add it to");
    insta::assert_snapshot!(rendered("          Void: Voided\n", ""));
}

#[test]
fn an_outcome_key_that_is_not_final_is_marked_at_the_key() {
    let (d, column) = only(
        "          Paid: Settled\n",
        "          Open: Settled\n          Paid: Settled\n",
        "Open",
    );
    assert_eq!(d.rule, "lint.outcome-not-final");
    assert_eq!(d.column, column);
}

const INVARIANT: &str = "total == sum(lines[*].amount)";

#[track_caller]
fn invariant(replace: &str, token: &str, help: &str) -> String {
    let (d, column) = only(INVARIANT, replace, token);
    assert_eq!(d.rule, "lint.invariant-syntax");
    assert_eq!(d.column, column, "{d}");
    assert_eq!(d.help.as_deref(), Some(help));
    rendered(INVARIANT, replace)
}

#[test]
fn an_arrow_for_a_comparison_suggests_it() {
    insta::assert_snapshot!(invariant(
        "total => sum(lines[*].amount)",
        "=>",
        "did you mean `>=`?"
    ));
}

#[test]
fn a_conjunction_suggests_two_invariants() {
    insta::assert_snapshot!(invariant(
        "total == sum(lines[*].amount) && total >= 0",
        "&&",
        "an invariant is one comparison: write two invariants"
    ));
}

#[test]
fn a_division_says_it_is_left_out_by_design() {
    insta::assert_snapshot!(invariant(
        "total / 2 == sum(lines[*].amount)",
        "/",
        "no division, by design: arithmetic stays exact; multiply the other side instead"
    ));
}

#[test]
fn a_misspelt_invariant_field_is_suggested() {
    let (d, column) = only(INVARIANT, "total == sum(lines[*].amont)", "lines[*].amont");
    assert_eq!(d.rule, "lint.invariant-field");
    assert_eq!(d.column, column);
    assert_eq!(d.help.as_deref(), Some("did you mean `amount`?"));
    insta::assert_snapshot!(rendered(INVARIANT, "total == sum(lines[*].amont)"));
}

#[test]
fn colour_is_added_only_when_asked_for() {
    let text = edit(&with_outcome(), "initial: [Open]", "initial: [open]");
    let d = load_str("fixture.yaml", &text).unwrap_err();
    let plain = d.render("fixture.yaml", &text, Style::Plain);
    let colour = d.render("fixture.yaml", &text, Style::Colour);
    assert!(!plain.contains('\u{1b}'));
    assert!(
        colour.contains("\u{1b}[1;31merror[lint.unknown-state]"),
        "{colour}"
    );
    assert_eq!(strip_ansi(&colour), plain);
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
