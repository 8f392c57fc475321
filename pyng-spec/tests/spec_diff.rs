//! `pyng_spec::diff`: every kind of change, classed breaking or not, on small
//! specs that differ in one place.

use pyng_spec::diff::{Change, Class, Kind, diff};

const BASE: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /things/{id}:
    get:
      operationId: getThing
      x-polling: {intervalSeconds: 5}
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: expand, in: query, required: false, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
        "404":
          description: Not found
components:
  schemas:
    Thing:
      type: object
      required: [id, status]
      properties:
        id: {type: string}
        status: {$ref: "#/components/schemas/Status"}
        note: {type: string}
        amount: {type: integer, format: int64}
        fee: {type: integer, format: int64}
      x-invariants:
        - {id: amount.fee-not-above-amount, expr: "fee <= amount"}
    Status:
      type: string
      enum: [New, Busy, Done, Failed]
      x-state-machine:
        initial: [New]
        final: [Done, Failed]
        transitions:
          New: [Busy, Failed]
          Busy: [Done, Failed]
"##;

fn load(text: &str) -> pyng_spec::ir::Spec {
    match pyng_spec::load_str("t.yaml", text) {
        Ok(l) => l.spec,
        Err(d) => panic!("{d}\n{text}"),
    }
}

/// The changes between BASE and BASE with `from` replaced by `to`.
fn changes(from: &str, to: &str) -> Vec<Change> {
    assert!(BASE.contains(from), "BASE has no `{from}`");
    diff(&load(BASE), &load(&BASE.replacen(from, to, 1)))
}

/// Exactly one change, of this kind and class.
fn one(from: &str, to: &str, kind: Kind, class: Class) -> Change {
    let c = changes(from, to);
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!((c[0].kind, c[0].class), (kind, class), "{}", c[0]);
    c[0].clone()
}

#[test]
fn identical_specs_have_no_changes() {
    assert_eq!(diff(&load(BASE), &load(BASE)), []);
}

#[test]
fn field_removed_is_breaking() {
    let c = one(
        "        note: {type: string}\n",
        "",
        Kind::FieldRemoved,
        Class::Breaking,
    );
    assert_eq!(c.at, "Thing.note");
}

#[test]
fn field_made_required_is_breaking() {
    one(
        "required: [id, status]",
        "required: [id, status, note]",
        Kind::FieldMadeRequired,
        Class::Breaking,
    );
}

#[test]
fn field_made_optional_is_breaking() {
    one(
        "required: [id, status]",
        "required: [status]",
        Kind::FieldMadeOptional,
        Class::Breaking,
    );
}

#[test]
fn field_type_changed_is_breaking() {
    let c = one(
        "note: {type: string}",
        "note: {type: integer}",
        Kind::FieldTypeChanged,
        Class::Breaking,
    );
    assert_eq!(c.detail, "type string -> integer");
}

#[test]
fn optional_field_added_is_not_breaking() {
    one(
        "        note: {type: string}\n",
        "        note: {type: string}\n        extra: {type: string}\n",
        Kind::FieldAdded,
        Class::NonBreaking,
    );
}

#[test]
fn required_field_added_is_breaking() {
    let c = changes(
        "required: [id, status]\n      properties:\n",
        "required: [id, status, extra]\n      properties:\n        extra: {type: string}\n",
    );
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!((c[0].kind, c[0].class), (Kind::FieldAdded, Class::Breaking));
}

#[test]
fn nullable_changes() {
    one(
        "note: {type: string}",
        "note: {type: string, nullable: true}",
        Kind::FieldNullabilityChanged,
        Class::Breaking,
    );
}

#[test]
fn enum_value_added_is_breaking() {
    let c = one(
        "enum: [New, Busy, Done, Failed]",
        "enum: [New, Busy, Done, Failed, Paused]",
        Kind::EnumValueAdded,
        Class::Breaking,
    );
    assert_eq!(c.at, "Status.Paused");
}

#[test]
fn enum_value_removed_is_breaking() {
    // Removing Busy also removes what pollers may observe through it.
    let c = changes(
        "enum: [New, Busy, Done, Failed]\n      x-state-machine:\n        initial: [New]\n        final: [Done, Failed]\n        transitions:\n          New: [Busy, Failed]\n          Busy: [Done, Failed]\n",
        "enum: [New, Done, Failed]\n      x-state-machine:\n        initial: [New]\n        final: [Done, Failed]\n        transitions:\n          New: [Done, Failed]\n",
    );
    let kinds: Vec<(Kind, Class)> = c.iter().map(|c| (c.kind, c.class)).collect();
    assert!(
        kinds.contains(&(Kind::EnumValueRemoved, Class::Breaking)),
        "{c:#?}"
    );
    assert!(c.iter().all(|c| c.class == Class::Breaking), "{c:#?}");
}

#[test]
fn final_state_changed_is_breaking() {
    // Busy becomes final, so it loses its outgoing transitions (the linter
    // rejects a final state that can be left): both are reported, both breaking.
    let c = changes(
        "final: [Done, Failed]\n        transitions:\n          New: [Busy, Failed]\n          Busy: [Done, Failed]\n",
        "final: [Done, Failed, Busy]\n        transitions:\n          New: [Busy, Failed]\n",
    );
    let kinds: Vec<(Kind, Class)> = c.iter().map(|c| (c.kind, c.class)).collect();
    assert_eq!(
        kinds,
        [
            (Kind::FinalStatesChanged, Class::Breaking),
            (Kind::TransitionsChanged, Class::Breaking)
        ],
        "{c:#?}"
    );
    assert_eq!(
        c[0].detail,
        "final states {Done, Failed} -> {Busy, Done, Failed}"
    );
}

