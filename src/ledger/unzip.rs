//! An xlsx file as calamine sees it: every member stored, its bytes
//! inflated here, checked against the reader's limits on the way
//! ([`super::guard`]), and the biggest worksheet inflated ahead of the
//! parser on a thread of its own.
//!
//! [`open`] reads the zip's central directory (with the zip crate, as
//! calamine would) and shows calamine a new archive with the same members
//! in the same order, each *stored*, its size the one the original
//! declares: fresh local headers, the data, a gap, a fresh central
//! directory. A member's bytes are inflated from the original when
//! calamine reads them, never more than the declared size (a header that
//! lies about the size gets a truncated member, which the zip reader's
//! CRC-32 check refuses), and every byte goes through the member's
//! [`Guard`] before calamine sees it. A part whose declared size is over
//! its limit is refused before a byte of it is inflated. The file is
//! opened once: every member is read at its offset through that handle,
//! so what is read is the file opened, even if it is renamed, replaced or
//! removed meanwhile.
//!
//! For a million-row sheet, inflating is about a tenth of the read: the
//! biggest worksheet (over [`MIN_MEMBER`]) is inflated and checked on its
//! own thread, one chunk ahead of the parser.
//!
//! Parsing is the rest, and one calamine parser is one core. So that
//! biggest worksheet, when it is the deposits sheet, is read by two
//! parsers at once ([`split`]): a scout inflates and checks it as soon as
//! the file is opened and finds a cut at a row past its middle; this
//! archive then shows calamine the sheet's bytes before the cut, closed
//! with `</sheetData></worksheet>`, and a second archive shows another
//! calamine, on another thread, the sheet's head and its bytes from the
//! cut (a member of its own size and CRC). The reader takes the first
//! half's rows as they come and the second half's after them, so every
//! row goes through the row path in sheet order; anything the cut cannot
//! keep exactly as the whole sheet (markup, formulas or prefixed names
//! before it, a head over 64 KiB, no row to cut at, a failure in either
//! half) has the sheet read whole, as before, from a clean state.
//!
//! A file the zip crate cannot read as an archive is handed to calamine as
//! it is, which reports what is wrong with it (no member can be inflated
//! from a file without a central directory).
//!
//! [`route`] says which of these a file takes, and why ([`Route`]): the
//! tests hold files written by rust_xlsxwriter, openpyxl and LibreOffice
//! to the fast path and to the split read (`tests/it/writers.rs`; every
//! refusal of the split, and split against single reads of generated
//! sheets, in `tests/it/split.rs`). Nothing here depends on how
//! the zip crate reads an archive beyond what a zip file is: the archive
//! shown is a plain one, and a reader that seeks back into the member
//! read ahead only costs that member being inflated again.

mod split;

pub(crate) use split::Split;
use split::{Half2, TAIL};
pub use split::{SPLIT_MIN, Single, SplitRoute};

use super::guard::{self, Breach, Guard, Kind};
use crate::diag::Code;
use crate::text::ledger as says;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Members smaller than this are not worth a thread.
pub const MIN_MEMBER: u64 = 1 << 20;
/// Inflated bytes handed over at a time, and chunks on their way at once.
const CHUNK: usize = 128 << 10;
const CHUNKS: usize = 4;
/// Unused bytes before the central directory: zip readers look for the
/// end record in the last 64 KiB or so, and this keeps that search out of
/// the members, which would otherwise be inflated just to be looked
/// through.
const GAP: u64 = 68 << 10;
/// Members an archive may have.
pub const MAX_MEMBERS: usize = 10_000;

/// The first limit a read went past, kept for the reader (calamine only
/// sees an I/O error).
pub(crate) type BreachSlot = Arc<Mutex<Option<Breach>>>;

/// Reads `buf` full from `r`, or up to the end of its data: the bytes
/// read, and the error that stopped it, if one did (the bytes before an
/// error are counted, as the inflating threads hand on what they read).
fn fill(r: &mut impl Read, buf: &mut [u8]) -> (usize, io::Result<()>) {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Err(e)),
        }
    }
    (filled, Ok(()))
}

