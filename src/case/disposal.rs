//! The catalogue of disposals: court orders, out-of-court outcomes,
//! prevention, bail and remand, each with what the rules need to know.
//!
//! The YJB's case-level data schema changes by year (its 2027/28 schema
//! adds Outcome 23 and Youth Diversion Orders), so the disposals are data:
//! a built-in catalogue that a service's config may replace
//! (`[disposals] catalogue = "FILE.toml"`). A case names a disposal by its
//! key (`"referral_order"`); every rule, form, paper and board figure asks
//! the entry, never the key.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::requirement::Requirement;

/// How often the service meets a child on this disposal (decision 0107).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRule {
    /// Banded by the intervention level, with its contacts a month.
    ScaledApproach,
    /// In custody: the case manager visits, as the plan sets out.
    Custody,
    /// Intensive Supervision and Surveillance: the hours the court set.
    Iss,
    /// The court's bail conditions set it.
    Bail,
    /// The sessions in the plan (out of court, prevention).
    Sessions,
}

/// Which plan the child gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// The statutory intervention plan.
    Intervention,
    /// Out of court, diversion and prevention: the Prevention and
    /// Diversion assessment's plan.
    Diversion,
}

/// Who the child answers to if the agreement is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswersTo {
    /// The court that made the order (or set bail or remand).
    Court,
    /// The referral order panel.
    Panel,
    /// The police, for an out-of-court outcome.
    Police,
    /// Nobody: voluntary work.
    Nobody,
}

/// One disposal in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disposal {
    /// How a case file names it: lower case, digits and underscores.
    pub key: String,
    /// How papers write it.
    pub name: String,
    /// The value the YJB's case-level data takes for it (the legal outcome),
    /// where a source gives one.
    #[serde(default)]
    pub cld_code: Option<String>,
    /// A sentence of the court (a court order), as opposed to bail, remand
    /// or an out-of-court outcome.
    #[serde(default)]
    pub court_sentence: bool,
    /// A custodial sentence (the board's custody figures).
    #[serde(default)]
    pub custodial: bool,
    /// Remand (the board's remand figures).
    #[serde(default)]
    pub remand: bool,
    /// An out-of-court outcome (the board's out-of-court share).
    #[serde(default)]
    pub out_of_court: bool,
    /// A formal entry to the youth justice system besides a sentence (a
    /// Youth Caution or Youth Conditional Caution): first-time entrants and
    /// reoffending count it.
    #[serde(default)]
    pub formal_entry: bool,
    /// A PSR may propose it.
    #[serde(default)]
    pub psr: bool,
    /// An assessment is due within 15 working days of it.
    #[serde(default)]
    pub post_order_assessment: bool,
    /// A referral order panel agrees the contract.
    #[serde(default)]
    pub referral_panel: bool,
    /// How often the service meets the child.
    pub contact: ContactRule,
    /// Which plan the child gets.
    pub plan: PlanKind,
    /// Who the child answers to.
    pub answers_to: AnswersTo,
}

impl Disposal {
    /// Whether the intervention level and its contacts a month apply.
    pub fn scaled_approach(&self) -> bool {
        self.contact == ContactRule::ScaledApproach
    }
}

/// The disposals a service uses, in the order reports list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// The entries.
    #[serde(rename = "disposal", default)]
    pub entries: Vec<Disposal>,
    /// Requirements of an order in a child's words, in the order they are tried.
    #[serde(rename = "requirement", default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

/// The built-in catalogue, as TOML: the format a service's own follows.
pub const BUILT_IN_TOML: &str = include_str!("disposals.toml");

static BUILT_IN: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::parse(BUILT_IN_TOML).expect("the built-in catalogue is valid"));

static ACTIVE: RwLock<Option<&'static Catalogue>> = RwLock::new(None);

