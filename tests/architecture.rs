//! No import cycles between the files of `src/`.
//!
//! Nodes are the `.rs` files under `src/` except `main.rs`, files named
//! `tests.rs` and anything under `#[cfg(test)]` (a test module naturally
//! imports its parent). The module tree comes from file paths, following
//! `mod x;` from `lib.rs` (and from `main.rs`, for `cli/`) to `x.rs` or
//! `x/mod.rs`; an inline `mod x { .. }` is part of its file.
//!
//! File F depends on file G when F names an item defined in G: in a private
//! `use` (`crate::`, `super::`, `self::`, or a name in scope such as a child
//! module), or in a path written in code or in a macro's tokens
//! (`crate::rules::derive(..)`, or `rules::derive(..)` after `use
//! crate::rules;`, aliases and `as` renames included). A path resolves to the
//! file defining its item: the longest prefix that is a module, then its
//! submodules, then its `use`s and glob `use`s, followed to the definition.
//! A `pub use` (or `pub(crate) use`, ...) is no edge itself: it is the
//! module's facade, and whoever names the item depends on its definition.
//! Neither is `mod x;`. A private glob `use m::*;` is an edge to `m`'s file.
//! A bare name (`Foo`) counts only when this module's own `pub use` brings
//! it; otherwise it is a local, or its private `use` is already the edge.
//! Paths into other crates and std are ignored.
//!
//! The test fails listing every strongly connected component of more than
//! one file, with each edge inside it and the line of one reference causing
//! it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Ident, TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Attribute, Item, UseTree, Visibility};

/// The library's root module; the binary's is `main`.
const LIB: &str = "casepress";

/// `["casepress", "board", "figures"]`: the crate root comes first.
type ModPath = Vec<String>;

/// Lookups already tried, against globs importing each other.
type Seen = HashSet<(ModPath, String)>;

#[derive(Default)]
struct Module {
    file: String,
    children: BTreeSet<String>,
    items: BTreeSet<String>,
    uses: Vec<Use>,
}

/// One leaf of a `use` tree: `path` imported as `alias`, or a glob (`None`).
struct Use {
    path: Vec<String>,
    alias: Option<String>,
    /// A module-level `pub use`, `pub(crate) use`, ...: a re-export.
    public: bool,
}

/// What a path names: a module, or an item defined in a module.
struct Target {
    module: ModPath,
    item: bool,
}

#[derive(Default)]
struct Crate {
    modules: BTreeMap<ModPath, Module>,
    files: Vec<(String, ModPath, syn::File)>,
}

impl Crate {
    /// Parses `file` as `module` and, through its `mod x;`, every file below.
    fn load(&mut self, src: &Path, file: &Path, module: ModPath) {
        let text = std::fs::read_to_string(file).unwrap();
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = Path::new("src").join(file.strip_prefix(src).unwrap());
        let name = name.to_string_lossy().into_owned();
        let mut collect = Collect { krate: self, src, file: name.clone(), module: module.clone(), depth: 0 };
        collect.module_entry();
        collect.visit_file(&ast);
        self.files.push((name, module, ast));
    }

    /// `item`: for the last name, an item before a module of that name
    /// (`rules::findings(..)` calls the function re-exported beside the module).
    fn resolve(&self, scope: &ModPath, path: &[String], item: bool, seen: &mut Seen) -> Option<Target> {
        let module = |m: &[String]| Target { module: m.to_vec(), item: false };
        let mut at = module(scope);
        for (i, segment) in path.iter().enumerate() {
            if at.item {
                break; // a variant or an associated item: still defined here
            }
            at = match segment.as_str() {
                "crate" => module(&scope[..1]),
                "self" => at,
                "super" => module(&at.module[..at.module.len() - 1]),
                name => match self.member(&at.module, name, item && i == path.len() - 1, seen) {
                    Some(t) => t,
                    None if i == 0 && name == LIB => module(&[LIB.to_string()]),
                    None => return None, // another crate, std, a local or a generic
                },
            };
        }
        Some(at)
    }