fn record(slot: &BreachSlot, b: Breach) -> io::Error {
    // calamine sees an I/O error; the reader reports the breach itself.
    let msg = b.message.get(crate::text::Lang::En).to_string();
    if let Ok(mut s) = slot.lock()
        && s.is_none()
    {
        *s = Some(b);
    }
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// The ledger file: as it is (not an archive), or rewritten.
pub(crate) enum LedgerFile {
    Plain(BufReader<File>),
    Rewritten(Box<Rewritten>),
}

/// How [`open`] shows a file to calamine, and why: what a test can ask of
/// a real writer's file ([`route`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Every member shown stored; the biggest worksheet (`sheet`, `size`
    /// bytes inflated) inflated ahead on a thread of its own.
    Ahead { sheet: String, size: u64 },
    /// Every member shown stored and inflated on calamine's own thread as
    /// it is read, because of `why`.
    Inline(Inline),
    /// The zip crate cannot read the file as an archive: calamine gets it
    /// as it is and says what is wrong with it.
    AsIs,
    /// The archive's directory already goes past a limit: the reader
    /// refuses the file with this error and reads nothing.
    Refused(Breach),
}

/// Why no worksheet is inflated ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Every worksheet inflates to less than [`MIN_MEMBER`] (`biggest`
    /// bytes, 0 for none): not worth a thread.
    Small { biggest: u64 },
    /// The worksheets worth a thread are stored, not deflated: there is
    /// nothing to inflate.
    Stored { sheet: String },
}

/// How [`open`] would show the file at `path` to calamine (see [`Route`]).
pub fn route(path: &Path) -> io::Result<Route> {
    let members = match directory(File::open(path)?) {
        Ok(Ok(m)) => m,
        Ok(Err(b)) => return Ok(Route::Refused(b)),
        Err(_) => return Ok(Route::AsIs),
    };
    Ok(match plan(members) {
        Ok(p) => p.route,
        Err(b) => Route::Refused(b),
    })
}

/// Open `path` for calamine. An error is a limit the archive's directory
/// already goes past.
///
/// The file is opened once, here, and every member is read through that
/// handle at its offset: a ledger renamed, replaced or removed while it
/// is read is still read whole from the file that was opened (opened again
/// by its path for each member, a copy removed meanwhile failed half-way
/// with `No such file or directory`, and a file replaced meanwhile would
/// have given members of two files).
#[cfg(test)]
pub(crate) fn open(path: &Path, slot: &BreachSlot) -> io::Result<Result<LedgerFile, Breach>> {
    open_split(path, slot, SPLIT_MIN, false)
}

/// [`open`], the biggest worksheet made ready to be split ([`Split`]) when
/// `split` and it inflates to `split_min` bytes or more (a test's
/// threshold under [`MIN_MEMBER`] has that sheet inflated ahead, split or
/// not).
pub(crate) fn open_split(
    path: &Path,
    slot: &BreachSlot,
    split_min: u64,
    split: bool,
) -> io::Result<Result<LedgerFile, Breach>> {
    let mut file = File::open(path)?;
    let members = match directory(file.try_clone()?) {
        Ok(Ok(m)) => m,
        Ok(Err(b)) => return Ok(Err(b)),
        // Not an archive: calamine says what it is.
        Err(_) => {
            file.seek(SeekFrom::Start(0))?;
            return Ok(Ok(LedgerFile::Plain(BufReader::new(file))));
        }
    };
    let mut plan = match plan(members) {
        Ok(p) => p,
        Err(b) => return Ok(Err(b)),
    };
    // A test's threshold under a thread's worth: the sheet split is
    // inflated ahead as well.
    if split_min < MIN_MEMBER && plan.ahead.is_none() {
        plan.ahead = ahead_of(&plan.members, split_min).0;
    }
    let file = Arc::new(file);
    let split = match plan.ahead {
        _ if !split => Err(Single::Off),
        Some(i) if plan.members[i].size >= split_min => Ok(Split::start(&file, &plan.members, i)),
        Some(_) => Err(Single::Small),
        None => Err(Single::NotAhead),
    };
    Ok(Ok(LedgerFile::Rewritten(Box::new(Rewritten {
        file,
        pos: 0,
        plan,
        current: None,
        ahead: None,
        starts: 0,
        slot: slot.clone(),
        split,
        half2: None,
    }))))
}

