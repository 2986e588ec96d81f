//! Twenty writers autosaving one PSR at once, over HTTP, for a minute
//! (`CASEPRESS_SOAK_SECS` to change it). Each acts as the page's script
//! does: it sends what it has typed with the base it holds, takes what was
//! written into its page, and on a conflict reads the conflict page and
//! keeps both texts. Sixteen own a field each (they must never meet a
//! conflict); four share one field (their conflicts must show both sides).
//! At the end every word a writer was answered "saved" for is in the file.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::web::{Http, PASSWORD, site, unescape};

type Values = BTreeMap<String, String>;

const CASE: &str = "/cases/NYJS-2026-0117/psr/edit/";
const SHARED: &str = "psr.previous_offending";

/// The fields owned by one writer each, by section.
const OWNED: &[(&str, &str)] = &[
    ("offence", "psr.offence_analysis.seriousness"),
    ("offence", "psr.offence_analysis.basis_of_plea"),
    ("offence", "psr.offence_analysis.victims"),
    ("child", "psr.child_assessment.circumstances"),
    ("child", "psr.child_assessment.family"),
    ("child", "psr.child_assessment.education"),
    ("child", "psr.child_assessment.health"),
    ("child", "psr.child_assessment.looked_after"),
    ("child", "psr.child_assessment.parenting"),
    ("child", "psr.underlying_causes"),
    ("risk", "psr.risk_assessment.reoffending"),
    ("risk", "psr.risk_assessment.serious_harm"),
    ("risk", "psr.risk_assessment.safety_wellbeing"),
    ("risk", "psr.previous_compliance"),
    ("risk", "psr.custody_vulnerability"),
    ("risk", "psr.dangerousness"),
];

fn field_id(name: &str) -> String {
    let id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("f-{}", id.trim_end_matches('-'))
}

struct Writer {
    http: Http,
    csrf: String,
    section: &'static str,
    own: &'static str,
    tag: String,
    page: Values,
    base: Values,
    typed: Vec<String>,
    saved: BTreeSet<String>,
    saves: usize,
    conflicts: usize,
}

impl Writer {
    /// A writer in a new tab of a signed-in session (`cookie`).
    fn open(
        site: &common::web::Site,
        cookie: &str,
        section: &'static str,
        own: &'static str,
        tag: String,
    ) -> Self {
        let mut http = Http::new(site);
        http.cookie = Some(cookie.to_owned());
        let page = http.get(&format!("{CASE}{section}"));
        assert_eq!(page.status, 200);
        let base: Values = serde_json::from_str(&unescape(&page.hidden("_base"))).unwrap();
        let csrf = page.hidden("_csrf");
        Self {
            http,
            csrf,
            section,
            own,
            tag,
            page: base.clone(),
            base,
            typed: Vec::new(),
            saved: BTreeSet::new(),
            saves: 0,
            conflicts: 0,
        }
    }

    fn post(&mut self, autosave: bool) -> common::web::Reply {
        let base = serde_json::to_string(&self.base).unwrap();
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &self.csrf), ("_version", ""), ("_base", &base)];
        form.extend(self.page.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let headers: &[(&str, &str)] = if autosave { &[("X-Autosave", "1")] } else { &[] };
        let path = format!("{CASE}{}", self.section);
        self.http.post(&path, &form, headers)
    }

    /// Types one more word into the writer's own field and autosaves.
    fn type_and_save(&mut self) {
        let word = format!("{}w{}", self.tag, self.typed.len());
        let text = self.page.entry(self.own.to_owned()).or_default();
        text.push(' ');
        text.push_str(&word);
        self.typed.push(word);
        loop {
            let sent: Vec<String> = self.page[self.own].split_whitespace().map(str::to_owned).collect();
            let reply = self.post(true);
            match reply.status {
                200 => {
                    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
                    assert_eq!(answer["status"], "saved");
                    let written: Values = serde_json::from_value(answer["values"].clone()).unwrap();
                    self.page = written.clone();
                    self.base = written;
                    self.saved.extend(sent.into_iter().filter(|w| w.starts_with(&self.tag)));
                    self.saves += 1;
                    return;
                }
                409 => self.resolve(),
                other => panic!("{}: answered {other}: {}", self.tag, reply.body),
            }
        }
    }

    /// A conflict: the conflict page names only this writer's field and
    /// shows what was saved meanwhile; the writer keeps both texts.
    fn resolve(&mut self) {
        self.conflicts += 1;
        let page = self.post(false);
        assert_eq!(page.status, 409, "{}", page.body);
        let summary = page.body.split("This section changed while you were writing").nth(1).unwrap();
        let summary = summary.split("</div>").next().unwrap();
        let named: Vec<&str> =
            summary.split("href=\"#").skip(1).map(|s| s.split('"').next().unwrap()).collect();
        assert_eq!(named, [field_id(self.own)], "{}: a conflict on a field it did not touch", self.tag);
        let saved: Values = serde_json::from_str(&unescape(&page.hidden("_base"))).unwrap();
        let theirs = saved.get(self.own).cloned().unwrap_or_default();
        let shown = page.body.split("Saved meanwhile:").nth(1).unwrap();
        let shown = unescape(shown.split("</div>").next().unwrap());
        assert!(shown.contains(theirs.trim()), "{}: the conflict shows what was saved", self.tag);
        let mine = self.page[self.own].clone();
        assert!(unescape(&page.body).contains(mine.trim()), "{}: and the writer's own text", self.tag);
        let mut both = theirs.clone();
        for word in mine.split_whitespace().filter(|w| !theirs.split_whitespace().any(|t| t == *w)) {
            both.push(' ');
            both.push_str(word);
        }
        self.page = saved.clone();
        self.page.insert(self.own.to_owned(), both);
        self.base = saved;
    }
}

