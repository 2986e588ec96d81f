//! The workspace over HTTP, without a browser: who may sign in and see
//! what, CSRF, the throttle, sessions after sign-out, escaping and headers,
//! saving with conflicts, limits, and the audit log. The browser journeys
//! are in `browser.rs`.

mod common;

use common::web::{Http, PASSWORD, site, site_with};

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
    assert!(audit.contains("\"what\":\"refused\""));
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
    let site = site_with(|c| c.workspace.secure_cookies = true);
    let mut http = Http::new(&site);
    assert!(http.get("/sign-in").header("set-cookie").unwrap().contains("Secure"));
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

fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
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
    assert_eq!(std::fs::read(site.case_file("yro-custody-possible.json")).unwrap(), before);
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
