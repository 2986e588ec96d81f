//! The workspace against hostile and careless use (issue 26): connections
//! that never finish their headers, an audit log that records outcomes and
//! shows tampering, and the small holes (a desk with no inbox yet, server
//! paths in messages, closed cases, ids echoed in redirects).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::web::{Http, PASSWORD, site_with, unescape};

/// A connection to `to` from the loopback address `from` (e.g. 127.0.0.2):
/// loopback has many addresses, so a test can be many clients.
fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let from: SocketAddr = format!("{from}:0").parse().unwrap();
    socket.bind(&from.into()).unwrap();
    socket.connect(&to.into()).unwrap();
    socket.into()
}

/// Whether the server has closed `stream` (reads end or fail) within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an answer (408 or 400) before the close
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true, // reset
        }
    }
}

#[test]
fn fifty_clients_that_never_finish_their_headers_keep_no_one_waiting_and_are_closed() {
    let site = site_with(|c| {
        c.workspace.header_seconds = 2;
        c.workspace.connections_per_address = 20;
    });
    let addr = site.running.addr;
    // 50 slow clients from one address: some send nothing, the rest part
    // of a request and then a header byte now and then.
    let mut slow: Vec<TcpStream> = (0..50).map(|_| connect_from("127.0.0.1", addr)).collect();
    for (i, s) in slow.iter_mut().enumerate() {
        if i % 2 == 0 {
            let _ = s.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nX-Slow: a");
        }
    }
    let trickle = {
        let mut streams: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        std::thread::spawn(move || {
            for _ in 0..20 {
                for (i, s) in streams.iter_mut().enumerate() {
                    if i % 2 == 0 {
                        let _ = s.write_all(b"a");
                    }
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    // Another client is answered at once, while they wait.
    let started = Instant::now();
    let mut client = connect_from("127.0.0.2", addr);
    client.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    client.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", answer.lines().next().unwrap_or(""));
    assert!(started.elapsed() < Duration::from_secs(2), "answered in {:?}", started.elapsed());
    // Every slow connection is closed: those over the cap at once, the
    // rest when their time for headers runs out.
    let closed = slow.iter_mut().map(|s| closed_within(s, Duration::from_secs(6))).filter(|c| *c).count();
    assert_eq!(closed, 50, "closed within the header time and a margin");
    trickle.join().unwrap();
    // A kept-alive connection idle after its answer is closed the same way.
    let mut kept = connect_from("127.0.0.3", addr);
    kept.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(closed_within(&mut kept, Duration::from_secs(6)), "an idle kept-alive connection is closed");
    // And the address can connect again once its connections are gone.
    let mut again = connect_from("127.0.0.1", addr);
    again.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    again.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    again.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"));
}

/// The audit lines of the site, parsed.
fn audit_lines(site: &common::web::Site) -> Vec<serde_json::Value> {
    site.audit_text().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The outcomes recorded for `what` on `case`, in order.
/// A folder no file can be created in, until dropped: read-only (mode
/// 0555) for an ordinary user; for root, whom modes do not stop, marked
/// immutable with `chattr +i`. `None` when neither holds (a file system
/// without the flag, or no right to set it).
struct Unwritable(std::path::PathBuf, bool);

impl Unwritable {
    fn make(dir: &std::path::Path) -> Option<Self> {
        use std::os::unix::fs::PermissionsExt;
        let probe = dir.join(".probe");
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(&probe, b"").is_err() {
            return Some(Self(dir.to_owned(), false));
        }
        std::fs::remove_file(&probe).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let set = std::process::Command::new("chattr").arg("+i").arg(dir).output();
        let stuck = Self(dir.to_owned(), true);
        if set.is_ok_and(|o| o.status.success()) && std::fs::write(&probe, b"").is_err() {
            return Some(stuck);
        }
        let _ = std::fs::remove_file(&probe);
        None
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700));
        }
    }
}

/// The outcomes of the audit lines for `what`, whatever their case.
fn outcomes_of(site: &common::web::Site, what: &str) -> Vec<String> {
    audit_lines(site)
        .iter()
        .filter(|l| l["what"] == what)
        .map(|l| l["outcome"].as_str().unwrap().to_owned())
        .collect()
}

fn outcomes(site: &common::web::Site, what: &str, case: &str) -> Vec<String> {
    audit_lines(site)
        .iter()
        .filter(|l| l["what"] == what && l["case"] == case)
        .map(|l| l["outcome"].as_str().unwrap().to_owned())
        .collect()
}

const JAY: &str = "NYJS-2026-0117";
const OFFENCE: &str = "/cases/NYJS-2026-0117/psr/edit/offence";
const SERIOUSNESS: &str = "psr.offence_analysis.seriousness";

#[test]
fn a_save_is_logged_as_what_it_did_refused_invalid_conflict_or_done_without_the_words() {
    let site = common::web::site();
    // Refused: a manager reads the PSR; her save is refused and logged so.
    let mut declan = Http::new(&site);
    declan.sign_in("Declan Hughes", PASSWORD);
    let csrf = declan.get("/cases").hidden("_csrf");
    let reply =
        declan.post(OFFENCE, &[("_csrf", &csrf), ("_version", "x"), (SERIOUSNESS, "MANAGERWORDS")], &[]);
    assert_eq!(reply.status, 403);
    assert_eq!(outcomes(&site, "write", JAY), ["refused"]);

    // Invalid: a value the case format refuses.
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let proposal = "/cases/NYJS-2026-0117/psr/edit/proposal";
    let page = priya.get(proposal);
    let reply = priya.post(
        proposal,
        &[
            ("_csrf", &page.hidden("_csrf")),
            ("_version", &page.hidden("_version")),
            ("psr.proposal.length_months", "twelve"),
        ],
        &[],
    );
    assert_eq!(reply.status, 422);
    assert_eq!(outcomes(&site, "write", JAY), ["refused", "invalid"]);

    // Conflict: two pages of one section; the second to save meets the first's words.
    let mut tab = Http::new(&site);
    tab.cookie = priya.cookie.clone();
    let first = priya.get(OFFENCE);
    let second = tab.get(OFFENCE);
    let form = |page: &common::web::Reply, words: &'static str| {
        let mut form: Vec<(String, String)> = Vec::new();
        let body = &page.body;
        for name in ["_csrf", "_version", "_base"] {
            if body.contains(&format!("name=\"{name}\" value=\"")) {
                form.push((name.to_owned(), unescape(&page.hidden(name))));
            }
        }
        form.push((SERIOUSNESS.to_owned(), words.to_owned()));
        form
    };
    let send = |http: &mut Http, form: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        http.post(OFFENCE, &pairs, &[])
    };
    assert_eq!(send(&mut priya, form(&first, "FIRSTWORDS typed in one tab")).status, 303);
    assert_eq!(send(&mut tab, form(&second, "SECONDWORDS typed in another")).status, 409);
    assert_eq!(outcomes(&site, "write", JAY), ["refused", "invalid", "done", "conflict"]);

    // Failed: the cases folder cannot be written (a full or read-only
    // disk); nothing changed, and the line says so.
    let cases = site.dir.path().join("cases");
    let case_file = cases.join("yro-custody-possible.json");
    let before = std::fs::read(&case_file).unwrap();
    let page = priya.get(OFFENCE);
    match Unwritable::make(&cases) {
        Some(_stuck) => {
            let reply = send(&mut priya, form(&page, "DISKWORDS that cannot be written"));
            assert_eq!(reply.status, 500, "{}", reply.body);
            assert!(reply.body.contains("Not saved"), "{}", reply.body);
            assert_eq!(outcomes(&site, "write", JAY), ["refused", "invalid", "done", "conflict", "failed"]);
            assert_eq!(std::fs::read(&case_file).unwrap(), before, "the case file is unchanged");
        }
        None => eprintln!(
            "skipped the disk failure: this user can write a read-only folder and chattr is refused"
        ),
    }

    // No words typed by anyone reach the log, and every line links to the one before.
    let text = site.audit_text();
    for words in ["MANAGERWORDS", "twelve", "FIRSTWORDS", "SECONDWORDS", "DISKWORDS", "Whitfield"] {
        assert!(!text.contains(words), "{words} in the audit log");
    }
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["audit", "verify", "--out"])
        .arg(site.dir.path().join("out"))
        .current_dir(site.dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(0), "{said}{}", String::from_utf8_lossy(&verify.stderr));
    assert!(said.contains("the chain holds"), "{said}");
}

