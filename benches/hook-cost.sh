#!/usr/bin/env bash
# Runs the hook-cost benchmark (benches/hook_cost.rs), then cross-checks shell start-up
# with hyperfine: `<shell> -i -c exit` with and without the worthit hook line in its rc
# file. Settings for the Rust bench pass through (WORTHIT_BENCH_N, _ROUNDS, _HOOK, ...);
# HYPERFINE_RUNS (default 200) sets hyperfine's run count. Needs bash, zsh and fish.
#
#   benches/hook-cost.sh             # from the repository root or anywhere else
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

status=0
cargo bench --bench hook_cost || status=$?

if ! command -v hyperfine >/dev/null; then
    echo "hyperfine is not installed: start-up cross-check skipped" >&2
    exit "$status"
fi

# cargo bench builds the binary in the bench profile, which writes to target/release.
worthit="${CARGO_TARGET_DIR:-$root/target}/release/worthit"
if [[ ! -x $worthit ]]; then
    echo "no $worthit: did cargo bench fail to build?" >&2
    exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/worthit/spool" "$scratch/zbase" "$scratch/zhook"

printf '%s\n' 'PS1="> "' >"$scratch/base.bashrc"
printf '%s\n' 'PS1="> "' "eval \"\$($worthit init bash)\"" >"$scratch/hook.bashrc"
printf '%s\n' 'PS1="> "' >"$scratch/zbase/.zshrc"
printf '%s\n' 'PS1="> "' "eval \"\$($worthit init zsh)\"" >"$scratch/zhook/.zshrc"
printf '%s\n' "$worthit init fish | source" >"$scratch/hook.fish"

runs=${HYPERFINE_RUNS:-200}
# hyperfine prints means; the medians (robust to this shared machine's hiccups) are in its
# JSON export, in command order: no hook first.
run() {
    local json="$root/target/hook-cost-startup-$1.json"
    env -i PATH="$PATH" HOME="$scratch/home" WORTHIT_HOME="$scratch/worthit" TERM=dumb LANG=C.UTF-8 \
        hyperfine -N --warmup 20 --runs "$runs" --style basic --export-json "$json" "${@:2}"
    grep -o '"median": *[0-9.e+-]*' "$json" | grep -o '[0-9.e+-]*$' | tr '\n' ' ' |
        awk -v shell="$1" '{ printf "%s start-up (-i -c exit), hyperfine medians: no hook %.2f ms, hook %.2f ms, added %+.2f ms, ratio %.3f\n\n", shell, $1 * 1e3, $2 * 1e3, ($2 - $1) * 1e3, $2 / $1 }'
}
run bash \
    -n "bash, no hook" "bash --noprofile --rcfile $scratch/base.bashrc -i -c exit" \
    -n "bash, hook" "bash --noprofile --rcfile $scratch/hook.bashrc -i -c exit"
# hyperfine -N cannot set per-command variables, so ZDOTDIR goes through env(1).
run zsh \
    -n "zsh, no hook" "env ZDOTDIR=$scratch/zbase zsh -d -i -c exit" \
    -n "zsh, hook" "env ZDOTDIR=$scratch/zhook zsh -d -i -c exit"
run fish \
    -n "fish, no hook" "fish --no-config -i -c exit" \
    -n "fish, hook" "fish --no-config -i -C 'source $scratch/hook.fish' -c exit"
exit "$status"
