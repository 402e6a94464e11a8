//! `Test`: one run of the `rmpay` binary with its whole output pinned, in
//! the style of casey/just's `tests/test.rs`.
//!
//! ```ignore
//! Test::new()
//!     .args(["payroll", "--policy", POLICY, "--ledger", BAD, "--out", "$TMP/out"])
//!     .stderr("
//!         fixtures/bad/ledger/x.xlsx [存款日余额]!E17: error[not-an-amount]: …
//!         rmpay: 1 error(s); nothing was written
//!     ")
//!     .status(1)
//!     .run();
//! ```
//!
//! - The binary runs in the crate root, so fixture paths are relative and
//!   messages show them as a user types them; `.current_dir("$TMP")` runs
//!   it elsewhere.
//! - Every test has its own temporary folder. `$TMP` in an argument, an
//!   environment value or the working folder is that folder's path, and in
//!   stdout and stderr the folder's path is shown as `$TMP`, so outputs
//!   that name files written there are pinned whole. `.write(path, bytes)`
//!   puts an input file there; `.replace(from, to)` normalises anything
//!   else that varies.
//! - stdout, stderr and the exit status are compared **exactly**; each
//!   defaults to what a quiet success prints (nothing, nothing, 0). A
//!   mismatch prints all three, expected and actual, with a line diff.
//! - An expected output that starts with a newline is unindented (the
//!   common indentation of its lines removed, the first newline and the
//!   last line's indentation dropped), so a multi-line message can be
//!   written as it prints.
//! - `.stdout_contains` / `.stderr_contains` check a part only: the rare,
//!   explicit escape for output that is not the test's subject (a long
//!   help text). Each line given must appear as a whole line.
//! - Every workbook the run says it wrote (`rmpay: wrote F.xlsx`, or a month
//!   closed into an archive) is checked with [`util::check_workbook`], as
//!   [`util::run`] does.

use super::util;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

/// What is expected of one output stream.
enum Expect {
    /// The whole text, exactly.
    Exact(String),
    /// Only these whole lines, in this order, anywhere in the output.
    Lines(Vec<String>),
}

#[must_use]
pub struct Test {
    args: Vec<String>,
    current_dir: String,
    env: BTreeMap<String, String>,
    stdin: Vec<u8>,
    stdout: Expect,
    stderr: Expect,
    status: i32,
    replace: Vec<(String, String)>,
    hide_sha256: bool,
    tempdir: tempfile::TempDir,
}

/// What a run printed (normalised: the temporary folder as `$TMP`), and
/// its temporary folder, kept alive for checks of the files written there.
#[allow(dead_code)] // stdout and stderr: for a test that reads them further
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub tempdir: tempfile::TempDir,
}

