pyng_derive::generate!("tests/fixtures/broken-invariant.yaml");

fn main() {}
