//! The built-in rule table: which programs the classifier knows, their subcommands, the
//! options that take a value (so the value is never mistaken for a subcommand), and the
//! few flags that change a category (`-d`, `-f`, `--watch`, `-it`, …).
//!
//! Each [`Spec`] is one level of a command: a program (`docker`) or a subcommand under it
//! (`compose`, then `up`). The engine in `classify.rs` walks these levels; everything a
//! tool needs is data here, so adding a tool is adding an entry. Any change here changes
//! classifications: bump `RULES_VERSION` in `classify.rs` (a test reminds you).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Category::{
    self, Build, Container, Deploy, Deps, Interactive, Lint, Lookup, Other, Run, Test, Vcs,
};

/// Never chosen for a line when another command is there (`cd`, `echo`, `export`).
pub(super) const FILLER: u16 = 1;
/// A filter when reading a pipe (`| grep`, `| head`, `| jq`): not what costs the time.
pub(super) const FILTER: u16 = 1 << 1;
/// `-h` means something other than help (`ls -h`, `df -h`, `grep -h`).
pub(super) const NO_SHORT_HELP: u16 = 1 << 2;
/// Words starting with `+` are options (`cargo +nightly build`).
pub(super) const PLUS_OPTS: u16 = 1 << 3;
/// `-w` means watch mode (`tsc -w`, `kubectl get -w`).
pub(super) const W_WATCH: u16 = 1 << 4;
/// This level adds nothing to the action key (`yarn run test` is `yarn test`).
pub(super) const NO_KEY: u16 = 1 << 5;
/// The key is the name as typed, not the first name (`pushd` stays `pushd`).
pub(super) const OWN_NAME: u16 = 1 << 6;
/// The command to run comes after `--` when there is one (`mise exec node@20 -- node`).
pub(super) const DASHDASH: u16 = 1 << 7;
/// Task names may carry a project path to drop (`gradle :app:test` is `gradle test`).
pub(super) const STRIP_PROJECT: u16 = 1 << 8;
/// Help opens a man page in a pager (`git push --help`).
pub(super) const MAN_HELP: u16 = 1 << 9;
/// `-v` on its own prints the version (`node -v`).
pub(super) const V_LOWER: u16 = 1 << 10;
/// A task is `plugin:goal` and the goal says what it does (`mvn dependency:tree`).
pub(super) const GOAL_FIRST: u16 = 1 << 11;

/// How task and script names read: `make check` runs the tests, `npm run check` usually
/// type-checks; `make install` builds and installs, `npm run install` fetches packages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    Make,
    Script,
}

/// What an unknown word after this level means.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rest {
    /// An argument: the key stops here.
    Ignore,
    /// The next word is a script or task name, kept in the key (`npm run lint`).
    Script(Dialect, Category),
    /// yarn, pnpm, bun: a known tool's binary (`yarn jest`), a file, or a script name;
    /// `run_word` puts `run` before a script name in the key (`bun run dev`).
    Binary { run_word: bool },
    /// Every word is a task; the costliest one is the key (`gradle clean build`).
    Tasks(Dialect, Category),
    /// The rest is a command of its own (`sudo`, `npx`, `uv run`).
    Exec,
    /// An interpreter: a script file, a module, inline code, or a REPL.
    Interp(&'static Interp),
    /// Cloud CLIs: a service word, then (`op_word`: always; else only a known verb) an
    /// operation word; the category comes from the verb.
    Cloud { op_word: bool },
}

/// The options of an interpreter.
#[derive(Debug)]
pub(super) struct Interp {
    /// Options whose value is code to run (`-c`, `-e`).
    pub code: &'static [&'static str],
    /// Options whose value is the script file (`php -f`).
    pub file: &'static [&'static str],
    /// `-m module` (python).
    pub module: bool,
    /// A shell: its `-c` string is a command line to classify (`bash -c 'make'`).
    pub shell: bool,
    /// Options that run something without a script (`node --test`).
    pub runs: &'static [(&'static str, Category)],
}

/// A flag-dependent change to a level's category or to whether it is counted.
#[derive(Clone, Copy, Debug)]
pub(super) enum Special {
    /// Interactive when following output (`tail -f`, `kubectl logs -f`).
    Follow(&'static [&'static str]),
    /// `compose up`: a foreground session unless detached or waiting for health.
    Detach,
    /// Interactive when a terminal session is opened in a container.
    Tty(Tty),
    /// Output goes to a pager: the time is reading time unless the output is piped or
    /// redirected, or paging is off.
    Pager,
    /// Always waits on a human (an editor or a TUI), whatever the category.
    Human,
    /// Waits on a human when one of these is given (`git add -p`).
    PromptIf(&'static [&'static str]),
    /// Waits on a human (editor, prompt) unless one of these is given (`git commit -m`).
    PromptUnless(&'static [&'static str]),
    /// Like `PromptUnless`, and an argument (a plan file) also avoids the prompt.
    PromptUnlessArg(&'static [&'static str]),
    /// Interactive when one of these is given (`php -S`, `sudo -i`).
    InteractiveIf(&'static [&'static str]),
    /// Interactive unless one of these is given (`vitest` watches; `vitest --run`).
    InteractiveUnless(&'static [&'static str]),
    /// A lookup when one of these is given (`command -v`, `task --list`).
    LookupIf(&'static [&'static str]),
    /// A REPL or remote session unless one of these flags, more than `n` arguments, or
    /// input from a pipe or file gives it something to run (`psql -c`, `ssh host cmd`).
    Repl(&'static [&'static str], u8),
    /// A lookup when an argument names this machine (`curl localhost:8080/health`).
    Localhost,
    /// The value of one of these options is a command line (`nix-shell --run 'make'`).
    ShellArg(&'static [&'static str]),
    /// The words after one of these options are a command (`nix develop -c cargo test`).
    ExecAfter(&'static [&'static str]),
}

/// Which container command a [`Special::Tty`] reads.
#[derive(Clone, Copy, Debug)]
pub(super) enum Tty {
    DockerRun,
    DockerExec,
    ComposeRun,
    ComposeExec,
    KubeExec,
}

/// One level of a command.
#[derive(Debug)]
pub(super) struct Spec {
    /// Names this level answers to; the first is its key word (unless [`OWN_NAME`]).
    pub names: &'static [&'static str],
    /// Words this level adds to the action key instead of its first name.
    pub key: Option<&'static [&'static str]>,
    pub category: Category,
    /// Category when nothing follows this level (`yarn` alone installs).
    pub bare: Option<Category>,
    /// Options at this level that take a separate value.
    pub opts: &'static [&'static str],
    /// Positional words consumed before the subcommand (`timeout 30 cmd`).
    pub skip: u8,
    pub subs: &'static [Spec],
    pub rest: Rest,
    pub special: &'static [Special],
    pub flags: u16,
}

/// A level with nothing but a name and a category; builders below add the rest.
pub(super) const fn t(names: &'static [&'static str], category: Category) -> Spec {
    Spec {
        names,
        key: None,
        category,
        bare: None,
        opts: &[],
        skip: 0,
        subs: &[],
        rest: Rest::Ignore,
        special: &[],
        flags: 0,
    }
}

/// A level for a group of programs that each keep their own name as key.
const fn own(names: &'static [&'static str], category: Category) -> Spec {
    t(names, category).flags(OWN_NAME)
}

impl Spec {
    const fn key(mut self, key: &'static [&'static str]) -> Spec {
        self.key = Some(key);
        self
    }
    const fn bare(mut self, category: Category) -> Spec {
        self.bare = Some(category);
        self
    }
    const fn opts(mut self, opts: &'static [&'static str]) -> Spec {
        self.opts = opts;
        self
    }
    const fn skip(mut self, skip: u8) -> Spec {
        self.skip = skip;
        self
    }
    const fn subs(mut self, subs: &'static [Spec]) -> Spec {
        self.subs = subs;
        self
    }
    const fn rest(mut self, rest: Rest) -> Spec {
        self.rest = rest;
        self
    }
    const fn special(mut self, special: &'static [Special]) -> Spec {
        self.special = special;
        self
    }
    const fn flags(mut self, flags: u16) -> Spec {
        self.flags |= flags;
        self
    }
    /// A wrapper or runner: the rest is a command of its own.
    const fn exec(self) -> Spec {
        self.rest(Rest::Exec)
    }
}

const FOLLOW: &[Special] = &[Special::Follow(&["-f", "--follow", "-F"])];
const PAGER: &[Special] = &[Special::Pager];
const HUMAN: &[Special] = &[Special::Human];
const LOCALHOST: &[Special] = &[Special::Localhost];

// ---------------------------------------------------------------------------------------
// Interpreters and shells.

const PYTHON: Interp = Interp {
    code: &["-c"],
    file: &[],
    module: true,
    shell: false,
    runs: &[],
};
const NODE: Interp = Interp {
    code: &["-e", "--eval", "-p", "--print"],
    file: &[],
    module: false,
    shell: false,
    runs: &[("--test", Test), ("--run", Run)],
};
const CODE_E: Interp = Interp {
    code: &["-e", "-E"],
    file: &[],
    module: false,
    shell: false,
    runs: &[],
};
const PHP: Interp = Interp {
    code: &["-r"],
    file: &["-f"],
    module: false,
    shell: false,
    runs: &[],
};
const SHELL: Interp = Interp {
    code: &["-c"],
    file: &[],
    module: false,
    shell: true,
    runs: &[],
};
const SHELL_OPTS: &[&str] = &["-o", "+o", "-O", "+O", "--rcfile", "--init-file"];

// ---------------------------------------------------------------------------------------
// Tools with large subcommand tables, named so they can be shared.

const CARGO_SUBS: &[Spec] = &[
    t(&["build", "b"], Build),
    t(&["check", "c"], Lint),
    t(&["test", "t"], Test),
    t(&["nextest"], Test).subs(&[
        t(&["run", "r"], Test),
        t(&["list"], Lookup),
        t(&["archive"], Build),
    ]),
    t(&["run", "r"], Run),
    t(&["bench"], Test),
    t(&["clippy"], Lint),
    t(&["fmt"], Lint),
    t(&["fix"], Lint),
    t(&["doc", "d"], Build),
    t(&["clean"], Other),
    t(&["add"], Deps),
    t(&["remove", "rm"], Deps),
    t(&["update", "upgrade"], Deps),
    t(&["install"], Deps),
    t(&["uninstall"], Deps),
    t(&["fetch"], Deps),
    t(&["vendor"], Deps),
    t(&["generate-lockfile"], Deps),
    t(&["publish"], Deploy),
    t(&["package"], Build),
    t(&["tree"], Lookup),
    t(&["search"], Lookup),
    t(&["info"], Lookup),
    t(&["metadata"], Lookup),
    t(&["locate-project"], Lookup),
    t(&["pkgid"], Lookup),
    t(&["version"], Lookup),
    t(&["new"], Other),
    t(&["init"], Other),
    t(&["login"], Other),
    t(&["watch"], Interactive),
    t(&["audit"], Lint),
    t(&["deny"], Lint),
    t(&["outdated"], Lookup),
    t(&["udeps"], Lint),
    t(&["machete"], Lint),
    t(&["llvm-cov"], Test),
    t(&["tarpaulin"], Test),
    t(&["mutants"], Test),
    t(&["miri"], Test),
    t(&["fuzz"], Test),
    t(&["insta"], Test).subs(&[
        t(&["test"], Test),
        t(&["review"], Other).special(HUMAN),
        t(&["accept"], Other),
    ]),
    t(&["expand"], Lookup),
    t(&["asm"], Lookup),
    t(&["bloat"], Lookup),
    t(&["make"], Build),
    t(&["leptos"], Build).subs(&[
        t(&["watch", "serve"], Interactive),
        t(&["build"], Build),
        t(&["test"], Test),
    ]),
    t(&["lambda"], Build).subs(&[
        t(&["build"], Build),
        t(&["deploy"], Deploy),
        t(&["watch"], Interactive),
    ]),
    t(&["shuttle"], Deploy).subs(&[t(&["run"], Interactive), t(&["deploy"], Deploy)]),
    t(&["zigbuild"], Build),
    t(&["xtask"], Run),
];

const GIT_SUBS: &[Spec] = &[
    t(&["add"], Vcs).special(&[Special::PromptIf(&[
        "-p",
        "--patch",
        "-i",
        "--interactive",
        "-e",
        "--edit",
    ])]),
    t(&["commit", "ci"], Vcs).special(&[Special::PromptUnless(&[
        "-m",
        "-F",
        "-C",
        "--message",
        "--file",
        "--reuse-message",
        "--no-edit",
        "--fixup",
    ])]),
    t(&["revert"], Vcs).special(&[Special::PromptUnless(&[
        "--no-edit",
        "-n",
        "--no-commit",
        "--abort",
        "--quit",
        "--skip",
    ])]),
    t(&["rebase"], Vcs).special(&[Special::PromptIf(&["-i", "--interactive"])]),
    t(&["checkout", "co"], Vcs).special(&[Special::PromptIf(&["-p", "--patch"])]),
    t(&["reset"], Vcs).special(&[Special::PromptIf(&["-p", "--patch"])]),
    t(&["restore"], Vcs).special(&[Special::PromptIf(&["-p", "--patch"])]),
    t(&["stash"], Vcs).special(&[Special::PromptIf(&["-p", "--patch"])]),
    t(&["clean"], Vcs).special(&[Special::PromptIf(&["-i", "--interactive"])]),
    t(&["config"], Vcs).special(&[Special::PromptIf(&["-e", "--edit"])]),
    t(&["log"], Vcs).special(PAGER),
    t(&["diff"], Vcs).special(PAGER),
    t(&["show"], Vcs).special(PAGER),
    t(&["blame"], Vcs).special(PAGER),
    t(&["annotate"], Vcs).special(PAGER),
    t(&["shortlog"], Vcs).special(PAGER),
    t(&["reflog"], Vcs).special(PAGER),
    t(&["whatchanged"], Vcs).special(PAGER),
    t(&["range-diff"], Vcs).special(PAGER),
    t(&["grep"], Lookup).special(PAGER),
    t(&["difftool"], Vcs).special(HUMAN),
    t(&["mergetool"], Vcs).special(HUMAN),
    t(&["gui", "citool"], Interactive),
    t(&["instaweb"], Interactive),
    t(&["status", "st"], Vcs),
    t(&["push"], Vcs),
    t(&["pull"], Vcs),
    t(&["fetch"], Vcs),
    t(&["clone"], Vcs),
    t(&["merge"], Vcs),
    t(&["switch", "sw"], Vcs),
    t(&["branch"], Vcs),
    t(&["tag"], Vcs),
    t(&["cherry-pick"], Vcs),
    t(&["remote"], Vcs),
    t(&["submodule"], Vcs),
    t(&["worktree"], Vcs),
    t(&["init"], Vcs),
    t(&["rm"], Vcs),
    t(&["mv"], Vcs),
    t(&["bisect"], Vcs),
    t(&["am"], Vcs),
    t(&["apply"], Vcs),
    t(&["archive"], Vcs),
    t(&["gc"], Vcs),
    t(&["fsck"], Vcs),
    t(&["prune"], Vcs),
    t(&["repack"], Vcs),
    t(&["maintenance"], Vcs),
    t(&["lfs"], Vcs),
    t(&["describe"], Vcs),
    t(&["rev-parse"], Vcs),
    t(&["rev-list"], Vcs),
    t(&["ls-files"], Vcs),
    t(&["ls-remote"], Vcs),
    t(&["ls-tree"], Vcs),
    t(&["cat-file"], Vcs),
    t(&["for-each-ref"], Vcs),
    t(&["show-ref"], Vcs),
    t(&["symbolic-ref"], Vcs),
    t(&["update-index"], Vcs),
    t(&["sparse-checkout"], Vcs),
    t(&["notes"], Vcs),
    t(&["format-patch"], Vcs),
    t(&["send-email"], Vcs),
    t(&["request-pull"], Vcs),
    t(&["bundle"], Vcs),
    t(&["cherry"], Vcs),
    t(&["count-objects"], Vcs),
    t(&["filter-branch"], Vcs),
    t(&["filter-repo"], Vcs),
    t(&["rerere"], Vcs),
    t(&["verify-commit"], Vcs),
    t(&["flow"], Vcs),
    t(&["absorb"], Vcs),
];

