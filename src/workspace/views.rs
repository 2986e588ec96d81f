//! The workspace's pages: minijinja templates embedded in the binary, with
//! HTML escaping on for every value (case data is text, never markup).

use minijinja::{AutoEscape, Environment};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/web/base.html")),
    ("sign_in.html", include_str!("../../templates/web/sign_in.html")),
    ("second_factor.html", include_str!("../../templates/web/second_factor.html")),
    ("enrol.html", include_str!("../../templates/web/enrol.html")),
    ("recovery_codes.html", include_str!("../../templates/web/recovery_codes.html")),
    ("error.html", include_str!("../../templates/web/error.html")),
    ("cases.html", include_str!("../../templates/web/cases.html")),
    ("case.html", include_str!("../../templates/web/case.html")),
    ("dues.html", include_str!("../../templates/web/dues.html")),
    ("document.html", include_str!("../../templates/web/document.html")),
    ("changes.html", include_str!("../../templates/web/changes.html")),
    ("editor.html", include_str!("../../templates/web/editor.html")),
    ("findings.html", include_str!("../../templates/web/findings.html")),
    ("pages.html", include_str!("../../templates/web/pages.html")),
    ("desk.html", include_str!("../../templates/web/desk.html")),
    ("desk_items.html", include_str!("../../templates/web/desk_items.html")),
];

/// The stylesheet.
pub const CSS: &str = include_str!("../../templates/web/static/app.css");
/// The one script: autosave and live preview (pages work without it).
pub const JS: &str = include_str!("../../templates/web/static/app.js");

/// The page templates, compiled once.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Every template is HTML: escape everything, whatever its name.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    for (name, source) in TEMPLATES {
        // The templates are part of the binary: a syntax error is a build
        // defect, caught by the tests that render every page.
        env.add_template(name, source).unwrap_or_else(|e| panic!("workspace template {name}: {e}"));
    }
    env
}
