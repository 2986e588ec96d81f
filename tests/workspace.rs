//! The workspace over HTTP, without a browser: who may sign in and see
//! what, CSRF, the throttle, sessions after sign-out, escaping and headers,
//! saving with conflicts, limits, and the audit log. The browser journeys
//! are in `browser.rs`.

mod common;

use common::web::{Http, PASSWORD, site, site_with, unescape};

const JAY_PSR: &str = "/cases/NYJS-2026-0117/psr/edit/offence";

#[test]
fn every_page_asks_for_sign_in_first() {
    let site = site();
    let mut http = Http::new(&site);
    for path in ["/cases", "/cases/NYJS-2026-0117", JAY_PSR, "/cases/NYJS-2026-0117/psr/preview/1"] {
        let reply = http.get(path);
        assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/sign-in")), "{path}");
        assert!(!reply.body.contains("Whitfield"));
    }
}

#[test]
fn a_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let before = std::fs::read(site.case_file("yro-custody-possible.json")).unwrap();
    let page = http.get(JAY_PSR);
    let version = page.hidden("_version");
    for csrf in [None, Some("0".repeat(64))] {
        let mut form = vec![("_version", version.as_str()), ("psr.offence_analysis.seriousness", "Changed.")];
        if let Some(c) = &csrf {
            form.push(("_csrf", c));
        }
        let reply = http.post(JAY_PSR, &form, &[]);
        assert_eq!(reply.status, 403);
    }
    let reply = http.post("/cases/NYJS-2026-0117/psr/submit", &[("to", "Declan Hughes")], &[]);
    assert_eq!(reply.status, 403);
    assert_eq!(std::fs::read(site.case_file("yro-custody-possible.json")).unwrap(), before);
    assert!(site.audit_text().contains("no valid CSRF token"));
}

#[test]
fn another_teams_case_is_refused_without_a_word_of_it() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Tom Ashworth", PASSWORD);
    let list = http.get("/cases");
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("NYJS-2026-0117"), "a North Team case is not listed for a South Team worker");
    for path in
        ["/cases/NYJS-2026-0117", JAY_PSR, "/cases/NYJS-2026-0117/psr", "/cases/NYJS-2026-0117/psr/preview/1"]
    {
        let reply = http.get(path);
        assert_eq!(reply.status, 403, "{path}");
        assert!(!reply.body.contains("Whitfield") && !reply.body.contains("Jay"), "{path}");
    }
    // An unknown case and a malformed id look the same as a closed one.
    assert_eq!(http.get("/cases/NYJS-2099-0001").status, 403);
    assert_eq!(http.get("/cases/..%2F..%2Fetc").status, 403);
    // Another team's manager is refused too, until something is submitted to them.
    let mut ruth = Http::new(&site);
    ruth.sign_in("Ruth Okafor", PASSWORD);
    assert_eq!(ruth.get("/cases/NYJS-2026-0117").status, 403);
    let audit = site.audit_text();
    assert!(audit.contains("\"what\":\"read\",\"outcome\":\"refused\""), "{audit}");
    // An id typed into the address is logged only when it names a case.
    assert!(!audit.contains("NYJS-2099-0001") && !audit.contains("etc"), "{audit}");
}

#[test]
fn a_preview_page_shown_to_one_session_is_refused_to_another_without_access() {
    let site = site();
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let editor = priya.get(JAY_PSR);
    assert_eq!(editor.status, 200);
    let page_1 = editor
        .body
        .split("src=\"")
        .find(|s| s.starts_with("/cases/NYJS-2026-0117/psr/preview/1?v="))
        .unwrap();
    let page_1 = page_1.split('"').next().unwrap().to_owned();
    // Another team's worker with the very address the editor showed: the
    // grant is this session's, so the case is opened and access checked.
    let mut tom = Http::new(&site);
    tom.sign_in("Tom Ashworth", PASSWORD);
    let refused = tom.get(&page_1);
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("Jay"));
    // The session that was shown it gets the page, and its read is audited.
    let before = site.audit_text().matches("psr preview page 1").count();
    let shown = priya.get(&page_1);
    assert_eq!(shown.status, 200);
    assert!(shown.body.starts_with("<svg"));
    assert_eq!(site.audit_text().matches("psr preview page 1").count(), before + 1);
}

#[test]
fn a_session_cookie_is_useless_after_sign_out() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let cookie = http.cookie.clone().unwrap();
    let page = http.get("/cases");
    assert_eq!(page.status, 200);
    let csrf = page.hidden("_csrf");
    let out = http.post("/sign-out", &[("_csrf", &csrf)], &[]);
    assert_eq!(out.location.as_deref(), Some("/sign-in"));
    http.cookie = Some(cookie);
    let after = http.get("/cases");
    assert_eq!((after.status, after.location.as_deref()), (303, Some("/sign-in")));
}

#[test]
fn the_eleventh_wrong_password_in_a_minute_is_throttled_even_if_right() {
    let site = site();
    let mut http = Http::new(&site);
    for _ in 0..10 {
        assert_eq!(http.sign_in("Priya Natarajan", "not the password").status, 401);
    }
    assert_eq!(http.sign_in("Priya Natarajan", "not the password").status, 429);
    assert_eq!(
        http.sign_in("Priya Natarajan", PASSWORD).status,
        429,
        "refused however right, for the minute"
    );
    let audit = site.audit_text();
    assert_eq!(audit.matches("sign-in-failed").count(), 10);
    assert!(!audit.contains("not the password"));
}

#[test]
fn a_name_outside_the_staff_directory_cannot_sign_in() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Nobody At All", PASSWORD).status, 401);
    assert_eq!(http.sign_in("Priya Natarajan", "").status, 401);
}

#[test]
fn case_data_is_escaped_in_every_page_and_the_headers_forbid_inline_script() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let hostile = "NYJS-2026-0161";
    for path in [
        "/cases".to_owned(),
        format!("/cases/{hostile}"),
        format!("/cases/{hostile}/psr"),
        format!("/cases/{hostile}/psr/edit/about"),
        format!("/cases/{hostile}/psr/edit/offence"),
        format!("/cases/{hostile}/intervention-plan/edit/plan"),
    ] {
        let reply = http.get(&path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(!reply.body.contains("<script>alert"), "{path}: raw script from case data");
        assert!(!reply.body.contains("<script>") || !reply.body.contains("alert(1)</script>"), "{path}");
        let csp = reply.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe")
        );
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
    let page = http.get(&format!("/cases/{hostile}"));
    assert!(page.body.contains("O&#x27;Brien-Núñez"), "names show literally, escaped");
    let every_script: Vec<&str> =
        page.body.match_indices("<script").map(|(i, _)| &page.body[i..i + 40]).collect();
    assert_eq!(
        every_script,
        ["<script src=\"/static/app.js\" defer></scr"],
        "the only script is our own file"
    );
}

