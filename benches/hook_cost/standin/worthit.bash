# Stand-in bash hook for validating the hook-cost benchmark (WORTHIT_BENCH_HOOK=standin)..
# It does the work a real worthit hook must do per command (DEBUG-trap start time,
# PROMPT_COMMAND duration, escape, one printf append) so the benchmark's method can be
# checked against a hook of known shape. It is not the product hook: see shell-hooks/.
if [[ $- == *i* ]]; then
    __wtb_session="bash-$$-standin"
    __wtb_spool="$WORTHIT_HOME/spool/$__wtb_session.$((${EPOCHREALTIME%.*} / 86400)).spool"
    # Disarmed until the first prompt, so PROMPT_COMMAND itself is never recorded.
    __wtb_armed=0
    __wtb_start=
    __wtb_preexec() {
        [[ $__wtb_armed == 1 ]] || return 0
        __wtb_armed=0
        __wtb_start=${EPOCHREALTIME/./}
        __wtb_cmd=$BASH_COMMAND
    }
    __wtb_precmd() {
        local status=$? end=${EPOCHREALTIME/./} cmd cwd
        if [[ -n $__wtb_start ]]; then
            cmd=${__wtb_cmd//\\/\\\\}
            cmd=${cmd//$'\n'/\\n}
            cmd=${cmd//$'\t'/\\t}
            cwd=${PWD//\\/\\\\}
            printf '1\t%s\t%s\t%s\t1\t\tbash\t%s\t%s\t%s\n' "$__wtb_start" \
                "$((end - __wtb_start))" "$status" "$__wtb_session" "$cwd" "$cmd" >>"$__wtb_spool"
            __wtb_start=
        fi
        __wtb_armed=1
        return "$status"
    }
    trap '__wtb_preexec' DEBUG
    PROMPT_COMMAND='__wtb_precmd'
fi