impl Catalogue {
    /// The built-in catalogue: today's disposals and the newer outcomes.
    pub fn built_in() -> &'static Catalogue {
        &BUILT_IN
    }

    /// Parses a catalogue from TOML, checking that keys are well formed and
    /// unique and that the flags agree.
    pub fn parse(text: &str) -> Result<Self, String> {
        let catalogue: Catalogue = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
        catalogue.validate()?;
        Ok(catalogue)
    }

    fn validate(&self) -> Result<(), String> {
        if self.entries.is_empty() {
            return Err("the catalogue has no disposals: expected at least one [[disposal]]".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.entries {
            let good = !d.key.is_empty()
                && d.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !good {
                return Err(format!(
                    "disposal key `{}`: expected lower-case letters, digits and underscores",
                    d.key
                ));
            }
            if !seen.insert(d.key.as_str()) {
                return Err(format!("disposal key `{}` appears twice", d.key));
            }
            if d.custodial && !d.court_sentence {
                return Err(format!("disposal `{}`: custodial but not a court sentence", d.key));
            }
            if d.court_sentence && d.out_of_court {
                return Err(format!("disposal `{}`: a court sentence cannot be out of court", d.key));
            }
        }
        for r in &self.requirements {
            r.regex()?;
        }
        Ok(())
    }

    /// The first requirement kind's sentence for the child, for a
    /// requirement in the court's words; none when no pattern knows it.
    pub fn for_child(&self, court: &str) -> Option<String> {
        self.requirements.iter().find_map(|r| r.for_child(court))
    }

    /// The entry with `key`.
    pub fn get(&'static self, key: &str) -> Option<DisposalType> {
        self.entries.iter().find(|d| d.key == key).map(DisposalType)
    }

    /// Every entry, in order.
    pub fn all(&'static self) -> impl Iterator<Item = DisposalType> {
        self.entries.iter().map(DisposalType)
    }

    /// The keys, for messages: "`referral_order`, `youth_rehabilitation_order`, …".
    pub fn keys(&self) -> String {
        self.entries.iter().map(|d| format!("`{}`", d.key)).collect::<Vec<_>>().join(", ")
    }

    /// The catalogue cases are read with: the one [`install`](Self::install)ed,
    /// else the built-in one.
    pub fn active() -> &'static Catalogue {
        ACTIVE.read().ok().and_then(|a| *a).unwrap_or_else(Self::built_in)
    }

    /// Makes `self` the catalogue cases are read with, for the rest of the
    /// process (a command reads one config). A catalogue is a few hundred
    /// bytes, kept for the process's life so that every
    /// [`DisposalType`] can point into it.
    pub fn install(self) -> &'static Catalogue {
        let leaked: &'static Catalogue = Box::leak(Box::new(self));
        if let Ok(mut a) = ACTIVE.write() {
            *a = Some(leaked);
        }
        leaked
    }
}

/// A disposal, as a case names it: a handle on its catalogue entry.
#[derive(Clone, Copy)]
pub struct DisposalType(&'static Disposal);

impl DisposalType {
    /// Every disposal of the active catalogue, in the order reports list them.
    pub fn all() -> impl Iterator<Item = Self> {
        Catalogue::active().all()
    }

    /// The active catalogue's disposal with `key`.
    pub fn named(key: &str) -> Option<Self> {
        Catalogue::active().get(key)
    }

    /// The catalogue entry.
    pub fn entry(self) -> &'static Disposal {
        self.0
    }

    /// How a case file names it.
    pub fn key(self) -> &'static str {
        &self.0.key
    }

    /// How the disposal is written in documents.
    pub fn label(self) -> &'static str {
        &self.0.name
    }

    /// Whether it is a sentence of the court (Derbyshire practice guidance §2.1's "Court orders"),
    /// as opposed to bail, remand or an out-of-court disposal.
    pub fn is_sentence(self) -> bool {
        self.0.court_sentence
    }

    /// Whether it is a custodial sentence.
    pub fn is_custodial(self) -> bool {
        self.0.custodial
    }

    /// Whether it is remand.
    pub fn is_remand(self) -> bool {
        self.0.remand
    }

    /// Whether it is an out-of-court outcome.
    pub fn is_out_of_court(self) -> bool {
        self.0.out_of_court
    }

    /// A formal entry to the youth justice system (the "statutory
    /// cohort"): a court sentence, or an out-of-court outcome the
    /// catalogue marks formal (a Youth Caution, a Youth Conditional Caution).
    pub fn is_formal(self) -> bool {
        self.0.court_sentence || self.0.formal_entry
    }
}

impl PartialEq for DisposalType {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}

impl Eq for DisposalType {}

impl std::hash::Hash for DisposalType {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.key.hash(state);
    }
}

