fn main() {
    two_arenas();
    quiet_panics();
    let mut args = std::env::args_os();
    if args.nth(1).as_deref() == Some(rmpay::ledger::sandbox::WORKER_ARG.as_ref()) {
        let path = args.next().unwrap_or_default();
        std::process::exit(rmpay::ledger::sandbox::worker_main(&path));
    }
    std::process::exit(rmpay::run(std::env::args_os()));
}

/// Two malloc arenas for the whole process (glibc), not one a thread.
/// rmpay's threads hand their buffers to one another (the workbook's two
/// halves, the Parquet decoders' chunks, the month's parts), and memory
/// freed into another thread's arena stays resident where the thread
/// that frees it cannot reuse it: with glibc's arena a thread, the
/// workbook benchmark's peak was about 60 MiB in most runs and 64 MiB in
/// about one in four, once over its 64 MiB target; with two, 57–58 MiB
/// in every run. One arena did as well for memory but doubled the
/// annual review's time (its months parsed on both cores wait on the one
/// arena's lock); two keep its time (bench/README.md, "The serial
/// parts"). Set before any thread starts: glibc fixes the limit when the
/// first thread takes an arena.
fn two_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` with a valid parameter, before any other thread
    // exists, changes only the allocator's limit on new arenas.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// A panic is a bug in rmpay: say so in one line and ask for a report,
/// with no source path and no backtrace unless `RUST_BACKTRACE` asks for
/// them. The process exits with 101, as any panic does.
fn quiet_panics() {
    use std::io::Write;
    std::panic::set_hook(Box::new(|info| {
        // A full temporary folder met inside rust_xlsxwriter: reported as
        // an I/O error where it is caught, not as a bug.
        if rmpay::write::is_temp_write_panic(info.payload()) {
            return;
        }
        // The parquet crate's panic on a damaged file: reported as that
        // file's located error where it is caught, not as a bug.
        if rmpay::ledger::in_guarded_decode() {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string());
        // Written, not `eprintln!`ed: a stderr that cannot be written (a
        // closed pipe) must not panic again inside the hook (an abort).
        let mut err = std::io::stderr().lock();
        // In the console's language (English until the command line is
        // read).
        let said = rmpay::text::run::internal_error(what);
        let _ = writeln!(err, "{said}");
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            if let Some(at) = info.location() {
                let _ = writeln!(err, "at {at}");
            }
            let _ = writeln!(err, "{}", std::backtrace::Backtrace::force_capture());
        }
    }));
}