impl Output {
    /// A path inside the run's temporary folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.tempdir.path().join(rel)
    }
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    pub fn new() -> Self {
        Self::with_tempdir(tempfile::tempdir().unwrap())
    }

    /// A run sharing a temporary folder with an earlier one (e.g. an
    /// archive several commands work on, in turn).
    pub fn with_tempdir(tempdir: tempfile::TempDir) -> Self {
        Test {
            args: Vec::new(),
            current_dir: util::root().to_str().unwrap().to_string(),
            env: BTreeMap::new(),
            stdin: Vec::new(),
            stdout: Expect::Exact(String::new()),
            stderr: Expect::Exact(String::new()),
            status: 0,
            replace: Vec::new(),
            hide_sha256: false,
            tempdir,
        }
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_string());
        self
    }

    pub fn args<'a>(mut self, args: impl AsRef<[&'a str]>) -> Self {
        for a in args.as_ref() {
            self = self.arg(a);
        }
        self
    }

    /// Run in `dir` (`$TMP` allowed) instead of the crate root. The
    /// workbooks the run reports writing by a relative path are checked
    /// under the crate root ([`util::workbooks_written`]), so such a run
    /// should write by absolute (`$TMP/…`) paths.
    #[allow(dead_code)] // part of the kit; no test needs it yet
    pub fn current_dir(mut self, dir: &str) -> Self {
        self.current_dir = dir.to_string();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.insert(key.to_string(), value.to_string());
        self
    }

    #[allow(dead_code)] // part of the kit; no command reads stdin yet
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    pub fn stdout(mut self, expected: &str) -> Self {
        self.stdout = Expect::Exact(unindent(expected));
        self
    }

    pub fn stderr(mut self, expected: &str) -> Self {
        self.stderr = Expect::Exact(unindent(expected));
        self
    }

    /// Escape hatch: stdout need only contain these whole lines, in order.
    pub fn stdout_contains(mut self, lines: &str) -> Self {
        self.stdout = Expect::Lines(unindent(lines).lines().map(str::to_string).collect());
        self
    }

    /// Escape hatch: stderr need only contain these whole lines, in order.
    #[allow(dead_code)] // part of the kit; no test needs it yet
    pub fn stderr_contains(mut self, lines: &str) -> Self {
        self.stderr = Expect::Lines(unindent(lines).lines().map(str::to_string).collect());
        self
    }

    pub fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    /// Show `from` as `to` in the outputs before comparing (after `$TMP`).
    pub fn replace(mut self, from: &str, to: &str) -> Self {
        self.replace.push((from.to_string(), to.to_string()));
        self
    }

    /// Show every SHA-256 (64 hex digits) as `$SHA256`: for runs whose
    /// hashes are not the subject (setting up an archive), so that they do
    /// not change with every change of an output's bytes.
    pub fn hide_sha256(mut self) -> Self {
        self.hide_sha256 = true;
        self
    }

    /// Write an input file into the temporary folder (folders created).
    pub fn write(self, rel: &str, bytes: impl AsRef<[u8]>) -> Self {
        let path = self.tempdir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// `$TMP` in `s` as the temporary folder's path.
    fn expand(&self, s: &str) -> String {
        s.replace("$TMP", self.tempdir.path().to_str().unwrap())
    }

    /// Run the binary and compare; panics showing every difference.
    #[track_caller]
    pub fn run(self) -> Output {
        let args: Vec<OsString> = self.args.iter().map(|a| self.expand(a).into()).collect();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_rmpay"));
        // The console follows the locale: English unless a test sets it.
        super::util::console_env(&mut command);
        let mut child = command
            .args(&args)
            .envs(self.env.iter().map(|(k, v)| (k, self.expand(v))))
            .current_dir(self.expand(&self.current_dir))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start rmpay");
        // Fed from a thread, so that a child writing much before it reads
        // cannot block on a full pipe; one that does not read stdin may
        // exit first, which is no error.
        let mut input = child.stdin.take().unwrap();
        let stdin = self.stdin.clone();
        let feeder = std::thread::spawn(move || {
            let _ = input.write_all(&stdin);
        });
        let o = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        let raw_stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let normalise = |s: &[u8]| {
            let mut s =
                String::from_utf8_lossy(s).replace(self.tempdir.path().to_str().unwrap(), "$TMP");
            for (from, to) in &self.replace {
                s = s.replace(from.as_str(), to);
            }
            if self.hide_sha256 {
                s = without_sha256(&s);
            }
            s
        };
        let stdout = normalise(&o.stdout);
        let stderr = normalise(&o.stderr);
        let code = status_code(o.status);
        util::note_codes(&stdout);
        util::note_codes(&stderr);

        let mut bad = Vec::new();
        if code != self.status {
            bad.push(format!("status: expected {}, found {code}", self.status));
        }
        for (name, expected, actual) in [
            ("stdout", &self.stdout, &stdout),
            ("stderr", &self.stderr, &stderr),
        ] {
            if let Some(m) = mismatch(expected, actual) {
                bad.push(format!("{name} (- expected, + actual):\n{m}"));
            }
        }
        if !bad.is_empty() {
            panic!(
                "rmpay {}\n(in {})\n\n{}\n\n--- actual stdout ---\n{stdout}--- actual stderr ---\n{stderr}--- status {code} ---",
                self.args.join(" "),
                self.current_dir,
                bad.join("\n\n"),
            );
        }
        for p in util::workbooks_written(&raw_stderr) {
            util::check_workbook(&p);
        }
        Output {
            stdout,
            stderr,
            tempdir: self.tempdir,
        }
    }
}