#[test]
fn the_session_cookie_is_http_only_and_strict() {
    let site = site();
    let mut http = Http::new(&site);
    let reply = http.get("/sign-in");
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"));
    assert!(reply.header("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    // Over HTTPS: Secure, the __Host- prefix (this host, this path, secure
    // connections only) and HSTS; signing in and out works under that name.
    let site = site_with(|c| c.workspace.secure_cookies = true);
    let mut http = Http::new(&site);
    let page = http.get("/sign-in");
    let cookie = page.header("set-cookie").unwrap();
    assert!(
        cookie.starts_with("__Host-casepress_session=")
            && cookie.contains("Secure")
            && cookie.contains("Path=/")
    );
    assert_eq!(page.header("strict-transport-security"), Some("max-age=31536000; includeSubDomains"));
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let cases = http.get("/cases");
    assert_eq!(cases.status, 200);
    let out = http.post("/sign-out", &[("_csrf", &cases.hidden("_csrf"))], &[]);
    assert!(out.header("set-cookie").unwrap().starts_with("__Host-casepress_session=;"));
    assert_eq!(http.get("/cases").status, 303, "signed out");
}

#[test]
fn a_save_writes_the_case_file_and_a_stale_form_merges_or_shows_both() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let page = http.get(JAY_PSR);
    let (csrf, v1) = (page.hidden("_csrf"), page.hidden("_version"));
    let field = |name: &str| {
        let at = page.body.find(&format!("name=\"{name}\"")).unwrap();
        let start = at + page.body[at..].find('>').unwrap() + 1;
        unescape(page.body[start..].split("</textarea>").next().unwrap())
    };
    let (seriousness, victims, previous) = (
        field("psr.offence_analysis.seriousness"),
        field("psr.offence_analysis.victims"),
        field("psr.previous_offending"),
    );
    let basis = field("psr.offence_analysis.basis_of_plea");
    // One tab saves a change to the seriousness…
    let first = http.post(
        JAY_PSR,
        &[
            ("_csrf", &csrf),
            ("_version", &v1),
            ("psr.offence_analysis.seriousness", "Tab one's account."),
            ("psr.offence_analysis.basis_of_plea", &basis),
            ("psr.offence_analysis.victims", &victims),
            ("psr.previous_offending", &previous),
        ],
        &[("X-Autosave", "1")],
    );
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("\"status\":\"saved\""));
    let text = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
    assert!(text.contains("Tab one's account."));
    casepress::case::load_file(&site.case_file("yro-custody-possible.json")).remove(0).unwrap();
    // …another, still on the first version, changes only the victims: merged.
    let second = http.post(
        JAY_PSR,
        &[
            ("_csrf", &csrf),
            ("_version", &v1),
            ("psr.offence_analysis.seriousness", &seriousness),
            ("psr.offence_analysis.basis_of_plea", &basis),
            ("psr.offence_analysis.victims", "Tab two's victims."),
            ("psr.previous_offending", &previous),
        ],
        &[("X-Autosave", "1")],
    );
    assert_eq!(second.status, 200, "{}", second.body);
    let text = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
    assert!(text.contains("Tab one's account.") && text.contains("Tab two's victims."), "both kept");
    // A third, still on the first version, changed the seriousness too: a
    // conflict; nothing written, both texts on the page.
    let third = http.post(
        JAY_PSR,
        &[
            ("_csrf", &csrf),
            ("_version", &v1),
            ("psr.offence_analysis.seriousness", "Tab three's account."),
            ("psr.offence_analysis.basis_of_plea", &basis),
            ("psr.offence_analysis.victims", &victims),
            ("psr.previous_offending", &previous),
        ],
        &[],
    );
    assert_eq!(third.status, 409);
    assert!(
        third.body.contains("Tab three&#x27;s account.") && third.body.contains("Tab one&#x27;s account.")
    );
    assert!(
        !std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap().contains("Tab three")
    );
    // Choosing what was saved meanwhile keeps it.
    let v2 = third.hidden("_version");
    let keep = http.post(
        JAY_PSR,
        &[
            ("_csrf", &csrf),
            ("_version", &v2),
            ("psr.offence_analysis.seriousness", "Tab three's account."),
            ("_keep.psr.offence_analysis.seriousness", "saved"),
            ("psr.offence_analysis.basis_of_plea", &basis),
            ("psr.offence_analysis.victims", "Tab two's victims."),
            ("psr.previous_offending", &previous),
        ],
        &[],
    );
    assert_eq!(keep.status, 303);
    let text = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
    assert!(text.contains("Tab one's account.") && !text.contains("Tab three"));
    let audit = site.audit_text();
    assert!(audit.contains("\"what\":\"write\"") && audit.contains("psr offence"));
    assert!(!audit.contains("Tab one") && !audit.contains("Whitfield"), "no case content in the audit log");
}

#[test]
fn bad_values_are_named_beside_their_fields_and_not_saved() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let path = "/cases/NYJS-2026-0117/psr/edit/proposal";
    let page = http.get(path);
    let before = std::fs::read(site.case_file("yro-custody-possible.json")).unwrap();
    let reply = http.post(
        path,
        &[
            ("_csrf", &page.hidden("_csrf")),
            ("_version", &page.hidden("_version")),
            ("psr.proposal.length_months", "twelve"),
            ("psr.discussed_with_child_and_carer", "31/11/2026"),
        ],
        &[],
    );
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("There is a problem"));
    assert!(reply.body.contains("twelve is not a whole number"));
    assert!(unescape(&reply.body).contains("31/11/2026: expected a date as YYYY-MM-DD, e.g. 2012-05-19"));
    assert!(reply.body.contains("value=\"twelve\""), "the writer's entry is shown back");
    assert_eq!(std::fs::read(site.case_file("yro-custody-possible.json")).unwrap(), before);
}

#[test]
fn an_oversized_body_is_refused() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let page = http.get(JAY_PSR);
    let huge = "x".repeat(600 * 1024);
    let reply = http.post(
        JAY_PSR,
        &[("_csrf", &page.hidden("_csrf")), ("psr.offence_analysis.seriousness", &huge)],
        &[],
    );
    assert_eq!(reply.status, 413);
}

#[test]
fn the_sign_on_proxy_header_is_believed_only_from_the_proxy() {
    let from_here = site_with(|c| {
        c.workspace.proxy = Some(casepress::config::ProxyConfig {
            header: "X-Remote-User".into(),
            from: vec!["127.0.0.1".parse().unwrap()],
            methods_header: None,
            require_mfa: false,
            mfa_methods: Vec::new(),
        })
    });
    let mut http = Http::new(&from_here);
    assert_eq!(http.get("/cases").status, 403, "no header: nobody");
    let reply = {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut r = agent
            .get(format!("{}/cases", from_here.url()))
            .header("X-Remote-User", "Priya Natarajan")
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    assert_eq!(reply.0, 200);
    assert!(reply.1.contains("Signed in as Priya Natarajan"));
    let elsewhere = site_with(|c| {
        c.workspace.proxy = Some(casepress::config::ProxyConfig {
            header: "X-Remote-User".into(),
            from: vec!["10.1.2.3".parse().unwrap()],
            methods_header: Some("X-Auth-Methods".into()),
            require_mfa: true,
            mfa_methods: vec!["mfa".into()],
        })
    });
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let r = agent
        .get(format!("{}/cases", elsewhere.url()))
        .header("X-Remote-User", "Priya Natarajan")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "the header from anywhere but the proxy is ignored");
}

#[test]
fn an_accounts_file_others_can_write_stops_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::web::site_config(dir.path());
    std::fs::copy(common::samples().join("users.toml"), &config.workspace.users).unwrap();
    std::fs::set_permissions(&config.workspace.users, std::fs::Permissions::from_mode(0o666)).unwrap();
    config.paths.cases = vec![common::samples().join("cases")];
    let err = casepress::workspace::start(config, Default::default()).err().unwrap();
    assert!(err.contains("others can change the accounts file"), "{err}");
}

