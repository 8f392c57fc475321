pyng_derive::generate!("tests/fixtures/does-not-exist.yaml");

fn main() {}
