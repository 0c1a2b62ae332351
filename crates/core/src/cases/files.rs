//! Attachments: content type checks and the virus-scan hook.
//!
//! Case workers attach scanned documents (ID copies, medical notes, photos) to a case. This
//! module decides whether a file may be stored; encrypting and storing it happens elsewhere.
//!
//! The type is decided by the bytes ([`sniff`]), never by the name or the type the client
//! declared: those can only make a file be refused ([`FileError::Mismatch`]). Only a short list
//! of document and image formats is accepted; anything that can carry script for a browser (HTML,
//! SVG, XML), executables, archives and macro-enabled office files are refused. The name kept
//! ([`CheckedFile::safe_name`]) is a base name from a small character set with the extension of
//! the sniffed type.
//!
//! [`Scanner`] runs an optional external virus scanner (e.g. `clamdscan --no-summary -`) on the
//! bytes, fed on its standard input; the file name is never passed to it.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// The kinds of file that may be attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Webp,
    /// UTF-8 text without NUL or other control characters (tab, line breaks and form feed
    /// aside), that does not look like markup, a script or RTF.
    PlainText,
    Docx,
    Xlsx,
    Odt,
    Ods,
}

const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";
const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";
const DOCX_MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl FileKind {
    pub const ALL: [FileKind; 9] = [
        FileKind::Pdf,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Webp,
        FileKind::PlainText,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Odt,
        FileKind::Ods,
    ];

    /// The media type to store and serve the file with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::PlainText => "text/plain; charset=utf-8",
            FileKind::Docx => DOCX_MIME,
            FileKind::Xlsx => XLSX_MIME,
            FileKind::Odt => ODT_MIME,
            FileKind::Ods => ODS_MIME,
        }
    }

    /// The extension (lower case, without the dot) the stored name gets.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Webp => "webp",
            FileKind::PlainText => "txt",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Odt => "odt",
            FileKind::Ods => "ods",
        }
    }

    /// The kind an extension (without the dot, any case) names, if it is one of ours.
    pub fn from_extension(ext: &str) -> Option<FileKind> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "pdf" => FileKind::Pdf,
            "png" => FileKind::Png,
            "jpg" | "jpeg" | "jpe" | "jfif" => FileKind::Jpeg,
            "webp" => FileKind::Webp,
            "txt" | "text" => FileKind::PlainText,
            "docx" => FileKind::Docx,
            "xlsx" => FileKind::Xlsx,
            "odt" => FileKind::Odt,
            "ods" => FileKind::Ods,
            _ => return None,
        })
    }

    /// The kind a media type names (parameters and case ignored), if it is one of ours.
    pub fn from_content_type(content_type: &str) -> Option<FileKind> {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        Some(match essence.to_ascii_lowercase().as_str() {
            "application/pdf" => FileKind::Pdf,
            "image/png" => FileKind::Png,
            "image/jpeg" | "image/jpg" | "image/pjpeg" => FileKind::Jpeg,
            "image/webp" => FileKind::Webp,
            "text/plain" => FileKind::PlainText,
            DOCX_MIME => FileKind::Docx,
            XLSX_MIME => FileKind::Xlsx,
            ODT_MIME => FileKind::Odt,
            ODS_MIME => FileKind::Ods,
            _ => return None,
        })
    }
}

/// Why a file is refused. `user_key()` is the message shown to the user; the `Display` text goes
/// to the log only, and never contains the file name (it may name a person).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("empty file")]
    Empty,
    #[error("file too large: {size} bytes, limit {max}")]
    TooLarge { size: usize, max: usize },
    #[error("file type not accepted")]
    UnsupportedType,
    #[error("file content is {sniffed:?} but its name or declared type says {claimed:?}")]
    Mismatch {
        claimed: FileKind,
        sniffed: FileKind,
    },
    #[error("virus scan found {signature}")]
    Infected { signature: String },
    #[error("virus scan failed: {0}")]
    ScanFailed(String),
}

impl FileError {
    pub fn user_key(&self) -> &'static str {
        match self {
            FileError::Empty => "error-file-empty",
            FileError::TooLarge { .. } => "error-file-too-large",
            FileError::UnsupportedType => "error-file-type",
            FileError::Mismatch { .. } => "error-file-mismatch",
            FileError::Infected { .. } => "error-file-infected",
            FileError::ScanFailed(_) => "error-file-scan-failed",
        }
    }
}

/// A file that passed [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedFile {
    pub kind: FileKind,
    /// Base name only, from a safe character set, at most [`MAX_NAME_CHARS`] characters, ending
    /// with `.` and `kind.extension()`.
    pub safe_name: String,
    pub size: usize,
}