    /// `name` as seen in `module`: a child module, an item, a `use`, a glob.
    fn member(&self, module: &ModPath, name: &str, item: bool, seen: &mut Seen) -> Option<Target> {
        let m = self.modules.get(module)?;
        if !seen.insert((module.clone(), name.to_string())) {
            return None;
        }
        let child = m.children.contains(name);
        let child =
            child.then(|| Target { module: [module.clone(), vec![name.to_string()]].concat(), item: false });
        if child.is_some() && !item {
            return child;
        }
        if m.items.contains(name) {
            return Some(Target { module: module.clone(), item: true });
        }
        let named = m.uses.iter().filter(|u| u.alias.as_deref() == Some(name));
        if let Some(t) = named.filter_map(|u| self.resolve(module, &u.path, item, seen)).next() {
            return Some(t);
        }
        if child.is_some() {
            return child;
        }
        for glob in m.uses.iter().filter(|u| u.alias.is_none()) {
            if let Some(t) = self.resolve(module, &glob.path, false, seen)
                && !t.item
                && let Some(found) = self.member(&t.module, name, item, seen)
            {
                return Some(found);
            }
        }
        None
    }
}

/// Pass one: each module's children, items and `use`s.
struct Collect<'a> {
    krate: &'a mut Crate,
    src: &'a Path,
    file: String,
    module: ModPath,
    /// Above zero inside a function, impl, ...: items there are not the module's.
    depth: usize,
}

impl Collect<'_> {
    fn module_entry(&mut self) -> &mut Module {
        let m = self.krate.modules.entry(self.module.clone()).or_default();
        m.file.clone_from(&self.file);
        m
    }
}

impl<'ast> Visit<'ast> for Collect<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        let (attrs, ident) = parts(item);
        if cfg_test(attrs) {
            return;
        }
        match item {
            Item::Mod(m) if self.depth == 0 => {
                let name = m.ident.to_string();
                self.module_entry().children.insert(name.clone());
                self.module.push(name);
                let dir = self.module[1..].iter().fold(self.src.to_path_buf(), |d, s| d.join(s));
                if let Some((_, items)) = &m.content {
                    self.module_entry();
                    items.iter().for_each(|i| self.visit_item(i));
                } else if dir.file_name().is_some_and(|n| n != "tests") {
                    let file =
                        [dir.with_extension("rs"), dir.join("mod.rs")].into_iter().find(|f| f.exists());
                    let file = file.unwrap_or_else(|| panic!("no file for mod {} in {}", m.ident, self.file));
                    self.krate.load(self.src, &file, self.module.clone());
                }
                self.module.pop();
            }
            Item::Use(u) if u.leading_colon.is_none() => {
                let public = self.depth == 0 && !matches!(u.vis, Visibility::Inherited);
                for (path, alias, _) in leaves(&u.tree) {
                    self.module_entry().uses.push(Use { path, alias, public });
                }
            }
            _ => {
                if let (0, Some(ident)) = (self.depth, ident) {
                    self.module_entry().items.insert(ident.to_string());
                }
                // A `use` inside a function still names its target for that file.
                self.depth += 1;
                visit::visit_item(self, item);
                self.depth -= 1;
            }
        }
    }
}

/// Pass two: the edges, as (from file, to file) -> first line.
struct Edges<'a> {
    krate: &'a Crate,
    file: &'a str,
    module: ModPath,
    found: &'a mut BTreeMap<(String, String), usize>,
}