impl std::fmt::Debug for DisposalType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.key)
    }
}

impl Serialize for DisposalType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.key)
    }
}

impl<'de> Deserialize<'de> for DisposalType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = Cow::<str>::deserialize(d)?;
        let catalogue = Catalogue::active();
        catalogue.get(&key).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown disposal `{key}`: expected one of the catalogue's {}",
                catalogue.keys()
            ))
        })
    }
}

/// The schema lists the active catalogue's keys, so `casepress schema`
/// follows a service's catalogue.
impl JsonSchema for DisposalType {
    fn schema_name() -> Cow<'static, str> {
        "DisposalType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let keys: Vec<&str> = Catalogue::active().entries.iter().map(|d| d.key.as_str()).collect();
        let names: Vec<String> =
            Catalogue::active().entries.iter().map(|d| format!("{} ({})", d.key, d.name)).collect();
        json_schema!({
            "type": "string",
            "enum": keys,
            "description": format!("A disposal of the catalogue: {}.", names.join("; ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(which: impl Fn(DisposalType) -> bool) -> Vec<&'static str> {
        Catalogue::built_in().all().filter(|d| which(*d)).map(DisposalType::key).collect()
    }

    #[test]
    fn the_built_in_catalogue_keeps_the_eleven_as_the_code_had_them_and_adds_four() {
        assert_eq!(Catalogue::built_in().entries.len(), 15);
        assert_eq!(
            keys(DisposalType::is_sentence),
            [
                "referral_order",
                "youth_rehabilitation_order",
                "yro_iss",
                "detention_and_training_order",
                "section250"
            ]
        );
        assert_eq!(keys(DisposalType::is_custodial), ["detention_and_training_order", "section250"]);
        assert_eq!(keys(DisposalType::is_remand), ["remand"]);
        assert_eq!(
            keys(DisposalType::is_out_of_court),
            [
                "youth_conditional_caution",
                "youth_caution",
                "community_resolution",
                "outcome_22",
                "outcome_23",
                "youth_diversion_order"
            ]
        );
        assert_eq!(
            keys(|d| d.is_formal() && !d.is_sentence()),
            ["youth_conditional_caution", "youth_caution"]
        );
        assert_eq!(keys(|d| d.entry().scaled_approach()), ["referral_order", "youth_rehabilitation_order"]);
        assert_eq!(keys(|d| d.entry().referral_panel), ["referral_order"]);
        let outcome_23 = Catalogue::built_in().get("outcome_23").unwrap();
        assert_eq!(outcome_23.entry().cld_code.as_deref(), Some("Reprimand"));
    }

    #[test]
    fn a_key_reads_as_its_entry_and_writes_back_as_the_key() {
        let d: DisposalType = serde_json::from_str(r#""yro_iss""#).unwrap();
        assert_eq!(d.label(), "Youth Rehabilitation Order with Intensive Supervision and Surveillance");
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""yro_iss""#);
        let err = serde_json::from_str::<DisposalType>(r#""borstal""#).unwrap_err().to_string();
        assert!(
            err.starts_with("unknown disposal `borstal`: expected one of the catalogue's `referral_order`,"),
            "{err}"
        );
    }

    #[test]
    fn a_catalogue_that_contradicts_itself_is_refused() {
        let entry = |key: &str, extra: &str| {
            format!(
                "[[disposal]]\nkey = \"{key}\"\nname = \"N\"\ncontact = \"sessions\"\nplan = \"diversion\"\nanswers_to = \"nobody\"\n{extra}\n"
            )
        };
        assert!(Catalogue::parse(&entry("a", "")).is_ok());
        let twice = format!("{}{}", entry("a", ""), entry("a", ""));
        assert_eq!(Catalogue::parse(&twice).unwrap_err(), "disposal key `a` appears twice");
        assert!(Catalogue::parse(&entry("A b", "")).unwrap_err().contains("lower-case letters"));
        assert!(
            Catalogue::parse(&entry("a", "custodial = true")).unwrap_err().contains("not a court sentence")
        );
        assert!(Catalogue::parse(&entry("a", "colour = 1")).unwrap_err().contains("unknown field `colour`"));
        assert!(Catalogue::parse("").unwrap_err().contains("expected at least one"));
    }
}
