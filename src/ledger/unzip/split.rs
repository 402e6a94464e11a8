//! The biggest worksheet read by two parsers at once, one on each half of
//! its rows.
//!
//! A *scout* thread inflates the sheet from its start as soon as the file
//! is opened, checks every byte with the sheet's [`Guard`] (the whole
//! sheet, in order, as the single read would), and looks for the *cut*:
//! the first `<row ` past the middle that directly follows `</row>` and
//! has an `r="…"` attribute, so that both halves number rows and cells as
//! the whole sheet does. Before the cut it refuses ([`Single`]) anything
//! that would make a half read otherwise than its part of the whole: a
//! comment, CDATA section or processing instruction (`<!`, `<?`, but for
//! the XML declaration at byte 0: a `<row` inside one must never become
//! the cut), a formula (`<f`: calamine keeps a shared formula's master
//! from an earlier row), a prefixed element, or a head (up to
//! `<sheetData>`) over [`MAX_HEAD`] bytes.
//!
//! When the reader asks for the sheet ([`Split::arm`]), the ledger's own
//! archive shows calamine the bytes before the cut followed by
//! `</sheetData></worksheet>` (the *first half*, inflated again on a
//! thread of its own, its bytes already checked by the scout), and a
//! second archive ([`Split::second_half`]) shows another calamine the
//! sheet's head followed by the bytes from the cut, which the scout goes
//! on inflating and checking (the *second half*). The second half's
//! member is declared with its true size and CRC-32: the bytes from the
//! cut have CRC `declared ⊕ shift(crc(before the cut), their length)`
//! (`crc32fast`'s `combine` with a zero CRC), and the head is put before
//! them with `combine` again.
//!
//! What the reader does with the halves is in `ledger/mod.rs`
//! (`Reader::stream_split`): any failure of either half means the sheet
//! is read again whole, from a clean state.

use super::{
    At, BreachSlot, CHUNK, CHUNKS, Guard, LedgerFile, Member, Rewritten, fill, plan, record,
};
use std::fs::File;
use std::io::{self, BufReader};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Worksheets that inflate to fewer bytes than this are read whole by one
/// parser: a second `Xlsx` (workbook, styles, shared strings read again)
/// is not worth it.
pub const SPLIT_MIN: u64 = super::MIN_MEMBER;
/// The most bytes a sheet's head (up to and including `<sheetData>`) may
/// have for the sheet to be split.
pub const MAX_HEAD: u64 = 64 << 10;
/// What closes the first half.
pub(super) const TAIL: &[u8] = b"</sheetData></worksheet>";
/// Bytes of a tag's name looked at, and of a row tag looked through for
/// its `r` attribute.
const NAME: usize = 64;
const ROW_TAG: usize = 1024;

/// How the reader read the sheet it asked to split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitRoute {
    /// Two parsers, one on each half.
    Split,
    /// One parser, over the whole sheet, because of this.
    Single(Single),
}

/// Why a sheet was read by one parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Single {
    /// Not asked for: the read was told not to split.
    Off,
    /// The sheet is not the biggest worksheet, or no worksheet is read
    /// ahead ([`super::Route`]).
    NotAhead,
    /// The sheet inflates to fewer than the split's minimum bytes.
    Small,
    /// No row tag past the middle that can be a cut.
    NoCut,
    /// `<!` or `<?` before the cut (other than the XML declaration).
    Markup,
    /// A formula before the cut.
    Formula,
    /// A prefixed (or over-long) element name before the cut.
    Prefixed,
    /// The head, up to `<sheetData>`, is over [`MAX_HEAD`] bytes (or
    /// there is none).
    LongHead,
    /// The sheet's bytes before the cut go past a limit, or cannot be
    /// inflated.
    Breach,
    /// A half could not be read: the whole sheet is read again.
    Failed,
    /// The first row of the second half has the number of the first
    /// half's last row (calamine would give them as one row).
    RowAcrossCut,
}

/// Where the scout cut the sheet.
#[derive(Clone, Debug)]
struct Cut {
    /// The cut's offset in the inflated sheet.
    at: u64,
    /// The sheet's head, up to and including `<sheetData>`.
    head: Vec<u8>,
    /// CRC-32 of the bytes before the cut.
    crc_before: u32,
}

