//! Command line → action key and category (pure: no I/O, no clock).
//!
//! An *action key* names what was run without its arguments: the program and its
//! meaningful subcommand (`cargo test`, `npm run lint`, `docker compose up`, `make test`,
//! `kubectl get`). Paths, values and free arguments never enter a key. Script and task
//! names (`npm run <script>`, `make <target>`) do, because they are what the user ran;
//! such keys are `known` only when the name is made of common words (see `tasks.rs`).
//!
//! How a line is read:
//!
//! 1. [`lex`] splits it into simple commands (`a && b | c; $(d)`), honouring quotes.
//! 2. Each command is resolved: assignments (`FOO=1`) and wrappers (`sudo`, `env`,
//!    `time`, `nice`, `nohup`, `timeout 30`, `xargs`, `npx`, `uv run`, `poetry run`,
//!    `bundle exec`, …) are unwrapped, the program is reduced to its basename
//!    (`./gradlew` → `gradle`), global options are skipped (`git -C dir status`), and the
//!    built-in table in [`tools`] gives the key and category. Interpreters run scripts
//!    and modules (`python -m pytest` → `pytest`, `bash -c 'make'` → `make`).
//! 3. The line's action is the command "that costs the time", chosen in this order:
//!    an interactive session (an editor, a REPL, a dev server: its time dominates the
//!    line), then by category: test > build > deploy > container > lint > deps > run >
//!    vcs > lookup > other. Commands inside `$( … )` come after all top-level ones.
//!    Fillers (`cd`, `echo`, `export`, `source`, `clear`, …), filters and pagers reading a
//!    pipe (`| grep`, `| head`, `| less`) are only chosen when nothing else is there.
//!    Ties go to the first command.
//! 4. The line is counted only if every command in it is: a line that opens an editor,
//!    a pager or a REPL anywhere measures a human, not a wait.
//!
//! User rules from the config ([`UserRule`]) are tried before the built-ins at every
//! program in the chain (`sudo uv run ./ci.sh` tries `uv run ./ci.sh`, then `./ci.sh`).
//! `docs/classify.md` is the user-facing description; keep the two in step.

pub mod editor;
mod lex;
mod tasks;
mod tools;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use regex::Regex;
use serde::{Deserialize, Serialize};

use self::lex::{Simple, Word};
use self::tools::{
    BuildFnv, DASHDASH, Dialect, FILLER, FILTER, GOAL_FIRST, MAN_HELP, NO_KEY, NO_SHORT_HELP,
    OWN_NAME, PLUS_OPTS, Rest, STRIP_PROJECT, Spec, Special, Tty, V_LOWER, W_WATCH,
};

/// Bump whenever a change to the tables or the engine changes any classification, so
/// stored classifications are recomputed (`Classifier::fingerprint`). The test
/// `builtin_behaviour_is_pinned` fails until you do.
const RULES_VERSION: u32 = 3;

/// The action key of a line that names no readable program (empty, only a comment, or a
/// program given by a variable such as `$EDITOR`).
pub const UNKNOWN_ACTION: &str = "(unknown)";

/// The most words a key has (`docker compose up`, `npm run test`).
const MAX_KEY_WORDS: usize = 4;

/// How deep `bash -c '…'` strings inside strings are followed.
const MAX_STRING_DEPTH: u8 = 3;

