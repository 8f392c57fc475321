//! `oneOf`/`anyOf` typed as enums (`tests/fixtures/compositions.yaml`): the
//! discriminator's tag picks the variant and an unknown tag is kept; without
//! one, the first member that deserializes and passes its `check()` is
//! chosen; every body round-trips unchanged; on conforming bodies the
//! variant is the member the interpreter matched.
#![deny(warnings)]

mod pets {
    pyng_derive::generate!("tests/fixtures/compositions.yaml");
}

use pets::{
    Branch, Cat, Cool, Dog, Leaf, Lizard, Node, Owner, OwnerEither, OwnerLabel, OwnerShade, Pet,
    Warm,
};
use pyng_spec::ir::{Spec, Type};
use serde_json::{Value, json};

fn spec() -> Spec {
    let loaded = pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/compositions.yaml"
    ))
    .unwrap();
    loaded.spec
}

/// The errors the interpreter finds in `body` as an `Owner`.
fn errors(spec: &Spec, ty: &str, body: &Value) -> Vec<String> {
    pyng_spec::validate::validate(spec, &Type::Named(ty.into()), body)
        .into_iter()
        .filter(|f| f.severity == pyng_spec::Severity::Error)
        .map(|f| format!("{} at {}: {}", f.rule, f.pointer, f.message))
        .collect()
}

/// The type of `getTree`'s 200 body.
fn tree_body(spec: &Spec) -> Type {
    let op = spec.operations.iter().find(|o| o.id == "getTree").unwrap();
    op.responses[0].body.clone().unwrap()
}

/// `body` as an `Owner`, after checking that it serializes back unchanged.
fn owner(body: Value) -> Owner {
    let owner: Owner = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&owner).unwrap(), body);
    owner
}

fn cat(name: &str) -> Cat {
    Cat {
        pet_type: "cat".into(),
        name: name.into(),
        friend: None,
    }
}

#[test]
fn the_tag_picks_the_member_by_mapping_or_component_name() {
    let spec = spec();
    let body = json!({
        "pet": {"petType": "cat", "name": "Tom"},
        "other": {"petType": "dog", "bark": true},
        "pets": [{"petType": "kitty", "name": "Kit"}, {"petType": "Lizard", "scales": 3}],
    });
    assert_eq!(errors(&spec, "Owner", &body), Vec::<String>::new());
    let o = owner(body);
    assert_eq!(o.pet, Pet::Cat(cat("Tom")));
    assert_eq!(
        o.other,
        Some(Pet::Dog(Dog {
            pet_type: "dog".into(),
            bark: true
        }))
    );
    let pets = o.pets.unwrap();
    assert!(matches!(&pets[0], Pet::Cat(c) if c.pet_type == "kitty" && c.name == "Kit"));
    assert_eq!(pets[1], Pet::Lizard(Lizard { scales: 3 }));
}

#[test]
fn a_value_without_a_known_tag_is_kept_as_received() {
    let spec = spec();
    for pet in [
        json!({"petType": "parrot", "words": 12}),
        json!({"petType": "Cat", "name": "Tom"}),
        json!({"name": "Tom"}),
        json!({"petType": 7}),
    ] {
        let body = json!({"pet": pet});
        // The interpreter refuses each of them...
        let found = errors(&spec, "Owner", &body);
        assert!(
            found
                .iter()
                .any(|e| e.starts_with("schema.discriminator at /pet")),
            "{body}: {found:?}"
        );
        // ...and the model keeps it, unchanged.
        assert_eq!(owner(body).pet, Pet::Unknown(pet));
    }
}

#[test]
fn a_member_without_the_property_is_written_with_its_tag() {
    let pet = Pet::Lizard(Lizard { scales: 1 });
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        json!({"petType": "Lizard", "scales": 1})
    );
    // A tag that names a member whose fields the value lacks does not
    // deserialize, as any model with a missing required property.
    let err = serde_json::from_value::<Pet>(json!({"petType": "dog"})).unwrap_err();
    assert!(err.to_string().contains("bark"), "{err}");
}

#[test]
fn untagged_members_are_tried_in_order() {
    let spec = spec();
    let cases = [
        (json!("ab"), OwnerLabel::String("ab".into())),
        (json!(42), OwnerLabel::Integer(42)),
        (
            json!({"petType": "cat", "name": "Tom"}),
            OwnerLabel::Cat(cat("Tom")),
        ),
    ];
    for (label, expected) in cases {
        let body = json!({"pet": {"petType": "dog", "bark": false}, "label": label});
        assert_eq!(
            errors(&spec, "Owner", &body),
            Vec::<String>::new(),
            "{body}"
        );
        assert_eq!(owner(body).label, Some(expected));
    }
    let err = serde_json::from_value::<OwnerLabel>(json!(true)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the value is of none of the 3 `oneOf` members' types"
    );
}

