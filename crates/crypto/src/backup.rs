//! Encrypted backup files: the plaintext is cut into 1 MiB chunks, each sealed with
//! XChaCha20-Poly1305 under a nonce made of a random prefix, the chunk counter and a last-chunk
//! flag (the STREAM construction), so reordering, truncation and tampering are all detected.
use std::io::{Read, Write};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::{CryptoError, Kek};

const MAGIC: &[u8; 8] = b"HAVENBK1";
const CHUNK: usize = 1 << 20;
const PREFIX: usize = 19;

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> [u8; 24] {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    n[23] = last as u8;
    n
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Encrypts `input` into `out`. Returns the number of plaintext bytes.
pub fn seal(kek: &Kek, mut input: impl Read, mut out: impl Write) -> Result<u64, CryptoError> {
    let cipher = XChaCha20Poly1305::new(&(*kek.backup_key().as_bytes()).into());
    let mut prefix = [0u8; PREFIX];
    rand::fill(&mut prefix);
    let mut header = Vec::new();
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(kek.fingerprint().as_bytes());
    header.extend_from_slice(&prefix);
    out.write_all(&header)?;

    let mut cur = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut cur_len = read_full(&mut input, &mut cur)?;
    let mut counter: u32 = 0;
    let mut total = 0u64;
    loop {
        // Look ahead one chunk to know whether this one is the last.
        let next_len = if cur_len == CHUNK {
            read_full(&mut input, &mut next)?
        } else {
            0
        };
        let last = next_len == 0;
        let n = nonce(&prefix, counter, last);
        let ct = cipher
            .encrypt(
                &XNonce::from(n),
                Payload {
                    msg: &cur[..cur_len],
                    aad: &header,
                },
            )
            .map_err(|_| CryptoError::Malformed)?;
        out.write_all(&(ct.len() as u32).to_be_bytes())?;
        out.write_all(&ct)?;
        total += cur_len as u64;
        if last {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        cur_len = next_len;
        counter = counter.checked_add(1).ok_or(CryptoError::Malformed)?;
    }
    out.flush()?;
    Ok(total)
}

/// Decrypts a backup made by [`seal`] into `out`.
pub fn open(kek: &Kek, mut input: impl Read, mut out: impl Write) -> Result<u64, CryptoError> {
    let mut header = vec![0u8; 8 + 16 + PREFIX];
    if read_full(&mut input, &mut header)? != header.len() || &header[..8] != MAGIC {
        return Err(CryptoError::Malformed);
    }
    let fingerprint = String::from_utf8_lossy(&header[8..24]).to_string();
    if fingerprint != kek.fingerprint() {
        return Err(CryptoError::KeyFile {
            path: "(backup)".into(),
            reason: format!(
                "this backup was made under the key with fingerprint {fingerprint}; the key given has {}",
                kek.fingerprint()
            ),
        });
    }
    let prefix: [u8; PREFIX] = header[24..]
        .try_into()
        .map_err(|_| CryptoError::Malformed)?;
    let cipher = XChaCha20Poly1305::new(&(*kek.backup_key().as_bytes()).into());
    let mut counter: u32 = 0;
    let mut total = 0u64;
    loop {
        let mut len = [0u8; 4];
        if read_full(&mut input, &mut len)? != 4 {
            return Err(CryptoError::Malformed); // truncated: the last chunk never came
        }
        let len = u32::from_be_bytes(len) as usize;
        if len > CHUNK + 16 {
            return Err(CryptoError::Malformed);
        }
        let mut ct = vec![0u8; len];
        if read_full(&mut input, &mut ct)? != len {
            return Err(CryptoError::Malformed);
        }
        let try_open = |last: bool| {
            cipher.decrypt(
                &XNonce::from(nonce(&prefix, counter, last)),
                Payload {
                    msg: &ct,
                    aad: &header,
                },
            )
        };
        let (plain, last) = match try_open(false) {
            Ok(p) => (p, false),
            Err(_) => (try_open(true).map_err(|_| CryptoError::Decrypt)?, true),
        };
        out.write_all(&plain)?;
        total += plain.len() as u64;
        if last {
            let mut probe = [0u8; 1];
            if input.read(&mut probe)? != 0 {
                return Err(CryptoError::Malformed); // data after the last chunk
            }
            break;
        }
        counter = counter.checked_add(1).ok_or(CryptoError::Malformed)?;
    }
    out.flush()?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(data: &[u8]) {
        let kek = Kek::generate();
        let mut sealed = Vec::new();
        seal(&kek, data, &mut sealed).unwrap();
        let mut plain = Vec::new();
        open(&kek, &sealed[..], &mut plain).unwrap();
        assert_eq!(plain, data);
        // truncation and tampering are detected
        assert!(open(&kek, &sealed[..sealed.len() - 1], &mut Vec::new()).is_err());
        let mut bad = sealed.clone();
        let i = bad.len() / 2;
        bad[i] ^= 0x40;
        assert!(open(&kek, &bad[..], &mut Vec::new()).is_err());
        assert!(open(&Kek::generate(), &sealed[..], &mut Vec::new()).is_err());
    }

    #[test]
    fn round_trips_of_various_sizes() {
        round(b"");
        round(b"hello");
        round(&vec![42u8; CHUNK]);
        round(&vec![7u8; CHUNK * 2 + 5]);
    }

    #[test]
    fn dropping_whole_last_chunk_is_detected() {
        let kek = Kek::generate();
        let data = vec![1u8; CHUNK + 10];
        let mut sealed = Vec::new();
        seal(&kek, &data[..], &mut sealed).unwrap();
        let first_chunk_end = 8 + 16 + PREFIX + 4 + CHUNK + 16;
        assert!(open(&kek, &sealed[..first_chunk_end], &mut Vec::new()).is_err());
    }
}
