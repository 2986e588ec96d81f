//! A real SMTP server on loopback for the email tests: aiosmtpd (from
//! PyPI, which `bash .ci/test` installs into `target/venv`) writing each
//! message it accepts into a maildir. Stopped when dropped, whatever failed.

#![allow(dead_code, reason = "each test crate uses a different subset")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A real SMTP server on loopback, writing each message it accepts into a maildir.
pub struct Sink {
    child: Child,
    maildir: PathBuf,
}

impl Sink {
    pub fn start(port: u16, maildir: &Path) -> Self {
        let python = crate::common::tools::python_with_aiosmtpd();
        // Its errors go beside the maildir, to quote if it stops before listening.
        let log = maildir.with_extension("log");
        let mut child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let said = fs::read_to_string(&log).unwrap_or_default();
                panic!("aiosmtpd stopped ({status}) before it listened on port {port}: {said}");
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("aiosmtpd did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, maildir: maildir.to_owned() }
    }

    /// Every message accepted: (Message-ID, To, Subject, whole text).
    pub fn messages(&self) -> Vec<(String, String, String, String)> {
        let Ok(dir) = fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        dir.flatten()
            .map(|e| {
                let text = fs::read_to_string(e.path()).unwrap();
                let header = |name: &str| {
                    text.lines()
                        .find(|l| l.to_lowercase().starts_with(&format!("{}:", name.to_lowercase())))
                        .map(|l| l[name.len() + 1..].trim().to_owned())
                        .unwrap_or_default()
                };
                (header("Message-ID"), header("To"), header("Subject"), text.clone())
            })
            .collect()
    }
}

impl Sink {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A message's text as its reader sees it: quoted-printable soft line
/// breaks joined and `=XX` escapes decoded (lettre folds long lines so).
pub fn readable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