/// The biggest worksheet of a ledger, ready to be split.
pub(crate) struct Split {
    file: Arc<File>,
    members: Vec<Member>,
    index: usize,
    /// The reader is asking calamine for the sheet it wants split.
    armed: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    scout: Option<Scout>,
    /// The first half was shown: the cut.
    engaged: Option<Cut>,
    /// The scout refused.
    refused: Option<Single>,
}

struct Scout {
    cut: Receiver<Result<Cut, Single>>,
    data: Option<Receiver<io::Result<Vec<u8>>>>,
    /// The second half's breach slot: the scout's guard records there.
    slot: BreachSlot,
    thread: Option<JoinHandle<()>>,
}

impl Split {
    /// Start the scout on member `index`.
    pub(super) fn start(file: &Arc<File>, members: &[Member], index: usize) -> Arc<Split> {
        let member = members[index].clone();
        let (cut_tx, cut_rx) = sync_channel(1);
        let (data_tx, data_rx) = sync_channel(CHUNKS);
        let slot = BreachSlot::default();
        let thread = {
            let (file, slot) = (Arc::clone(file), slot.clone());
            std::thread::spawn(move || scout(&file, &member, &slot, &cut_tx, &data_tx))
        };
        Arc::new(Split {
            file: Arc::clone(file),
            members: members.to_vec(),
            index,
            armed: AtomicBool::new(false),
            state: Mutex::new(State {
                scout: Some(Scout {
                    cut: cut_rx,
                    data: Some(data_rx),
                    slot,
                    thread: Some(thread),
                }),
                ..State::default()
            }),
        })
    }

    /// The reader is about to ask calamine for the sheet it wants split.
    pub(crate) fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// The reader has asked: whether the first half is being shown, or
    /// why not.
    pub(crate) fn disarm(&self) -> Result<(), Single> {
        self.armed.store(false, Ordering::SeqCst);
        let st = self.state.lock().map_err(|_| Single::Failed)?;
        match (&st.engaged, st.refused) {
            (Some(_), _) => Ok(()),
            (None, Some(why)) => Err(why),
            (None, None) => Err(Single::NotAhead),
        }
    }

    /// Called when calamine starts reading the member from its start:
    /// the cut, if the first half is to be shown (once, when armed and
    /// the scout found one). Waits for the scout.
    pub(super) fn engage(&self) -> Option<u64> {
        if !self.armed.load(Ordering::SeqCst) {
            return None;
        }
        let mut st = self.state.lock().ok()?;
        if st.engaged.is_some() || st.refused.is_some() {
            return None;
        }
        let scout = st.scout.as_mut()?;
        let answer = match scout.cut.recv() {
            Ok(a) => a,
            // The scout is gone without an answer: it panicked.
            Err(_) => {
                if let Some(Err(panic)) = scout.thread.take().map(JoinHandle::join) {
                    std::panic::resume_unwind(panic);
                }
                Err(Single::Failed)
            }
        };
        match answer {
            Ok(cut) => {
                let at = cut.at;
                st.engaged = Some(cut);
                Some(at)
            }
            Err(why) => {
                st.refused = Some(why);
                None
            }
        }
    }

    /// The archive that shows the sheet's second half (once, after the
    /// first half was engaged), and the breach slot of its reads.
    pub(crate) fn second_half(&self) -> io::Result<(LedgerFile, BreachSlot)> {
        let gone = || io::Error::other("the split sheet's second half is not there");
        let mut st = self.state.lock().map_err(|_| gone())?;
        let cut = st.engaged.clone().ok_or_else(gone)?;
        let scout = st.scout.as_mut().ok_or_else(gone)?;
        let data = scout.data.take().ok_or_else(gone)?;
        let slot = scout.slot.clone();
        let mut members = self.members.clone();
        let m = members.get_mut(self.index).ok_or_else(gone)?;
        let head = cut.head.len() as u64;
        let after = m.size - cut.at;
        m.crc = second_half_crc(m.crc, cut.crc_before, cut.at, &cut.head, after);
        m.size = head + after;
        let mut plan = plan(members).map_err(|_| gone())?;
        plan.ahead = None;
        let file = LedgerFile::Rewritten(Box::new(Rewritten {
            file: Arc::clone(&self.file),
            pos: 0,
            plan,
            current: None,
            ahead: None,
            starts: 0,
            slot: slot.clone(),
            split: Err(Single::Off),
            half2: Some(Half2 {
                index: self.index,
                head: cut.head,
                rx: data,
                chunk: Vec::new(),
                offset: head,
            }),
        }));
        Ok((file, slot))
    }