/// A signature from the browser is the same recorded step as `casepress
/// sign`: the author records her own, on the version she submitted; she
/// cannot record a manager's; the log holds exactly one signature, of the
/// submitted version.
#[test]
fn a_signature_is_recorded_from_the_document_page_on_the_current_version() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let page = http.get("/cases/NYJS-2026-0117/psr");
    let csrf = page.hidden("_csrf");
    let submitted = http.post("/cases/NYJS-2026-0117/psr/submit", &[("_csrf", &csrf)], &[]);
    assert_eq!(submitted.status, 303);
    let page = http.get("/cases/NYJS-2026-0117/psr");
    assert!(page.body.contains("Record the signature") && page.body.contains("not yet signed this version"));
    let sign = |http: &mut Http, part: &str| {
        http.post(
            "/cases/NYJS-2026-0117/psr/sign",
            &[("_csrf", &csrf), ("part", part), ("name", ""), ("date", "2026-11-23")],
            &[],
        );
        http.get("/cases/NYJS-2026-0117/psr").body
    };
    let body = sign(&mut http, "manager");
    assert!(body.contains("Not done") && body.contains("is not signed by the manager"), "{body}");
    let body = sign(&mut http, "author");
    assert!(body.contains("signed by the author, on 23 November 2026"), "{body}");
    assert!(body.contains("signed this version, Priya Natarajan, 2026-11-23"), "{body}");
    let log =
        std::fs::read_to_string(site.dir.path().join("out/cases/NYJS-2026-0117/case-log.jsonl")).unwrap();
    let entries: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let submitted = entries.iter().find(|e| e["step"] == "submitted").unwrap();
    let signed: Vec<&serde_json::Value> = entries.iter().filter(|e| e["step"] == "signed").collect();
    assert_eq!(signed.len(), 1);
    assert_eq!((&signed[0]["signer"], &signed[0]["by"]), (&"author".into(), &"Priya Natarajan".into()));
    assert_eq!(signed[0]["sha256"], submitted["sha256"], "on the version submitted");
}

/// Two writers autosave two fields of one section in turn, each from the
/// page they have (their own field up to date, the other as first shown)
/// and the version each save answered. Every word answered "saved" stays
/// in the file, and neither is told of a conflict on a field they did not
/// touch: a save's answer is the version the writer's page holds, decided
/// under the case's lock.
#[test]
fn two_writers_autosaving_one_section_lose_no_word_answered_saved() {
    let site = site();
    let page_of = |who: &str| {
        let mut http = Http::new(&site);
        http.sign_in(who, PASSWORD);
        let page = http.get(JAY_PSR);
        (http, page)
    };
    let (mut priya, page) = page_of("Priya Natarajan");
    let (mut sarah, _) = page_of("Sarah Bennett");
    let field = |name: &str| {
        let at = page.body.find(&format!("name=\"{name}\"")).unwrap();
        let start = at + page.body[at..].find('>').unwrap() + 1;
        unescape(page.body[start..].split("</textarea>").next().unwrap())
    };
    let shown: Vec<(&str, String)> = [
        "psr.offence_analysis.seriousness",
        "psr.offence_analysis.basis_of_plea",
        "psr.offence_analysis.victims",
        "psr.previous_offending",
    ]
    .into_iter()
    .map(|n| (n, field(n)))
    .collect();
    let csrf_of = |http: &mut Http| http.get(JAY_PSR).hidden("_csrf");
    let (priya_csrf, sarah_csrf) = (csrf_of(&mut priya), csrf_of(&mut sarah));
    let first = page.hidden("_version");
    let mut versions = [first.clone(), first];
    let mut texts = [String::new(), String::new()];
    let mine = ["psr.offence_analysis.seriousness", "psr.offence_analysis.victims"];
    for round in 0..12 {
        for who in 0..2 {
            texts[who].push_str(&format!(" word{round}-{who}"));
            let mut form: Vec<(&str, &str)> = vec![("_version", &versions[who])];
            form.push(("_csrf", if who == 0 { &priya_csrf } else { &sarah_csrf }));
            for (name, value) in &shown {
                form.push((name, if *name == mine[who] { &texts[who] } else { value }));
            }
            let http = if who == 0 { &mut priya } else { &mut sarah };
            let reply = http.post(JAY_PSR, &form, &[("X-Autosave", "1")]);
            assert_eq!(reply.status, 200, "round {round}, writer {who}: {}", reply.body);
            let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            assert_eq!(answer["status"], "saved");
            versions[who] = answer["version"].as_str().unwrap().to_owned();
        }
    }
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap();
    assert_eq!(case["psr"]["offence_analysis"]["seriousness"], texts[0].as_str());
    assert_eq!(case["psr"]["offence_analysis"]["victims"], texts[1].as_str());
}

