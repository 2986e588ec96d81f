//! Signing in with a second factor, over HTTP on loopback: the app's code
//! after the password (once only), enrolment at first sign-in with recovery
//! codes shown once and kept hashed, the throttle under a burst of 200
//! concurrent guesses, code guesses throttled too, `casepress user
//! sign-out` ending sessions in a running server, the sign-on proxy's
//! second factor, and the password rules of `casepress user add`. The
//! browser journeys of enrolment and a code are in `browser.rs`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use casepress::workspace::second_factor;
use common::web::{Http, PASSWORD, Site, fresh_code, sample_code, site, site_with};

/// Takes the sample account's authenticator away, so they enrol.
fn without_app(site: &Site, who: &str) {
    let path = site.dir.path().join("users.toml");
    casepress::workspace::accounts::update(&path, |a| Ok(a.forget_second_factor(who))).unwrap();
}

fn secret_on(page: &str) -> String {
    let start = page.find("id=\"secret\">").expect("the secret is shown") + "id=\"secret\">".len();
    let end = start + page[start..].find('<').unwrap();
    page[start..end].split_whitespace().collect()
}

#[test]
fn a_code_is_asked_after_the_password_and_works_once() {
    let site = site();
    let mut http = Http::new(&site);
    let reply = http.password("Priya Natarajan", PASSWORD);
    assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/sign-in/code")));
    assert_eq!(http.get("/cases").location.as_deref(), Some("/sign-in"), "half signed in is not signed in");
    let page = http.get("/sign-in/code");
    assert!(page.body.contains("autocomplete=\"one-time-code\""));
    assert_eq!(http.code("000000").status, 401, "a wrong code");
    let code = sample_code(http.base(), "Priya Natarajan");
    let reply = http.code(&code);
    assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/cases")));
    assert_eq!(http.get("/cases").status, 200);

    // The same code again, by someone who has the password: refused.
    let mut thief = Http::new(&site);
    assert_eq!(thief.password("Priya Natarajan", PASSWORD).location.as_deref(), Some("/sign-in/code"));
    let again = thief.code(&code);
    assert_eq!(again.status, 401);
    assert!(again.body.contains("used already"));
    assert_eq!(thief.get("/cases").location.as_deref(), Some("/sign-in"));

    let audit = site.audit_text();
    assert!(audit.contains("local account and an authenticator code"), "{audit}");
    assert!(!audit.contains(&code), "no code in the audit log");
}