#[test]
fn audit_verify_names_a_changed_removed_or_reordered_line_and_exits_1() {
    let site = common::web::site();
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    for path in ["/cases", "/cases/NYJS-2026-0117", "/cases/NYJS-2026-0117/psr", OFFENCE] {
        assert_eq!(priya.get(path).status, 200, "{path}");
    }
    let out = site.dir.path().join("out");
    let file = std::fs::read_dir(out.join("audit"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("audit-"))
        .unwrap();
    let good = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    assert!(lines.len() >= 5, "{good}");
    let verify = |text: String| {
        std::fs::write(&file, text).unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
            .args(["audit", "verify", "--out"])
            .arg(&out)
            .current_dir(site.dir.path())
            .output()
            .unwrap();
        (o.status.code().unwrap(), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    // Changed: a case id altered in line 3; line 4 no longer follows it.
    let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    changed[2] = changed[2].replace("NYJS-2026-0117", "NYJS-2026-0118");
    assert_ne!(changed[2], lines[2]);
    let (code, said) = verify(changed.join("\n") + "\n");
    assert_eq!(code, 1, "{said}");
    assert!(said.contains(&format!("{name}:4: does not follow line 3")), "{said}");
    // Removed: line 2 gone.
    let mut removed = lines.clone();
    removed.remove(1);
    let (code, said) = verify(removed.join("\n") + "\n");
    assert!(code == 1 && said.contains(&format!("{name}:2: does not follow line 1")), "{said}");
    // Reordered: lines 2 and 3 swapped.
    let mut swapped = lines.clone();
    swapped.swap(1, 2);
    let (code, said) = verify(swapped.join("\n") + "\n");
    assert!(code == 1 && said.contains(&format!("{name}:2: does not follow line 1")), "{said}");
    // As it was.
    let (code, said) = verify(good.clone());
    assert!(code == 0 && said.contains("the chain holds"), "{said}");
}

/// `casepress audit verify --out OUT` with `args`: exit code and stdout.
fn audit_verify(out: &std::path::Path, args: &[&str]) -> (i32, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["audit", "verify", "--out"])
        .arg(out)
        .args(args)
        .current_dir(out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (o.status.code().unwrap(), said)
}

#[test]
fn audit_verify_after_the_first_month_is_archived_starts_after_the_hash_recorded_for_it() {
    use casepress::workspace::audit::{AuditEntry, GENESIS};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let audit_dir = out.join("audit");
    std::fs::create_dir_all(&audit_dir).unwrap();
    // October and November, chained as the workspace writes them.
    let mut prev = GENESIS.to_owned();
    for (month, days) in [("2026-10", ["30", "31"]), ("2026-11", ["02", "03"])] {
        let mut text = String::new();
        for day in days {
            let entry = AuditEntry {
                at: format!("{month}-{day}T09:00:00.000Z"),
                who: "Priya Natarajan".into(),
                what: "read".into(),
                outcome: Some("done".into()),
                case: Some("NYJS-2026-0117".into()),
                detail: String::new(),
                prev: Some(prev.clone()),
            };
            let line = serde_json::to_string(&entry).unwrap();
            prev = casepress::store::sha256_hex(line.as_bytes());
            text += &format!("{line}\n");
        }
        std::fs::write(audit_dir.join(format!("audit-{month}.jsonl")), text).unwrap();
    }
    // Before archiving October: the hash of its last line, as printed.
    let (code, said) = audit_verify(&out, &[]);
    assert!(code == 0 && said.contains("the chain holds"), "{said}");
    let october = said
        .lines()
        .find_map(|l| l.strip_prefix("audit-2026-10.jsonl: 2 lines, last line's hash "))
        .unwrap_or_else(|| panic!("{said}"))
        .to_owned();
    assert_eq!(october.len(), 64);
    std::fs::remove_file(audit_dir.join("audit-2026-10.jsonl")).unwrap();
    // Strict by default: November's first line does not follow the start;
    // the command says what it follows, and accepts it only when told.
    let (code, said) = audit_verify(&out, &[]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("audit-2026-11.jsonl:1: does not follow the start of the log"), "{said}");
    assert!(said.contains(&format!("run again with --after {october}")), "{said}");
    let (code, said) = audit_verify(&out, &["--after", &october]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("the chain holds") && said.contains(&format!("started after {october}")), "{said}");
    assert!(said.contains(&format!("last line's hash: {prev}")), "{said}");
    // Another hash (November's first line not what followed October): broken.
    let (code, said) = audit_verify(&out, &["--after", &"ab".repeat(32)]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("audit-2026-11.jsonl:1: does not follow the hash given to start after"), "{said}");
    // A line of November changed: still found, after the anchor.
    let november = audit_dir.join("audit-2026-11.jsonl");
    let text = std::fs::read_to_string(&november).unwrap();
    std::fs::write(&november, text.replacen("NYJS-2026-0117", "NYJS-2026-0118", 1)).unwrap();
    let (code, said) = audit_verify(&out, &["--after", &october]);
    assert!(code == 1 && said.contains("audit-2026-11.jsonl:2: does not follow line 1"), "{said}");
    // Not a hash at all: the command cannot run.
    let (code, said) = audit_verify(&out, &["--after", "october"]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("`october` is not a line's hash: expected 64 hexadecimal characters"), "{said}");
}

#[test]
fn a_step_on_a_hostile_case_id_is_refused_before_any_redirect() {
    let site = common::web::site();
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let csrf = priya.get("/cases").hidden("_csrf");
    for id in ["x%0d%0aSet-Cookie:%20a=b", "%2F%2Fevil.example", "Jordan-Whitfield-2009-06-14"] {
        // A form that does not parse (no decision), as the review sent.
        let reply = priya.post(&format!("/cases/{id}/psr/review"), &[("_csrf", &csrf)], &[]);
        assert_eq!(reply.status, 403, "{id}");
        assert_eq!(reply.location, None, "{id}");
        assert!(reply.header("set-cookie").is_none_or(|c| !c.contains("a=b")), "{id}");
    }
    let text = site.audit_text();
    assert!(!text.contains("evil") && !text.contains("Whitfield") && !text.contains("Set-Cookie"), "{text}");
    // The form that does not parse, on a real case: invalid, and back to the document.
    let mut declan = Http::new(&site);
    declan.sign_in("Declan Hughes", PASSWORD);
    let csrf = declan.get("/cases").hidden("_csrf");
    let reply = declan.post("/cases/NYJS-2026-0117/psr/review", &[("_csrf", &csrf)], &[]);
    assert_eq!(reply.location.as_deref(), Some("/cases/NYJS-2026-0117/psr"));
    assert_eq!(outcomes(&site, "review", JAY), ["invalid"]);
}

#[test]
fn a_closed_case_can_be_read_and_not_changed() {
    let site = common::web::site();
    // Ben Hollis, whose case closed on 6 November, gets an account.
    let users = site.dir.path().join("users.toml");
    let mut accounts = casepress::workspace::Accounts::load(&users).unwrap();
    let password = "a long walk to a closed case, 2026";
    accounts.set("Ben Hollis", password).unwrap();
    accounts.enrol("Ben Hollis", common::web::SAMPLE_SECRET).unwrap();
    accounts.save(&users).unwrap();
    let mut ben = Http::new(&site);
    assert_eq!(ben.sign_in("Ben Hollis", password).status, 303);
    let case = "/cases/NYJS-2026-0071";
    let page = ben.get(case);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("This case closed on"), "said on the case page");
    let document = ben.get(&format!("{case}/intervention-plan"));
    assert_eq!(document.status, 200);
    assert!(!document.body.contains("/edit/") && !document.body.contains("/sign\""), "no edit, no steps");
    let editor = format!("{case}/intervention-plan/edit/plan");
    assert_eq!(ben.get(&editor).status, 403);
    let before = std::fs::read(site.case_file("pprc-closed.json")).unwrap();
    let csrf = ben.get("/cases").hidden("_csrf");
    let reply = ben.post(&editor, &[("_csrf", &csrf), ("_version", "x")], &[("x-autosave", "1")]);
    assert_eq!(reply.status, 403);
    let reply = ben.post(
        &format!("{case}/intervention-plan/sign"),
        &[("_csrf", &csrf), ("part", "case-manager"), ("date", "2026-11-23")],
        &[],
    );
    assert_eq!(reply.status, 303);
    assert!(ben.get(reply.location.as_deref().unwrap()).body.contains("this case is closed"));
    assert_eq!(
        std::fs::read(site.case_file("pprc-closed.json")).unwrap(),
        before,
        "the case file is unchanged"
    );
    assert_eq!(outcomes(&site, "write", "NYJS-2026-0071"), ["refused"]);
}

#[test]
fn the_statements_desk_works_before_the_inbox_exists_and_no_page_names_a_server_path() {
    let site = site_with(|c| c.statements.inbox = Some(c.paths.output.join("inbox")));
    assert!(!site.dir.path().join("out/inbox").exists());
    let mut gemma = Http::new(&site);
    gemma.sign_in("Gemma Rowe", PASSWORD);
    let desk = gemma.get("/desk");
    assert_eq!(desk.status, 200, "{}", desk.body);
    // A refused attach and a refused step: their messages name no server path.
    let root = site.dir.path().to_string_lossy().into_owned();
    let csrf = desk.hidden("_csrf");
    let reply = gemma.post(
        "/desk/attach",
        &[("_csrf", &csrf), ("statement", "NO-SUCH-1"), ("case_id", JAY), ("reason", "Jordan said so")],
        &[],
    );
    assert_eq!(reply.status, 303);
    // Pages escape `/` (`&#x2f;`): read them unescaped, or a path could
    // hide from the check.
    let said = unescape(&gemma.get("/desk").body);
    assert!(said.contains("Statements are not scanned for viruses"), "the desk says scanning is off");
    // The filer's refusal names the folder it looked in (under the output
    // root); the page shows only the folder's own name.
    assert!(
        said.contains("Not attached: no unidentified statement")
            && said.contains("its file name in unidentified"),
        "a refusal that names a server path, cut to its last part: {said}"
    );
    // (Both the notice and the desk's list of attach decisions say it.)
    assert!(
        !said.contains(&root) && !said.contains("quarantine/unidentified"),
        "a server path on the desk: {said}"
    );
    let text = site.audit_text();
    assert!(!text.contains("NO-SUCH-1") && !text.contains("Jordan said so"), "typed text in the audit log");
    assert_eq!(outcomes_of(&site, "attach"), ["refused"], "a refused attach is audited as refused");
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let csrf = priya.get("/cases").hidden("_csrf");
    // Not a manager: refused before the filer is asked.
    let reply = priya.post(
        "/desk/attach",
        &[("_csrf", &csrf), ("statement", "NO-SUCH-1"), ("case_id", JAY), ("reason", "Jordan said so")],
        &[],
    );
    assert_eq!(reply.status, 403);
    assert_eq!(outcomes_of(&site, "attach"), ["refused", "refused"]);
    for (step, fields, says) in [
        ("final", vec![("date", "2026-11-23")], "Not done: there is no draft"),
        ("submit", vec![("to", "Declan Hughes")], "submitted"),
        ("final", vec![("date", "2026-11-23")], "Not done: a PSR is final only after gatekeeping is agreed"),
    ] {
        let mut form = vec![("_csrf", csrf.as_str())];
        form.extend(fields);
        let reply = priya.post(&format!("/cases/{JAY}/psr/{step}"), &form, &[]);
        assert_eq!(reply.status, 303, "{step}");
        let page = unescape(&priya.get(reply.location.as_deref().unwrap()).body);
        assert!(page.contains(says), "{step}: {page}");
        assert!(!page.contains(&root), "{step}: a server path on the page");
    }
    // Each refused final is audited as `final`, refused (review M2).
    assert_eq!(outcomes(&site, "final", JAY), ["refused", "refused"]);
    for path in ["/cases/NYJS-2026-0117/psr", "/cases/NYJS-2026-0117/psr/edit/offence"] {
        assert!(!unescape(&priya.get(path).body).contains(&root), "{path}");
    }
}

/// Review L10: the folders casepress writes into but does not own keep
/// their modes (a case system's export or a batch running as another user
/// may need them); a folder of its own output is still tightened.
#[test]
fn the_cases_folder_and_the_configs_folder_keep_their_modes() {
    use std::os::unix::fs::PermissionsExt;
    let site = common::web::site();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let set = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    let (top, cases, out) =
        (site.dir.path().to_owned(), site.dir.path().join("cases"), site.dir.path().join("out"));
    set(&cases, 0o750);
    set(&top, 0o755);
    set(&out, 0o755);
    // The first save from the workspace.
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let page = priya.get(OFFENCE);
    let mut form =
        vec![("_csrf".to_owned(), page.hidden("_csrf")), ("_version".to_owned(), page.hidden("_version"))];
    if page.body.contains("name=\"_base\" value=\"") {
        form.push(("_base".to_owned(), unescape(&page.hidden("_base"))));
    }
    form.push((SERIOUSNESS.to_owned(), "Saved into a shared cases folder".to_owned()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(priya.post(OFFENCE, &pairs, &[]).status, 303);
    assert!(
        std::fs::read_to_string(site.case_file("yro-custody-possible.json"))
            .unwrap()
            .contains("shared cases folder")
    );
    assert_eq!(mode(&cases), 0o750, "the cases folder keeps its mode");
    // `user add` writes the accounts file beside the config.
    let config = top.join("casepress.toml");
    std::fs::write(&config, toml::to_string(&common::web::site_config(&top)).unwrap()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["user", "add", "Sarah Bennett", "--password-stdin", "--config"])
        .arg(&config)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"quiet harbour lantern morning\n").unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(mode(&top), 0o755, "the config's folder keeps its mode");
    assert_eq!(mode(&top.join("users.toml")), 0o600, "the accounts file is still the owner's only");
    // The output folder is casepress's own: a folder it writes into there
    // is tightened, as decision 0066 says.
    assert_eq!(mode(&out.join("workspace")), 0o700);
    set(&out.join("workspace"), 0o755);
    casepress::workspace::sessions::sign_out_everywhere(
        &out.join("workspace/sessions.json"),
        "Sarah Bennett",
    )
    .unwrap();
    assert_eq!(mode(&out.join("workspace")), 0o700);
}

/// Review L8: a post of more rows than a case may hold (9,000 plan targets
/// in 360 KiB) is refused with a short page before it is read, merged or
/// shown again; it made a 12.9 MiB page.
#[test]
fn a_form_of_thousands_of_rows_is_refused_with_a_short_page() {
    let site = common::web::site();
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let plan = "/cases/NYJS-2026-0117/intervention-plan/edit/plan";
    let page = priya.get(plan);
    assert_eq!(page.status, 200);
    let file = site.case_file("yro-custody-possible.json");
    let before = std::fs::read(&file).unwrap();
    let mut form =
        vec![("_csrf".to_owned(), page.hidden("_csrf")), ("_version".to_owned(), page.hidden("_version"))];
    for i in 0..9000 {
        form.push((format!("intervention_plan.targets[{i}].by_when"), "x".to_owned()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let started = Instant::now();
    let reply = priya.post(plan, &pairs, &[]);
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("A table holds at most 500 rows; this form sent 9,000."), "{}", reply.body);
    assert!(reply.body.len() < 50_000, "a short page, not {} bytes", reply.body.len());
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(std::fs::read(&file).unwrap(), before, "nothing saved");
    assert_eq!(outcomes(&site, "write", JAY), ["invalid"]);
    // At the limit, the form is read as before: a bad date is named, not refused wholesale.
    let page = priya.get(plan);
    let mut form =
        vec![("_csrf".to_owned(), page.hidden("_csrf")), ("_version".to_owned(), page.hidden("_version"))];
    form.push(("intervention_plan.targets[0].by_when".to_owned(), "x".to_owned()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let reply = priya.post(plan, &pairs, &[]);
    assert_eq!(reply.status, 422);
    assert!(!reply.body.contains("Too many rows"));
}