/// The verbs under every gh and glab group (`gh pr create`, `glab mr merge`).
const FORGE_VERBS: &[Spec] = &[
    t(&["create", "new"], Vcs).special(&[Special::PromptUnless(&[
        "--fill",
        "-f",
        "--fill-first",
        "--fill-verbose",
        "--title",
        "-t",
        "--body",
        "-b",
        "--body-file",
        "-F",
        "--web",
        "-w",
        "--description",
        "-d",
        "--public",
        "--private",
        "--internal",
        "--yes",
        "-y",
        "--generate-notes",
        "--notes",
        "-n",
        "--notes-file",
    ])]),
    t(&["merge"], Vcs).special(&[Special::PromptUnless(&[
        "--merge",
        "-m",
        "--squash",
        "-s",
        "--rebase",
        "-r",
        "--auto",
        "--admin",
        "--disable-auto",
        "--yes",
        "-y",
    ])]),
    t(&["login"], Other).special(&[Special::PromptUnless(&["--with-token", "--stdin"])]),
    t(&["diff"], Vcs).special(PAGER),
    t(&["ssh", "code"], Interactive),
    t(&["lint"], Lint),
    t(&["list", "ls"], Vcs),
    t(&["view"], Vcs),
    t(&["checkout", "co"], Vcs),
    t(&["status"], Vcs),
    t(&["checks"], Vcs),
    t(&["review"], Vcs),
    t(&["approve"], Vcs),
    t(&["close"], Vcs),
    t(&["reopen"], Vcs),
    t(&["edit"], Vcs),
    t(&["comment", "note"], Vcs),
    t(&["ready"], Vcs),
    t(&["clone"], Vcs),
    t(&["fork"], Vcs),
    t(&["sync"], Vcs),
    t(&["watch"], Vcs),
    t(&["trace"], Vcs),
    t(&["rerun", "retry"], Vcs),
    t(&["run"], Vcs),
    t(&["download"], Vcs),
    t(&["upload"], Vcs),
    t(&["delete"], Vcs),
    t(&["cancel"], Vcs),
    t(&["logout"], Other),
    t(&["refresh"], Other),
    t(&["token"], Other),
    t(&["rename"], Vcs),
    t(&["archive"], Vcs),
    t(&["enable"], Vcs),
    t(&["disable"], Vcs),
    t(&["rebase"], Vcs),
    t(&["update"], Vcs),
    t(&["develop"], Vcs),
    t(&["get"], Vcs),
    t(&["set"], Vcs),
];

const FORGE_GROUPS: &[Spec] = &[
    t(&["pr"], Vcs).subs(FORGE_VERBS),
    t(&["mr"], Vcs).subs(FORGE_VERBS),
    t(&["issue"], Vcs).subs(FORGE_VERBS),
    t(&["repo"], Vcs).subs(FORGE_VERBS),
    t(&["run"], Vcs).subs(FORGE_VERBS),
    t(&["workflow"], Vcs).subs(FORGE_VERBS),
    t(&["ci", "pipeline"], Vcs).subs(FORGE_VERBS),
    t(&["release"], Vcs).subs(FORGE_VERBS),
    t(&["auth"], Other).subs(FORGE_VERBS),
    t(&["gist", "snippet"], Vcs).subs(FORGE_VERBS),
    t(&["secret", "variable"], Vcs).subs(FORGE_VERBS),
    t(&["label"], Vcs).subs(FORGE_VERBS),
    t(&["codespace", "cs"], Vcs).subs(FORGE_VERBS),
    t(&["cache"], Vcs).subs(FORGE_VERBS),
    t(&["project"], Vcs).subs(FORGE_VERBS),
    t(&["api"], Vcs),
    t(&["browse"], Vcs),
    t(&["search"], Lookup),
    t(&["status"], Vcs),
    t(&["extension", "ext"], Deps),
    t(&["alias", "config", "completion"], Other),
];

const DOCKER_OPTS: &[&str] = &[
    "--context",
    "-c",
    "-H",
    "--host",
    "--config",
    "-l",
    "--log-level",
    "--tlscacert",
    "--tlscert",
    "--tlskey",
];

const COMPOSE_OPTS: &[&str] = &[
    "-f",
    "--file",
    "-p",
    "--project-name",
    "--profile",
    "--env-file",
    "--project-directory",
    "--ansi",
    "--progress",
    "--parallel",
];

const COMPOSE_SUBS: &[Spec] = &[
    t(&["up"], Container).special(&[Special::Detach]),
    t(&["run"], Container).special(&[Special::Tty(Tty::ComposeRun)]),
    t(&["exec"], Container).special(&[Special::Tty(Tty::ComposeExec)]),
    t(&["logs"], Lookup).special(FOLLOW),
    t(&["watch", "attach"], Interactive),
    t(&["push"], Deploy),
    t(
        &["ps", "ls", "top", "images", "config", "port", "version"],
        Lookup,
    )
    .flags(OWN_NAME),
    t(
        &[
            "down", "build", "pull", "start", "stop", "restart", "rm", "kill", "pause", "unpause",
            "create", "cp", "scale", "wait",
        ],
        Container,
    )
    .flags(OWN_NAME),
    t(&["events", "stats"], Interactive).flags(OWN_NAME),
];

const LIST_IS_LOOKUP: &[Spec] = &[
    own(&["ls", "list", "inspect", "history", "show", "df"], Lookup),
    t(&["push"], Deploy),
];

const DOCKER_SUBS: &[Spec] = &[
    t(&["build"], Container),
    t(&["buildx"], Container).subs(&[
        own(&["build", "bake"], Container),
        own(&["ls", "inspect", "du"], Lookup),
    ]),
    t(&["builder"], Container).subs(&[t(&["build"], Container)]),
    t(&["compose"], Container)
        .bare(Lookup)
        .opts(COMPOSE_OPTS)
        .subs(COMPOSE_SUBS),
    t(&["run"], Container).special(&[Special::Tty(Tty::DockerRun)]),
    t(&["exec"], Container).special(&[Special::Tty(Tty::DockerExec)]),
    t(&["logs"], Lookup).special(FOLLOW),
    own(
        &[
            "ps", "images", "inspect", "top", "port", "diff", "history", "version", "info",
            "search",
        ],
        Lookup,
    ),
    own(&["stats", "events", "attach"], Interactive),
    t(&["push"], Deploy),
    t(&["login"], Other).special(&[Special::PromptUnless(&[
        "-p",
        "--password",
        "--password-stdin",
    ])]),
    own(&["logout"], Other),
    own(
        &[
            "pull", "tag", "rm", "rmi", "stop", "kill", "start", "restart", "pause", "unpause",
            "create", "cp", "commit", "save", "load", "export", "import", "rename", "update",
            "wait", "prune",
        ],
        Container,
    ),
    t(&["image"], Container).subs(&[
        own(&["build"], Container),
        own(&["ls", "list", "inspect", "history"], Lookup),
        t(&["push"], Deploy),
    ]),
    t(&["container"], Container).subs(&[
        own(
            &["ls", "list", "inspect", "logs", "top", "port", "stats"],
            Lookup,
        ),
        t(&["run"], Container).special(&[Special::Tty(Tty::DockerRun)]),
        t(&["exec"], Container).special(&[Special::Tty(Tty::DockerExec)]),
    ]),
    t(&["system"], Container).subs(LIST_IS_LOOKUP),
    t(&["volume"], Container).subs(LIST_IS_LOOKUP),
    t(&["network"], Container).subs(LIST_IS_LOOKUP),
    t(&["context"], Other).subs(LIST_IS_LOOKUP),
    t(&["manifest"], Container).subs(LIST_IS_LOOKUP),
    t(&["scout", "scan"], Lint).flags(OWN_NAME),
    t(&["stack", "service", "swarm"], Deploy)
        .flags(OWN_NAME)
        .subs(LIST_IS_LOOKUP),
    t(&["init"], Other),
];

const KUBECTL_OPTS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--cluster",
    "--kubeconfig",
    "-s",
    "--server",
    "--user",
    "--as",
    "--as-group",
    "--request-timeout",
    "-v",
    "--cache-dir",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
];

const KUBECTL_SUBS: &[Spec] = &[
    t(&["get"], Lookup).flags(W_WATCH),
    own(
        &[
            "describe",
            "explain",
            "api-resources",
            "api-versions",
            "version",
            "cluster-info",
            "top",
            "diff",
            "events",
            "auth",
        ],
        Lookup,
    )
    .flags(W_WATCH),
    t(&["logs"], Lookup).special(FOLLOW),
    own(
        &[
            "apply",
            "create",
            "replace",
            "patch",
            "delete",
            "scale",
            "set",
            "annotate",
            "label",
            "autoscale",
            "expose",
            "taint",
            "drain",
            "cordon",
            "uncordon",
            "wait",
        ],
        Deploy,
    ),
    t(&["edit"], Deploy).special(HUMAN),
    t(&["rollout"], Deploy).subs(&[
        own(&["status", "restart", "undo", "pause", "resume"], Deploy),
        own(&["history"], Lookup),
    ]),
    t(&["exec"], Run).special(&[Special::Tty(Tty::KubeExec)]),
    t(&["run"], Container).special(&[Special::Tty(Tty::KubeExec)]),
    own(&["port-forward", "proxy", "attach", "debug"], Interactive),
    t(&["cp"], Other),
    t(&["kustomize"], Build),
    t(&["config"], Other).subs(&[
        own(
            &[
                "view",
                "get-contexts",
                "current-context",
                "get-clusters",
                "get-users",
            ],
            Lookup,
        ),
        own(&["use-context", "use", "set-context", "set"], Other),
    ]),
    t(&["krew"], Deps),
    t(&["plugin", "certificate", "completion"], Other).flags(OWN_NAME),
];

/// terraform options that take a separate value.
const TF_OPTS: &[&str] = &[
    "-var",
    "-var-file",
    "-target",
    "-replace",
    "-parallelism",
    "-lock-timeout",
    "-state",
    "-state-out",
    "-backup",
    "-out",
];

const TERRAFORM_SUBS: &[Spec] = &[
    t(&["apply"], Deploy)
        .opts(TF_OPTS)
        .special(&[Special::PromptUnlessArg(&[
            "-auto-approve",
            "--auto-approve",
            "-input=false",
        ])]),
    t(&["destroy"], Deploy)
        .opts(TF_OPTS)
        .special(&[Special::PromptUnless(&[
            "-auto-approve",
            "--auto-approve",
            "-input=false",
        ])]),
    own(&["plan", "import", "refresh", "taint", "untaint"], Deploy),
    own(&["init", "get", "providers"], Deps),
    own(&["validate", "fmt"], Lint),
    own(
        &["output", "show", "state", "graph", "version", "workspace"],
        Lookup,
    ),
    t(&["console"], Interactive),
    t(&["test"], Test),
    t(&["login", "logout"], Other).flags(OWN_NAME),
    // terragrunt
    own(&["run-all", "run"], Deploy),
];

const HELM_SUBS: &[Spec] = &[
    own(
        &["install", "upgrade", "uninstall", "rollback", "push"],
        Deploy,
    ),
    own(&["template"], Build),
    own(&["package"], Build),
    t(&["lint"], Lint),
    t(&["test"], Test),
    own(
        &[
            "list", "ls", "status", "get", "history", "show", "search", "version", "env",
        ],
        Lookup,
    ),
    t(&["repo"], Deps),
    t(&["dependency", "dep"], Deps),
    t(&["pull", "fetch"], Deps),
    t(&["plugin"], Deps),
    t(&["create"], Other),
    t(&["diff"], Lookup),
];

const NPM_OPTS: &[&str] = &[
    "--prefix",
    "-w",
    "--workspace",
    "--loglevel",
    "--registry",
    "--cache",
    "--userconfig",
];

const NPM_SUBS: &[Spec] = &[
    t(&["run", "run-script", "rum", "urn"], Run)
        .bare(Lookup)
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["test", "t", "tst"], Test).key(&["run", "test"]),
    t(&["start"], Interactive).key(&["run", "start"]),
    t(&["stop"], Run).key(&["run", "stop"]),
    t(&["restart"], Interactive).key(&["run", "restart"]),
    t(
        &[
            "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
            "add",
        ],
        Deps,
    ),
    t(&["ci", "clean-install", "ic", "install-clean"], Deps),
    t(&["install-test", "it"], Test),
    t(&["update", "up", "upgrade", "udpate"], Deps),
    t(&["uninstall", "remove", "rm", "r", "un", "unlink"], Deps),
    t(&["link", "ln"], Deps),
    t(&["dedupe", "ddp"], Deps),
    t(&["prune"], Deps),
    t(&["audit"], Deps),
    t(&["rebuild", "rb"], Build),
    t(&["pack"], Build),
    t(&["publish"], Deploy),
    t(&["exec", "x"], Other).exec().flags(NO_KEY),
    t(&["init", "create", "innit"], Other).special(&[Special::PromptUnless(&["-y", "--yes"])]),
    t(&["ls", "list", "la", "ll"], Lookup),
    own(
        &[
            "outdated", "view", "info", "show", "search", "explain", "why", "config", "get",
            "root", "prefix", "doctor", "fund", "docs", "repo", "bugs", "query", "sbom",
        ],
        Lookup,
    ),
    own(
        &[
            "version", "login", "logout", "adduser", "whoami", "cache", "pkg", "token", "owner",
        ],
        Other,
    ),
];