/// The exit status as a shell shows it: the exit code, or 128 + the
/// signal that killed the process (134 for an abort).
fn status_code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(-1)
}

/// `s` with every run of exactly 64 hex digits as `$SHA256`.
fn without_sha256(s: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        out += if run.len() == 64 { "$SHA256" } else { &run };
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// How `actual` differs from what is expected, if it does.
fn mismatch(expected: &Expect, actual: &str) -> Option<String> {
    match expected {
        Expect::Exact(e) if e == actual => None,
        Expect::Exact(e) => Some(diff(e, actual)),
        Expect::Lines(want) => {
            let mut have = actual.lines();
            let missing: Vec<&String> = want
                .iter()
                .filter(|w| !have.any(|h| h == w.as_str()))
                .collect();
            if missing.is_empty() {
                None
            } else {
                Some(
                    missing
                        .iter()
                        .map(|m| format!("  missing (in order): {m}\n"))
                        .collect(),
                )
            }
        }
    }
}

/// A line diff of expected and actual: `-` expected only, `+` actual only,
/// ` ` both; a missing final newline is shown as `⏎ missing`.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    // Longest common subsequence table, from the ends.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let show = |mark: char, line: &str| match line.strip_suffix('\n') {
        Some(l) => format!("{mark} {l}\n"),
        None => format!("{mark} {line}  (⏎ missing)\n"),
    };
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out += &show(' ', a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out += &show('-', a[i]);
            i += 1;
        } else {
            out += &show('+', b[j]);
            j += 1;
        }
    }
    if out.is_empty() {
        out = "(both empty)\n".into();
    }
    out
}

/// An expected text as written in a test: one that starts with a newline
/// loses it, and its lines lose their common indentation (a last line of
/// only spaces is dropped, keeping the newline before it).
fn unindent(s: &str) -> String {
    let Some(body) = s.strip_prefix('\n') else {
        return s.to_string();
    };
    let body = body.trim_end_matches(' ');
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    body.split_inclusive('\n')
        .map(|l| l.get(indent..).unwrap_or(l.trim_start_matches(' ')))
        .collect()
}

#[test]
fn unindent_and_diff() {
    assert_eq!(unindent("\n    a\n      b\n    "), "a\n  b\n");
    assert_eq!(unindent("a\n"), "a\n");
    let sha = "e7424529d49eb3bd69dcde881342044f8a85c716e49c631909ffc50846562bf3";
    assert_eq!(
        without_sha256(&format!("head {sha}; not {}", &sha[1..])),
        format!("head $SHA256; not {}", &sha[1..])
    );
    assert_eq!(
        diff("a\nb\nc\n", "a\nx\nc"),
        "  a\n- b\n- c\n+ x\n+ c  (⏎ missing)\n"
    );
}

/// A run that differs from what is expected fails, naming what differs.
#[test]
#[should_panic(expected = "status: expected 1, found 0")]
fn a_different_status_fails() {
    Test::new()
        .args(["check", "--policy", "fixtures/bad/policy/ok-tiny.toml"])
        .stdout("fixtures/bad/policy/ok-tiny.toml: policy `tiny` version 1 is valid (2 tiers, 1 pay lines, 0 examples hold)\n")
        .status(1)
        .run();
}

#[test]
#[should_panic(expected = "- fixtures/bad/policy/ok-tiny.toml: policy `tiny` is valid")]
fn a_different_line_fails() {
    Test::new()
        .args(["check", "--policy", "fixtures/bad/policy/ok-tiny.toml"])
        .stdout("fixtures/bad/policy/ok-tiny.toml: policy `tiny` is valid\n")
        .run();
}

#[test]
#[should_panic(expected = "missing (in order): policy `tiny` version 1 is valid")]
fn a_part_is_a_whole_line() {
    Test::new()
        .args(["check", "--policy", "fixtures/bad/policy/ok-tiny.toml"])
        .stdout_contains("policy `tiny` version 1 is valid")
        .run();
}
