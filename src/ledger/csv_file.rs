//! A CSV sheet file of a ledger folder, streamed record by record.
//!
//! The encoding is decided per file: valid UTF-8 (with or without a BOM)
//! is UTF-8, anything else is GB18030 (a superset of GBK, what Chinese core
//! systems export), decoded with `encoding_rs` as it is read; bytes that
//! are neither are an error at their line, never replaced.
//!
//! Parsing (the `csv` crate, and decoding) runs on a thread of its own and
//! hands batches of records to the reader, which checks and sums them on
//! the calling thread: two cores on a big month. A record's row is its
//! first line (0-based), its columns its fields.

use super::Reader;
use super::cell::Cv;
use super::folder::FileError;
use crate::diag::Code;
use crate::diag::Location;
use crate::text::ledger as says;
use csv::ByteRecord;
use std::io::Read;
use std::path::Path;

/// Records a batch; batches on their way at once.
const BATCH: usize = 2048;
const BATCHES: usize = 2;

enum Encoding {
    Utf8 { bom: bool },
    Gb18030,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Valid UTF-8 from end to end (one pass, a chunk at a time), or GB18030.
fn detect(path: &Path) -> std::io::Result<Encoding> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    // Bytes of a character cut by the chunk's end, carried to the next.
    let mut carry = 0usize;
    let mut first = true;
    let mut bom = false;
    loop {
        let n = f.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(if carry == 0 {
                Encoding::Utf8 { bom }
            } else {
                Encoding::Gb18030
            });
        }
        let len = carry + n;
        let chunk = &buf[..len];
        if first {
            bom = chunk.starts_with(BOM);
            first = false;
        }
        match std::str::from_utf8(chunk) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                carry = len - valid;
                buf.copy_within(valid..len, 0);
            }
            Err(_) => return Ok(Encoding::Gb18030),
        }
    }
}

/// Bytes that decode neither as UTF-8 nor as GB18030, where.
#[derive(Debug)]
struct BadEncoding {
    line: u64,
    bytes: Vec<u8>,
}

impl std::fmt::Display for BadEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bad encoding on line {}", self.line)
    }
}

impl std::error::Error for BadEncoding {}

/// A GB18030 file read as UTF-8, counting lines, refusing malformed bytes.
struct Gb<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Line of the next byte written (1-based).
    line: u64,
}

impl<R: Read> Gb<R> {
    fn new(inner: R) -> Self {
        Gb {
            inner,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            buf: vec![0u8; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            line: 1,
        }
    }
}

impl<R: Read> Read for Gb<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.buf)?;
                self.eof = self.end == 0;
            }
            let input = &self.buf[self.start..self.end];
            let (result, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(input, out, self.eof);
            let done = out.get(..written).unwrap_or_default();
            self.line += memchr::memchr_iter(b'\n', done).count() as u64;
            self.start += read;
            match result {
                encoding_rs::DecoderResult::Malformed(bad, extra) => {
                    let to = read.saturating_sub(usize::from(extra));
                    let from = to.saturating_sub(usize::from(bad));
                    let bytes = input.get(from..to).unwrap_or_default().to_vec();
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        BadEncoding {
                            line: self.line,
                            bytes,
                        },
                    ));
                }
                _ if written > 0 || (self.eof && self.start == self.end) => return Ok(written),
                encoding_rs::DecoderResult::OutputFull => {
                    // Less room than one character: never with the csv
                    // crate's buffer.
                    return Err(std::io::Error::other("read buffer too small"));
                }
                encoding_rs::DecoderResult::InputEmpty => {}
            }
        }
    }
}

