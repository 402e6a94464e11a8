//! Shared test helpers.

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the library's payroll on a policy and ledger given relative to the
/// crate root (the relative paths are what messages show).
pub fn payroll(policy: &str, ledger: &str) -> rmpay::PayrollRun {
    let _cwd = CwdGuard::root();
    match rmpay::compute_payroll(Path::new(policy), Path::new(ledger), None, &mut |_, _| {}) {
        Ok(r) => r,
        Err(rmpay::Failure::Invalid(d)) => panic!("invalid input:\n{}", d.render().join("\n")),
        Err(rmpay::Failure::Error(e)) => panic!("{e}"),
    }
}

/// Tests run with the crate root as working directory (cargo's default), so
/// relative fixture paths resolve; this only asserts it.
pub struct CwdGuard;

impl CwdGuard {
    pub fn root() -> CwdGuard {
        assert_eq!(
            std::env::current_dir().unwrap(),
            root(),
            "tests must run from the crate root"
        );
        CwdGuard
    }
}

pub fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

/// Workbooks other than xlsx are parsed by a worker process: rmpay itself,
/// which a test binary is not. Call before reading a ledger in process.
pub fn use_rmpay_as_worker() {
    rmpay::ledger::sandbox::set_worker_exe(env!("CARGO_BIN_EXE_rmpay").into());
}

/// The rmpay binary.
pub fn rmpay() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_rmpay"));
    c.current_dir(root());
    console_env(&mut c);
    c
}

/// The console's language follows the locale: the tests pin English
/// unless they say otherwise, or run inside [`in_chinese`].
pub fn console_env(c: &mut std::process::Command) {
    for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(k);
    }
    if CHINESE.with(|z| z.get()) {
        c.env("LANG", "zh_CN.UTF-8");
    }
}

thread_local! {
    /// Whether runs on this thread have a Chinese locale ([`in_chinese`]).
    static CHINESE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The diagnostic lines printed on this thread, while [`in_chinese`]
    /// listens.
    static LINES: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// The console's language of the runs on this thread, as `--lang` takes
/// it: `zh` inside [`in_chinese`], else `en`. For a case that pins
/// English output, so that it still speaks Chinese when run in Chinese.
pub fn console_lang() -> &'static str {
    if CHINESE.with(|z| z.get()) {
        "zh"
    } else {
        "en"
    }
}

/// Run `f` with every run of the binary it makes (through [`run`],
/// [`rmpay`] or `Test::run`) in a Chinese locale (`LANG=zh_CN.UTF-8`),
/// and return the diagnostic lines they printed (`error[…]`, `warning[…]`,
/// `error: …`). `f`'s own asserts on English text fail in Chinese: such a
/// failure is expected and ignored here (the same case is held to its
/// asserts in English elsewhere); what is returned is what was printed
/// before it.
pub fn in_chinese(f: impl FnOnce()) -> Vec<String> {
    CHINESE.with(|z| z.set(true));
    LINES.with(|l| *l.borrow_mut() = Some(Vec::new()));
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CHINESE.with(|z| z.set(false));
    LINES.with(|l| l.borrow_mut().take().unwrap_or_default())
}

/// The English words of a diagnostic line's message, outside what may
/// stay as it is: its location and code, text in backticks, 「」 or `<>`
/// (keys, flags, values as typed, value names), file names and paths,
/// flags, anything with a digit (ids, cells, hashes, numbers: `RM001`,
/// `A-13-4-head`, `0xFF`), and `allowed` words (names such as `Excel`).
/// A line with no code is read whole.
pub fn english_words(line: &str, allowed: &[&str]) -> Vec<String> {
    // The message: after `error[code]: `, `warning[code]: ` or `error: `.
    let message = ["error[", "warning["]
        .iter()
        .filter_map(|sev| line.find(sev))
        .min()
        .and_then(|at| line[at..].split_once("]: ").map(|(_, m)| m))
        .or_else(|| line.split_once("error: ").map(|(_, m)| m))
        .unwrap_or(line);
    let mut kept = String::new();
    let (mut tick, mut corner, mut angle) = (false, 0u32, 0u32);
    for ch in message.chars() {
        match ch {
            '`' => tick = !tick,
            '「' => corner += 1,
            '」' => corner = corner.saturating_sub(1),
            '<' => angle += 1,
            '>' => angle = angle.saturating_sub(1),
            c if !tick && corner == 0 && angle == 0 => kept.push(c),
            _ => {}
        }
    }
    kept.split(|c: char| c.is_whitespace() || !c.is_ascii() || ",;()".contains(c))
        .filter(|t| {
            !(t.contains('/')
                || t.contains('.')
                || t.starts_with('-')
                || t.contains('!')
                || t.bytes().any(|b| b.is_ascii_digit()))
        })
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| !w.is_empty() && !allowed.contains(w))
        .map(str::to_string)
        .collect()
}

