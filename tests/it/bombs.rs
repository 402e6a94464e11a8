//! Hostile xlsx files: small archives whose parts inflate far past what a
//! ledger needs. Each is made here (a deflate stream of one unit repeated,
//! so a gigabyte costs a few hundred KB and no time), given to the binary
//! under an address-space limit, and answered with a located error: its
//! exit code and message pinned.

use crate::util::root;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// The address space the binary may use on these files (see the README:
/// the reader's bound).
const ADDRESS_SPACE: u64 = 512 << 20;

/// A member's data: as it is, or a deflate stream with its declared size.
enum Data {
    Plain(Vec<u8>),
    Deflated {
        stream: Vec<u8>,
        size: u32,
        crc: u32,
    },
}

/// A raw deflate stream of `head`, `unit` `times` over, and `tail`, built
/// without compressing more than one unit: each piece ends with a full
/// flush (byte-aligned, no reference to what came before), so the unit's
/// compressed bytes can be repeated as they are.
fn deflate_repeat(head: &[u8], unit: &[u8], times: usize, tail: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let mut piece = |data: &[u8], flush| {
        let mut out = Vec::with_capacity(data.len() / 2 + 1024);
        let start = c.total_in();
        loop {
            let done = (c.total_in() - start) as usize;
            if out.capacity() - out.len() < 1024 {
                out.reserve(out.capacity());
            }
            c.compress_vec(&data[done..], &mut out, flush).unwrap();
            if (c.total_in() - start) as usize == data.len() && out.capacity() > out.len() {
                break;
            }
        }
        out
    };
    let mut out = piece(head, FlushCompress::Full);
    let unit = piece(unit, FlushCompress::Full);
    let end = piece(tail, FlushCompress::Finish);
    out.reserve(unit.len() * times + end.len());
    for _ in 0..times {
        out.extend_from_slice(&unit);
    }
    out.extend_from_slice(&end);
    out
}

/// A deflated member of `head`, `unit` × `times`, `tail`, declaring its
/// true size (the CRC is left 0: the reader stops long before the end).
fn bomb(head: &str, unit: &str, times: usize, tail: &str) -> Data {
    let size = head.len() as u64 + unit.len() as u64 * times as u64 + tail.len() as u64;
    Data::Deflated {
        stream: deflate_repeat(head.as_bytes(), unit.as_bytes(), times, tail.as_bytes()),
        size: u32::try_from(size).unwrap(),
        crc: 0,
    }
}

/// A zip of the members, each stored or deflated as given.
fn zip(members: &[(String, Data)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let (method, bytes, size, crc) = match data {
            Data::Plain(b) => {
                let mut crc = flate2::Crc::new();
                crc.update(b);
                (0u16, b.as_slice(), b.len() as u32, crc.sum())
            }
            Data::Deflated { stream, size, crc } => (8u16, stream.as_slice(), *size, *crc),
        };
        let offset = out.len() as u32;
        let n = name.len() as u16;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0, method, 0, 0x21] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, bytes.len() as u32, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [n, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(bytes);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, method, 0, 0x21] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, bytes.len() as u32, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [n, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [0u32, offset] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let count = members.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [central.len() as u32, cd_offset] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// `ok-minimal.xlsx` with one member replaced: sheet3.xml is its
/// `存款日余额` (deposits) sheet.
fn ok_minimal_with(part: &str, data: Data) -> Vec<u8> {
    ok_minimal_with_parts(vec![(part, data)])
}

/// `ok-minimal.xlsx` with some members replaced.
fn ok_minimal_with_parts(mut parts: Vec<(&str, Data)>) -> Vec<u8> {
    let path = root().join("fixtures/bad/ledger/ok-minimal.xlsx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut members = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if let Some(at) = parts.iter().position(|(p, _)| *p == name) {
            members.push((name, parts.remove(at).1));
        } else {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            members.push((name, Data::Plain(bytes)));
        }
    }
    let left: Vec<&str> = parts.iter().map(|(p, _)| *p).collect();
    assert!(left.is_empty(), "no member {left:?}");
    zip(&members)
}

/// A part of `ok-minimal.xlsx` as text.
fn part(name: &str) -> String {
    let path = root().join("fixtures/bad/ledger/ok-minimal.xlsx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

/// The deposits sheet split around its `</sheetData>`, and its first row
/// split before `</row>`.
fn deposits_around(at: &str) -> (String, String) {
    let s = part("xl/worksheets/sheet3.xml");
    let i = s.find(at).unwrap();
    (s[..i].to_string(), s[i..].to_string())
}

/// `rmpay check` on the workbook, with the address space limited; exit
/// code and stderr.
fn check(bytes: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("bomb.xlsx");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    let mut cmd = crate::util::rmpay();
    cmd.args([
        "check",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
    ])
    .arg(&path);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).replace(&*path.to_string_lossy(), "bomb.xlsx");
    crate::util::note_codes(&stderr);
    (o.status.code().unwrap_or(-1), stderr)
}

fn expect(bytes: &[u8], want: &str) {
    let (code, stderr) = check(bytes);
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            format!("{want}\nrmpay: 1 error(s); nothing was written\n").as_str()
        ),
        "{} KB archive",
        bytes.len() >> 10
    );
}

