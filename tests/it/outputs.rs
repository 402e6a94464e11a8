//! What rmpay writes, as files: every workbook well formed, outputs the
//! same wherever the inputs are, the JSON as documented, a command's
//! outputs committed together, and every failure named with its reason.

use super::test::Test;
use super::util::{check_workbook, check_workbook_bytes, run, workbooks_written};
use std::path::{Path, PathBuf};

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const POLICY_B: &str = "rules/bocom-nanchang.toml";
const LEDGER_A: &str = "fixtures/2026-10.xlsx";
const LEDGER_B: &str = "fixtures/bocom-2026-10.xlsx";

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn args(v: &[&str]) -> Vec<String> {
    v.iter().map(|a| a.to_string()).collect()
}

/// Run rmpay, require success, and return the workbooks it wrote (each
/// already checked by `run`).
fn ok(args: &[String]) -> Vec<PathBuf> {
    let o = run(args);
    assert_eq!(o.code, 0, "rmpay {}\n{}", args.join(" "), o.stderr);
    let books = workbooks_written(&o.stderr);
    assert!(!books.is_empty(), "rmpay {}: no workbook", args.join(" "));
    books
}

/// The twelve 2026 ledgers of a year fixture, as `--ledgers` takes them.
fn year(dir: &str, with_period: bool) -> Vec<String> {
    (1..=12)
        .map(|m| {
            let f = format!("fixtures/{dir}/2026-{m:02}.xlsx");
            if with_period {
                format!("2026-{m:02}={f}")
            } else {
                f
            }
        })
        .collect()
}

fn review_args(policy: &str, ledgers: &[String], out: &Path, extra: &[&str]) -> Vec<String> {
    let mut a = args(&["review", "--policy", policy, "--ledgers"]);
    a.extend(ledgers.iter().cloned());
    a.extend(args(&["--year", "2026", "--out", &s(out)]));
    a.extend(args(extra));
    a
}

// ------------------------------------------------------ well-formed XML ---

/// Every kind of workbook rmpay writes (pay in Chinese and English for
/// both policies, the review for both policies, annual and quarterly, the
/// archived pay workbook, the what-if comparison) parses as XML with rows
/// and cells in strictly increasing order. The review's summary ends on a
/// row tall enough for its reasons, which rust_xlsxwriter's constant-memory
/// mode wrote twice (`<row r="10">` … `<row r="10"/>`).
#[test]
fn every_workbook_rmpay_writes_is_well_formed() {
    let d = tempfile::tempdir().unwrap();
    let out = |n: &str| d.path().join(n);
    let mut books = Vec::new();
    for (policy, ledger, lang, dir) in [
        (POLICY_A, LEDGER_A, "zh", "a-zh"),
        (POLICY_A, LEDGER_A, "en", "a-en"),
        (POLICY_B, LEDGER_B, "zh", "b-zh"),
        (POLICY_B, LEDGER_B, "en", "b-en"),
    ] {
        let mut a = args(&["payroll", "--policy", policy, "--ledger", ledger]);
        a.extend(args(&["--lang", lang, "--out", &s(&out(dir))]));
        if policy == POLICY_B {
            a.extend(args(&["--period", "2026-10"]));
        }
        books.extend(ok(&a));
    }
    books.extend(ok(&review_args(
        POLICY_A,
        &year("year-a", false),
        &out("ra"),
        &[],
    )));
    books.extend(ok(&review_args(
        POLICY_A,
        &year("year-a", false),
        &out("ra-en"),
        &["--lang", "en"],
    )));
    books.extend(ok(&review_args(
        POLICY_B,
        &year("year-b", true),
        &out("rb"),
        &[],
    )));
    books.extend(ok(&review_args(
        POLICY_B,
        &year("year-b", true)[6..9],
        &out("rb-q3"),
        &["--quarter", "3"],
    )));
    let arch = out("archive");
    // Each month as finance runs it: the draft, its sign-offs up to the
    // approval, the close (whose register carries the sign-off block).
    for (l, p) in [("fixtures/2026-09.xlsx", "2026-09"), (LEDGER_A, "2026-10")] {
        let draft = out(&format!("draft-{p}"));
        books.extend(ok(&args(&[
            "payroll",
            "--archive",
            &s(&arch),
            "--policy",
            POLICY_A,
            "--ledger",
            l,
            "--out",
            &s(&draft),
        ])));
        for (step, name) in [
            ("prepare", "王芳"),
            ("check", "李强"),
            ("approve", "赵行长"),
        ] {
            let o = run(&args(&[
                "sign",
                "--archive",
                &s(&arch),
                "--period",
                p,
                "--step",
                step,
                "--name",
                name,
                "--date",
                "2026-11-03",
            ]));
            assert_eq!(o.code, 0, "sign {step}: {}", o.stderr);
        }
        let a = args(&["close", "--archive", &s(&arch), "--policy", POLICY_A]);
        books.extend(ok(&[a, args(&["--ledger", l])].concat()));
    }
    books.extend(ok(&args(&[
        "compare",
        "--archive",
        &s(&arch),
        "--period",
        "2026-10",
        "--policy",
        "fixtures/rules-versions/city-2026b.toml",
        "--out",
        &s(&out("cmp")),
    ])));
    // 4 pay + 4 reviews + 2 drafts + 2 archived pay workbooks (with their
    // sign-off blocks) + 1 comparison.
    assert_eq!(books.len(), 13, "{books:?}");
    for b in &books {
        check_workbook(b);
        // Each prints its title, unit and page numbers on every page.
        super::print::check_printable(b);
    }
}

