pyng_derive::generate!("tests/fixtures/broken-yaml.yaml");

fn main() {}