/// Read one CSV file as the current sheet.
pub(super) fn read(
    reader: &mut Reader<'_>,
    path: &Path,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<(), FileError> {
    let cannot = |e: std::io::Error| FileError::new(Code::CannotOpen, says::cannot_read_file(e));
    let enc = detect(path).map_err(cannot)?;
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let source: Box<dyn Read + Send> = match enc {
        Encoding::Utf8 { bom } => {
            if bom {
                let mut skip = [0u8; 3];
                file.read_exact(&mut skip).map_err(cannot)?;
            }
            Box::new(file)
        }
        Encoding::Gb18030 => Box::new(Gb::new(file)),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(source);
    let folder = reader.file.clone();
    let name = reader.sh.name.clone();
    std::thread::scope(|s| {
        type Batch = (Vec<ByteRecord>, usize, Option<csv::Error>);
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(BATCHES);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<ByteRecord>>();
        s.spawn(move || {
            loop {
                let mut batch = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| vec![ByteRecord::new(); BATCH]);
                let mut n = 0;
                let mut err = None;
                for rec in batch.iter_mut() {
                    match csv.read_byte_record(rec) {
                        Ok(true) => n += 1,
                        Ok(false) => break,
                        Err(e) => {
                            err = Some(e);
                            break;
                        }
                    }
                }
                let last = n < BATCH || err.is_some();
                // The receiver only goes away when the reader stops.
                if full_tx.send((batch, n, err)).is_err() || last {
                    return;
                }
            }
        });
        for (batch, n, err) in full_rx {
            for rec in batch.iter().take(n) {
                let line = rec.position().map_or(1, |p| p.line());
                let Ok(row) = u32::try_from(line.saturating_sub(1)) else {
                    return Err(FileError::new(
                        Code::CannotReadSheet,
                        says::too_many_lines(),
                    ));
                };
                // Fields end at ASCII delimiters, so one check holds for
                // every field of the record.
                if std::str::from_utf8(rec.as_slice()).is_err() {
                    return Err(FileError::new(Code::BadEncoding, says::file_changed()));
                }
                let cells = rec.iter().enumerate().map(|(c, f)| {
                    let text = std::str::from_utf8(f).unwrap_or_default();
                    let v = if text.is_empty() {
                        Cv::Empty
                    } else {
                        Cv::Str(text)
                    };
                    (u32::try_from(c).unwrap_or(u32::MAX), v)
                });
                reader.feed_row(row, cells, progress);
            }
            let _ = empty_tx.send(batch);
            if let Some(e) = err {
                return Err(csv_error(e, &folder, &name));
            }
        }
        Ok(())
    })
}

fn csv_error(e: csv::Error, folder: &str, name: &str) -> FileError {
    let line = e.position().map(|p| p.line());
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(bad) = io.get_ref().and_then(|x| x.downcast_ref::<BadEncoding>())
    {
        let hex: Vec<String> = bad.bytes.iter().map(|b| format!("{b:02x}")).collect();
        return FileError {
            at: Some(Location::Line {
                file: folder.to_string(),
                name: name.to_string(),
                line: bad.line,
                field: 0,
            }),
            code: Code::BadEncoding,
            message: says::bad_csv_encoding(hex.join(" ")),
        };
    }
    FileError {
        at: line.map(|line| Location::Line {
            file: folder.to_string(),
            name: name.to_string(),
            line,
            field: 0,
        }),
        code: Code::CannotReadSheet,
        message: says::cannot_read_file(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<String, (u64, Vec<u8>)> {
        let mut out = String::new();
        match Gb::new(bytes).read_to_string(&mut out) {
            Ok(_) => Ok(out),
            Err(e) => {
                let bad = e
                    .get_ref()
                    .and_then(|x| x.downcast_ref::<BadEncoding>())
                    .map(|b| (b.line, b.bytes.clone()))
                    .unwrap_or_default();
                Err(bad)
            }
        }
    }

    #[test]
    fn gbk_decodes_and_bad_bytes_are_located() {
        // 客户 in GBK: BF CD BB A7.
        assert_eq!(
            decode(b"a\n\xBF\xCD\xBB\xA7,1\n").as_deref(),
            Ok("a\n客户,1\n")
        );
        // 0xFF is no lead byte in GB18030: line 3.
        assert_eq!(decode(b"a\nb\nc\xFF,1\n"), Err((3, vec![0xFF])));
    }
}
