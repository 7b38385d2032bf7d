# In-shell timing loop for the hook-cost benchmark: does what bash does around each
# command (history, PS0, the DEBUG trap, PROMPT_COMMAND) K times, timed with EPOCHREALTIME.
# Sourced in both the hook-free and the hooked shell, so their difference is the hook.
# Inside a function `trap -p DEBUG` shows nothing (the trap is not inherited), so the
# caller saves it first: `trap -p DEBUG >"$HOME/.wtb_trap"; wtb_inshell K`.
wtb_inshell() {
    local k=$1 i pc line dbg=""
    local -a pcs
    # The saved text reads `trap -- 'body' DEBUG`; let the shell unquote the body.
    IFS= read -r -d '' dbg <"$HOME/.wtb_trap"
    if [[ -n $dbg ]]; then
        eval "set -- ${dbg#trap }"
        dbg=$2
    fi
    # The DEBUG trap also fires before each command of PROMPT_COMMAND, so split it into
    # its lines (array elements and newline-separated commands) to interleave the trap.
    for pc in "${PROMPT_COMMAND[@]}"; do
        while IFS= read -r line; do
            [[ -z $line ]] || pcs+=("$line")
        done <<<"$pc"
    done
    local start=$EPOCHREALTIME
    for ((i = 0; i < k; i++)); do
        # Bash's order: the line goes into history as it is read, PS0, the DEBUG trap
        # before each simple command, the command, then PROMPT_COMMAND (trap first for
        # each of its commands). `history -s` stands for the first step, so that a hook
        # sees a saved line as it would at a prompt (the first one replaces this loop's
        # own entry).
        builtin history -s true
        [[ -z ${PS0-} ]] || : "${PS0@P}"
        eval "$dbg"
        true
        for pc in "${pcs[@]}"; do
            eval "$dbg"
            eval "$pc"
        done
    done
    local end=$EPOCHREALTIME
    printf 'WTB_INSHELL %s %s\n' "$start" "$end"
}
