//! A real clamd from Debian (`clamav-daemon`, which `bash .ci/test` installs) on
//! a private socket, with a private config and a signature database the
//! test writes itself: the EICAR test file's SHA-256 and size (no
//! signature download is possible in CI). Stopped when dropped, whatever failed.

#![allow(dead_code, reason = "each test crate uses a different subset")]

use std::fs;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// The EICAR anti-virus test file: harmless, and found by every scanner.
pub const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
/// The name the test's database gives it (clamd adds `.UNOFFICIAL`).
pub const SIGNATURE: &str = "Casepress.Test.EICAR";

/// A running clamd.
pub struct Clamd {
    child: Child,
    pub socket: PathBuf,
}

impl Clamd {
    /// Starts clamd with its config, database and socket in `dir` (written
    /// the first time), and waits until it answers.
    pub fn start(binary: &Path, dir: &Path) -> Self {
        let db = dir.join("db");
        fs::create_dir_all(&db).unwrap();
        let socket = dir.join("clamd.sock");
        let sha = format!("{:x}", Sha256::digest(EICAR));
        fs::write(db.join("casepress-test.hsb"), format!("{sha}:{}:{SIGNATURE}\n", EICAR.len())).unwrap();
        let config = dir.join("clamd.conf");
        fs::write(
            &config,
            format!(
                "Foreground yes\nLocalSocket {}\nDatabaseDirectory {}\nTemporaryDirectory {}\nLogTime no\n",
                socket.display(),
                db.display(),
                dir.display()
            ),
        )
        .unwrap();
        let _ = fs::remove_file(&socket);
        let child = Command::new(binary)
            .arg("--config-file")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let clamd = Self { child, socket };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !clamd.answers() {
            assert!(Instant::now() < deadline, "clamd did not start within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        clamd
    }

    /// Whether it answers PING.
    pub fn answers(&self) -> bool {
        let Ok(mut s) = UnixStream::connect(&self.socket) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let mut got = [0u8; 5];
        s.write_all(b"zPING\0").is_ok() && s.read_exact(&mut got).is_ok() && &got == b"PONG\0"
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it (the socket file stays behind, as after a crash).
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        self.kill();
    }
}
