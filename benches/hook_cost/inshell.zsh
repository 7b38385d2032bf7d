# In-shell timing loop for the hook-cost benchmark: calls the hooks zsh runs around each
# command (preexec, preexec_functions, precmd, precmd_functions) K times, timed with
# EPOCHREALTIME. Sourced in both shells, so their difference is the hook.
zmodload zsh/datetime
wtb_inshell() {
    local k=$1 i f start end
    start=$EPOCHREALTIME
    for ((i = 0; i < k; i++)); do
        (( $+functions[preexec] )) && preexec true true true
        for f in $preexec_functions; do $f true true true; done
        true
        (( $+functions[precmd] )) && precmd
        for f in $precmd_functions; do $f; done
    done
    end=$EPOCHREALTIME
    print -r -- "WTB_INSHELL $start $end"
}
