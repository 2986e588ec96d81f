//! The virus scanner every statement passes before it is read or filed:
//! clamd over its Unix socket, with its documented `INSTREAM` command
//! (`man clamd`): the bytes in chunks, each after its length as 4 bytes in
//! network order, then a zero length; clamd answers `stream: OK`,
//! `stream: NAME FOUND` or `... ERROR`. Written here, with time limits on
//! every read and write, rather than taken from a crate: the maintained
//! client crates have no time limit on a Unix socket (decision 0134).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::ScanConfig;

/// The bytes sent to clamd at a time.
const CHUNK: usize = 64 * 1024;
/// The longest answer clamd gives (a signature name and a status).
const MAX_ANSWER: usize = 4096;

/// What the scanner said about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing found.
    Clean,
    /// A detection, by the signature's name.
    Found(String),
}

/// Why a file could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The scanner cannot be reached or did not answer in time: nothing is
    /// filed until it is back.
    Unavailable(String),
    /// The scanner answered with an error for this file (too large for
    /// its `StreamMaxLength`, say): this file waits; others go on.
    Refused(String),
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::Unavailable(why) => write!(f, "the virus scanner cannot be reached: {why}"),
            ScanError::Refused(why) => write!(f, "the virus scanner could not scan it: {why}"),
        }
    }
}

/// clamd at its socket, with a time limit.
#[derive(Debug, Clone)]
pub struct Scanner {
    socket: PathBuf,
    timeout: Duration,
}

impl Scanner {
    /// The scanner a `[statements] scan` setting names.
    pub fn new(config: &ScanConfig) -> Self {
        Self { socket: config.socket.clone(), timeout: Duration::from_secs(config.timeout_seconds.max(1)) }
    }

    /// The same scanner with a shorter time limit (a status check).
    pub fn within(mut self, limit: Duration) -> Self {
        self.timeout = self.timeout.min(limit);
        self
    }

    /// Whether clamd answers `PING` with `PONG`.
    pub fn ping(&self) -> Result<(), ScanError> {
        let deadline = Instant::now() + self.timeout;
        let mut stream = self.connect()?;
        send(&mut stream, b"zPING\0", deadline)?;
        match answer(&mut stream, deadline)?.as_str() {
            "PONG" => Ok(()),
            other => Err(ScanError::Unavailable(format!("it answered `{other}` to PING"))),
        }
    }

    /// Scans `bytes`.
    pub fn scan(&self, bytes: &[u8]) -> Result<Verdict, ScanError> {
        let deadline = Instant::now() + self.timeout;
        let mut stream = self.connect()?;
        let sent = (|| {
            send(&mut stream, b"zINSTREAM\0", deadline)?;
            for chunk in bytes.chunks(CHUNK) {
                let len = u32::try_from(chunk.len()).expect("a chunk is 64 KiB");
                send(&mut stream, &len.to_be_bytes(), deadline)?;
                send(&mut stream, chunk, deadline)?;
            }
            send(&mut stream, &0u32.to_be_bytes(), deadline)
        })();
        // clamd may stop reading part-way (a size limit) and say why.
        let said = answer(&mut stream, deadline);
        match (sent, said) {
            (_, Ok(text)) => verdict(&text),
            (Err(e), Err(_)) | (Ok(()), Err(e)) => Err(e),
        }
    }

    fn connect(&self) -> Result<UnixStream, ScanError> {
        let stream = UnixStream::connect(&self.socket)
            .map_err(|e| ScanError::Unavailable(format!("{}: {e}", self.socket.display())))?;
        Ok(stream)
    }
}

/// The verdict in clamd's answer to `INSTREAM`.
fn verdict(text: &str) -> Result<Verdict, ScanError> {
    let body = text.strip_prefix("stream: ").unwrap_or(text);
    if body == "OK" {
        Ok(Verdict::Clean)
    } else if let Some(name) = body.strip_suffix(" FOUND") {
        Ok(Verdict::Found(name.to_owned()))
    } else if body.ends_with("ERROR") {
        Err(ScanError::Refused(body.to_owned()))
    } else {
        Err(ScanError::Unavailable(format!("an answer it does not give: `{body}`")))
    }
}

fn left(deadline: Instant) -> Result<Duration, ScanError> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| ScanError::Unavailable("it did not answer within its time limit".into()))
}

fn send(stream: &mut UnixStream, bytes: &[u8], deadline: Instant) -> Result<(), ScanError> {
    stream.set_write_timeout(Some(left(deadline)?)).map_err(|e| ScanError::Unavailable(e.to_string()))?;
    stream.write_all(bytes).map_err(|e| ScanError::Unavailable(format!("sending to it: {e}")))
}

/// clamd's answer: up to its NUL (the `z` commands) or the end.
fn answer(stream: &mut UnixStream, deadline: Instant) -> Result<String, ScanError> {
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        stream.set_read_timeout(Some(left(deadline)?)).map_err(|e| ScanError::Unavailable(e.to_string()))?;
        let n =
            stream.read(&mut buf).map_err(|e| ScanError::Unavailable(format!("reading its answer: {e}")))?;
        got.extend_from_slice(&buf[..n]);
        if n == 0 || got.contains(&0) || got.len() > MAX_ANSWER {
            break;
        }
    }
    let end = got.iter().position(|&b| b == 0).unwrap_or(got.len()).min(MAX_ANSWER);
    let text = String::from_utf8_lossy(&got[..end]).trim().to_owned();
    if text.is_empty() {
        return Err(ScanError::Unavailable("it closed the connection without an answer".into()));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamds_answers_are_read_as_it_documents_them() {
        assert_eq!(verdict("stream: OK"), Ok(Verdict::Clean));
        assert_eq!(verdict("stream: Eicar-Signature FOUND"), Ok(Verdict::Found("Eicar-Signature".into())));
        assert!(matches!(verdict("INSTREAM size limit exceeded. ERROR"), Err(ScanError::Refused(_))));
        assert!(matches!(verdict("UNKNOWN COMMAND"), Err(ScanError::Unavailable(_))));
    }
}
