# shellcheck shell=bash
# worthit hook for bash. `worthit init bash` prints this file below a line that sets
# __worthit_spool_dir; load it at the end of ~/.bashrc with:  eval "$(worthit init bash)"
#
# Per command it forks nothing, runs no external program, touches no database and prints
# nothing: it appends one line to $__worthit_spool_dir/<session>.<day>.spool with one
# builtin write. docs/hooks.md explains the design, the guarantees and the limits. Keep the
# syntax parseable by bash 3.2 (macOS), which loads this silently and records nothing.
#
# Per command line (without bash-preexec):
#   PS0, expanded once after the line is read, before it runs: start time, "armed".
#   DEBUG trap, before each simple command: the first one after PS0 notes $BASH_COMMAND
#     and $PWD (one call, which gives $_ back); the others cost one arithmetic test.
#   PROMPT_COMMAND, first entry: end time and exit status; reads the line back from
#     history through a scratch file (no $(...), which forks) and, when the line was
#     saved, is short, needs no escaping and nothing else changed, appends it at once
#     (the fast path); anything else goes to __worthit_record, which decides whether to
#     record it (leading space, repeats kept out of history), escapes and appends it.
#   PROMPT_COMMAND, last entry (only when other entries sit between): the history number
#     the next line will get if bash saves it.
# With bash-preexec loaded, its preexec_functions and precmd_functions are used instead.
#
# bash charges thousands of instructions for every statement, expansion, pattern test,
# redirection and function call, and parses the DEBUG trap's text at each firing: every
# word on the fast path, in PS0 and in the trap text costs microseconds on every command.
# benches/hook_cost measures it; docs/hooks.md has the figures.

