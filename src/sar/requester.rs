//! Who asked for a child's records, and why a request or a step was not
//! taken.

/// Who asked for the child's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    /// The young person themselves.
    Child,
    /// A parent with parental responsibility, acting for the child: named
    /// as the case file's parents and carers spell them.
    Parent(String),
    /// A carer recorded on the case, acting for the child.
    Carer(String),
}

impl Requester {
    /// `child`, `parent` or `carer`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Child => "child",
            Self::Parent(_) => "parent",
            Self::Carer(_) => "carer",
        }
    }

    /// The parent's or carer's name.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Child => None,
            Self::Parent(n) | Self::Carer(n) => Some(n),
        }
    }

    /// From `--requester` and `--name`.
    pub fn parse(kind: &str, name: Option<&str>) -> Result<Self, String> {
        let named = |what: &str| {
            name.map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    format!("a request by a {what} names them: add --name, as the case file spells it")
                })
        };
        match kind {
            "child" if name.is_some() => Err("a request by the child takes no --name".into()),
            "child" => Ok(Self::Child),
            "parent" => Ok(Self::Parent(named("parent")?)),
            "carer" => Ok(Self::Carer(named("carer")?)),
            other => Err(format!("`{other}` is not a requester: expected child, parent or carer")),
        }
    }

    /// The requester in the pack's words.
    pub(super) fn words(&self) -> String {
        match self {
            Self::Child => "you, the young person the records are about".into(),
            Self::Parent(n) => format!("{n}, a parent acting for the young person"),
            Self::Carer(n) => format!("{n}, a carer acting for the young person"),
        }
    }
}

/// Why no pack was made or no decision recorded.
#[derive(Debug, thiserror::Error)]
pub enum SarError {
    /// The request or the step is not allowed; the words say why.
    #[error("{0}")]
    Refused(String),
    /// The case folder, the templates or the output could not be used.
    #[error("{0}")]
    Failed(String),
}
