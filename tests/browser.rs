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

use common::web::{Browser, PASSWORD, Site, axe_source, sample_code, site, site_with_idle, wait_until};
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
    second_factor(c, site, name).await;
}

/// The code page after the password: the sample account's code, then on to
/// the case list.
async fn second_factor(c: &Client, site: &Site, name: &str) {
    wait_until("the code page shows", || async { text(c).await.contains("authenticator app") }).await;
    let code = sample_code(&site.url(), name);
    c.find(Locator::Id("code")).await.unwrap().send_keys(&code).await.unwrap();
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

/// Clicks as a person does: with the element scrolled to the middle of
/// the window, never under the editor's sticky Save bar.
async fn click(c: &Client, css: &str) {
    // A save's answer may lay an untouched table's rows afresh between
    // finding an element and clicking it: find it again.
    for attempt in 1.. {
        let el = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        let arg = serde_json::to_value(&el).unwrap();
        let clicked = async {
            c.execute("arguments[0].scrollIntoView({block: 'center'}); return true;", vec![arg]).await?;
            el.click().await
        };
        match clicked.await {
            Ok(()) => return,
            Err(e) if stale(&e) && attempt < 5 => {}
            Err(e) => panic!("clicking {css}: {e}"),
        }
    }
}

/// The element found is gone: the page replaced it.
fn stale(e: &fantoccini::error::CmdError) -> bool {
    matches!(e, fantoccini::error::CmdError::Standard(w) if w.error == fantoccini::error::ErrorStatus::StaleElementReference)
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
    // A save's answer may lay an untouched table's rows afresh (others'
    // rows merged in) between finding a field and typing: find it again.
    for attempt in 1.. {
        let field = c.find(Locator::Id(id)).await.unwrap();
        let typed = async {
            field.clear().await?;
            field.send_keys(words).await
        };
        match typed.await {
            Ok(()) => return,
            Err(e) if stale(&e) && attempt < 5 => {}
            Err(e) => panic!("typing into {id}: {e}"),
        }
    }
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
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
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
        cases: Vec::new(),
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
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
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
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
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
    wait_until("the code page", || async { text(c).await.contains("authenticator app") }).await;
    c.find(Locator::Id("code")).await.unwrap().click().await.unwrap();
    press(c, &sample_code(&site.url(), "Priya Natarajan")).await;
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
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
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
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
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
    assert!(
        audit.contains("\"what\":\"attach\",\"outcome\":\"done\"")
            && audit.contains("statement MOMO-20438: filed")
    );
    browser.stop().await;
}

/// Signing out straight after typing saves the words first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
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

/// The proposal's reasons count their characters under the box as the
/// writer types, against the limit of 4,000 (the MoJ pre-sentence
/// service's); past it the page says by how much, and nothing is saved
/// until the text is short enough.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn the_proposals_reasons_count_their_characters_as_the_writer_types() {
    let site = site();
    let browser = Browser::start().await;
    let c = &browser.client;
    sign_in(c, &site, "Priya Natarajan").await;
    go(c, &site, &format!("/cases/{CASE}/psr/edit/proposal")).await;
    let id = "f-psr-proposal-rationale";
    let count = || async { c.find(Locator::Id(&format!("{id}-count"))).await.unwrap().text().await.unwrap() };
    // A draft pasted in (one change, as a paste is), then three letters typed.
    let draft: String =
        "He has kept every appointment since August. ".repeat(100).chars().take(3_998).collect();
    c.execute(
        "const f = document.getElementById(arguments[0]); f.value = arguments[1]; \
         f.dispatchEvent(new Event('input', { bubbles: true })); return true;",
        vec![serde_json::json!(id), serde_json::json!(draft)],
    )
    .await
    .unwrap();
    wait_until("the count follows the paste", || async { count().await == "3,998 of 4,000 characters" })
        .await;
    saved(c).await;
    reset_status(c).await;
    c.find(Locator::Id(id)).await.unwrap().send_keys("Yes").await.unwrap();
    wait_until("the count says how many too many", || async {
        count().await == "4,001 of 4,000 characters: 1 too many"
    })
    .await;
    wait_until("the page says why it is not saved", || async {
        let status = c.find(Locator::Id("save-status")).await.unwrap().text().await.unwrap_or_default();
        status == "Not saved yet: 1 field(s) to put right."
    })
    .await;
    let shown = c.find(Locator::Id(&format!("{id}-count"))).await.unwrap();
    assert_eq!(shown.attr("class").await.unwrap().as_deref(), Some("hint char-count over"), "marked as over");
    let error = c.find(Locator::Id(&format!("{id}-js-error"))).await.unwrap().text().await.unwrap();
    assert!(error.contains("at most 4,000 characters: this has 4,001"), "{error}");
    let case_file = site.case_file("yro-custody-possible.json");
    let rationale = || -> usize {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&case_file).unwrap()).unwrap();
        case["psr"]["proposal"]["rationale"].as_str().unwrap().chars().count()
    };
    assert_eq!(rationale(), 3_998, "the file keeps the last text within the limit");
    accessible(c, "a text over its limit").await;
    screenshot(c, "workspace-count.png").await;
    // Two letters taken off: within the limit, and saved.
    c.find(Locator::Id(id)).await.unwrap().send_keys("\u{E003}\u{E003}").await.unwrap();
    wait_until("the count comes down", || async { count().await == "3,999 of 4,000 characters" }).await;
    saved(c).await;
    assert_eq!(rationale(), 3_999, "the text as typed, within the limit");
    assert!(
        c.find(Locator::Id(&format!("{id}-js-error"))).await.is_err(),
        "the error goes once it is put right"
    );
    browser.stop().await;
}