/// The check itself finds each kind of damage.
#[test]
fn the_workbook_check_finds_damage() {
    let sheet = |rows: &str| {
        format!("<?xml version=\"1.0\"?><worksheet><sheetData>{rows}</sheetData></worksheet>")
    };
    let book = |xml: &str| {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut w, xml.as_bytes()).unwrap();
        w.finish().unwrap().into_inner()
    };
    let good = r#"<row r="1"><c r="A1"/><c r="B1"/></row><row r="3"><c r="AA3"/></row>"#;
    assert_eq!(check_workbook_bytes(&book(&sheet(good))), Ok(()));
    let bad = [
        (
            r#"<row r="10"><c r="A10"/></row><row r="10"/>"#,
            r#"<row r="10"> after <row r="10">"#,
        ),
        (
            r#"<row r="2"/><row r="1"/>"#,
            r#"<row r="1"> after <row r="2">"#,
        ),
        (
            r#"<row r="1"><c r="B1"/><c r="A1"/></row>"#,
            "cell A1 after a cell to its right",
        ),
        (
            r#"<row r="1"><c r="A2"/></row>"#,
            "cell A2 outside its <row>",
        ),
        (r#"<row r="1"><c r="A1"></row>"#, "not well formed"),
    ];
    for (rows, problem) in bad {
        let found = check_workbook_bytes(&book(&sheet(rows))).unwrap_err();
        assert!(found.contains(problem), "{rows}: {found}");
    }
    let open = check_workbook_bytes(&book("<worksheet><sheetData>")).unwrap_err();
    assert!(open.contains("left open"), "{open}");
}

// ------------------------------------------------- outputs commit together ---

/// Every file under `dir`, relative, sorted (temporary files included).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(s(p.strip_prefix(dir).unwrap()));
            if p.is_dir() {
                todo.push(p);
            }
        }
    }
    out.sort();
    out
}

fn payroll_args(out: &Path, json: &str) -> Vec<String> {
    args(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        LEDGER_A,
        "--out",
        &s(out),
        "--json",
        json,
    ])
}

/// `--json` that cannot be written: exit 2 with the OS's reason, and the
/// workbook is not written either (the output folder is not even made).
/// A file's folder must exist (`--out DIR` is made; `--json FILE`'s is not).
#[test]
fn json_that_cannot_be_written_leaves_no_workbook() {
    let mut d = tempfile::tempdir().unwrap();
    let cases = [
        (
            "$TMP/missing/p.json".to_string(),
            "$TMP/missing/p.json: error[io]: cannot create a file in $TMP/missing: No such file or directory (os error 2)\n".to_string(),
        ),
        // A folder that cannot exist: its parent is a file.
        (
            format!("{LEDGER_A}/p.json"),
            format!(
                "{LEDGER_A}/p.json: error[io]: cannot create a file in {LEDGER_A}: Not a directory (os error 20)\n"
            ),
        ),
    ];
    for (json, message) in cases {
        d = Test::with_tempdir(d)
            .args([
                "payroll", "--policy", POLICY_A, "--ledger", LEDGER_A, "--out", "$TMP/out",
                "--json", &json,
            ])
            .stderr(&message)
            .status(2)
            .run()
            .tempdir;
        assert_eq!(tree(d.path()), Vec::<String>::new(), "--json {json}");
    }
    // The same for the review.
    let ledgers = year("year-a", false);
    let mut a = vec!["review", "--policy", POLICY_A, "--ledgers"];
    a.extend(ledgers.iter().map(String::as_str));
    a.extend([
        "--year",
        "2026",
        "--out",
        "$TMP/out",
        "--json",
        "$TMP/missing/r.json",
    ]);
    let d = Test::with_tempdir(d)
        .args(a)
        .stderr("$TMP/missing/r.json: error[io]: cannot create a file in $TMP/missing: No such file or directory (os error 2)\n")
        .status(2)
        .run()
        .tempdir;
    assert_eq!(tree(d.path()), Vec::<String>::new());
}