    /// Done with the scout (the sheet read, split or not): it is stopped
    /// (its channels closed, it ends at its next chunk), and a panic of
    /// it is reported as the bug it is.
    pub(crate) fn join(&self) {
        let scout = self.state.lock().ok().and_then(|mut st| st.scout.take());
        let Some(Scout {
            cut, data, thread, ..
        }) = scout
        else {
            return;
        };
        drop((cut, data));
        if let Some(Err(panic)) = thread.map(JoinHandle::join) {
            std::panic::resume_unwind(panic);
        }
    }
}

/// CRC-32 of the head followed by the bytes from the cut, from the
/// member's declared CRC and the CRC of the bytes before the cut.
fn second_half_crc(declared: u32, crc_before: u32, at: u64, head: &[u8], after: u64) -> u32 {
    // crc(A‖B) = shift(crc(A), |B|) ⊕ crc(B), where shift is `combine`
    // with a zero CRC of |B| bytes.
    let mut shifted = crc32fast::Hasher::new_with_initial_len(crc_before, at);
    shifted.combine(&crc32fast::Hasher::new_with_initial_len(0, after));
    let crc_after = declared ^ shifted.finalize();
    let mut h = crc32fast::Hasher::new();
    h.update(head);
    h.combine(&crc32fast::Hasher::new_with_initial_len(crc_after, after));
    h.finalize()
}

/// The second half as read: the head, then the scout's bytes.
pub(super) struct Half2 {
    pub(super) index: usize,
    head: Vec<u8>,
    rx: Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    /// Offset in the half of `chunk`'s first byte.
    offset: u64,
}

impl Half2 {
    pub(super) fn read_at(&mut self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        let head = self.head.len() as u64;
        if at < head {
            let from = at as usize;
            let n = buf.len().min(self.head.len() - from);
            buf[..n].copy_from_slice(&self.head[from..from + n]);
            return Ok(n);
        }
        if at < self.offset {
            return Err(io::Error::other("a split sheet's second half read twice"));
        }
        while at >= self.offset + self.chunk.len() as u64 {
            let next = match self.rx.recv() {
                Ok(next) => next?,
                Err(_) => Vec::new(),
            };
            if next.is_empty() {
                return Err(super::short());
            }
            self.offset += self.chunk.len() as u64;
            self.chunk = next;
        }
        let from = (at - self.offset) as usize;
        let n = buf.len().min(self.chunk.len() - from);
        buf[..n].copy_from_slice(&self.chunk[from..from + n]);
        Ok(n)
    }
}

/// The scout: inflate and check the whole member; find the cut (or
/// refuse); then hand the bytes from the cut to the second half.
fn scout(
    file: &Arc<File>,
    m: &Member,
    slot: &BreachSlot,
    cut_tx: &SyncSender<Result<Cut, Single>>,
    data_tx: &SyncSender<io::Result<Vec<u8>>>,
) {
    let mut inflate = flate2::read::DeflateDecoder::new(BufReader::new(At::new(file, m)));
    let mut guard = Guard::new(&m.name);
    let mut scan = Scan::new(m.size / 2);
    let mut crc = crc32fast::Hasher::new();
    let mut cut: Option<u64> = None;
    let mut total: u64 = 0;
    loop {
        let room = usize::try_from(m.size - total).unwrap_or(CHUNK).min(CHUNK);
        let mut chunk = vec![0u8; room];
        let (filled, res) = fill(&mut inflate, &mut chunk);
        chunk.truncate(filled);
        let res = res.and_then(|()| guard.feed(&chunk).map_err(|b| record(slot, b)));
        let last = filled < CHUNK || total + filled as u64 == m.size;
        if cut.is_some() {
            let done = last || res.is_err();
            if data_tx.send(res.map(|()| chunk)).is_err() || done {
                return;
            }
            total += filled as u64;
            continue;
        }
        if res.is_err() {
            let _ = cut_tx.send(Err(Single::Breach));
            return;
        }
        match scan.feed(total, &chunk, last) {
            Verdict::More if last => {
                let _ = cut_tx.send(Err(Single::NoCut));
                return;
            }
            Verdict::More => crc.update(&chunk),
            Verdict::Refuse(why) => {
                let _ = cut_tx.send(Err(why));
                return;
            }
            Verdict::Cut(at, head) => {
                let k = (at - total) as usize;
                crc.update(&chunk[..k]);
                let found = Cut {
                    at,
                    head: scan.start[..head as usize].to_vec(),
                    crc_before: crc.clone().finalize(),
                };
                if cut_tx.send(Ok(found)).is_err()
                    || data_tx.send(Ok(chunk[k..].to_vec())).is_err()
                    || last
                {
                    return;
                }
                cut = Some(at);
            }
        }
        total += filled as u64;
    }
}