/// yarn (classic and berry); `workspace <name>` re-enters this table.
static YARN_SUBS: [Spec; 17] = [
    t(&["install"], Deps),
    own(
        &["add", "remove", "upgrade", "up", "dedupe", "link", "unlink"],
        Deps,
    ),
    t(&["upgrade-interactive"], Deps).special(HUMAN),
    t(&["global"], Deps),
    t(&["run"], Run)
        .bare(Lookup)
        .flags(NO_KEY)
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["test"], Test),
    t(&["start"], Interactive),
    t(&["dlx", "exec"], Other).exec().flags(NO_KEY),
    t(&["workspace"], Run)
        .skip(1)
        .flags(NO_KEY)
        .subs(&YARN_SUBS)
        .rest(Rest::Binary { run_word: false }),
    t(&["workspaces"], Run),
    t(&["create"], Other),
    t(&["init"], Other).special(&[Special::PromptUnless(&["-y", "--yes"])]),
    t(&["publish", "npm"], Deploy).flags(OWN_NAME),
    t(&["pack"], Build),
    own(
        &[
            "info", "list", "why", "outdated", "config", "cache", "bin", "licenses", "audit",
        ],
        Lookup,
    ),
    t(&["constraints"], Lint),
    t(&["set", "plugin", "version"], Other).flags(OWN_NAME),
];

const PNPM_SUBS: &[Spec] = &[
    t(&["install", "i"], Deps),
    own(
        &[
            "add",
            "remove",
            "rm",
            "uninstall",
            "update",
            "up",
            "upgrade",
            "link",
            "unlink",
            "prune",
            "dedupe",
            "fetch",
            "import",
            "audit",
        ],
        Deps,
    ),
    t(&["rebuild", "rb"], Build),
    t(&["run"], Run)
        .bare(Lookup)
        .flags(NO_KEY)
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["test", "t", "tst"], Test),
    t(&["start"], Interactive),
    t(&["exec", "dlx"], Other).exec().flags(NO_KEY),
    t(&["create", "init"], Other).flags(OWN_NAME),
    t(&["publish"], Deploy),
    t(&["pack"], Build),
    own(
        &[
            "outdated", "list", "ls", "ll", "la", "why", "licenses", "root", "store", "config",
            "view", "info", "env",
        ],
        Lookup,
    ),
];

const PIP_SUBS: &[Spec] = &[
    own(&["install", "uninstall", "download", "wheel"], Deps),
    own(
        &[
            "list", "show", "freeze", "check", "search", "index", "inspect", "config", "cache",
            "debug",
        ],
        Lookup,
    ),
];

const MANAGE_PY_SUBS: &[Spec] = &[
    t(&["test"], Test),
    own(
        &[
            "runserver",
            "runserver_plus",
            "shell",
            "shell_plus",
            "dbshell",
        ],
        Interactive,
    ),
    t(&["createsuperuser"], Run).special(&[Special::PromptUnless(&["--noinput", "--no-input"])]),
    own(
        &["migrate", "makemigrations", "loaddata", "dumpdata", "flush"],
        Run,
    ),
    own(
        &["showmigrations", "sqlmigrate", "diffsettings", "show_urls"],
        Lookup,
    ),
    t(&["collectstatic", "compilemessages", "makemessages"], Build).flags(OWN_NAME),
    t(&["check"], Lint),
    own(&["startapp", "startproject"], Other),
];

const GO_SUBS: &[Spec] = &[
    t(&["build"], Build),
    t(&["test"], Test),
    t(&["run"], Run),
    t(&["vet"], Lint),
    t(&["fmt"], Lint),
    t(&["fix"], Lint),
    t(&["generate"], Build),
    t(&["install"], Build),
    t(&["get"], Deps),
    t(&["mod"], Deps).subs(&[
        own(
            &["tidy", "download", "vendor", "init", "edit", "verify"],
            Deps,
        ),
        own(&["graph", "why"], Lookup),
    ]),
    t(&["work"], Deps),
    own(&["list", "env", "version", "doc"], Lookup),
    t(&["clean"], Other),
    t(&["tool"], Run),
    t(&["bug"], Other),
];

const DOTNET_SUBS: &[Spec] = &[
    t(&["build"], Build),
    t(&["test"], Test),
    t(&["run"], Run),
    t(&["watch"], Interactive),
    own(
        &["restore", "add", "remove", "tool", "nuget", "workload"],
        Deps,
    ),
    own(&["publish", "pack", "msbuild"], Build),
    t(&["format"], Lint),
    t(&["ef"], Run),
    own(&["new", "clean", "sln"], Other),
    own(&["list", "sdk"], Lookup),
];

const SWIFT_SUBS: &[Spec] = &[
    t(&["build"], Build),
    t(&["test"], Test),
    t(&["run"], Run),
    t(&["package"], Deps).subs(&[
        own(&["resolve", "update", "reset", "purge-cache"], Deps),
        own(&["init"], Other),
        own(&["describe", "dump-package", "show-dependencies"], Lookup),
    ]),
    t(&["repl"], Interactive),
    t(&["format"], Lint),
];

// ---------------------------------------------------------------------------------------
// Every program the classifier knows.