/// One writer in a browser, typing tagged words into one field.
struct Typist<'a> {
    c: &'a Client,
    tag: &'static str,
    field: &'static str,
    typed: usize,
    /// Words on the current page, with the input count after each.
    pending: Vec<(String, u64)>,
    /// Words the page was answered "saved" for.
    saved: std::collections::BTreeSet<String>,
    conflicts: usize,
}

impl<'a> Typist<'a> {
    fn new(c: &'a Client, tag: &'static str, field: &'static str) -> Self {
        Self { c, tag, field, typed: 0, pending: Vec::new(), saved: Default::default(), conflicts: 0 }
    }

    async fn form_number(&self, attr: &str) -> u64 {
        let js = format!(
            "const f = document.getElementById('editor'); return f ? Number(f.getAttribute('{attr}') || 0) : -1;"
        );
        self.c.execute(&js, vec![]).await.unwrap().as_i64().unwrap_or(-1).max(0) as u64
    }

    /// Words whose input a save that answered "saved" covered.
    async fn collect(&mut self) {
        let upto = self.form_number("data-saved-upto").await;
        let (done, rest): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|(_, n)| *n <= upto);
        self.saved.extend(done.into_iter().map(|(w, _)| w));
        self.pending = rest;
    }

    async fn type_word(&mut self) {
        let word = format!("{}{}", self.tag, self.typed);
        self.typed += 1;
        let Ok(field) = self.c.find(Locator::Id(self.field)).await else { return };
        if field.send_keys(&format!(" {word}")).await.is_err() {
            return;
        }
        let n = self.form_number("data-typed").await;
        self.pending.push((word, n));
        self.collect().await;
    }

    /// On a conflict page: both texts are there; the writer keeps both and saves.
    async fn resolve_if_asked(&mut self, other: &str) -> bool {
        if self.c.find(Locator::Id("conflict-title")).await.is_err() {
            return false;
        }
        self.conflicts += 1;
        // What this page had typed and not yet been answered for is in the box, or lost
        // with a page that was left; either way it was never answered "saved".
        self.pending.clear();
        // Both texts read in one script: a save's answer may re-lay the page
        // between two WebDriver calls, leaving an element found by one stale.
        let read = "const t = document.querySelector('.saved-meanwhile .comments'); \
                    const f = document.getElementById(arguments[0]); \
                    return t && f ? [t.innerText, f.value] : null;";
        let mut both_texts = serde_json::Value::Null;
        for _ in 0..50 {
            both_texts = self.c.execute(read, vec![serde_json::json!(self.field)]).await.unwrap();
            if !both_texts.is_null() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let text_at = |i: usize| {
            both_texts[i].as_str().unwrap_or_else(|| panic!("the conflict page: {both_texts}")).to_owned()
        };
        let (theirs, mine) = (text_at(0), text_at(1));
        assert!(theirs.contains(other), "the conflict shows the other writer's words: {theirs}");
        assert_ne!(theirs.trim(), mine.trim(), "and the writer's own beside them");
        let mut both = theirs.clone();
        for w in mine.split_whitespace().filter(|w| !theirs.split_whitespace().any(|t| t == *w)) {
            both.push(' ');
            both.push_str(w);
        }
        self.c
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1]; return true;",
                vec![serde_json::json!(self.field), serde_json::json!(both)],
            )
            .await
            .unwrap();
        click(self.c, "#editor .buttons button[type=submit]").await;
        wait_until("the conflict is answered", || async {
            let t = text(self.c).await;
            t.contains("Saved.") || t.contains("This section changed")
        })
        .await;
        if text(self.c).await.contains("Saved.") && self.c.find(Locator::Id("conflict-title")).await.is_err()
        {
            // The Save answered "Saved.": the words in the box were saved.
            self.saved.extend(both.split_whitespace().filter(|w| w.starts_with(self.tag)).map(str::to_owned));
        }
        true
    }

    /// Types for `secs`, with pauses as people make.
    async fn type_for(&mut self, secs: u64, other: &str, conflicts_allowed: bool) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while std::time::Instant::now() < until {
            self.type_word().await;
            // Mostly quick, with a thinking pause (which saves) now and then.
            let pause = if self.typed % 6 == 5 {
                900 + (self.typed * 37 % 600)
            } else {
                120 + (self.typed * 97 % 300)
            };
            let pause = pause as u64;
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            if self.resolve_if_asked(other).await {
                assert!(conflicts_allowed, "{}: a conflict on a field only this writer typed in", self.tag);
            }
        }
        // The last save answers.
        for _ in 0..100 {
            if self.resolve_if_asked(other).await {
                continue;
            }
            self.collect().await;
            if self.pending.is_empty() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{}: the last words were never answered saved", self.tag);
    }
}

