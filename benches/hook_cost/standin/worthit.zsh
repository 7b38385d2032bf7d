# Stand-in zsh hook for validating the hook-cost benchmark (WORTHIT_BENCH_HOOK=standin)..
# Same per-command work as a real worthit hook (preexec start time, precmd duration,
# escape, one print append); not the product hook: see shell-hooks/.
if [[ -o interactive ]]; then
    zmodload zsh/datetime
    typeset -g __wtb_session="zsh-$$-standin" __wtb_start= __wtb_cmd=
    typeset -g __wtb_spool="$WORTHIT_HOME/spool/$__wtb_session.$((${EPOCHREALTIME%.*} / 86400)).spool"
    __wtb_us() {
        local frac=${1#*.}
        REPLY=${1%.*}${frac[1,6]}
    }
    __wtb_preexec() {
        __wtb_us $EPOCHREALTIME
        __wtb_start=$REPLY
        __wtb_cmd=$1
    }
    __wtb_precmd() {
        local st=$? cmd cwd
        [[ -n $__wtb_start ]] || return $st
        __wtb_us $EPOCHREALTIME
        cmd=${__wtb_cmd//\\/\\\\}
        cmd=${cmd//$'\n'/\\n}
        cmd=${cmd//$'\t'/\\t}
        cwd=${PWD//\\/\\\\}
        print -rn -- $'1\t'$__wtb_start$'\t'$((REPLY - __wtb_start))$'\t'$st$'\t1\t\tzsh\t'$__wtb_session$'\t'$cwd$'\t'$cmd$'\n' >>|$__wtb_spool
        __wtb_start=
        return $st
    }
    preexec_functions+=(__wtb_preexec)
    precmd_functions+=(__wtb_precmd)
fi