pub(super) static TOOLS: &[Spec] = &[
    // ----- the shell itself: navigation, builtins, loop syntax ------------------------
    own(
        &["cd", "pushd", "popd", "dirs", "z", "zi", "j", "zoxide"],
        Lookup,
    )
    .flags(FILLER),
    own(
        &[
            "echo",
            "printf",
            "export",
            "unset",
            "set",
            "source",
            ".",
            "alias",
            "unalias",
            "true",
            "false",
            ":",
            "sleep",
            "exit",
            "logout",
            "return",
            "read",
            "wait",
            "local",
            "declare",
            "typeset",
            "let",
            "shift",
            "trap",
            "ulimit",
            "umask",
            "shopt",
            "setopt",
            "unsetopt",
            "hash",
            "rehash",
            "bind",
            "bindkey",
            "complete",
            "compdef",
            "clear",
            "reset",
            "tput",
            "stty",
            "mkdir",
            "touch",
            "rm",
            "rmdir",
            "chmod",
            "chown",
            "ln",
            "[",
            "[[",
            "test",
            "for",
            "case",
            "select",
            "function",
            "fi",
            "done",
            "esac",
            "end",
            "}",
            "in",
            "funcsave",
            "abbr",
            "disown",
            "fg",
            "bg",
            "jobs",
            "kill",
            "pkill",
            "killall",
            "deactivate",
        ],
        Other,
    )
    .flags(FILLER),
    own(
        &[
            "cp", "mv", "install", "dd", "tar", "zip", "unzip", "gzip", "gunzip",
        ],
        Other,
    ),
    // ----- wrappers: the command after them is what runs ------------------------------
    t(&["sudo"], Other)
        .opts(&[
            "-u",
            "--user",
            "-g",
            "--group",
            "-h",
            "--host",
            "-p",
            "--prompt",
            "-C",
            "-D",
            "--chdir",
            "-r",
            "--role",
            "-t",
            "--type",
            "-T",
            "-U",
            "--other-user",
        ])
        .exec()
        .special(&[Special::InteractiveIf(&[
            "-i", "-s", "--login", "--shell", "-e", "--edit",
        ])]),
    t(&["doas"], Other)
        .opts(&["-u", "-C"])
        .exec()
        .special(&[Special::InteractiveIf(&["-s"])]),
    t(&["sudoedit", "visudo", "vipw", "vigr"], Interactive).flags(OWN_NAME),
    t(&["su"], Interactive)
        .opts(&["-s", "--shell", "-g", "--group", "-w"])
        .special(&[Special::ShellArg(&["-c", "--command"])]),
    t(&["env"], Lookup)
        .opts(&["-u", "--unset", "-C", "--chdir", "-S", "--split-string"])
        .exec(),
    t(&["time"], Other)
        .opts(&["-f", "--format", "-o", "--output"])
        .exec(),
    t(&["nice"], Other).opts(&["-n", "--adjustment"]).exec(),
    t(&["ionice"], Other)
        .opts(&["-c", "--class", "-n", "--classdata", "-p", "-P", "-u"])
        .exec(),
    t(&["timeout", "gtimeout"], Other)
        .opts(&["-s", "--signal", "-k", "--kill-after"])
        .skip(1)
        .exec(),
    t(&["xargs", "gxargs"], Other)
        .opts(&[
            "-a",
            "--arg-file",
            "-d",
            "--delimiter",
            "-E",
            "-I",
            "-L",
            "--max-lines",
            "-n",
            "--max-args",
            "-P",
            "--max-procs",
            "-s",
            "--max-chars",
            "--process-slot-var",
        ])
        .exec(),
    t(&["stdbuf"], Other).opts(&["-i", "-o", "-e"]).exec(),
    t(&["taskset", "chrt", "flock", "envchain"], Other)
        .opts(&["-w", "--timeout", "-E", "--conflict-exit-code"])
        .skip(1)
        .exec(),
    t(&["caffeinate"], Other).opts(&["-t", "-w"]).exec(),
    t(&["strace", "ltrace"], Other)
        .opts(&[
            "-o", "-e", "-p", "-s", "-E", "-P", "-u", "-a", "-I", "-X", "-b", "-O", "-S",
        ])
        .exec(),
    t(&["proxychains", "proxychains4"], Other)
        .opts(&["-f"])
        .exec(),
    t(&["xvfb-run"], Other)
        .opts(&[
            "-s",
            "--server-args",
            "-n",
            "--server-num",
            "-e",
            "--error-file",
            "-f",
            "-p",
        ])
        .exec(),
    t(&["rlwrap"], Other)
        .opts(&["-f", "-H", "-p", "-S", "-C"])
        .exec(),
    t(&["bear", "scan-build"], Other)
        .opts(&["-o", "--output", "--config"])
        .exec(),
    t(&["command"], Other)
        .exec()
        .special(&[Special::LookupIf(&["-v", "-V"])]),
    t(
        &[
            "exec",
            "builtin",
            "noglob",
            "nocorrect",
            "nohup",
            "setsid",
            "unbuffer",
            "chronic",
            "ccache",
            "sccache",
            "distcc",
            "icecc",
            "valgrind",
            "mold",
            "catchsegv",
            "dbus-run-session",
            "torsocks",
            "tsocks",
            "firejail",
            "eval",
            "then",
            "do",
            "else",
            "elif",
            "if",
            "while",
            "until",
            "!",
            "{",
            "(",
            "and",
            "or",
            "not",
            "begin",
            "coproc",
        ],
        Other,
    )
    .flags(OWN_NAME | FILLER)
    .opts(&["-a"])
    .exec(),
    // ----- runners: run a package's binary or a command in an environment -------------
    t(&["npx", "pnpx", "bunx"], Other)
        .opts(&["-p", "--package", "--node-options"])
        .exec(),
    t(&["uvx"], Other)
        .opts(&[
            "--from",
            "--with",
            "-p",
            "--python",
            "--index",
            "--index-url",
        ])
        .exec(),
    t(&["aws-vault"], Other).subs(&[
        t(&["exec"], Other).skip(1).flags(NO_KEY | DASHDASH).exec(),
        t(&["login"], Other),
    ]),
    t(&["op", "doppler", "infisical"], Other).subs(&[t(&["run"], Other)
        .opts(&["--env-file", "-p", "--project", "-c", "--config"])
        .flags(NO_KEY | DASHDASH)
        .exec()]),
    t(&["chamber"], Other).subs(&[t(&["exec"], Other).flags(NO_KEY | DASHDASH).exec()]),
    t(&["dotenv", "dotenvx"], Other)
        .opts(&["-e", "-f", "-v", "-c"])
        .flags(DASHDASH)
        .exec(),
    t(&["direnv"], Other).subs(&[
        t(&["exec"], Other).skip(1).flags(NO_KEY).exec(),
        t(&["allow", "deny", "reload", "hook", "status"], Other).flags(OWN_NAME | FILLER),
    ]),
    t(&["mise", "rtx"], Deps).subs(&[
        t(&["exec", "x"], Other).flags(NO_KEY | DASHDASH).exec(),
        t(&["run", "r"], Run).rest(Rest::Script(Dialect::Script, Run)),
        t(&["watch", "w"], Interactive),
        own(
            &["install", "use", "upgrade", "prune", "uninstall", "i", "u"],
            Deps,
        ),
        own(
            &["ls", "list", "current", "where", "which", "doctor", "env"],
            Lookup,
        ),
        t(&["activate", "trust"], Other).flags(OWN_NAME | FILLER),
    ]),
    t(&["asdf"], Deps).subs(&[
        t(&["exec"], Other).flags(NO_KEY).exec(),
        own(
            &[
                "install",
                "plugin",
                "global",
                "local",
                "set",
                "uninstall",
                "reshim",
            ],
            Deps,
        ),
        own(&["list", "current", "where", "which"], Lookup),
    ]),
    t(&["pyenv", "rbenv", "nodenv", "goenv", "jenv"], Deps)
        .flags(OWN_NAME)
        .subs(&[
            t(&["exec"], Other).flags(NO_KEY).exec(),
            own(&["install", "uninstall", "update"], Deps),
            own(&["versions", "version", "which", "whence", "root"], Lookup),
            own(&["shell", "local", "global", "rehash"], Other),
        ]),
    t(&["conda", "mamba", "micromamba"], Deps)
        .flags(OWN_NAME)
        .subs(&[
            t(&["run"], Other)
                .opts(&["-n", "--name", "-p", "--prefix"])
                .flags(NO_KEY)
                .exec(),
            own(&["activate", "deactivate"], Other).flags(FILLER),
            own(
                &[
                    "install",
                    "create",
                    "update",
                    "upgrade",
                    "remove",
                    "uninstall",
                ],
                Deps,
            ),
            own(&["list", "info", "search", "env"], Lookup),
        ]),
    t(&["nix"], Build).subs(&[
        t(&["build"], Build),
        t(&["develop"], Interactive).special(&[Special::ExecAfter(&["-c", "--command"])]),
        t(&["shell"], Interactive).special(&[Special::ExecAfter(&["-c", "--command"])]),
        t(&["run"], Run),
        t(&["flake"], Deps).subs(&[
            own(&["update", "lock", "init"], Deps),
            own(&["check"], Test),
            own(&["show", "metadata", "info"], Lookup),
        ]),
        t(&["profile"], Deps),
        own(
            &["search", "eval", "path-info", "why-depends", "log"],
            Lookup,
        ),
        t(&["repl"], Interactive),
        t(&["fmt"], Lint),
        t(&["store"], Other),
    ]),
    t(&["nix-shell"], Interactive)
        .opts(&[
            "-p",
            "--packages",
            "-A",
            "--attr",
            "-I",
            "--arg",
            "--argstr",
        ])
        .special(&[Special::ShellArg(&["--run", "--command"])]),
    t(&["nix-build"], Build),
    t(&["nix-env", "nix-channel"], Deps).flags(OWN_NAME),
    t(&["nixos-rebuild", "darwin-rebuild", "home-manager"], Deploy)
        .flags(OWN_NAME)
        .subs(&[
            own(&["switch", "boot", "test"], Deploy),
            own(&["build", "dry-build"], Build),
        ]),
    t(&["devbox", "pixi"], Deps).flags(OWN_NAME).subs(&[
        t(&["run"], Run).rest(Rest::Script(Dialect::Script, Run)),
        t(&["shell"], Interactive),
        own(&["install", "add", "remove", "update"], Deps),
    ]),
    // ----- interpreters and shells -----------------------------------------------------
    t(&["python", "py", "pypy", "pypy3"], Run)
        .bare(Interactive)
        .opts(&["-W", "-X", "-Q"])
        .rest(Rest::Interp(&PYTHON))
        .special(&[Special::InteractiveIf(&["-i"])]),
    t(&["node", "nodejs"], Run)
        .bare(Interactive)
        .opts(&[
            "-r",
            "--require",
            "--import",
            "--loader",
            "--experimental-loader",
            "-C",
            "--conditions",
            "--inspect-port",
        ])
        .rest(Rest::Interp(&NODE))
        .flags(V_LOWER)
        .special(&[Special::InteractiveIf(&["-i", "--interactive"])]),
    t(
        &[
            "tsx",
            "ts-node",
            "ts-node-esm",
            "babel-node",
            "esno",
            "vite-node",
            "jiti",
        ],
        Run,
    )
    .flags(OWN_NAME)
    .bare(Interactive)
    .subs(&[t(&["watch"], Interactive)])
    .rest(Rest::Interp(&NODE)),
    t(&["ruby", "jruby"], Run)
        .bare(Interactive)
        .opts(&["-r", "-I", "-C", "-E"])
        .rest(Rest::Interp(&CODE_E))
        .flags(V_LOWER),
    t(&["perl"], Run)
        .bare(Interactive)
        .opts(&["-I", "-M", "-m"])
        .rest(Rest::Interp(&CODE_E)),
    t(&["php"], Run)
        .bare(Interactive)
        .opts(&["-c", "-d", "-t", "-z", "-S"])
        .rest(Rest::Interp(&PHP))
        .special(&[Special::InteractiveIf(&["-S", "-a"])]),
    t(
        &[
            "lua", "luajit", "julia", "elixir", "Rscript", "R", "scala", "kotlin",
        ],
        Run,
    )
    .flags(OWN_NAME)
    .bare(Interactive)
    .opts(&["-l", "-p", "-t", "-r", "-pa", "-pz"])
    .rest(Rest::Interp(&CODE_E)),
    t(
        &[
            "bash",
            "sh",
            "zsh",
            "dash",
            "ksh",
            "mksh",
            "ash",
            "fish",
            "tcsh",
            "csh",
            "nu",
            "pwsh",
            "powershell",
            "elvish",
            "xonsh",
            "busybox",
        ],
        Run,
    )
    .flags(OWN_NAME)
    .bare(Interactive)
    .opts(SHELL_OPTS)
    .rest(Rest::Interp(&SHELL)),
    t(&["java"], Run).opts(&["-cp", "-classpath", "--class-path", "-p", "--module-path"]),
    own(
        &[
            "irb",
            "pry",
            "ipython",
            "bpython",
            "ptpython",
            "ghci",
            "iex",
            "erl",
            "jshell",
            "utop",
            "ocaml",
            "swipl",
            "sbcl",
            "racket",
            "guile",
            "clisp",
            "node-repl",
        ],
        Interactive,
    ),
    t(&["clojure", "clj"], Run)
        .flags(OWN_NAME)
        .special(&[Special::InteractiveUnless(&[
            "-M", "-X", "-T", "-A", "-m", "-e",
        ])]),
    t(&["lein"], Run).bare(Lookup).subs(&[
        t(&["test"], Test),
        t(&["run"], Run),
        t(&["repl"], Interactive),
        own(&["uberjar", "jar", "compile", "install"], Build),
        t(&["deps"], Deps),
        t(&["check"], Lint),
    ]),
    // ----- editors, pagers, terminal UIs, remote sessions ----------------------------
    own(
        &[
            "vim",
            "vi",
            "nvim",
            "gvim",
            "mvim",
            "view",
            "vimdiff",
            "nvimdiff",
            "nano",
            "pico",
            "micro",
            "emacs",
            "emacsclient",
            "kak",
            "hx",
            "helix",
            "code",
            "code-insiders",
            "codium",
            "cursor",
            "subl",
            "zed",
            "idea",
            "pycharm",
            "goland",
            "webstorm",
            "clion",
            "rider",
            "ed",
            "joe",
            "mg",
            "less",
            "more",
            "most",
            "top",
            "htop",
            "btop",
            "atop",
            "glances",
            "nvtop",
            "iotop",
            "nethogs",
            "iftop",
            "bmon",
            "nload",
            "screen",
            "zellij",
            "byobu",
            "tig",
            "lazygit",
            "gitui",
            "gitk",
            "lazydocker",
            "k9s",
            "ctop",
            "dive",
            "ranger",
            "nnn",
            "lf",
            "yazi",
            "mc",
            "vifm",
            "broot",
            "fzf",
            "sk",
            "peco",
            "watch",
            "entr",
            "watchexec",
            "nodemon",
            "ngrok",
            "mitmproxy",
            "gdb",
            "lldb",
            "dlv",
            "info",
            "w3m",
            "lynx",
            "links",
            "mosh",
            "telnet",
            "sftp",
            "ftp",
            "ncdu",
            "fx",
            "visidata",
            "vd",
            "tmuxinator",
            "air",
            "bacon",
            "stern",
            "aider",
            "mtr",
            "minicom",
            "picocom",
            "crontab",
            "concurrently",
            "foreman",
            "overmind",
            "hivemind",
            "locust",
            "cloudflared",
            "start-storybook",
        ],
        Interactive,
    ),
    t(&["tmux"], Interactive).subs(&[
        own(&["ls", "list-sessions", "list-windows", "info"], Lookup),
        own(
            &["kill-server", "kill-session", "source-file", "send-keys"],
            Other,
        ),
    ]),
    t(&["claude"], Interactive).special(&[Special::InteractiveUnless(&["-p", "--print"])]),
    t(&["ssh"], Run)
        .opts(&[
            "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o",
            "-p", "-Q", "-R", "-S", "-W", "-w",
        ])
        .special(&[
            Special::Repl(&[], 1),
            Special::InteractiveIf(&["-t", "-tt"]),
        ]),
    own(
        &[
            "scp",
            "rsync",
            "ssh-keygen",
            "ssh-add",
            "ssh-copy-id",
            "nc",
            "ncat",
            "socat",
        ],
        Other,
    ),
    own(&["openssl", "gpg", "age", "sops"], Other),
    // ----- databases and REPL-like clients ----------------------------------------------
    t(&["psql", "pgcli"], Run)
        .flags(OWN_NAME)
        .opts(&[
            "-h",
            "--host",
            "-p",
            "--port",
            "-U",
            "--username",
            "-d",
            "--dbname",
            "-v",
            "--set",
        ])
        .special(&[Special::Repl(
            &["-c", "--command", "-f", "--file", "-l", "--list"],
            2,
        )]),
    t(&["mysql", "mariadb", "mycli"], Run)
        .flags(OWN_NAME)
        .opts(&[
            "-h",
            "--host",
            "-P",
            "--port",
            "-u",
            "--user",
            "-D",
            "--database",
            "-S",
        ])
        .special(&[Special::Repl(&["-e", "--execute"], 1)]),
    t(&["sqlite3", "duckdb", "litecli", "usql"], Run)
        .flags(OWN_NAME)
        .opts(&["-cmd", "-init", "-separator"])
        .special(&[Special::Repl(&["-c", "--command"], 1)]),
    t(&["redis-cli", "valkey-cli"], Run)
        .flags(OWN_NAME)
        .opts(&["-h", "-p", "-a", "-n", "-u", "--user", "--pass"])
        .special(&[Special::Repl(&[], 0)]),
    t(&["mongosh", "mongo"], Run)
        .flags(OWN_NAME)
        .opts(&["--host", "--port", "-u", "--username", "-p", "--password"])
        .special(&[Special::Repl(&["--eval", "-f", "--file"], 1)]),
    t(&["clickhouse-client", "cqlsh"], Run)
        .flags(OWN_NAME)
        .opts(&["-h", "--host", "--port", "-u", "--user"])
        .special(&[Special::Repl(
            &["-q", "--query", "-e", "--execute", "-f", "--file"],
            1,
        )]),
    // ----- looking things up ------------------------------------------------------------
    own(
        &[
            "ls", "ll", "la", "l", "exa", "eza", "lsd", "dir", "vdir", "du", "dust", "df", "duf",
            "free", "ps", "pstree",
        ],
        Lookup,
    )
    .flags(NO_SHORT_HELP),
    own(
        &["grep", "egrep", "fgrep", "rg", "ag", "ack", "sort"],
        Lookup,
    )
    .flags(FILTER | NO_SHORT_HELP),
    own(
        &[
            "tree",
            "find",
            "fd",
            "fdfind",
            "locate",
            "plocate",
            "which",
            "whereis",
            "type",
            "file",
            "stat",
            "tldr",
            "cheat",
            "apropos",
            "whatis",
            "pwd",
            "printenv",
            "history",
            "pgrep",
            "lsof",
            "ss",
            "netstat",
            "ip",
            "ifconfig",
            "dig",
            "nslookup",
            "host",
            "ping",
            "ping6",
            "traceroute",
            "tracepath",
            "date",
            "cal",
            "uptime",
            "whoami",
            "id",
            "groups",
            "uname",
            "hostname",
            "nproc",
            "lscpu",
            "lsblk",
            "lsusb",
            "lspci",
            "diff",
            "cmp",
            "strings",
            "nm",
            "objdump",
            "readelf",
            "ldd",
            "otool",
            "tokei",
            "cloc",
            "scc",
            "wc",
            "realpath",
            "readlink",
            "basename",
            "dirname",
            "getent",
            "env-check",
            "neofetch",
            "fastfetch",
            "last",
            "w",
            "who",
            "mount",
            "findmnt",
            "vmstat",
            "iostat",
            "sensors",
            "xdg-mime",
            "systemd-analyze",
        ],
        Lookup,
    ),
    own(
        &["head", "jq", "yq", "gron", "jless", "xq", "htmlq", "dasel"],
        Lookup,
    )
    .flags(FILTER),
    t(&["tail"], Lookup)
        .flags(OWN_NAME | FILTER)
        .special(FOLLOW),
    t(&["cat", "tac", "nl"], Lookup).flags(OWN_NAME | FILTER),
    t(&["bat", "batcat"], Lookup).flags(FILTER).special(PAGER),
    t(&["man"], Lookup).special(PAGER),
    t(&["journalctl"], Lookup).special(&[Special::Follow(&["-f", "--follow"]), Special::Pager]),
    t(&["dmesg"], Lookup).special(&[Special::Follow(&["-w", "--follow", "-W"])]),
    t(&["systemctl"], Other).subs(&[
        t(
            &[
                "status",
                "show",
                "cat",
                "list-units",
                "list-unit-files",
                "list-timers",
            ],
            Lookup,
        )
        .flags(OWN_NAME)
        .special(PAGER),
        own(
            &[
                "start",
                "stop",
                "restart",
                "reload",
                "enable",
                "disable",
                "daemon-reload",
            ],
            Other,
        ),
        t(&["edit"], Other).special(HUMAN),
    ]),
    own(
        &[
            "awk",
            "gawk",
            "mawk",
            "sed",
            "gsed",
            "tr",
            "cut",
            "uniq",
            "tee",
            "column",
            "fold",
            "rev",
            "paste",
            "join",
            "comm",
            "pv",
            "xclip",
            "xsel",
            "pbcopy",
            "pbpaste",
            "wl-copy",
            "wl-paste",
            "base64",
            "sha256sum",
            "sha1sum",
            "md5sum",
            "shasum",
            "b2sum",
            "cksum",
            "xxd",
            "hexdump",
            "od",
            "iconv",
            "envsubst",
            "fmt",
            "expand",
            "unexpand",
            "ts",
            "zstd",
            "xz",
            "bzip2",
            "lz4",
            "split",
            "csplit",
            "shuf",
            "seq",
            "yes",
            "numfmt",
            "nkf",
            "dos2unix",
            "unix2dos",
        ],
        Other,
    )
    .flags(FILTER),
    t(
        &[
            "curl", "wget", "http", "https", "xh", "xhs", "curlie", "grpcurl", "httpie", "hurl",
            "websocat", "wscat",
        ],
        Other,
    )
    .flags(OWN_NAME)
    .special(LOCALHOST),
    own(
        &[
            "hey",
            "ab",
            "wrk",
            "oha",
            "vegeta",
            "hyperfine",
            "bombardier",
        ],
        Test,
    ),
    t(&["k6"], Test).subs(&[t(&["run"], Test), t(&["cloud"], Test)]),
    // ----- version control ---------------------------------------------------------------
    t(&["git"], Vcs)
        .bare(Lookup)
        .opts(&[
            "-C",
            "-c",
            "--git-dir",
            "--work-tree",
            "--namespace",
            "--config-env",
            "--super-prefix",
        ])
        .flags(MAN_HELP)
        .subs(GIT_SUBS),
    t(&["hg"], Vcs)
        .bare(Lookup)
        .opts(&["-R", "--repository", "--cwd", "--config"])
        .subs(&[
            own(
                &["log", "diff", "annotate", "blame", "export", "cat", "glog"],
                Vcs,
            )
            .special(PAGER),
            t(&["commit", "ci"], Vcs).special(&[Special::PromptUnless(&[
                "-m",
                "--message",
                "-l",
                "--logfile",
            ])]),
            own(&["histedit", "record", "crecord"], Vcs).special(HUMAN),
            own(
                &[
                    "status",
                    "st",
                    "add",
                    "addremove",
                    "pull",
                    "push",
                    "update",
                    "up",
                    "checkout",
                    "co",
                    "merge",
                    "rebase",
                    "clone",
                    "shelve",
                    "unshelve",
                    "branch",
                    "branches",
                    "bookmark",
                    "bookmarks",
                    "heads",
                    "summary",
                    "sum",
                    "amend",
                    "strip",
                    "graft",
                    "evolve",
                    "prune",
                    "revert",
                    "forget",
                    "rm",
                    "mv",
                    "init",
                    "incoming",
                    "outgoing",
                    "paths",
                    "resolve",
                    "tag",
                    "tags",
                    "id",
                    "identify",
                    "files",
                    "grep",
                    "bisect",
                    "phase",
                    "absorb",
                    "next",
                    "prev",
                    "uncommit",
                    "fold",
                    "split",
                    "topics",
                ],
                Vcs,
            ),
        ]),
    t(&["jj"], Vcs)
        .opts(&[
            "-R",
            "--repository",
            "--at-operation",
            "--at-op",
            "--color",
            "--config",
        ])
        .special(PAGER)
        .subs(&[
            own(
                &[
                    "log",
                    "diff",
                    "show",
                    "evolog",
                    "obslog",
                    "interdiff",
                    "file",
                ],
                Vcs,
            )
            .special(PAGER),
            t(&["describe", "desc"], Vcs).special(&[Special::PromptUnless(&[
                "-m",
                "--message",
                "--stdin",
                "--no-edit",
            ])]),
            t(&["commit", "ci"], Vcs).special(&[Special::PromptUnless(&["-m", "--message"])]),
            own(&["split", "resolve", "diffedit"], Vcs).special(HUMAN),
            t(&["squash"], Vcs).special(&[Special::PromptIf(&["-i", "--interactive"])]),
            t(&["op"], Vcs).subs(&[
                own(&["log", "show", "diff"], Vcs).special(PAGER),
                own(&["undo", "restore", "abandon"], Vcs),
            ]),
            t(&["git"], Vcs).subs(&[own(
                &[
                    "push", "fetch", "clone", "init", "remote", "import", "export", "colocate",
                ],
                Vcs,
            )]),
            t(&["bookmark", "b", "branch"], Vcs).subs(&[own(
                &[
                    "list", "l", "set", "s", "create", "c", "move", "m", "delete", "d", "track",
                    "t", "forget", "f", "rename", "r", "untrack",
                ],
                Vcs,
            )]),
            own(
                &[
                    "new",
                    "edit",
                    "abandon",
                    "rebase",
                    "status",
                    "st",
                    "restore",
                    "undo",
                    "workspace",
                    "config",
                    "absorb",
                    "duplicate",
                    "next",
                    "prev",
                    "parallelize",
                    "fix",
                    "sparse",
                    "util",
                    "tag",
                    "backout",
                    "revert",
                    "sign",
                    "unsign",
                    "simplify-parents",
                    "root",
                ],
                Vcs,
            ),
        ]),
    t(&["svn"], Vcs).bare(Lookup).subs(&[
        t(&["commit", "ci"], Vcs).special(&[Special::PromptUnless(&[
            "-m",
            "--message",
            "-F",
            "--file",
        ])]),
        own(
            &[
                "checkout", "co", "update", "up", "log", "diff", "di", "status", "st", "add",
                "delete", "del", "rm", "info", "blame", "praise", "ann", "revert", "switch", "sw",
                "merge", "copy", "cp", "move", "mv", "mkdir", "cleanup", "resolve", "export",
                "import", "list", "ls", "cat", "propset", "propget",
            ],
            Vcs,
        ),
    ]),
    t(&["gh"], Vcs)
        .bare(Lookup)
        .opts(&["-R", "--repo", "--hostname"])
        .subs(FORGE_GROUPS),
    t(&["glab"], Vcs)
        .bare(Lookup)
        .opts(&["-R", "--repo"])
        .subs(FORGE_GROUPS),
    t(&["hub"], Vcs),
    t(&["repo"], Vcs),
    // ----- Rust ----------------------------------------------------------------------------
    t(&["cargo", "cross", "cargo-zigbuild"], Run)
        .bare(Lookup)
        .opts(&["-C", "--config", "-Z", "--color", "--explain"])
        .flags(PLUS_OPTS)
        .subs(CARGO_SUBS),
    t(&["rustc"], Build).flags(PLUS_OPTS),
    t(&["rustup"], Deps).flags(PLUS_OPTS).subs(&[
        t(&["run"], Other).skip(1).flags(NO_KEY).exec(),
        own(&["show", "which", "doc"], Lookup),
        own(&["default", "override"], Other),
        own(
            &[
                "update",
                "install",
                "toolchain",
                "target",
                "component",
                "self",
                "uninstall",
            ],
            Deps,
        ),
    ]),
    t(&["rustfmt"], Lint).flags(PLUS_OPTS),
    t(&["trunk"], Build).subs(&[
        own(&["serve", "watch"], Interactive),
        own(&["build"], Build),
        own(&["check", "fmt"], Lint),
        own(&["clean"], Other),
    ]),
    t(&["wasm-pack"], Build).subs(&[
        t(&["build"], Build),
        t(&["test"], Test),
        t(&["publish"], Deploy),
        t(&["pack"], Build),
    ]),
    t(&["maturin"], Build).subs(&[
        own(&["develop", "build"], Build),
        t(&["publish", "upload"], Deploy).flags(OWN_NAME),
    ]),
    t(&["dx"], Build).subs(&[
        own(&["serve"], Interactive),
        own(&["build", "bundle"], Build),
    ]),
    t(&["sqlx", "diesel", "sea-orm-cli"], Run).flags(OWN_NAME),
    // ----- C, C++ and friends -------------------------------------------------------------
    t(&["make", "gmake", "bmake", "mingw32-make", "nmake"], Build)
        .opts(&[
            "-C",
            "--directory",
            "-f",
            "--file",
            "--makefile",
            "-I",
            "--include-dir",
            "-o",
            "--old-file",
            "-W",
            "--what-if",
            "--new-file",
            "--assume-new",
        ])
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["ninja", "samu"], Build)
        .opts(&["-C", "-f", "-j", "-k", "-l", "-d", "-t", "-w"])
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["cmake"], Build).special(&[Special::LookupIf(&[
        "--system-information",
        "-L",
        "-LA",
        "-LH",
        "-LAH",
    ])]),
    own(&["ccmake", "cmake-gui"], Interactive),
    t(&["ctest"], Test),
    t(&["meson", "muon"], Build).subs(&[
        own(
            &[
                "setup",
                "configure",
                "compile",
                "install",
                "dist",
                "init",
                "wrap",
                "subprojects",
            ],
            Build,
        ),
        t(&["test"], Test),
        own(&["introspect"], Lookup),
    ]),
    t(&["bazel", "bazelisk", "buck2", "buck"], Build)
        .flags(OWN_NAME)
        .subs(&[
            t(&["build"], Build),
            t(&["test"], Test),
            t(&["coverage"], Test),
            t(&["run"], Run),
            own(
                &[
                    "query", "cquery", "aquery", "info", "version", "targets", "audit",
                ],
                Lookup,
            ),
            own(&["clean", "shutdown", "kill"], Other),
            own(&["fetch", "sync", "mod", "vendor"], Deps),
        ]),
    t(&["pants"], Build).rest(Rest::Tasks(Dialect::Script, Build)),
    t(
        &[
            "scons", "xmake", "premake5", "premake4", "waf", "b2", "bjam",
        ],
        Build,
    )
    .flags(OWN_NAME)
    .rest(Rest::Tasks(Dialect::Make, Build)),
    own(
        &[
            "configure",
            "autoreconf",
            "autoconf",
            "automake",
            "autogen.sh",
            "libtool",
            "gcc",
            "g++",
            "cc",
            "c++",
            "clang",
            "clang++",
            "clang-cl",
            "cl",
            "tcc",
            "icc",
            "icx",
            "nvcc",
            "ld",
            "lld",
            "ld.lld",
            "as",
            "nasm",
            "yasm",
            "ar",
            "javac",
            "kotlinc",
            "scalac",
            "ghc",
            "swiftc",
            "gfortran",
            "fpc",
            "ldc2",
            "dmd",
            "protoc",
            "flatc",
            "thrift",
            "pandoc",
            "latexmk",
            "pdflatex",
            "xelatex",
            "lualatex",
            "tectonic",
            "asciidoctor",
            "sphinx-build",
            "esbuild",
            "swc",
            "babel",
            "tsup",
            "unbuild",
            "ncc",
            "rspack",
            "rsbuild",
            "sass",
            "lessc",
            "postcss",
            "tailwindcss",
            "lightningcss",
            "stylus",
            "elm-make",
            "docker-buildx",
            "sqlc",
            "mockgen",
            "wire",
            "templ",
            "oapi-codegen",
            "openapi-generator",
            "openapi-generator-cli",
            "graphql-codegen",
            "prisma-generate",
            "pyinstaller",
            "nuitka",
            "cython",
            "jar",
            "build-storybook",
        ],
        Build,
    ),
    own(
        &[
            "clang-format",
            "clang-tidy",
            "cppcheck",
            "cpplint",
            "include-what-you-use",
            "iwyu",
        ],
        Lint,
    ),
    t(&["zig"], Build).bare(Lookup).subs(&[
        t(&["build"], Build).rest(Rest::Tasks(Dialect::Make, Build)),
        t(&["test"], Test),
        t(&["run"], Run),
        t(&["fmt"], Lint),
        own(
            &[
                "cc",
                "c++",
                "build-exe",
                "build-lib",
                "build-obj",
                "translate-c",
            ],
            Build,
        ),
        t(&["fetch"], Deps),
        own(&["init", "env", "version", "targets"], Lookup),
    ]),
    t(&["nim"], Build).subs(&[
        own(&["c", "cpp", "compile", "js"], Build),
        own(&["r", "run"], Run),
        own(&["check"], Lint),
    ]),
    t(&["crystal"], Build).subs(&[
        own(&["build"], Build),
        own(&["run"], Run),
        own(&["spec"], Test),
        own(&["tool", "format"], Lint),
    ]),
    // ----- JVM -------------------------------------------------------------------------------
    t(&["gradle", "gradlew", "gradlew.bat"], Build)
        .opts(&[
            "-p",
            "--project-dir",
            "-b",
            "--build-file",
            "-c",
            "--settings-file",
            "-g",
            "--gradle-user-home",
            "-I",
            "--init-script",
            "-x",
            "--exclude-task",
            "--console",
            "--warning-mode",
            "--tests",
            "--priority",
            "-D",
            "-P",
        ])
        .flags(STRIP_PROJECT)
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["mvn", "mvnw", "mvnd", "mvnw.cmd"], Build)
        .opts(&[
            "-pl",
            "--projects",
            "-f",
            "--file",
            "-P",
            "--activate-profiles",
            "-s",
            "--settings",
            "-gs",
            "-T",
            "--threads",
            "-rf",
            "--resume-from",
            "-t",
            "-l",
            "--log-file",
            "-D",
        ])
        .flags(GOAL_FIRST)
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["sbt", "sbtn"], Build)
        .bare(Interactive)
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["ant"], Build)
        .opts(&["-f", "-buildfile", "-lib", "-logfile", "-l"])
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["quarkus"], Build).subs(&[
        own(&["dev"], Interactive),
        own(&["build"], Build),
        own(&["test"], Test),
        own(&["deploy"], Deploy),
    ]),
    // ----- .NET, Swift, Apple, mobile ---------------------------------------------------
    t(&["dotnet"], Run).bare(Lookup).subs(DOTNET_SUBS),
    t(&["msbuild"], Build),
    t(&["nuget"], Deps),
    t(&["swift"], Run).bare(Interactive).subs(SWIFT_SUBS),
    t(&["xcodebuild"], Build)
        .opts(&[
            "-scheme",
            "-project",
            "-workspace",
            "-destination",
            "-configuration",
            "-sdk",
            "-target",
            "-archivePath",
            "-derivedDataPath",
            "-resultBundlePath",
            "-testPlan",
            "-only-testing",
            "-skip-testing",
            "-exportOptionsPlist",
            "-exportPath",
        ])
        .rest(Rest::Tasks(Dialect::Make, Build)),
    t(&["xcrun", "simctl"], Other).flags(OWN_NAME),
    t(&["pod"], Deps).subs(&[
        own(
            &["install", "update", "repo", "deintegrate", "outdated"],
            Deps,
        ),
        own(&["lib", "spec", "trunk"], Deploy),
    ]),
    own(&["carthage"], Deps),
    t(&["fastlane", "fl"], Run).rest(Rest::Tasks(Dialect::Script, Run)),
    own(
        &[
            "swiftlint",
            "swiftformat",
            "ktlint",
            "detekt",
            "checkstyle",
            "scalafmt",
            "scalafix",
        ],
        Lint,
    ),
    t(&["flutter"], Build).bare(Lookup).subs(&[
        t(&["run"], Interactive),
        t(&["build"], Build),
        own(&["test", "drive"], Test),
        own(&["analyze", "format"], Lint),
        t(&["pub"], Deps),
        own(
            &["doctor", "devices", "emulators", "config", "channel"],
            Lookup,
        ),
        own(&["clean", "create"], Other),
        own(&["upgrade", "precache"], Deps),
        own(&["gen-l10n", "assemble"], Build),
    ]),
    t(&["dart"], Run).bare(Lookup).subs(&[
        t(&["run"], Run),
        t(&["test"], Test),
        own(&["analyze", "format", "fix"], Lint),
        t(&["pub"], Deps),
        own(&["compile"], Build),
        own(&["create"], Other),
    ]),
    t(&["react-native", "expo"], Run).flags(OWN_NAME).subs(&[
        own(&["start", "dev"], Interactive),
        own(
            &["run-ios", "run-android", "run:ios", "run:android", "run"],
            Run,
        ),
        own(&["build", "export", "prebuild", "bundle"], Build),
        own(&["install", "upgrade", "doctor"], Deps),
    ]),
    t(&["eas"], Build).subs(&[own(&["build"], Build), own(&["submit", "update"], Deploy)]),
    // ----- Haskell, OCaml, Elixir, Erlang ------------------------------------------------
    t(&["cabal"], Build).subs(&[
        own(
            &["build", "v2-build", "new-build", "haddock", "sdist"],
            Build,
        ),
        own(&["test", "v2-test", "bench"], Test),
        own(&["run", "v2-run", "exec"], Run),
        own(&["repl", "v2-repl"], Interactive),
        own(&["install", "update", "freeze"], Deps),
        own(&["clean"], Other),
    ]),
    t(&["stack"], Build).subs(&[
        own(&["build", "haddock", "sdist"], Build),
        own(&["test", "bench"], Test),
        own(&["run"], Run),
        t(&["exec"], Other).flags(NO_KEY | DASHDASH).exec(),
        own(&["ghci", "repl"], Interactive),
        own(&["install", "setup", "update", "upgrade"], Deps),
        own(&["clean", "purge", "new"], Other),
    ]),
    t(&["dune"], Build).subs(&[
        own(&["build"], Build),
        own(&["test", "runtest"], Test),
        own(&["exec"], Run),
        own(&["utop"], Interactive),
        own(&["fmt"], Lint),
        own(&["clean"], Other),
    ]),
    t(&["opam"], Deps).subs(&[
        t(&["exec"], Other).flags(NO_KEY | DASHDASH).exec(),
        own(
            &[
                "install", "update", "upgrade", "init", "switch", "pin", "remove",
            ],
            Deps,
        ),
        own(&["list", "show", "search", "env"], Lookup),
    ]),
    own(&["hlint", "ormolu", "fourmolu", "stylish-haskell"], Lint),
    t(&["mix"], Run)
        .bare(Build)
        .subs(&[
            own(
                &[
                    "compile",
                    "release",
                    "escript.build",
                    "assets.deploy",
                    "docs",
                ],
                Build,
            ),
            own(&["test", "coveralls"], Test),
            own(&["format", "credo", "dialyzer", "sobelow"], Lint),
            own(
                &[
                    "deps.get",
                    "deps.update",
                    "deps.compile",
                    "deps.clean",
                    "hex.outdated",
                ],
                Deps,
            ),
            own(&["phx.server"], Interactive),
            own(&["hex.publish"], Deploy),
            own(&["phx.routes", "help"], Lookup),
            own(&["new", "phx.new", "clean"], Other),
        ])
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["rebar3"], Build).subs(&[
        own(&["compile", "release", "tar", "escriptize"], Build),
        own(&["eunit", "ct", "proper"], Test),
        own(&["shell"], Interactive),
        own(&["get-deps", "upgrade"], Deps),
        own(&["xref", "dialyzer", "fmt"], Lint),
    ]),
    // ----- Ruby, PHP ----------------------------------------------------------------------
    t(&["bundle", "bundler"], Deps).bare(Deps).subs(&[
        t(&["exec"], Other).flags(NO_KEY).exec(),
        own(
            &[
                "install", "update", "add", "remove", "lock", "outdated", "clean", "binstubs",
            ],
            Deps,
        ),
        own(
            &["show", "list", "info", "config", "check", "doctor"],
            Lookup,
        ),
        own(&["open"], Interactive),
    ]),
    t(&["gem"], Deps).subs(&[
        own(
            &["install", "update", "uninstall", "cleanup", "pristine"],
            Deps,
        ),
        own(&["build"], Build),
        own(&["push", "yank"], Deploy),
        own(
            &[
                "list", "info", "search", "query", "contents", "env", "which", "outdated",
            ],
            Lookup,
        ),
    ]),
    t(&["rake"], Run)
        .opts(&[
            "-f",
            "--rakefile",
            "-C",
            "--directory",
            "-I",
            "--libdir",
            "-j",
            "--jobs",
        ])
        .special(&[Special::LookupIf(&[
            "-T",
            "--tasks",
            "-W",
            "--where",
            "-D",
            "--describe",
        ])])
        .rest(Rest::Tasks(Dialect::Script, Run)),
    t(&["rails"], Run)
        .bare(Lookup)
        .subs(&[
            own(&["server", "s"], Interactive).key(&["server"]),
            own(&["console", "c"], Interactive).key(&["console"]),
            own(&["dbconsole", "db"], Interactive).key(&["dbconsole"]),
            t(&["test"], Test),
            t(&["routes"], Lookup),
            own(&["generate", "g"], Other).key(&["generate"]),
            own(&["destroy", "d"], Other).key(&["destroy"]),
            t(&["new"], Other),
            t(&["runner", "r"], Run).key(&["runner"]),
        ])
        .rest(Rest::Script(Dialect::Script, Run)),
    own(
        &[
            "rspec", "minitest", "cucumber", "behave", "robot", "phpunit", "pest", "paratest",
            "codecept",
        ],
        Test,
    ),
    own(
        &[
            "rubocop",
            "standardrb",
            "reek",
            "brakeman",
            "erb_lint",
            "erblint",
            "haml-lint",
            "slim-lint",
        ],
        Lint,
    ),
    t(&["srb", "sorbet"], Lint).flags(OWN_NAME),
    own(
        &[
            "puma", "unicorn", "thin", "sidekiq", "resque", "guard", "shotgun", "rackup",
        ],
        Interactive,
    ),
    t(&["jekyll", "bridgetown", "middleman"], Build)
        .flags(OWN_NAME)
        .subs(&[
            own(&["serve", "server", "s", "start"], Interactive),
            own(&["build", "b"], Build),
            own(&["doctor"], Lint),
        ]),
    t(&["cap", "capistrano", "mina"], Deploy)
        .flags(OWN_NAME)
        .rest(Rest::Tasks(Dialect::Script, Deploy)),
    t(&["composer", "composer.phar"], Deps)
        .bare(Lookup)
        .subs(&[
            own(
                &[
                    "install",
                    "i",
                    "update",
                    "u",
                    "upgrade",
                    "require",
                    "r",
                    "remove",
                    "rm",
                    "dump-autoload",
                    "dumpautoload",
                    "reinstall",
                    "bump",
                ],
                Deps,
            ),
            t(&["run-script", "run"], Run)
                .flags(NO_KEY)
                .rest(Rest::Script(Dialect::Script, Run)),
            own(
                &[
                    "show", "info", "outdated", "why", "depends", "why-not", "licenses", "search",
                    "config", "diagnose",
                ],
                Lookup,
            ),
            own(&["validate", "audit"], Lint),
            own(&["create-project", "init"], Other),
            t(&["test"], Test),
        ])
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["artisan"], Run)
        .subs(&[
            own(&["serve"], Interactive),
            own(&["test"], Test),
            own(&["tinker"], Interactive),
        ])
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["symfony"], Run).subs(&[
        own(
            &["serve", "server:start", "local:server:start"],
            Interactive,
        ),
        t(&["console"], Run).rest(Rest::Script(Dialect::Script, Run)),
        own(
            &["check:requirements", "security:check", "check:security"],
            Lint,
        ),
        own(&["deploy"], Deploy),
    ]),
    own(
        &[
            "phpstan",
            "psalm",
            "php-cs-fixer",
            "phpcs",
            "phpcbf",
            "phpmd",
            "rector",
            "pint",
        ],
        Lint,
    ),
    t(&["drush", "wp"], Run).flags(OWN_NAME),
    // ----- Python ------------------------------------------------------------------------
    t(&["pip", "pip3"], Deps).bare(Lookup).subs(PIP_SUBS),
    t(&["uv"], Deps).bare(Lookup).subs(&[
        t(&["run"], Other)
            .opts(&[
                "--with",
                "--python",
                "-p",
                "--project",
                "--directory",
                "--package",
                "--extra",
                "--group",
                "--env-file",
                "--index",
                "--index-url",
                "--with-requirements",
                "-w",
            ])
            .flags(NO_KEY)
            .exec(),
        t(&["pip"], Deps).subs(PIP_SUBS),
        own(
            &[
                "sync", "lock", "add", "remove", "venv", "export", "self", "cache", "python",
            ],
            Deps,
        ),
        t(&["tool"], Deps).subs(&[
            t(&["run"], Other).flags(NO_KEY).exec(),
            own(&["install", "upgrade", "uninstall"], Deps),
            own(&["list"], Lookup),
        ]),
        t(&["build"], Build),
        t(&["publish"], Deploy),
        t(&["tree"], Lookup),
        t(&["init"], Other),
        t(&["format"], Lint),
        t(&["version"], Other),
    ]),
    t(&["poetry", "pdm", "rye", "hatch", "pipenv"], Deps)
        .flags(OWN_NAME)
        .subs(&[
            // A command (`poetry run pytest`) or a project script (`hatch run test`).
            t(&["run"], Run)
                .bare(Lookup)
                .flags(NO_KEY)
                .rest(Rest::Binary { run_word: true }),
            own(&["shell"], Interactive),
            own(
                &[
                    "install",
                    "add",
                    "remove",
                    "update",
                    "lock",
                    "sync",
                    "uninstall",
                    "self",
                    "env",
                    "venv",
                    "clean",
                    "graph",
                    "export",
                    "pin",
                ],
                Deps,
            ),
            own(&["build"], Build),
            own(&["publish"], Deploy),
            own(&["test"], Test),
            own(&["check", "fmt", "lint"], Lint),
            own(
                &[
                    "show",
                    "list",
                    "search",
                    "info",
                    "version",
                    "config",
                    "requirements",
                ],
                Lookup,
            ),
            own(&["new", "init"], Other),
        ]),
    t(&["pipx"], Deps).subs(&[
        t(&["run"], Other)
            .opts(&["--spec", "--python"])
            .flags(NO_KEY)
            .exec(),
        own(
            &[
                "install",
                "upgrade",
                "upgrade-all",
                "uninstall",
                "inject",
                "reinstall",
                "ensurepath",
            ],
            Deps,
        ),
        own(&["list"], Lookup),
    ]),
    own(
        &["pip-compile", "pip-sync", "virtualenv", "pip-audit"],
        Deps,
    ),
    t(&["pytest", "py.test", "pytest-3"], Test)
        .opts(&[
            "-k",
            "-m",
            "-n",
            "-p",
            "-c",
            "--rootdir",
            "--maxfail",
            "--junitxml",
            "--cov",
            "--durations",
            "-W",
            "--deselect",
            "--ignore",
            "--tb",
            "-o",
        ])
        .special(&[Special::InteractiveIf(&[
            "-f",
            "--looponfail",
            "--pdb",
            "--trace",
        ])]),
    own(&["ptw", "pytest-watch"], Interactive),
    t(&["tox", "nox"], Test)
        .flags(OWN_NAME)
        .opts(&[
            "-e",
            "-s",
            "--sessions",
            "-c",
            "-f",
            "-p",
            "-k",
            "-t",
            "--tags",
        ])
        .special(&[Special::LookupIf(&[
            "-l",
            "--list",
            "-a",
            "--listenvs-all",
            "--list-sessions",
        ])]),
    own(
        &[
            "mypy",
            "dmypy",
            "pyright",
            "basedpyright",
            "pyre",
            "black",
            "isort",
            "flake8",
            "pylint",
            "pyflakes",
            "pycodestyle",
            "pydocstyle",
            "autopep8",
            "yapf",
            "bandit",
            "vulture",
            "pyupgrade",
            "autoflake",
            "darker",
            "blue",
            "docformatter",
        ],
        Lint,
    ),
    t(&["ruff", "ty"], Lint).flags(OWN_NAME).subs(&[
        own(&["check", "format"], Lint),
        own(&["server"], Interactive),
    ]),
    t(&["pre-commit", "prek"], Lint).flags(OWN_NAME).subs(&[
        own(&["run"], Lint),
        own(
            &[
                "install",
                "autoupdate",
                "install-hooks",
                "clean",
                "gc",
                "migrate-config",
                "uninstall",
            ],
            Deps,
        ),
        own(&["try-repo", "validate-config"], Lint),
    ]),
    t(&["manage.py", "django-admin"], Run)
        .flags(OWN_NAME)
        .opts(&["--settings", "--pythonpath"])
        .subs(MANAGE_PY_SUBS),
    t(&["setup.py"], Build).subs(&[
        own(&["test", "pytest"], Test),
        own(
            &[
                "build",
                "build_ext",
                "build_py",
                "sdist",
                "bdist_wheel",
                "bdist",
                "egg_info",
            ],
            Build,
        ),
        own(&["install", "develop"], Deps),
        own(&["upload", "register"], Deploy),
        own(&["clean"], Other),
    ]),
    own(
        &[
            "uvicorn",
            "gunicorn",
            "hypercorn",
            "daphne",
            "waitress-serve",
            "granian",
            "streamlit",
            "gradio",
            "panel",
            "voila",
            "marimo",
            "datasette",
            "http-server",
            "live-server",
            "serve",
            "browser-sync",
            "json-server",
            "wiremock",
            "mailhog",
            "mailpit",
            "appium",
        ],
        Interactive,
    ),
    t(&["flask", "fastapi", "litestar"], Run)
        .flags(OWN_NAME)
        .subs(&[
            own(&["run", "dev", "shell"], Interactive),
            own(&["routes"], Lookup),
            own(&["db"], Run),
        ]),
    t(&["jupyter", "jupyter-lab", "jupyter-notebook"], Interactive)
        .flags(OWN_NAME)
        .subs(&[
            own(
                &["lab", "notebook", "console", "qtconsole", "server"],
                Interactive,
            ),
            own(&["nbconvert", "execute", "book"], Build),
            own(
                &["kernelspec", "labextension", "nbextension", "troubleshoot"],
                Other,
            ),
        ]),
    t(&["celery"], Interactive),
    t(&["alembic"], Run).subs(&[
        own(&["upgrade", "downgrade", "revision", "stamp", "merge"], Run),
        own(&["history", "current", "heads", "show", "branches"], Lookup),
    ]),
    t(&["coverage"], Test).subs(&[
        own(&["run"], Test),
        own(
            &[
                "report", "html", "xml", "json", "lcov", "combine", "erase", "debug",
            ],
            Lookup,
        ),
    ]),
    t(&["twine"], Deploy).subs(&[own(&["upload"], Deploy), own(&["check"], Lint)]),
    t(
        &[
            "mkdocs",
            "mdbook",
            "docusaurus",
            "zola",
            "hugo",
            "eleventy",
            "gatsby",
            "vuepress",
            "vitepress",
            "hexo",
            "pelican",
        ],
        Build,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(
            &["serve", "server", "dev", "watch", "start", "develop", "s"],
            Interactive,
        ),
        own(&["build", "generate", "b"], Build),
        own(&["gh-deploy", "deploy"], Deploy),
        own(&["test", "check"], Test),
        own(&["new", "init", "clean"], Other),
    ])
    .special(&[Special::InteractiveIf(&["--serve", "--watch"])]),
    // ----- JavaScript and TypeScript -----------------------------------------------------
    t(&["npm"], Run)
        .bare(Lookup)
        .opts(NPM_OPTS)
        .flags(V_LOWER)
        .subs(NPM_SUBS),
    t(&["yarn", "yarnpkg"], Run)
        .bare(Deps)
        .opts(&[
            "--cwd",
            "--mutex",
            "--network-timeout",
            "--modules-folder",
            "--cache-folder",
        ])
        .flags(V_LOWER)
        .subs(&YARN_SUBS)
        .rest(Rest::Binary { run_word: false }),
    t(&["pnpm"], Run)
        .bare(Lookup)
        .opts(&[
            "-F",
            "--filter",
            "-C",
            "--dir",
            "--workspace-concurrency",
            "--reporter",
            "--loglevel",
        ])
        .flags(V_LOWER)
        .subs(PNPM_SUBS)
        .rest(Rest::Binary { run_word: false }),
    t(&["bun"], Run)
        .bare(Lookup)
        .opts(&["--cwd", "-c", "--config", "--filter", "-F", "--env-file"])
        .flags(V_LOWER)
        .subs(&[
            t(&["run"], Run)
                .bare(Lookup)
                .flags(NO_KEY)
                .rest(Rest::Binary { run_word: true }),
            own(
                &[
                    "install", "i", "add", "a", "remove", "rm", "update", "link", "unlink", "pm",
                    "patch",
                ],
                Deps,
            ),
            t(&["outdated"], Lookup),
            t(&["test"], Test),
            t(&["build"], Build),
            t(&["x"], Other).flags(NO_KEY).exec(),
            own(&["create", "init"], Other),
            t(&["upgrade"], Deps),
            t(&["repl"], Interactive),
            t(&["publish"], Deploy),
        ])
        .rest(Rest::Binary { run_word: true }),
    t(&["deno"], Run).bare(Interactive).flags(V_LOWER).subs(&[
        t(&["run"], Run),
        own(&["test", "bench"], Test),
        t(&["task"], Run)
            .bare(Lookup)
            .rest(Rest::Script(Dialect::Script, Run)),
        own(&["lint", "fmt", "check"], Lint),
        own(&["compile", "bundle"], Build),
        own(
            &[
                "install",
                "add",
                "remove",
                "cache",
                "upgrade",
                "outdated",
                "uninstall",
            ],
            Deps,
        ),
        own(&["serve", "repl", "jupyter"], Interactive),
        own(&["doc", "info", "types"], Lookup),
        t(&["publish"], Deploy),
        own(&["init", "eval"], Run),
    ]),
    t(&["corepack"], Deps),
    t(&["nvm", "fnm", "volta", "n", "nvs"], Deps)
        .flags(OWN_NAME)
        .subs(&[
            own(&["use", "alias", "default", "env"], Other).flags(FILLER),
            own(
                &[
                    "ls",
                    "list",
                    "ls-remote",
                    "list-remote",
                    "current",
                    "which",
                    "version",
                ],
                Lookup,
            ),
            own(&["install", "uninstall", "pin", "fetch", "setup"], Deps),
            t(&["exec", "run"], Other).skip(1).flags(NO_KEY).exec(),
        ]),
    t(&["tsc", "vue-tsc", "tsgo"], Lint).flags(OWN_NAME | W_WATCH),
    own(
        &[
            "eslint",
            "prettier",
            "stylelint",
            "oxlint",
            "standard",
            "xo",
            "jshint",
            "tslint",
            "svelte-check",
            "knip",
            "depcheck",
            "madge",
            "publint",
            "attw",
            "sort-package-json",
            "markdownlint",
            "markdownlint-cli2",
            "lint-staged",
            "commitlint",
            "dprint",
            "taplo",
            "shellcheck",
            "shfmt",
            "hadolint",
            "yamllint",
            "actionlint",
            "vale",
            "typos",
            "codespell",
            "cspell",
            "editorconfig-checker",
            "ec",
            "golangci-lint",
            "gofmt",
            "gofumpt",
            "goimports",
            "staticcheck",
            "revive",
            "govulncheck",
            "errcheck",
            "gosec",
            "stylua",
            "luacheck",
            "selene",
            "sqlfluff",
            "tflint",
            "tfsec",
            "checkov",
            "trivy",
            "grype",
            "semgrep",
            "gitleaks",
            "trufflehog",
            "buildifier",
            "nixfmt",
            "alejandra",
            "statix",
            "deadnix",
            "nixpkgs-fmt",
            "djlint",
            "htmlhint",
            "jsonlint",
            "ansible-lint",
            "kubeconform",
            "kubeval",
            "kube-linter",
            "conftest",
            "spectral",
            "squawk",
            "cargo-deny",
            "cargo-audit",
            "oxfmt",
            "zizmor",
            "mdformat",
            "rumdl",
            "pyproject-fmt",
        ],
        Lint,
    ),
    t(&["biome", "rome"], Lint).flags(OWN_NAME).subs(&[
        own(&["check", "lint", "format", "ci", "migrate"], Lint),
        own(&["start", "lsp-proxy"], Interactive),
    ]),
    own(
        &[
            "jest",
            "mocha",
            "ava",
            "tap",
            "karma",
            "jasmine",
            "testcafe",
            "wdio",
            "c8",
            "nyc",
            "uvu",
            "tape",
            "gotestsum",
            "ginkgo",
            "bats",
            "shellspec",
            "busted",
            "newman",
            "venom",
            "maestro",
            "detox",
            "act",
            "ward",
            "nose2",
            "nosetests",
            "stestr",
        ],
        Test,
    ),
    t(&["vitest"], Test)
        .flags(W_WATCH)
        .subs(&[
            own(&["run", "bench", "related"], Test),
            own(&["watch", "dev"], Interactive),
            own(&["list"], Lookup),
        ])
        .special(&[Special::InteractiveUnless(&["--run"])]),
    t(&["playwright"], Test).subs(&[
        own(&["test"], Test),
        own(&["install", "install-deps", "uninstall"], Deps),
        own(
            &[
                "codegen",
                "show-report",
                "show-trace",
                "open",
                "cr",
                "ff",
                "wk",
            ],
            Interactive,
        ),
        own(&["merge-reports"], Build),
    ]),
    t(&["cypress"], Test).subs(&[
        own(&["run"], Test),
        own(&["open"], Interactive),
        own(&["install", "verify", "cache"], Deps),
    ]),
    t(
        &[
            "webpack",
            "webpack-cli",
            "rollup",
            "parcel",
            "turbopack",
            "snowpack",
            "brunch",
        ],
        Build,
    )
    .flags(OWN_NAME | W_WATCH)
    .subs(&[
        own(&["serve", "watch", "dev", "s"], Interactive),
        own(&["build", "bundle"], Build),
    ]),
    t(&["webpack-dev-server"], Interactive),
    t(
        &[
            "vite",
            "nuxt",
            "nuxi",
            "astro",
            "remix",
            "next",
            "svelte-kit",
            "solid-start",
            "qwik",
            "react-router",
            "waku",
            "rsbuild-cli",
            "farm",
        ],
        Interactive,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(
            &["dev", "serve", "start", "preview", "develop", "vite:dev"],
            Interactive,
        ),
        own(
            &[
                "build",
                "generate",
                "export",
                "bundle",
                "optimize",
                "prepare",
                "sync",
                "vite:build",
            ],
            Build,
        ),
        own(&["lint"], Lint),
        own(&["check", "typecheck"], Lint),
        own(&["test"], Test),
        own(&["add", "info", "upgrade", "telemetry", "init"], Other),
    ]),
    t(
        &[
            "react-scripts",
            "vue-cli-service",
            "ng",
            "ember",
            "storybook",
            "docz",
            "umi",
            "craco",
        ],
        Run,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(&["start", "serve", "s", "dev"], Interactive),
        own(&["build", "b"], Build),
        own(&["test", "t", "e2e", "e"], Test),
        own(&["lint"], Lint),
        own(&["generate", "g", "new", "add", "update", "eject"], Other),
    ]),
    t(&["turbo"], Run)
        .subs(&[
            t(&["run"], Run)
                .flags(NO_KEY)
                .rest(Rest::Script(Dialect::Script, Run)),
            own(
                &["prune", "login", "link", "unlink", "daemon", "gen"],
                Other,
            ),
            own(&["ls", "query", "info"], Lookup),
        ])
        .rest(Rest::Script(Dialect::Script, Run)),
    t(&["nx"], Run).subs(&[
        own(&["build"], Build),
        own(&["test", "e2e"], Test),
        own(&["lint", "format", "format:check", "format:write"], Lint),
        own(
            &["serve", "dev", "graph", "dep-graph", "watch"],
            Interactive,
        ),
        own(&["run", "run-many", "affected", "exec", "release"], Run),
        own(
            &["generate", "g", "migrate", "add", "reset", "repair", "init"],
            Other,
        ),
        own(&["show", "list", "report", "daemon"], Lookup),
    ]),
    t(&["lerna"], Run).subs(&[
        t(&["run"], Run).rest(Rest::Script(Dialect::Script, Run)),
        t(&["exec"], Other).flags(NO_KEY | DASHDASH).exec(),
        own(&["bootstrap", "add", "link", "clean"], Deps),
        own(&["publish", "version"], Deploy),
        own(
            &["list", "ls", "ll", "la", "changed", "diff", "info"],
            Lookup,
        ),
    ]),
    t(&["npm-run-all", "run-s", "run-p", "npm-run-all2"], Run)
        .flags(OWN_NAME)
        .opts(&["--max-parallel", "--npm-path"])
        .rest(Rest::Tasks(Dialect::Script, Run)),
    t(&["just"], Run)
        .opts(&[
            "-f",
            "--justfile",
            "-d",
            "--working-directory",
            "--set",
            "--dotenv-filename",
            "--dotenv-path",
            "--shell",
            "--command",
        ])
        .special(&[Special::LookupIf(&[
            "-l",
            "--list",
            "--summary",
            "--show",
            "-s",
            "--dump",
            "--evaluate",
        ])])
        .rest(Rest::Tasks(Dialect::Script, Run)),
    t(&["task", "go-task"], Run)
        .opts(&[
            "-d",
            "--dir",
            "-t",
            "--taskfile",
            "-o",
            "--output",
            "-c",
            "--color",
        ])
        .special(&[Special::LookupIf(&[
            "-l",
            "--list",
            "-a",
            "--list-all",
            "--summary",
        ])])
        .rest(Rest::Tasks(Dialect::Script, Run)),
    t(
        &[
            "mage",
            "invoke",
            "inv",
            "grunt",
            "gulp",
            "jake",
            "cake",
            "doit",
            "poe",
            "poethepoet",
        ],
        Run,
    )
    .flags(OWN_NAME)
    .special(&[Special::LookupIf(&["-l", "--list", "-T", "--tasks"])])
    .rest(Rest::Tasks(Dialect::Script, Run)),
    t(&["wrangler", "miniflare"], Deploy)
        .flags(OWN_NAME)
        .subs(&[
            own(&["dev"], Interactive),
            own(&["deploy", "publish", "rollback", "versions"], Deploy),
            own(&["tail"], Interactive),
            own(&["build"], Build),
            own(&["login", "whoami", "init", "generate"], Other),
            own(&["d1", "kv", "r2", "queues", "secret", "pages"], Deploy),
        ]),
    t(
        &[
            "vercel", "netlify", "firebase", "surge", "railway", "amplify",
        ],
        Deploy,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(
            &[
                "dev",
                "serve",
                "emulators:start",
                "emulators:exec",
                "logs",
                "open",
                "link",
            ],
            Interactive,
        ),
        own(
            &["deploy", "up", "promote", "rollback", "publish", "redeploy"],
            Deploy,
        ),
        own(&["build"], Build),
        own(
            &[
                "env", "ls", "list", "inspect", "status", "whoami", "domains", "projects",
            ],
            Lookup,
        ),
        own(&["login", "logout", "init", "pull"], Other),
    ]),
    own(
        &[
            "prisma",
            "drizzle-kit",
            "typeorm",
            "knex",
            "sequelize",
            "migrate",
            "dbmate",
            "goose",
            "atlas",
            "flyway",
            "liquibase",
        ],
        Run,
    ),
    // ----- Go ---------------------------------------------------------------------------
    t(&["go", "gotip"], Build).bare(Lookup).subs(GO_SUBS),
    t(&["goreleaser"], Deploy).subs(&[
        own(&["build"], Build),
        own(&["release"], Deploy),
        own(&["check", "healthcheck"], Lint),
    ]),
    t(&["buf"], Build).subs(&[
        own(&["generate", "build"], Build),
        own(&["lint", "format", "breaking"], Lint),
        own(&["push"], Deploy),
        own(&["dep", "mod"], Deps),
    ]),
    // ----- containers and clusters ---------------------------------------------------------
    t(&["docker", "nerdctl", "finch"], Container)
        .flags(OWN_NAME)
        .bare(Lookup)
        .opts(DOCKER_OPTS)
        .subs(DOCKER_SUBS),
    t(&["podman"], Container)
        .bare(Lookup)
        .opts(&[
            "--remote",
            "-r",
            "--connection",
            "-c",
            "--url",
            "--root",
            "--runroot",
            "--log-level",
        ])
        .subs(DOCKER_SUBS),
    t(&["docker-compose"], Container)
        .key(&["docker", "compose"])
        .bare(Lookup)
        .opts(COMPOSE_OPTS)
        .subs(COMPOSE_SUBS),
    t(&["podman-compose"], Container)
        .key(&["podman", "compose"])
        .bare(Lookup)
        .opts(COMPOSE_OPTS)
        .subs(COMPOSE_SUBS),
    t(&["buildah", "kaniko", "img", "ko", "pack"], Container)
        .flags(OWN_NAME)
        .subs(&[
            own(&["push"], Deploy),
            own(&["images", "containers", "inspect"], Lookup),
        ]),
    own(&["skopeo", "crane", "regctl", "oras"], Container),
    t(
        &[
            "kind",
            "minikube",
            "k3d",
            "colima",
            "limactl",
            "multipass",
            "vagrant",
            "orb",
            "orbctl",
        ],
        Container,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(
            &["ssh", "shell", "dashboard", "tunnel", "mount"],
            Interactive,
        ),
        own(
            &[
                "status",
                "list",
                "ls",
                "get",
                "ip",
                "profile",
                "version",
                "global-status",
            ],
            Lookup,
        ),
        own(
            &[
                "start",
                "stop",
                "create",
                "delete",
                "up",
                "halt",
                "destroy",
                "load",
                "provision",
                "reload",
                "image",
                "addons",
                "service",
                "cache",
                "restart",
                "suspend",
                "resume",
            ],
            Container,
        ),
    ]),
    t(
        &[
            "kubectl",
            "kubecolor",
            "oc",
            "microk8s.kubectl",
            "k3s-kubectl",
        ],
        Other,
    )
    .flags(OWN_NAME)
    .bare(Lookup)
    .opts(KUBECTL_OPTS)
    .subs(KUBECTL_SUBS),
    t(&["kubectx", "kubens", "kctx", "kns", "kubie"], Other).flags(OWN_NAME | FILLER),
    t(&["helm"], Deploy)
        .bare(Lookup)
        .opts(&["-n", "--namespace", "--kube-context", "--kubeconfig"])
        .subs(HELM_SUBS),
    t(&["helmfile"], Deploy)
        .opts(&[
            "-f",
            "--file",
            "-e",
            "--environment",
            "-l",
            "--selector",
            "-n",
            "--namespace",
        ])
        .subs(&[
            own(&["apply", "sync", "destroy", "deps"], Deploy),
            own(&["diff", "list", "status", "build"], Lookup),
            own(&["template", "write-values"], Build),
            own(&["lint"], Lint),
            own(&["test"], Test),
            own(&["repos"], Deps),
        ]),
    t(&["kustomize"], Build),
    t(
        &["skaffold", "tilt", "devspace", "garden", "okteto"],
        Deploy,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(&["dev", "up", "debug"], Interactive),
        own(
            &[
                "run", "deploy", "apply", "delete", "down", "destroy", "sync",
            ],
            Deploy,
        ),
        own(&["build"], Build),
        own(&["render", "diagnose", "logs", "get"], Lookup),
        own(&["test"], Test),
    ]),
    t(&["argocd"], Deploy).subs(&[
        t(&["app"], Deploy).subs(&[
            own(
                &[
                    "sync",
                    "rollback",
                    "set",
                    "create",
                    "delete",
                    "terminate-op",
                    "wait",
                ],
                Deploy,
            ),
            own(
                &[
                    "get",
                    "list",
                    "diff",
                    "history",
                    "manifests",
                    "logs",
                    "resources",
                ],
                Lookup,
            ),
        ]),
        own(&["login", "logout", "context"], Other),
    ]),
    t(&["flux"], Deploy).subs(&[
        own(
            &[
                "reconcile",
                "bootstrap",
                "install",
                "create",
                "suspend",
                "resume",
                "delete",
            ],
            Deploy,
        ),
        own(
            &[
                "get", "logs", "check", "tree", "trace", "events", "stats", "diff",
            ],
            Lookup,
        ),
    ]),
    own(
        &[
            "istioctl", "linkerd", "eksctl", "kops", "kubeadm", "velero", "cilium",
        ],
        Deploy,
    ),
    // ----- infrastructure and cloud ------------------------------------------------------
    t(&["terraform", "tofu", "terragrunt", "tf"], Deploy)
        .flags(OWN_NAME)
        .bare(Lookup)
        .subs(TERRAFORM_SUBS),
    t(&["pulumi"], Deploy).subs(&[
        own(&["up", "update", "destroy", "refresh", "import"], Deploy).special(&[
            Special::PromptUnless(&["--yes", "-y", "--skip-preview", "-f"]),
        ]),
        own(&["preview", "pre"], Deploy),
        own(
            &["stack", "config", "whoami", "about", "logs", "state"],
            Lookup,
        ),
        own(&["login", "logout", "new", "install", "plugin"], Other),
    ]),
    t(&["ansible-playbook"], Deploy),
    t(&["ansible", "ansible-pull", "ansible-console"], Run).flags(OWN_NAME),
    t(&["ansible-galaxy"], Deps),
    t(&["ansible-vault"], Other).special(HUMAN),
    t(&["packer"], Build).subs(&[
        own(&["build"], Build),
        own(&["validate", "fmt"], Lint),
        own(&["init"], Deps),
        own(&["console"], Interactive),
    ]),
    t(&["aws", "aws2"], Other)
        .opts(&[
            "--profile",
            "--region",
            "--output",
            "--endpoint-url",
            "--query",
            "--cli-read-timeout",
            "--cli-connect-timeout",
            "--color",
            "--ca-bundle",
        ])
        .subs(&[own(&["configure"], Other).special(HUMAN)])
        .rest(Rest::Cloud { op_word: true }),
    t(
        &[
            "gcloud",
            "az",
            "doctl",
            "linode-cli",
            "hcloud",
            "scw",
            "exo",
            "oci",
            "ibmcloud",
        ],
        Other,
    )
    .flags(OWN_NAME)
    .opts(&[
        "--project",
        "--account",
        "--configuration",
        "--format",
        "--verbosity",
        "--region",
        "--zone",
        "--subscription",
        "--output",
        "-o",
        "--context",
    ])
    .rest(Rest::Cloud { op_word: false }),
    t(&["sam"], Deploy).subs(&[
        own(&["build"], Build),
        own(&["deploy", "sync", "delete", "package", "publish"], Deploy),
        own(&["local"], Interactive),
        own(&["validate"], Lint),
        own(&["logs", "list"], Lookup),
        own(&["init"], Other),
    ]),
    t(&["cdk", "cdktf"], Deploy).flags(OWN_NAME).subs(&[
        own(
            &["deploy", "destroy", "bootstrap", "import", "rollback"],
            Deploy,
        ),
        own(&["synth", "synthesize", "get"], Build),
        own(
            &[
                "diff", "list", "ls", "metadata", "doctor", "context", "notices",
            ],
            Lookup,
        ),
        own(&["watch"], Interactive),
        own(&["init"], Other),
    ]),
    t(&["serverless", "sls", "sst"], Deploy)
        .flags(OWN_NAME)
        .subs(&[
            own(&["deploy", "remove", "rollback", "package"], Deploy),
            own(&["offline", "dev", "sandbox"], Interactive),
            own(&["invoke"], Run),
            own(&["logs", "info", "print"], Lookup),
            own(&["build"], Build),
        ]),
    t(
        &[
            "fly",
            "flyctl",
            "heroku",
            "kamal",
            "dokku",
            "eb",
            "gigalixir",
        ],
        Deploy,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(
            &[
                "deploy", "launch", "scale", "setup", "rollback", "redeploy", "release", "promote",
                "push",
            ],
            Deploy,
        ),
        own(&["logs"], Lookup).special(&[Special::Follow(&["-f", "--follow", "-t", "--tail"])]),
        own(&["ssh", "console", "proxy", "shell"], Interactive),
        own(
            &[
                "status", "info", "apps", "ps", "config", "secrets", "releases", "list", "ls",
                "open", "details", "env", "health",
            ],
            Lookup,
        ),
        own(&["run", "exec", "app", "accessory"], Run),
        own(&["login", "auth", "init", "create"], Other),
    ]),
    // ----- system and language package managers ---------------------------------------------
    t(&["brew"], Deps).subs(&[
        own(
            &[
                "install",
                "upgrade",
                "update",
                "uninstall",
                "remove",
                "rm",
                "reinstall",
                "tap",
                "untap",
                "bundle",
                "cleanup",
                "link",
                "unlink",
                "pin",
                "unpin",
                "autoremove",
            ],
            Deps,
        ),
        own(
            &[
                "list", "ls", "info", "search", "outdated", "doctor", "deps", "uses", "leaves",
                "config", "home", "cat", "desc", "log",
            ],
            Lookup,
        ),
        own(&["services"], Other),
    ]),
    t(&["apt", "apt-get", "aptitude", "nala"], Deps)
        .flags(OWN_NAME)
        .opts(&["-o", "-c", "-t", "--target-release"])
        .subs(&[
            own(
                &[
                    "install",
                    "update",
                    "upgrade",
                    "remove",
                    "purge",
                    "autoremove",
                    "dist-upgrade",
                    "full-upgrade",
                    "build-dep",
                    "source",
                    "download",
                    "clean",
                    "autoclean",
                    "reinstall",
                    "satisfy",
                    "fix-broken",
                ],
                Deps,
            ),
            own(
                &[
                    "search",
                    "show",
                    "list",
                    "policy",
                    "depends",
                    "rdepends",
                    "changelog",
                    "madison",
                ],
                Lookup,
            ),
        ]),
    t(&["apt-cache", "dpkg-query", "apt-file"], Lookup).flags(OWN_NAME),
    t(&["dpkg", "rpm"], Deps)
        .flags(OWN_NAME)
        .special(&[Special::LookupIf(&[
            "-l",
            "-L",
            "-s",
            "-S",
            "-q",
            "--list",
            "--listfiles",
            "--status",
            "--search",
            "-qa",
            "-qi",
            "-ql",
        ])]),
    t(
        &[
            "dnf",
            "yum",
            "microdnf",
            "zypper",
            "apk",
            "pacman",
            "yay",
            "paru",
            "pamac",
            "xbps-install",
            "emerge",
            "pkg_add",
            "port",
            "choco",
            "scoop",
            "winget",
            "snap",
            "flatpak",
            "guix",
            "pkgx",
            "eopkg",
            "swupd",
            "tlmgr",
            "luarocks",
            "cpan",
            "cpanm",
            "vcpkg",
            "conan",
            "bower",
            "mint",
            "elm",
            "sdk",
            "sdkman",
            "ghcup",
            "juliaup",
            "rustup-init",
            "jspm",
        ],
        Deps,
    )
    .flags(OWN_NAME)
    .subs(&[
        own(
            &[
                "search",
                "info",
                "list",
                "show",
                "query",
                "provides",
                "whatprovides",
                "repolist",
                "files",
                "outdated",
                "current",
                "home",
                "find",
            ],
            Lookup,
        ),
        own(
            &[
                "install",
                "remove",
                "erase",
                "update",
                "upgrade",
                "add",
                "del",
                "uninstall",
                "autoremove",
                "refresh",
                "sync",
                "reinstall",
                "downgrade",
                "dist-upgrade",
            ],
            Deps,
        ),
        own(&["make"], Build),
        own(&["reactor"], Interactive),
    ])
    .special(&[Special::LookupIf(&[
        "-Q", "-Qi", "-Ql", "-Qs", "-Ss", "-Si", "-Qe", "-Qm", "-Qdt", "-F",
    ])]),
];

