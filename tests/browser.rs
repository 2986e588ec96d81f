//! The workspace in a real browser: headless Chromium driven through its
//! WebDriver. A writer signs in, edits a PSR section, sees the preview and a
//! language finding update, and submits; a manager returns it with a
//! comment; the writer amends and resubmits; two managers of different
//! teams agree, the first after seeing what changed since he returned it;
//! the final is made and appears in a transfer export. Every
//! page is checked with axe-core, and a script in case data stays inert.
//! Screenshots go to `target/screenshots/` (and to `docs/images/` with
//! `CASEPRESS_UPDATE_SCREENSHOTS=1`).

mod common;

use std::path::Path;

use common::web::{Browser, PASSWORD, Site, axe_source, site, wait_until};
use fantoccini::{Client, Locator};

const CASE: &str = "NYJS-2026-0117";

async fn go(c: &Client, site: &Site, path: &str) {
    c.goto(&format!("{}{path}", site.url())).await.unwrap();
}

async fn sign_in(c: &Client, site: &Site, name: &str) {
    go(c, site, "/sign-in").await;
    c.find(Locator::Id("name")).await.unwrap().send_keys(name).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_until("the case list shows", || async { text(c).await.contains("Your cases") }).await;
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("form[action='/sign-out'] button")).await.unwrap().click().await.unwrap();
    wait_until("the sign-in page shows", || async { text(c).await.contains("Sign in") }).await;
}

async fn text(c: &Client) -> String {
    match c.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// Runs axe-core on the page; fails on any WCAG 2.2 A or AA violation.
async fn accessible(c: &Client, page: &str) {
    c.execute(&format!("{}\nreturn true;", axe_source()), vec![]).await.unwrap();
    let run = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
          .then(r => done(JSON.stringify({ passes: r.passes.length, violations: r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })) })))
          .catch(e => done('axe failed: ' + e));
    "#;
    let found = c.execute_async(run, vec![]).await.unwrap();
    let found: serde_json::Value = serde_json::from_str(found.as_str().unwrap())
        .unwrap_or_else(|_| panic!("{page}: axe did not run: {found}"));
    assert!(found["passes"].as_u64().unwrap() >= 10, "{page}: axe checked almost nothing: {found}");
    assert_eq!(found["violations"], serde_json::json!([]), "{page}: accessibility violations");
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(root.join("target/screenshots")).unwrap();
    std::fs::write(root.join("target/screenshots").join(name), &png).unwrap();
    if std::env::var_os("CASEPRESS_UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(root.join("docs/images").join(name), &png).unwrap();
    }
}