/// Four writers autosave four fields of one section at the same time, each
/// from their own page: every save is answered "saved" (nobody touched
/// another's field) and every word answered "saved" is in the file.
#[test]
fn four_writers_autosaving_at_once_lose_no_word() {
    let site = site();
    let fields = [
        "psr.offence_analysis.seriousness",
        "psr.offence_analysis.basis_of_plea",
        "psr.offence_analysis.victims",
        "psr.previous_offending",
    ];
    let writers = ["Priya Natarajan", "Sarah Bennett", "Priya Natarajan", "Sarah Bennett"];
    let finals: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|w| {
                let site = &site;
                scope.spawn(move || {
                    let mut http = Http::new(site);
                    http.sign_in(writers[w], PASSWORD);
                    let page = http.get(JAY_PSR);
                    let csrf = page.hidden("_csrf");
                    let mut version = page.hidden("_version");
                    let shown: Vec<(&str, String)> = fields
                        .iter()
                        .map(|n| {
                            let at = page.body.find(&format!("name=\"{n}\"")).unwrap();
                            let start = at + page.body[at..].find('>').unwrap() + 1;
                            (*n, unescape(page.body[start..].split("</textarea>").next().unwrap()))
                        })
                        .collect();
                    let mut text = String::new();
                    for round in 0..15 {
                        text.push_str(&format!("w{w}r{round} "));
                        let mut form: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_version", &version)];
                        for (name, value) in &shown {
                            form.push((name, if *name == fields[w] { &text } else { value }));
                        }
                        let reply = http.post(JAY_PSR, &form, &[("X-Autosave", "1")]);
                        assert_eq!(reply.status, 200, "writer {w}, round {round}: {}", reply.body);
                        let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
                        version = answer["version"].as_str().unwrap().to_owned();
                    }
                    text
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap();
    for (w, field) in fields.iter().enumerate() {
        let (section, key) =
            field.strip_prefix("psr.").unwrap().split_once('.').unwrap_or(("", "previous_offending"));
        let saved = if section.is_empty() { &case["psr"][key] } else { &case["psr"][section][key] };
        assert_eq!(saved.as_str().map(str::trim), Some(finals[w].trim()), "writer {w}'s words in {field}");
    }
}

/// Two writers saving two cases that live in one NDJSON file at the same
/// time: every save reaches the file (a writer of a case file holds that
/// file's lock, whichever case it writes).
#[test]
fn two_cases_in_one_ndjson_file_saved_at_once_lose_no_word() {
    let site = site();
    let jay: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap();
    let ids = ["NYJS-2026-0901", "NYJS-2026-0902"];
    let lines: String = ids
        .iter()
        .map(|id| {
            let mut case = jay.clone();
            case["case_id"] = (*id).into();
            format!("{case}\n")
        })
        .collect();
    std::fs::write(site.case_file("pair.ndjson"), lines).unwrap();
    let field = "psr.offence_analysis.seriousness";
    let finals: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let site = &site;
                scope.spawn(move || {
                    let mut http = Http::new(site);
                    http.sign_in("Priya Natarajan", PASSWORD);
                    let url = format!("/cases/{id}/psr/edit/offence");
                    let page = http.get(&url);
                    assert_eq!(page.status, 200, "{}", page.body);
                    let csrf = page.hidden("_csrf");
                    let mut version = page.hidden("_version");
                    let mut text = String::new();
                    for round in 0..15 {
                        text.push_str(&format!("{id}-{round} "));
                        let form = [
                            ("_csrf", csrf.as_str()),
                            ("_version", version.as_str()),
                            (field, text.as_str()),
                        ];
                        let reply = http.post(&url, &form, &[("X-Autosave", "1")]);
                        assert_eq!(reply.status, 200, "{id}, round {round}: {}", reply.body);
                        let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
                        version = answer["version"].as_str().unwrap().to_owned();
                    }
                    text
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let file = std::fs::read_to_string(site.case_file("pair.ndjson")).unwrap();
    for (id, text) in ids.iter().zip(&finals) {
        let case: serde_json::Value = file
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|c| c["case_id"] == *id)
            .unwrap();
        assert_eq!(
            case["psr"]["offence_analysis"]["seriousness"].as_str().map(str::trim),
            Some(text.trim()),
            "{id}"
        );
    }
}

/// Once a version is submitted, the editor says that a save starts a new
/// version, which the managers review instead.
#[test]
fn the_editor_says_a_save_after_submission_starts_a_new_version() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    assert!(!http.get(JAY_PSR).body.contains("starts a new version"));
    let csrf = http.get("/cases/NYJS-2026-0117/psr").hidden("_csrf");
    assert_eq!(http.post("/cases/NYJS-2026-0117/psr/submit", &[("_csrf", &csrf)], &[]).status, 303);
    let body = http.get(JAY_PSR).body;
    assert!(
        body.contains(
            "This PSR is with the managers for gatekeeping. A change you save here starts a new version"
        ),
        "{body}"
    );
}

/// A document's papers open from its page as PDF, by the file name
/// casepress gave them; the read is audited; a name the log does not
/// record for that document (a path, another kind's file) is not found.
#[test]
fn a_documents_papers_open_as_pdf_by_their_recorded_names_only() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let csrf = http.get("/cases/NYJS-2026-0117/psr").hidden("_csrf");
    assert_eq!(http.post("/cases/NYJS-2026-0117/psr/submit", &[("_csrf", &csrf)], &[]).status, 303);
    let page = http.get("/cases/NYJS-2026-0117/psr").body;
    let start = page.find("/cases/NYJS-2026-0117/psr/papers/").expect("a paper listed");
    let link = page[start..].split('"').next().unwrap().to_owned();
    assert!(link.ends_with("_draft.pdf") && !link.contains("Whitfield"), "{link}");
    let pdf = http.get(&link);
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let file = link.rsplit('/').next().unwrap();
    assert_eq!(pdf.header("content-disposition"), Some(format!("inline; filename=\"{file}\"").as_str()));
    let on_disk =
        std::fs::metadata(site.dir.path().join("out/cases/NYJS-2026-0117/documents").join(file)).unwrap();
    assert_eq!(pdf.header("content-length"), Some(on_disk.len().to_string().as_str()), "the whole PDF");
    assert!(site.audit_text().contains("paper NYJS-2026-0117_psr_"), "the read is audited");
    for bad in ["..%2F..%2Fcase-log.jsonl", "NYJS-2026-0117_gatekeeping_2026-11-23_draft.pdf", "nothing.pdf"]
    {
        assert_eq!(http.get(&format!("/cases/NYJS-2026-0117/psr/papers/{bad}")).status, 404, "{bad}");
    }
}

/// Every text area asks the browser for its own spellcheck in British
/// English.
#[test]
fn every_text_area_is_spellchecked_in_british_english() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let body = http.get(JAY_PSR).body;
    let areas = body.matches("<textarea").count();
    assert!(areas >= 3, "{areas}");
    assert_eq!(body.matches(r#"spellcheck="true" lang="en-GB""#).count(), areas, "{body}");
}

/// The reasons for a proposal count their characters against the limit
/// the pre-sentence service sets (4,000), and one over it is refused with
/// the count, nothing written.
#[test]
fn the_proposals_reasons_count_their_characters_and_stop_at_the_limit() {
    let site = site();
    let mut http = Http::new(&site);
    assert_eq!(http.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let url = "/cases/NYJS-2026-0117/psr/edit/proposal";
    let page = http.get(url);
    assert!(page.body.contains(" of 4,000 characters"), "{}", page.body);
    let before = std::fs::read(site.case_file("yro-custody-possible.json")).unwrap();
    let long = "a".repeat(4_001);
    let (csrf, version) = (page.hidden("_csrf"), page.hidden("_version"));
    let reply =
        http.post(url, &[("_csrf", &csrf), ("_version", &version), ("psr.proposal.rationale", &long)], &[]);
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("at most 4,000 characters: this has 4,001"), "{}", reply.body);
    // The page without script counts as the script does, marked as over.
    assert!(
        reply.body.contains("class=\"hint char-count over\" id=\"f-psr-proposal-rationale-count\" aria-live=\"polite\">4,001 of 4,000 characters: 1 too many</p>"),
        "{}",
        reply.body
    );
    assert_eq!(std::fs::read(site.case_file("yro-custody-possible.json")).unwrap(), before);
}

/// A restart of the server signs nobody out: sessions are kept on disk by
/// the hash of their tokens (owner-only), and the page's merge base travels
/// with the page, so "keep what was saved" after a restart still works.
#[test]
fn a_restart_keeps_sessions_and_a_pages_merge_base() {
    use std::os::unix::fs::PermissionsExt;
    let mut site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let page = http.get(JAY_PSR);
    let (csrf, base) = (page.hidden("_csrf"), unescape(&page.hidden("_base")));
    let cookie = http.cookie.clone().unwrap();
    let token = cookie.split('=').nth(1).unwrap().to_owned();
    let kept = site.dir.path().join("out/workspace/sessions.json");
    let text = std::fs::read_to_string(&kept).unwrap();
    assert!(!text.contains(&token) && !text.contains(&csrf), "no token on disk");
    assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o600);
    // Someone else saves the seriousness before the restart.
    let mut sarah = Http::new(&site);
    sarah.sign_in("Sarah Bennett", PASSWORD);
    let theirs = sarah.get(JAY_PSR);
    let mut form: Vec<(String, String)> =
        serde_json::from_str::<std::collections::BTreeMap<String, String>>(&base)
            .unwrap()
            .into_iter()
            .collect();
    let pairs = |form: &[(String, String)], extra: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = form.to_vec();
        out.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        out
    };
    let send = |http: &mut Http, form: &[(String, String)], headers: &[(&str, &str)]| {
        let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        http.post(JAY_PSR, &borrowed, headers)
    };
    let sarah_form = pairs(
        &form.iter().filter(|(k, _)| k != "psr.offence_analysis.seriousness").cloned().collect::<Vec<_>>(),
        &[
            ("_csrf", &theirs.hidden("_csrf")),
            ("_base", &unescape(&theirs.hidden("_base"))),
            ("psr.offence_analysis.seriousness", "Sarah's account, saved before the restart."),
        ],
    );
    assert_eq!(send(&mut sarah, &sarah_form, &[("X-Autosave", "1")]).status, 200);
    site.restart();
    let mut again = Http::new(&site);
    again.cookie = Some(cookie);
    assert_eq!(again.get(JAY_PSR).status, 200, "still signed in after the restart");
    // Priya's page, from before the restart, changes the same field: the
    // conflict shows Sarah's words; keeping what was saved keeps them.
    form.retain(|(k, _)| k != "psr.offence_analysis.seriousness");
    let mine = pairs(
        &form,
        &[("_csrf", &csrf), ("_base", &base), ("psr.offence_analysis.seriousness", "Priya's account.")],
    );
    let conflict = send(&mut again, &mine, &[]);
    assert_eq!(conflict.status, 409);
    assert!(unescape(&conflict.body).contains("Sarah's account, saved before the restart."));
    let keep = pairs(&mine, &[("_keep.psr.offence_analysis.seriousness", "saved")]);
    let keep: Vec<(String, String)> = keep
        .into_iter()
        .map(|(k, v)| if k == "_base" { (k, unescape(&conflict.hidden("_base"))) } else { (k, v) })
        .collect();
    assert_eq!(send(&mut again, &keep, &[]).status, 303);
    let text = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
    assert!(
        text.contains("Sarah's account, saved before the restart.") && !text.contains("Priya's account.")
    );
}

/// A save killed between its temporary copy and the rename leaves a copy
/// of the case in the cases folder; the next save of that file removes it.
#[test]
fn a_killed_saves_temporary_copy_is_removed_by_the_next_save() {
    let site = site();
    let file = site.case_file("yro-custody-possible.json");
    let stale = file.with_file_name(".yro-custody-possible.json.tmp-4194304-0");
    std::fs::copy(&file, &stale).unwrap();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let page = http.get(JAY_PSR);
    let (csrf, base) = (page.hidden("_csrf"), unescape(&page.hidden("_base")));
    let mut form: Vec<(String, String)> =
        serde_json::from_str::<std::collections::BTreeMap<String, String>>(&base)
            .unwrap()
            .into_iter()
            .collect();
    form.retain(|(k, _)| k != "psr.offence_analysis.victims");
    form.extend([
        ("_csrf".to_owned(), csrf),
        ("_base".to_owned(), base),
        ("psr.offence_analysis.victims".to_owned(), "Saved after a killed save.".to_owned()),
    ]);
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(http.post(JAY_PSR, &borrowed, &[("X-Autosave", "1")]).status, 200);
    assert!(!stale.exists(), "the temporary copy is gone");
    let left: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(std::fs::read_to_string(&file).unwrap().contains("Saved after a killed save."));
}

/// Darcy, on bail, whose PSR the court asked for (the sample ChildView
/// extract's "PSR requested"); Tom Ashworth writes it, Ruth Okafor, his
/// line manager, gatekeeps it.
const DARCY: &str = "NYJS-CV004103";

/// 10:00 on Monday 30 November 2026, the extract's day.
fn extract_day() -> chrono::DateTime<chrono::Utc> {
    "2026-11-30T10:00:00Z".parse().unwrap()
}

/// Saves one editor section with the page's own version and token.
fn save_section(http: &mut Http, case: &str, slug: &str, fields: &[(&str, &str)]) {
    let path = format!("/cases/{case}/psr/edit/{slug}");
    let page = http.get(&path);
    assert_eq!(page.status, 200, "{path}");
    let (csrf, version) = (page.hidden("_csrf"), page.hidden("_version"));
    let mut form = vec![("_csrf", csrf.as_str()), ("_version", version.as_str())];
    form.extend_from_slice(fields);
    let reply = http.post(&path, &form, &[]);
    assert_eq!(reply.status, 303, "{path}: {}", reply.body);
}

/// A step's form post from a page that carries the session's token.
fn post_step(http: &mut Http, path: &str, fields: &[(&str, &str)]) -> String {
    let csrf = http.get("/cases").hidden("_csrf");
    let mut form = vec![("_csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let reply = http.post(path, &form, &[]);
    assert_eq!(reply.status, 303, "{path}: {}", reply.body);
    let to = reply.location.unwrap();
    let page = http.get(&to);
    page.body.split("class=\"notice").nth(1).and_then(|n| n.split('>').nth(1)).unwrap_or("").to_owned()
}

/// The import → final path over HTTP: a child the case system says has a
/// PSR requested gets one started from the case page; the writer fills it;
/// the manager records the gatekeeping meeting and agrees; the writer makes
/// it final. Nobody edits the case file by hand. Once agreed, and once
/// final, the editor says a save starts a new version.
#[test]
fn an_imported_childs_psr_is_started_gatekept_at_a_recorded_meeting_and_made_final() {
    let site = common::web::imported_site(extract_day());
    let file = site.case_file(&format!("{DARCY}.json"));
    let mut tom = Http::new(&site);
    tom.sign_in("Tom Ashworth", PASSWORD);
    let list = tom.get("/cases");
    assert!(list.body.contains("Pre-Sentence Report: Not started"), "the request shows in the list");
    let case = tom.get(&format!("/cases/{DARCY}"));
    assert!(case.body.contains("The court asked for") && case.body.contains("a pre-sentence report"));
    assert!(case.body.contains(&format!("action=\"/cases/{DARCY}/psr/start\"")), "a Start button");

    let said = post_step(&mut tom, &format!("/cases/{DARCY}/psr/start"), &[]);
    assert!(said.contains("Pre-Sentence Report started"), "{said}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["psr"]["requested_date"], "2026-07-11", "the court's request date, from the case system");
    assert!(site.audit_text().contains("\"what\":\"start\""));
    let again = post_step(&mut tom, &format!("/cases/{DARCY}/psr/start"), &[]);
    assert!(again.contains("Not started: the PSR is already started"), "{again}");

    for (slug, fields) in common::web::DARCY_PSR {
        save_section(&mut tom, DARCY, slug, fields);
    }
    let page = tom.get(&format!("/cases/{DARCY}/psr"));
    assert!(page.body.contains("Still to complete for a final (1)"), "only the meeting is left");
    let unescaped = page.body.replace("&#x2f;", "/");
    assert!(unescaped.contains(&format!("href=\"/cases/{DARCY}/psr#meeting\">gatekeeping meeting</a>")));
    assert!(!page.body.contains("from the case system"), "nothing is waiting for the case system");
    assert!(!page.body.contains("Record the meeting</button>"), "the writer does not record the meeting");
    let said = post_step(&mut tom, &format!("/cases/{DARCY}/psr/submit"), &[("to", "Ruth Okafor")]);
    assert!(said.contains("submitted to Ruth Okafor"), "{said}");
    let said = post_step(
        &mut tom,
        &format!("/cases/{DARCY}/psr/meeting"),
        &[("date", "2026-11-30"), ("with", "Ruth Okafor")],
    );
    assert!(said.contains("Not done: Tom Ashworth is not a manager"), "{said}");

    let mut ruth = Http::new(&site);
    ruth.sign_in("Ruth Okafor", PASSWORD);
    let page = ruth.get(&format!("/cases/{DARCY}/psr"));
    assert!(page.body.contains("Record the meeting</button>"));
    let said = post_step(&mut ruth, &format!("/cases/{DARCY}/psr/meeting"), &[("date", "2026-12-01")]);
    assert!(said.contains("Not done: a gatekeeping meeting is recorded once it has been held"), "{said}");
    let said = post_step(&mut ruth, &format!("/cases/{DARCY}/psr/meeting"), &[("date", "2026-11-30")]);
    assert!(
        said.contains("between the manager and the report&#x27;s author: Tom Ashworth was not there"),
        "{said}"
    );
    let said = post_step(
        &mut ruth,
        &format!("/cases/{DARCY}/psr/meeting"),
        &[("date", "2026-11-30"), ("with", "Tom Ashworth")],
    );
    assert!(said.contains("gatekeeping meeting of 30 November 2026 recorded"), "{said}");
    let said = post_step(&mut ruth, &format!("/cases/{DARCY}/psr/review"), &[("decision", "agree")]);
    assert!(said.contains("agreed"), "{said}");
    // The editor says what a save would do to the agreed version (item 4).
    let editor = tom.get(&format!("/cases/{DARCY}/psr/edit/offence")).body;
    assert!(
        editor.contains(
            "This version of the PSR was agreed. A change you save here starts a new version, which needs gatekeeping again before it can be made final."
        ),
        "{editor}"
    );

    let page = tom.get(&format!("/cases/{DARCY}/psr"));
    assert!(page.body.contains("Held on 30 November 2026 with Ruth Okafor, Tom Ashworth"));
    assert!(
        page.body.contains("Still to complete for a final (0)") && page.body.contains("Make final</button>")
    );
    let said = post_step(&mut tom, &format!("/cases/{DARCY}/psr/final"), &[("date", "2026-11-30")]);
    assert!(said.contains("made final, dated 30 November 2026"), "{said}");
    let editor = tom.get(&format!("/cases/{DARCY}/psr/edit/offence")).body;
    assert!(
        editor.contains(
            "This PSR is final. A change you save here starts a new draft version; it never changes the final, which stays as it was issued."
        ),
        "{editor}"
    );
    let log =
        std::fs::read_to_string(site.dir.path().join(format!("out/cases/{DARCY}/case-log.jsonl"))).unwrap();
    let meeting =
        log.lines().find(|l| l.contains("\"step\":\"meeting\"")).expect("the meeting is in the case log");
    assert!(
        meeting.contains("\"attended\":[\"Ruth Okafor\",\"Tom Ashworth\"]")
            && meeting.contains("\"date\":\"2026-11-30\"")
    );
    assert!(log.contains("\"step\":\"final\""));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(json.get("gatekeeping").is_none(), "no gatekeeping typed into the case file");

    // The final opens as PDF from the document's papers (issue 25, item 5).
    let page = tom.get(&format!("/cases/{DARCY}/psr")).body.replace("&#x2f;", "/");
    let final_name = format!("{DARCY}_psr_2026-11-30.pdf");
    let link = format!("/cases/{DARCY}/psr/papers/{final_name}");
    assert!(page.contains(&format!("href=\"{link}\"")), "the final listed: {page}");
    let pdf = tom.get(&link);
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.header("content-disposition"),
        Some(format!("inline; filename=\"{final_name}\"").as_str())
    );
    let on_disk = site.dir.path().join(format!("out/cases/{DARCY}/documents/{final_name}"));
    let bytes = std::fs::read(&on_disk).unwrap();
    assert_eq!(pdf.header("content-length"), Some(bytes.len().to_string().as_str()), "the whole final");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(site.audit_text().contains(&format!("psr paper {final_name}")), "the read is audited");
}

/// A start is a write: the session's token, the writer only, the rules'
/// word (the court asked for it), audited; the case file unchanged when
/// refused.
#[test]
fn starting_a_document_takes_a_token_the_writer_and_the_courts_request() {
    let site = common::web::imported_site(extract_day());
    let file = site.case_file(&format!("{DARCY}.json"));
    let before = std::fs::read(&file).unwrap();
    let mut tom = Http::new(&site);
    tom.sign_in("Tom Ashworth", PASSWORD);
    let reply = tom.post(&format!("/cases/{DARCY}/psr/start"), &[], &[]);
    assert_eq!(reply.status, 403, "no token");
    let mut ruth = Http::new(&site);
    ruth.sign_in("Ruth Okafor", PASSWORD);
    let csrf = ruth.get("/cases").hidden("_csrf");
    let reply = ruth.post(&format!("/cases/{DARCY}/psr/start"), &[("_csrf", &csrf)], &[]);
    assert_eq!(reply.status, 403, "a manager reads and reviews; the writer starts");
    assert!(!ruth.get(&format!("/cases/{DARCY}")).body.contains("/psr/start"), "no Start for her");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // A child on an order, with no request from the court: no PSR to start.
    let aiden = "NYJS-CV004100";
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let case = priya.get(&format!("/cases/{aiden}"));
    assert!(!case.body.contains("Pre-Sentence Report"), "{}", case.body);
    let said = post_step(&mut priya, &format!("/cases/{aiden}/psr/start"), &[]);
    assert!(said.contains("Not started: the court has not asked for a PSR"), "{said}");
    // Her plan applies (an order): she may start it.
    let said = post_step(&mut priya, &format!("/cases/{aiden}/intervention-plan/start"), &[]);
    assert!(said.contains("Intervention Plan started"), "{said}");
    let audit = site.audit_text();
    assert!(audit.contains("psr: not the writer") && audit.contains("psr: the rules"), "{audit}");
    assert!(audit.contains("\"what\":\"start\",\"outcome\":\"refused\""), "{audit}");
}

/// Status words agree: a PSR with its sections written and no step on
/// record is a draft everywhere, never "Not started".
#[test]
fn a_written_psr_is_a_draft_in_the_list_the_case_and_its_page() {
    let site = site();
    let mut http = Http::new(&site);
    http.sign_in("Priya Natarajan", PASSWORD);
    let list = http.get("/cases");
    assert!(list.body.contains("Pre-Sentence Report: Draft"), "{}", list.body);
    assert!(!list.body.contains("Pre-Sentence Report: Not started"));
    let case = http.get("/cases/NYJS-2026-0117");
    assert!(!case.body.contains("Not started"), "{}", case.body);
    let doc = http.get("/cases/NYJS-2026-0117/psr");
    assert!(
        doc.body.contains(">Draft</span> Next: finish writing it, then “Submit for gatekeeping”."),
        "{}",
        doc.body
    );
    assert!(doc.body.contains(">Submit for gatekeeping</button>"));
    // The submit form's words (first use, §3): a label that reads, and a
    // manager with no team named without an empty "()".
    assert!(doc.body.contains(">Manager to gatekeep it</label>"), "{}", doc.body);
    assert!(!doc.body.contains("to gatekeeping it"));
    assert!(doc.body.contains(">Helen Adeyemi</option>"), "{}", doc.body);
    assert!(!doc.body.contains("()"), "{}", doc.body);
}

/// Every button an instruction names (in quotes, in the pages' code and
/// templates) is a button or link some page has.
#[test]
fn every_instruction_names_a_button_that_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in ["templates/web", "src/workspace/pages"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "html" || e == "rs") {
                texts.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let templates: String = texts
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(_, t)| t.as_str())
        .collect();
    // The labels of buttons and button-like links, with the review word in both forms.
    let mut labels = Vec::new();
    for piece in templates.split("<button").skip(1).chain(templates.split("class=\"button").skip(1)) {
        let inner = piece.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("").trim().to_owned();
        for word in ["gatekeeping", "sign-off"] {
            labels.push(inner.replace("{{ doc.review_word }}", word).replace("{{ doc.short }}", "report"));
        }
    }
    let mut named = Vec::new();
    for (path, text) in &texts {
        for quoted in text.split('“').skip(1) {
            let name = quoted.split('”').next().unwrap_or("");
            if name.chars().next().is_some_and(char::is_uppercase) && !name.contains('.') {
                for word in ["gatekeeping", "sign-off"] {
                    named.push((path.clone(), name.replace("{review}", word)));
                }
            }
        }
    }
    assert!(named.iter().any(|(_, n)| n == "Record the meeting"), "{named:?}");
    let missing: Vec<_> = named.iter().filter(|(_, n)| !labels.contains(n)).collect();
    assert!(missing.is_empty(), "instructions naming no button: {missing:?}\nbuttons: {labels:?}");
}

/// A manager reviewing a resubmission sees what changed since the version
/// returned (issue 25, item 8): the document's page names the sections
/// changed, and the changes page shows each changed field's words removed
/// and added, marked in words as well as by strike-through and underline,
/// with the writer's text escaped; the read is audited, and a person the
/// case is not open to is refused it.
#[test]
fn a_resubmission_shows_what_changed_since_the_version_returned() {
    let site = site();
    let doc = "/cases/NYJS-2026-0117/psr";
    let mut priya = Http::new(&site);
    assert_eq!(priya.sign_in("Priya Natarajan", PASSWORD).status, 303);
    let csrf = priya.get(doc).hidden("_csrf");
    assert_eq!(priya.post(&format!("{doc}/submit"), &[("_csrf", &csrf)], &[]).status, 303);
    let mut declan = Http::new(&site);
    assert_eq!(declan.sign_in("Declan Hughes", PASSWORD).status, 303);
    let page = declan.get(doc).body;
    assert!(!page.contains("What changed"), "a first submission has nothing to compare");
    let review = declan.get(doc).hidden("_csrf");
    let form =
        [("_csrf", review.as_str()), ("decision", "return"), ("comment.offence", "Say what he accepts.")];
    assert_eq!(declan.post(&format!("{doc}/review"), &form, &[]).status, 303);

    // Priya rewrites one field of the offence analysis and resubmits.
    let page = priya.get(JAY_PSR);
    let field = |name: &str| {
        let at = page.body.find(&format!("name=\"{name}\"")).unwrap();
        let start = at + page.body[at..].find('>').unwrap() + 1;
        unescape(page.body[start..].split("</textarea>").next().unwrap())
    };
    let names = [
        "psr.offence_analysis.seriousness",
        "psr.offence_analysis.basis_of_plea",
        "psr.offence_analysis.victims",
        "psr.previous_offending",
    ];
    let mut values: Vec<String> = names.iter().map(|n| field(n)).collect();
    let before = values[0].clone();
    values[0] = format!("{before} He accepts what he did <script>alert(1)</script>.");
    let (csrf, version) = (page.hidden("_csrf"), page.hidden("_version"));
    let mut form: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_version", &version)];
    form.extend(names.iter().copied().zip(values.iter().map(String::as_str)));
    assert_eq!(priya.post(JAY_PSR, &form, &[("X-Autosave", "1")]).status, 200);
    // Meanwhile the case system moves the hearing: a fact outside the form.
    let file = site.case_file("yro-custody-possible.json");
    let mut case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    case["court"]["hearing_date"] = "2026-12-09".into();
    std::fs::write(&file, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let csrf = priya.get(doc).hidden("_csrf");
    assert_eq!(priya.post(&format!("{doc}/submit"), &[("_csrf", &csrf)], &[]).status, 303);

    // Declan's page names what changed and links to the words.
    let page = declan.get(doc).body;
    assert!(page.contains("What changed") && page.contains("Sections changed: Offence analysis."), "{page}");
    assert!(page.contains("returned the previous version on 23 November 2026 at 11:00"), "{page}");
    assert!(page.contains(&format!("href=\"{doc}/changes\"")));
    assert!(page.contains("Also changed in the case: <code>court.hearing_date</code>."), "{page}");
    let changes = declan.get(&format!("{doc}/changes"));
    assert_eq!(changes.status, 200);
    let body = changes.body;
    assert!(body.contains("<h2 id=\"ch-offence\">Offence analysis</h2>"), "{body}");
    assert!(body.contains("Say what he accepts."), "the return's comments beside the changes");
    assert!(
        body.contains("<ins><span class=\"cue\">Added<span class=\"visually-hidden\">:</span> </span>He accepts what he did &lt;script&gt;alert(1)&lt;&#x2f;script&gt;."),
        "{body}"
    );
    assert!(!body.contains("<script>alert"), "the writer's words are text");
    assert_eq!(body.matches("<del>").count(), 1, "nothing was removed (the one is the key's): {body}");
    assert!(body.contains("0 words removed, 6 added."), "{body}");
    assert!(body.contains("Sections unchanged") && body.contains("About the report"), "{body}");
    assert!(site.audit_text().contains("psr changes since returned"), "the read is audited");

    // Another team's case worker is refused, with none of it.
    let mut tom = Http::new(&site);
    assert_eq!(tom.sign_in("Tom Ashworth", PASSWORD).status, 303);
    let refused = tom.get(&format!("{doc}/changes"));
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("accepts what he did"));
}

/// Review L11: a manager from another team who returns a document they
/// were asked to gatekeep is no longer its reviewer; the page after the
/// step is their cases with what they did, not a refusal.
#[test]
fn a_manager_who_returns_a_document_lands_on_their_cases_not_a_refusal() {
    let site = site();
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    let csrf = priya.get("/cases/NYJS-2026-0117/psr").hidden("_csrf");
    let form = [("_csrf", csrf.as_str()), ("to", "Ruth Okafor")];
    assert_eq!(priya.post("/cases/NYJS-2026-0117/psr/submit", &form, &[]).status, 303);
    let mut ruth = Http::new(&site);
    ruth.sign_in("Ruth Okafor", PASSWORD);
    assert_eq!(ruth.get("/cases/NYJS-2026-0117/psr").status, 200, "submitted to her");
    let csrf = ruth.get("/cases").hidden("_csrf");
    let form = [("_csrf", csrf.as_str()), ("decision", "return"), ("comment.general", "Say more")];
    let reply = ruth.post("/cases/NYJS-2026-0117/psr/review", &form, &[]);
    assert_eq!((reply.status, reply.location.as_deref()), (303, Some("/cases")));
    let page = ruth.get("/cases");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Pre-Sentence Report returned with your comments."), "{}", page.body);
    // The rule itself is unchanged: the returned document is not hers to see.
    assert_eq!(ruth.get("/cases/NYJS-2026-0117/psr").status, 403);
    // Her own team's manager, returning, goes back to the document as before.
    let csrf = priya.get("/cases").hidden("_csrf");
    let form = [("_csrf", csrf.as_str()), ("to", "Declan Hughes")];
    assert_eq!(priya.post("/cases/NYJS-2026-0117/psr/submit", &form, &[]).status, 303);
    let mut declan = Http::new(&site);
    declan.sign_in("Declan Hughes", PASSWORD);
    let csrf = declan.get("/cases").hidden("_csrf");
    let form = [("_csrf", csrf.as_str()), ("decision", "return"), ("comment.general", "Say more")];
    let reply = declan.post("/cases/NYJS-2026-0117/psr/review", &form, &[]);
    assert_eq!(reply.location.as_deref(), Some("/cases/NYJS-2026-0117/psr"));
}

/// Review H2, replayed without script: Priya saves the plan's first target;
/// Sarah, from her older page, saves her own wording of it. Her Save is
/// refused with both versions of the row and the choice between them, and
/// sent again unseen it is refused again: the other's row is never
/// overwritten without being shown. Keeping what was saved keeps Priya's.
/// Two targets added at once are both kept.
#[test]
fn a_row_both_changed_is_shown_both_ways_without_script_and_never_overwritten_unseen() {
    type Values = std::collections::BTreeMap<String, String>;
    let site = site();
    let plan = "/cases/NYJS-2026-0117/intervention-plan/edit/plan";
    let cell = "intervention_plan.targets[0].target";
    let targets = || -> Vec<String> {
        let text = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
        let case: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rows = case["intervention_plan"]["targets"].as_array().unwrap().clone();
        rows.iter().map(|t| t["target"].as_str().unwrap_or_default().to_owned()).collect()
    };
    let open = |http: &mut Http| -> (String, String, Values) {
        let page = http.get(plan);
        assert_eq!(page.status, 200);
        let values: Values = serde_json::from_str(&unescape(&page.hidden("_base"))).unwrap();
        (page.hidden("_csrf"), page.hidden("_version"), values)
    };
    // A Save without script: every field of the page, its version and base.
    let save = |http: &mut Http,
                csrf: &str,
                version: &str,
                base: &Values,
                values: &Values,
                extra: &[(&str, &str)]| {
        let base = serde_json::to_string(base).unwrap();
        let mut form = vec![("_csrf", csrf), ("_version", version), ("_base", base.as_str())];
        form.extend(values.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        form.extend_from_slice(extra);
        http.post(plan, &form, &[])
    };
    let (mut priya, mut sarah) = (Http::new(&site), Http::new(&site));
    priya.sign_in("Priya Natarajan", PASSWORD);
    sarah.sign_in("Sarah Bennett", PASSWORD);
    let (p_csrf, p_version, p_page) = open(&mut priya);
    let (s_csrf, s_version, s_page) = open(&mut sarah);
    assert!(p_page.contains_key(cell), "{:?}", p_page.keys());
    let rows = targets().len();

    let mut mine = p_page.clone();
    mine.insert(cell.into(), "ROWWORDS-A Priya's wording.".into());
    assert_eq!(save(&mut priya, &p_csrf, &p_version, &p_page, &mine, &[]).status, 303);
    let mut hers = s_page.clone();
    hers.insert(cell.into(), "ROWWORDS-B Sarah's wording.".into());
    let conflict = save(&mut sarah, &s_csrf, &s_version, &s_page, &hers, &[]);
    assert_eq!(conflict.status, 409);
    let body = unescape(&conflict.body);
    assert!(body.contains("This section changed while you were writing"), "{body}");
    let meanwhile = body.split("Saved meanwhile").nth(1).expect("the other's version of the row is shown");
    let meanwhile = meanwhile.split("</ul>").next().unwrap();
    assert!(meanwhile.contains("ROWWORDS-A Priya's wording."), "{meanwhile}");
    assert!(body.contains("value=\"ROWWORDS-B Sarah's wording.\""), "hers stays in the box");
    let at = conflict.body.find("name=\"_keep.rows:").expect("a choice for the row");
    let choice = conflict.body[at + 6..].split('"').next().unwrap().to_owned();
    assert!(choice.starts_with("_keep.rows:intervention_plan.targets:"), "{choice}");
    assert!(conflict.body.contains(&format!("name=\"{choice}\" value=\"saved\"")));
    assert!(targets()[0] == "ROWWORDS-A Priya's wording.", "nothing overwritten: {:?}", targets());

    // Her old page's Save again, unseen: refused again, nothing overwritten.
    assert_eq!(save(&mut sarah, &s_csrf, &s_version, &s_page, &hers, &[]).status, 409);
    assert!(
        targets()[0] == "ROWWORDS-A Priya's wording." && !targets().iter().any(|t| t.contains("ROWWORDS-B"))
    );

    // From the conflict page, keeping what was saved: Priya's row stays.
    let (c_version, c_base) = (conflict.hidden("_version"), unescape(&conflict.hidden("_base")));
    let c_base: Values = serde_json::from_str(&c_base).unwrap();
    let kept = save(&mut sarah, &s_csrf, &c_version, &c_base, &hers, &[(&choice, "saved")]);
    assert_eq!(kept.status, 303, "{}", kept.body);
    assert_eq!(targets()[0], "ROWWORDS-A Priya's wording.");
    assert!(!targets().iter().any(|t| t.contains("ROWWORDS-B")), "{:?}", targets());
    assert_eq!(targets().len(), rows);

    // Both add a target in the blank row at once: both kept.
    let (p_csrf, p_version, p_page) = open(&mut priya);
    let (s_csrf, s_version, s_page) = open(&mut sarah);
    let blank = format!("intervention_plan.targets[{rows}].target");
    let (mut mine, mut hers) = (p_page.clone(), s_page.clone());
    mine.insert(blank.clone(), "ROWWORDS-C Priya's new target.".into());
    hers.insert(blank, "ROWWORDS-D Sarah's new target.".into());
    assert_eq!(save(&mut priya, &p_csrf, &p_version, &p_page, &mine, &[]).status, 303);
    let second = save(&mut sarah, &s_csrf, &s_version, &s_page, &hers, &[]);
    assert_eq!(second.status, 303, "{}", second.body);
    let now = targets();
    assert_eq!(now.len(), rows + 2, "{now:?}");
    assert!(now.contains(&"ROWWORDS-C Priya's new target.".to_owned()));
    assert!(now.contains(&"ROWWORDS-D Sarah's new target.".to_owned()));
}

/// Issue 25 item 6: a progress report is started from the workspace once
/// the court has asked for one (the case system's "Progress report
/// requested"), and not before.
#[test]
fn a_progress_report_is_started_from_the_case_page_once_the_court_asks() {
    let site = site();
    let file = site.case_file("yro-custody-possible.json");
    let case_page = "/cases/NYJS-2026-0117";
    let start = "/cases/NYJS-2026-0117/progress-report/start";
    let mut priya = Http::new(&site);
    priya.sign_in("Priya Natarajan", PASSWORD);
    assert!(!priya.get(case_page).body.contains(&format!("action=\"{start}\"")), "no Start yet");
    let said = post_step(&mut priya, start, &[]);
    assert!(said.contains("Not started: the court has not asked for a progress report"), "{said}");
    let mut case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(case.get("progress_report").is_none());
    case["court"]["report_requested"] = "progress_report".into();
    case["court"]["report_requested_date"] = "2026-11-20".into();
    std::fs::write(&file, serde_json::to_string_pretty(&case).unwrap()).unwrap();

    let page = priya.get(case_page).body.replace("&#x2f;", "/");
    assert!(page.contains(&format!("action=\"{start}\"")), "a Start button: {page}");
    let said = post_step(&mut priya, start, &[]);
    assert!(said.contains("Progress Report started"), "{said}");
    let after: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(after["progress_report"], serde_json::json!({"requested_date": "2026-11-20"}));
    assert_eq!(after["psr"], case["psr"], "nothing else changes");
    let doc = priya.get("/cases/NYJS-2026-0117/progress-report").body.replace("&#x2f;", "/");
    let at = doc.find("/cases/NYJS-2026-0117/progress-report/edit/").expect("a section to write");
    let editor = doc[at..].split('"').next().unwrap().to_owned();
    assert_eq!(priya.get(&editor).status, 200, "{editor}");
    assert!(site.audit_text().contains("\"what\":\"start\",\"outcome\":\"done\""), "{}", site.audit_text());
}
