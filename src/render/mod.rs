//! Case + facts → Typst source, through minijinja templates.
//!
//! Every value a template prints passes through the formatter, which writes
//! it as a Typst string literal (see [`escape`]): case data is text, never
//! code. Only values the template helpers mark safe (their own escaped
//! output) are written as markup.

mod context;
mod court_paper;
mod error;
pub mod escape;
mod paper;
mod record;
mod reports;
mod request;
pub mod script;
mod templates;

use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};

pub use context::ServiceView;
pub use error::RenderError;
pub use request::{RenderRequest, RenderedSource};
pub use templates::{Exported, LAYOUT, TemplateSet, export};

use crate::documents::DocumentKind;

/// Instructions a template may run for one document: far more than any
/// real template needs, so that an override that loops fails that document
/// with a message instead of hanging the run.
pub const TEMPLATE_FUEL: u64 = 20_000_000;

/// Instructions a file-name pattern may run.
pub const NAMING_FUEL: u64 = 100_000;

/// The labels of the TO COMPLETE markers in generated source, in order.
fn todo_labels(source: &str) -> Vec<String> {
    const MARKER: &str = "#todo(\"";
    let mut labels = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(MARKER) {
        rest = &rest[at + MARKER.len()..];
        let mut label = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    rest = &rest[i..];
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => label.push('\n'),
                    Some((_, other)) => label.push(other),
                    None => {}
                },
                c => label.push(c),
            }
        }
        labels.push(label);
    }
    labels
}

/// Renders documents from one template set; built once per process.
pub struct Renderer {
    env: Environment<'static>,
    service: ServiceView,
}

impl Renderer {
    /// Compiles every template up front, so a broken override fails before
    /// any case is rendered.
    pub fn new(templates: &TemplateSet, service: ServiceView) -> Result<Self, RenderError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(TEMPLATE_FUEL));
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("typst"));
        env.set_formatter(context::typst_formatter);
        context::register_helpers(&mut env);
        for (name, text) in templates.iter() {
            if name.ends_with(".j2") {
                env.add_template_owned(name.to_owned(), text.to_owned())
                    .map_err(|e| RenderError::template(name, &e))?;
            }
        }
        for kind in DocumentKind::ALL {
            env.get_template(&kind.template()).map_err(|e| RenderError::template(&kind.template(), &e))?;
        }
        Ok(Self { env, service })
    }

    /// Renders a notice (not about one document kind of a case) from the
    /// template `name` with `notice` as its `notice` variable.
    pub fn render_notice(&self, name: &str, notice: &serde_json::Value) -> Result<String, RenderError> {
        let ctx = minijinja::context! { notice => Value::from_serialize(notice), service => Value::from_serialize(&self.service) };
        self.env.get_template(name).and_then(|t| t.render(ctx)).map_err(|e| RenderError::template(name, &e))
    }

    /// Renders one document's Typst source.
    pub fn render(&self, req: RenderRequest<'_>) -> Result<RenderedSource, RenderError> {
        let mut missing = crate::rules::documents::missing(req.kind, req.case, req.facts);
        // A record of another document's review takes what its steps record.
        if let Some(of) = req.kind.spec().record_of {
            let state = crate::history::fold(req.log, of);
            missing.retain(|m| !record::met_by_steps(&state, m.path, m.label));
        }
        if req.final_ && !missing.is_empty() {
            return Err(RenderError::Incomplete { kind: req.kind, missing });
        }
        let name = req.kind.template();
        let ctx: Value = context::build(&req, &self.service, &missing);
        let source = self
            .env
            .get_template(&name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| RenderError::template(&name, &e))?;
        let mut to_complete: Vec<String> = missing.iter().map(|m| m.label.to_owned()).collect();
        for label in todo_labels(&source) {
            if !to_complete.contains(&label) {
                to_complete.push(label);
            }
        }
        Ok(RenderedSource { source, missing, to_complete })
    }
}

#[cfg(test)]
mod tests;
