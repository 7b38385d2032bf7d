//! Reading task and script names: make targets, npm scripts, gradle tasks, just recipes.
//!
//! Names are user-chosen, so they are read as words: `test:unit`, `build-prod` and
//! `assembleDebug` split into `test unit`, `build prod`, `assemble debug`. The first word
//! that names an activity decides the category (`build:dev` builds, `dev:api` serves),
//! except `watch`, which makes any task a session (`test:watch`). A name made only of
//! known words is "known": it says nothing private about a project and may be shared
//! as a team-wide action key.

use super::Category::{
    self, Build, Container, Deploy, Deps, Interactive, Lint, Lookup, Other, Run, Test,
};
use std::collections::HashMap;
use std::sync::LazyLock;

use super::tools::{BuildFnv, Dialect};

/// Longest name read as words; longer ones are not known.
const MAX_SEGMENTS: usize = 6;

/// What a word means in a task name: `None` for a known word that names no activity
/// (`prod`, `api`, `debug`).
fn word(word: &str, dialect: Dialect) -> Option<Option<Category>> {
    let mut buf = [0u8; 24];
    let lower = buf.get_mut(..word.len())?;
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).ok()?;
    Some(match VOCABULARY.get(lower)? {
        Meaning::Is(category) => Some(*category),
        // GNU `make check` runs the test suite; an npm `check` script usually type-checks.
        Meaning::Check => Some(match dialect {
            Dialect::Make => Test,
            Dialect::Script => Lint,
        }),
        Meaning::Install => Some(match dialect {
            Dialect::Make => Build,
            Dialect::Script => Deps,
        }),
        Meaning::All => match dialect {
            Dialect::Make => Some(Build),
            Dialect::Script => None,
        },
        Meaning::Neutral => None,
    })
}

#[derive(Clone, Copy)]
enum Meaning {
    Is(Category),
    Check,
    Install,
    All,
    Neutral,
}

/// Every known word, lower case. Earlier lists win when a word is in two.
static VOCABULARY: LazyLock<HashMap<&'static str, Meaning, BuildFnv>> = LazyLock::new(|| {
    let lists: [(&[&str], Meaning); 15] = [
        (WATCH, Meaning::Is(Interactive)),
        (TEST, Meaning::Is(Test)),
        (LINT, Meaning::Is(Lint)),
        (BUILD, Meaning::Is(Build)),
        (DEPLOY, Meaning::Is(Deploy)),
        (DEPS, Meaning::Is(Deps)),
        (INTERACTIVE, Meaning::Is(Interactive)),
        (CONTAINER, Meaning::Is(Container)),
        (RUN, Meaning::Is(Run)),
        (LOOKUP, Meaning::Is(Lookup)),
        (OTHER, Meaning::Is(Other)),
        (&["check"], Meaning::Check),
        (&["install"], Meaning::Install),
        (&["all"], Meaning::All),
        (NEUTRAL, Meaning::Neutral),
    ];
    let mut map = HashMap::default();
    for (words, meaning) in lists {
        for word in words {
            map.entry(*word).or_insert(meaning);
        }
    }
    map
});

fn is_watch(word: &str) -> bool {
    WATCH.iter().any(|w| w.eq_ignore_ascii_case(word))
}

