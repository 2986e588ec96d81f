//! The press: everything a stage needs to make papers, built once per
//! process. The service (config, layout, staff, calendar, hours), the
//! renderer (templates compiled), the typesetter (fonts parsed), the naming
//! patterns and the setup hash; [`document`] makes one document on it. The render batch, statement filing, the
//! board report and exports all stand on it; none reaches into another.

pub mod document;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::documents::DocumentKind;
use crate::failure::{Failure, Stage};
use crate::render::{self, RenderRequest, RenderedSource, Renderer, ServiceView, TemplateSet};
use crate::rules::{WorkingCalendar, WorkingHours};
use crate::service::Service;
use crate::staff::Directory;
use crate::store::{self, Layout, Modes};
use crate::typeset::{PdfMeta, Typesetter};

/// Something that stops the whole command (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Templates could not be loaded or compiled.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// An input path or config file could not be used.
    #[error("{0}")]
    Input(String),
    /// The output folder could not be written.
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<crate::case::CaseError> for SetupError {
    fn from(e: crate::case::CaseError) -> Self {
        Self::Input(e.to_string())
    }
}

/// The shared press.
pub struct Press {
    service: Service,
    renderer: Renderer,
    typesetter: Typesetter,
    naming: minijinja::Environment<'static>,
    /// Hash of templates, assets, settings and version: a change re-renders everything.
    setup_hash: [u8; 32],
    /// The shared Typst layout module, for `--typst-dir`.
    layout_source: String,
}