if [[ $- == *i* && -n ${__worthit_spool_dir-} ]] &&
    ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)); then

    # Not exported: a nested bash inherits WORTHIT_SESSION but not this, so it starts a
    # session of its own, while sourcing again in the same shell keeps the session.
    [[ -n ${__worthit_session-} ]] || __worthit_session=bash-$$-$RANDOM$RANDOM
    # The state, set only where unset: sourcing again (even a newer version of this file)
    # keeps what the command being run has noted. __worthit_a: 0 at the prompt, 1 once
    # PS0 has run, 2 once the DEBUG trap has noted the line. __worthit_s: PS0's start
    # time, as EPOCHREALTIME prints it.
    : "${__worthit_a:=0}" "${__worthit_s=}" "${__worthit_e=}" "${__worthit_st:=0}" \
        "${__worthit_t:=0}" "${__worthit_d:=0}" "${__worthit_start:=0}" "${__worthit_tailn=}" \
        "${__worthit_bc=}" "${__worthit_cwd=}" "${__worthit_out=}" "${__worthit_hist=}" \
        "${__worthit_histbc=}" "${__worthit_cmd=}" "${__worthit_flags=}" \
        "${__worthit_cwd_esc=}" "${__worthit_cwd_flag=}"
    # The fast path's caches (the spool line's middle for the cwd in __worthit_cwd_raw, the
    # day's file from __worthit_day0 on) are rebuilt by the next __worthit_write: the spool
    # dir may have moved. No start time is that far below the epoch.
    __worthit_cwd_raw='' __worthit_mid='' __worthit_day0=-999999999999999 __worthit_file=''
    __worthit_scratch=$__worthit_spool_dir/.$__worthit_session.hist
    # The one character PS0 removes: its pattern is a negated set that never holds it.
    __worthit_x=x
    export WORTHIT_SESSION=$__worthit_session
    export WORTHIT_SPOOL=$__worthit_spool_dir

    # PS0 assigns the start time only when it is unset (`:=`) inside the negated set of a
    # substitution that removes __worthit_x's only character, so it prints nothing, and
    # the arithmetic arms the trap. A plain string keeps the locale's decimal separator:
    # converting it here would need arithmetic that prints an error if the separator is
    # not the one expected.
    # shellcheck disable=SC2016
    if [[ -n ${EPOCHREALTIME-} ]]; then
        __worthit_res=1
        __worthit_ps0='${__worthit_x/[!${__worthit_s:=$EPOCHREALTIME}$((__worthit_a=1))]/}'
    else
        # bash 4.4: whole seconds (PS0's \D{%s}, printf's %(%s)T).
        __worthit_res=1000000
        __worthit_ps0='${__worthit_x/[!${__worthit_s:=\D{%s}.000000}$((__worthit_a=1))]/}'
    fi

    # The first simple command after PS0 calls this from the DEBUG trap as
    # `__worthit_arm "$_"`: an assignment would empty $_, but after a call bash sets $_ to
    # the call's last argument, which puts it back. When the line ran no simple command in
    # this shell (`(cd x && make)`), the first one is the prompt's own, __worthit_precmd:
    # __worthit_record tells that apart.
    __worthit_arm() {
        __worthit_bc=$BASH_COMMAND __worthit_cwd=$PWD __worthit_a=2
    }

    # The DEBUG trap when another trap is chained after it: `__worthit_debug "$?" "$_"`.
    # Returns $1 so that the chained trap sees the real $?.
    __worthit_debug() {
        ((__worthit_a - 1)) || __worthit_arm
        return "${1:-0}"
    }

    # bash-preexec's preexec: $1 is the line from history. bash-preexec lifts ignorespace
    # from HISTCONTROL, so a line starting with a space arrives with its space.
    __worthit_bp_preexec() {
        __worthit_a=2 __worthit_cwd=$PWD __worthit_cmd=''
        [[ -o history && (-z ${WORTHIT_DISABLE-} || $WORTHIT_DISABLE == 0) ]] || return 0
        [[ -n ${1-} && $1 != ' '* ]] || return 0
        __worthit_cmd=$1
        # A line history did not take (HISTIGNORE) arrives as the previous entry again; its
        # own first simple command tells it apart.
        if [[ $1 == "$__worthit_hist" && ${BASH_COMMAND-} != "$__worthit_histbc" ]]; then
            __worthit_cmd=${BASH_COMMAND-}
        fi
        __worthit_hist=$1 __worthit_histbc=${BASH_COMMAND-}
        # Last, so that the time spent above is not the command's.
        if [[ $__worthit_res == 1 ]]; then
            __worthit_start=${EPOCHREALTIME//[!0-9]/}
        else
            builtin printf -v __worthit_start '%(%s)T000000' -1
        fi
    }

    # Decides what to record for a line bash did not save to history, from the last
    # history entry ($1, as `history 1` prints it; $3 without its number) and the line's
    # first simple command ($2, empty when none ran in this shell). Sets __worthit_cmd
    # (empty: record nothing).
    __worthit_unsaved() {
        if [[ -n $1 && -n $__worthit_tailn ]] && ((${1:0:${#1}-${#3}-3} >= __worthit_tailn)); then
            # Entries arrived that are not this line (history -n in PROMPT_COMMAND before
            # this hook, or the command edited history): the line cannot be read back.
            __worthit_cmd=$2
        elif [[ ${HISTCONTROL-} == *erasedups* && -n $1 && $1 != "$__worthit_hist" ]]; then
            # erasedups moved an older copy of this line to the end: saved after all.
            __worthit_hist=$1 __worthit_histbc=$2
            [[ $3 == ' '* ]] || __worthit_cmd=$3
        elif [[ -n $2 ]] &&
            [[ ${HISTCONTROL-} == *ignoredups* || ${HISTCONTROL-} == *ignoreboth* || ${HISTCONTROL-} == *erasedups* ]] &&
            { [[ $1 == "$__worthit_hist" && $2 == "$__worthit_histbc" ]] ||
                [[ $1 != "$__worthit_hist" && ($3 == "$2" || $3 == "$2"[$' \t\n;&|)']*) ]]; }; then
            # Its first simple command is the last entry's: a repeat that ignoredups kept
            # out of history. It ran, so it is recorded. (An entry this hook did not see
            # being saved, e.g. one from HISTFILE, is compared by its text.)
            __worthit_cmd=$3
        elif [[ ${HISTCONTROL-} == *ignorespace* || ${HISTCONTROL-} == *ignoreboth* || -n ${__bp_ignorespace-} ]]; then
            # Not a repeat: hidden by a leading space, unless a HISTIGNORE pattern
            # explains it.
            [[ -n $2 && -n ${HISTIGNORE-} ]] || return 0
            local pats=$HISTIGNORE: pat
            while [[ -n $pats ]]; do
                pat=${pats%%:*}
                pats=${pats#*:}
                # shellcheck disable=SC2053
                if [[ $pat != '&' && $2 == $pat ]]; then
                    __worthit_cmd=$2
                    return 0
                fi
            done
        else
            # No space rule in force: HISTIGNORE (or HISTSIZE=0) dropped it; its first
            # simple command is the best text there is.
            __worthit_cmd=$2
        fi
    }

    # Escapes and cuts __worthit_cmd, and the cwd when it changed, for the spool line.
    __worthit_escape() {
        # Below PIPE_BUF whatever the text: 700 + 200 characters of at most 4 bytes each
        # once escaped, plus a short head, stay under 4000 bytes.
        local cmd=${__worthit_cmd:0:700} cwd=${__worthit_cwd:0:200}
        [[ $cmd == "$__worthit_cmd" ]] || __worthit_flags=t
        cmd=${cmd//\\/\\\\}
        cmd=${cmd//$'\n'/\\n}
        cmd=${cmd//$'\t'/\\t}
        __worthit_cmd=${cmd//$'\r'/\\r}
        if [[ $__worthit_cwd != "$__worthit_cwd_raw" ]]; then
            # Kept escaped, and the spool line's middle with it: the directory rarely
            # changes between commands.
            __worthit_cwd_raw=$__worthit_cwd __worthit_cwd_flag=''
            [[ $cwd == "$__worthit_cwd" ]] || __worthit_cwd_flag=t __worthit_flags=t
            cwd=${cwd//\\/\\\\}
            cwd=${cwd//$'\n'/\\n}
            cwd=${cwd//$'\t'/\\t}
            __worthit_cwd_esc=${cwd//$'\r'/\\r}
            __worthit_mid=$'\t'$__worthit_res$'\t'$__worthit_cwd_flag$'\tbash\t'$__worthit_session$'\t'$__worthit_cwd_esc$'\t'
        fi
    }

    # Appends the spool line for __worthit_cmd, started at __worthit_start. $1: exit
    # status; $2: EPOCHREALTIME at the end (empty before bash 5). Notes the day's file for
    # the fast path.
    __worthit_write() {
        local end=$2 day
        [[ -n $end ]] || builtin printf -v end '%(%s)T000000' -1
        __worthit_flags=$__worthit_cwd_flag
        if [[ ${#__worthit_cmd} -gt 700 || $__worthit_cmd == *[$'\\\n\t\r']* ||
            $__worthit_cwd != "$__worthit_cwd_raw" ]]; then
            __worthit_escape
        fi
        ((day = __worthit_start / 86400000000, __worthit_day0 = day * 86400000000, 1))
        __worthit_file=$__worthit_spool_dir/$__worthit_session.$day.spool
        builtin printf '1\t%s\t%s\t%s\t%s\t%s\tbash\t%s\t%s\t%s\n' \
            "$__worthit_start" "$((${end//[!0-9]/} - __worthit_start))" "$1" "$__worthit_res" \
            "$__worthit_flags" "$__worthit_session" "$__worthit_cwd_esc" "$__worthit_cmd" \
            >>"$__worthit_file" || :
        # (`|| :`: under `set -e` a failed append, e.g. a removed spool dir, must not
        # end the user's shell.)
        __worthit_cmd=''
    }

    # The slow path of __worthit_precmd, which has taken the status (__worthit_st, which
    # this may correct) and the end time (__worthit_e). __worthit_out holds the last
    # history entry if the fast path read it (HISTTIMEFORMAT empty), or nothing.
    # Returns 0: it runs inside PROMPT_COMMAND, under the user's `set -e`.
    __worthit_record() {
        local out=$__worthit_out text
        # History off (set +o history) reads as "do not record": neither the line nor its
        # leading space can be seen.
        if [[ $__worthit_a != 0 && -o history && (-z ${WORTHIT_DISABLE-} || $WORTHIT_DISABLE == 0) ]]; then
            if [[ -n ${__bp_imported-} && ${PROMPT_COMMAND[*]-} == *__bp_precmd_invoke_cmd*__worthit_precmd* ]]; then
                # bash-preexec, loaded after this hook, now runs first and changes $?;
                # it keeps the command's status for its precmd functions.
                __worthit_st=${__bp_last_ret_value:-$__worthit_st}
            fi
            # No simple command ran in this shell (only a subshell, say): PS0's start time
            # and the prompt's $PWD stand in.
            if [[ $__worthit_a != 2 || $__worthit_bc == __worthit_precmd* ]]; then
                __worthit_bc='' __worthit_cwd=$PWD
            fi
            __worthit_start=${__worthit_s//[!0-9]/}
            if [[ -z $out || -n ${HISTTIMEFORMAT-} ]]; then
                [[ -z ${HISTTIMEFORMAT-} ]] || local HISTTIMEFORMAT=''
                # `1<>` writes without truncating (truncating costs a journal flush on
                # ext4); the NUL ends the fresh text.
                out=''
                { builtin history 1 && builtin printf '\0'; } 1<>"$__worthit_scratch" &&
                    IFS= command read -r -d '' out <"$__worthit_scratch"
            fi
            # "%5d%c %s\n": padding, number, '*' or ' ', a space, the line.
            text=${out#*[0-9][ *] }
            # __worthit_tailn is HISTCMD from before the line was read: the number the
            # line gets if bash saves it.
            if [[ -n $out ]] && ((${out:0:${#out}-${#text}-2} == __worthit_tailn)); then
                __worthit_hist=$out __worthit_histbc=$__worthit_bc
                [[ $text == ' '* ]] || __worthit_cmd=${text%$'\n'}
            else
                __worthit_unsaved "$out" "$__worthit_bc" "${text%$'\n'}"
            fi
            [[ -z $__worthit_cmd ]] || __worthit_write "$__worthit_st" "$__worthit_e"
        elif [[ ${PS0-} != *__worthit_s:=* ]]; then
            # PS0 set again after loading (e.g. by a later line of ~/.bashrc), so nothing
            # arms: put the timer back after the user's text.
            PS0=${PS0-}$__worthit_ps0
        fi
        return 0
    }

    # First in PROMPT_COMMAND: the command has just finished; record it. Returns the
    # command's status so that later entries still see it.
    #
    # The fast path takes a line bash saved to history (HISTCMD moved on by one) that is
    # at most 700 characters, needs no escaping, does not start with a space, ran in the
    # directory of the cached spool-line middle and started on the cached day, with
    # history on and WORTHIT_DISABLE, HISTTIMEFORMAT and bash-preexec not in the way. It
    # reads the entry back (`1<>` writes the scratch file without truncating it, which on
    # ext4 would cost a flush; the NUL ends the fresh text) and appends one line. The
    # start is converted into __worthit_t, not __worthit_s, so that a separator other
    # than '.' (which the range tests catch) leaves __worthit_record the original. One
    # redirection of stderr covers all the file work: a removed spool dir or a full disk
    # prints nothing.
    __worthit_precmd() {
        __worthit_st=$? __worthit_e=${EPOCHREALTIME-}
        {
            if ((__worthit_a == 2)) &&
                { builtin history 1 && builtin printf '\0'; } 1<>"$__worthit_scratch" &&
                IFS= command read -r -d '' __worthit_out <"$__worthit_scratch" &&
                [[ -o history && -z ${WORTHIT_DISABLE-}${HISTTIMEFORMAT-}${__bp_imported-} &&
                    $__worthit_cwd == "$__worthit_cwd_raw" && $__worthit_out == ?????[' *']' '[!' ']* &&
                    $__worthit_out != *[$'\\\n\t\r']?* ]] &&
                ((HISTCMD == __worthit_tailn + 1 && ${#__worthit_out} < 709 &&
                    (__worthit_t = ${__worthit_s/./}) - __worthit_day0 < 86400000000 &&
                    (__worthit_d = ${__worthit_e/./} - __worthit_t) >= 0)); then
                builtin printf '%s' 1$'\t'"$__worthit_t"$'\t'"$__worthit_d"$'\t'"$__worthit_st$__worthit_mid${__worthit_out:7}" >>"$__worthit_file" || :
                __worthit_hist=$__worthit_out __worthit_histbc=$__worthit_bc
            else
                __worthit_record
            fi
        } 2>/dev/null
        # HISTCMD here is the number the next saved line gets; when other entries follow
        # this one, the last entry of PROMPT_COMMAND notes it again after them.
        __worthit_tailn=$HISTCMD __worthit_s='' __worthit_a=0 __worthit_out=''
        return "$__worthit_st"
    }

    # With bash-preexec: first in precmd_functions, which get the command's status in $?.
    __worthit_bp_precmd() {
        local status=$? end=${EPOCHREALTIME-}
        if [[ $__worthit_a != 0 && -n $__worthit_cmd ]]; then
            __worthit_write "$status" "$end" 2>/dev/null
        fi
        __worthit_a=0
        return "$status"
    }

    if [[ -n ${bash_preexec_imported-} || -n ${__bp_imported-} ]]; then
        # bash-preexec owns the DEBUG trap and PROMPT_COMMAND: join its arrays. First
        # among the precmd functions, so that the others do not count as the command's
        # time; last among the preexec functions, for the same reason.
        if [[ " ${precmd_functions[*]-} " != *' __worthit_bp_precmd '* ]]; then
            precmd_functions=(__worthit_bp_precmd "${precmd_functions[@]}")
        fi
        if [[ " ${preexec_functions[*]-} " != *' __worthit_bp_preexec '* ]]; then
            preexec_functions+=(__worthit_bp_preexec)
        fi
    else
        [[ ${PS0-} == *__worthit_s:=* ]] || PS0=${PS0-}$__worthit_ps0
        # Chain, never replace, a DEBUG trap already set. `trap -p` goes through the
        # scratch file because $(...) would fork.
        if builtin trap -p DEBUG 2>/dev/null >|"$__worthit_scratch"; then
            __worthit_trap=''
            IFS= builtin read -r -d '' __worthit_trap <"$__worthit_scratch" || :
        else
            # The trap cannot be read (the spool dir is missing): leave traps alone.
            __worthit_trap=__worthit_
        fi
        if [[ -z $__worthit_trap ]]; then
            # bash parses the trap text at every firing, the prompt's included: keep it
            # short. Between commands it costs one arithmetic test, which neither changes
            # $_ nor makes the trap fail.
            trap '((__worthit_a-1))||__worthit_arm "$_"' DEBUG
        elif [[ $__worthit_trap != *__worthit_* ]]; then
            # `trap -p` quotes for eval: trap -- 'code' DEBUG.
            eval "__worthit_trap=($__worthit_trap)"
            trap '__worthit_debug "$?" "$_"'$'\n'"${__worthit_trap[2]}" DEBUG
        fi
        unset __worthit_trap
        # First, to see the command's $? before anything changes it. When other entries
        # follow, a last one notes HISTCMD again after them (they may read history in),
        # and the call passes "$_": bash sets $_ to a call's last argument, so the entries
        # in between see the command's $_, not the function's name.
        # shellcheck disable=SC2016
        if [[ ${PROMPT_COMMAND[*]-} != *__worthit_precmd* ]]; then
            if [[ -n ${PROMPT_COMMAND+set} ]] && ((${#PROMPT_COMMAND[@]} > 1)); then
                # bash >= 5.1 runs every element of an array PROMPT_COMMAND.
                PROMPT_COMMAND=('__worthit_precmd "$_"' "${PROMPT_COMMAND[@]}" '__worthit_tailn=$HISTCMD')
            elif [[ -n ${PROMPT_COMMAND-} ]]; then
                PROMPT_COMMAND='__worthit_precmd "$_"'$'\n'$PROMPT_COMMAND$'\n''__worthit_tailn=$HISTCMD'
            else
                PROMPT_COMMAND=__worthit_precmd
            fi
        fi
    fi
fi