/// What kind of work a command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Build,
    Test,
    /// Linting, formatting and type-checking.
    Lint,
    /// Running a program, script or job once.
    Run,
    /// Installing and updating packages.
    Deps,
    /// Version control: git, hg, jj, svn, and the gh/glab forge CLIs.
    Vcs,
    /// Searching and navigating: rg, find, ls, man, `--help`, `kubectl get`, `docker ps`.
    Lookup,
    Deploy,
    /// Building and running containers.
    Container,
    /// A long-lived session (editor, pager, shell, REPL, dev server): not waiting.
    Interactive,
    Other,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::Build,
        Category::Test,
        Category::Lint,
        Category::Run,
        Category::Deps,
        Category::Vcs,
        Category::Lookup,
        Category::Deploy,
        Category::Container,
        Category::Interactive,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Build => "build",
            Category::Test => "test",
            Category::Lint => "lint",
            Category::Run => "run",
            Category::Deps => "deps",
            Category::Vcs => "vcs",
            Category::Lookup => "lookup",
            Category::Deploy => "deploy",
            Category::Container => "container",
            Category::Interactive => "interactive",
            Category::Other => "other",
        }
    }

    /// Which category wins in a compound line (lower wins): the order in the module doc.
    fn priority(self) -> u8 {
        match self {
            Category::Test => 0,
            Category::Build => 1,
            Category::Deploy => 2,
            Category::Container => 3,
            Category::Lint => 4,
            Category::Deps => 5,
            Category::Run => 6,
            Category::Vcs => 7,
            Category::Lookup => 8,
            Category::Other => 9,
            Category::Interactive => 10,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A category name that is not one of [`Category::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown category `{given}` (expected one of: {})", valid_categories())]
pub struct CategoryError {
    pub given: String,
}

fn valid_categories() -> String {
    Category::ALL.map(Category::as_str).join(", ")
}

impl FromStr for Category {
    type Err = CategoryError;

    fn from_str(s: &str) -> Result<Category, CategoryError> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| CategoryError {
                given: s.to_string(),
            })
    }
}

/// The classifier's verdict on one command line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Classification {
    /// The action key, e.g. `cargo test`, `npm run test`, `make`, `kubectl get`.
    pub action: String,
    pub category: Category,
    /// False when the line's duration is not waiting: interactive sessions, pagers,
    /// editors and prompts, and anything a user rule marks uncounted.
    pub counted: bool,
    /// True when the key comes from a built-in or user rule rather than from the line's
    /// own words (an unknown program's name, an uncommon script name). The team uploader
    /// only sends known keys.
    pub known: bool,
}

/// One classification rule from the config, already validated.
#[derive(Debug, Clone)]
pub struct UserRule {
    kind: RuleKind,
}

#[derive(Debug, Clone)]
enum RuleKind {
    /// `[[classify.rule]]`: a regex over the command from its program on.
    Pattern {
        source: String,
        regex: Regex,
        action: Option<String>,
        category: Option<Category>,
        counted: Option<bool>,
    },
    /// `[classify] tools`: a program name → category; the action is the name.
    Tool { name: String, category: Category },
    /// `[classify] aliases`: a program name read as another (`k` → `kubectl`).
    Alias { name: String, program: String },
}

impl UserRule {
    /// A rule matching `pattern` (a regex) against a command from its program word on,
    /// after wrappers. Each of `action`, `category` and `counted` overrides the built-in
    /// verdict; `counted` defaults to `category != interactive` when a category is given.
    pub fn pattern(
        pattern: &str,
        action: Option<&str>,
        category: Option<Category>,
        counted: Option<bool>,
    ) -> Result<UserRule, String> {
        let regex = Regex::new(pattern).map_err(|err| format!("not a valid regex: {err}"))?;
        if action.is_none() && category.is_none() && counted.is_none() {
            return Err("sets none of `action`, `category`, `counted`".into());
        }
        if let Some(action) = action {
            check_action(action)?;
        }
        Ok(UserRule {
            kind: RuleKind::Pattern {
                source: pattern.to_string(),
                regex,
                action: action.map(str::to_string),
                category,
                counted,
            },
        })
    }

    /// A program the built-ins don't know (or should read differently): its name alone
    /// is the action, in `category`.
    pub fn tool(name: &str, category: Category) -> Result<UserRule, String> {
        check_program(name)?;
        Ok(UserRule {
            kind: RuleKind::Tool {
                name: name.to_string(),
                category,
            },
        })
    }

    /// A shell alias for a program: `name` is classified as `program` would be.
    pub fn alias(name: &str, program: &str) -> Result<UserRule, String> {
        check_program(name)?;
        check_program(program)?;
        Ok(UserRule {
            kind: RuleKind::Alias {
                name: name.to_string(),
                program: program.to_string(),
            },
        })
    }
}

/// A program name as typed without its directory: no `/`, no blanks, no quotes.
fn check_program(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err(format!(
            "`{name}` is not a program name (1 to 64 characters)"
        ));
    }
    if name
        .chars()
        .any(|c| c == '/' || c.is_whitespace() || c.is_control() || "'\"`$=".contains(c))
    {
        return Err(format!(
            "`{name}` is not a program name (no `/`, blanks, quotes, `$` or `=`)"
        ));
    }
    Ok(())
}

/// An action key from the config: one line of printable text.
fn check_action(action: &str) -> Result<(), String> {
    if action.trim().is_empty() || action.len() > 80 || action.trim() != action {
        return Err(format!(
            "action `{action}` must be 1 to 80 characters without surrounding blanks"
        ));
    }
    if action.chars().any(char::is_control) {
        return Err("action must be one line without control characters".into());
    }
    Ok(())
}

/// Classifies command lines with the built-in table and the user's rules.
#[derive(Debug, Clone)]
pub struct Classifier {
    patterns: Vec<PatternRule>,
    tools: HashMap<String, Category, BuildFnv>,
    aliases: HashMap<String, String, BuildFnv>,
    fingerprint: u64,
}

#[derive(Debug, Clone)]
struct PatternRule {
    regex: Regex,
    action: Option<String>,
    category: Option<Category>,
    counted: Option<bool>,
}

impl Classifier {
    pub fn new(user_rules: Vec<UserRule>) -> Classifier {
        let mut hash = Fnv64::new();
        hash.bytes(b"worthit-classify");
        hash.bytes(&RULES_VERSION.to_le_bytes());
        let mut classifier = Classifier {
            patterns: Vec::new(),
            tools: HashMap::default(),
            aliases: HashMap::default(),
            fingerprint: 0,
        };
        for rule in user_rules {
            match rule.kind {
                RuleKind::Pattern {
                    source,
                    regex,
                    action,
                    category,
                    counted,
                } => {
                    hash.field(b"pattern");
                    hash.field(source.as_bytes());
                    hash.field(action.as_deref().unwrap_or("\0").as_bytes());
                    hash.field(category.map_or("\0", Category::as_str).as_bytes());
                    hash.field(match counted {
                        None => b"\0",
                        Some(true) => b"1",
                        Some(false) => b"0",
                    });
                    classifier.patterns.push(PatternRule {
                        regex,
                        action,
                        category,
                        counted,
                    });
                }
                RuleKind::Tool { name, category } => {
                    hash.field(b"tool");
                    hash.field(name.as_bytes());
                    hash.field(category.as_str().as_bytes());
                    classifier.tools.entry(name).or_insert(category);
                }
                RuleKind::Alias { name, program } => {
                    hash.field(b"alias");
                    hash.field(name.as_bytes());
                    hash.field(program.as_bytes());
                    classifier.aliases.entry(name).or_insert(program);
                }
            }
        }
        classifier.fingerprint = hash.finish();
        classifier
    }

    /// The built-in rules alone.
    pub fn builtin() -> Classifier {
        Classifier::new(Vec::new())
    }

    /// Changes when the built-in rules' version or the user rules change; the same
    /// rules give the same value in every process.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Classifies a recorded event: editors and `worthit watch` (`source` = the spool's
    /// `shell` field) have their own grammar for what is not a command line
    /// ([`editor`]); everything else reads as a command line.
    pub fn classify_event(&self, source: &str, command_line: &str) -> Classification {
        editor::classify(source, command_line).unwrap_or_else(|| self.classify(command_line))
    }

    pub fn classify(&self, command_line: &str) -> Classification {
        // Stored commands carry the redactor's marker where a secret was; `<` and `>`
        // would read as redirections (`TOKEN=<redacted> cargo build` must stay cargo).
        let unmarked;
        let command_line = if command_line.contains(crate::redact::MARKER) {
            unmarked = command_line.replace(crate::redact::MARKER, "REDACTED");
            unmarked.as_str()
        } else {
            command_line
        };
        match self.scan(command_line, 0) {
            Some(found) => Classification {
                action: found.key.join(),
                category: found.category,
                counted: found.counted,
                known: found.known,
            },
            None => Classification {
                action: UNKNOWN_ACTION.to_string(),
                category: Category::Other,
                counted: true,
                known: false,
            },
        }
    }

    /// The line's chosen command, with `counted` for the whole line.
    fn scan<'a>(&'a self, text: &'a str, depth: u8) -> Option<Candidate<'a>> {
        let mut pick = Pick::default();
        lex::lex(text, &mut |simple: &Simple<'_>| {
            let dashed = simple
                .words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.is_dashed(text))
                .fold(0u32, |bits, (j, _)| bits | 1 << j);
            let cx = Cx {
                text,
                words: simple.words,
                simple,
                depth,
                dashed,
            };
            let found = self.resolve(&cx, 0);
            pick.offer(found, simple);
        });
        pick.finish()
    }

    fn has_user_rules(&self) -> bool {
        !self.patterns.is_empty() || !self.tools.is_empty() || !self.aliases.is_empty()
    }

    /// The command starting at word `i`: assignments skipped, user rules first.
    fn resolve<'a>(&'a self, cx: &Cx<'a, '_>, mut i: usize) -> Candidate<'a> {
        while cx.words.get(i).is_some_and(|w| w.is_assignment(cx.text)) {
            i += 1;
        }
        let Some(word) = cx.words.get(i) else {
            // Only assignments: `FOO=1` sets a shell variable.
            return Candidate::filler(Key::one(UNKNOWN_ACTION));
        };
        let name = match word.text(cx.text) {
            Some(text) => program_name(text),
            None => match expanded_program(word.raw(cx.text)) {
                Ok(name) => name,
                Err(found) => return found,
            },
        };
        if self.has_user_rules()
            && let Some(found) = self.user_rule(cx, i, name)
        {
            return found;
        }
        self.read_builtin(cx, i, name)
    }

    fn user_rule<'a>(&'a self, cx: &Cx<'a, '_>, i: usize, name: &'a str) -> Option<Candidate<'a>> {
        if !self.patterns.is_empty() {
            let command = &cx.text[cx.words[i].start()..cx.simple.end.max(cx.words[i].start())];
            if let Some(rule) = self.patterns.iter().find(|r| r.regex.is_match(command)) {
                let base = self.read_builtin(cx, i, name);
                let category = rule.category.unwrap_or(base.category);
                return Some(Candidate {
                    key: rule.action.as_deref().map_or(base.key, Key::one),
                    category,
                    counted: rule
                        .counted
                        .or(rule.category.map(|c| c != Category::Interactive))
                        .unwrap_or(base.counted),
                    known: true,
                    filler: base.filler && rule.category.is_none(),
                    filter: base.filter && rule.category.is_none(),
                });
            }
        }
        let (name, &category) = self.tools.get_key_value(name)?;
        Some(Candidate {
            key: Key::one(name),
            category,
            counted: category != Category::Interactive,
            known: true,
            filler: false,
            filter: false,
        })
    }

    /// The built-in reading of the command whose program word is `i`.
    fn read_builtin<'a>(&'a self, cx: &Cx<'a, '_>, i: usize, name: &'a str) -> Candidate<'a> {
        let program = self.aliases.get(name).map_or(name, String::as_str);
        match lookup(program) {
            Some((spec, spelled)) => self.walk(cx, spec, spelled, i),
            None => unknown_program(cx, i, name),
        }
    }

    /// Walks a built-in spec from its program word at `at`.
    fn walk<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        top: &'static Spec,
        spelled: &'static str,
        at: usize,
    ) -> Candidate<'a> {
        let program_key = match top.key {
            Some(words) => words[0],
            None if top.flags & OWN_NAME != 0 => spelled,
            None => top.names[0],
        };
        let runs_command = matches!(top.rest, Rest::Exec);
        if !runs_command && let Some(found) = help_or_version(cx, top, program_key, at + 1) {
            return found;
        }
        let mut walk = Walk {
            key: Key::default(),
            program_at: at,
            w_watch: false,
            filler: false,
            filter: false,
            known: true,
        };
        let mut level = top;
        let mut name = spelled;
        let mut i = at + 1;
        loop {
            if level.flags & NO_KEY == 0 {
                match level.key {
                    Some(words) => words.iter().for_each(|w| walk.key.push(w)),
                    None if level.flags & OWN_NAME != 0 => walk.key.push(name),
                    None => walk.key.push(level.names[0]),
                }
            }
            walk.w_watch |= level.flags & W_WATCH != 0;
            walk.filler |= level.flags & FILLER != 0;
            walk.filter |= level.flags & FILTER != 0;
            if !runs_command
                && i + 1 == cx.words.len()
                && top.flags & NO_SHORT_HELP == 0
                && cx.words[i].option(cx.text) == Some("-h")
            {
                return help(cx, top, program_key);
            }
            if let Rest::Interp(interp) = level.rest {
                return self.interpret(cx, level, interp, i, walk);
            }
            let positional = scan_options(cx, level, top.flags, i);
            if let Rest::Exec = level.rest {
                return self.exec(cx, level, i, positional, walk);
            }
            let Some(k) = positional else {
                let category = level.bare.unwrap_or(level.category);
                return self.finish(cx, level, category, i, walk);
            };
            let Some(word) = cx.words[k].text(cx.text) else {
                return self.finish(cx, level, level.category, i, walk);
            };
            if !level.subs.is_empty() && word == "help" {
                return help(cx, top, program_key);
            }
            if let Some((sub, spelled)) = tools::sub(level, word) {
                level = sub;
                name = spelled;
                i = k + 1;
                continue;
            }
            return match level.rest {
                Rest::Ignore | Rest::Exec | Rest::Interp(_) => {
                    self.finish(cx, level, level.category, i, walk)
                }
                Rest::Script(dialect, default) => {
                    self.script(cx, level, k, word, (dialect, default), walk)
                }
                Rest::Binary { run_word } => {
                    if self.runs_binary(word) {
                        self.resolve(cx, k)
                    } else {
                        if run_word {
                            walk.key.push("run");
                        }
                        self.script(cx, level, k, word, (Dialect::Script, Category::Run), walk)
                    }
                }
                Rest::Tasks(dialect, default) => {
                    self.tasks(cx, level, top.flags, k, (dialect, default), walk)
                }
                Rest::Cloud { op_word } => self.cloud(cx, level, k, op_word, walk),
            };
        }
    }

    /// A wrapper or runner: classify its command, or the wrapper itself when alone.
    fn exec<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        level: &'static Spec,
        i: usize,
        positional: Option<usize>,
        walk: Walk<'a>,
    ) -> Candidate<'a> {
        let lookup_flag = level.special.iter().any(|special| match special {
            Special::LookupIf(flags) => has_any(cx, i, positional.unwrap_or(cx.words.len()), flags),
            _ => false,
        });
        if lookup_flag {
            return finish_as(Category::Lookup, walk);
        }
        let mut command = positional;
        if level.flags & DASHDASH != 0
            && let Some(dashes) =
                (i..cx.words.len()).find(|&j| cx.words[j].option(cx.text) == Some("--"))
        {
            command = Some(dashes + 1).filter(|&j| j < cx.words.len());
        }
        match command {
            Some(k) if cx.words[k].option(cx.text) == Some("--") && k + 1 < cx.words.len() => {
                self.resolve(cx, k + 1)
            }
            Some(k) => self.resolve(cx, k),
            None => {
                let category = level.bare.unwrap_or(level.category);
                self.finish(cx, level, category, i, walk)
            }
        }
    }

    /// `yarn jest`, `pnpm vitest`, `bun src/index.ts`: the word names something to run
    /// rather than a package script.
    fn runs_binary(&self, word: &str) -> bool {
        if looks_like_file(word) {
            return true;
        }
        // Common script names that happen to be tools too are read as scripts.
        if matches!(word, "serve" | "watch" | "migrate" | "storybook" | "info") {
            return false;
        }
        let name = program_name(word);
        self.tools.contains_key(name)
            || self.aliases.contains_key(name)
            || lookup(name).is_some_and(|(spec, _)| {
                spec.flags & FILLER == 0 && !matches!(spec.rest, Rest::Exec)
            })
    }

    /// A script or task name right after the level (`npm run <name>`); `default` is the
    /// category when the name says nothing.
    fn script<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        level: &'static Spec,
        k: usize,
        word: &'a str,
        (dialect, default): (Dialect, Category),
        mut walk: Walk<'a>,
    ) -> Candidate<'a> {
        if looks_like_file(word) {
            return self.resolve(cx, k);
        }
        if !shaped(word) {
            return self.finish(cx, level, default, k + 1, walk);
        }
        walk.key.push(word);
        walk.known = tasks::known(word, dialect);
        let category = tasks::category(word, dialect).unwrap_or(default);
        self.finish(cx, level, category, k + 1, walk)
    }

    /// Every remaining positional word is a task; the costliest one becomes the key.
    fn tasks<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        level: &'static Spec,
        top_flags: u16,
        k: usize,
        (dialect, default): (Dialect, Category),
        mut walk: Walk<'a>,
    ) -> Candidate<'a> {
        let mut best: Option<(u8, &'a str, Category)> = None;
        let mut j = k;
        while j < cx.words.len() {
            let word = &cx.words[j];
            if let Some(option) = word.option(cx.text)
                && is_option(option, top_flags)
            {
                j += if level.opts.contains(&option) { 2 } else { 1 };
                continue;
            }
            j += 1;
            if word.is_assignment(cx.text) {
                continue;
            }
            let Some(text) = word.text(cx.text) else {
                continue;
            };
            // sbt and mvn take quoted commands with arguments: `sbt "testOnly x.Y"`.
            let mut name = text.split_whitespace().next().unwrap_or("");
            let watch = name.starts_with('~');
            name = name.trim_start_matches('~');
            if top_flags & STRIP_PROJECT != 0 {
                name = name.rsplit(':').next().unwrap_or(name);
            }
            if !shaped(name) || name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let category = if watch {
                Category::Interactive
            } else {
                let whole = tasks::category(name, dialect);
                let goal = name.rsplit(':').next().unwrap_or(name);
                let read = if top_flags & GOAL_FIRST != 0 && whole != Some(Category::Interactive) {
                    // `dependency:tree` looks up; `spring-boot:run` still serves.
                    tasks::category(goal, dialect).or(whole)
                } else {
                    whole
                };
                read.unwrap_or(default)
            };
            let rank = match category {
                Category::Interactive => 0,
                other => 1 + other.priority(),
            };
            if best.is_none_or(|(r, _, _)| rank < r) {
                best = Some((rank, name, category));
            }
        }
        match best {
            Some((_, name, category)) => {
                walk.key.push(name);
                walk.known = tasks::known(name, dialect);
                self.finish(cx, level, category, k, walk)
            }
            None => self.finish(cx, level, default, k, walk),
        }
    }

    /// An interpreter from its options at `i`: inline code, a module, a script, or a REPL.
    fn interpret<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        level: &'static Spec,
        interp: &'static tools::Interp,
        i: usize,
        walk: Walk<'a>,
    ) -> Candidate<'a> {
        let words = cx.words;
        let mut j = i;
        while j < words.len() {
            let Some(option) = words[j].option(cx.text) else {
                break;
            };
            if option == "--" {
                j += 1;
                break;
            }
            if !option.starts_with('-') || option.len() < 2 {
                break;
            }
            let code = interp.code.contains(&option)
                || (interp.shell && short_cluster(option).is_some_and(|c| c.contains('c')));
            if code {
                if interp.shell
                    && let Some(found) = words
                        .get(j + 1)
                        .and_then(|w| w.text(cx.text))
                        .and_then(|inner| self.string(cx, inner))
                {
                    return found;
                }
                return self.finish(cx, level, Category::Run, i, walk);
            }
            if interp.module && (option == "-m" || option.starts_with("-m")) {
                let module = if option == "-m" {
                    words.get(j + 1).and_then(|w| w.text(cx.text))
                } else {
                    Some(&option[2..])
                };
                let after = if option == "-m" { j + 2 } else { j + 1 };
                return match module {
                    Some(module) => self.module(cx, module, after),
                    None => self.finish(cx, level, Category::Run, i, walk),
                };
            }
            if interp.file.contains(&option) {
                j += 1;
                break;
            }
            if let Some(&(_, category)) = interp.runs.iter().find(|(flag, _)| *flag == option) {
                return self.finish(cx, level, category, i, walk);
            }
            j += if level.opts.contains(&option) { 2 } else { 1 };
        }
        let interactive_flag = level.special.iter().any(|special| match special {
            Special::InteractiveIf(flags) => has_any(cx, i, j.min(words.len()), flags),
            _ => false,
        });
        if interactive_flag {
            return finish_as(Category::Interactive, walk);
        }
        let Some(script) = words.get(j) else {
            // No script: a REPL, unless the program comes from a pipe or a file.
            let category = if cx.simple.piped_in || cx.simple.stdin_redirected {
                Category::Run
            } else {
                level.bare.unwrap_or(Category::Interactive)
            };
            return self.finish(cx, level, category, i, walk);
        };
        let Some(text) = script.text(cx.text) else {
            return self.finish(cx, level, Category::Run, i, walk);
        };
        if let Some((sub, _)) = tools::sub(level, text) {
            let mut walk = walk;
            walk.key.push(sub.names[0]);
            return self.finish(cx, sub, sub.category, j + 1, walk);
        }
        if !shaped(program_name(text)) {
            return self.finish(cx, level, Category::Run, i, walk);
        }
        // Running a script file is running that program: `python tools/gen.py` and
        // `./tools/gen.py` share the key `gen.py`; `python manage.py test` is Django's.
        self.resolve(cx, j)
    }

    /// `python -m <module> args…` with the arguments from `at`.
    fn module<'a>(&'a self, cx: &Cx<'a, '_>, module: &'a str, at: usize) -> Candidate<'a> {
        if let Some(&category) = self.tools.get(module) {
            return Candidate {
                key: Key::one(module),
                category,
                counted: category != Category::Interactive,
                known: true,
                filler: false,
                filter: false,
            };
        }
        match tools::module(module) {
            // The spec walks from the module word as if it were the program.
            Some((spec, spelled)) => self.walk(cx, spec, spelled, at - 1),
            None => Candidate {
                key: Key::one(if shaped(module) {
                    module
                } else {
                    UNKNOWN_ACTION
                }),
                category: Category::Other,
                counted: true,
                known: false,
                filler: false,
                filter: false,
            },
        }
    }

    /// A command line given as a string (`bash -c '…'`, `nix-shell --run '…'`).
    fn string<'a>(&'a self, cx: &Cx<'a, '_>, inner: &'a str) -> Option<Candidate<'a>> {
        if cx.depth >= MAX_STRING_DEPTH {
            return None;
        }
        self.scan(inner, cx.depth + 1)
    }

    /// aws/gcloud/az: a service word, maybe an operation word; the verb decides.
    fn cloud<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        level: &'static Spec,
        k: usize,
        op_word: bool,
        mut walk: Walk<'a>,
    ) -> Candidate<'a> {
        let Some(service) = cx.words[k].text(cx.text).filter(|w| cloud_shaped(w)) else {
            return self.finish(cx, level, level.category, k, walk);
        };
        walk.key.push(service);
        let mut category = None;
        let mut seen = 0;
        let mut j = k + 1;
        while j < cx.words.len() && seen < 3 && category.is_none() {
            let word = &cx.words[j];
            j += 1;
            if word.option(cx.text).is_some_and(|w| w.starts_with('-')) {
                continue;
            }
            let Some(text) = word.text(cx.text) else {
                break;
            };
            let verb = cloud_verb(text);
            if seen == 0 && cloud_shaped(text) && (op_word || verb.is_some()) {
                walk.key.push(text);
            }
            category = verb;
            seen += 1;
        }
        let mut category = category
            .or_else(|| cloud_verb(service))
            .unwrap_or(level.category);
        if has_any(cx, k, cx.words.len(), &["--follow"]) {
            category = Category::Interactive;
        }
        self.finish(cx, level, category, k + 1, walk)
    }

    /// Applies the level's flag-dependent rules and the watch rule.
    fn finish<'a>(
        &'a self,
        cx: &Cx<'a, '_>,
        level: &'static Spec,
        mut category: Category,
        from: usize,
        walk: Walk<'a>,
    ) -> Candidate<'a> {
        let end = cx.words.len();
        let mut human = false;
        for special in level.special {
            match *special {
                Special::Follow(flags) => {
                    if has_any(cx, from, end, flags) {
                        category = Category::Interactive;
                    }
                }
                Special::Detach => {
                    if !has_any(cx, from, end, &["-d", "--detach", "--wait"]) {
                        category = Category::Interactive;
                    }
                }
                Special::Tty(kind) => {
                    if self.tty_session(cx, from, kind) {
                        category = Category::Interactive;
                    }
                }
                Special::Pager => human |= pages(cx, walk.program_at),
                Special::Human => human = true,
                Special::PromptIf(flags) => human |= has_any(cx, from, end, flags),
                Special::PromptUnless(flags) => human |= !has_any(cx, from, end, flags),
                Special::PromptUnlessArg(flags) => {
                    human |= !has_any(cx, from, end, flags) && positionals(cx, level, from) == 0;
                }
                Special::InteractiveIf(flags) => {
                    if has_any(cx, from, end, flags) {
                        category = Category::Interactive;
                    }
                }
                Special::InteractiveUnless(flags) => {
                    if !has_any(cx, from, end, flags) {
                        category = Category::Interactive;
                    }
                }
                Special::LookupIf(flags) => {
                    if has_any(cx, from, end, flags) {
                        category = Category::Lookup;
                    }
                }
                Special::Repl(flags, allowed) => {
                    let runs_something = has_any(cx, from, end, flags)
                        || positionals(cx, level, from) > usize::from(allowed)
                        || cx.simple.piped_in
                        || cx.simple.stdin_redirected;
                    if !runs_something {
                        category = Category::Interactive;
                    }
                }
                Special::Localhost => {
                    if (from..end).any(|j| names_this_machine(cx.words[j].raw(cx.text))) {
                        category = Category::Lookup;
                    }
                }
                Special::ExecAfter(options) => {
                    if let Some(j) = (from..end).find(|&j| {
                        cx.words[j]
                            .option(cx.text)
                            .is_some_and(|o| options.contains(&o))
                    }) && j + 1 < end
                    {
                        return self.resolve(cx, j + 1);
                    }
                }
                Special::ShellArg(options) => {
                    if let Some(found) = (from..end)
                        .find(|&j| {
                            cx.words[j]
                                .option(cx.text)
                                .is_some_and(|o| options.contains(&o))
                        })
                        .and_then(|j| cx.words.get(j + 1))
                        .and_then(|w| w.text(cx.text))
                        .and_then(|inner| self.string(cx, inner))
                    {
                        return found;
                    }
                }
            }
        }
        let watches = has_any(cx, from, end, WATCH_FLAGS)
            || (walk.w_watch && has_any(cx, from, end, &["-w"]));
        if watches
            && matches!(
                category,
                Category::Test
                    | Category::Build
                    | Category::Lint
                    | Category::Run
                    | Category::Lookup
                    | Category::Container
            )
        {
            category = Category::Interactive;
        }
        Candidate {
            key: walk.key,
            category,
            counted: category != Category::Interactive && !human,
            known: walk.known,
            filler: walk.filler,
            filter: walk.filter,
        }
    }

    /// Whether a container command opens a terminal session: a shell or REPL with a
    /// terminal attached, or a foreground server (`docker run -p 8080:80 nginx`).
    fn tty_session(&self, cx: &Cx<'_, '_>, from: usize, kind: Tty) -> bool {
        let value_options: &[&str] = match kind {
            Tty::DockerRun => DOCKER_RUN_VALUES,
            Tty::DockerExec => &[
                "-e",
                "--env",
                "-u",
                "--user",
                "-w",
                "--workdir",
                "--env-file",
                "--detach-keys",
            ],
            Tty::ComposeRun => COMPOSE_RUN_VALUES,
            Tty::ComposeExec => &["-e", "--env", "-u", "--user", "-w", "--workdir", "--index"],
            Tty::KubeExec => &[
                "-c",
                "--container",
                "-n",
                "--namespace",
                "-f",
                "--filename",
                "--image",
                "--pod-running-timeout",
                "--context",
                "-l",
                "--labels",
                "--env",
                "--port",
                "--overrides",
                "--restart",
            ],
        };
        let (mut interactive, mut terminal, mut detached, mut no_tty, mut publishes) =
            (false, false, false, false, false);
        let mut positional = 0;
        let mut command = None;
        let mut j = from;
        while j < cx.words.len() {
            let word = &cx.words[j];
            match word.option(cx.text) {
                Some("--") => {
                    command = Some(j + 1).filter(|&c| c < cx.words.len());
                    break;
                }
                Some(option) if option.starts_with('-') && option.len() > 1 => {
                    let long = |name: &str| {
                        option
                            .strip_prefix(name)
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
                    };
                    let cluster = short_cluster(option).unwrap_or("");
                    interactive |=
                        long("--interactive") || long("--stdin") || cluster.contains('i');
                    terminal |= long("--tty") || cluster.contains('t');
                    detached |= long("--detach") || cluster.contains('d');
                    no_tty |= long("--no-TTY") || long("--no-tty") || cluster.contains('T');
                    publishes |= long("--publish")
                        || long("--publish-all")
                        || cluster.contains('p')
                        || cluster.contains('P');
                    j += if value_options.contains(&option) {
                        2
                    } else {
                        1
                    };
                }
                _ => {
                    if positional == 1 {
                        command = Some(j);
                        break;
                    }
                    positional += 1;
                    j += 1;
                }
            }
        }
        let session =
            command.is_some_and(|c| self.resolve(cx, c).category == Category::Interactive);
        match kind {
            Tty::DockerRun => {
                !detached
                    && ((interactive && terminal && (command.is_none() || session))
                        || (command.is_none() && publishes))
            }
            Tty::DockerExec | Tty::KubeExec => interactive && terminal && session,
            Tty::ComposeRun => !detached && !no_tty && (command.is_none() || session),
            Tty::ComposeExec => !detached && !no_tty && session,
        }
    }
}