#[test]
fn a_person_without_an_app_enrols_at_first_sign_in_and_recovery_codes_work_once() {
    let site = site();
    without_app(&site, "Sarah Bennett");
    let mut http = Http::new(&site);
    let reply = http.password("Sarah Bennett", PASSWORD);
    assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/sign-in/enrol")));
    let page = http.get("/sign-in/enrol");
    assert!(page.body.contains("src=\"/sign-in/enrol/qr.svg\""));
    let secret = secret_on(&page.body);
    assert_eq!(secret.len(), 32);
    let qr = http.get("/sign-in/enrol/qr.svg");
    assert_eq!((qr.status, qr.header("content-type")), (200, Some("image/svg+xml")));
    assert!(qr.body.contains("<svg"));
    assert_eq!(Http::new(&site).get("/sign-in/enrol/qr.svg").status, 404, "only for the one enrolling");

    let csrf = page.hidden("_csrf");
    assert_eq!(http.post("/sign-in/enrol", &[("_csrf", &csrf), ("code", "123456")], &[]).status, 401);
    assert_eq!(outcomes_of(&site, "enrol-failed"), ["refused"], "a wrong code is a refusal (audit gap 2)");
    assert!(site.audit_text().contains(r#""what":"enrol-failed","outcome":"refused""#));
    let code = fresh_code(http.base(), "Sarah Bennett", &secret);
    let done = http.post("/sign-in/enrol", &[("_csrf", &csrf), ("code", &code)], &[]);
    assert_eq!(done.status, 200);
    assert!(done.body.contains("Your recovery codes"));
    let codes: Vec<String> =
        done.body.split("<code>").skip(1).map(|s| s[..s.find('<').unwrap()].to_owned()).collect();
    assert_eq!(codes.len(), 10, "{}", done.body);
    assert_eq!(http.get("/cases").status, 200, "signed in");

    let file = std::fs::read_to_string(site.dir.path().join("users.toml")).unwrap();
    assert!(file.contains(&secret), "the secret is kept");
    assert!(codes.iter().all(|c| !file.contains(c.as_str())), "recovery codes are kept only as hashes");
    let accounts = casepress::workspace::Accounts::load(&site.dir.path().join("users.toml")).unwrap();
    assert_eq!(accounts.get("Sarah Bennett").unwrap().recovery.len(), 10);

    // Later, without her phone: a recovery code, once.
    let mut later = Http::new(&site);
    assert_eq!(later.password("Sarah Bennett", PASSWORD).location.as_deref(), Some("/sign-in/code"));
    let reply = later.code(&codes[0].to_uppercase());
    assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/cases")));
    let mut again = Http::new(&site);
    again.password("Sarah Bennett", PASSWORD);
    assert_eq!(again.code(&codes[0]).status, 401, "a recovery code works once");
    let audit = site.audit_text();
    assert!(audit.contains("second-factor-enrolled"));
    assert!(audit.contains("a recovery code (9 left)"), "{audit}");
}

#[test]
fn a_burst_of_200_concurrent_guesses_checks_at_most_10_and_the_right_password_in_it_fails() {
    // 200 guessers from one address, each on a connection of its own: the
    // cap on connections per address (a separate defence) is raised, so
    // that this tests the throttle alone.
    let site = site_with(|c| c.workspace.connections_per_address = 1000);
    let base = site.url();
    let burst = 200;
    let barrier = Arc::new(Barrier::new(burst));
    let answered = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..burst)
        .map(|i| {
            let (base, barrier, answered) = (base.clone(), barrier.clone(), answered.clone());
            std::thread::spawn(move || {
                let mut http = Http::at(&base);
                let csrf = http.get("/sign-in").hidden("_csrf");
                barrier.wait();
                // The right password goes once the burst has begun.
                let password = if i == burst - 1 {
                    while answered.load(Ordering::SeqCst) < 20 {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    PASSWORD.to_owned()
                } else {
                    format!("wrong guess number {i}")
                };
                let reply = http.post(
                    "/sign-in",
                    &[("_csrf", &csrf), ("name", "Helen Adeyemi"), ("password", &password)],
                    &[],
                );
                answered.fetch_add(1, Ordering::SeqCst);
                (i, reply.status)
            })
        })
        .collect();
    let statuses: Vec<(usize, u16)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let checked = statuses.iter().filter(|(_, s)| *s == 401).count();
    let refused = statuses.iter().filter(|(_, s)| *s == 429).count();
    assert!(checked <= 10, "{checked} guesses were checked");
    assert_eq!(checked + refused, burst, "{statuses:?}");
    assert_eq!(
        statuses.iter().find(|(i, _)| *i == burst - 1).unwrap().1,
        429,
        "the right password is refused"
    );
    let audit = site.audit_text();
    assert_eq!(audit.matches("sign-in-failed").count(), checked);
    assert!(!audit.contains("signed-in\""), "nobody signed in");
}

#[test]
fn code_guesses_are_throttled_too() {
    let site = site();
    let mut http = Http::new(&site);
    http.password("Ruth Okafor", PASSWORD);
    for n in 0..10 {
        assert_eq!(http.code(&format!("{:06}", 100_000 + n)).status, 401);
    }
    let right = sample_code(http.base(), "Ruth Okafor");
    assert_eq!(http.code(&right).status, 429, "the right code after ten wrong ones, within the minute");
    assert!(site.audit_text().contains("sign-in-throttled"));
}

fn write_config(site: &Site) -> std::path::PathBuf {
    let config = common::web::site_config(site.dir.path());
    let path = site.dir.path().join("casepress.toml");
    std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
    path
}

fn casepress(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn user_sign_out_ends_a_persons_sessions_in_the_running_server() {
    let site = site();
    let config = write_config(&site);
    let mut priya = Http::new(&site);
    let mut sarah = Http::new(&site);
    assert_eq!(priya.sign_in("Priya Natarajan", PASSWORD).status, 303);
    assert_eq!(sarah.sign_in("Sarah Bennett", PASSWORD).status, 303);
    assert_eq!(priya.get("/cases").status, 200);
    let out = casepress(&["user", "sign-out", "priya natarajan", "--config", config.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Priya Natarajan is signed out everywhere"));
    assert_eq!(priya.get("/cases").location.as_deref(), Some("/sign-in"), "her session ended");
    assert_eq!(sarah.get("/cases").status, 200, "another's did not");
    assert!(site.audit_text().contains("everywhere, by `casepress user sign-out`"));
    // Signing in again afterwards works.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut back = Http::new(&site);
    assert_eq!(back.sign_in("Priya Natarajan", PASSWORD).status, 303);
    assert_eq!(back.get("/cases").status, 200);
}

/// ASVS V6.4.4 (docs/security.md): `casepress user reset-second-factor`
/// forgets the app's secret and the recovery codes, keeps the password,
/// ends the person's sessions in the running server, and their next
/// sign-in enrols a new app.
#[test]
fn user_reset_second_factor_forgets_the_app_ends_sessions_and_the_next_sign_in_enrols() {
    let site = site();
    let config = write_config(&site);
    let config = config.to_str().unwrap();
    let users = site.dir.path().join("users.toml");
    let account = |who: &str| {
        casepress::workspace::Accounts::load(&users).unwrap().get(who).cloned().expect("an account")
    };
    let before = account("Priya Natarajan");
    assert!(before.totp.is_some(), "the sample account has an app");
    let mut priya = Http::new(&site);
    let mut sarah = Http::new(&site);
    assert_eq!(priya.sign_in("Priya Natarajan", PASSWORD).status, 303);
    assert_eq!(sarah.sign_in("Sarah Bennett", PASSWORD).status, 303);
    assert_eq!(priya.get("/cases").status, 200);

    let out = casepress(&["user", "reset-second-factor", "priya natarajan", "--config", config], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Priya Natarajan's authenticator app and recovery codes forgotten"), "{stdout}");
    assert!(stdout.contains("Priya Natarajan is signed out everywhere"), "{stdout}");
    let after = account("Priya Natarajan");
    assert_eq!((after.totp, after.recovery.len()), (None, 0), "the secret and the codes are gone");
    assert_eq!(after.hash, before.hash, "the password is kept");
    // (The sample accounts share one secret, so the file's own lines tell.)
    let file = std::fs::read_to_string(&users).unwrap();
    let priyas = file.split("[[user]]").find(|a| a.contains("\"Priya Natarajan\"")).expect("her account");
    assert!(!priyas.contains("totp") && !priyas.contains("recovery"), "{priyas}");
    assert!(account("Sarah Bennett").totp.is_some(), "another's app is kept");

    assert_eq!(priya.get("/cases").location.as_deref(), Some("/sign-in"), "her session ended");
    assert_eq!(sarah.get("/cases").status, 200, "another's did not");
    assert!(site.audit_text().contains("everywhere, by `casepress user sign-out`"));
    // The sign-out stamp is in whole seconds: a sign-in in the same second
    // would count as before it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut back = Http::new(&site);
    let reply = back.password("Priya Natarajan", PASSWORD);
    assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/sign-in/enrol")), "she enrols anew");
    assert_eq!(back.get("/cases").location.as_deref(), Some("/sign-in"), "not signed in before she does");

    // Someone not in the directory: refused, naming them.
    let out = casepress(&["user", "reset-second-factor", "Mallory Nobody", "--config", config], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Mallory Nobody is not in the staff directory"));
}

#[test]
fn user_add_refuses_weak_passwords_and_enrols_an_app_at_the_terminal() {
    let site = site();
    let config = write_config(&site);
    let config = config.to_str().unwrap();
    for (password, why) in [
        ("aaaaaaaaaaaa", "repeats the same character"),
        ("password1234", "most common passwords"),
        ("Ben Hollis12", "your own name"),
        ("short", "at least 12"),
    ] {
        let out = casepress(
            &["user", "add", "Ben Hollis", "--config", config, "--password-stdin"],
            &format!("{password}\n"),
        );
        assert!(!out.status.success(), "{password} accepted");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{password}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // With --second-factor: the code is read from the second line. The
    // secret is printed; a wrong code changes nothing.
    let out = casepress(
        &["user", "add", "Ben Hollis", "--config", config, "--password-stdin", "--second-factor"],
        "tuesday kettle orchard\n000000\n",
    );
    assert!(!out.status.success());
    let users = site.dir.path().join("users.toml");
    assert!(!std::fs::read_to_string(&users).unwrap().contains("Ben Hollis"));
    // A real enrolment needs the printed secret before the code: read it from
    // the output of a first run through a pipe we answer as it prints.
    let mut child = Command::new(env!("CARGO_BIN_EXE_casepress"))
        .args(["user", "add", "Ben Hollis", "--config", config, "--password-stdin", "--second-factor"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::{BufRead, Write};
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "tuesday kettle orchard").unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut secret = String::new();
    let mut printed = String::new();
    let mut line = String::new();
    while stdout.read_line(&mut line).unwrap() > 0 {
        printed.push_str(&line);
        if let Some(rest) = line.trim().strip_prefix("or type the secret: ") {
            secret = rest.split_whitespace().collect();
            break;
        }
        line.clear();
    }
    assert!(printed.contains('█'), "a QR code is drawn: {printed}");
    writeln!(stdin, "{}", fresh_code("cli", "Ben Hollis", &secret)).unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    let codes: Vec<&str> = rest.lines().filter(|l| l.starts_with("  ")).map(str::trim).collect();
    assert_eq!(codes.len(), 10, "{rest}");
    let accounts = casepress::workspace::Accounts::load(&users).unwrap();
    assert_eq!(accounts.get("Ben Hollis").unwrap().totp.as_deref(), Some(secret.as_str()));
    assert!(
        second_factor::step_of(&secret, &fresh_code("cli2", "x", &secret), second_factor::now()).is_some()
    );
    let _ = Path::new(config);
}

#[test]
fn the_sign_on_proxy_must_say_a_second_factor_was_used_when_the_policy_asks() {
    let site = site_with(|c| {
        c.workspace.proxy = Some(casepress::config::ProxyConfig {
            header: "X-Remote-User".into(),
            from: vec!["127.0.0.1".parse().unwrap()],
            methods_header: Some("X-Auth-Methods".into()),
            require_mfa: true,
            mfa_methods: vec!["mfa".into(), "otp".into(), "hwk".into()],
        })
    });
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let get_as = |names: &[&str], methods: &[&str]| {
        let mut req = agent.get(format!("{}/cases", site.url()));
        for n in names {
            req = req.header("X-Remote-User", *n);
        }
        for m in methods {
            req = req.header("X-Auth-Methods", *m);
        }
        let mut r = req.call().unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let get = |methods: &[&str]| get_as(&["Priya Natarajan"], methods);
    let (status, body) = get(&[]);
    assert_eq!(status, 403);
    assert!(body.contains("Sign in with a second factor"));
    assert_eq!(get(&["pwd"]).0, 403, "a password alone");
    assert_eq!(get(&["mfa", "pwd"]).0, 403, "the header twice: neither is believed");
    // Review L9: the name header twice (a proxy that appends to what the
    // browser sent): neither name is believed, nor written in the log.
    let (status, body) = get_as(&["Declan Hughes", "Ruth Okafor"], &["mfa"]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("believes neither"), "{body}");
    assert!(!body.contains("Signed in as"), "{body}");
    let (status, body) = get(&["pwd, mfa"]);
    assert_eq!(status, 200);
    assert!(body.contains("Signed in as Priya Natarajan"));
    let audit = site.audit_text();
    assert!(audit.contains("single sign-on without a second factor"));
    assert!(audit.contains("single sign-on (pwd mfa)"), "{audit}");
    // Each refusal is logged as refused (audit gap 2: they were `done`).
    assert_eq!(outcomes_of(&site, "sign-in-refused"), ["refused"; 4], "{audit}");
    assert!(audit.contains(r#""what":"sign-in-refused","outcome":"refused""#), "{audit}");
    assert!(audit.contains("single sign-on name header sent twice"), "{audit}");
    assert!(!audit.contains("Declan Hughes") && !audit.contains("Ruth Okafor"), "{audit}");
    assert_eq!(outcomes_of(&site, "signed-in"), ["done"], "{audit}");
}

/// The outcomes the audit log gives `what`, in order.
fn outcomes_of(site: &Site, what: &str) -> Vec<String> {
    site.audit_text()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["what"] == what)
        .map(|l| l["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn failed_sign_ins_in_a_row_lock_the_account_across_a_restart_until_it_is_unlocked() {
    // The limit lowered from 100 to 3, so that the throttle (10 a minute)
    // does not make the test wait; the unit test counts to 100.
    let lower = |c: &mut casepress::config::Config| c.workspace.lock_after_failures = 3;
    let mut site = site_with(lower);
    let config = write_config(&site);
    let sessions = site.dir.path().join("out/workspace/sessions.json");
    let failures = |site: &Site| {
        casepress::workspace::lockout::count(
            &site.dir.path().join("out/workspace/sessions.json"),
            "Priya Natarajan",
        )
        .unwrap()
        .map(|c| c.failures)
    };
    let mut http = Http::new(&site);
    assert_eq!(http.password("Priya Natarajan", "not her password at all").status, 401);
    // The right password is not a sign-in: a wrong code after it counts too.
    assert_eq!(http.password("Priya Natarajan", PASSWORD).location.as_deref(), Some("/sign-in/code"));
    assert_eq!(http.code("000000").status, 401);
    assert_eq!(failures(&site), Some(2));
    // A complete sign-in starts the count again.
    assert_eq!(Http::new(&site).sign_in("Priya Natarajan", PASSWORD).location.as_deref(), Some("/cases"));
    assert_eq!(failures(&site), None);

    let mut http = Http::new(&site);
    assert_eq!(http.password("Priya Natarajan", "not her password at all").status, 401);
    http.password("Priya Natarajan", PASSWORD);
    assert_eq!(http.code("000000").status, 401);
    use std::os::unix::fs::PermissionsExt;
    let file = sessions.with_file_name("sign-in-failures.json");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    // The count survives a restart: the third failure, after it, locks.
    site.restart_with(lower);
    assert_eq!(failures(&site), Some(2));
    let mut http = Http::new(&site);
    let third = http.password("Priya Natarajan", "not her password at all");
    assert_eq!(third.status, 403);
    assert!(third.body.contains("This account is locked"), "{}", third.body);
    assert!(third.body.contains("Ask your casepress administrator"));
    // Now the right password fails, with the very same answer as a wrong one.
    let right = http.password("priya natarajan", PASSWORD);
    let wrong = http.password("Priya Natarajan", "another wrong one here");
    assert_eq!((right.status, right.location.as_deref()), (403, None));
    assert_eq!((right.body.as_str(), right.status), (wrong.body.as_str(), wrong.status));
    assert!(!right.body.contains("not right"));
    assert_eq!(http.get("/cases").location.as_deref(), Some("/sign-in"));
    let audit = site.audit_text();
    let locks: Vec<&str> = audit.lines().filter(|l| l.contains("\"what\":\"account-locked\"")).collect();
    assert_eq!(locks.len(), 1, "{audit}");
    assert!(locks[0].contains("\"outcome\":\"refused\"") && locks[0].contains("after 3 failed sign-ins"));
    assert!(locks[0].contains("\"who\":\"Priya Natarajan\""));
    assert_eq!(audit.matches("\"what\":\"sign-in-locked\",\"outcome\":\"refused\"").count(), 3, "{audit}");
    assert!(!audit.contains("not her password"), "no password in the audit log");

    // An administrator unlocks it; the running server sees it at once.
    let out = casepress(&["user", "unlock", "priya natarajan", "--config", config.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Priya Natarajan's account is unlocked (3 failed sign-ins in a row"), "{said}");
    assert_eq!(Http::new(&site).sign_in("Priya Natarajan", PASSWORD).location.as_deref(), Some("/cases"));
    assert_eq!(failures(&site), None);

    // Locked again, a new password opens it too.
    let mut http = Http::new(&site);
    for _ in 0..3 {
        http.password("Priya Natarajan", "not her password at all");
    }
    assert_eq!(http.password("Priya Natarajan", PASSWORD).status, 403);
    let new = "lantern quietly crossing harbour";
    let out = casepress(
        &["user", "add", "Priya Natarajan", "--password-stdin", "--config", config.to_str().unwrap()],
        &format!("{new}\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("it is open again"));
    assert_eq!(Http::new(&site).sign_in("Priya Natarajan", new).location.as_deref(), Some("/cases"));
}