/// Longest `safe_name`, in characters (it is also kept under [`MAX_NAME_BYTES`] bytes).
pub const MAX_NAME_CHARS: usize = 120;
/// Longest `safe_name` in UTF-8 bytes, under the 255 bytes most file systems allow.
pub const MAX_NAME_BYTES: usize = 240;
/// Name used when nothing is left of the client's name.
const FALLBACK_STEM: &str = "attachment";

/// Decides whether a file may be stored, and under which name.
///
/// In order: an empty file, then one over `max_bytes`, is refused; the kind is sniffed from the
/// bytes and must be one of [`FileKind`]; if the name's extension, or the declared media type,
/// names one of our kinds other than the sniffed one, the file is refused as a mismatch
/// (extensions and types we do not know are ignored: the sniffed kind decides).
pub fn check(
    name: &str,
    declared_type: Option<&str>,
    bytes: &[u8],
    max_bytes: usize,
) -> Result<CheckedFile, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(FileError::TooLarge {
            size: bytes.len(),
            max: max_bytes,
        });
    }
    let kind = sniff(bytes).ok_or(FileError::UnsupportedType)?;
    let base = sanitize_base_name(name);
    let named = extension_of(&base).and_then(FileKind::from_extension);
    let declared = declared_type.and_then(FileKind::from_content_type);
    for claimed in [named, declared].into_iter().flatten() {
        if claimed != kind {
            return Err(FileError::Mismatch {
                claimed,
                sniffed: kind,
            });
        }
    }
    Ok(CheckedFile {
        kind,
        safe_name: safe_name(&base, kind),
        size: bytes.len(),
    })
}

/// The last path component (after `/` or `\`), keeping only letters, digits, space and `-_.()`,
/// with leading and trailing dots, spaces, dashes and underscores removed.
fn sanitize_base_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')'))
        .collect();
    trim_name(&kept).to_string()
}

fn trim_name(s: &str) -> &str {
    s.trim_start_matches(['.', ' ', '-', '_'])
        .trim_end_matches(['.', ' '])
}

/// The text after the last dot, if any.
fn extension_of(base: &str) -> Option<&str> {
    base.rsplit_once('.').map(|(_, ext)| ext)
}

fn safe_name(base: &str, kind: FileKind) -> String {
    // Drop the client's extension when it names our kinds (after `check`, the sniffed one, in
    // whatever case); keep any other (`virus.exe` becomes `virus.exe.pdf`, which says what it
    // was and opens as what it is).
    let stem = match base.rsplit_once('.') {
        Some((stem, ext)) if FileKind::from_extension(ext).is_some() => stem,
        _ => base,
    };
    let ext = kind.extension();
    let max_chars = MAX_NAME_CHARS - 1 - ext.len();
    let max_bytes = MAX_NAME_BYTES - 1 - ext.len();
    let mut end = 0;
    for (n, (i, c)) in stem.char_indices().enumerate() {
        if n >= max_chars || i + c.len_utf8() > max_bytes {
            break;
        }
        end = i + c.len_utf8();
    }
    let mut stem = trim_name(&stem[..end]).to_string();
    if stem.is_empty() {
        stem = FALLBACK_STEM.to_string();
    }
    // Names Windows reserves for devices, with any extension.
    let upper = stem.to_ascii_uppercase();
    let device = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit());
    if device {
        stem.insert(0, '_');
    }
    format!("{stem}.{ext}")
}

/// The kind of a file, decided by its bytes only. `None` for anything not accepted: executables,
/// scripts, HTML, SVG and other XML, archives, macro-enabled or encrypted office files, unknown
/// formats.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") && bytes.get(5).is_some_and(u8::is_ascii_digit) {
        return Some(FileKind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileKind::Png);
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return Some(FileKind::Jpeg);
    }
    if bytes.len() >= 16
        && &bytes[0..4] == b"RIFF"
        && &bytes[8..12] == b"WEBP"
        && &bytes[12..15] == b"VP8"
    {
        return Some(FileKind::Webp);
    }
    if bytes.starts_with(zip::LOCAL) {
        return zip::sniff(bytes);
    }
    sniff_text(bytes)
}

fn sniff_text(bytes: &[u8]) -> Option<FileKind> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
    {
        return None;
    }
    let head = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    // Markup (HTML, SVG, XML), scripts, RTF (can embed objects), PostScript.
    if ["<", "#!", "{\\rtf", "%!"]
        .iter()
        .any(|p| head.starts_with(p))
    {
        return None;
    }
    // Browsers that sniff look for markup near the start, not only at it; PDF readers look for
    // their header in the first KiB too.
    let window = &bytes[..bytes.len().min(1024)];
    let lower = window.to_ascii_lowercase();
    const SUSPECT: [&[u8]; 12] = [
        b"<html",
        b"<script",
        b"<svg",
        b"<!doctype",
        b"<iframe",
        b"<body",
        b"<head",
        b"<?xml",
        b"<object",
        b"<embed",
        b"<meta",
        b"%pdf-",
    ];
    if SUSPECT
        .iter()
        .any(|m| lower.windows(m.len()).any(|w| w == *m))
    {
        return None;
    }
    Some(FileKind::PlainText)
}