impl LedgerFile {
    /// The biggest worksheet, ready to be split, if it is big enough.
    pub(crate) fn split(&self) -> Result<Arc<Split>, Single> {
        match self {
            LedgerFile::Rewritten(r) => r.split.clone(),
            LedgerFile::Plain(_) => Err(Single::NotAhead),
        }
    }
}

impl Read for LedgerFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            LedgerFile::Plain(f) => f.read(buf),
            LedgerFile::Rewritten(p) => p.read(buf),
        }
    }
}

impl Seek for LedgerFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            LedgerFile::Plain(f) => f.seek(to),
            LedgerFile::Rewritten(p) => p.seek(to),
        }
    }
}

/// A member of the original archive.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    name_raw: Vec<u8>,
    utf8: bool,
    deflated: bool,
    crc: u32,
    size: u64,
    data_start: u64,
    compressed: u64,
}

/// The original's members, from its central directory.
fn directory(file: File) -> zip::result::ZipResult<Result<Vec<Member>, Breach>> {
    let again = file.try_clone();
    let mut z = zip::ZipArchive::new(BufReader::new(file))?;
    if z.len() > MAX_MEMBERS {
        return Ok(Err(Breach {
            code: guard::TOO_LARGE,
            part: String::new(),
            cell: None,
            message: says::too_many_parts(
                guard::thousands(z.len() as u64),
                guard::thousands(MAX_MEMBERS as u64),
            ),
        }));
    }
    // Two members of one name: the zip crate keeps the last, as openpyxl
    // and LibreOffice read it, but Excel reports the file as damaged and
    // `unzip` extracts the first, so the same ledger would show other figures to
    // whoever checks it with them. Refused, naming the part.
    if z.has_duplicate_names() {
        let start = z.central_directory_start();
        let part = again
            .ok()
            .and_then(|f| duplicate_name(&mut BufReader::new(f), start))
            .unwrap_or_default();
        return Ok(Err(Breach {
            code: Code::CannotOpen,
            message: says::duplicate_part(&part),
            part,
            cell: None,
        }));
    }
    let mut out = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let f = z.by_index_raw(i)?;
        let name_raw = f.name_raw().to_vec();
        let name = String::from_utf8_lossy(&name_raw).into_owned();
        let method = f.compression();
        let data_start = f.data_start().ok_or(zip::result::ZipError::InvalidArchive(
            "no data offset".into(),
        ))?;
        let m = Member {
            utf8: std::str::from_utf8(&name_raw).is_ok() && !name_raw.is_ascii(),
            deflated: method == zip::CompressionMethod::Deflated,
            crc: f.crc32(),
            size: f.size(),
            compressed: f.compressed_size(),
            data_start,
            name,
            name_raw,
        };
        let readable = !f.encrypted() && (m.deflated || method == zip::CompressionMethod::Stored);
        if !readable {
            return Ok(Err(Breach {
                code: Code::CannotOpen,
                part: m.name.clone(),
                message: says::encrypted_part(&m.name, method),
                cell: None,
            }));
        }
        // The parts calamine parses are checked now; anything else (an
        // image) only if it is read.
        let lower = m.name.to_ascii_lowercase();
        if (lower.ends_with(".xml") || lower.ends_with(".rels"))
            && let Err(b) = guard::check_size(&m.name, m.size)
        {
            return Ok(Err(b));
        }
        out.push(m);
    }
    Ok(Ok(out))
}