#[test]
fn transition_added_or_removed_is_breaking() {
    let c = one(
        "Busy: [Done, Failed]",
        "Busy: [Done, Failed, New]",
        Kind::TransitionsChanged,
        Class::Breaking,
    );
    assert!(
        c.detail.contains("now allowed: Busy -> New"),
        "{}",
        c.detail
    );
    let c = one(
        "Busy: [Done, Failed]",
        "Busy: [Done]",
        Kind::TransitionsChanged,
        Class::Breaking,
    );
    assert!(
        c.detail.contains("no longer allowed: Busy -> Failed"),
        "{}",
        c.detail
    );
    // New -> Failed stays observable through Busy, so dropping the direct edge
    // changes nothing a poller can see.
    one(
        "New: [Busy, Failed]",
        "New: [Busy]",
        Kind::TransitionsChanged,
        Class::NonBreaking,
    );
}

const BUSY: &str = "          Busy: [Done, Failed]\n";

fn corrected(corrections: &str) -> String {
    format!("{BUSY}        corrections:\n{corrections}")
}

#[test]
fn a_correction_added_is_breaking_and_one_removed_is_not() {
    let c = one(
        BUSY,
        &corrected("          Failed: [Done]\n"),
        Kind::CorrectionsAdded,
        Class::Breaking,
    );
    assert!(c.detail.ends_with(": Failed -> Done"), "{}", c.detail);
    // Removed: the old spec has it, the new one does not.
    let old = BASE.replacen(BUSY, &corrected("          Failed: [Done]\n"), 1);
    let c = diff(&load(&old), &load(BASE));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::CorrectionsRemoved, Class::NonBreaking)
    );
    assert!(c[0].detail.ends_with(": Failed -> Done"), "{}", c[0].detail);
    // Changing which state a correction leads to is both.
    let new = BASE.replacen(BUSY, &corrected("          Done: [Failed]\n"), 1);
    let kinds: Vec<(Kind, Class)> = diff(&load(&old), &load(&new))
        .iter()
        .map(|c| (c.kind, c.class))
        .collect();
    assert_eq!(
        kinds,
        [
            (Kind::CorrectionsAdded, Class::Breaking),
            (Kind::CorrectionsRemoved, Class::NonBreaking)
        ]
    );
}

#[test]
fn rewriting_transitions_without_changing_what_a_poller_sees_is_not_breaking() {
    // New -> Done was already observable through Busy.
    one(
        "New: [Busy, Failed]",
        "New: [Busy, Failed, Done]",
        Kind::TransitionsChanged,
        Class::NonBreaking,
    );
}

#[test]
fn initial_state_changed_is_breaking() {
    one(
        "initial: [New]",
        "initial: [New, Busy]",
        Kind::InitialStatesChanged,
        Class::Breaking,
    );
}

#[test]
fn type_added_and_removed() {
    let extra =
        "    Extra:\n      type: object\n      properties: {x: {type: string}}\n    Status:\n";
    let with_extra = load(&BASE.replacen("    Status:\n", extra, 1));
    let removed = diff(&with_extra, &load(BASE));
    assert_eq!(removed.len(), 1, "{removed:#?}");
    assert_eq!(
        (removed[0].kind, removed[0].class),
        (Kind::TypeRemoved, Class::Breaking)
    );
    one(
        "    Status:\n",
        "    Extra:\n      type: object\n      properties: {x: {type: string}}\n    Status:\n",
        Kind::TypeAdded,
        Class::NonBreaking,
    );
}

#[test]
fn rule_changes_are_not_breaking() {
    let c = one(
        "expr: \"fee <= amount\"",
        "expr: \"fee < amount\"",
        Kind::RuleChanged,
        Class::NonBreaking,
    );
    assert!(
        c.detail.contains("`fee <= amount` -> `fee < amount`"),
        "{}",
        c.detail
    );
}

#[test]
fn operation_changes() {
    one(
        "/things/{id}:",
        "/items/{id}:",
        Kind::OperationMoved,
        Class::Breaking,
    );
    let c = changes("operationId: getThing", "operationId: fetchThing");
    let kinds: Vec<(Kind, Class)> = c.iter().map(|c| (c.kind, c.class)).collect();
    assert_eq!(
        kinds,
        [
            (Kind::OperationRemoved, Class::Breaking),
            (Kind::OperationAdded, Class::NonBreaking)
        ]
    );
}

#[test]
fn parameter_changes() {
    one(
        "{name: expand, in: query, required: false",
        "{name: expand, in: query, required: true",
        Kind::ParameterRequirednessChanged,
        Class::Breaking,
    );
    one(
        "        - {name: expand, in: query, required: false, schema: {type: string}}\n",
        "",
        Kind::ParameterRemoved,
        Class::Breaking,
    );
    one(
        "        - {name: expand, in: query, required: false, schema: {type: string}}\n",
        "        - {name: expand, in: query, required: false, schema: {type: string}}\n        - {name: page, in: query, required: false, schema: {type: integer}}\n",
        Kind::ParameterAdded,
        Class::NonBreaking,
    );
}

/// An array query parameter's serialisation (`explode`, `style`) changed: a
/// sender writing the old one is misread.
#[test]
fn an_array_query_parameters_serialisation_change_is_breaking() {
    let array = |extra: &str| {
        BASE.replacen(
            "{name: expand, in: query, required: false, schema: {type: string}}",
            &format!("{{name: expand, in: query, required: false{extra}, schema: {{type: array, items: {{type: string}}}}}}"),
            1,
        )
    };
    let c = diff(&load(&array("")), &load(&array(", explode: false")));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::ParameterTypeChanged, Class::Breaking)
    );
    assert!(
        c[0].detail
            .contains("one value per item -> items joined by ','"),
        "{}",
        c[0]
    );
    let c = diff(
        &load(&array(", style: pipeDelimited")),
        &load(&array(", style: spaceDelimited")),
    );
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].class, Class::Breaking);
    // The same serialisation written another way is no change.
    assert!(diff(&load(&array("")), &load(&array(", explode: true"))).is_empty());
}

