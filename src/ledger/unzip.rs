//! An xlsx file as calamine sees it, with its biggest worksheet inflated
//! ahead of the parser on a thread of its own.
//!
//! calamine inflates and parses a sheet on one thread; for a million-row
//! sheet, inflating is about a tenth of the read. [`Prefetched`] shows
//! calamine the same zip, except that the biggest worksheet's local and
//! central headers say *stored*: its bytes come from a thread that inflates
//! the original member, one chunk ahead of the parser, and every later
//! offset is shifted to make room. The zip reader still checks the member's
//! CRC-32 over the bytes it is given, so a fault here can only surface as a
//! read error, never as different figures.
//!
//! Anything unusual (zip64, an encrypted member, a method other than
//! deflate, data before the archive, a member under [`MIN_MEMBER`]) and the
//! file is read as it is.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};

/// Members smaller than this are not worth a thread.
pub const MIN_MEMBER: u64 = 1 << 20;
/// Inflated bytes handed over at a time, and chunks on their way at once.
const CHUNK: usize = 128 << 10;
const CHUNKS: usize = 4;
/// Unused bytes before the rewritten central directory; see [`plan`].
const GAP: u64 = 68 << 10;

/// The ledger file: as it is, or with its big sheet inflated ahead.
pub(crate) enum LedgerFile {
    Plain(BufReader<File>),
    Prefetched(Box<Prefetched>),
}

/// Open `path` for calamine, prefetching the biggest worksheet when the
/// archive is plain enough to rewrite its headers.
pub(crate) fn open(path: &Path) -> io::Result<LedgerFile> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    match plan(&mut file, len) {
        Ok(Some(plan)) => Ok(LedgerFile::Prefetched(Box::new(Prefetched {
            file: BufReader::new(file),
            file_pos: None,
            path: path.to_path_buf(),
            pos: 0,
            plan,
            stream: None,
            starts: 0,
        }))),
        // Not a zip we can rewrite (or not a zip at all): calamine reads
        // it as it is and reports what is wrong with it.
        Ok(None) | Err(_) => {
            file.seek(SeekFrom::Start(0))?;
            Ok(LedgerFile::Plain(BufReader::new(file)))
        }
    }
}

impl Read for LedgerFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            LedgerFile::Plain(f) => f.read(buf),
            LedgerFile::Prefetched(p) => p.read(buf),
        }
    }
}

impl Seek for LedgerFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            LedgerFile::Plain(f) => f.seek(to),
            LedgerFile::Prefetched(p) => p.seek(to),
        }
    }
}

/// The rewritten archive: where each byte range comes from.
#[derive(Debug)]
struct Plan {
    segments: Vec<Segment>,
    len: u64,
    member: Member,
}

#[derive(Debug)]
enum Segment {
    /// `len` bytes of the file from `from`.
    File { start: u64, len: u64, from: u64 },
    /// Rewritten headers.
    Mem { start: u64, bytes: Vec<u8> },
    /// The inflated member.
    Member { start: u64, len: u64 },
    /// Zero bytes that no entry refers to.
    Zeros { start: u64, len: u64 },
}

impl Segment {
    fn start(&self) -> u64 {
        match self {
            Segment::File { start, .. }
            | Segment::Mem { start, .. }
            | Segment::Member { start, .. }
            | Segment::Zeros { start, .. } => *start,
        }
    }

    fn len(&self) -> u64 {
        match self {
            Segment::File { len, .. }
            | Segment::Member { len, .. }
            | Segment::Zeros { len, .. } => *len,
            Segment::Mem { bytes, .. } => bytes.len() as u64,
        }
    }
}

/// The member inflated ahead: where its deflated bytes are.
#[derive(Debug, Clone, Copy)]
struct Member {
    data_start: u64,
    compressed: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn put_u16(b: &mut [u8], at: usize, v: u16) -> Option<()> {
    b.get_mut(at..at + 2)?.copy_from_slice(&v.to_le_bytes());
    Some(())
}

fn put_u32(b: &mut [u8], at: usize, v: u32) -> Option<()> {
    b.get_mut(at..at + 4)?.copy_from_slice(&v.to_le_bytes());
    Some(())
}

fn read_at(file: &mut File, at: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; len];
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(&mut buf)?;
    Ok(buf)
}

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;
const DEFLATE: u16 = 8;
const STORED: u16 = 0;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DESCRIPTOR: u16 = 1 << 3;