/// The first name the central directory at `start` lists twice (its
/// records walked as they are: the zip crate keeps one per name). `None`
/// when a record cannot be read.
fn duplicate_name(r: &mut impl ReadSeek, start: u64) -> Option<String> {
    r.seek(SeekFrom::Start(start)).ok()?;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..=MAX_MEMBERS {
        let mut h = [0u8; 46];
        r.read_exact(&mut h).ok()?;
        if h[..4] != CENTRAL.to_le_bytes() {
            return None;
        }
        let le = |at: usize| u16::from_le_bytes([h[at], h[at + 1]]);
        let mut name = vec![0u8; usize::from(le(28))];
        r.read_exact(&mut name).ok()?;
        r.seek(SeekFrom::Current(i64::from(le(30)) + i64::from(le(32))))
            .ok()?;
        if !seen.insert(name.clone()) {
            return Some(String::from_utf8_lossy(&name).into_owned());
        }
    }
    None
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// The rewritten archive: where each byte range comes from.
#[derive(Debug)]
struct Plan {
    segments: Vec<Segment>,
    len: u64,
    members: Vec<Member>,
    /// The member inflated ahead on its own thread.
    ahead: Option<usize>,
    route: Route,
}

#[derive(Debug)]
enum Segment {
    /// Headers.
    Mem { start: u64, bytes: Vec<u8> },
    /// A member's inflated bytes.
    Member { start: u64, index: usize },
    /// Zero bytes that no entry refers to.
    Zeros { start: u64, len: u64 },
}

impl Plan {
    fn seg_len(&self, s: &Segment) -> u64 {
        match s {
            Segment::Mem { bytes, .. } => bytes.len() as u64,
            Segment::Member { index, .. } => self.members.get(*index).map_or(0, |m| m.size),
            Segment::Zeros { len, .. } => *len,
        }
    }
}

impl Segment {
    fn start(&self) -> u64 {
        match self {
            Segment::Mem { start, .. }
            | Segment::Member { start, .. }
            | Segment::Zeros { start, .. } => *start,
        }
    }
}

const EOCD: u32 = 0x0605_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;
/// General purpose flag: the name is UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// 1980-01-01, 00:00.
const DOS_DATE: u16 = 0x21;

/// The new archive: every member stored, at offsets that fit a plain
/// (not zip64) archive.
fn plan(members: Vec<Member>) -> Result<Plan, Breach> {
    let too_big = || Breach {
        code: guard::TOO_LARGE,
        part: String::new(),
        cell: None,
        message: says::inflates_over_4gib(),
    };
    let mut segments = Vec::with_capacity(members.len() * 2 + 3);
    let mut central = Vec::new();
    let mut at: u64 = 0;
    for (index, m) in members.iter().enumerate() {
        let size = u32::try_from(m.size).map_err(|_| too_big())?;
        let offset = u32::try_from(at).map_err(|_| too_big())?;
        let n = u16::try_from(m.name_raw.len()).map_err(|_| too_big())?;
        let flags = if m.utf8 { FLAG_UTF8 } else { 0 };
        let mut local = Vec::with_capacity(30 + m.name_raw.len());
        local.extend_from_slice(&LOCAL.to_le_bytes());
        for v in [20u16, flags, 0, 0, DOS_DATE] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        for v in [m.crc, size, size] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        for v in [n, 0] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        local.extend_from_slice(&m.name_raw);
        central.extend_from_slice(&CENTRAL.to_le_bytes());
        for v in [20u16, 20, flags, 0, 0, DOS_DATE] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [m.crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [n, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [0u32, offset] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&m.name_raw);
        let data = at + local.len() as u64;
        segments.push(Segment::Mem {
            start: at,
            bytes: local,
        });
        segments.push(Segment::Member { start: data, index });
        at = data + m.size;
    }
    segments.push(Segment::Zeros {
        start: at,
        len: GAP,
    });
    at += GAP;
    let count = u16::try_from(members.len()).map_err(|_| too_big())?;
    let cd_size = u32::try_from(central.len()).map_err(|_| too_big())?;
    let cd_offset = u32::try_from(at).map_err(|_| too_big())?;
    let mut directory = central;
    directory.extend_from_slice(&EOCD.to_le_bytes());
    for v in [0u16, 0, count, count] {
        directory.extend_from_slice(&v.to_le_bytes());
    }
    for v in [cd_size, cd_offset] {
        directory.extend_from_slice(&v.to_le_bytes());
    }
    directory.extend_from_slice(&0u16.to_le_bytes());
    let len = at + directory.len() as u64;
    u32::try_from(len).map_err(|_| too_big())?;
    segments.push(Segment::Mem {
        start: at,
        bytes: directory,
    });
    let (ahead, route) = ahead_of(&members, MIN_MEMBER);
    Ok(Plan {
        segments,
        len,
        members,
        ahead,
        route,
    })
}

/// The member to inflate ahead (the biggest deflated worksheet of at least
/// `min` ([`MIN_MEMBER`]) bytes, the first of equals), and the route that
/// makes.
fn ahead_of(members: &[Member], min: u64) -> (Option<usize>, Route) {
    let biggest = |deflated: bool| {
        members
            .iter()
            .enumerate()
            .filter(|(_, m)| Kind::of(&m.name) == Kind::Sheet && (m.deflated || !deflated))
            .max_by_key(|(i, m)| (m.size, std::cmp::Reverse(*i)))
    };
    match (biggest(true), biggest(false)) {
        (Some((i, m)), _) if m.size >= min => (
            Some(i),
            Route::Ahead {
                sheet: m.name.clone(),
                size: m.size,
            },
        ),
        (_, Some((_, m))) if m.size >= min => (
            None,
            Route::Inline(Inline::Stored {
                sheet: m.name.clone(),
            }),
        ),
        (_, any) => (
            None,
            Route::Inline(Inline::Small {
                biggest: any.map_or(0, |(_, m)| m.size),
            }),
        ),
    }
}

/// The rewritten archive, read on demand: headers from memory, members
/// inflated from the file.
pub(crate) struct Rewritten {
    /// The ledger, opened once; members are read at their offsets.
    file: Arc<File>,
    pos: u64,
    plan: Plan,
    /// The member being read on this thread.
    current: Option<Current>,
    /// The member inflated ahead on its own thread.
    ahead: Option<Inflating>,
    /// Times the member read ahead was inflated from its start.
    starts: u32,
    slot: BreachSlot,
    /// The member read ahead may be split ([`Split`]): this archive then
    /// shows its first half.
    split: Result<Arc<Split>, Single>,
    /// This archive shows a split sheet's second half.
    half2: Option<Half2>,
}

/// A member read on this thread: its bytes from `offset` on come next.
struct Current {
    index: usize,
    offset: u64,
    source: Box<dyn Read + Send>,
    guard: Guard,
}

impl Current {
    fn start(file: &Arc<File>, index: usize, m: &Member) -> io::Result<Current> {
        let raw = BufReader::new(At::new(file, m));
        let source: Box<dyn Read + Send> = if m.deflated {
            Box::new(flate2::read::DeflateDecoder::new(raw))
        } else {
            Box::new(raw)
        };
        Ok(Current {
            index,
            offset: 0,
            source,
            guard: Guard::new(&m.name),
        })
    }

    /// Up to `buf.len()` bytes of the member from `offset` on, no more
    /// than `left` of them.
    fn read(&mut self, buf: &mut [u8], left: u64, slot: &BreachSlot) -> io::Result<usize> {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = loop {
            match self.source.read(&mut buf[..want]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                r => break r?,
            }
        };
        if n == 0 {
            return Err(short());
        }
        self.guard.feed(&buf[..n]).map_err(|b| record(slot, b))?;
        self.offset += n as u64;
        Ok(n)
    }
}

/// A member's stored bytes, read at their offsets in the ledger's one
/// handle (no seek: the inflating thread and this one share the handle).
struct At {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl At {
    fn new(file: &Arc<File>, m: &Member) -> At {
        At {
            file: Arc::clone(file),
            pos: m.data_start,
            end: m.data_start.saturating_add(m.compressed),
        }
    }
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(&self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

fn short() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "a part inflates to fewer bytes than its header says",
    )
}

/// The member being inflated: `chunk` holds its bytes from `offset`.
/// Chunks go back to the inflating thread to be filled again.
struct Inflating {
    rx: Receiver<io::Result<Vec<u8>>>,
    back: Sender<Vec<u8>>,
    chunk: Vec<u8>,
    offset: u64,
    /// Bytes inflated (the member's size, or the cut).
    limit: u64,
    /// Served after `limit` bytes.
    tail: &'static [u8],
}

impl Inflating {
    /// Start inflating the member from its beginning: no more than its
    /// declared size, every chunk checked by its guard before it is sent.
    fn start(file: &Arc<File>, member: &Member, slot: &BreachSlot) -> io::Result<Inflating> {
        let guard = Some(Guard::new(&member.name));
        Inflating::start_to(file, member, member.size, guard, b"", slot)
    }

    /// Start inflating the member's first `limit` bytes, checked by
    /// `guard` if any, served followed by `tail` (the first half of a split
    /// sheet: its bytes before the cut were checked by the scout, [`Split`]).
    fn start_to(
        file: &Arc<File>,
        member: &Member,
        limit: u64,
        mut guard: Option<Guard>,
        tail: &'static [u8],
        slot: &BreachSlot,
    ) -> io::Result<Inflating> {
        let raw = At::new(file, member);
        let (tx, rx) = sync_channel(CHUNKS);
        let (back, used) = channel::<Vec<u8>>();
        let size = limit.min(member.size);
        let slot = slot.clone();
        std::thread::spawn(move || {
            let mut inflate = flate2::read::DeflateDecoder::new(BufReader::new(raw));
            let mut total: u64 = 0;
            loop {
                let mut chunk = used.try_recv().unwrap_or_default();
                let room = usize::try_from(size - total).unwrap_or(CHUNK).min(CHUNK);
                chunk.resize(room, 0);
                let (filled, res) = fill(&mut inflate, &mut chunk);
                chunk.truncate(filled);
                total += filled as u64;
                let res = res.and_then(|()| match guard.as_mut() {
                    Some(g) => g.feed(&chunk).map_err(|b| record(&slot, b)),
                    None => Ok(()),
                });
                let done = filled < CHUNK || total == size || res.is_err();
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
            limit: size,
            tail,
        })
    }

    /// Bytes of the member from `at` (at or after the current chunk) into
    /// `buf`.
    fn read_at(&mut self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        if at >= self.limit {
            // Past the cut: the tail that closes the first half, and then
            // nothing (calamine stops at `</sheetData>`; reading on is an
            // error, and the sheet is read again whole).
            let from = usize::try_from(at - self.limit).unwrap_or(usize::MAX);
            let Some(rest) = self.tail.get(from..).filter(|r| !r.is_empty()) else {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "read past the end of a split sheet's first half",
                ));
            };
            let n = buf.len().min(rest.len());
            buf[..n].copy_from_slice(&rest[..n]);
            return Ok(n);
        }
        while at >= self.offset + self.chunk.len() as u64 {
            let next = match self.rx.recv() {
                Ok(next) => next?,
                Err(_) => Vec::new(),
            };
            if next.is_empty() {
                return Err(short());
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

impl Rewritten {
    /// Bytes of member `index` from `within` into `buf`.
    fn read_member(&mut self, index: usize, within: u64, buf: &mut [u8]) -> io::Result<usize> {
        let Some(m) = self.plan.members.get(index) else {
            return Ok(0);
        };
        if within == 0
            && let Err(b) = guard::check_size(&m.name, m.size)
        {
            return Err(record(&self.slot, b));
        }
        let left = m.size - within;
        if let Some(h) = self.half2.as_mut()
            && h.index == index
        {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            return h.read_at(within, &mut buf[..want]);
        }
        if self.plan.ahead == Some(index) {
            // Going back in the member means inflating it again.
            // A first half read again from its start is the whole sheet.
            let restart = |s: &Inflating| within < s.offset || (within == 0 && !s.tail.is_empty());
            if self.ahead.as_ref().is_none_or(restart) {
                // The sheet split, if it is the one the reader asked to
                // split and the scout found a cut: its first half.
                let cut = self.split.as_ref().ok().and_then(|s| s.engage());
                self.ahead = Some(match cut {
                    Some(at) => Inflating::start_to(&self.file, m, at, None, TAIL, &self.slot)?,
                    None => Inflating::start(&self.file, m, &self.slot)?,
                });
                self.starts += 1;
            }
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            return match self.ahead.as_mut() {
                Some(s) => s.read_at(within, &mut buf[..want]),
                None => Ok(0),
            };
        }
        let fresh = match &self.current {
            Some(c) => c.index != index || within < c.offset,
            None => true,
        };
        if fresh {
            self.current = Some(Current::start(&self.file, index, m)?);
        }
        let Some(c) = self.current.as_mut() else {
            return Ok(0);
        };
        // Skip forward (inflating and checking) to `within`.
        let mut scratch = [0u8; 8192];
        while c.offset < within {
            let gap = within - c.offset;
            c.read(&mut scratch, gap, &self.slot)?;
        }
        c.read(buf, left, &self.slot)
    }
}

impl Read for Rewritten {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let pos = self.pos;
        let Some(seg) = self
            .plan
            .segments
            .iter()
            .find(|s| pos >= s.start() && pos - s.start() < self.plan.seg_len(s))
        else {
            return Ok(0);
        };
        let within = pos - seg.start();
        let room = usize::try_from(self.plan.seg_len(seg) - within).unwrap_or(usize::MAX);
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
            Segment::Member { index, .. } => {
                let index = *index;
                self.read_member(index, within, &mut buf[..want])?
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Rewritten {
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
    fn sample(
        streamed: bool,
    ) -> (
        tempfile::TempDir,
        std::path::PathBuf,
        Vec<(String, Vec<u8>)>,
    ) {
        use zip::write::SimpleFileOptions;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut big = Vec::new();
        let mut x: u32 = 1;
        let mut row = 0;
        while big.len() < MIN_MEMBER as usize + 123_457 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            row += 1;
            big.extend_from_slice(
                format!("<row r=\"{row}\"><c><v>{}</v></c></row>", x % 1000).as_bytes(),
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
            LedgerFile::Rewritten(p) => p.starts,
            LedgerFile::Plain(_) => 0,
        };
        (members, starts)
    }

    fn open(path: &Path) -> io::Result<LedgerFile> {
        Ok(super::open(path, &BreachSlot::default())?.unwrap())
    }

    #[test]
    fn the_rewritten_archive_holds_the_same_members_all_stored() {
        for streamed in [false, true] {
            let (_dir, path, members) = sample(streamed);
            let file = open(&path).unwrap();
            assert!(
                matches!(file, LedgerFile::Rewritten(_)),
                "streamed: {streamed}"
            );
            let (read, starts) = members_of(file);
            assert_eq!(starts, 1, "inflated once (streamed: {streamed})");
            assert_eq!(read.len(), members.len());
            for ((name, data, method), (want_name, want)) in read.iter().zip(&members) {
                assert_eq!(name, want_name);
                assert!(data == want, "{name} differs (streamed: {streamed})");
                assert_eq!(
                    *method,
                    zip::CompressionMethod::Stored,
                    "{name} (streamed: {streamed})"
                );
            }
        }
    }

    /// A ledger removed (or replaced) once opened is still read whole, from
    /// the file opened: every member, the big one inflated ahead included,
    /// comes through the one handle, not the path.
    #[test]
    fn a_ledger_removed_once_opened_is_read_whole() {
        for streamed in [false, true] {
            let (dir, path, members) = sample(streamed);
            let file = open(&path).unwrap();
            assert!(matches!(file, LedgerFile::Rewritten(_)));
            std::fs::remove_file(&path).unwrap();
            // Something else now lies at the path.
            std::fs::write(&path, b"not the ledger").unwrap();
            let (read, starts) = members_of(file);
            assert_eq!(starts, 1, "streamed: {streamed}");
            assert_eq!(read.len(), members.len());
            for ((name, data, _), (want_name, want)) in read.iter().zip(&members) {
                assert_eq!(name, want_name);
                assert!(data == want, "{name} differs (streamed: {streamed})");
            }
            drop(dir);
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
    fn foreign_files_are_read_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xlsx");
        for bytes in [&b""[..], b"PK\x05\x06", b"not a zip at all"] {
            std::fs::write(&path, bytes).unwrap();
            assert!(matches!(open(&path).unwrap(), LedgerFile::Plain(_)));
        }
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/2026-10.xlsx");
        let LedgerFile::Rewritten(f) = open(&fixture).unwrap() else {
            panic!("the fixture is an archive");
        };
        assert_eq!(f.plan.ahead, None, "no sheet is worth a thread");
    }
}