/// Just enough of the ZIP format to tell office documents from other archives, reading names
/// only (nothing is decompressed). Work is bounded: the end record is looked for in the last
/// 64 KiB and at most [`zip::MAX_ENTRIES`] central directory entries are read.
mod zip {
    use super::{FileKind, ODS_MIME, ODT_MIME};

    pub(super) const LOCAL: &[u8] = b"PK\x03\x04";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    const END: &[u8] = b"PK\x05\x06";
    pub(super) const MAX_ENTRIES: usize = 1024;

    fn u16_at(b: &[u8], at: usize) -> Option<usize> {
        let s = b.get(at..at.checked_add(2)?)?;
        Some(u16::from_le_bytes([s[0], s[1]]) as usize)
    }

    fn u32_at(b: &[u8], at: usize) -> Option<usize> {
        let s = b.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok()
    }

    /// The names of the first entries of the central directory; `None` if the archive is
    /// malformed, spans disks, is ZIP64, has trailing data or has an encrypted entry among them.
    pub(super) fn names(b: &[u8]) -> Option<Vec<&[u8]>> {
        let last = b.len().checked_sub(22)?;
        let lowest = last.saturating_sub(0xffff);
        let mut end = last;
        loop {
            if &b[end..end + 4] == END && end + 22 + u16_at(b, end + 20)? == b.len() {
                break;
            }
            if end == lowest {
                return None;
            }
            end -= 1;
        }
        let (disk, cd_disk) = (u16_at(b, end + 4)?, u16_at(b, end + 6)?);
        let (on_disk, total) = (u16_at(b, end + 8)?, u16_at(b, end + 10)?);
        let (cd_size, cd_start) = (u32_at(b, end + 12)?, u32_at(b, end + 16)?);
        if disk != 0 || cd_disk != 0 || on_disk != total || total == 0xffff {
            return None;
        }
        if cd_size == 0xffff_ffff || cd_start == 0xffff_ffff {
            return None;
        }
        let cd_end = cd_start.checked_add(cd_size)?;
        if cd_end > end {
            return None;
        }
        let mut names = Vec::new();
        let mut at = cd_start;
        for _ in 0..total.min(MAX_ENTRIES) {
            if b.get(at..at.checked_add(4)?)? != CENTRAL {
                return None;
            }
            let flags = u16_at(b, at + 8)?;
            if flags & 1 != 0 {
                // Encrypted: a scanner cannot see inside.
                return None;
            }
            let name_len = u16_at(b, at + 28)?;
            let extra_len = u16_at(b, at + 30)?;
            let comment_len = u16_at(b, at + 32)?;
            let name = b.get(at + 46..at + 46 + name_len)?;
            at += 46 + name_len + extra_len + comment_len;
            if at > cd_end {
                return None;
            }
            names.push(name);
        }
        Some(names)
    }

    /// An ODF document's `mimetype`: the first entry, stored uncompressed at offset 0.
    fn odf_mimetype(b: &[u8]) -> Option<&[u8]> {
        let flags = u16_at(b, 6)?;
        let method = u16_at(b, 8)?;
        let size = u32_at(b, 18)?;
        let name_len = u16_at(b, 26)?;
        let extra_len = u16_at(b, 28)?;
        if b.get(30..30 + name_len)? != b"mimetype" || method != 0 || flags & 8 != 0 {
            return None;
        }
        let start = 30 + name_len + extra_len;
        b.get(start..start.checked_add(size)?)
    }

    pub(super) fn sniff(b: &[u8]) -> Option<FileKind> {
        let names = names(b)?;
        if b.get(30..38) == Some(b"mimetype".as_slice()) {
            let kind = match odf_mimetype(b)? {
                m if m == ODT_MIME.as_bytes() => FileKind::Odt,
                m if m == ODS_MIME.as_bytes() => FileKind::Ods,
                _ => return None,
            };
            let first_is_mimetype = names.first() == Some(&b"mimetype".as_slice());
            // Basic and script libraries: macros.
            let macros = names
                .iter()
                .any(|n| n.starts_with(b"Basic/") || n.starts_with(b"Scripts/"));
            return (first_is_mimetype && !macros).then_some(kind);
        }
        if !names.iter().any(|n| *n == b"[Content_Types].xml") {
            return None;
        }
        let macros = names
            .iter()
            .any(|n| n.to_ascii_lowercase().ends_with(b"vbaproject.bin"));
        let word = names.iter().any(|n| n.starts_with(b"word/"));
        let excel = names.iter().any(|n| n.starts_with(b"xl/"));
        match (word, excel, macros) {
            (true, false, false) => Some(FileKind::Docx),
            (false, true, false) => Some(FileKind::Xlsx),
            _ => None,
        }
    }
}