/// Two writers in two browsers type into one section for a minute (each
/// phase `CASEPRESS_SOAK_SECS`): first into different fields, where neither
/// ever meets a conflict and each page comes to show the other's words;
/// then into the same field, where every conflict shows both texts. Every
/// word a page was answered "saved" for is in the case file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn two_writers_in_two_browsers_lose_no_word_answered_saved() {
    let secs: u64 = std::env::var("CASEPRESS_SOAK_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let site = site();
    let (one, two) = two_writers_on_the_offence(&site).await;
    let (a, b) = (&one.client, &two.client);
    let case_text = |path: &str| -> String {
        let case: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap(),
        )
        .unwrap();
        path.split('.').fold(&case, |v, k| &v[k]).as_str().unwrap_or_default().to_owned()
    };
    // Different fields.
    let mut priya = Typist::new(a, "pri", "f-psr-offence-analysis-seriousness");
    let mut sarah = Typist::new(b, "sar", "f-psr-offence-analysis-victims");
    tokio::join!(priya.type_for(secs, "sar", false), sarah.type_for(secs, "pri", false));
    for (t, path) in [(&priya, "psr.offence_analysis.seriousness"), (&sarah, "psr.offence_analysis.victims")]
    {
        let words = case_text(path);
        let lost: Vec<_> =
            t.saved.iter().filter(|w| !words.split_whitespace().any(|x| x == w.as_str())).collect();
        assert!(lost.is_empty(), "{}: answered saved, not in the file: {lost:?}", t.tag);
        assert!(t.saved.len() >= 10, "{} typed and saved: {}", t.tag, t.saved.len());
    }
    // Priya's page shows Sarah's words once it saves again.
    priya.type_for(1, "sar", false).await;
    let shown =
        a.find(Locator::Id("f-psr-offence-analysis-victims")).await.unwrap().prop("value").await.unwrap();
    let shown = shown.unwrap_or_default();
    let missing: Vec<_> = sarah.saved.iter().filter(|w| !shown.contains(w.as_str())).collect();
    assert!(missing.is_empty(), "Priya's page shows what Sarah saved: missing {missing:?}");
    eprintln!(
        "different fields, {secs} s: Priya {} and Sarah {} words saved, 0 lost, 0 conflicts",
        priya.saved.len(),
        sarah.saved.len()
    );
    // The same field.
    let field = "f-psr-previous-offending";
    let mut priya = Typist { field, ..Typist::new(a, "prj", field) };
    let mut sarah = Typist { field, ..Typist::new(b, "sbb", field) };
    tokio::join!(priya.type_for(secs, "sbb", true), sarah.type_for(secs, "prj", true));
    let words = case_text("psr.previous_offending");
    for t in [&priya, &sarah] {
        let lost: Vec<_> =
            t.saved.iter().filter(|w| !words.split_whitespace().any(|x| x == w.as_str())).collect();
        assert!(lost.is_empty(), "{}: answered saved, not in the file: {lost:?}", t.tag);
    }
    // Both pages started from the same text of the field, and each typed
    // into it: whichever saved second had a conflict to be shown.
    assert!(priya.conflicts + sarah.conflicts >= 1, "the same field, and no conflict shown");
    eprintln!(
        "one field, {secs} s: Priya {} and Sarah {} words saved, 0 lost; {} and {} conflicts, each showing both texts",
        priya.saved.len(),
        sarah.saved.len(),
        priya.conflicts,
        sarah.conflicts
    );
    one.stop().await;
    two.stop().await;
}