#[test]
fn response_changes() {
    one(
        "        \"404\":\n          description: Not found\n",
        "",
        Kind::ResponseRemoved,
        Class::NonBreaking,
    );
    one(
        "        \"404\":\n",
        "        \"410\":\n          description: Gone\n        \"404\":\n",
        Kind::ResponseAdded,
        Class::Breaking,
    );
}

#[test]
fn polling_and_info_changes_are_not_breaking() {
    one(
        "intervalSeconds: 5",
        "intervalSeconds: 10",
        Kind::PollingChanged,
        Class::NonBreaking,
    );
    one(
        "version: 1.0.0",
        "version: 1.1.0",
        Kind::InfoChanged,
        Class::NonBreaking,
    );
}

#[test]
fn changes_print_their_class() {
    let c = one(
        "        note: {type: string}\n",
        "",
        Kind::FieldRemoved,
        Class::Breaking,
    );
    assert_eq!(c.to_string(), "breaking     Thing.note: field removed");
}

#[test]
fn timeout_changes_are_not_breaking() {
    let c = one(
        "          Busy: [Done, Failed]\n",
        "          Busy: [Done, Failed]\n        timeouts:\n          - {id: busy-limit, while: [Busy], afterSeconds: 60}\n",
        Kind::TimeoutsChanged,
        Class::NonBreaking,
    );
    assert_eq!(c.detail, "timeout `busy-limit` added");
}

#[test]
fn string_lengths_breaking_when_they_admit_more() {
    let from = "note: {type: string}";
    let bounded = "note: {type: string, minLength: 2, maxLength: 8}";
    // A new bound narrows what arrives: partners that read the field cope.
    one(
        from,
        bounded,
        Kind::FieldConstraintChanged,
        Class::NonBreaking,
    );
    let base = BASE.replacen(from, bounded, 1);
    let between = |to: &str| diff(&load(&base), &load(&base.replacen(bounded, to, 1)));
    for (to, class) in [
        (
            "note: {type: string, minLength: 3, maxLength: 8}",
            Class::NonBreaking,
        ),
        (
            "note: {type: string, minLength: 2, maxLength: 5}",
            Class::NonBreaking,
        ),
        (
            "note: {type: string, minLength: 1, maxLength: 8}",
            Class::Breaking,
        ),
        (
            "note: {type: string, minLength: 2, maxLength: 9}",
            Class::Breaking,
        ),
        ("note: {type: string, minLength: 2}", Class::Breaking),
        (
            "note: {type: string, minLength: 3, maxLength: 9}",
            Class::Breaking,
        ),
    ] {
        let c = between(to);
        assert_eq!(c.len(), 1, "{to}: {c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, class),
            "{to}: {}",
            c[0]
        );
    }
    let c = between("note: {type: string, minLength: 1, maxLength: 9}");
    assert_eq!(
        c[0].detail,
        "length 2..=8 -> 1..=9: strings of lengths the old spec ruled out may now arrive"
    );
}

#[test]
fn integer_bounds_breaking_when_they_admit_more() {
    let from = "fee: {type: integer, format: int64}";
    let bounded = "fee: {type: integer, format: int64, minimum: 0, maximum: 100, multipleOf: 5}";
    one(
        from,
        bounded,
        Kind::FieldConstraintChanged,
        Class::NonBreaking,
    );
    let base = BASE.replacen(from, bounded, 1);
    let between = |to: &str| diff(&load(&base), &load(&base.replacen(bounded, to, 1)));
    for (to, class) in [
        (
            "fee: {type: integer, format: int64, minimum: 0, exclusiveMinimum: true, maximum: 100, multipleOf: 5}",
            Class::NonBreaking,
        ),
        (
            "fee: {type: integer, format: int64, minimum: 0, maximum: 100, multipleOf: 10}",
            Class::NonBreaking,
        ),
        (
            "fee: {type: integer, format: int64, minimum: 0, maximum: 50, multipleOf: 5}",
            Class::NonBreaking,
        ),
        (
            "fee: {type: integer, format: int64, minimum: -1, maximum: 100, multipleOf: 5}",
            Class::Breaking,
        ),
        (
            "fee: {type: integer, format: int64, minimum: 0, maximum: 100, multipleOf: 3}",
            Class::Breaking,
        ),
        (
            "fee: {type: integer, format: int64, minimum: 0, maximum: 100}",
            Class::Breaking,
        ),
        (
            "fee: {type: integer, format: int64, minimum: 0, multipleOf: 5}",
            Class::Breaking,
        ),
    ] {
        let c = between(to);
        assert_eq!(c.len(), 1, "{to}: {c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, class),
            "{to}: {}",
            c[0]
        );
    }
}

#[test]
fn write_only_is_breaking_and_deprecated_is_not() {
    let from = "note: {type: string}";
    one(
        from,
        "note: {type: string, deprecated: true}",
        Kind::FieldMarkingChanged,
        Class::NonBreaking,
    );
    one(
        from,
        "note: {type: string, writeOnly: true}",
        Kind::FieldMarkingChanged,
        Class::Breaking,
    );
}

