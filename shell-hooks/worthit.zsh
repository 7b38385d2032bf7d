# worthit hook for zsh. `worthit init zsh` prints this file below a line that sets
# __worthit_spool_dir; load it from ~/.zshrc with:  eval "$(worthit init zsh)"
#
# Per command it forks nothing, runs no external program, touches no database and prints
# nothing: it appends one line to $__worthit_spool_dir/<session>.<day>.spool with one
# builtin write. docs/hooks.md explains the design, the guarantees and the limits.
#
# preexec (through add-zsh-hook) notes the line as typed, $PWD and the start time in one
# statement; precmd takes $? and the duration in another and, when the line needs no
# escaping or cutting, ran in the directory of the cached spool-line middle and started on
# the cached day, appends it at once. Everything else goes to __worthit_record, which
# starts with `emulate -L zsh`. The two hot functions do without it (it costs as much as
# the rest of preexec): they are written so that the user's options (KSH_ARRAYS,
# SH_WORD_SPLIT, GLOB_SUBST, NO_UNSET, ERR_EXIT, ...) change nothing they compute: no
# arrays, every expansion quoted where it could split or glob, every variable set at
# load, no command that can fail outside a condition.

if [[ -o interactive && -n ${__worthit_spool_dir-} ]] && zmodload zsh/datetime 2>/dev/null; then
    # Not exported: a nested zsh inherits WORTHIT_SESSION but not this, so it starts a
    # session of its own, while sourcing again in the same shell keeps the session.
    [[ -n ${__worthit_session-} ]] || typeset -g __worthit_session=zsh-$$-$RANDOM$RANDOM
    # The state, kept when sourcing again (the command doing it has been noted already).
    # __worthit_t: the start in µs since the epoch, 0 when preexec has not run;
    # __worthit_d: the duration in µs. Integers: an assignment to them is arithmetic.
    typeset -g __worthit_c=${__worthit_c-} __worthit_w=${__worthit_w-}
    typeset -gi __worthit_t=${__worthit_t:-0} __worthit_d=${__worthit_d:-0} __worthit_st=${__worthit_st:-0}
    # The fast path's caches, rebuilt by the next __worthit_record (the spool dir may have
    # moved): the spool line's middle for the directory in __worthit_cwd_raw, and the
    # day's file from __worthit_day0 on. No start time is that far below the epoch.
    typeset -g __worthit_cwd_raw='' __worthit_cwd_esc='' __worthit_cwd_flag='' __worthit_mid='' __worthit_file=''
    typeset -gi __worthit_day0=-999999999999999
    export WORTHIT_SESSION=$__worthit_session
    export WORTHIT_SPOOL=$__worthit_spool_dir

    # $1: the line as typed, if history is active (with its leading space); $3: the full
    # text that runs (aliases expanded), the fallback when $1 is empty. EPOCHREALTIME is a
    # float parameter: read in arithmetic it is never formatted as text. The start time
    # last, so that the statement's own time is not the command's.
    __worthit_preexec() {
        __worthit_c=${1:-$3} __worthit_w=$PWD __worthit_t=EPOCHREALTIME*1000000
    }

    # The slow path: escapes, cuts, checks WORTHIT_DISABLE=0 and refreshes the caches.
    # Returns 0: precmd runs under the user's ERR_EXIT.
    __worthit_record() {
        emulate -L zsh
        # No preexec (an empty line), or recording switched off.
        (( __worthit_t )) || return 0
        [[ -z ${WORTHIT_DISABLE-} || $WORTHIT_DISABLE == 0 ]] || return 0
        local cmd=$__worthit_c flags='' cwd
        # A line typed with a leading space is not recorded, whatever HIST_IGNORE_SPACE.
        [[ -n $cmd && $cmd != ' '* ]] || return 0
        # Keep the line below PIPE_BUF whatever the text: 700 + 200 characters of at most
        # 4 bytes each once escaped, plus a short head, stay under 4000 bytes.
        if (( ${#cmd} > 700 )); then
            cmd=${cmd[1,700]} flags=t
        fi
        if [[ $cmd == *[$'\\\n\t\r']* ]]; then
            cmd=${cmd//\\/\\\\}
            cmd=${cmd//$'\n'/\\n}
            cmd=${cmd//$'\t'/\\t}
            cmd=${cmd//$'\r'/\\r}
        fi
        if [[ $__worthit_w != "$__worthit_cwd_raw" ]]; then
            # Kept escaped, with the spool line's middle: the directory rarely changes
            # between commands.
            cwd=$__worthit_w __worthit_cwd_flag=''
            if (( ${#cwd} > 200 )); then
                cwd=${cwd[1,200]} __worthit_cwd_flag=t
            fi
            cwd=${cwd//\\/\\\\}
            cwd=${cwd//$'\n'/\\n}
            cwd=${cwd//$'\t'/\\t}
            __worthit_cwd_esc=${cwd//$'\r'/\\r} __worthit_cwd_raw=$__worthit_w
            __worthit_mid=$'\t1\t'$__worthit_cwd_flag$'\tzsh\t'$__worthit_session$'\t'$__worthit_cwd_esc$'\t'
        fi
        local -i day=__worthit_t/86400000000
        __worthit_day0=day*86400000000
        __worthit_file=$__worthit_spool_dir/$__worthit_session.$day.spool
        # >>| appends even under NO_CLOBBER without APPEND_CREATE. zsh reports a failed
        # redirection on the shell's own stderr, so the group's 2>/dev/null (not the
        # command's) keeps a missing spool dir silent; `|| :` keeps ERR_EXIT from ending
        # the shell over it.
        { print -r -- 1$'\t'$__worthit_t$'\t'$__worthit_d$'\t'$__worthit_st$'\t'1$'\t'${flags:-$__worthit_cwd_flag}$'\t'zsh$'\t'$__worthit_session$'\t'$__worthit_cwd_esc$'\t'$cmd >>|$__worthit_file } 2>/dev/null || :
        return 0
    }

    # The fast path takes a line that needs no escaping or cutting and does not start
    # with a space, run in the directory of the cached middle, started on the cached day
    # (or, after a clock step back, earlier) and lasting less than a day, with
    # WORTHIT_DISABLE unset, and appends it with one print. Without a preexec the start
    # is 0, which makes the duration too long.
    __worthit_precmd() {
        __worthit_st=$? __worthit_d=EPOCHREALTIME*1000000-__worthit_t
        if [[ -z ${WORTHIT_DISABLE-} && $__worthit_w == "$__worthit_cwd_raw" &&
            $__worthit_c != ' '* && $__worthit_c != *[$'\\\n\t\r']* ]] &&
            (( __worthit_t - __worthit_day0 < 86400000000 && __worthit_d < 86400000000 &&
                ${#__worthit_c} <= 700 )); then
            { print -r -- 1$'\t'"$__worthit_t"$'\t'"$__worthit_d"$'\t'"$__worthit_st$__worthit_mid$__worthit_c" >>|"$__worthit_file" } 2>/dev/null || :
        else
            __worthit_record
        fi
        __worthit_t=0
        return __worthit_st
    }

    # add-zsh-hook keeps other precmd/preexec functions and never adds one twice, so
    # sourcing again does not record twice.
    if autoload -Uz add-zsh-hook 2>/dev/null && add-zsh-hook preexec __worthit_preexec 2>/dev/null; then
        add-zsh-hook precmd __worthit_precmd
    else
        (( ${preexec_functions[(Ie)__worthit_preexec]} )) || preexec_functions+=(__worthit_preexec)
        (( ${precmd_functions[(Ie)__worthit_precmd]} )) || precmd_functions+=(__worthit_precmd)
    fi
fi