impl Edges<'_> {
    fn reference(&mut self, path: &[String], line: usize, glob: bool) {
        let Some(t) = self.krate.resolve(&self.module, path, !glob, &mut Seen::new()) else { return };
        let to = &self.krate.modules[&t.module].file;
        if (t.item || glob) && to != self.file && ![to, self.file].contains(&"src/main.rs") {
            let first = self.found.entry((self.file.to_string(), to.clone())).or_insert(line);
            *first = (*first).min(line);
        }
    }

    /// `a::b::c` in a macro's tokens, which syn leaves unparsed.
    fn scan(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            i += 1;
            match &tokens[i - 1] {
                TokenTree::Group(g) => self.scan(g.stream()),
                TokenTree::Ident(first) => {
                    let mut path = vec![first.to_string()];
                    while let [TokenTree::Punct(a), TokenTree::Punct(b), TokenTree::Ident(next), ..] =
                        &tokens[i..]
                        && a.as_char() == ':'
                        && b.as_char() == ':'
                    {
                        path.push(next.to_string());
                        i += 3;
                    }
                    if path.len() > 1 {
                        self.reference(&path, first.span().start().line, false);
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Edges<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        if cfg_test(parts(item).0) {
            return;
        }
        match item {
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    self.module.push(m.ident.to_string());
                    items.iter().for_each(|i| self.visit_item(i));
                    self.module.pop();
                }
            }
            // `pub use` is the module's facade, not a dependency of its own.
            Item::Use(u) if matches!(u.vis, Visibility::Inherited) && u.leading_colon.is_none() => {
                for (path, alias, line) in leaves(&u.tree) {
                    self.reference(&path, line, alias.is_none());
                }
            }
            Item::Use(_) => {}
            _ => visit::visit_item(self, item),
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let path: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        // A single name is a local, or an item whose `use` is already an
        // edge, unless it comes from this module's own `pub use`.
        let uses = self.krate.modules.get(&self.module).map_or(&[][..], |m| &m.uses);
        let aliased = uses.iter().any(|u| u.public && u.alias.as_ref() == path.first());
        if p.leading_colon.is_none() && (path.len() > 1 || aliased) {
            self.reference(&path, p.segments[0].ident.span().start().line, false);
        }
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.scan(m.tokens.clone());
        visit::visit_macro(self, m);
    }
}

/// An item's attributes and the name it defines, if any.
fn parts(item: &Item) -> (&[Attribute], Option<&Ident>) {
    match item {
        Item::Const(i) => (&i.attrs, Some(&i.ident)),
        Item::Enum(i) => (&i.attrs, Some(&i.ident)),
        Item::Fn(i) => (&i.attrs, Some(&i.sig.ident)),
        Item::Macro(i) => (&i.attrs, i.ident.as_ref()),
        Item::Static(i) => (&i.attrs, Some(&i.ident)),
        Item::Struct(i) => (&i.attrs, Some(&i.ident)),
        Item::Trait(i) => (&i.attrs, Some(&i.ident)),
        Item::Type(i) => (&i.attrs, Some(&i.ident)),
        Item::Union(i) => (&i.attrs, Some(&i.ident)),
        Item::Impl(i) => (&i.attrs, None),
        Item::Mod(i) => (&i.attrs, None),
        Item::Use(i) => (&i.attrs, None),
        _ => (&[], None),
    }
}

fn cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "test")
    })
}

/// `use a::{b as c, d::*, self}` as `(path, alias or None for a glob, line)`.
fn leaves(tree: &UseTree) -> Vec<(Vec<String>, Option<String>, usize)> {
    fn walk(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, Option<String>, usize)>) {
        let mut leaf = |ident: &Ident, rename: Option<&Ident>| {
            let mut path = prefix.clone();
            if ident != "self" {
                path.push(ident.to_string());
            }
            let alias = rename.map(Ident::to_string).or_else(|| path.last().cloned());
            out.push((path, alias, ident.span().start().line));
        };
        match tree {
            UseTree::Name(n) => leaf(&n.ident, None),
            UseTree::Rename(r) => leaf(&r.ident, Some(&r.rename)),
            UseTree::Glob(g) => out.push((prefix.clone(), None, g.star_token.spans[0].start().line)),
            UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, prefix, out)),
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

#[test]
fn no_import_cycles_between_files_of_src() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut krate = Crate::default();
    krate.load(&src, &src.join("lib.rs"), vec![LIB.to_string()]);
    krate.load(&src, &src.join("main.rs"), vec!["main".to_string()]);

    let mut edges = BTreeMap::new();
    for (file, module, ast) in &krate.files {
        Edges { krate: &krate, file, module: module.clone(), found: &mut edges }.visit_file(ast);
    }
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().insert(to);
    }
    let reach = |start: &str| {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![start]);
        while let Some(f) = todo.pop() {
            for &t in next.get(f).into_iter().flatten() {
                if seen.insert(t) {
                    todo.push(t);
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&str, BTreeSet<&str>> = next.keys().map(|&f| (f, reach(f))).collect();

    // Strongly connected components: files each reachable from the other.
    let mut report = String::new();
    let mut done = BTreeSet::new();
    for (&file, reached) in &reach {
        let scc: BTreeSet<&str> =
            reached.iter().copied().filter(|g| reach.get(g).is_some_and(|r| r.contains(file))).collect();
        if scc.len() < 2 || !done.insert(scc.clone()) {
            continue;
        }
        report += &format!("\ncycle among {} files:\n", scc.len());
        for ((from, to), line) in &edges {
            if scc.contains(from.as_str()) && scc.contains(to.as_str()) {
                report += &format!("  {from}:{line} -> {to}\n");
            }
        }
    }
    assert!(report.is_empty(), "import cycles between files of src/:\n{report}");
}