#[test]
fn a_map_is_compared_by_its_values_and_breaking_when_it_stops_being_one() {
    let from = "      required: [id, status]\n";
    let map = |values: &str| {
        format!("      required: [id, status]\n      additionalProperties: {values}\n")
    };
    // Becoming a map narrows what arrives: not breaking for partners.
    let c = one(
        from,
        &map("{type: integer}"),
        Kind::AdditionalPropertiesChanged,
        Class::NonBreaking,
    );
    assert!(
        c.to_string().contains("not given -> a schema (a map)"),
        "{c}"
    );
    // Stopping being one is.
    let base = BASE.replacen(from, &map("{type: integer}"), 1);
    let c = diff(&load(&base), &load(BASE));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::AdditionalPropertiesChanged, Class::Breaking)
    );
    // The values' schema is compared as a property's.
    let widened = diff(
        &load(&base),
        &load(&BASE.replacen(from, &map("{type: string}"), 1)),
    );
    assert_eq!(widened.len(), 1, "{widened:#?}");
    assert_eq!(
        (widened[0].kind, widened[0].class),
        (Kind::FieldTypeChanged, Class::Breaking)
    );
    assert!(
        widened[0]
            .to_string()
            .contains("Thing.additionalProperties"),
        "{}",
        widened[0]
    );
    let bounded = diff(
        &load(&base),
        &load(&BASE.replacen(from, &map("{type: integer, maximum: 9}"), 1)),
    );
    assert_eq!(bounded.len(), 1, "{bounded:#?}");
    assert_eq!(bounded[0].class, Class::NonBreaking, "{}", bounded[0]);
}

#[test]
fn additional_properties_breaking_when_it_stops_being_false() {
    let from = "      required: [id, status]\n";
    let closed = "      required: [id, status]\n      additionalProperties: false\n";
    one(
        from,
        closed,
        Kind::AdditionalPropertiesChanged,
        Class::NonBreaking,
    );
    let base = BASE.replacen(from, closed, 1);
    let c = diff(&load(&base), &load(BASE));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::AdditionalPropertiesChanged, Class::Breaking)
    );
}

#[test]
fn item_counts_breaking_when_they_admit_more() {
    let from = "note: {type: string}";
    let to = "note: {type: array, items: {type: string}, minItems: 1}";
    let base = BASE.replacen(from, to, 1);
    let c = diff(
        &load(&base),
        &load(&base.replacen("minItems: 1", "maxItems: 3", 1)),
    );
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::FieldConstraintChanged, Class::Breaking)
    );
    let c = diff(
        &load(&base),
        &load(&base.replacen("minItems: 1", "minItems: 2", 1)),
    );
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::FieldConstraintChanged, Class::NonBreaking)
    );
}

#[test]
fn string_formats_breaking_when_dropped_or_changed() {
    let from = "note: {type: string}";
    // A new checked format narrows what arrives.
    let c = one(
        from,
        "note: {type: string, format: date}",
        Kind::FieldConstraintChanged,
        Class::NonBreaking,
    );
    assert_eq!(c.detail, "string format none -> `date`");
    let base = BASE.replacen(from, "note: {type: string, format: date}", 1);
    let between = |to: &str| {
        diff(
            &load(&base),
            &load(&base.replacen("note: {type: string, format: date}", to, 1)),
        )
    };
    for to in [
        "note: {type: string}",
        "note: {type: string, format: date-time}",
        // An annotation checks nothing: the same as no format.
        "note: {type: string, format: binary}",
    ] {
        let c = between(to);
        assert_eq!(c.len(), 1, "{to}: {c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, Class::Breaking),
            "{to}: {}",
            c[0]
        );
    }
    // Between annotations nothing is checked, so nothing changes.
    let base = BASE.replacen(from, "note: {type: string, format: binary}", 1);
    let to = base.replacen("format: binary", "format: password", 1);
    assert_eq!(diff(&load(&base), &load(&to)), []);
}

#[test]
fn a_float_format_dropped_is_breaking() {
    let c = one(
        "fee: {type: integer, format: int64}",
        "fee: {type: integer, format: int64}\n        rate: {type: number, format: float}",
        Kind::FieldAdded,
        Class::NonBreaking,
    );
    assert!(c.at.contains("rate"), "{c}");
    let base = BASE.replacen(
        "fee: {type: integer, format: int64}",
        "fee: {type: integer, format: int64}\n        rate: {type: number, format: float}",
        1,
    );
    let to = base.replacen(
        "rate: {type: number, format: float}",
        "rate: {type: number, format: double}",
        1,
    );
    let c = diff(&load(&base), &load(&to));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::FieldConstraintChanged, Class::Breaking)
    );
    let c = diff(&load(&to), &load(&base));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::FieldConstraintChanged, Class::NonBreaking)
    );
}

/// Ranges and `default` are responses of their own, named as written.
#[test]
fn range_and_default_responses_are_diffed_by_their_key() {
    let added = one(
        "        \"404\":\n",
        "        \"5XX\":\n          description: Server error\n        \"404\":\n",
        Kind::ResponseAdded,
        Class::Breaking,
    );
    assert!(added.to_string().contains("getThing 5XX"), "{added}");
    let added = one(
        "        \"404\":\n",
        "        default:\n          description: Other\n        \"404\":\n",
        Kind::ResponseAdded,
        Class::Breaking,
    );
    assert!(added.to_string().contains("getThing default"), "{added}");
    // A code replaced by its range: one removed, one added.
    let c = changes("        \"404\":\n", "        \"4XX\":\n");
    let kinds: Vec<Kind> = c.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [Kind::ResponseRemoved, Kind::ResponseAdded],
        "{c:#?}"
    );
}