#[test]
fn a_shared_string_table_of_two_gib_is_refused_before_a_byte_is_inflated() {
    let sst = part("xl/sharedStrings.xml");
    let end = sst.rfind("</sst>").unwrap();
    // 3,855 strings of 17 bytes a unit (65,535 bytes), 32,768 units: 126
    // million strings in a 6 MB file. Declared size: the fixture's table up
    // to `</sst>` (1,734 bytes) + 65,535 × 32,768 (2,147,450,880) + 6 for
    // `</sst>` = 2,147,452,620 bytes.
    let unit = "<si><t>x</t></si>".repeat(3_855);
    let b = ok_minimal_with(
        "xl/sharedStrings.xml",
        bomb(&sst[..end], &unit, 32_768, "</sst>"),
    );
    expect(
        &b,
        "bomb.xlsx: error[too-large]: the shared-string table (`xl/sharedStrings.xml`) inflates to 2,147,452,620 bytes, more than rmpay reads (128 MiB): this is not a ledger",
    );
}

#[test]
pub(super) fn a_shared_string_table_declaring_a_trillion_strings_is_refused_before_room_is_made() {
    let sst = part("xl/sharedStrings.xml");
    let at = sst.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
    let close = at + sst[at..].find('"').unwrap();
    let lying = format!("{}999999999999{}", &sst[..at], &sst[close..]);
    let b = ok_minimal_with("xl/sharedStrings.xml", Data::Plain(lying.into_bytes()));
    expect(
        &b,
        "bomb.xlsx: error[too-large]: the shared-string table declares 999999999999 strings, more than rmpay reads (2,097,152): this is not a ledger (in `xl/sharedStrings.xml`)",
    );
}

#[test]
fn one_cell_of_900_mib_is_an_error_at_its_cell() {
    let (head, tail) = deposits_around("</row>");
    let head = format!("{head}<c r=\"F1\" t=\"inlineStr\"><is><t>");
    let tail = format!("</t></is></c>{tail}");
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        bomb(&head, &"a".repeat(1 << 20), 900, &tail),
    );
    expect(
        &b,
        "bomb.xlsx [存款日余额]!F1: error[too-large]: a cell's text is longer than 1,048,576 bytes of XML (Excel's limit is 32,767 characters)",
    );
}

#[test]
fn one_row_of_ten_million_cells_stops_at_excel_s_last_column() {
    let (head, tail) = deposits_around("</row>");
    // 4-byte cells: 16,384 of them a unit, 640 units.
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        bomb(&head, &"<c/>".repeat(16_384), 640, &tail),
    );
    expect(
        &b,
        "bomb.xlsx [存款日余额]: error[beyond-excel-limits]: a row has more than 16,384 cells, Excel's limit (columns A to XFD) (after cell E1)",
    );
}

#[test]
fn whitespace_of_900_mib_between_two_rows_is_an_error() {
    let (head, tail) = deposits_around("<row r=\"2\"");
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        bomb(&head, &" ".repeat(1 << 20), 900, &tail),
    );
    expect(
        &b,
        "bomb.xlsx [存款日余额]: error[too-large]: a worksheet has a run of more than 1,048,576 bytes of text or whitespace between two tags (after cell E1)",
    );
}