async fn flash(c: &Client) -> String {
    match c.find(Locator::Css(".notice")).await {
        Ok(n) => n.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Empties the save status, so that the next "Saved at" is a new save.
async fn reset_status(c: &Client) {
    c.execute(
        "const s = document.getElementById('save-status'); if (s) { s.textContent = ''; } return true;",
        vec![],
    )
    .await
    .unwrap();
}

async fn type_into(c: &Client, id: &str, words: &str) {
    reset_status(c).await;
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(words).await.unwrap();
}

async fn saved(c: &Client) {
    wait_until("the autosave says saved", || async {
        let status = c.find(Locator::Id("save-status")).await.unwrap().text().await.unwrap_or_default();
        status.starts_with("Saved at")
    })
    .await;
}

async fn preview_stamp(c: &Client) -> String {
    let img = c.find(Locator::Css("#pages img")).await.unwrap();
    img.attr("src").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_psr_from_first_words_to_a_final_in_a_transfer_export() {
    let site = site();
    let browser = Browser::start().await;
    let c = &browser.client;

    // The writer signs in and finds the case.
    go(c, &site, "/sign-in").await;
    accessible(c, "sign-in").await;
    sign_in(c, &site, "Priya Natarajan").await;
    accessible(c, "case list").await;
    click(c, &format!("a[href='/cases/{CASE}']")).await;
    wait_until("the case page", || async { text(c).await.contains("Documents") }).await;
    accessible(c, "case page").await;

    // She edits the offence analysis; the preview and the findings follow.
    go(c, &site, &format!("/cases/{CASE}/psr/edit/offence")).await;
    let before = preview_stamp(c).await;
    assert!(!text(c).await.contains("entrenched"));
    type_into(
        c,
        "f-psr-offence-analysis-seriousness",
        "Jay took a phone at knifepoint. His offending is entrenched.",
    )
    .await;
    saved(c).await;
    wait_until("the language finding appears", || async { text(c).await.contains("“entrenched”") }).await;
    wait_until("the preview is redrawn", || async { preview_stamp(c).await != before }).await;
    let file = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
    assert!(file.contains("His offending is entrenched."), "autosaved into the case file");
    accessible(c, "editor").await;
    screenshot(c, "workspace-editor.png").await;

    // She submits it to her manager and a second manager from another team.
    go(c, &site, &format!("/cases/{CASE}/psr")).await;
    accessible(c, "document page").await;
    c.find(Locator::Id("to-2")).await.unwrap().select_by_value("Ruth Okafor").await.unwrap();
    click(c, &format!("form[action='/cases/{CASE}/psr/submit'] button")).await;
    wait_until("submitted", || async {
        flash(c).await.contains("submitted to Declan Hughes and Ruth Okafor")
    })
    .await;
    sign_out(c).await;

    // Her manager reads it and returns it with a comment on one section.
    sign_in(c, &site, "Declan Hughes").await;
    assert!(text(c).await.contains("Waiting for your review"));
    accessible(c, "a manager's case list").await;
    screenshot(c, "workspace-cases.png").await;
    click(c, &format!("#waiting + table a[href='/cases/{CASE}/psr']")).await;
    wait_until("the review form", || async { text(c).await.contains("Your review") }).await;
    accessible(c, "gatekeeping view").await;
    screenshot(c, "workspace-gatekeeping.png").await;
    type_into(c, "comment-offence", "Please drop 'entrenched': one previous caution is not a pattern.").await;
    click(c, "button[value=return]").await;
    wait_until("returned", || async { flash(c).await.contains("returned with your comments") }).await;
    sign_out(c).await;

    // The writer sees the comment, amends, signs and resubmits. Her list
    // says what waits for her.
    sign_in(c, &site, "Priya Natarajan").await;
    let waiting = c.find(Locator::Css("#waiting + table")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains("Returned to you"), "{waiting}");
    accessible(c, "a writer's case list with a return waiting").await;
    screenshot(c, "workspace-returned-to-you.png").await;
    go(c, &site, &format!("/cases/{CASE}/psr/edit/offence")).await;
    assert!(text(c).await.contains("one previous caution is not a pattern"), "the return's comment shows");
    type_into(
        c,
        "f-psr-offence-analysis-seriousness",
        "Jay took a phone at knifepoint. He accepts what he did.",
    )
    .await;
    saved(c).await;
    wait_until("the language finding goes", || async { !text(c).await.contains("“entrenched”") }).await;
    go(c, &site, &format!("/cases/{CASE}/psr/edit/signature")).await;
    type_into(c, "f-psr-signed-name", "Priya Natarajan").await;
    set_date(c, "f-psr-signed-date", "2026-11-23").await;
    saved(c).await;
    wait_until("nothing left to complete", || async {
        text(c).await.contains("Still to complete for a final (0)")
    })
    .await;
    go(c, &site, &format!("/cases/{CASE}/psr")).await;
    c.find(Locator::Id("to-2")).await.unwrap().select_by_value("Ruth Okafor").await.unwrap();
    click(c, &format!("form[action='/cases/{CASE}/psr/submit'] button")).await;
    wait_until("resubmitted", || async { flash(c).await.contains("submitted") }).await;
    sign_out(c).await;

    // Her manager sees what changed since he returned it, word by word.
    sign_in(c, &site, "Declan Hughes").await;
    go(c, &site, &format!("/cases/{CASE}/psr")).await;
    let box_ = c.find(Locator::Css(".what-changed")).await.unwrap().text().await.unwrap();
    assert!(box_.contains("Sections changed: Offence analysis"), "{box_}");
    accessible(c, "a resubmission's page").await;
    screenshot(c, "workspace-resubmitted.png").await;
    click(c, &format!(".what-changed a[href='/cases/{CASE}/psr/changes']")).await;
    wait_until("what changed", || async { text(c).await.contains("What changed since it was returned") })
        .await;
    let removed = c.find(Locator::Css("#ch-offence ~ p.diff del")).await.unwrap().text().await.unwrap();
    assert!(removed.starts_with("REMOVED") && removed.contains("His offending is entrenched."), "{removed}");
    let added = c.find(Locator::Css("#ch-offence ~ p.diff ins")).await.unwrap().text().await.unwrap();
    assert!(added.starts_with("ADDED") && added.contains("He accepts what he did."), "{added}");
    accessible(c, "what changed").await;
    screenshot(c, "workspace-changes.png").await;
    sign_out(c).await;

    // Two managers of different teams agree.
    for manager in ["Declan Hughes", "Ruth Okafor"] {
        sign_in(c, &site, manager).await;
        go(c, &site, &format!("/cases/{CASE}/psr")).await;
        click(c, "button[value=agree]").await;
        wait_until("agreed", || async { flash(c).await.contains("agreed") }).await;
        sign_out(c).await;
    }

    // The writer makes it final.
    sign_in(c, &site, "Priya Natarajan").await;
    go(c, &site, &format!("/cases/{CASE}/psr")).await;
    click(c, &format!("form[action='/cases/{CASE}/psr/final'] button")).await;
    wait_until("final", || async { flash(c).await.contains("made final") }).await;
    assert!(text(c).await.contains("Final"));
    // …and records that it went to the court (the court is offered).
    let to = c.find(Locator::Id("sent-to")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(to, "Northfield Youth Court");
    click(c, &format!("form[action='/cases/{CASE}/psr/sent'] button")).await;
    wait_until("sent", || async { flash(c).await.contains("recorded as sent to Northfield Youth Court") })
        .await;
    // The page now shows the final as issued, not a draft, and lists the
    // papers, each opened by its file name (no child's name in the address).
    assert!(text(c).await.contains("The final, as issued"));
    let link = c.find(Locator::Css("section.preview a")).await.unwrap().attr("href").await.unwrap().unwrap();
    assert!(
        link.starts_with(&format!("/cases/{CASE}/psr/papers/{CASE}_psr_")) && !link.contains("_draft"),
        "{link}"
    );
    let papers = c.find_all(Locator::Css("ul.papers a")).await.unwrap();
    assert!(papers.len() >= 2, "the final and the drafts");
    accessible(c, "document page with the final").await;
    screenshot(c, "workspace-final.png").await;

    // The final is what a transfer export carries.
    let config = common::web::site_config(site.dir.path());
    let press = casepress::press::Press::new(config).unwrap();
    let out = site.dir.path().join("exports");
    let transfer = casepress::export::ExportOptions {
        purpose: casepress::export::Purpose::Transfer,
        out,
        to: "Eastshire Youth Justice Service".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        drafts: false,
        once: false,
    };
    let bundle = casepress::export::export_case(&press, CASE, &transfer).unwrap();
    let zip = zip::ZipArchive::new(std::fs::File::open(bundle.path()).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        names.iter().any(|n| n.contains("psr") && !n.contains("draft") && n.ends_with(".pdf")),
        "{names:?}"
    );

    // Every step is in the audit log, with no child's name in it.
    let audit = site.audit_text();
    for what in [
        "\"what\":\"write\"",
        "\"what\":\"submitted\"",
        "\"what\":\"returned\"",
        "\"what\":\"agreed\"",
        "\"what\":\"final\"",
        "\"what\":\"sent\"",
    ] {
        assert!(audit.contains(what), "{what}");
    }
    assert!(!audit.contains("Whitfield") && !audit.contains("knifepoint"));
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_in_case_data_stays_inert_text() {
    let site = site();
    let browser = Browser::start().await;
    let c = &browser.client;
    sign_in(c, &site, "Priya Natarajan").await;
    for path in ["/cases/NYJS-2026-0161", "/cases/NYJS-2026-0161/psr/edit/about", "/cases/NYJS-2026-0161/psr"]
    {
        go(c, &site, path).await;
        assert!(c.get_alert_text().await.is_err(), "{path}: an alert opened");
        let marker = c.execute("return window.__casepress_pwned === undefined;", vec![]).await.unwrap();
        assert_eq!(marker, serde_json::Value::Bool(true));
        accessible(c, path).await;
    }
    go(c, &site, "/cases/NYJS-2026-0161").await;
    assert!(text(c).await.contains("O'Brien-Núñez"), "the hostile case's name shows literally");
    go(c, &site, "/cases/NYJS-2026-0161/psr/edit/about").await;
    let intro = c
        .find(Locator::Id("f-psr-introduction"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    if std::fs::read_to_string(site.case_file("hostile-and-non-latin.json"))
        .unwrap()
        .contains("\"introduction\"")
    {
        assert!(!intro.is_empty());
    }
    browser.stop().await;
}

async fn focused(c: &Client) -> String {
    let el = c.active_element().await.unwrap();
    let id = el.attr("id").await.unwrap().unwrap_or_default();
    if id.is_empty() { el.text().await.unwrap_or_default() } else { id }
}

async fn press(c: &Client, keys: &str) {
    c.active_element().await.unwrap().send_keys(keys).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_signs_in_in_order_and_lands_on_the_error_summary() {
    use fantoccini::key::Key;
    let site = site();
    let browser = Browser::start().await;
    let c = &browser.client;
    go(c, &site, "/sign-in").await;
    let mut order = Vec::new();
    for _ in 0..5 {
        press(c, &Key::Tab.to_string()).await;
        order.push(focused(c).await);
    }
    assert_eq!(
        order,
        ["Skip to main content", "Northfield Youth Justice Service casepress", "name", "password", "Sign in"]
    );
    // Back to the name: type it, then the password, then Enter.
    c.find(Locator::Id("name")).await.unwrap().click().await.unwrap();
    press(c, "Priya Natarajan").await;
    press(c, &Key::Tab.to_string()).await;
    press(c, PASSWORD).await;
    press(c, &Key::Enter.to_string()).await;
    wait_until("signed in", || async { text(c).await.contains("Your cases") }).await;

    // A bad value, sent with Enter (no mouse): the page opens on the error
    // summary, which names the field and links to it.
    go(c, &site, &format!("/cases/{CASE}/psr/edit/proposal")).await;
    let length = c.find(Locator::Id("f-psr-proposal-length-months")).await.unwrap();
    // Clearing the field is a change the page saves by itself; Enter may
    // come while that save is on its way: the form waits for its answer, so
    // it is never a conflict with the writer's own save.
    length.clear().await.unwrap();
    length.click().await.unwrap();
    press(c, "twelve").await;
    press(c, &Key::Enter.to_string()).await;
    wait_until("the error summary", || async { text(c).await.contains("There is a problem") }).await;
    let active = c.active_element().await.unwrap();
    assert_eq!(active.attr("class").await.unwrap().as_deref(), Some("error-summary"));
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#f-psr-proposal-length-months"));
    assert!(link.text().await.unwrap().contains("twelve is not a whole number"));
    accessible(c, "editor with an error").await;
    screenshot(c, "workspace-error.png").await;
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_gets_a_target_row_and_signatures_and_is_made_final() {
    let site = site();
    let browser = Browser::start().await;
    let c = &browser.client;
    sign_in(c, &site, "Priya Natarajan").await;
    go(c, &site, &format!("/cases/{CASE}/intervention-plan/edit/plan")).await;
    accessible(c, "plan editor").await;
    // The blank row after the three targets adds a fourth.
    type_into(c, "f-intervention-plan-targets-3--target", "Go to college three days a week").await;
    saved(c).await;
    set_date(c, "f-intervention-plan-qa-meeting-date", "2026-11-20").await;
    saved(c).await;
    // The young person's own answer, with its day: a plan is agreed with them.
    c.find(Locator::Id("f-intervention-plan-child-agrees"))
        .await
        .unwrap()
        .select_by_value("agrees")
        .await
        .unwrap();
    set_date(c, "f-intervention-plan-child-answered", "2026-11-23").await;
    saved(c).await;
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap();
    let targets = case["intervention_plan"]["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 4);
    assert_eq!(targets[3]["target"], "Go to college three days a week");
    assert_eq!(case["intervention_plan"]["qa_meeting_date"], "2026-11-20");
    assert_eq!(case["intervention_plan"]["child_agrees"], "agrees");

    go(c, &site, &format!("/cases/{CASE}/intervention-plan")).await;
    assert!(
        c.find(Locator::Css(&format!("form[action='/cases/{CASE}/intervention-plan/final']"))).await.is_err(),
        "not final before it is signed"
    );
    go(c, &site, &format!("/cases/{CASE}/intervention-plan/edit/signatures")).await;
    type_into(c, "f-intervention-plan-signatures-young-person-name", "Jay Whitfield").await;
    set_date(c, "f-intervention-plan-signatures-young-person-date", "2026-11-23").await;
    type_into(c, "f-intervention-plan-signatures-case-manager-name", "Priya Natarajan").await;
    set_date(c, "f-intervention-plan-signatures-case-manager-date", "2026-11-23").await;
    saved(c).await;
    go(c, &site, &format!("/cases/{CASE}/intervention-plan")).await;
    assert!(text(c).await.contains("parent/carer's signature"), "what is still missing is listed");
    assert!(
        c.find(Locator::Css(&format!("form[action='/cases/{CASE}/intervention-plan/final']"))).await.is_err()
    );
    go(c, &site, &format!("/cases/{CASE}/intervention-plan/edit/signatures")).await;
    type_into(c, "f-intervention-plan-signatures-parent-carer-name", "Karen Whitfield").await;
    set_date(c, "f-intervention-plan-signatures-parent-carer-date", "2026-11-23").await;
    type_into(c, "f-intervention-plan-signatures-manager-name", "Declan Hughes").await;
    set_date(c, "f-intervention-plan-signatures-manager-date", "2026-11-23").await;
    saved(c).await;
    go(c, &site, &format!("/cases/{CASE}/intervention-plan")).await;
    click(c, &format!("form[action='/cases/{CASE}/intervention-plan/final'] button")).await;
    wait_until("the step's outcome", || async { !flash(c).await.is_empty() }).await;
    let said = flash(c).await;
    assert!(said.contains("made final"), "{said}");
    let docs = site.dir.path().join(format!("out/cases/{CASE}/documents"));
    let finals: Vec<String> = std::fs::read_dir(docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("intervention-plan") && !n.contains("draft"))
        .collect();
    assert_eq!(finals.len(), 1, "{finals:?}");
    browser.stop().await;
}

/// Sets a date input the way a date picker does (its typed format follows
/// the browser's locale).
async fn set_date(c: &Client, id: &str, date: &str) {
    reset_status(c).await;
    let input = c.find(Locator::Id(id)).await.unwrap();
    c.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        vec![serde_json::to_value(&input).unwrap(), serde_json::Value::String(date.into())],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statements_desk_for_admin_staff_and_a_duty_managers_attach() {
    let site = common::web::site_with_filed_statements();
    let browser = Browser::start().await;
    let c = &browser.client;

    // Admin staff see what needs someone, with the duty officer's steps, but do not attach.
    sign_in(c, &site, "Aisha Khan").await;
    click(c, "a[href='/desk']").await;
    wait_until("the desk", || async { text(c).await.contains("Statements desk") }).await;
    let page = text(c).await;
    for section in [
        "Safety Link escalations (",
        "Waiting past their target (",
        "Unidentified, awaiting a duty manager's decision (2)",
        "Unreadable files (",
        "Still in the inbox (",
    ] {
        assert!(page.contains(section), "{section}: {page}");
    }
    assert!(page.contains("MOMO-20438") && page.contains("cross-references the name"));
    assert!(c.find(Locator::Css("form[action='/desk/attach']")).await.is_err(), "admin staff do not attach");
    accessible(c, "statements desk").await;
    screenshot(c, "workspace-desk.png").await;
    sign_out(c).await;

    // A case manager has no desk.
    sign_in(c, &site, "Priya Natarajan").await;
    assert!(c.find(Locator::Css("a[href='/desk']")).await.is_err());
    go(c, &site, "/desk").await;
    assert!(text(c).await.contains("for admin staff and managers"));
    go(c, &site, "/cases").await;
    sign_out(c).await;

    // The duty manager knows "Kai" (a wrong date of birth): attach to Kai's case.
    sign_in(c, &site, "Gemma Rowe").await;
    go(c, &site, "/desk").await;
    let row = c
        .find(Locator::XPath(
            "//h2[@id='unidentified']/following::table[1]//tr[td[contains(., 'MOMO-20438')]]",
        ))
        .await
        .unwrap();
    row.find(Locator::Css("input[name=case_id]")).await.unwrap().send_keys("NYJS-2026-0190").await.unwrap();
    row.find(Locator::Css("input[name=reason]"))
        .await
        .unwrap()
        .send_keys("Kai is known to us; the portal has the wrong date of birth")
        .await
        .unwrap();
    row.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    wait_until("attached", || async { flash(c).await.contains("attached to case NYJS-2026-0190 and filed") })
        .await;
    assert!(text(c).await.contains("Unidentified, awaiting a duty manager's decision (1)"));
    let filed = site.dir.path().join("out/cases/NYJS-2026-0190/statements");
    assert!(
        std::fs::read_dir(filed).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("MOMO-20438"))
    );
    let audit = site.audit_text();
    assert!(audit.contains("\"what\":\"attached\"") && audit.contains("statement MOMO-20438"));
    browser.stop().await;
}

/// Signing out straight after typing saves the words first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_straight_after_typing_saves_the_words_first() {
    let site = site();
    let browser = Browser::start().await;
    let c = &browser.client;
    sign_in(c, &site, "Priya Natarajan").await;
    go(c, &site, &format!("/cases/{CASE}/psr/edit/offence")).await;
    let field = c.find(Locator::Id("f-psr-offence-analysis-seriousness")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("Typed just before signing out.").await.unwrap();
    sign_out(c).await;
    let case = std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap();
    assert!(case.contains("Typed just before signing out."), "the words were saved before signing out");
    browser.stop().await;
}