/// A level's reading decided by one of its own options, before anything else.
fn finish_as(category: Category, walk: Walk<'_>) -> Candidate<'_> {
    Candidate {
        key: walk.key,
        category,
        counted: category != Category::Interactive,
        known: walk.known,
        filler: false,
        filter: false,
    }
}

/// Options of `docker run` that take a value (so the value is not the image).
const DOCKER_RUN_VALUES: &[&str] = &[
    "-a",
    "--attach",
    "-c",
    "--cpu-shares",
    "--cidfile",
    "--cpus",
    "--cpuset-cpus",
    "-e",
    "--env",
    "--env-file",
    "--entrypoint",
    "-h",
    "--hostname",
    "-l",
    "--label",
    "--label-file",
    "--log-driver",
    "--log-opt",
    "-m",
    "--memory",
    "--mount",
    "--name",
    "--network",
    "--net",
    "-p",
    "--publish",
    "--platform",
    "--pull",
    "--restart",
    "-u",
    "--user",
    "-v",
    "--volume",
    "--volumes-from",
    "-w",
    "--workdir",
    "--add-host",
    "--device",
    "--cap-add",
    "--cap-drop",
    "--dns",
    "--gpus",
    "--ipc",
    "--pid",
    "--security-opt",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--tmpfs",
    "--ulimit",
    "--userns",
    "--health-cmd",
    "--expose",
    "--network-alias",
    "--init-path",
    "--runtime",
    "--memory-swap",
    "--group-add",
];

const COMPOSE_RUN_VALUES: &[&str] = &[
    "-e",
    "--env",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "-p",
    "--publish",
    "-v",
    "--volume",
    "-l",
    "--label",
    "--name",
    "--entrypoint",
    "--env-file",
    "--pull",
];

/// Flags that put a tool in watch mode, whatever the tool.
const WATCH_FLAGS: &[&str] = &[
    "--watch",
    "--watchAll",
    "--watch-all",
    "--file-watch",
    "--watch-mode",
];

/// What the walk has gathered so far.
#[derive(Clone, Copy)]
struct Walk<'a> {
    key: Key<'a>,
    program_at: usize,
    w_watch: bool,
    filler: bool,
    filter: bool,
    known: bool,
}