#[test]
fn a_header_at_column_fxshrxw_is_an_error_not_two_gib() {
    let (head, tail) = deposits_around("</row>");
    let xml = format!("{head}<c r=\"FXSHRXW1\" t=\"inlineStr\"><is><t>余额</t></is></c>{tail}");
    let b = ok_minimal_with("xl/worksheets/sheet3.xml", Data::Plain(xml.into_bytes()));
    expect(
        &b,
        "bomb.xlsx [存款日余额]: error[beyond-excel-limits]: expected a cell reference from A1 to XFD1048576, found `FXSHRXW1` (after cell E1)",
    );
}

#[test]
fn a_column_reference_of_120_letters_is_an_error_not_a_wrapped_index() {
    let (head, tail) = deposits_around("</row>");
    let col = "A".repeat(120);
    let xml = format!("{head}<c r=\"{col}1\"><v>1</v></c>{tail}");
    let b = ok_minimal_with("xl/worksheets/sheet3.xml", Data::Plain(xml.into_bytes()));
    expect(
        &b,
        &format!(
            "bomb.xlsx [存款日余额]: error[beyond-excel-limits]: expected a cell reference from A1 to XFD1048576, found `{}…` (after cell E1)",
            "A".repeat(32)
        ),
    );
}

#[test]
fn a_cell_placed_past_xfd_by_counting_is_an_error_at_the_last_column() {
    let (head, tail) = deposits_around("</row>");
    // No reference on the second cell: it is the one after XFD1.
    let xml = format!("{head}<c r=\"XFD1\"><v>1</v></c><c><v>2</v></c>{tail}");
    let b = ok_minimal_with("xl/worksheets/sheet3.xml", Data::Plain(xml.into_bytes()));
    expect(
        &b,
        "bomb.xlsx [存款日余额]!XFD1: error[beyond-excel-limits]: the sheet goes on past Excel's last cell, XFD1048576 (row 1, column 16385)",
    );
}

#[test]
fn a_sheet_declaring_two_gib_is_refused_before_a_byte_is_inflated() {
    let sheet = part("xl/worksheets/sheet3.xml");
    let Data::Deflated { stream, .. } = bomb(&sheet, "", 0, "") else {
        unreachable!()
    };
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        Data::Deflated {
            stream,
            size: 1 << 31,
            crc: 0,
        },
    );
    expect(
        &b,
        "bomb.xlsx: error[too-large]: a worksheet (`xl/worksheets/sheet3.xml`) inflates to 2,147,483,648 bytes, more than rmpay reads (1 GiB): this is not a ledger",
    );
}

#[test]
fn a_sheet_that_inflates_past_its_declared_size_is_cut_there() {
    // The header says 64 KiB; the stream holds 4 GiB of spaces. Only the
    // declared 64 KiB are inflated, and they are not the part the CRC is of.
    let Data::Deflated { stream, .. } = bomb("", &" ".repeat(1 << 20), 4095, "") else {
        unreachable!()
    };
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        Data::Deflated {
            stream,
            size: 64 << 10,
            crc: 0,
        },
    );
    let (code, stderr) = check(&b);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "bomb.xlsx [存款日余额]: error[cannot-read-sheet]: cannot read the sheet: Xml error: I/O error: Invalid checksum\nrmpay: 1 error(s); nothing was written\n"
    );
}

/// A zip holding two members of one name: the deposits sheet as written,
/// then again with another balance. The zip crate (like openpyxl and
/// LibreOffice) reads the last, `unzip` and 7-Zip extract the first and
/// Excel reports the file as damaged, so whoever checked the ledger with
/// another program saw other balances than the ones paid on: refused at
/// the file, naming the part, before anything is read. It used to be read
/// as valid, on the second sheet's balances.
#[test]
fn a_workbook_with_two_parts_of_one_name_is_refused() {
    let path = root().join("fixtures/bad/ledger/ok-minimal.xlsx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut members = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        if name == "xl/worksheets/sheet3.xml" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(text.contains("<v>100010.5</v>"));
            let other = text.replacen("<v>100010.5</v>", "<v>900010.5</v>", 1);
            members.push((name.clone(), Data::Plain(bytes)));
            members.push((name, Data::Plain(other.into_bytes())));
        } else {
            members.push((name, Data::Plain(bytes)));
        }
    }
    expect(
        &zip(&members),
        "bomb.xlsx: error[cannot-open]: the workbook holds two parts named `xl/worksheets/sheet3.xml`: programs would read different contents (Excel reports the file as damaged); export it again from the program that made it",
    );
}