/// Python modules run with `python -m`, by module name.
pub(super) static MODULES: &[Spec] = &[
    t(&["pytest", "py.test"], Test)
        .opts(&[
            "-k",
            "-m",
            "-n",
            "-p",
            "-c",
            "--rootdir",
            "--maxfail",
            "--junitxml",
            "--cov",
            "--durations",
            "-W",
            "--deselect",
            "--ignore",
            "--tb",
            "-o",
        ])
        .special(&[Special::InteractiveIf(&[
            "-f",
            "--looponfail",
            "--pdb",
            "--trace",
        ])]),
    own(
        &[
            "unittest",
            "doctest",
            "nose",
            "nose2",
            "tox",
            "nox",
            "ward",
            "hypothesis",
            "behave",
            "coverage",
        ],
        Test,
    ),
    t(&["pip"], Deps).bare(Lookup).subs(PIP_SUBS),
    own(
        &[
            "venv",
            "virtualenv",
            "ensurepip",
            "pipx",
            "poetry",
            "uv",
            "pip_audit",
            "piptools",
        ],
        Deps,
    ),
    own(
        &[
            "mypy",
            "pyright",
            "ruff",
            "black",
            "isort",
            "flake8",
            "pylint",
            "pyflakes",
            "pycodestyle",
            "pydocstyle",
            "autopep8",
            "yapf",
            "bandit",
            "vulture",
            "pre_commit",
            "py_compile",
            "tabnanny",
            "pyupgrade",
        ],
        Lint,
    ),
    own(
        &[
            "build",
            "compileall",
            "zipapp",
            "PyInstaller",
            "nuitka",
            "grpc_tools.protoc",
            "sphinx",
            "mkdocs",
            "maturin",
            "setuptools",
            "cython",
        ],
        Build,
    ),
    own(&["twine"], Deploy),
    own(
        &[
            "http.server",
            "SimpleHTTPServer",
            "uvicorn",
            "gunicorn",
            "flask",
            "streamlit",
            "jupyter",
            "jupyterlab",
            "notebook",
            "IPython",
            "pdb",
            "ipdb",
            "pudb",
            "celery",
            "locust",
            "asyncio",
            "idlelib",
            "webbrowser",
            "code",
        ],
        Interactive,
    ),
    own(
        &[
            "json.tool",
            "pydoc",
            "site",
            "sysconfig",
            "platform",
            "timeit",
            "cProfile",
            "profile",
            "trace",
            "dis",
            "tokenize",
            "calendar",
        ],
        Lookup,
    ),
    t(&["django"], Run).subs(MANAGE_PY_SUBS),
    own(&["alembic", "manage", "smtpd", "smtplib"], Run),
];