/// The command being resolved.
struct Cx<'a, 'w> {
    text: &'a str,
    words: &'w [Word],
    simple: &'w Simple<'w>,
    depth: u8,
    /// Bit `j` set when word `j` starts with `-` or `+`: most commands have few options,
    /// and this skips the option scans for the rest.
    dashed: u32,
}

/// An action key under construction: words borrowed from the table, the rules or the line.
#[derive(Clone, Copy, Default)]
struct Key<'a> {
    words: [&'a str; MAX_KEY_WORDS],
    len: usize,
}

impl<'a> Key<'a> {
    fn one(word: &'a str) -> Key<'a> {
        let mut key = Key::default();
        key.push(word);
        key
    }

    fn push(&mut self, word: &'a str) {
        if self.len < MAX_KEY_WORDS {
            self.words[self.len] = word;
            self.len += 1;
        }
    }

    fn join(&self) -> String {
        let words = &self.words[..self.len];
        if words.is_empty() {
            return UNKNOWN_ACTION.to_string();
        }
        let mut out = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
        for (n, word) in words.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
}

/// One command's reading, before the line's choice.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    key: Key<'a>,
    category: Category,
    counted: bool,
    known: bool,
    filler: bool,
    filter: bool,
}

impl<'a> Candidate<'a> {
    fn filler(key: Key<'a>) -> Candidate<'a> {
        Candidate {
            key,
            category: Category::Other,
            counted: true,
            known: false,
            filler: true,
            filter: false,
        }
    }
}

/// Chooses a line's command (the rule in the module doc).
#[derive(Default)]
struct Pick<'a> {
    best: Option<(u8, u8, Candidate<'a>)>,
    uncounted: bool,
}

impl<'a> Pick<'a> {
    fn offer(&mut self, found: Candidate<'a>, simple: &Simple<'_>) {
        self.uncounted |= !found.counted;
        let sink = simple.piped_in && (found.filter || found.category == Category::Interactive);
        let tier = if found.filler || sink {
            3
        } else if found.category == Category::Interactive {
            if simple.nested { 3 } else { 0 }
        } else if simple.nested {
            2
        } else {
            1
        };
        // Among fillers, filters and pagers, the first one stands for the line.
        let priority = if tier == 3 {
            0
        } else {
            found.category.priority()
        };
        if self
            .best
            .as_ref()
            .is_none_or(|(t, p, _)| (tier, priority) < (*t, *p))
        {
            self.best = Some((tier, priority, found));
        }
    }

