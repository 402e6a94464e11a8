//! TOML text → validated [`Policy`], with every problem located: the
//! text is parsed (`toml-syntax`), read table by table into the raw serde
//! types (`raw.rs`), then linted into the model (`lint.rs`).

use super::cx::Cx;
use super::model::*;
use crate::diag::Code;
use crate::diag::Diagnostics;
use crate::text::policy as say;
use sha2::{Digest, Sha256};
use toml::de::DeTable;

/// Read and validate a policy file. `display` names the file in messages.
pub fn load_policy(path: &std::path::Path, display: &str) -> Result<Policy, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        let mut d = Diagnostics::new();
        d.error(
            crate::diag::Location::File {
                file: display.to_string(),
            },
            Code::CannotRead,
            say::in_each(|l| say::cannot_read_policy(say::io_reason(&e).get(l))),
        );
        d
    })?;
    parse_policy(&bytes, display)
}

/// Validate a policy from its bytes.
pub fn parse_policy(bytes: &[u8], display: &str) -> Result<Policy, Diagnostics> {
    let sha256 = hex(&Sha256::digest(bytes));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Located like every other policy error: line and column (in
            // characters) of the first byte that is not UTF-8.
            let at = e.valid_up_to();
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let loc = crate::diag::Location::Text {
                file: display.to_string(),
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
            };
            let mut cx = Cx::new(display, "");
            cx.diags.error(
                loc,
                Code::NotUtf8,
                say::not_utf8(format!("0x{:02X}", bytes[at])),
            );
            return Err(cx.diags);
        }
    };
    let mut cx = Cx::new(display, text);
    let root = match DeTable::parse(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            let msg = lower_first(&msg);
            cx.error(&span, Code::TomlSyntax, say::toml_syntax(&msg));
            return Err(cx.diags);
        }
    };
    let raw = super::raw::read(&mut cx, &root);
    let policy = super::lint::lint(&mut cx, &raw, display, sha256);
    if cx.diags.has_errors() {
        Err(cx.diags)
    } else {
        policy.ok_or(cx.diags)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