/// What a run of the binary printed, and its exit code.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

thread_local! {
    /// The codes (`error[…]`, `warning[…]`) the binary printed on this
    /// thread, while [`codes_printed`] listens.
    static CODES: std::cell::RefCell<Option<std::collections::BTreeSet<String>>> =
        const { std::cell::RefCell::new(None) };
}

/// Every code printed by the runs of the binary `f` makes on this thread
/// (through [`run`] or `Test::run`).
pub fn codes_printed(f: impl FnOnce()) -> std::collections::BTreeSet<String> {
    CODES.with(|c| *c.borrow_mut() = Some(Default::default()));
    f();
    CODES.with(|c| c.borrow_mut().take().unwrap_or_default())
}

/// Note the codes in a run's output (`error[code]`, `warning[code]`),
/// for [`codes_printed`].
pub fn note_codes(output: &str) {
    LINES.with(|l| {
        if let Some(lines) = l.borrow_mut().as_mut() {
            lines.extend(
                output
                    .lines()
                    .filter(|x| {
                        x.contains("error[") || x.contains("warning[") || x.starts_with("error: ")
                    })
                    .map(str::to_string),
            );
        }
    });
    CODES.with(|c| {
        if let Some(seen) = c.borrow_mut().as_mut() {
            for line in output.lines() {
                // A usage error prints as clap's do: `error: message`.
                if line.starts_with("error: ") {
                    seen.insert("usage".to_string());
                }
                for sev in ["error[", "warning["] {
                    if let Some((_, rest)) = line.split_once(&format!(": {sev}"))
                        && let Some((code, _)) = rest.split_once("]: ")
                    {
                        seen.insert(code.to_string());
                    }
                }
            }
        }
    });
}

/// Run `rmpay` from the crate root. Every workbook the run says it wrote
/// (`rmpay: wrote …xlsx`, or a month closed into an archive) is checked
/// with [`check_workbook`].
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Out {
    let o = rmpay().args(args).output().unwrap();
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    note_codes(&out.stdout);
    note_codes(&out.stderr);
    for p in workbooks_written(&out.stderr) {
        check_workbook(&p);
    }
    out
}