#[test]
fn number_bounds_breaking_when_they_admit_more_compared_exactly() {
    let fee = "fee: {type: integer, format: int64}";
    let bounded =
        "rate: {type: number, minimum: 0, maximum: 0.3, exclusiveMaximum: true, multipleOf: 0.01}";
    let base = BASE.replacen(fee, &format!("{fee}\n        {bounded}"), 1);
    let between = |to: &str| diff(&load(&base), &load(&base.replacen(bounded, to, 1)));
    for (to, class) in [
        // Narrower: a higher minimum, an exclusive one, a lower maximum, a
        // multiple of the old step (0.03 = 3 × 0.01, exactly).
        (
            "rate: {type: number, minimum: 0.01, maximum: 0.3, exclusiveMaximum: true, multipleOf: 0.01}",
            Class::NonBreaking,
        ),
        (
            "rate: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 0.3, exclusiveMaximum: true, multipleOf: 0.01}",
            Class::NonBreaking,
        ),
        (
            "rate: {type: number, minimum: 0, maximum: 0.29999999999999, exclusiveMaximum: true, multipleOf: 0.01}",
            Class::NonBreaking,
        ),
        (
            "rate: {type: number, minimum: 0, maximum: 0.3, exclusiveMaximum: true, multipleOf: 0.03}",
            Class::NonBreaking,
        ),
        // Wider: 0.3 itself now arrives, a bound gone, a step that is not a
        // multiple of 0.01 (0.015), a lower minimum by a millionth.
        (
            "rate: {type: number, minimum: 0, maximum: 0.3, multipleOf: 0.01}",
            Class::Breaking,
        ),
        (
            "rate: {type: number, minimum: 0, multipleOf: 0.01}",
            Class::Breaking,
        ),
        (
            "rate: {type: number, minimum: 0, maximum: 0.3, exclusiveMaximum: true, multipleOf: 0.015}",
            Class::Breaking,
        ),
        (
            "rate: {type: number, minimum: -0.000001, maximum: 0.3, exclusiveMaximum: true, multipleOf: 0.01}",
            Class::Breaking,
        ),
    ] {
        let c = between(to);
        assert_eq!(c.len(), 1, "{to}: {c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, class),
            "{to}: {}",
            c[0]
        );
    }
    // The same bounds written differently are no change.
    assert!(between("rate: {type: number, minimum: 0.0, maximum: 3e-1, exclusiveMaximum: true, multipleOf: 1e-2}").is_empty());
}

#[test]
fn unique_items_dropped_is_breaking_and_added_is_not() {
    let fee = "fee: {type: integer, format: int64}";
    let plain = "rates: {type: array, items: {type: number}}";
    let unique = "rates: {type: array, items: {type: number}, uniqueItems: true}";
    let with = |rates: &str| load(&BASE.replacen(fee, &format!("{fee}\n        {rates}"), 1));
    let added = diff(&with(plain), &with(unique));
    assert_eq!(added.len(), 1, "{added:#?}");
    assert_eq!(
        (added[0].kind, added[0].class),
        (Kind::FieldConstraintChanged, Class::NonBreaking)
    );
    let dropped = diff(&with(unique), &with(plain));
    assert_eq!(dropped.len(), 1, "{dropped:#?}");
    assert_eq!(
        (dropped[0].kind, dropped[0].class),
        (Kind::FieldConstraintChanged, Class::Breaking)
    );
    // `uniqueItems: false` says nothing.
    let inert = "rates: {type: array, items: {type: number}, uniqueItems: false}";
    assert!(diff(&with(plain), &with(inert)).is_empty());
}

#[test]
fn property_counts_class_as_lengths() {
    let order = "    Thing:\n      type: object\n";
    let with = |extra: &str| load(&BASE.replacen(order, &format!("{order}{extra}"), 1));
    let (none, two, four) = (
        with(""),
        with("      maxProperties: 4\n      minProperties: 2\n"),
        with("      maxProperties: 5\n      minProperties: 2\n"),
    );
    for (a, b, class) in [
        (&none, &two, Class::NonBreaking),
        (&two, &none, Class::Breaking),
        (&two, &four, Class::Breaking),
        (&four, &two, Class::NonBreaking),
    ] {
        let c = diff(a, b);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, class),
            "{}",
            c[0]
        );
    }
}

#[test]
fn array_items_constraints_are_classed_as_a_propertys() {
    let listed = "note: {type: array, items: {type: string}}";
    let base = BASE.replacen("note: {type: string}", listed, 1);
    let between = |from: &str, to: &str| {
        diff(
            &load(&base.replacen(listed, from, 1)),
            &load(&base.replacen(listed, to, 1)),
        )
    };
    let bounded = "note: {type: array, items: {type: string, maxLength: 8}}";
    for (from, to, class, detail) in [
        // A new bound on the items narrows what arrives.
        (listed, bounded, Class::NonBreaking, None),
        // A higher or removed one admits more.
        (
            bounded,
            "note: {type: array, items: {type: string, maxLength: 9}}",
            Class::Breaking,
            None,
        ),
        (bounded, listed, Class::Breaking, None),
        (
            listed,
            "note: {type: array, items: {type: string, nullable: true}}",
            Class::Breaking,
            Some("made nullable: null may now arrive"),
        ),
    ] {
        let c = between(from, to);
        assert_eq!(c.len(), 1, "{from} -> {to}: {c:#?}");
        assert_eq!(c[0].class, class, "{from} -> {to}: {}", c[0]);
        assert_eq!(c[0].at, "Thing.note[]", "{}", c[0]);
        if let Some(detail) = detail {
            assert_eq!(c[0].detail, detail);
        }
    }
    // The items' type is compared as the type they constrain.
    let c = between(
        bounded,
        "note: {type: array, items: {type: integer, minimum: 0}}",
    );
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].kind, c[0].class),
        (Kind::FieldTypeChanged, Class::Breaking)
    );
    assert_eq!(c[0].detail, "type array of string -> array of integer");
    // A component's constraints are each referencing property's.
    let component = "    Status:\n";
    let with = |max: u32| {
        base.replacen(
            component,
            &format!("    Code:\n      type: string\n      maxLength: {max}\n{component}"),
            1,
        )
        .replacen(
            "id: {type: string}",
            "id: {$ref: \"#/components/schemas/Code\"}",
            1,
        )
    };
    let c = diff(&load(&with(4)), &load(&with(6)));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(
        (c[0].at.as_str(), c[0].class),
        ("Thing.id", Class::Breaking)
    );
}