#[test]
fn twenty_writers_autosaving_for_a_minute_lose_no_word_answered_saved() {
    let site = site();
    // Two people, each writing in ten tabs of one session: a sign-in each
    // (a code works once, so twenty sign-ins would wait for twenty codes).
    let cookies: Vec<String> = ["Priya Natarajan", "Sarah Bennett"]
        .iter()
        .map(|who| {
            let mut http = Http::new(&site);
            assert_eq!(http.sign_in(who, PASSWORD).status, 303);
            http.cookie.clone().unwrap()
        })
        .collect();
    let cookies = &cookies;
    let secs: u64 = std::env::var("CASEPRESS_SOAK_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let until = Instant::now() + Duration::from_secs(secs);
    let mut plan: Vec<(&'static str, &'static str)> = OWNED.to_vec();
    plan.extend([("offence", SHARED); 4]);
    let writers: Vec<Writer> = std::thread::scope(|s| {
        let handles: Vec<_> = plan
            .iter()
            .enumerate()
            .map(|(i, &(section, own))| {
                let site = &site;
                s.spawn(move || {
                    let cookie = if i % 2 == 0 { &cookies[0] } else { &cookies[1] };
                    let mut w = Writer::open(site, cookie, section, own, format!("c{i}"));
                    while Instant::now() < until {
                        w.type_and_save();
                        std::thread::sleep(Duration::from_millis(150));
                    }
                    w
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.case_file("yro-custody-possible.json")).unwrap())
            .unwrap();
    let text_of = |path: &str| {
        path.split('.').fold(&case, |v, k| &v[k]).as_str().unwrap_or_default().split_whitespace().count()
    };
    let mut lost = Vec::new();
    let (mut saved, mut saves, mut conflicts) = (0, 0, 0);
    for w in &writers {
        let words: BTreeSet<&str> = w
            .own
            .split('.')
            .fold(&case, |v, k| &v[k])
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        lost.extend(w.saved.iter().filter(|x| !words.contains(x.as_str())).cloned());
        saved += w.saved.len();
        saves += w.saves;
        conflicts += w.conflicts;
        if w.own != SHARED {
            assert_eq!(w.conflicts, 0, "{} met a conflict on a field nobody else touched", w.tag);
        }
    }
    eprintln!(
        "20 writers, {secs} s: {saves} saves, {saved} words answered saved, {} lost, {conflicts} conflicts \
         (all on the shared field, each showing both sides); the shared field holds {} words",
        lost.len(),
        text_of(SHARED)
    );
    assert!(lost.is_empty(), "words answered saved but not in the file: {lost:?}");
    // The four on one field met real conflicts, each shown with both sides
    // (`Writer::resolve` checks every one): the test is no test without them.
    let shared: usize = writers.iter().filter(|w| w.own == SHARED).map(|w| w.conflicts).sum();
    assert!(shared > 0, "the four writers of one field never met a conflict in {saves} saves");
    assert_eq!(shared, conflicts, "every conflict was on the shared field");
    assert!(saves >= 20 * 3, "each writer saved a few times: {saves}");
}