/// Priya and Sarah, each in a browser of her own, signed in and on the
/// offence section of the PSR.
async fn two_writers_on_the_offence(site: &Site) -> (Browser, Browser) {
    let (one, two) = (Browser::start().await, Browser::start().await);
    sign_in(&one.client, site, "Priya Natarajan").await;
    sign_in(&two.client, site, "Sarah Bennett").await;
    let section = format!("/cases/{CASE}/psr/edit/offence");
    go(&one.client, site, &section).await;
    go(&two.client, site, &section).await;
    (one, two)
}

async fn value_of(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

/// Two writers change the same field of one section: the second's page
/// shows both texts with a choice of which to keep (checked with axe,
/// target size included), and keeping what was saved meanwhile keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn a_field_both_changed_is_shown_both_ways_with_a_choice() {
    const PRIYA: &str = "Jay took a phone at knifepoint; he says he was frightened of the older boys.";
    const SARAH: &str = "Jay took a phone at knifepoint, with two older boys who had groomed him.";
    let site = site();
    let (one, two) = two_writers_on_the_offence(&site).await;
    let (a, b) = (&one.client, &two.client);
    let field = "f-psr-offence-analysis-seriousness";
    type_into(a, field, PRIYA).await;
    saved(a).await;
    type_into(b, field, SARAH).await;
    wait_until("the conflict view", || async { b.find(Locator::Id("conflict-title")).await.is_ok() }).await;
    let meanwhile =
        b.find(Locator::Css(&format!("#field-{field} .saved-meanwhile .comments"))).await.unwrap();
    assert_eq!(meanwhile.text().await.unwrap().trim(), PRIYA, "what was saved meanwhile, beside the box");
    assert_eq!(value_of(b, field).await, SARAH, "her own words stay in the box");
    accessible(b, "conflict view").await;
    screenshot(b, "workspace-conflict.png").await;
    click(b, &format!("#{field}-keep-saved")).await;
    click(b, "#editor .buttons button[type=submit]").await;
    wait_until("saved", || async { text(b).await.contains("Saved.") }).await;
    assert_eq!(value_of(b, field).await, PRIYA);
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap();
    assert_eq!(case["psr"]["offence_analysis"]["seriousness"], PRIYA);
    one.stop().await;
    two.stop().await;
}