#[test]
fn deprecating_an_operation_or_a_parameter_is_not_breaking() {
    let op = one(
        "      operationId: getThing\n",
        "      operationId: getThing\n      deprecated: true\n",
        Kind::DeprecationChanged,
        Class::NonBreaking,
    );
    assert_eq!(op.at, "getThing");
    let param = one(
        "{name: expand, in: query, required: false,",
        "{name: expand, in: query, required: false, deprecated: true,",
        Kind::DeprecationChanged,
        Class::NonBreaking,
    );
    assert!(param.to_string().contains("expand"), "{param}");
}

const WITH_BODY: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewThing"}
      responses:
        "201": {description: Created}
components:
  schemas:
    NewThing:
      type: object
      properties:
        note: {type: string}
"##;

/// The request-body changes between WITH_BODY and WITH_BODY with `from` replaced by `to`.
fn body_changes(from: &str, to: &str) -> Vec<(Class, String)> {
    assert!(WITH_BODY.contains(from), "WITH_BODY has no `{from}`");
    diff(&load(WITH_BODY), &load(&WITH_BODY.replacen(from, to, 1)))
        .into_iter()
        .filter(|c| c.kind == Kind::RequestBodyChanged)
        .map(|c| (c.class, c.detail))
        .collect()
}

#[test]
fn request_body_changes_are_classed_for_senders() {
    assert_eq!(
        body_changes("required: false", "required: true"),
        [(Class::Breaking, "made required".to_owned())]
    );
    assert_eq!(
        body_changes(
            "          application/json:\n",
            "          application/x-www-form-urlencoded:\n"
        ),
        [
            (
                Class::Breaking,
                "media type `application/json` removed".to_owned()
            ),
            (
                Class::NonBreaking,
                "media type `application/x-www-form-urlencoded` added".to_owned()
            )
        ]
    );
    assert_eq!(
        body_changes(
            "schema: {$ref: \"#/components/schemas/NewThing\"}",
            "schema: {type: array, items: {type: string}}"
        ),
        [(
            Class::Breaking,
            "`application/json` body NewThing -> array of string".to_owned()
        )]
    );
    let removed = body_changes(
        "      requestBody:\n        required: false\n        content:\n          application/json:\n            schema: {$ref: \"#/components/schemas/NewThing\"}\n",
        "",
    );
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(removed[0].0, Class::Breaking);
    // Added: breaking only when senders must now send it.
    let body = "      requestBody:\n        required: false\n";
    let without = WITH_BODY.replacen(
        "      requestBody:\n        required: false\n        content:\n          application/json:\n            schema: {$ref: \"#/components/schemas/NewThing\"}\n",
        "",
        1,
    );
    let added = |required: &str| -> Vec<(Class, String)> {
        diff(
            &load(&without),
            &load(&WITH_BODY.replacen(body, &body.replace("false", required), 1)),
        )
        .into_iter()
        .filter(|c| c.kind == Kind::RequestBodyChanged)
        .map(|c| (c.class, c.detail))
        .collect()
    };
    assert_eq!(
        added("true"),
        [(Class::Breaking, "required request body added".to_owned())]
    );
    assert_eq!(
        added("false"),
        [(Class::NonBreaking, "optional request body added".to_owned())]
    );
    // No change, no finding.
    assert!(body_changes("required: false", "required: false").is_empty());
}

#[test]
fn composition_changes_class_by_what_may_now_arrive() {
    let fee = "fee: {type: integer, format: int64}";
    let with = |code: &str| load(&BASE.replacen(fee, &format!("{fee}\n        {code}"), 1));
    let plain = with("code: {type: string}");
    let any_one = with("code: {type: string, anyOf: [{maxLength: 2}]}");
    let any_two = with("code: {type: string, anyOf: [{maxLength: 2}, {minLength: 5}]}");
    let any_wider = with("code: {type: string, anyOf: [{maxLength: 3}]}");
    let one_two = with("code: {type: string, oneOf: [{maxLength: 2}, {minLength: 5}]}");
    let one_three =
        with("code: {type: string, oneOf: [{maxLength: 2}, {minLength: 5}, {minLength: 9}]}");
    let not_a = with("code: {type: string, not: {enum: [a]}}");
    let not_b = with("code: {type: string, not: {enum: [b]}}");
    for (a, b, class, detail) in [
        (&plain, &any_one, Class::NonBreaking, "`anyOf` added"),
        (&any_one, &plain, Class::Breaking, "`anyOf` dropped"),
        (
            &any_one,
            &any_two,
            Class::Breaking,
            "`anyOf` members 1 -> 2",
        ),
        (
            &any_two,
            &any_one,
            Class::NonBreaking,
            "`anyOf` members 2 -> 1",
        ),
        (
            &any_one,
            &any_wider,
            Class::Breaking,
            "length 0..=2 -> 0..=3",
        ),
        (
            &one_two,
            &one_three,
            Class::Breaking,
            "`oneOf` members 2 -> 3",
        ),
        (&plain, &not_a, Class::NonBreaking, "`not` added"),
        (&not_a, &not_b, Class::Breaking, "`not` changed"),
        (&not_a, &plain, Class::Breaking, "`not` dropped"),
    ] {
        let c = diff(a, b);
        assert_eq!(c.len(), 1, "{detail}: {c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, class),
            "{}",
            c[0]
        );
        assert!(c[0].detail.contains(detail), "{}", c[0]);
    }
    assert!(diff(&not_a, &not_a).is_empty());
}

/// The changes inside `NewThing` (a request body type) between WITH_BODY and
/// WITH_BODY with `from` replaced by `to`, in `spec`.
fn model_changes_in(spec: &str, from: &str, to: &str) -> Vec<(Class, Kind, String)> {
    assert!(spec.contains(from), "the spec has no `{from}`");
    diff(&load(spec), &load(&spec.replacen(from, to, 1)))
        .into_iter()
        .filter(|c| c.at.starts_with("NewThing"))
        .map(|c| (c.class, c.kind, c.detail))
        .collect()
}

#[track_caller]
fn one_class(changes: &[(Class, Kind, String)], kind: Kind, class: Class) -> String {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!((changes[0].1, changes[0].0), (kind, class), "{changes:#?}");
    changes[0].2.clone()
}