/// A rename that fails once the workbook is already in place (`--json`
/// names a folder) puts the workbook it replaced back.
#[test]
fn a_failed_commit_puts_back_what_it_replaced() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    std::fs::create_dir_all(d.path().join("a-folder")).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("pay-2026-10.xlsx"), "last month's run").unwrap();
    let payroll = |d: tempfile::TempDir, out: &str| {
        Test::with_tempdir(d)
            .args([
                "payroll", "--policy", POLICY_A, "--ledger", LEDGER_A, "--out", out, "--json",
                "$TMP/a-folder",
            ])
            .stderr("$TMP/a-folder: error[io]: cannot rename into place: Is a directory (os error 21)\n")
            .status(2)
            .run()
            .tempdir
    };
    let d = payroll(d, "$TMP/out");
    assert_eq!(
        std::fs::read_to_string(out.join("pay-2026-10.xlsx")).unwrap(),
        "last month's run"
    );
    assert_eq!(tree(d.path()), ["a-folder", "out", "out/pay-2026-10.xlsx"]);
    // A workbook that replaced nothing is removed, and so is the folder
    // made for it.
    let d = payroll(d, "$TMP/new/out");
    assert_eq!(tree(d.path()), ["a-folder", "out", "out/pay-2026-10.xlsx"]);
}

// ------------------------------------------------ the same on every machine ---

/// A copy of Policy A and its year of ledgers in a new folder.
fn copy_year_a() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("ledgers")).unwrap();
    std::fs::copy(POLICY_A, d.path().join("policy.toml")).unwrap();
    for l in year("year-a", false) {
        let name = Path::new(&l).file_name().unwrap();
        std::fs::copy(&l, d.path().join("ledgers").join(name)).unwrap();
    }
    d
}

/// The same review from two copies of its inputs, one run inside its copy
/// with relative paths, the other from elsewhere with absolute ones, gives
/// byte-identical workbooks and JSON: outputs name inputs by file name
/// (the run manifest showed the policy's path as given).
#[test]
fn the_same_review_from_two_places_gives_the_same_bytes() {
    let (one, two) = (copy_year_a(), copy_year_a());
    let review = |cwd: &Path, base: &Path| {
        let out = tempfile::tempdir().unwrap();
        let mut a = args(&[
            "review",
            "--policy",
            &s(&base.join("policy.toml")),
            "--ledgers",
        ]);
        for m in 1..=12 {
            a.push(s(&base.join(format!("ledgers/2026-{m:02}.xlsx"))));
        }
        a.extend(args(&["--year", "2026", "--out", &s(out.path())]));
        a.extend(args(&["--json", &s(&out.path().join("r.json"))]));
        let o = super::util::rmpay()
            .current_dir(cwd)
            .args(&a)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let book = out.path().join("review-2026.xlsx");
        check_workbook(&book);
        (
            std::fs::read(&book).unwrap(),
            std::fs::read(out.path().join("r.json")).unwrap(),
        )
    };
    let relative = review(one.path(), Path::new(""));
    let absolute = review(&std::env::temp_dir(), two.path());
    assert!(relative.1 == absolute.1, "the review JSON differs");
    assert!(relative.0 == absolute.0, "the review workbook differs");
}

// ---------------------------------------------- the JSON as documented ---

/// The field paths listed in the table under `## {heading}` of
/// docs/JSON.md (the first cell of each row, in backticks).
pub(crate) fn documented(heading: &str) -> std::collections::BTreeSet<String> {
    let doc = std::fs::read_to_string(super::util::root().join("docs/JSON.md")).unwrap();
    let start = doc
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("docs/JSON.md has no `## {heading}`"));
    let section = &doc[start + heading.len() + 5..];
    let section = &section[..section.find("\n#").unwrap_or(section.len())];
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l[..l.find('`').unwrap()].to_string())
        .collect()
}