const WATCH: &[&str] = &["watch", "watcher"];
const TEST: &[&str] = &[
    "test",
    "tests",
    "testing",
    "spec",
    "specs",
    "e2e",
    "unit",
    "integration",
    "integ",
    "it",
    "coverage",
    "cov",
    "cypress",
    "playwright",
    "jest",
    "vitest",
    "mocha",
    "pytest",
    "bench",
    "benchmark",
    "benchmarks",
    "smoke",
    "acceptance",
    "verify",
    "ci",
    "qa",
    "regression",
    "connected",
    "jacoco",
];
const LINT: &[&str] = &[
    "lint",
    "linter",
    "linting",
    "eslint",
    "stylelint",
    "prettier",
    "format",
    "formatter",
    "fmt",
    "typecheck",
    "types",
    "type",
    "tsc",
    "style",
    "clippy",
    "vet",
    "mypy",
    "ruff",
    "flake8",
    "pylint",
    "black",
    "isort",
    "ktlint",
    "detekt",
    "spotless",
    "checkstyle",
    "pmd",
    "audit",
    "analyze",
    "analyse",
    "analysis",
    "sonar",
    "biome",
    "oxlint",
    "knip",
    "validate",
    "credo",
    "dialyzer",
    "rubocop",
    "pre-commit",
    "precommit",
    "static",
];
const BUILD: &[&str] = &[
    "build",
    "builds",
    "compile",
    "bundle",
    "dist",
    "assemble",
    "package",
    "pack",
    "jar",
    "war",
    "generate",
    "gen",
    "codegen",
    "proto",
    "protos",
    "docs",
    "doc",
    "javadoc",
    "site",
    "css",
    "assets",
    "wasm",
    "archive",
    "precompile",
    "webpack",
    "vite",
    "rollup",
    "esbuild",
    "prepare",
    "prebuild",
    "postbuild",
    "transpile",
    "minify",
    "make",
    "apk",
    "aab",
    "ipa",
    "binary",
    "binaries",
    "release-build",
    "jib",
];
const DEPLOY: &[&str] = &[
    "deploy",
    "deployment",
    "release",
    "publish",
    "ship",
    "push",
    "upload",
    "rollout",
    "promote",
    "provision",
];
const DEPS: &[&str] = &[
    "deps",
    "dependency",
    "bootstrap",
    "setup",
    "vendor",
    "update",
    "upgrade",
    "restore",
    "lock",
    "postinstall",
    "preinstall",
    "get",
];
const INTERACTIVE: &[&str] = &[
    "dev",
    "develop",
    "start",
    "serve",
    "server",
    "storybook",
    "preview",
    "console",
    "repl",
    "shell",
    "tinker",
    "boot",
    "edit",
    "open",
    "studio",
    "debugger",
    "emulator",
    "simulator",
];
const CONTAINER: &[&str] = &[
    "docker",
    "image",
    "images",
    "container",
    "containers",
    "compose",
    "up",
    "down",
    "podman",
];
const RUN: &[&str] = &[
    "run",
    "exec",
    "migrate",
    "migration",
    "migrations",
    "seed",
    "db",
    "script",
    "scripts",
    "job",
    "jobs",
    "cron",
    "java",
    "execute",
    "invoke",
    "load",
    "import",
    "export",
    "sync",
];
const LOOKUP: &[&str] = &[
    "tasks",
    "help",
    "list",
    "routes",
    "info",
    "version",
    "status",
    "outdated",
    "tree",
    "dependencies",
    "projects",
    "properties",
    "show",
    "display",
    "describe",
];
const OTHER: &[&str] = &[
    "clean",
    "clear",
    "reset",
    "purge",
    "distclean",
    "mrproper",
    "nuke",
];
const NEUTRAL: &[&str] = &[
    "prod",
    "production",
    "staging",
    "stage",
    "local",
    "debug",
    "fast",
    "full",
    "quick",
    "fix",
    "api",
    "web",
    "app",
    "apps",
    "client",
    "frontend",
    "backend",
    "front",
    "back",
    "ui",
    "js",
    "ts",
    "node",
    "browser",
    "ios",
    "android",
    "mac",
    "macos",
    "linux",
    "windows",
    "win",
    "x86",
    "arm",
    "arm64",
    "amd64",
    "only",
    "changed",
    "affected",
    "headless",
    "headed",
    "html",
    "json",
    "junit",
    "report",
    "strict",
    "nightly",
    "stable",
    "beta",
    "canary",
    "main",
    "lib",
    "libs",
    "pkg",
    "packages",
    "workspace",
    "workspaces",
    "mono",
    "force",
    "dry",
    "verbose",
    "quiet",
    "mode",
    "env",
    "core",
    "common",
    "shared",
    "internal",
    "cli",
    "snapshot",
    "snapshots",
    "apply",
    "to",
    "maven",
    "spring",
    "quarkus",
    "plugin",
    "plugins",
    "and",
    "updates",
    "mock",
    "mocks",
    "data",
    "schema",
    "src",
    "worker",
    "workers",
    "admin",
    "public",
    "files",
    "file",
    "go",
    "py",
    "rs",
    "rust",
    "python",
    "ruby",
    "rb",
    "php",
    "scss",
    "md",
    "yaml",
    "yml",
    "sql",
    "dart",
    "kotlin",
    "kt",
    "swift",
    "cpp",
    "c",
];