#[test]
fn a_request_body_type_is_classed_for_senders() {
    let note = "note: {type: string}";
    let changed = |to: &str| model_changes_in(WITH_BODY, note, to);
    // Narrowing refuses what senders sent: breaking.
    let detail = one_class(
        &changed("note: {type: string, maxLength: 5}"),
        Kind::FieldConstraintChanged,
        Class::Breaking,
    );
    assert!(
        detail.ends_with("(a request body type: classed for senders)"),
        "{detail}"
    );
    for narrower in [
        "note: {type: string, minLength: 2}",
        "note: {type: string, format: uuid}",
        "note: {type: string, readOnly: true}",
    ] {
        assert_eq!(
            changed(narrower).len(),
            1,
            "{narrower}: {:#?}",
            changed(narrower)
        );
        assert_eq!(changed(narrower)[0].0, Class::Breaking, "{narrower}");
    }
    // Widening lets senders send more: not breaking.
    let bounded = WITH_BODY.replacen(note, "note: {type: string, maxLength: 5, format: uuid}", 1);
    let widened = model_changes_in(
        &bounded,
        "note: {type: string, maxLength: 5, format: uuid}",
        "note: {type: string, nullable: true}",
    );
    assert_eq!(widened.len(), 3, "{widened:#?}");
    assert!(
        widened.iter().all(|c| c.0 == Class::NonBreaking),
        "{widened:#?}"
    );
    // A format for another is neither: breaking both ways.
    let other_format = model_changes_in(&bounded, "format: uuid", "format: date");
    one_class(&other_format, Kind::FieldConstraintChanged, Class::Breaking);
    // An enum a sender picks from: a new value is not breaking, a removed one is.
    let with_enum = WITH_BODY.replacen(note, "note: {type: string, enum: [a, b]}", 1);
    one_class(
        &model_changes_in(&with_enum, "[a, b]", "[a, b, c]"),
        Kind::EnumValueAdded,
        Class::NonBreaking,
    );
    one_class(
        &model_changes_in(&with_enum, "[a, b]", "[a]"),
        Kind::EnumValueRemoved,
        Class::Breaking,
    );
    // Required for senders: `readOnly` ones are not (OAS 3.0.3).
    let required = WITH_BODY.replacen(
        "      type: object\n      properties:",
        "      type: object\n      required: [note]\n      properties:",
        1,
    );
    one_class(
        &model_changes_in(&required, "      required: [note]\n", ""),
        Kind::FieldMadeOptional,
        Class::NonBreaking,
    );
    one_class(
        &model_changes_in(
            WITH_BODY,
            "      type: object\n      properties:",
            "      type: object\n      required: [note]\n      properties:",
        ),
        Kind::FieldMadeRequired,
        Class::Breaking,
    );
    assert!(
        model_changes_in(&required, note, "note: {type: string, readOnly: true}")
            .iter()
            .any(|c| c.1 == Kind::FieldMadeOptional && c.0 == Class::NonBreaking),
    );
}

#[test]
fn a_type_in_requests_and_responses_is_breaking_for_either() {
    // `NewThing` is also the 201 body.
    let both = WITH_BODY.replacen(
        "        \"201\": {description: Created}\n",
        "        \"201\":\n          description: Created\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/NewThing\"}\n",
        1,
    );
    let narrowed = model_changes_in(
        &both,
        "note: {type: string}",
        "note: {type: string, maxLength: 5}",
    );
    let detail = one_class(&narrowed, Kind::FieldConstraintChanged, Class::Breaking);
    assert!(
        detail.contains("breaking for senders: the type is also in a request body"),
        "{detail}"
    );
    let bounded = both.replacen(
        "note: {type: string}",
        "note: {type: string, maxLength: 5}",
        1,
    );
    let widened = model_changes_in(
        &bounded,
        "note: {type: string, maxLength: 5}",
        "note: {type: string}",
    );
    let detail = one_class(&widened, Kind::FieldConstraintChanged, Class::Breaking);
    assert!(!detail.contains("senders"), "{detail}");
    // `readOnly` is for senders only, and says so.
    let read_only = model_changes_in(
        &both,
        "note: {type: string}",
        "note: {type: string, readOnly: true}",
    );
    let detail = one_class(&read_only, Kind::FieldMarkingChanged, Class::Breaking);
    assert!(
        detail.contains("(for senders: the type is also in a request body)"),
        "{detail}"
    );
}

const OPERATIONS: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /things:
    post:
      operationId: createThing
      responses:
        "201":
          description: Created
          headers:
            Location: {required: true, schema: {type: string}}
            X-Count: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
          links:
            status:
              operationId: getThing
              parameters:
                id: "$response.body#/id"
  /things/{id}:
    get:
      operationId: getThing
      x-rate-limit: {requests: 10, perSeconds: 60, key: [id]}
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
"##;

/// The changes of `kind` between OPERATIONS and OPERATIONS with `from` replaced by `to`.
fn changes_of_kind(from: &str, to: &str, kind: Kind) -> Vec<(Class, String, String)> {
    assert!(OPERATIONS.contains(from), "OPERATIONS has no `{from}`");
    diff(&load(OPERATIONS), &load(&OPERATIONS.replacen(from, to, 1)))
        .into_iter()
        .filter(|c| c.kind == kind)
        .map(|c| (c.class, c.at, c.detail))
        .collect()
}