impl Press {
    /// Loads templates (with overrides), the logo and fonts.
    pub fn new(config: Config) -> Result<Self, SetupError> {
        let templates = match &config.paths.templates {
            Some(dir) => TemplateSet::with_overrides(dir)?,
            None => TemplateSet::embedded(),
        };
        let mut assets = Vec::new();
        let mut logo = None;
        if let Some(path) = &config.service.logo {
            // PDF/UA-1 needs a text alternative for every image: stop now
            // rather than write documents that are not accessible.
            if config.service.logo_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                return Err(SetupError::Input(format!(
                    "{}: service.logo needs service.logo_alt, what the logo says for a reader who cannot see it (documents are PDF/UA-1, where every image has a text alternative), e.g. logo_alt = \"{} logo\"",
                    path.display(),
                    config.service.name
                )));
            }
            let bytes = std::fs::read(path).map_err(|e| {
                SetupError::Input(format!("{}: cannot read the service logo: {e}", path.display()))
            })?;
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("png").to_ascii_lowercase();
            let name = format!("assets/logo.{ext}");
            logo = Some(format!("/{name}"));
            assets.push((name, bytes));
        }
        let layout_source = templates.get(render::LAYOUT).unwrap_or_default().to_owned();
        let typesetter = Typesetter::new(&[(render::LAYOUT.to_owned(), layout_source.clone())], &assets);
        if let (Some(path), Some(logo)) = (&config.service.logo, &logo) {
            // A logo that is not an image would fail every document: stop now.
            let probe = format!(
                "#set document(title: \"logo\")\n#set text(lang: \"en\")\n#image(\"{logo}\", width: 1cm, alt: \"logo\")"
            );
            let meta = PdfMeta { ident: "logo".into(), date: NaiveDate::default() };
            typesetter.typeset(&probe, &meta).map_err(|e| {
                SetupError::Input(format!(
                    "{}: the service logo is not an image Typst can read (PNG, JPEG, GIF or SVG): {e}",
                    path.display()
                ))
            })?;
        }
        let service = ServiceView {
            name: config.service.name.clone(),
            address: config.service.address.clone(),
            phone: config.service.phone.clone(),
            email: config.service.email.clone(),
            logo,
            logo_alt: config.service.logo_alt.clone(),
            policy: Some(config.service.policy_title()),
            out_of_hours: config.service.out_of_hours.clone(),
            advocacy: config.service.advocacy.clone(),
        };
        let renderer = Renderer::new(&templates, service)?;
        let mut naming = minijinja::Environment::new();
        naming.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        naming.set_fuel(Some(render::NAMING_FUEL));
        naming
            .add_template_owned("document", config.naming.document.clone())
            .map_err(|e| SetupError::Input(format!("naming.document: {e}")))?;
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(templates.digest());
        h.update(serde_json::to_vec(&config.shaping_documents()).expect("config serialises"));
        for (_, bytes) in &assets {
            h.update(Sha256::digest(bytes));
        }
        Ok(Self {
            service: Service::new(config),
            renderer,
            typesetter,
            naming,
            setup_hash: h.finalize().into(),
            layout_source,
        })
    }

    /// The service it stands on.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        self.service.config()
    }

    /// Where output goes.
    pub fn layout(&self) -> &Layout {
        self.service.layout()
    }

    /// The staff directory.
    pub fn staff(&self) -> &Directory {
        self.service.staff()
    }

    /// Each case's records (its log).
    pub fn records(&self) -> &store::Records {
        self.service.records()
    }

    /// File and folder modes for everything written.
    pub fn modes(&self) -> Modes {
        self.service.modes()
    }

    /// The working-day calendar (bank holidays and closure days).
    pub fn calendar(&self) -> &WorkingCalendar {
        self.service.calendar()
    }

    /// The service's working hours, for the statement targets.
    pub fn hours(&self) -> &WorkingHours {
        self.service.hours()
    }

    /// The shared Typst layout module's source.
    pub fn layout_source(&self) -> &str {
        &self.layout_source
    }

    /// One document's Typst source.
    pub fn render(&self, req: RenderRequest<'_>) -> Result<RenderedSource, Failure> {
        self.renderer.render(req).map_err(|e| {
            let stage = match e {
                render::RenderError::Incomplete { .. } => Stage::Rules,
                _ => Stage::Template,
            };
            Failure::new(stage, e.to_string())
        })
    }

    /// Typesets Typst source into a PDF/A.
    pub fn typeset(&self, source: &str, meta: &PdfMeta) -> Result<Vec<u8>, Failure> {
        self.typesetter.typeset(source, meta).map_err(|e| Failure::new(Stage::Typeset, e.to_string()))
    }

    /// Typesets Typst source into one SVG image per page (the workspace's preview).
    pub fn preview(
        &self,
        source: &str,
        meta: &PdfMeta,
        memo: &crate::typeset::SvgMemo,
    ) -> Result<Vec<std::sync::Arc<str>>, Failure> {
        self.typesetter.svg_pages(source, meta, memo).map_err(|e| Failure::new(Stage::Typeset, e.to_string()))
    }

    /// Renders and typesets a notice template (a Safety Link notice, a cover
    /// letter, the board report) with `notice` as its `notice` variable.
    pub fn typeset_notice(
        &self,
        template: &str,
        notice: &impl Serialize,
        ident: &str,
        date: NaiveDate,
    ) -> Result<Vec<u8>, Failure> {
        let notice = serde_json::to_value(notice).expect("a notice serialises");
        let source = self
            .renderer
            .render_notice(template, &notice)
            .map_err(|e| Failure::new(Stage::Template, e.to_string()))?;
        self.typesetter
            .typeset(&source, &PdfMeta { ident: ident.to_owned(), date })
            .map_err(|e| Failure::new(Stage::Typeset, format!("{template}: {e}")))
    }

    /// A document's file name from the `naming.document` pattern.
    pub fn document_name(
        &self,
        case_id: &str,
        kind: DocumentKind,
        date: NaiveDate,
        draft: bool,
    ) -> Result<String, Failure> {
        let ctx = minijinja::context! {
            case_id => case_id,
            kind => kind.name(),
            date => date.to_string(),
            draft => draft,
        };
        let name = self
            .naming
            .get_template("document")
            .and_then(|t| t.render(ctx))
            .map_err(|e| Failure::new(Stage::Template, format!("naming.document: {e}")))?;
        store::check_file_name(&name)
            .map_err(|e| Failure::new(Stage::Template, format!("naming.document gave {e}")))?;
        Ok(name)
    }

    /// SHA-256 of everything that shapes a document except its date: the
    /// setup (templates, assets, settings, version), the kind, draft or
    /// final, and the case. Never a path: the same case renders the same
    /// from any working folder.
    pub fn input_hash(&self, kind: DocumentKind, final_: bool, case_json: &[u8]) -> String {
        let mut h = Sha256::new();
        h.update(self.setup_hash);
        h.update(kind.name());
        h.update([u8::from(final_)]);
        h.update(case_json);
        store::hex(&h.finalize())
    }
}
