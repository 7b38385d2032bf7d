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
#   DEBUG trap, before each simple command: the first one after PS0 notes $BASH_COMMAND,
#     $PWD and a sharper start time (one call, which gives $_ back); the others cost one
#     test.
#   PROMPT_COMMAND, first entry: end time and exit status; reads the line back from
#     history through a scratch file (no $(...), which forks), decides whether to record
#     it (leading space, repeats kept out of history), appends the spool line.
#   PROMPT_COMMAND, last entry (only when other entries sit between): the history number
#     the next line will get if bash saves it.
# With bash-preexec loaded, its preexec_functions and precmd_functions are used instead.
# Every statement here costs microseconds on every command: keep the hot path short.

if [[ $- == *i* && -n ${__worthit_spool_dir-} ]] &&
    ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)); then

    # Not exported: a nested bash inherits WORTHIT_SESSION but not this, so it starts a
    # session of its own, while sourcing again in the same shell keeps the session.
    if [[ -z ${__worthit_session-} ]]; then
        __worthit_session=bash-$$-$RANDOM$RANDOM
        __worthit_start=0 __worthit_armed=0 __worthit_tailn='' __worthit_bc='' __worthit_cwd=''
        __worthit_hist='' __worthit_histbc='' __worthit_cmd='' __worthit_flags=''
        __worthit_cwd_raw='' __worthit_cwd_esc='' __worthit_cwd_flag=''
    fi
    __worthit_scratch=$__worthit_spool_dir/.$__worthit_session.hist
    export WORTHIT_SESSION=$__worthit_session
    export WORTHIT_SPOOL=$__worthit_spool_dir

    # shellcheck disable=SC2016
    if [[ -n ${EPOCHREALTIME-} ]]; then
        # Microseconds. EPOCHREALTIME's decimal separator follows the locale: [!0-9].
        __worthit_res=1
        # An arithmetic expansion inside a zero-length substring: assigns, prints nothing.
        __worthit_ps0='${__worthit_start:$((__worthit_start=${EPOCHREALTIME//[!0-9]/},__worthit_armed=1,0)):0}'
        __worthit_note='__worthit_armed=2 __worthit_bc=$BASH_COMMAND __worthit_cwd=$PWD __worthit_start=${EPOCHREALTIME//[!0-9]/}'
    else
        # bash 4.4: whole seconds (PS0's \D{%s}, printf's %(%s)T).
        __worthit_res=1000000
        __worthit_ps0='${__worthit_start:$((__worthit_start=\D{%s}000000,__worthit_armed=1,0)):0}'
        __worthit_note='__worthit_armed=2 __worthit_bc=$BASH_COMMAND __worthit_cwd=$PWD'
    fi

    # The first simple command after PS0 calls this from the DEBUG trap as
    # `__worthit_arm "$_"`: an assignment would empty $_, but after a call bash sets $_ to
    # the call's last argument, which puts it back. When the line ran no simple command in
    # this shell (`(cd x && make)`), the first one is the prompt's: keep PS0's start then.
    eval '__worthit_arm() {
        [[ $BASH_COMMAND != __worthit_precmd* ]] || return 0
        '"$__worthit_note"'
    }'
    unset __worthit_note

    # The DEBUG trap when another trap is chained after it: `__worthit_debug "$?" "$_"`.
    # Returns $1 so that the chained trap sees the real $?.
    __worthit_debug() {
        [[ $__worthit_armed != 1 ]] || __worthit_arm
        return "${1:-0}"
    }

    # bash-preexec's preexec: $1 is the line from history. bash-preexec lifts ignorespace
    # from HISTCONTROL, so a line starting with a space arrives with its space.
    __worthit_bp_preexec() {
        __worthit_armed=2 __worthit_cwd=$PWD __worthit_cmd=''
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
            # Kept escaped: the directory rarely changes between commands.
            __worthit_cwd_raw=$__worthit_cwd __worthit_cwd_flag=''
            [[ $cwd == "$__worthit_cwd" ]] || __worthit_cwd_flag=t __worthit_flags=t
            cwd=${cwd//\\/\\\\}
            cwd=${cwd//$'\n'/\\n}
            cwd=${cwd//$'\t'/\\t}
            __worthit_cwd_esc=${cwd//$'\r'/\\r}
        fi
    }

    # Appends the spool line for __worthit_cmd. $1: exit status; $2: EPOCHREALTIME at
    # the end (empty before bash 5).
    __worthit_write() {
        local end=$2
        [[ -n $end ]] || builtin printf -v end '%(%s)T000000' -1
        __worthit_flags=$__worthit_cwd_flag
        if [[ ${#__worthit_cmd} -gt 700 || $__worthit_cmd == *[$'\\\n\t\r']* ||
            $__worthit_cwd != "$__worthit_cwd_raw" ]]; then
            __worthit_escape
        fi
        builtin printf '1\t%s\t%s\t%s\t%s\t%s\tbash\t%s\t%s\t%s\n' \
            "$__worthit_start" "$((${end//[!0-9]/} - __worthit_start))" "$1" "$__worthit_res" \
            "$__worthit_flags" "$__worthit_session" "$__worthit_cwd_esc" "$__worthit_cmd" \
            >>"$__worthit_spool_dir/$__worthit_session.$((__worthit_start / 86400000000)).spool" || :
        # (`|| :`: under `set -e` a failed append, e.g. a removed spool dir, must not
        # end the user's shell.)
        __worthit_cmd=''
    }

    # First in PROMPT_COMMAND: the command has just finished; record it. Returns the
    # command's status so that later entries still see it. The common path merges its
    # tests: each statement costs microseconds on every command.
    __worthit_precmd() {
        local status=$? end=${EPOCHREALTIME-} out='' text
        # History off (set +o history) reads as "do not record": neither the line nor its
        # leading space can be seen.
        if [[ $__worthit_armed != 0 && -o history && (-z ${WORTHIT_DISABLE-} || $WORTHIT_DISABLE == 0) ]]; then
            if [[ $__worthit_armed != 2 || -n ${HISTTIMEFORMAT-} || -n ${__bp_imported-} ]]; then
                if [[ -n ${__bp_imported-} && ${PROMPT_COMMAND[*]-} == *__bp_precmd_invoke_cmd*__worthit_precmd* ]]; then
                    # bash-preexec, loaded after this hook, now runs first and changes $?;
                    # it keeps the command's status for its precmd functions.
                    status=${__bp_last_ret_value:-$status}
                fi
                # No simple command ran in this shell (only a subshell, say): nothing
                # noted.
                [[ $__worthit_armed == 2 ]] || __worthit_bc='' __worthit_cwd=$PWD
                [[ -z ${HISTTIMEFORMAT-} ]] || local HISTTIMEFORMAT=''
            fi
            # One redirection of stderr for all the file work: a missing spool dir or a
            # full disk prints nothing. `1<>` writes without truncating (truncating costs
            # a journal flush on ext4); the NUL ends the fresh text.
            {
                { builtin history 1 && builtin printf '\0'; } 1<>"$__worthit_scratch" &&
                    IFS= builtin read -r -d '' out <"$__worthit_scratch"
                # "%5d%c %s\n": padding, number, '*' or ' ', a space, the line.
                text=${out#*[0-9][ *] }
                # __worthit_tailn is HISTCMD from before the line was read: the number
                # the line gets if bash saves it.
                if [[ -n $out ]] && ((${out:0:${#out}-${#text}-2} == __worthit_tailn)); then
                    __worthit_hist=$out __worthit_histbc=$__worthit_bc
                    [[ $text == ' '* ]] || __worthit_cmd=${text%$'\n'}
                else
                    __worthit_unsaved "$out" "$__worthit_bc" "${text%$'\n'}"
                fi
                [[ -z $__worthit_cmd ]] || __worthit_write "$status" "$end"
            } 2>/dev/null
        elif [[ ${PS0-} != *__worthit_start* ]]; then
            # PS0 set again after loading (e.g. by a later line of ~/.bashrc), so nothing
            # arms: put the timer back after the user's text.
            PS0=${PS0-}$__worthit_ps0
        fi
        # HISTCMD here is the number the next saved line gets; when other entries follow
        # this one, the last entry of PROMPT_COMMAND notes it again after them.
        __worthit_armed=0 __worthit_tailn=$HISTCMD
        return "$status"
    }

    # With bash-preexec: first in precmd_functions, which get the command's status in $?.
    __worthit_bp_precmd() {
        local status=$? end=${EPOCHREALTIME-}
        if [[ $__worthit_armed != 0 && -n $__worthit_cmd ]]; then
            __worthit_write "$status" "$end" 2>/dev/null
        fi
        __worthit_armed=0
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
        [[ ${PS0-} == *__worthit_start* ]] || PS0=${PS0-}$__worthit_ps0
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
            # Between commands this costs one test, which neither changes $_ nor makes the
            # trap fail. bash parses the trap text at every firing: keep it short (noting
            # the command inline here measured slower than the call).
            trap '[[ $__worthit_armed != 1 ]] || __worthit_arm "$_"' DEBUG
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