#[test]
fn an_undocumented_enum_value_gives_way_to_the_next_member() {
    let spec = spec();
    let pet = json!({"petType": "dog", "bark": true});
    for (shade, expected) in [
        ("orange", OwnerShade::Warm(Warm::Orange)),
        ("blue", OwnerShade::Cool(Cool::Blue)),
    ] {
        let body = json!({"pet": pet, "shade": shade});
        assert_eq!(errors(&spec, "Owner", &body), Vec::<String>::new());
        assert_eq!(owner(body).shade, Some(expected));
    }
    // A value neither enum lists is kept by the first, and reported.
    let body = json!({"pet": pet, "shade": "green"});
    let found = errors(&spec, "Owner", &body);
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("schema.one-of at /shade")),
        "{found:?}"
    );
    assert!(matches!(
        owner(body).shade,
        Some(OwnerShade::Warm(Warm::Unknown(_)))
    ));
}

#[test]
fn a_member_whose_check_fails_gives_way_to_the_next() {
    let spec = spec();
    // As a Cat the name is too long (`maxLength: 5`); it is a Dog.
    let either = json!({"petType": "x", "name": "Tiberius", "bark": true});
    let body = json!({"pet": {"petType": "dog", "bark": true}, "either": either});
    assert_eq!(errors(&spec, "Owner", &body), Vec::<String>::new());
    // (A Dog does not list `name`: the model drops it, as any model drops an
    // undocumented property.)
    let read: Owner = serde_json::from_value(body).unwrap();
    assert_eq!(
        read.either,
        Some(OwnerEither::Dog(Dog {
            pet_type: "x".into(),
            bark: true
        }))
    );
    // A short name is a Cat: the first member that matches.
    let either = json!({"petType": "x", "name": "Tom", "bark": true});
    let got: OwnerEither = serde_json::from_value(either).unwrap();
    assert!(matches!(got, OwnerEither::Cat(_)));
    // Matching no member, the value is still read as the first it
    // deserializes as; the interpreter reports it.
    let either = json!({"petType": "x", "name": "Tiberius"});
    let body = json!({"pet": {"petType": "dog", "bark": true}, "either": either});
    let found = errors(&spec, "Owner", &body);
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("schema.any-of at /either")),
        "{found:?}"
    );
    assert!(matches!(owner(body).either, Some(OwnerEither::Cat(_))));
}

#[test]
fn recursive_compositions_and_maps_round_trip() {
    let spec = spec();
    let tree = json!({"children": [{"value": 1}, {"children": [{"value": 2}]}]});
    let found = pyng_spec::validate::validate(&spec, &tree_body(&spec), &tree);
    assert!(found.is_empty(), "{found:?}");
    let broken = json!({"children": [{"value": 1, "extra": 2}]});
    assert!(!pyng_spec::validate::validate(&spec, &tree_body(&spec), &broken).is_empty());
    let node: Node = serde_json::from_value(tree.clone()).unwrap();
    assert_eq!(
        node,
        Node::Branch(Branch {
            children: vec![
                Node::Leaf(Leaf { value: 1 }),
                Node::Branch(Branch {
                    children: vec![Node::Leaf(Leaf { value: 2 })]
                }),
            ]
        })
    );
    assert_eq!(serde_json::to_value(&node).unwrap(), tree);

    let body = json!({
        "pet": {"petType": "cat", "name": "Tom", "friend": {"petType": "cat", "name": "Kit"}},
        "byName": {"rex": {"petType": "dog", "bark": true}, "odd": {"petType": "eel"}},
    });
    let o = owner(body);
    let Pet::Cat(tom) = &o.pet else {
        panic!("{:?}", o.pet)
    };
    assert_eq!(tom.friend.as_deref(), Some(&Pet::Cat(cat("Kit"))));
    let by_name = o.by_name.unwrap();
    assert!(matches!(by_name.additional_properties["rex"], Pet::Dog(_)));
    assert!(matches!(
        by_name.additional_properties["odd"],
        Pet::Unknown(_)
    ));
}

/// Synthesised bodies (what the sandbox serves) are valid, and the models
/// read every one of them and write it back unchanged.
#[test]
fn synthesised_bodies_round_trip_through_the_enums() {
    let spec = spec();
    for seed in 0..64 {
        for optional in [false, true] {
            let options = pyng_spec::synth::Options {
                seed,
                optional,
                ..Default::default()
            };
            let body = pyng_spec::synth::body(&spec, &Type::Named("Owner".into()), &options);
            assert_eq!(
                errors(&spec, "Owner", &body),
                Vec::<String>::new(),
                "{body}"
            );
            owner(body);
            // `Node` is a composition without a type: the body's type holds it.
            let tree_type = tree_body(&spec);
            let tree = pyng_spec::synth::body(&spec, &tree_type, &options);
            let found = pyng_spec::validate::validate(&spec, &tree_type, &tree);
            assert!(found.is_empty(), "{tree}: {found:?}");
            let node: Node = serde_json::from_value(tree.clone()).unwrap();
            assert_eq!(serde_json::to_value(&node).unwrap(), tree);
        }
    }
}

