//! `cargo xtask diff OLD.yaml NEW.yaml`.

use std::path::Path;

use pyng_spec::diff::{self, Class};

pub fn run(old: &Path, new: &Path) -> Result<(), String> {
    let load = |p: &Path| {
        pyng_spec::load_file(p)
            .map(|l| l.spec)
            .map_err(|d| d.to_string())
    };
    let (old_spec, new_spec) = (load(old)?, load(new)?);
    let changes = diff::diff(&old_spec, &new_spec);
    if changes.is_empty() {
        println!("no semantic changes");
        return Ok(());
    }
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    for c in &changes {
        println!("{c}");
    }
    println!(
        "{} changes, {breaking} breaking, {} not breaking",
        changes.len(),
        changes.len() - breaking
    );
    Ok(())
}