enum Verdict {
    /// No cut yet.
    More,
    Refuse(Single),
    /// The cut's offset, and the head's length.
    Cut(u64, u64),
}

/// The scout's look at the bytes before the cut.
struct Scan {
    mid: u64,
    /// The head's length, once `<sheetData>` is found.
    head: Option<u64>,
    /// The sheet's first bytes (the head is among them).
    start: Vec<u8>,
    /// The bytes from a tag not yet decided on (and the six before it).
    carry: Vec<u8>,
    buf: Vec<u8>,
}

impl Scan {
    fn new(mid: u64) -> Scan {
        Scan {
            mid,
            head: None,
            start: Vec::new(),
            carry: Vec::new(),
            buf: Vec::new(),
        }
    }

    /// The chunk at offset `off` of the sheet (`last`: nothing follows).
    fn feed(&mut self, off: u64, chunk: &[u8], last: bool) -> Verdict {
        let keep = (MAX_HEAD as usize + NAME).saturating_sub(self.start.len());
        self.start
            .extend_from_slice(&chunk[..keep.min(chunk.len())]);
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.extend_from_slice(&self.carry);
        buf.extend_from_slice(chunk);
        let base = off - self.carry.len() as u64;
        let verdict = self.look(&buf, base, last);
        self.buf = buf;
        verdict
    }