/// The words of a task name: split at non-alphanumerics and at lower-to-upper case
/// changes (`assembleDebug`).
fn segments(name: &str) -> Segments<'_> {
    Segments { s: name, pos: 0 }
}

struct Segments<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.pos + self.s[self.pos..].find(char::is_alphanumeric)?;
        let mut end = self.s.len();
        let mut prev = None;
        for (i, c) in self.s[start..].char_indices() {
            let camel = c.is_ascii_uppercase()
                && prev.is_some_and(|p: char| p.is_ascii_lowercase() || p.is_ascii_digit());
            if !c.is_alphanumeric() || camel {
                end = start + i;
                break;
            }
            prev = Some(c);
        }
        self.pos = end;
        Some(&self.s[start..end])
    }
}

/// The category a task name names, if any of its words says.
pub(super) fn category(name: &str, dialect: Dialect) -> Option<Category> {
    let mut first = None;
    for segment in segments(name).take(MAX_SEGMENTS) {
        match word(segment, dialect) {
            Some(Some(Interactive)) if is_watch(segment) => {
                return Some(Interactive);
            }
            Some(Some(category)) if first.is_none() => first = Some(category),
            _ => {}
        }
    }
    first
}

/// True when every word of the name is a known word.
pub(super) fn known(name: &str, dialect: Dialect) -> bool {
    let mut count = 0;
    for segment in segments(name) {
        count += 1;
        if count > MAX_SEGMENTS || word(segment, dialect).is_none() {
            return false;
        }
    }
    count > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_case() {
        let split: Vec<&str> = segments("test:unit-fast_xAssembleDebugUnitTest v2Build").collect();
        assert_eq!(
            split,
            [
                "test", "unit", "fast", "x", "Assemble", "Debug", "Unit", "Test", "v2", "Build"
            ]
        );
    }

    #[test]
    fn the_first_activity_word_decides_and_watch_wins() {
        let cases = [
            ("test", Some(Test)),
            ("test:unit", Some(Test)),
            ("build:dev", Some(Build)),
            ("dev:api", Some(Interactive)),
            ("test:watch", Some(Interactive)),
            ("lint:fix", Some(Lint)),
            ("typecheck", Some(Lint)),
            ("assembleDebug", Some(Build)),
            ("connectedAndroidTest", Some(Test)),
            ("bootRun", Some(Interactive)),
            ("deploy:staging", Some(Deploy)),
            ("db:migrate", Some(Run)),
            ("clean", Some(Other)),
            ("prod", None),
            ("frobnicate", None),
        ];
        for (name, expected) in cases {
            assert_eq!(category(name, Dialect::Script), expected, "{name}");
        }
        assert_eq!(category("check", Dialect::Make), Some(Test));
        assert_eq!(category("check", Dialect::Script), Some(Lint));
        assert_eq!(category("install", Dialect::Make), Some(Build));
        assert_eq!(category("install", Dialect::Script), Some(Deps));
    }

    #[test]
    fn known_names_are_made_of_known_words() {
        assert!(known("test:unit", Dialect::Script));
        assert!(known("build-prod", Dialect::Script));
        assert!(known("assembleDebug", Dialect::Make));
        assert!(!known("build-acme-portal", Dialect::Script));
        assert!(!known("py311", Dialect::Make));
        assert!(!known("", Dialect::Make));
    }
}