/// What a virus scan said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanVerdict {
    Clean,
    Infected {
        signature: String,
    },
    /// No scanner is configured.
    NotScanned,
}

/// The optional external virus scanner: a command that reads the file on its standard input and
/// exits 0 when clean, 1 when infected (naming the signature on the first line of its standard
/// output), anything else on error — as `clamdscan --no-summary -` and `clamscan --no-summary -`
/// do. It is run directly, without a shell, and never given the file name.
#[derive(Clone, Debug)]
pub struct Scanner {
    command: Option<Vec<String>>,
    timeout: Duration,
}

/// How long a scan may take before it counts as failed, when not set otherwise.
pub const DEFAULT_SCAN_TIMEOUT: Duration = Duration::from_secs(60);
/// Output kept from the scanner (the rest is read and dropped).
const MAX_SCANNER_OUTPUT: usize = 64 * 1024;
const MAX_SIGNATURE_CHARS: usize = 200;

impl Default for Scanner {
    fn default() -> Self {
        Scanner::none()
    }
}

impl Scanner {
    /// No scanner: every scan answers [`ScanVerdict::NotScanned`].
    pub fn none() -> Self {
        Scanner {
            command: None,
            timeout: DEFAULT_SCAN_TIMEOUT,
        }
    }

    /// Runs `argv` (program, then arguments) for each scan; an empty `argv` means no scanner.
    pub fn command(argv: Vec<String>, timeout: Duration) -> Self {
        Scanner {
            command: (!argv.is_empty()).then_some(argv),
            timeout,
        }
    }

    /// A scanner from a configuration value: the argv separated by spaces (no quoting), e.g.
    /// `clamdscan --no-summary -`; empty or blank means no scanner. Uses
    /// [`DEFAULT_SCAN_TIMEOUT`]; see [`Scanner::with_timeout`].
    pub fn from_config(s: &str) -> Self {
        Scanner::command(
            s.split_whitespace().map(str::to_string).collect(),
            DEFAULT_SCAN_TIMEOUT,
        )
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn is_configured(&self) -> bool {
        self.command.is_some()
    }

    /// Scans `bytes`. A scanner that cannot be started, exits otherwise than 0 or 1, is killed by
    /// a signal, or takes longer than the timeout (it is then killed) gives
    /// [`FileError::ScanFailed`]; so does one that exits 0 without reading the whole file.
    #[tracing::instrument(skip_all)]
    pub async fn scan(&self, bytes: &[u8]) -> Result<ScanVerdict, FileError> {
        let Some(argv) = &self.command else {
            return Ok(ScanVerdict::NotScanned);
        };
        let mut child = tokio::process::Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| FileError::ScanFailed(format!("cannot start {}: {e}", argv[0])))?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(FileError::ScanFailed("no pipes to the scanner".into()));
        };
        let work = async {
            let feed = async {
                let written = stdin.write_all(bytes).await;
                drop(stdin);
                written
            };
            let (written, out, err) =
                tokio::join!(feed, read_bounded(stdout), read_bounded(stderr));
            let status = child.wait().await;
            (written, out, err, status)
        };
        let outcome = tokio::time::timeout(self.timeout, work).await;
        let Ok((written, out, err, status)) = outcome else {
            let _ = child.kill().await;
            return Err(FileError::ScanFailed(format!(
                "timed out after {} ms",
                self.timeout.as_millis()
            )));
        };
        let status =
            status.map_err(|e| FileError::ScanFailed(format!("waiting for the scanner: {e}")))?;
        let err_line = first_line(&err.unwrap_or_default());
        match status.code() {
            Some(0) => match written {
                Ok(()) => Ok(ScanVerdict::Clean),
                Err(e) => Err(FileError::ScanFailed(format!(
                    "scanner exited 0 without reading the whole file: {e}"
                ))),
            },
            // The scanner may stop reading once it has found something.
            Some(1) => Ok(ScanVerdict::Infected {
                signature: signature(&out.unwrap_or_default()),
            }),
            Some(code) => Err(FileError::ScanFailed(format!(
                "scanner exited {code}: {err_line}"
            ))),
            None => Err(FileError::ScanFailed(format!(
                "scanner killed by a signal: {err_line}"
            ))),
        }
    }
}

/// Reads a pipe to its end, keeping at most [`MAX_SCANNER_OUTPUT`] bytes.
async fn read_bounded(mut pipe: impl AsyncRead + Unpin) -> std::io::Result<Vec<u8>> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = pipe.read(&mut buf).await?;
        if n == 0 {
            return Ok(kept);
        }
        let room = MAX_SCANNER_OUTPUT.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
}