/// How to show the archive with its biggest worksheet stored; `None` when
/// there is none worth it or the archive is not plain.
fn plan(file: &mut File, file_len: u64) -> io::Result<Option<Plan>> {
    // The end-of-central-directory record: 22 bytes and a comment.
    let tail_len = file_len.min(22 + 0xFFFF);
    let tail = read_at(file, file_len - tail_len, tail_len as usize)?;
    let Some(e) = (0..tail.len().saturating_sub(21)).rev().find(|&i| {
        u32_at(&tail, i) == Some(EOCD)
            && u16_at(&tail, i + 20).map(|c| i + 22 + usize::from(c)) == Some(tail.len())
    }) else {
        return Ok(None);
    };
    let eocd_pos = file_len - tail_len + e as u64;
    let (Some(disk), Some(cd_disk), Some(here), Some(total), Some(cd_size), Some(cd_offset)) = (
        u16_at(&tail, e + 4),
        u16_at(&tail, e + 6),
        u16_at(&tail, e + 8),
        u16_at(&tail, e + 10),
        u32_at(&tail, e + 12),
        u32_at(&tail, e + 16),
    ) else {
        return Ok(None);
    };
    let zip64 = e >= 20 && u32_at(&tail, e - 20) == Some(ZIP64_LOCATOR);
    if zip64
        || disk != 0
        || cd_disk != 0
        || here != total
        || total == 0xFFFF
        || cd_size == u32::MAX
        || cd_offset == u32::MAX
        || u64::from(cd_offset) + u64::from(cd_size) != eocd_pos
    {
        return Ok(None);
    }
    let mut cd = read_at(file, u64::from(cd_offset), cd_size as usize)?;

    // Every entry: (its offset in `cd`, local header offset); and the
    // biggest deflated worksheet.
    let mut entries = Vec::with_capacity(usize::from(total));
    let mut best: Option<(usize, u64)> = None;
    let mut p = 0usize;
    for _ in 0..total {
        let (
            Some(sig),
            Some(flags),
            Some(method),
            Some(csize),
            Some(size),
            Some(n),
            Some(m),
            Some(k),
            Some(lho),
        ) = (
            u32_at(&cd, p),
            u16_at(&cd, p + 8),
            u16_at(&cd, p + 10),
            u32_at(&cd, p + 20),
            u32_at(&cd, p + 24),
            u16_at(&cd, p + 28),
            u16_at(&cd, p + 30),
            u16_at(&cd, p + 32),
            u32_at(&cd, p + 42),
        )
        else {
            return Ok(None);
        };
        if sig != CENTRAL || csize == u32::MAX || size == u32::MAX || lho == u32::MAX {
            return Ok(None);
        }
        let Some(name) = cd.get(p + 46..p + 46 + usize::from(n)) else {
            return Ok(None);
        };
        let candidate = name.starts_with(b"xl/worksheets/")
            && method == DEFLATE
            && flags & FLAG_ENCRYPTED == 0
            && u64::from(size) >= MIN_MEMBER;
        if candidate && best.is_none_or(|(_, s)| u64::from(size) > s) {
            best = Some((p, u64::from(size)));
        }
        entries.push((p, u64::from(lho)));
        p += 46 + usize::from(n) + usize::from(m) + usize::from(k);
    }
    if p != cd.len() {
        return Ok(None);
    }
    let Some((t, size)) = best else {
        return Ok(None);
    };
    let (Some(crc), Some(csize), Some(lho), Some(n)) = (
        u32_at(&cd, t + 16),
        u32_at(&cd, t + 20),
        u32_at(&cd, t + 42),
        u16_at(&cd, t + 28),
    ) else {
        return Ok(None);
    };
    let (lho, csize) = (u64::from(lho), u64::from(csize));

    // Its local header, rewritten to say stored, with the sizes and CRC
    // from the central directory (a data descriptor no longer applies).
    let head = read_at(file, lho, 30)?;
    let (Some(LOCAL), Some(n2), Some(m2)) =
        (u32_at(&head, 0), u16_at(&head, 26), u16_at(&head, 28))
    else {
        return Ok(None);
    };
    let mut local = read_at(file, lho, 30 + usize::from(n2) + usize::from(m2))?;
    if local.get(30..30 + usize::from(n2)) != cd.get(t + 46..t + 46 + usize::from(n)) {
        return Ok(None);
    }
    let data_start = lho + local.len() as u64;
    let data_end = data_start + csize;
    // The member's data must end before the next local header and the
    // central directory.
    if data_end > u64::from(cd_offset)
        || entries
            .iter()
            .any(|&(_, other)| other > lho && other < data_end)
    {
        return Ok(None);
    }
    let Some(flags) = u16_at(&local, 6) else {
        return Ok(None);
    };
    // Whatever moves lies after the member's data, so this never goes below
    // zero; checked all the same, since the headers come from the user.
    let shift = |at: u64| -> Option<u32> { u32::try_from((at + size).checked_sub(csize)?).ok() };
    // Zip readers look for the end record in the last 64 KiB or so; a gap
    // before the directory keeps that search out of the member, which would
    // otherwise be inflated just to be looked through.
    let Ok(size32) = u32::try_from(size) else {
        return Ok(None);
    };
    let patched = (|| {
        put_u16(&mut local, 6, flags & !FLAG_DESCRIPTOR)?;
        put_u16(&mut local, 8, STORED)?;
        put_u32(&mut local, 14, crc)?;
        put_u32(&mut local, 18, size32)?;
        put_u32(&mut local, 22, size32)?;
        let cflags = u16_at(&cd, t + 8)?;
        put_u16(&mut cd, t + 8, cflags & !FLAG_DESCRIPTOR)?;
        put_u16(&mut cd, t + 10, STORED)?;
        put_u32(&mut cd, t + 20, size32)?;
        // Members after it move by the size it gains.
        for &(at, other) in &entries {
            if other > lho {
                put_u32(&mut cd, at + 42, shift(other)?)?;
            }
        }
        Some(())
    })();
    let mut end = tail[e..].to_vec();
    let new_cd_offset = shift(u64::from(cd_offset) + GAP);
    let (Some(()), Some(new_cd_offset)) = (patched, new_cd_offset) else {
        return Ok(None);
    };
    put_u32(&mut end, 16, new_cd_offset);
    let mut directory = cd;
    directory.extend_from_slice(&end);

    let after = data_start + size;
    let segments = vec![
        Segment::File {
            start: 0,
            len: lho,
            from: 0,
        },
        Segment::Mem {
            start: lho,
            bytes: local,
        },
        Segment::Member {
            start: data_start,
            len: size,
        },
        Segment::File {
            start: after,
            len: u64::from(cd_offset) - data_end,
            from: data_end,
        },
        Segment::Zeros {
            start: after + u64::from(cd_offset) - data_end,
            len: GAP,
        },
        Segment::Mem {
            start: u64::from(new_cd_offset),
            bytes: directory,
        },
    ];
    let len = segments.last().map_or(0, |s| s.start() + s.len());
    Ok(Some(Plan {
        segments,
        len,
        member: Member {
            data_start,
            compressed: csize,
        },
    }))
}