/// Two writers of one plan's targets: rows each adds are both kept, and
/// each page lays out the other's; a row both change is shown in both
/// versions with a choice (checked with axe), and "what was saved
/// meanwhile" keeps the other's row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn rows_merge_by_row_and_a_row_both_changed_is_shown_both_ways() {
    let site = site();
    let (one, two) = (Browser::start().await, Browser::start().await);
    let (a, b) = (&one.client, &two.client);
    sign_in(a, &site, "Priya Natarajan").await;
    sign_in(b, &site, "Sarah Bennett").await;
    let plan = format!("/cases/{CASE}/intervention-plan/edit/plan");
    go(a, &site, &plan).await;
    go(b, &site, &plan).await;
    let first = value_of(a, "f-intervention-plan-targets-0--target").await;
    // Each adds a target in the blank row: both kept, and B's page shows A's.
    type_into(a, "f-intervention-plan-targets-3--target", "Priya's added target").await;
    saved(a).await;
    type_into(b, "f-intervention-plan-targets-3--target", "Sarah's added target").await;
    saved(b).await;
    let rows_on_b = [
        value_of(b, "f-intervention-plan-targets-3--target").await,
        value_of(b, "f-intervention-plan-targets-4--target").await,
    ];
    assert_eq!(rows_on_b, ["Priya's added target", "Sarah's added target"], "B's page lays out both rows");
    let case = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap()
    };
    assert_eq!(case()["intervention_plan"]["targets"].as_array().unwrap().len(), 5);
    // Both change the first row.
    type_into(a, "f-intervention-plan-targets-0--target", "Priya's wording of the first target").await;
    saved(a).await;
    type_into(b, "f-intervention-plan-targets-0--target", "Sarah's wording of the first target").await;
    wait_until("the conflict view", || async { b.find(Locator::Id("conflict-title")).await.is_ok() }).await;
    let shown = text(b).await;
    assert!(
        shown.contains("Saved meanwhile") && shown.contains("Priya's wording of the first target"),
        "{shown}"
    );
    assert_eq!(
        value_of(b, "f-intervention-plan-targets-0--target").await,
        "Sarah's wording of the first target"
    );
    assert_ne!(first, "Priya's wording of the first target");
    accessible(b, "row conflict view").await;
    screenshot(b, "workspace-row-conflict.png").await;
    click(b, "input[type=radio][value=saved][id$='-saved']").await;
    click(b, "#editor .buttons button[type=submit]").await;
    wait_until("saved", || async { text(b).await.contains("Saved.") }).await;
    let targets = case()["intervention_plan"]["targets"].clone();
    let texts: Vec<&str> =
        targets.as_array().unwrap().iter().map(|t| t["target"].as_str().unwrap()).collect();
    assert_eq!(texts[0], "Priya's wording of the first target");
    assert!(texts.contains(&"Priya's added target") && texts.contains(&"Sarah's added target"), "{texts:?}");
    assert_eq!(texts.len(), 5);
    one.stop().await;
    two.stop().await;
}