    fn finish(self) -> Option<Candidate<'a>> {
        let uncounted = self.uncounted;
        self.best.map(|(_, _, mut found)| {
            found.counted &= !uncounted;
            found
        })
    }
}

/// The table entry for a program name; a version suffix is dropped when the exact name
/// is unknown (`python3.12`, `pip3`, `gcc-13`, `clang-format-17`).
fn lookup(name: &str) -> Option<(&'static Spec, &'static str)> {
    tools::tool(name).or_else(|| {
        let stripped = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        let stripped = stripped.strip_suffix('-').unwrap_or(stripped);
        (stripped.len() < name.len() && !stripped.is_empty())
            .then(|| tools::tool(stripped))
            .flatten()
    })
}

/// A program word reduced to what identifies the program: the basename, without a
/// Windows extension or an npx-style `@version`.
fn program_name(word: &str) -> &str {
    let base = word.rsplit('/').next().unwrap_or(word);
    let base = [".exe", ".cmd", ".bat", ".ps1"]
        .iter()
        .find_map(|ext| base.strip_suffix(ext))
        .unwrap_or(base);
    match base.char_indices().skip(1).find(|&(_, c)| c == '@') {
        Some((at, _)) => &base[..at],
        None => base,
    }
}

/// A program word that needs expansion. `"$(npm bin)/jest"` and `$HOME/bin/tool` still
/// end in a readable name; `$EDITOR` is an editor whatever it names; anything else is
/// unreadable, and any readable command on the line is a better choice.
fn expanded_program(raw: &str) -> Result<&str, Candidate<'static>> {
    if matches!(
        raw,
        "$EDITOR" | "${EDITOR}" | "\"$EDITOR\"" | "$VISUAL" | "${VISUAL}" | "$PAGER" | "${PAGER}"
    ) {
        return Err(Candidate {
            key: Key::one(UNKNOWN_ACTION),
            category: Category::Interactive,
            counted: false,
            known: false,
            filler: false,
            filter: false,
        });
    }
    let tail = raw
        .rsplit('/')
        .next()
        .unwrap_or(raw)
        .trim_end_matches(['"', '\'']);
    if raw.contains('/') && shaped(tail) {
        Ok(program_name(tail))
    } else {
        Err(Candidate::filler(Key::one(UNKNOWN_ACTION)))
    }
}