    fn look(&mut self, buf: &[u8], base: u64, last: bool) -> Verdict {
        // By default the last six bytes are kept: a `</row>` just before
        // the next chunk's first `<row `.
        let mut keep_from = buf.len().saturating_sub(6);
        for i in memchr::memchr_iter(b'<', buf) {
            let at = base + i as u64;
            let rest = &buf[i + 1..];
            let Some(&first) = rest.first() else {
                keep_from = keep_from.min(i.saturating_sub(6));
                break;
            };
            if first == b'!' || (first == b'?' && at != 0) {
                return Verdict::Refuse(Single::Markup);
            }
            if first == b'?' {
                continue;
            }
            let closing = first == b'/';
            let name = &rest[usize::from(closing)..];
            let Some(end) = name
                .iter()
                .take(NAME)
                .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
            else {
                if name.len() < NAME && !last {
                    keep_from = keep_from.min(i.saturating_sub(6));
                    break;
                }
                return Verdict::Refuse(Single::Prefixed);
            };
            let (nm, after) = (&name[..end], name[end]);
            if nm.contains(&b':') {
                return Verdict::Refuse(Single::Prefixed);
            }
            if nm == b"f" {
                return Verdict::Refuse(Single::Formula);
            }
            let Some(head) = self.head else {
                // `<sheetData>`, 11 bytes, must end within the head's bound.
                if at + 11 > MAX_HEAD {
                    return Verdict::Refuse(Single::LongHead);
                }
                if !closing && nm == b"sheetData" && after == b'>' {
                    self.head = Some(at + 11);
                }
                continue;
            };
            if at < self.mid
                || closing
                || nm != b"row"
                || after != b' '
                || i < 6
                || &buf[i - 6..i] != b"</row>"
            {
                continue;
            }
            let tag = &rest[..rest.len().min(ROW_TAG)];
            let Some(gt) = memchr::memchr(b'>', tag) else {
                if rest.len() < ROW_TAG && !last {
                    keep_from = keep_from.min(i - 6);
                    break;
                }
                continue;
            };
            if memchr::memmem::find(&tag[..gt], b" r=\"").is_some() {
                return Verdict::Cut(at, head);
            }
        }
        self.carry = buf[keep_from..].to_vec();
        Verdict::More
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan over `xml` fed in chunks of `step` bytes.
    fn scan(xml: &[u8], mid: u64, step: usize) -> Result<(u64, u64), Single> {
        let mut s = Scan::new(mid);
        let mut off = 0;
        for chunk in xml.chunks(step) {
            let last = off + chunk.len() == xml.len();
            match s.feed(off as u64, chunk, last) {
                Verdict::Cut(at, head) => return Ok((at, head)),
                Verdict::Refuse(why) => return Err(why),
                Verdict::More if last => return Err(Single::NoCut),
                Verdict::More => {}
            }
            off += chunk.len();
        }
        Err(Single::NoCut)
    }

    const HEAD: &str = r#"<?xml version="1.0"?><worksheet><sheetData>"#;

    fn sheet(rows: &str) -> Vec<u8> {
        format!("{HEAD}{rows}</sheetData></worksheet>").into_bytes()
    }

    #[test]
    fn the_cut_is_the_first_row_tag_past_the_middle_after_a_row_s_end() {
        let rows: String = (1..=40)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
            .collect();
        let xml = sheet(&rows);
        let mid = xml.len() as u64 / 2;
        let want = (mid as usize..xml.len())
            .find(|&i| xml[i..].starts_with(b"<row ") && xml[..i].ends_with(b"</row>"))
            .unwrap() as u64;
        for step in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(
                scan(&xml, mid, step),
                Ok((want, HEAD.len() as u64)),
                "step {step}"
            );
        }
    }

    #[test]
    fn refusals_before_the_cut() {
        let row = |r: u32| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#);
        let many: String = (2..=40).map(row).collect();
        let cases: [(&str, Single); 5] = [
            ("<!-- <row r=\"9\"> -->", Single::Markup),
            ("<?pi x?>", Single::Markup),
            (
                r#"<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>"#,
                Single::Formula,
            ),
            (r#"<x:row r="1"></x:row>"#, Single::Prefixed),
            (r#"<row r="1"></row>"#, Single::NoCut),
        ];
        for (first, why) in cases {
            let xml = if why == Single::NoCut {
                sheet(first)
            } else {
                sheet(&format!("{first}{many}"))
            };
            for step in [1, 5, 4096] {
                assert_eq!(scan(&xml, xml.len() as u64 / 2, step), Err(why), "{first}");
            }
        }
        let long = format!(
            "<worksheet>{}<sheetData>{many}</sheetData></worksheet>",
            "<cols/>".repeat(10_000)
        );
        assert_eq!(
            scan(long.as_bytes(), long.len() as u64 / 2, 4096),
            Err(Single::LongHead)
        );
        // A row without `r` past the middle is passed over, not cut.
        let unnumbered: String = (1..=40)
            .map(|_| r#"<row spans="1:1"><c><v>1</v></c></row>"#)
            .collect();
        assert_eq!(scan(&sheet(&unnumbered), 60, 7), Err(Single::NoCut));
    }

    #[test]
    fn the_second_half_s_crc_is_the_crc_of_its_bytes() {
        let xml: Vec<u8> = (0..10_000u32)
            .flat_map(|i| (i * 7919).to_le_bytes())
            .collect();
        let crc = |b: &[u8]| {
            let mut h = crc32fast::Hasher::new();
            h.update(b);
            h.finalize()
        };
        for (at, head) in [(1, 0), (17_001, 41), (39_999, 4000)] {
            let mut two = xml[..head].to_vec();
            two.extend_from_slice(&xml[at..]);
            let got = second_half_crc(
                crc(&xml),
                crc(&xml[..at]),
                at as u64,
                &xml[..head],
                (xml.len() - at) as u64,
            );
            assert_eq!(got, crc(&two), "cut at {at}, head {head}");
        }
    }
}