/// The rewritten archive, read on demand: headers from memory, the rest
/// from the file, the big member from its inflating thread.
pub(crate) struct Prefetched {
    file: BufReader<File>,
    /// Where `file` is, when known (seeking a `BufReader` drops its buffer).
    file_pos: Option<u64>,
    path: PathBuf,
    pos: u64,
    plan: Plan,
    stream: Option<Inflating>,
    /// Times the member was inflated from its start.
    starts: u32,
}

/// The member being inflated: `chunk` holds its bytes from `offset`.
/// Chunks go back to the inflating thread to be filled again.
struct Inflating {
    rx: Receiver<io::Result<Vec<u8>>>,
    back: Sender<Vec<u8>>,
    chunk: Vec<u8>,
    offset: u64,
}

impl Inflating {
    /// Start inflating the member from its beginning.
    fn start(path: &Path, member: Member) -> io::Result<Inflating> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(member.data_start))?;
        let (tx, rx) = sync_channel(CHUNKS);
        let (back, used) = channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut inflate =
                flate2::read::DeflateDecoder::new(BufReader::new(file.take(member.compressed)));
            loop {
                let mut chunk = used.try_recv().unwrap_or_default();
                chunk.resize(CHUNK, 0);
                let mut filled = 0;
                let res = loop {
                    match inflate.read(&mut chunk[filled..]) {
                        Ok(0) => break Ok(()),
                        Ok(k) => {
                            filled += k;
                            if filled == CHUNK {
                                break Ok(());
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                chunk.truncate(filled);
                let done = filled < CHUNK || res.is_err();
                let msg = res.map(|()| chunk);
                // The reader went away (done with the sheet, or failed).
                if tx.send(msg).is_err() || done {
                    return;
                }
            }
        });
        Ok(Inflating {
            rx,
            back,
            chunk: Vec::new(),
            offset: 0,
        })
    }

    /// Bytes of the member from `at` (at or after the current chunk) into
    /// `buf`.
    fn read_at(&mut self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        while at >= self.offset + self.chunk.len() as u64 {
            let next = match self.rx.recv() {
                Ok(next) => next?,
                Err(_) => Vec::new(),
            };
            if next.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the worksheet inflates to fewer bytes than its header says",
                ));
            }
            self.offset += self.chunk.len() as u64;
            let used = std::mem::replace(&mut self.chunk, next);
            let _ = self.back.send(used);
        }
        let from = (at - self.offset) as usize;
        let n = buf.len().min(self.chunk.len() - from);
        buf[..n].copy_from_slice(&self.chunk[from..from + n]);
        Ok(n)
    }
}