/// The findings `check()` reports for `body` as an `Owner`, and those of the
/// interpreter for the rules `check()` evaluates: (rule, pointer, message).
fn both_checks(spec: &Spec, body: &Value) -> (Vec<[String; 3]>, Vec<[String; 3]>) {
    use pyng_spec::registry::{self, Stage};
    let generated: Owner = serde_json::from_value(body.clone()).unwrap();
    let mut generated: Vec<[String; 3]> = generated
        .check()
        .into_iter()
        .map(|v| [v.rule.to_owned(), v.pointer, v.message])
        .collect();
    let in_check = |rule: &str| {
        registry::lookup(rule).is_some_and(|e| e.stage() == Stage::Value { generated: true })
    };
    let mut interpreted: Vec<[String; 3]> =
        pyng_spec::validate::validate(spec, &Type::Named("Owner".into()), body)
            .into_iter()
            .filter(|f| in_check(&f.rule))
            .map(|f| [f.rule, f.pointer, f.message])
            .collect();
    generated.sort();
    interpreted.sort();
    (generated, interpreted)
}

/// For each body, `check()` and the interpreter agree, and find nothing
/// (`None`) or one finding of the rule at the pointer given.
#[track_caller]
fn assert_checks_agree(spec: &Spec, cases: &[(Value, Option<(&str, &str)>)]) {
    for (body, expected) in cases {
        let (generated, interpreted) = both_checks(spec, body);
        assert_eq!(generated, interpreted, "{body}");
        match expected {
            None => assert!(generated.is_empty(), "{body}: {generated:?}"),
            Some((rule, pointer)) => {
                assert_eq!(generated.len(), 1, "{body}: {generated:?}");
                assert_eq!(
                    (generated[0][0].as_str(), generated[0][1].as_str()),
                    (*rule, *pointer),
                    "{body}"
                );
            }
        }
    }
}

#[test]
fn check_counts_the_members_a_value_matches_as_the_interpreter_does() {
    let spec = spec();
    let pet = json!({"petType": "dog", "bark": true});
    let cases = [
        // `label`: a string of at most 3, an integer, or a Cat: exactly one.
        (json!({"pet": pet, "label": "ab"}), None),
        (
            json!({"pet": pet, "label": "abcd"}),
            Some(("schema.one-of", "/label")),
        ),
        (json!({"pet": pet, "label": 7}), None),
        (
            json!({"pet": pet, "label": {"petType": "cat", "name": "Tiberius"}}),
            Some(("schema.one-of", "/label")),
        ),
        // `either`: a Cat or a Dog, at least one.
        (
            json!({"pet": pet, "either": {"petType": "x", "bark": false}}),
            None,
        ),
        (
            json!({"pet": pet, "either": {"petType": "x", "name": "Tiberius"}}),
            Some(("schema.any-of", "/either")),
        ),
        // `shade`: a documented colour of either enum.
        (json!({"pet": pet, "shade": "blue"}), None),
        (
            json!({"pet": pet, "shade": "green"}),
            Some(("schema.one-of", "/shade")),
        ),
    ];
    assert_checks_agree(&spec, &cases);
    // Inside arrays and maps too, at the item's pointer.
    let body = json!({"pet": pet, "byName": {"a/b": {"petType": "dog", "bark": true}}});
    let (generated, interpreted) = both_checks(&spec, &body);
    assert_eq!(generated, interpreted);
}

#[test]
fn check_judges_the_tag_and_the_member_it_names_as_the_interpreter_does() {
    let spec = spec();
    let cases = [
        (json!({"pet": {"petType": "dog", "bark": true}}), None),
        (json!({"pet": {"petType": "kitty", "name": "Tom"}}), None),
        // The member's first error, at its own pointer.
        (
            json!({"pet": {"petType": "kitty", "name": "Tiberius"}}),
            Some(("schema.discriminator", "/pet/name")),
        ),
        // Deeper: a friend's name, through the friend's own tag.
        (
            json!({"pet": {"petType": "cat", "name": "Tom", "friend": {"petType": "cat", "name": "Tiberius"}}}),
            Some(("schema.discriminator", "/pet/friend/name")),
        ),
        // No tag, and a tag that names no member.
        (
            json!({"pet": {"scales": 3}}),
            Some(("schema.discriminator", "/pet")),
        ),
        (
            json!({"pet": {"petType": "parrot", "scales": 3}}),
            Some(("schema.discriminator", "/pet/petType")),
        ),
        (
            json!({"pet": {"petType": 7}}),
            Some(("schema.discriminator", "/pet/petType")),
        ),
        // Not an object: tried on every member, and matching none.
        (json!({"pet": "cat"}), Some(("schema.one-of", "/pet"))),
        // In an array, at the item.
        (
            json!({"pet": {"petType": "dog", "bark": true}, "pets": [{"petType": "dog", "bark": true}, {"petType": "lizard"}]}),
            Some(("schema.discriminator", "/pets/1/petType")),
        ),
    ];
    assert_checks_agree(&spec, &cases);
}
