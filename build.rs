//! The build a binary is: the git commit it was built from, recorded in
//! every manifest it writes (docs/ARCHIVE.md, "manifest.json", `build`),
//! so that a month closed by one build and re-run by another says which.
//!
//! Deterministic: the commit only (no clock, no path). Built from a source
//! tree without git (a tarball, `cargo install` from a registry), the
//! commit is unknown and the manifest says so. Uncommitted changes in the
//! tree are not recorded: the commit is the one checked out.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RMPAY_BUILD_COMMIT");
    // A packager building without the repository may say the commit.
    let commit = std::env::var("RMPAY_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--verify", "HEAD"]));
    // Build again when HEAD moves: its file and its reflog (which every
    // commit, checkout and reset appends to) in this worktree's git folder.
    for name in ["HEAD", "logs/HEAD"] {
        if let Some(path) = git(&["rev-parse", "--git-path", name]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!(
        "cargo:rustc-env=RMPAY_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("")
    );
}