/// A word fit to be (part of) an action key: a name, never a path, value or quote.
fn shaped(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    word.len() <= 64
        && (first.is_alphanumeric() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | ':'))
}

fn cloud_shaped(word: &str) -> bool {
    word.len() <= 48
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What a cloud CLI verb does.
fn cloud_verb(word: &str) -> Option<Category> {
    Some(match word {
        "deploy"
        | "update-function-code"
        | "update-service"
        | "create-deployment"
        | "update-stack"
        | "create-stack"
        | "execute-change-set"
        | "publish-version"
        | "update-function-configuration"
        | "push"
        | "release"
        | "rollout"
        | "apply"
        | "up" => Category::Deploy,
        "submit" | "build" | "builds" => Category::Build,
        "ssh" | "start-session" | "connect" | "console" | "port-forward" | "tunnel" | "browse" => {
            Category::Interactive
        }
        "login" | "logout" | "configure" | "get-credentials" | "update-kubeconfig"
        | "get-login-password" => Category::Other,
        "list" | "ls" | "describe" | "show" | "get" | "status" | "info" | "logs" | "read"
        | "tail" | "whoami" => Category::Lookup,
        _ if word.starts_with("deploy-") => Category::Deploy,
        _ if word.starts_with("describe-")
            || word.starts_with("list-")
            || word.starts_with("get-") =>
        {
            Category::Lookup
        }
        _ => return None,
    })
}

/// A file to run rather than a script name: a path or a source file name.
fn looks_like_file(word: &str) -> bool {
    word.contains('/')
        || [
            ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".py", ".rb", ".sh",
            ".php", ".pl", ".lua",
        ]
        .iter()
        .any(|ext| word.len() > ext.len() && word.ends_with(ext))
}

/// An option word at a level: `-x`, `--long`, `+toolchain` where allowed; not `-` alone.
fn is_option(word: &str, top_flags: u16) -> bool {
    (word.starts_with('-') && word.len() > 1)
        || (top_flags & PLUS_OPTS != 0 && word.starts_with('+') && word.len() > 1)
}

/// The letters of a short option cluster (`-it` → `it`; `-n100` → `n`), or `None` for
/// long options and non-options.
fn short_cluster(word: &str) -> Option<&str> {
    let rest = word.strip_prefix('-')?;
    if rest.starts_with('-') || rest.is_empty() {
        return None;
    }
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    Some(&rest[..letters])
}

/// True when any word in `from..end` is one of `flags`: exactly, as `--flag=value`, or
/// (for one-letter flags) inside a short cluster (`-fn100` has `-f`).
fn has_any(cx: &Cx<'_, '_>, from: usize, end: usize, flags: &[&str]) -> bool {
    let end = end.min(cx.words.len());
    if cx.dashed.checked_shr(from as u32).unwrap_or(0) == 0 {
        return false;
    }
    (from.min(end)..end).any(|j| {
        if !cx.words[j].is_dashed(cx.text) {
            return false;
        }
        let Some(word) = cx.words[j].option(cx.text) else {
            return false;
        };
        flags.iter().any(|flag| {
            if word == *flag {
                return true;
            }
            if flag.starts_with("--") {
                return word
                    .strip_prefix(flag)
                    .is_some_and(|rest| rest.starts_with('='));
            }
            match (flag.len(), short_cluster(word)) {
                (2, Some(letters)) => letters.contains(&flag[1..]),
                _ => false,
            }
        })
    })
}

/// How many positional words follow `from` (option values of the level skipped).
fn positionals(cx: &Cx<'_, '_>, level: &Spec, from: usize) -> usize {
    let mut count = 0;
    let mut j = from;
    while j < cx.words.len() {
        match cx.words[j].option(cx.text) {
            Some(option) if is_option(option, 0) => {
                j += if level.opts.contains(&option) { 2 } else { 1 };
            }
            _ => {
                count += 1;
                j += 1;
            }
        }
    }
    count
}

/// The first positional word from `i` after this level's options (and `skip` values).
fn scan_options(cx: &Cx<'_, '_>, level: &Spec, top_flags: u16, i: usize) -> Option<usize> {
    let mut skipped = 0;
    let mut j = i;
    while j < cx.words.len() {
        match cx.words[j].option(cx.text) {
            Some("--") if matches!(level.rest, Rest::Exec) => return Some(j),
            Some("--") => return None,
            Some(option) if is_option(option, top_flags) => {
                j += if level.opts.contains(&option) { 2 } else { 1 };
            }
            _ if skipped < level.skip => {
                skipped += 1;
                j += 1;
            }
            _ => return Some(j),
        }
    }
    None
}

/// `--help` anywhere, or a version flag first: a lookup of the tool itself.
fn help_or_version<'a>(
    cx: &Cx<'a, '_>,
    top: &'static Spec,
    program_key: &'static str,
    from: usize,
) -> Option<Candidate<'a>> {
    if has_any(cx, from, cx.words.len(), &["--help"]) {
        return Some(help(cx, top, program_key));
    }
    let first = cx.words.get(from)?.option(cx.text)?;
    let version = matches!(first, "--version" | "-V" | "-version")
        || (first == "-v" && top.flags & V_LOWER != 0);
    version.then(|| {
        let mut key = Key::one(program_key);
        key.push("version");
        Candidate {
            key,
            category: Category::Lookup,
            counted: true,
            known: true,
            filler: false,
            filter: false,
        }
    })
}