async fn warning_open(c: &Client) -> bool {
    c.execute("const d = document.getElementById('session-warning'); return !!(d && d.open);", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

/// The session warning's words (empty while it is closed).
async fn warning_text(c: &Client) -> String {
    let js = "const d = document.getElementById('session-warning'); \
              return d && d.open ? document.getElementById('session-warning-text').textContent : '';";
    c.execute(js, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

/// The network goes down for the page (`true`) or comes back: while it is
/// down the page's requests fail as they would, and none reaches the
/// workspace.
async fn offline(c: &Client, down: bool) {
    let js = "if (!window.realFetch) { \
                window.realFetch = window.fetch; \
                window.fetch = function () { \
                  return window.offline ? Promise.reject(new TypeError('Failed to fetch')) \
                                        : window.realFetch.apply(this, arguments); }; } \
              window.offline = arguments[0]; return true;";
    c.execute(js, vec![serde_json::json!(down)]).await.unwrap();
}

/// Before a session ends, a warning with "Stay signed in" (WCAG 2.2.1),
/// which says "saved" only of typing a save has answered for. Staying
/// keeps the session past its first end. Words typed while the network
/// was down are saved before the end once it is back, and when the
/// session ends the page says when they were saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn a_warning_comes_before_the_session_ends_and_stay_signed_in_keeps_it() {
    const WORDS: &str = "Words typed while the network was down.";
    let idle = std::time::Duration::from_secs(14);
    let site = site_with_idle(idle);
    let browser = Browser::start().await;
    let c = &browser.client;
    sign_in(c, &site, "Priya Natarajan").await;
    go(c, &site, &format!("/cases/{CASE}/psr/edit/offence")).await;
    // Halfway through the session: nothing typed, so nothing unsaved.
    wait_until("the warning before the session ends", || async { warning_open(c).await }).await;
    let first_warning = std::time::Instant::now();
    assert_eq!(focused(c).await, "stay-signed-in", "the warning takes the focus to its button");
    let said = warning_text(c).await;
    assert!(said.ends_with("unless you carry on. What you have typed is saved."), "{said}");
    accessible(c, "session warning").await;
    screenshot(c, "workspace-session-warning.png").await;
    click(c, "#stay-signed-in").await;
    wait_until("the warning closes", || async { !warning_open(c).await }).await;

    // The network goes down: the words cannot be saved, and the next
    // warning says so (its own try to save them fails too).
    offline(c, true).await;
    type_into(c, "f-psr-offence-analysis-seriousness", WORDS).await;
    wait_until("the page says the words are not saved", || async {
        let status = c.find(Locator::Id("save-status")).await.unwrap().text().await.unwrap_or_default();
        status.starts_with("Not saved: the workspace cannot be reached")
    })
    .await;
    wait_until("the second warning says they are not saved", || async {
        warning_text(c).await.ends_with("What you have typed is not saved yet; it is still on this page.")
    })
    .await;

    // The network comes back after the session's first end (half the idle
    // time after the first warning, give or take the second it counts in).
    // Nothing but "Stay signed in" has reached the workspace since that
    // warning, so the save that follows works only because staying kept
    // the session. Before the end the page tries again, and the words
    // reach the case file.
    let first_end = first_warning + idle / 2 + std::time::Duration::from_secs(1);
    tokio::time::sleep_until(tokio::time::Instant::from_std(first_end)).await;
    let case_file = site.case_file("yro-custody-possible.json");
    assert!(!std::fs::read_to_string(&case_file).unwrap().contains(WORDS), "nothing saved while down");
    offline(c, false).await;
    wait_until("the words reach the case file", || async {
        std::fs::read_to_string(&case_file).unwrap().contains(WORDS)
    })
    .await;
    wait_until("the warning now says they are saved", || async {
        warning_text(c).await.ends_with("What you have typed is saved.")
    })
    .await;

    // The session ends: the page says when the words were saved.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let said =
            c.find(Locator::Id("session-warning-title")).await.unwrap().text().await.unwrap_or_default();
        if said == "You have been signed out" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the page never said the session ended");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let said = warning_text(c).await;
    assert!(said.contains("What you typed was saved at"), "{said}");
    accessible(c, "signed out").await;
    go(c, &site, &format!("/cases/{CASE}/psr/edit/offence")).await;
    assert!(text(c).await.contains("Sign in"), "the session has ended on the server too");
    browser.stop().await;
}

/// Fills a PSR section in the editor as a writer does (typing, choosing,
/// picking dates) and presses Save.
async fn fill_section(c: &Client, site: &Site, case: &str, slug: &str, fields: &[(&str, &str)]) {
    go(c, site, &format!("/cases/{case}/psr/edit/{slug}")).await;
    for (name, value) in fields {
        let id = format!("f-{}", name.replace(['.', '_'], "-"));
        let field = c.find(Locator::Id(&id)).await.unwrap_or_else(|e| panic!("{id}: {e}"));
        match field.attr("type").await.unwrap().as_deref() {
            Some("date") => set_date(c, &id, value).await,
            _ if field.tag_name().await.unwrap() == "select" => field.select_by_value(value).await.unwrap(),
            _ => type_into(c, &id, value).await,
        }
    }
    click(c, "form button.button:not([name])").await;
    // The page after Save says "Saved." (an autosave says "Saved at …").
    wait_until("the section is saved", || async {
        match c.find(Locator::Id("save-status")).await {
            Ok(s) => s.text().await.unwrap_or_default() == "Saved.",
            Err(_) => false,
        }
    })
    .await;
}

/// Issue 25, item 6: start and finish from the browser. A child imported
/// from the case system with "PSR requested" gets a PSR started from the
/// case page; the writer writes it (strengths included) and submits it; the
/// manager records the gatekeeping meeting (the day, who was there) and
/// agrees; the writer makes it final. No one edits the case file by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn an_imported_childs_psr_is_started_gatekept_at_a_meeting_and_made_final() {
    const DARCY: &str = "NYJS-CV004103";
    let site = common::web::imported_site("2026-11-30T10:00:00Z".parse().unwrap());
    let browser = Browser::start().await;
    let c = &browser.client;

    // The writer sees what the court asked for, and starts it.
    sign_in(c, &site, "Tom Ashworth").await;
    assert!(text(c).await.contains("Pre-Sentence Report: Not started"));
    go(c, &site, &format!("/cases/{DARCY}")).await;
    assert!(
        text(c).await.contains("The court asked for\na pre-sentence report (on 11 July 2026)"),
        "{}",
        text(c).await
    );
    accessible(c, "case page with Start").await;
    screenshot(c, "workspace-start.png").await;
    click(c, &format!("form[action='/cases/{DARCY}/psr/start'] button")).await;
    wait_until("started", || async { flash(c).await.contains("Pre-Sentence Report started") }).await;
    assert!(text(c).await.contains("About the report"), "the editor opens at its first section");
    accessible(c, "the editor of a PSR just started").await;

    // She writes it, section by section.
    let sections = common::web::DARCY_PSR;
    for (slug, fields) in sections {
        fill_section(c, &site, DARCY, slug, fields).await;
    }
    go(c, &site, &format!("/cases/{DARCY}/psr")).await;
    let page = text(c).await;
    assert!(page.contains("Still to complete for a final (1)"), "{page}");
    assert!(page.contains("gatekeeping meeting (a manager records it at the meeting)"), "{page}");
    assert!(page.contains("Draft Next: finish writing it, then “Submit for gatekeeping”."), "{page}");
    c.find(Locator::Id("to-1")).await.unwrap().select_by_value("Ruth Okafor").await.unwrap();
    click(c, &format!("form[action='/cases/{DARCY}/psr/submit'] button")).await;
    wait_until("submitted", || async { flash(c).await.contains("submitted to Ruth Okafor") }).await;
    sign_out(c).await;

    // The manager holds the meeting with her and records it, then agrees.
    sign_in(c, &site, "Ruth Okafor").await;
    go(c, &site, &format!("/cases/{DARCY}/psr#meeting")).await;
    assert!(text(c).await.contains("No gatekeeping meeting is recorded yet."));
    let author = c.find(Locator::Id("meeting-with-0")).await.unwrap();
    assert_eq!(author.prop("checked").await.unwrap().as_deref(), Some("true"), "the author is ticked");
    set_date(c, "meeting-date", "2026-11-30").await;
    accessible(c, "document page with the meeting form").await;
    screenshot(c, "workspace-meeting.png").await;
    click(c, &format!("form[action='/cases/{DARCY}/psr/meeting'] button")).await;
    wait_until("recorded", || async {
        flash(c).await.contains("gatekeeping meeting of 30 November 2026 recorded")
    })
    .await;
    assert!(
        text(c)
            .await
            .contains("Held on 30 November 2026 with Ruth Okafor, Tom Ashworth (recorded by Ruth Okafor)")
    );
    click(c, "button[value=agree]").await;
    wait_until("agreed", || async { flash(c).await.contains("agreed") }).await;
    sign_out(c).await;

    // The writer makes it final. Meanwhile the editor says what a save
    // would do to the version agreed, and then to the final.
    sign_in(c, &site, "Tom Ashworth").await;
    let editor = format!("/cases/{DARCY}/psr/edit/offence");
    go(c, &site, &editor).await;
    let notice = c.find(Locator::Css(".notice[role=note]")).await.unwrap().text().await.unwrap();
    assert_eq!(
        notice,
        "This version of the PSR was agreed. A change you save here starts a new version, which needs gatekeeping again before it can be made final."
    );
    accessible(c, "the editor of an agreed PSR").await;
    go(c, &site, &format!("/cases/{DARCY}/psr")).await;
    let page = text(c).await;
    assert!(page.contains("Agreed Next: “Make final”."), "{page}");
    click(c, &format!("form[action='/cases/{DARCY}/psr/final'] button")).await;
    wait_until("final", || async { flash(c).await.contains("made final") }).await;
    assert!(text(c).await.contains("The final, as issued"));
    accessible(c, "the imported child's final PSR").await;
    go(c, &site, &editor).await;
    let notice = c.find(Locator::Css(".notice[role=note]")).await.unwrap().text().await.unwrap();
    assert_eq!(
        notice,
        "This PSR is final. A change you save here starts a new draft version; it never changes the final, which stays as it was issued."
    );

    // Her service agreement applies to every child: she starts it too.
    go(c, &site, &format!("/cases/{DARCY}")).await;
    click(c, &format!("form[action='/cases/{DARCY}/service-agreement/start'] button")).await;
    wait_until("the agreement started", || async { flash(c).await.contains("Service Agreement started") })
        .await;
    assert!(text(c).await.contains("The agreement"), "its editor opens");
    accessible(c, "the editor of an agreement just started").await;
    go(c, &site, &format!("/cases/{DARCY}")).await;
    let page = text(c).await;
    assert!(page.contains("Service Agreement Draft"), "{page}");
    assert!(page.contains("Pre-Sentence Report Final"), "{page}");

    // The case file holds what was written, and no typed gatekeeping.
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file(&format!("{DARCY}.json"))).unwrap())
            .unwrap();
    assert_eq!(case["strengths"][1], "Plays for a football team");
    assert_eq!(case["service_agreement"], serde_json::json!({}));
    assert!(case.get("gatekeeping").is_none());
    let audit = site.audit_text();
    for what in ["\"what\":\"start\"", "\"what\":\"meeting\"", "\"what\":\"final\""] {
        assert!(audit.contains(what), "{what}");
    }
    assert!(!audit.contains("Dunmore") && !audit.contains("cannabis"), "no child's data in the audit log");
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: bash .ci/test installs them"]
async fn a_person_enrols_an_authenticator_app_then_signs_in_with_a_code_or_a_recovery_code() {
    let site = site();
    let users = site.dir.path().join("users.toml");
    casepress::workspace::accounts::update(&users, |a| Ok(a.forget_second_factor("Declan Hughes"))).unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;

    // First sign-in: the password, then the app is set up from the QR code
    // (an image from the server itself) or the secret typed by hand.
    go(c, &site, "/sign-in").await;
    c.find(Locator::Id("name")).await.unwrap().send_keys("Declan Hughes").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    click(c, "form button[type=submit]").await;
    wait_until("the enrolment page", || async { text(c).await.contains("Set up your authenticator app") })
        .await;
    let drawn = c
        .execute(
            "const i = document.querySelector('img.qr'); return i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(drawn, serde_json::Value::Bool(true), "the QR code is shown under the page's CSP");
    accessible(c, "enrolment").await;
    screenshot(c, "workspace-enrol.png").await;
    let secret: String =
        c.find(Locator::Id("secret")).await.unwrap().text().await.unwrap().split_whitespace().collect();
    let code = common::web::fresh_code(&site.url(), "Declan Hughes", &secret);
    c.find(Locator::Id("code")).await.unwrap().send_keys(&code).await.unwrap();
    click(c, "form[action='/sign-in/enrol'] button[type=submit]").await;
    wait_until("the recovery codes", || async { text(c).await.contains("Your recovery codes") }).await;
    accessible(c, "recovery codes").await;
    screenshot(c, "workspace-recovery-codes.png").await;
    let mut codes = Vec::new();
    for e in c.find_all(Locator::Css(".recovery-codes code")).await.unwrap() {
        codes.push(e.text().await.unwrap());
    }
    assert_eq!(codes.len(), 10);
    click(c, "a.button[href='/cases']").await;
    wait_until("the case list", || async { text(c).await.contains("Your cases") }).await;
    sign_out(c).await;

    // Next time: the password, then the app's code.
    go(c, &site, "/sign-in").await;
    c.find(Locator::Id("name")).await.unwrap().send_keys("Declan Hughes").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    click(c, "form button[type=submit]").await;
    wait_until("the code page", || async { text(c).await.contains("Enter the code") }).await;
    accessible(c, "code page").await;
    let code = common::web::fresh_code(&site.url(), "Declan Hughes", &secret);
    c.find(Locator::Id("code")).await.unwrap().send_keys(&code).await.unwrap();
    screenshot(c, "workspace-sign-in-code.png").await;
    click(c, "form[action='/sign-in/code'] button[type=submit]").await;
    wait_until("the case list", || async { text(c).await.contains("Your cases") }).await;
    sign_out(c).await;

    // Without the phone: a recovery code instead; a wrong code first shows
    // the error summary.
    go(c, &site, "/sign-in").await;
    c.find(Locator::Id("name")).await.unwrap().send_keys("Declan Hughes").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    click(c, "form button[type=submit]").await;
    wait_until("the code page", || async { text(c).await.contains("Enter the code") }).await;
    c.find(Locator::Id("code")).await.unwrap().send_keys("999999").await.unwrap();
    click(c, "form[action='/sign-in/code'] button[type=submit]").await;
    wait_until("the error", || async { text(c).await.contains("There is a problem") }).await;
    accessible(c, "code page with an error").await;
    c.find(Locator::Id("code")).await.unwrap().send_keys(&codes[0]).await.unwrap();
    click(c, "form[action='/sign-in/code'] button[type=submit]").await;
    wait_until("the case list", || async { text(c).await.contains("Your cases") }).await;
    let audit = site.audit_text();
    assert!(audit.contains("second-factor-enrolled") && audit.contains("a recovery code (9 left)"));
    browser.stop().await;
}