type Map = HashMap<&'static str, (&'static Spec, &'static str), BuildFnv>;

/// FNV-1a for the name maps: the keys are short, and std's SipHash costs more than the
/// rest of classifying a line.
#[derive(Default, Clone, Copy)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

pub(super) type BuildFnv = std::hash::BuildHasherDefault<Fnv>;

fn index(specs: &'static [Spec]) -> Map {
    let mut map = Map::default();
    for spec in specs {
        for name in spec.names {
            // The first entry for a name wins, as in the table's order.
            map.entry(name).or_insert((spec, name));
        }
    }
    map
}

static TOOL_INDEX: LazyLock<Map> = LazyLock::new(|| index(TOOLS));
static MODULE_INDEX: LazyLock<Map> = LazyLock::new(|| index(MODULES));

/// The built-in spec for a program name, and the table's spelling of that name.
pub(super) fn tool(name: &str) -> Option<(&'static Spec, &'static str)> {
    TOOL_INDEX.get(name).copied()
}

/// The spec for `python -m <module>`: the full dotted name, else its first part.
pub(super) fn module(name: &str) -> Option<(&'static Spec, &'static str)> {
    MODULE_INDEX.get(name).copied().or_else(|| {
        let (first, _) = name.split_once('.')?;
        MODULE_INDEX.get(first).copied()
    })
}

/// The sub-level of `spec` named `word`, and the table's spelling of `word`.
pub(super) fn sub(spec: &'static Spec, word: &str) -> Option<(&'static Spec, &'static str)> {
    spec.subs.iter().find_map(|sub| {
        sub.names
            .iter()
            .find(|name| **name == word)
            .map(|name| (sub, *name))
    })
}

/// Every word a built-in key can contain, for tests and the documentation's count.
#[cfg(test)]
pub(super) fn all_specs() -> impl Iterator<Item = &'static Spec> {
    fn walk(specs: &'static [Spec], out: &mut Vec<&'static Spec>, depth: usize) {
        for spec in specs {
            out.push(spec);
            // YARN_SUBS refers to itself; two levels of it are enough to visit everything.
            if depth < 4 {
                walk(spec.subs, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    walk(TOOLS, &mut out, 0);
    walk(MODULES, &mut out, 0);
    out.into_iter()
}