/// Not a bomb, only careless: a header-row neighbour of 32,768 characters,
/// one over Excel's limit for a cell, is an error at its cell (Excel could
/// not have written it, so the file was not made by Excel).
#[test]
pub(super) fn a_cell_one_character_over_excel_s_limit_is_an_error_at_its_cell() {
    let (head, tail) = deposits_around("</row>");
    let cell = format!(
        "<c r=\"F1\" t=\"inlineStr\"><is><t>{}</t></is></c>",
        "字".repeat(32_768)
    );
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        Data::Plain(format!("{head}{cell}{tail}").into_bytes()),
    );
    expect(
        &b,
        "bomb.xlsx [存款日余额]!F1: error[beyond-excel-limits]: a cell holds at most 32,767 characters (Excel's limit), found 32,768",
    );
    // Exactly at the limit the cell is read: the ledger checks clean (the
    // column, not the contract's, is only noted).
    let cell = format!(
        "<c r=\"F1\" t=\"inlineStr\"><is><t>{}</t></is></c>",
        "字".repeat(32_767)
    );
    let b = ok_minimal_with(
        "xl/worksheets/sheet3.xml",
        Data::Plain(format!("{head}{cell}{tail}").into_bytes()),
    );
    let (code, stderr) = check(&b);
    assert!(
        code == 0 && !stderr.contains("error[") && !stderr.contains("beyond-excel-limits"),
        "{code}: {}",
        stderr.chars().take(300).collect::<String>()
    );
}

/// A formula saved without its value, as openpyxl writes one (`<c><f>…</f></c>`,
/// no `<v>`), holds nothing to read. It used to be read as an empty cell,
/// and an empty cell has a meaning in some columns: a share of 100%, the
/// tier's base deposit, no loss. So `=0.5` as a share paid the whole
/// client, and `=150*2` as a loss deducted nothing, without a word. Now
/// each is an error at its cell, all of them at once.
#[test]
fn a_formula_saved_without_its_value_is_an_error_at_its_cell() {
    let formula = |part: &str, from: &str, to: &str| {
        let xml = self::part(part);
        assert_eq!(xml.matches(from).count(), 1, "{part}: {from}");
        Data::Plain(xml.replacen(from, to, 1).into_bytes())
    };
    let b = ok_minimal_with_parts(vec![
        // The base deposit of 客户经理 row 2 (1,000,000 typed as a formula).
        (
            "xl/worksheets/sheet1.xml",
            formula(
                "xl/worksheets/sheet1.xml",
                r#"<c r="I2"><v>1000000.0</v></c>"#,
                r#"<c r="I2"><f>500000*2</f></c>"#,
            ),
        ),
        // The share of a client with one RM (left empty: 100%).
        (
            "xl/worksheets/sheet2.xml",
            formula(
                "xl/worksheets/sheet2.xml",
                r#"<c r="C2" t="s"><v>10</v></c></row>"#,
                r#"<c r="C2" t="s"><v>10</v></c><c r="D2"><f>0.5</f></c></row>"#,
            ),
        ),
        // The loss of an incident (left empty: no loss).
        (
            "xl/worksheets/sheet8.xml",
            formula(
                "xl/worksheets/sheet8.xml",
                r#"<c r="D2"><v>2.0</v></c></row>"#,
                r#"<c r="D2"><v>2.0</v></c><c r="E2"><f>150*2</f></c></row>"#,
            ),
        ),
    ]);
    let (code, stderr) = check(&b);
    let saved = "a formula saved without its value (open and save the file in Excel or another spreadsheet program, or type the value in)";
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            format!(
                "bomb.xlsx [客户经理]!I2: error[not-an-amount]: expected an amount, found {saved}\n\
                 bomb.xlsx [管户关系]!D2: error[bad-share]: expected a share such as `60%`, `0.6` or `60`, found {saved}\n\
                 bomb.xlsx [违规与损失]!E2: error[not-an-amount]: expected an amount, found {saved}\n\
                 rmpay: 3 error(s); nothing was written\n"
            )
            .as_str()
        )
    );
}