/// Every path to a value in `v`: `a.b`, `a[].b` for an array's elements,
/// `m.*` for the keys of an object listed in `maps` (keyed by metric id).
pub(crate) fn json_paths(
    v: &serde_json::Value,
    at: &str,
    maps: &[&str],
    out: &mut std::collections::BTreeSet<String>,
) {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let k = if maps.contains(&at) { "*" } else { k.as_str() };
                let p = if at.is_empty() {
                    k.to_string()
                } else {
                    format!("{at}.{k}")
                };
                json_paths(x, &p, maps, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                json_paths(x, &format!("{at}[]"), maps, out);
            }
        }
        _ => {
            out.insert(at.to_string());
        }
    }
}

fn json_file(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Both sides of a comparison, each side's extra fields named.
pub(crate) fn same_fields(
    what: &str,
    doc: &std::collections::BTreeSet<String>,
    written: &std::collections::BTreeSet<String>,
) {
    let undocumented: Vec<_> = written.difference(doc).collect();
    let never_written: Vec<_> = doc.difference(written).collect();
    assert!(
        undocumented.is_empty() && never_written.is_empty(),
        "{what}: written but not in docs/JSON.md: {undocumented:?}; in docs/JSON.md but not written: {never_written:?}"
    );
}

/// docs/JSON.md lists exactly the fields the payroll JSON holds: every
/// field of Policy A's October (deductions, a release, movements), Policy
/// B's (no risk deposit: `cap` null), and a month whose ledger warned
/// (`ledger.warnings`; Policy A with its junior and mid tiers renamed to
/// the ledger's `A` and `B`).
#[test]
fn the_payroll_json_is_as_documented() {
    let d = tempfile::tempdir().unwrap();
    let renamed = std::fs::read_to_string(POLICY_A)
        .unwrap()
        .replace("\"junior\"", "\"A\"")
        .replace("\"mid\"", "\"B\"")
        .replace("mid = 7, junior = 5", "B = 7, A = 5");
    let warned = d.path().join("ab.toml");
    std::fs::write(&warned, renamed).unwrap();
    let mut written = std::collections::BTreeSet::new();
    for (i, (policy, ledger, period)) in [
        (POLICY_A, LEDGER_A, None),
        (POLICY_B, LEDGER_B, Some("2026-10")),
        (
            s(&warned).as_str(),
            "fixtures/bad/ledger/ok-outside-period.xlsx",
            None,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let json = d.path().join(format!("{i}.json"));
        let mut a = payroll_args(&d.path().join(format!("out{i}")), &s(&json));
        a[2] = policy.to_string();
        a[4] = ledger.to_string();
        if let Some(p) = period {
            a.extend(args(&["--period", p]));
        }
        ok(&a);
        json_paths(&json_file(&json), "", &[], &mut written);
    }
    assert!(written.contains("ledger.warnings[]"), "{written:?}");
    same_fields("payroll JSON", &documented("Payroll fields"), &written);
}

/// docs/JSON.md lists exactly the fields the review JSON holds: Policy A's
/// year (scores, a promotion's new base) and a partial Policy B half-year
/// (`missing_months`).
#[test]
fn the_review_json_is_as_documented() {
    let d = tempfile::tempdir().unwrap();
    let mut written = std::collections::BTreeSet::new();
    let runs = [
        (POLICY_A, year("year-a", false), vec![]),
        (
            POLICY_B,
            year("year-b", true)[..6].to_vec(),
            vec!["--partial"],
        ),
    ];
    for (i, (policy, ledgers, extra)) in runs.into_iter().enumerate() {
        let json = s(&d.path().join(format!("{i}.json")));
        let mut a = review_args(policy, &ledgers, &d.path().join("out"), &extra);
        a.extend(args(&["--json", &json]));
        ok(&a);
        json_paths(
            &json_file(Path::new(&json)),
            "",
            &["managers[].metrics"],
            &mut written,
        );
    }
    same_fields("review JSON", &documented("Review fields"), &written);
}

// ------------------------------------------------ every failure reads right ---

/// Run rmpay in `dir`, stopping it if it has not finished in a minute (a
/// FIFO opened for reading waits for a writer forever); exit code and
/// console output.
#[cfg(unix)]
fn run_in(dir: &Path, a: &[&str], unprivileged: bool) -> (i32, String) {
    let mut c = super::util::rmpay();
    c.current_dir(dir).args(a);
    c.stdout(std::process::Stdio::null());
    c.stderr(std::process::Stdio::piped());
    if unprivileged {
        // Tests may run as root, whom permissions do not stop: the run
        // that must be refused runs as `nobody`.
        use std::os::unix::process::CommandExt;
        c.uid(65534).gid(65534);
    }
    let mut child = c.spawn().expect("cannot start rmpay");
    let mut waited = 0;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if waited >= 600 {
            let _ = child.kill();
            let _ = child.wait();
            return (-1, "did not finish in a minute (blocked reading?)".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (status.code().unwrap_or(-1), err.trim().to_string())
}

/// Each kind of unreadable input exits 2 with the OS's reason, and a
/// policy that is not UTF-8 is invalid input located by line and column.
/// Permission denied is real: the file has mode 000, and when the tests
/// run as root (whom modes do not stop) rmpay runs as `nobody` (uid 65534).
#[cfg(unix)]
#[test]
fn every_failure_reads_right() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::copy(POLICY_A, dir.join("policy.toml")).unwrap();
    std::fs::copy(LEDGER_A, dir.join("ledger.xlsx")).unwrap();
    for f in ["policy.toml", "ledger.xlsx"] {
        std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::copy(LEDGER_A, dir.join("secret.xlsx")).unwrap();
    std::fs::copy(POLICY_A, dir.join("secret.toml")).unwrap();
    for f in ["secret.xlsx", "secret.toml"] {
        std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let privileged = std::fs::File::open(dir.join("secret.xlsx")).is_ok();
    std::fs::create_dir(dir.join("folder.xlsx")).unwrap();
    std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.xlsx"))
        .status()
        .unwrap();
    assert!(fifo.success());
    // `é` in Latin-1 on line 3, after `name = "Caf` (11 characters).
    let mut latin1 = b"[policy]\nid = \"x\"\nname = \"Caf".to_vec();
    latin1.extend(b"\xe9\"\n");
    std::fs::write(dir.join("latin1.toml"), latin1).unwrap();

    fn payroll<'a>(policy: &'a str, ledger: &'a str) -> Vec<&'a str> {
        vec![
            "payroll", "--policy", policy, "--ledger", ledger, "--out", "out",
        ]
    }
    let cases: [(Vec<&str>, bool, i32, &str); 8] = [
        (
            payroll("policy.toml", "secret.xlsx"),
            privileged,
            2,
            "secret.xlsx: error[io]: cannot open: Permission denied (os error 13)",
        ),
        (
            payroll("secret.toml", "ledger.xlsx"),
            privileged,
            2,
            "secret.toml: error[io]: cannot open: Permission denied (os error 13)",
        ),
        (
            payroll("policy.toml", "folder.xlsx"),
            false,
            2,
            "folder.xlsx: error[io]: cannot read: Is a directory (os error 21)",
        ),
        (
            payroll("policy.toml", "loop-a"),
            false,
            2,
            "loop-a: error[io]: cannot open: Too many levels of symbolic links (os error 40)",
        ),
        (
            payroll("loop-b", "ledger.xlsx"),
            false,
            2,
            "loop-b: error[io]: cannot open: Too many levels of symbolic links (os error 40)",
        ),
        (
            payroll("policy.toml", "pipe.xlsx"),
            false,
            2,
            "pipe.xlsx: error[io]: not a regular file (a FIFO, socket or device)",
        ),
        (
            vec!["check", "--rules", "no-rules", "--period", "2026-10"],
            false,
            2,
            "no-rules: error[cannot-read]: cannot read the rules directory: No such file or directory (os error 2)\nrmpay: 1 error(s); nothing was written",
        ),
        (
            vec!["check", "--policy", "latin1.toml"],
            false,
            1,
            "latin1.toml:3:12: error[not-utf8]: the policy is not UTF-8 text: byte 0xE9 (save the file as UTF-8)\nrmpay: 1 error(s); nothing was written",
        ),
    ];
    // Every case run, every wrong one named.
    let mut wrong = Vec::new();
    for (a, unprivileged, code, message) in cases {
        let got = run_in(dir, &a, unprivileged);
        if got != (code, message.to_string()) {
            wrong.push(format!(
                "{a:?}:\n  got      {got:?}\n  expected {:?}",
                (code, message)
            ));
        }
        assert!(!dir.join("out").exists(), "{a:?} wrote output");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `--json` into a folder the user may not write: exit 2 with the OS's
/// reason, and the workbook (whose folder is writable) is not written. The
/// folder has mode 555; when the tests run as root, whom modes do not
/// stop, rmpay runs as `nobody` (uid 65534).
#[cfg(unix)]
#[test]
fn json_into_a_read_only_folder_leaves_no_workbook() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    };
    mode(d.path(), 0o755);
    let (out, ro) = (d.path().join("out"), d.path().join("read-only"));
    std::fs::create_dir(&out).unwrap();
    mode(&out, 0o777);
    std::fs::create_dir(&ro).unwrap();
    mode(&ro, 0o555);
    let privileged = std::fs::File::create(ro.join("probe")).is_ok();
    let _ = std::fs::remove_file(ro.join("probe"));
    let json = s(&ro.join("p.json"));
    let a = payroll_args(&out, &json);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let got = run_in(&super::util::root(), &a, privileged);
    assert_eq!(tree(d.path()), ["out", "read-only"], "{got:?}");
    assert_eq!(
        got,
        (
            2,
            format!(
                "{json}: error[io]: cannot create a file in {}: Permission denied (os error 13)",
                s(&ro)
            )
        )
    );
}

/// A run killed while staging leaves its `.rmpay-*.tmp` file (for a
/// `payout`, a partial pay-out file in what may be the bank's drop
/// folder); the next run writing there removes it, and leaves alone the
/// staged file of a run still going (held: here, by this test's lock) and
/// every other file.
#[test]
fn a_killed_runs_staged_file_is_removed_by_the_next() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let stale = out.join(".rmpay-k1lled.tmp");
    std::fs::write(&stale, "partial pay-out").unwrap();
    let living = out.join(".rmpay-l1ving.tmp");
    std::fs::write(&living, "another run's").unwrap();
    let held = std::fs::File::open(&living).unwrap();
    held.lock().unwrap();
    let other = out.join(".rmpay-notes.txt");
    std::fs::write(&other, "mine").unwrap();
    ok(&payroll_args(&out, &s(&d.path().join("p.json"))));
    assert!(
        !stale.exists(),
        "the killed run's staged file is still there"
    );
    assert!(living.exists(), "a living run's staged file was removed");
    assert!(other.exists());
    assert_eq!(
        tree(&out),
        [".rmpay-l1ving.tmp", ".rmpay-notes.txt", "pay-2026-10.xlsx"]
    );
    drop(held);
}

/// A full temporary folder while the book's sheets are built is an I/O
/// error naming the folder (exit 2), not a bug report (exit 101), and
/// nothing is written. rust_xlsxwriter streams each sheet's rows to a
/// file in `TMPDIR` and panics when a write to it fails; a file-size
/// limit of 64 KiB (`RLIMIT_FSIZE`, with `SIGXFSZ` ignored, so a write
/// past it fails with EFBIG) stands in for the full disk: the sheets'
/// temporary files grow past it, the finished book (about 40 KiB) would
/// not.
#[test]
fn a_full_temporary_folder_is_an_io_error_not_a_bug() {
    use std::os::unix::process::CommandExt;
    let d = tempfile::tempdir().unwrap();
    let (tmp, out) = (d.path().join("tmp"), d.path().join("out"));
    std::fs::create_dir(&tmp).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rmpay"));
    super::util::console_env(&mut cmd);
    cmd.current_dir(super::util::root())
        .args(args(&[
            "payroll",
            "--policy",
            POLICY_A,
            "--ledger",
            LEDGER_A,
            "--out",
            &s(&out),
        ]))
        .env("TMPDIR", &tmp)
        .env_remove("RUST_BACKTRACE");
    // SAFETY: between fork and exec, only async-signal-safe calls.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 64 << 10,
                rlim_max: 64 << 10,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "{}: error[io]: cannot write to the temporary folder {}: File too large (os error 27) (the workbook's sheets are built there); nothing was written. Free some space, or set TMPDIR to another folder\n",
            s(&out.join("pay-2026-10.xlsx")),
            s(&tmp)
        )
    );
    assert!(!out.exists(), "something was written");
}