impl Read for Prefetched {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let pos = self.pos;
        let Some(seg) = self
            .plan
            .segments
            .iter()
            .find(|s| pos >= s.start() && pos - s.start() < s.len())
        else {
            return Ok(0);
        };
        let within = pos - seg.start();
        let room = usize::try_from(seg.len() - within).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = match seg {
            Segment::Mem { bytes, .. } => {
                let from = within as usize;
                buf[..want].copy_from_slice(&bytes[from..from + want]);
                want
            }
            Segment::Zeros { .. } => {
                buf[..want].fill(0);
                want
            }
            Segment::File { from, .. } => {
                let at = from + within;
                if self.file_pos != Some(at) {
                    self.file.seek(SeekFrom::Start(at))?;
                }
                let n = self.file.read(&mut buf[..want])?;
                self.file_pos = Some(at + n as u64);
                n
            }
            Segment::Member { .. } => {
                // Going back in the member means inflating it again.
                if self.stream.as_ref().is_none_or(|s| within < s.offset) {
                    self.stream = Some(Inflating::start(&self.path, self.plan.member)?);
                    self.starts += 1;
                }
                match self.stream.as_mut() {
                    Some(s) => s.read_at(within, &mut buf[..want])?,
                    None => 0,
                }
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Prefetched {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.plan.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek to a negative position",
            ));
        };
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip with a big sheet between two small members, written by the
    /// zip crate with or without data descriptors.
    fn sample(streamed: bool) -> (tempfile::TempDir, PathBuf, Vec<(String, Vec<u8>)>) {
        use zip::write::SimpleFileOptions;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut big = Vec::new();
        let mut x: u32 = 1;
        while big.len() < MIN_MEMBER as usize + 123_457 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            big.extend_from_slice(
                format!("<row r=\"{}\"><c><v>{}</v></c></row>", big.len(), x % 1000).as_bytes(),
            );
        }
        let members = vec![
            ("[Content_Types].xml".to_string(), b"<Types/>".to_vec()),
            (
                "xl/worksheets/sheet1.xml".to_string(),
                b"<worksheet/>".to_vec(),
            ),
            ("xl/worksheets/sheet2.xml".to_string(), big),
            ("xl/sharedStrings.xml".to_string(), b"<sst/>".to_vec()),
        ];
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let bytes = if streamed {
            let mut out = Vec::new();
            let mut w = zip::ZipWriter::new_stream(&mut out);
            for (name, data) in &members {
                w.start_file(name.as_str(), opts).unwrap();
                std::io::Write::write_all(&mut w, data).unwrap();
            }
            w.finish().unwrap();
            out
        } else {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for (name, data) in &members {
                w.start_file(name.as_str(), opts).unwrap();
                std::io::Write::write_all(&mut w, data).unwrap();
            }
            w.finish().unwrap().into_inner()
        };
        std::fs::write(&path, bytes).unwrap();
        (dir, path, members)
    }

    /// Every member, read once in order; and how often the big one was
    /// inflated from its start.
    fn members_of(r: LedgerFile) -> (Vec<(String, Vec<u8>, zip::CompressionMethod)>, u32) {
        let mut z = zip::ZipArchive::new(r).unwrap();
        let members = (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), data, f.compression())
            })
            .collect();
        let starts = match z.into_inner() {
            LedgerFile::Prefetched(p) => p.starts,
            LedgerFile::Plain(_) => 0,
        };
        (members, starts)
    }

    #[test]
    fn the_rewritten_archive_holds_the_same_members_with_the_big_one_stored() {
        for streamed in [false, true] {
            let (_dir, path, members) = sample(streamed);
            let file = open(&path).unwrap();
            assert!(
                matches!(file, LedgerFile::Prefetched(_)),
                "streamed: {streamed}"
            );
            let (read, starts) = members_of(file);
            assert_eq!(starts, 1, "inflated once (streamed: {streamed})");
            assert_eq!(read.len(), members.len());
            for ((name, data, method), (want_name, want)) in read.iter().zip(&members) {
                assert_eq!(name, want_name);
                assert!(data == want, "{name} differs (streamed: {streamed})");
                let stored = name == "xl/worksheets/sheet2.xml";
                assert_eq!(
                    *method == zip::CompressionMethod::Stored,
                    stored,
                    "{name} (streamed: {streamed})"
                );
            }
        }
    }

    #[test]
    fn reading_the_big_member_twice_inflates_it_again() {
        let (_dir, path, members) = sample(false);
        let mut z = zip::ZipArchive::new(open(&path).unwrap()).unwrap();
        for _ in 0..2 {
            let mut data = Vec::new();
            z.by_name("xl/worksheets/sheet2.xml")
                .unwrap()
                .read_to_end(&mut data)
                .unwrap();
            assert!(data == members[2].1);
        }
    }

    #[test]
    fn a_corrupt_member_is_a_read_error() {
        let (_dir, path, _) = sample(false);
        let mut bytes = std::fs::read(&path).unwrap();
        // Flip bytes in the middle of the big member's deflated data.
        let mid = bytes.len() / 2;
        for b in &mut bytes[mid..mid + 64] {
            *b ^= 0x5a;
        }
        std::fs::write(&path, &bytes).unwrap();
        let mut z = zip::ZipArchive::new(open(&path).unwrap()).unwrap();
        let mut data = Vec::new();
        let res = z
            .by_name("xl/worksheets/sheet2.xml")
            .unwrap()
            .read_to_end(&mut data);
        assert!(res.is_err(), "a corrupt member must not read cleanly");
    }

    #[test]
    fn small_or_foreign_files_are_read_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xlsx");
        for bytes in [&b""[..], b"PK\x05\x06", b"not a zip at all"] {
            std::fs::write(&path, bytes).unwrap();
            assert!(matches!(open(&path).unwrap(), LedgerFile::Plain(_)));
        }
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/2026-10.xlsx");
        assert!(matches!(open(&fixture).unwrap(), LedgerFile::Plain(_)));
    }
}