#[test]
fn rate_limits_are_breaking_unless_every_old_pattern_still_fits() {
    let limit = "{requests: 10, perSeconds: 60, key: [id]}";
    let class = |to: &str| -> Vec<Class> {
        changes_of_kind(limit, to, Kind::RateLimitChanged)
            .into_iter()
            .map(|c| c.0)
            .collect()
    };
    assert_eq!(
        class("{requests: 20, perSeconds: 60, key: [id]}"),
        [Class::NonBreaking]
    );
    assert_eq!(
        class("{requests: 10, perSeconds: 30, key: [id]}"),
        [Class::NonBreaking]
    );
    assert_eq!(
        class("{requests: 5, perSeconds: 60, key: [id]}"),
        [Class::Breaking]
    );
    assert_eq!(
        class("{requests: 10, perSeconds: 120, key: [id]}"),
        [Class::Breaking]
    );
    // Counted for every caller together: the bucket is shared more widely.
    assert_eq!(class("{requests: 10, perSeconds: 60}"), [Class::Breaking]);
    assert_eq!(class(limit), []);
    let removed = changes_of_kind(
        &format!("      x-rate-limit: {limit}\n"),
        "",
        Kind::RateLimitChanged,
    );
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].0, Class::NonBreaking);
    assert_eq!(removed[0].1, "getThing");
    assert!(
        removed[0].2.contains("10 requests per 60 s per id"),
        "{}",
        removed[0].2
    );
}

#[test]
fn links_are_compared_by_name() {
    let link = "            status:\n              operationId: getThing\n              parameters:\n                id: \"$response.body#/id\"\n";
    let removed = changes_of_kind(&format!("          links:\n{link}"), "", Kind::LinkChanged);
    assert_eq!(
        removed,
        [(
            Class::Breaking,
            "createThing 201 link status".to_owned(),
            "link removed".to_owned()
        )]
    );
    let elsewhere = changes_of_kind(
        "\"$response.body#/id\"",
        "\"$response.header.Location\"",
        Kind::LinkChanged,
    );
    assert_eq!(elsewhere.len(), 1, "{elsewhere:?}");
    assert_eq!(elsewhere[0].0, Class::Breaking);
    assert_eq!(
        elsewhere[0].2,
        "parameters id = $response.body#/id -> id = $response.header.Location"
    );
    let added = changes_of_kind(
        link,
        &format!("{link}{}", link.replace("status:", "again:")),
        Kind::LinkChanged,
    );
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0].0, Class::NonBreaking);
}

#[test]
fn response_headers_are_compared_as_properties() {
    let location = "            Location: {required: true, schema: {type: string}}\n";
    let changes = |from: &str, to: &str| changes_of_kind(from, to, Kind::ResponseHeaderChanged);
    assert_eq!(changes(location, "")[0].0, Class::Breaking);
    assert_eq!(changes(location, "")[0].2, "header removed");
    let optional = changes("Location: {required: true,", "Location: {required: false,");
    assert_eq!(optional.len(), 1);
    assert_eq!(optional[0].0, Class::Breaking);
    let typed = changes(
        "Location: {required: true, schema: {type: string}}",
        "Location: {required: true, schema: {type: integer}}",
    );
    assert_eq!(typed[0].2, "type string -> integer");
    let added = |required: &str| {
        changes(
            location,
            &format!(
                "{location}            X-Trace: {{required: {required}, schema: {{type: string}}}}\n"
            ),
        )
    };
    assert_eq!(added("true")[0].0, Class::Breaking);
    assert_eq!(added("false")[0].0, Class::NonBreaking);
}

#[test]
fn review_cases_for_both_directions_links_and_parameters() {
    // A required `readOnly` field added to a type in both directions: one
    // change, breaking (for readers it is required).
    let both = WITH_BODY.replacen(
        "        \"201\": {description: Created}\n",
        "        \"201\":\n          description: Created\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/NewThing\"}\n",
        1,
    );
    let added = model_changes_in(
        &both,
        "      properties:\n        note: {type: string}",
        "      required: [made]\n      properties:\n        note: {type: string}\n        made: {type: string, readOnly: true}",
    );
    let fields: Vec<_> = added.iter().filter(|c| c.1 == Kind::FieldAdded).collect();
    assert_eq!(fields.len(), 1, "{added:#?}");
    assert_eq!(fields[0].0, Class::Breaking);
    // Reordering a link's parameters is no change.
    let link = "              parameters:\n                id: \"$response.body#/id\"\n";
    let two = OPERATIONS
        .replacen(
            link,
            &format!("{link}                again: \"$response.body#/id\"\n"),
            1,
        )
        .replacen(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n",
            "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: again, in: query, schema: {type: string}}\n",
            1,
        );
    let swapped = two.replacen(
        "                id: \"$response.body#/id\"\n                again: \"$response.body#/id\"\n",
        "                again: \"$response.body#/id\"\n                id: \"$response.body#/id\"\n",
        1,
    );
    assert_ne!(two, swapped);
    assert_eq!(diff(&load(&two), &load(&swapped)), []);
    // A parameter's constraints are classed for senders: a pattern added breaks them.
    let narrowed = changes_of_kind(
        "        - {name: id, in: path, required: true, schema: {type: string}}",
        "        - {name: id, in: path, required: true, schema: {type: string, pattern: \"^[a-z]+$\"}}",
        Kind::FieldConstraintChanged,
    );
    assert_eq!(narrowed.len(), 1, "{narrowed:?}");
    assert_eq!(narrowed[0].0, Class::Breaking);
    assert_eq!(narrowed[0].1, "getThing parameter id");
    // In a response, the same pattern added is not breaking; dropped, it is.
    let pattern = "        id: {type: string}\n";
    let with = OPERATIONS.replacen(
        pattern,
        "        id: {type: string, pattern: \"^[a-z]+$\"}\n",
        1,
    );
    let added = diff(&load(OPERATIONS), &load(&with));
    assert_eq!(added.len(), 1, "{added:#?}");
    assert_eq!(
        (added[0].class, added[0].kind),
        (Class::NonBreaking, Kind::FieldConstraintChanged)
    );
    let dropped = diff(&load(&with), &load(OPERATIONS));
    assert_eq!(dropped[0].class, Class::Breaking);
}