/// The workbooks a run's console output says it wrote: `rmpay: wrote F`
/// for each F ending in `.xlsx`, and every `.xlsx` in the folder of
/// `rmpay: closed P in DIR (…`.
pub fn workbooks_written(stderr: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for line in stderr.lines() {
        // In English, or in Chinese (`--lang zh`: rmpay：已写入 F).
        if let Some(f) = line
            .strip_prefix("rmpay: wrote ")
            .or_else(|| line.strip_prefix("rmpay：已写入 "))
        {
            let f = f.split(" (").next().unwrap_or(f);
            let f = f.split("（").next().unwrap_or(f);
            if f.ends_with(".xlsx") {
                out.push(root().join(f));
            }
        } else if let Some(dir) = line
            .strip_prefix("rmpay: closed ")
            .and_then(|rest| rest.split_once(" in "))
            .map(|(_, dir)| dir.split(" (").next().unwrap_or(dir))
            .or_else(|| {
                line.strip_prefix("rmpay：")
                    .and_then(|rest| rest.split_once(" 已结账，存于 "))
                    .map(|(_, dir)| dir.split("（").next().unwrap_or(dir))
            })
        {
            let dir = root().join(dir);
            for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "xlsx") && !p.ends_with("ledger.xlsx") {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// Check a workbook rmpay wrote, as a spreadsheet program will read it:
/// every XML part is well formed (one root, every element closed, end tags
/// matching), and in each worksheet the `<row r=…>` numbers strictly
/// increase, and within a row the cells' references are in that row with
/// strictly increasing columns. Panics naming the part and the problem.
pub fn check_workbook(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err(m) = check_workbook_bytes(&bytes) {
        panic!("{}: {m}", path.display());
    }
}

/// [`check_workbook`] on a workbook's bytes; the problem found, if any.
pub fn check_workbook_bytes(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip archive: {e}"))?;
    let mut parts = 0;
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).map_err(|e| format!("member {i}: {e}"))?;
        let name = member
            .name()
            .map_err(|e| format!("member {i}: {e}"))?
            .into_owned();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut text = String::new();
        member
            .read_to_string(&mut text)
            .map_err(|e| format!("{name}: {e}"))?;
        let sheet = name.starts_with("xl/worksheets/sheet");
        check_xml(&text, sheet).map_err(|m| format!("{name}: {m}"))?;
        parts += 1;
    }
    if parts == 0 {
        return Err("no XML parts".into());
    }
    Ok(())
}

/// `A12` → (row 12, column 1), 1-based.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    Some((digits.parse().ok()?, col))
}

fn check_xml(text: &str, sheet: bool) -> Result<(), String> {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let attr = |e: &BytesStart, key: &str| -> Result<Option<String>, String> {
        match e.try_get_attribute(key) {
            Ok(Some(a)) => Ok(Some(a.value.into_owned())),
            Ok(None) => Ok(None),
            Err(err) => Err(format!("bad attribute: {err}")),
        }
    };
    let (mut depth, mut roots) = (0usize, 0usize);
    let mut last_row: Option<u32> = None;
    let mut last_col: Option<u32> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("not well formed at byte {at}: {e}"))?;
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or(format!("an end tag with nothing open (byte {at})"))?;
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        let Some(e) = element else { continue };
        if depth == 0 {
            roots += 1;
        }
        if !empty {
            depth += 1;
        }
        if !sheet {
            continue;
        }
        match e.local_name().into_inner() {
            "row" => {
                let r = attr(&e, "r")?.ok_or("a <row> without r")?;
                let r: u32 = r.parse().map_err(|_| format!("<row r=\"{r}\">"))?;
                if last_row.is_some_and(|p| r <= p) {
                    return Err(format!(
                        "<row r=\"{r}\"> after <row r=\"{}\"> (byte {at})",
                        last_row.unwrap_or(0)
                    ));
                }
                last_row = Some(r);
                last_col = None;
            }
            "c" => {
                let r = attr(&e, "r")?.ok_or("a <c> without r")?;
                let (row, col) = cell_ref(&r).ok_or(format!("<c r=\"{r}\">"))?;
                if Some(row) != last_row {
                    return Err(format!("cell {r} outside its <row> (byte {at})"));
                }
                if last_col.is_some_and(|p| col <= p) {
                    return Err(format!("cell {r} after a cell to its right (byte {at})"));
                }
                last_col = Some(col);
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("{depth} element(s) left open at the end"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

/// Policy A without its `[workflow]` table, as a file named like the
/// original (outputs name policies by file name): for the tests of closing
/// mechanics, where a policy without a workflow closes as soon as it is
/// run. Written once per test binary.
pub fn policy_a_without_workflow() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("rules/city-commercial-bank.toml")).unwrap();
        let (kept, _) = text
            .split_once(
                "# ---------------------------------------------------- sign-off workflow ---",
            )
            .expect("Policy A has its workflow at the end");
        assert!(!kept.contains("[workflow]"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("no-workflow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("city-commercial-bank.toml");
        std::fs::write(&path, kept).unwrap();
        path.to_str().unwrap().to_string()
    })
}