fn help<'a>(cx: &Cx<'a, '_>, top: &'static Spec, program_key: &'static str) -> Candidate<'a> {
    let mut key = Key::one(program_key);
    key.push("help");
    // git's help is a man page in a pager.
    let paged = top.flags & MAN_HELP != 0 && !cx.simple.piped_out && !cx.simple.stdout_redirected;
    Candidate {
        key,
        category: Category::Lookup,
        counted: !paged,
        known: true,
        filler: false,
        filter: false,
    }
}

/// A program the table does not know: its basename is the key.
fn unknown_program<'a>(cx: &Cx<'a, '_>, i: usize, name: &'a str) -> Candidate<'a> {
    let first = cx.words.get(i + 1).and_then(|w| w.option(cx.text));
    let looks_up = has_any(cx, i + 1, cx.words.len(), &["--help"])
        || matches!(first, Some("--version" | "-V"));
    Candidate {
        key: Key::one(if shaped(name) { name } else { UNKNOWN_ACTION }),
        category: if looks_up {
            Category::Lookup
        } else {
            Category::Other
        },
        counted: true,
        known: false,
        filler: false,
        filter: false,
    }
}

/// Whether output goes to a pager: not when piped or redirected, not when paging is
/// turned off (`--no-pager`, `-P`, `PAGER=cat`).
fn pages(cx: &Cx<'_, '_>, program_at: usize) -> bool {
    if cx.simple.piped_out || cx.simple.stdout_redirected {
        return false;
    }
    if has_any(cx, program_at + 1, cx.words.len(), &["--no-pager", "-P"]) {
        return false;
    }
    let pager_off = cx.words[..program_at.min(cx.words.len())].iter().any(|w| {
        let raw = w.raw(cx.text);
        [
            "PAGER=",
            "GIT_PAGER=",
            "MANPAGER=",
            "SYSTEMD_PAGER=",
            "JJ_PAGER=",
        ]
        .iter()
        .any(|p| {
            raw.strip_prefix(p)
                .is_some_and(|v| v.is_empty() || v == "cat")
        })
    });
    !pager_off
}

/// `localhost`, `127.0.0.1`, `0.0.0.0` or `[::1]` in a URL or host argument, or
/// httpie's `:3000/path` shorthand for localhost.
fn names_this_machine(word: &str) -> bool {
    ["localhost", "127.0.0.1", "0.0.0.0", "[::1]"]
        .iter()
        .any(|host| word.contains(host))
        || word
            .strip_prefix(':')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// 64-bit FNV-1a with length-prefixed fields, for [`Classifier::fingerprint`].
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests;
