//! The integration tests: one binary, one module per area.
//!
//! - `audit`: every figure of every RM recomputed from its own trace, in
//!   archives of months under both policies; the digits of written numbers.
//! - `client_detail`: the client detail file of `payroll --client-detail`:
//!   its content, an auditor's recomputation of each RM's deposits from it,
//!   written with the workbook or not at all, archived, verified, rerun.
//! - `archive`: closing, carrying forward, re-running and verifying periods.
//! - `archive_zh`: the archive's and the monthly cycle's refusals and
//!   damaged files, said in Chinese under a Chinese locale.
//! - `payout`: the pay-out file (代发工资) of a closed month: count and
//!   total against the register, GBK and xlsx read back independently,
//!   missing cards at their cells.
//! - `bombs`: hostile xlsx files (parts that inflate to gigabytes, references
//!   past XFD1048576), answered with located errors in bounded memory.
//! - `hostile_parquet`: Parquet files declaring more rows, columns or
//!   metadata than a sheet holds, refused from what they declare.
//! - `parquet_reader`: a Parquet chunk the arrow reader refuses, read by
//!   the column readers with its errors located and worded as before.
//! - `payroll`: Policy A's October 2026 fixture, every figure computed by
//!   hand from POLICIES.md with its arithmetic in the test.
//! - `restate`: a closed month's ledger corrected: new versions of it and
//!   of the later closed months, and the next month's adjustment lines
//!   computed by hand (ledgers written by the test).
//! - `walk`: the whole cycle on the shipped fixtures under Policy A's
//!   workflow: three months drafted, signed and closed (October corrected
//!   and signed again), September restated, December's adjustment lines
//!   by hand.
//! - `leavers`: a leaver absent from later ledgers is paid back when the
//!   risk deposit falls due (ledgers written by the test).
//! - `notice`: the notices of a review's result (`review --notices`), one
//!   per RM: decision and reasons read back, nothing of anyone else, same
//!   bytes, all files or none, one A4 page with its text whole.
//! - `policy_errors`: one bad policy per error kind, exact message pinned.
//! - `policy_reading`: how a policy is read: every word of every
//!   enumeration as documented, unknown keys located anywhere, several
//!   tables' problems in one run, numbers from their digits.
//! - `cycle`: the month as the finance office runs it: draft, sign-off,
//!   close only as approved, steps signed after the close, `verify --head`.
//! - `cli`: the command line as a user runs it, each run's whole output
//!   pinned with `test::Test`: exit codes, outputs written
//!   or not, byte-identical reruns.
//! - `error_catalogue`: every error code of `diag::Code::ALL` met through
//!   the command line by a case (its own, whole output pinned, a bad
//!   fixture `check`ed, or another file's test), checked by
//!   `every_code_is_met`.
//! - `ledger_errors`: one bad ledger per error kind, exact text pinned, and
//!   the valid variants (formats, units, text amounts) read exactly.
//! - `golden`: the pay workbook compared cell by cell with a committed copy.
//! - `layouts`: ledgers as branches export them (title rows, `yyyymmdd`
//!   dates, total rows, 万元 to the fen, a hidden sheet) paid exactly as the
//!   clean ledger, with the warnings pinned.
//! - `language`: one language per output: every Chinese workbook the
//!   fixtures produce holds no English but identifiers, every English one
//!   no Chinese but the ledgers' and policies' names.
//! - `outputs`: what is written as files: every workbook well formed (each
//!   workbook a run of `util::run` reports is checked), the same bytes
//!   from anywhere, the JSON as documented, outputs committed together, and
//!   every unreadable input named with the OS's reason.
//! - `print`: how every workbook prints: page header and footer, print
//!   titles, strips never split, the trace in readable column groups.
//! - `properties`: invariants of the pay engine over generated inputs.
//! - `review`: the annual and quarterly tier review on a year of ledgers
//!   (Policy A, Policy B and a bank variant), decisions computed by hand.
//! - `streaming`: sheets longer than one batch of the streaming xlsx reader,
//!   big enough to be inflated ahead.
//! - `statement`: the per-RM statements: nothing of anyone else, the
//!   register's figures, names, same bytes, unknown RMs, closed months,
//!   all files or none.
//! - `test`: the `Test` builder that runs the binary and pins its whole
//!   stdout, stderr and exit status (casey/just's style).
//! - `writers`: ledgers written by rust_xlsxwriter, openpyxl and
//!   LibreOffice take the reader's fast path (the deposits sheet inflated
//!   ahead) with the same figures; each way it is declined reads the same.
//! - `trust`: what the archive certifies: the policy in force for the
//!   month, the build that closed it, a month folder with no manifest, a
//!   ledger named for another month, amounts typed in 万元, and RMs who
//!   served part of a review period.
//! - `template`: the empty ledger workbook of `rmpay template` read back
//!   through the reader, and filled in through `check` and `payroll`.

mod archive;
mod archive_zh;
mod audit;
mod bombs;
mod cli;
mod client_detail;
mod cycle;
mod error_catalogue;
mod folders;
mod fuzz_found;
mod golden;
mod hostile_parquet;
mod language;
mod layouts;
mod leavers;
mod ledger_errors;
mod notice;
mod outputs;
mod parquet_reader;
mod payout;
mod payroll;
mod policy_errors;
mod policy_reading;
mod print;
mod properties;
mod restate;
mod review;
mod review_rules;
mod run_zh;
mod spark;
mod split;
mod statement;
mod streaming;
mod template;
mod test;
mod trust;
mod util;
mod walk;
mod writers;