/// The first line of some output, trimmed, without control characters, at most
/// [`MAX_SIGNATURE_CHARS`] characters.
fn first_line(out: &[u8]) -> String {
    let text = String::from_utf8_lossy(out);
    let line = text.lines().next().unwrap_or("").trim();
    line.chars()
        .filter(|c| !c.is_control())
        .take(MAX_SIGNATURE_CHARS)
        .collect()
}

/// The signature named by a scanner's output: `stdin: Eicar-Test-Signature FOUND` gives
/// `Eicar-Test-Signature`.
fn signature(out: &[u8]) -> String {
    let text = String::from_utf8_lossy(out);
    let line = text.lines().next().unwrap_or("").trim();
    let line = line.strip_prefix("stdin: ").unwrap_or(line);
    let line = line.strip_suffix(" FOUND").unwrap_or(line);
    let signature = first_line(line.as_bytes());
    if signature.is_empty() {
        "unknown".to_string()
    } else {
        signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: usize = 1 << 20;

    /// A ZIP archive of stored (uncompressed) entries, CRCs left at zero: only names and layout
    /// are read by `sniff`.
    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let header = |sig: &[u8], central: bool| {
                let mut h = Vec::new();
                h.extend_from_slice(sig);
                if central {
                    h.extend_from_slice(&20u16.to_le_bytes()); // version made by
                }
                h.extend_from_slice(&20u16.to_le_bytes()); // version needed
                h.extend_from_slice(&0u16.to_le_bytes()); // flags
                h.extend_from_slice(&0u16.to_le_bytes()); // method: stored
                h.extend_from_slice(&[0; 4]); // time, date
                h.extend_from_slice(&[0; 4]); // crc32
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                h.extend_from_slice(&(name.len() as u16).to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes()); // extra
                if central {
                    h.extend_from_slice(&0u16.to_le_bytes()); // comment
                    h.extend_from_slice(&[0; 8]); // disk, attributes
                    h.extend_from_slice(&offset.to_le_bytes());
                }
                h.extend_from_slice(name.as_bytes());
                h
            };
            out.extend(header(LOCAL_SIG, false));
            out.extend_from_slice(data);
            central.extend(header(b"PK\x01\x02", true));
        }
        let cd_start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]); // disks
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        out
    }

    const LOCAL_SIG: &[u8] = b"PK\x03\x04";

    fn pdf() -> Vec<u8> {
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".to_vec()
    }

    fn png() -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend_from_slice(b"\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0");
        b
    }

    fn jpeg() -> Vec<u8> {
        b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9".to_vec()
    }

    fn webp() -> Vec<u8> {
        let mut b = b"RIFF\x1a\0\0\0WEBPVP8L".to_vec();
        b.extend_from_slice(&[0x0d, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11]);
        b
    }

    fn odf(mime: &str) -> Vec<u8> {
        zip(&[
            ("mimetype", mime.as_bytes()),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ])
    }

    fn docx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ])
    }

    fn xlsx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
        ])
    }

    #[test]
    fn sniffs_each_kind() {
        assert_eq!(sniff(&pdf()), Some(FileKind::Pdf));
        assert_eq!(sniff(&png()), Some(FileKind::Png));
        assert_eq!(sniff(&jpeg()), Some(FileKind::Jpeg));
        assert_eq!(sniff(&webp()), Some(FileKind::Webp));
        assert_eq!(
            sniff("Notes de visite — 3 mai\r\n\tRAS.\n".as_bytes()),
            Some(FileKind::PlainText)
        );
        assert_eq!(
            sniff("\u{feff}Señora Pérez: 2 < 3\n".as_bytes()),
            Some(FileKind::PlainText)
        );
        assert_eq!(sniff(&odf(ODT_MIME)), Some(FileKind::Odt));
        assert_eq!(sniff(&odf(ODS_MIME)), Some(FileKind::Ods));
        assert_eq!(sniff(&docx()), Some(FileKind::Docx));
        assert_eq!(sniff(&xlsx()), Some(FileKind::Xlsx));
    }

    #[test]
    fn kinds_round_trip() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::from_extension(kind.extension()), Some(kind));
            assert_eq!(FileKind::from_content_type(kind.content_type()), Some(kind));
            assert_eq!(
                FileKind::from_extension(&kind.extension().to_uppercase()),
                Some(kind)
            );
        }
        assert_eq!(
            FileKind::from_content_type(" IMAGE/JPEG ; q=1"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::from_content_type("application/octet-stream"),
            None
        );
        assert_eq!(FileKind::from_extension("exe"), None);
    }

    #[test]
    fn rejects_dangerous_and_unknown_content() {
        let rejected: Vec<(&str, Vec<u8>)> = vec![
            (
                "elf",
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".to_vec(),
            ),
            ("pe", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec()),
            ("html", b"<html><body>hi</body></html>".to_vec()),
            (
                "html later",
                b"Note\n\n<HTML><script>alert(1)</script>".to_vec(),
            ),
            ("doctype", b"  <!DOCTYPE html>\n<p>x".to_vec()),
            (
                "svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x</script></svg>".to_vec(),
            ),
            ("xml svg", b"<?xml version=\"1.0\"?>\n<svg/>".to_vec()),
            ("shell", b"#!/bin/sh\nrm -rf /\n".to_vec()),
            ("rtf", b"{\\rtf1\\ansi hello}".to_vec()),
            ("postscript", b"%!PS-Adobe-3.0\n".to_vec()),
            ("nul in text", b"hello\0world".to_vec()),
            ("escape in text", b"hello \x1b[2J world".to_vec()),
            ("latin-1", b"caf\xe9".to_vec()),
            ("gif", b"GIF89a\x01\0\x01\0\x80\0\0".to_vec()),
            ("gzip", b"\x1f\x8b\x08\0\0\0\0\0".to_vec()),
            ("ole doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0".to_vec()),
            ("pdf without version", b"%PDF-x".to_vec()),
            ("pdf after junk", b"junk\n%PDF-1.4\n".to_vec()),
            ("riff wav", b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0".to_vec()),
            (
                "plain zip",
                zip(&[("photo.jpg", b"\xff\xd8\xff"), ("run.exe", b"MZ\x90\0")]),
            ),
            ("empty zip", zip(&[])),
            ("epub", odf("application/epub+zip")),
            (
                "odp",
                odf("application/vnd.oasis.opendocument.presentation"),
            ),
            (
                "odt with macros",
                zip(&[
                    ("mimetype", ODT_MIME.as_bytes()),
                    ("Basic/Standard/Module1.xml", b"<script:module/>"),
                ]),
            ),
            (
                "mimetype not first",
                zip(&[("content.xml", b"<x/>"), ("mimetype", ODT_MIME.as_bytes())]),
            ),
            (
                "docm",
                zip(&[
                    ("[Content_Types].xml", b"<Types/>"),
                    ("word/document.xml", b"<w:document/>"),
                    ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
                ]),
            ),
            (
                "word and excel",
                zip(&[
                    ("[Content_Types].xml", b"<Types/>"),
                    ("word/document.xml", b"<w:document/>"),
                    ("xl/workbook.xml", b"<workbook/>"),
                ]),
            ),
            (
                "pptx",
                zip(&[
                    ("[Content_Types].xml", b"<Types/>"),
                    ("ppt/presentation.xml", b"<p/>"),
                ]),
            ),
            (
                "no content types",
                zip(&[("word/document.xml", b"<w:document/>")]),
            ),
            ("truncated zip", docx()[..40].to_vec()),
            ("zip header only", LOCAL_SIG.to_vec()),
        ];
        for (what, bytes) in rejected {
            assert_eq!(sniff(&bytes), None, "{what}");
        }
        // Trailing data after the end record (e.g. a polyglot) is refused.
        let mut trailing = docx();
        trailing.extend_from_slice(b"<html>");
        assert_eq!(sniff(&trailing), None);
        // So is an encrypted entry.
        let mut encrypted = docx();
        let cd = encrypted
            .windows(4)
            .position(|w| w == b"PK\x01\x02")
            .unwrap();
        encrypted[cd + 8] |= 1;
        assert_eq!(sniff(&encrypted), None);
    }

    #[test]
    fn checks_and_names() {
        let ok = check("scan.pdf", Some("application/pdf"), &pdf(), MAX).unwrap();
        assert_eq!(
            ok,
            CheckedFile {
                kind: FileKind::Pdf,
                safe_name: "scan.pdf".into(),
                size: pdf().len(),
            }
        );
        let name = |n: &str, bytes: &[u8]| check(n, None, bytes, MAX).unwrap().safe_name;
        assert_eq!(name("../../etc/passwd.pdf", &pdf()), "passwd.pdf");
        assert_eq!(name("C:\\Users\\x\\scan.PDF", &pdf()), "scan.pdf");
        assert_eq!(name("scan\nline\r\ttwo.pdf", &pdf()), "scanlinetwo.pdf");
        assert_eq!(name("photo.jpeg", &jpeg()), "photo.jpg");
        assert_eq!(name("no extension", &png()), "no extension.png");
        assert_eq!(name("virus.exe", &pdf()), "virus.exe.pdf");
        assert_eq!(name("invoice\u{202e}fdp.exe", &pdf()), "invoicefdp.exe.pdf");
        assert_eq!(
            name("Déclaration (1).odt", &odf(ODT_MIME)),
            "Déclaration (1).odt"
        );
        assert_eq!(name("<script>x</script>.txt", b"hi"), "script.txt");
        assert_eq!(name("a:b*c?d\"e|f.pdf", &pdf()), "abcdef.pdf");
        assert_eq!(name("...pdf", &pdf()), "pdf.pdf");
        assert_eq!(name("...", &pdf()), "attachment.pdf");
        assert_eq!(name("", &pdf()), "attachment.pdf");
        assert_eq!(name("dir/", &pdf()), "attachment.pdf");
        assert_eq!(name("\u{0}\u{7}", &pdf()), "attachment.pdf");
        assert_eq!(name(".htaccess", b"deny"), "htaccess.txt");
        assert_eq!(name("-rf .pdf", &pdf()), "rf.pdf");
        assert_eq!(name("con.pdf", &pdf()), "_con.pdf");
        assert_eq!(name("LPT1", &pdf()), "_LPT1.pdf");
        assert_eq!(name("photo.pdf.", &pdf()), "photo.pdf");

        let long = name(&"a".repeat(500), &pdf());
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert_eq!(long, format!("{}.pdf", "a".repeat(MAX_NAME_CHARS - 4)));
        let long = name(&format!("{}.docx", "x".repeat(500)), &docx());
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with("x.docx"));
        let wide = name(&"語".repeat(500), &pdf());
        assert!(wide.len() <= MAX_NAME_BYTES && wide.ends_with(".pdf"));
    }

    #[test]
    fn refuses_mismatch_size_and_type() {
        let err = check("photo.pdf", None, &png(), MAX).unwrap_err();
        assert!(matches!(
            err,
            FileError::Mismatch {
                claimed: FileKind::Pdf,
                sniffed: FileKind::Png
            }
        ));
        assert_eq!(err.user_key(), "error-file-mismatch");
        let err = check("photo.png", Some("application/pdf"), &png(), MAX).unwrap_err();
        assert_eq!(err.user_key(), "error-file-mismatch");
        let err = check("notes.docx", None, &odf(ODT_MIME), MAX).unwrap_err();
        assert_eq!(err.user_key(), "error-file-mismatch");
        // Unknown extensions and declared types are not ours to judge: the bytes decide.
        assert!(check("photo.heic", Some("application/octet-stream"), &png(), MAX).is_ok());
        assert!(check("photo.PNG", Some("image/png"), &png(), MAX).is_ok());

        let err = check("a.pdf", Some("application/pdf"), b"", MAX).unwrap_err();
        assert!(matches!(err, FileError::Empty));
        assert_eq!(err.user_key(), "error-file-empty");

        let bytes = pdf();
        assert!(check("a.pdf", None, &bytes, bytes.len()).is_ok());
        let err = check("a.pdf", None, &bytes, bytes.len() - 1).unwrap_err();
        assert!(
            matches!(err, FileError::TooLarge { size, max } if size == bytes.len() && max == bytes.len() - 1)
        );
        assert_eq!(err.user_key(), "error-file-too-large");

        let err = check("page.txt", Some("text/plain"), b"<html>", MAX).unwrap_err();
        assert!(matches!(err, FileError::UnsupportedType));
        assert_eq!(err.user_key(), "error-file-type");
        // The log text never carries the name.
        let err = check("Maria Lopez passport.pdf", None, &png(), MAX).unwrap_err();
        assert!(!err.to_string().contains("Maria"));
    }

    #[test]
    fn user_keys() {
        assert_eq!(
            FileError::Infected {
                signature: "x".into()
            }
            .user_key(),
            "error-file-infected"
        );
        assert_eq!(
            FileError::ScanFailed("x".into()).user_key(),
            "error-file-scan-failed"
        );
    }

    #[test]
    fn signatures_are_parsed() {
        assert_eq!(
            signature(b"stdin: Eicar-Test-Signature FOUND\n\nmore"),
            "Eicar-Test-Signature"
        );
        assert_eq!(signature(b"  Win.Trojan.Foo-1  \n"), "Win.Trojan.Foo-1");
        assert_eq!(signature(b""), "unknown");
        assert_eq!(signature(b"\x1b[31mred\x1b[0m"), "[31mred[0m");
        assert_eq!(signature(&[b'x'; 1000]).len(), MAX_SIGNATURE_CHARS);
    }

    fn sh(script: &str, timeout_ms: u64) -> Scanner {
        Scanner::command(
            vec!["sh".into(), "-c".into(), script.into()],
            Duration::from_millis(timeout_ms),
        )
    }

    #[tokio::test]
    async fn scanner_verdicts() {
        let bytes = vec![b'a'; 300 * 1024]; // more than a pipe buffer
        assert_eq!(
            Scanner::none().scan(&bytes).await.unwrap(),
            ScanVerdict::NotScanned
        );
        assert_eq!(
            Scanner::from_config("  ").scan(&bytes).await.unwrap(),
            ScanVerdict::NotScanned
        );
        assert!(!Scanner::from_config("").is_configured());
        assert_eq!(
            Scanner::from_config(" clamdscan  --no-summary - ").command,
            Some(vec![
                "clamdscan".to_string(),
                "--no-summary".into(),
                "-".into()
            ])
        );

        assert_eq!(
            sh("cat >/dev/null; exit 0", 10_000)
                .scan(&bytes)
                .await
                .unwrap(),
            ScanVerdict::Clean
        );
        // The scanner sees the bytes on stdin.
        assert_eq!(
            sh("test $(wc -c) -eq 307200", 10_000)
                .scan(&bytes)
                .await
                .unwrap(),
            ScanVerdict::Clean
        );
        assert_eq!(
            sh(
                "cat >/dev/null; echo 'stdin: Eicar-Test-Signature FOUND'; exit 1",
                10_000
            )
            .scan(&bytes)
            .await
            .unwrap(),
            ScanVerdict::Infected {
                signature: "Eicar-Test-Signature".into()
            }
        );
        // Infected even when the scanner stops reading early.
        assert_eq!(
            sh("echo 'stdin: Eicar-Test-Signature FOUND'; exit 1", 10_000)
                .scan(&bytes)
                .await
                .unwrap(),
            ScanVerdict::Infected {
                signature: "Eicar-Test-Signature".into()
            }
        );
        let err = sh("cat >/dev/null; echo 'cannot connect' >&2; exit 2", 10_000)
            .scan(&bytes)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, FileError::ScanFailed(m) if m.contains("exited 2") && m.contains("cannot connect"))
        );
        assert_eq!(err.user_key(), "error-file-scan-failed");
        // Exiting 0 without reading the file is not a clean scan.
        assert!(matches!(
            sh("exec 0<&-; sleep 0.2; exit 0", 10_000)
                .scan(&bytes)
                .await,
            Err(FileError::ScanFailed(_))
        ));
        assert!(matches!(
            sh("kill -9 $$", 10_000).scan(&bytes).await,
            Err(FileError::ScanFailed(_))
        ));
        let missing = Scanner::command(
            vec!["/nonexistent/haven-no-such-scanner".into(), "-".into()],
            Duration::from_secs(10),
        );
        assert!(matches!(
            missing.scan(&bytes).await,
            Err(FileError::ScanFailed(_))
        ));
    }

    #[tokio::test]
    async fn scanner_times_out() {
        let started = std::time::Instant::now();
        let err = sh("sleep 5", 200).scan(b"data").await.unwrap_err();
        assert!(matches!(&err, FileError::ScanFailed(m) if m.contains("timed out")));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048),
                        name in any::<String>(),
                        declared in proptest::option::of(any::<String>()),
                        max in 0usize..4096) {
            let _ = sniff(&bytes);
            if let Ok(f) = check(&name, declared.as_deref(), &bytes, max) {
                prop_assert!(f.size == bytes.len() && f.size <= max);
                prop_assert_eq!(Some(f.kind), sniff(&bytes));
            }
        }

        #[test]
        fn zip_like_input_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut bytes = LOCAL_SIG.to_vec();
            bytes.extend_from_slice(&tail);
            let _ = sniff(&bytes);
            bytes.extend_from_slice(b"PK\x05\x06");
            bytes.extend_from_slice(&tail[..tail.len().min(18)]);
            let _ = sniff(&bytes);
        }

        #[test]
        fn corrupted_documents_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(),
                                           cut in any::<prop::sample::Index>()) {
            for mut doc in [docx(), xlsx(), odf(ODT_MIME)] {
                let i = at.index(doc.len());
                doc[i] = byte;
                let _ = sniff(&doc);
                let _ = sniff(&doc[..cut.index(doc.len())]);
            }
        }

        #[test]
        fn safe_names_are_safe(name in any::<String>()) {
            // (A name ending in another of our extensions is a mismatch, tested above.)
            let Ok(f) = check(&name, None, &pdf(), MAX) else { return Ok(()) };
            let n = &f.safe_name;
            prop_assert!(n.ends_with(".pdf"));
            prop_assert!(n.chars().count() <= MAX_NAME_CHARS && n.len() <= MAX_NAME_BYTES);
            prop_assert!(n.chars().all(|c| c.is_alphanumeric() || " -_.()".contains(c)));
            prop_assert!(!n.starts_with(['.', ' ', '-', '_']) || n.starts_with("_"));
        }
    }
}
