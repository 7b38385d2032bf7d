# worthit hook for zsh. `worthit init zsh` prints this file below a line that sets
# __worthit_spool_dir; load it from ~/.zshrc with:  eval "$(worthit init zsh)"
#
# Per command it forks nothing, runs no external program, touches no database and prints
# nothing: it appends one line to $__worthit_spool_dir/<session>.<day>.spool with one
# builtin write. docs/hooks.md explains the design, the guarantees and the limits.
#
# preexec (through add-zsh-hook) receives the line as typed, notes it, $PWD and the start
# time; precmd takes the end time and $?, escapes the text and appends the spool line.
# Both start with `emulate -L zsh` so that the user's options (KSH_ARRAYS, NO_MULTIBYTE,
# ERR_EXIT, ...) neither change what they compute nor leak out of them.

if [[ -o interactive && -n ${__worthit_spool_dir-} ]] && zmodload zsh/datetime 2>/dev/null; then
    # Not exported: a nested zsh inherits WORTHIT_SESSION but not this, so it starts a
    # session of its own, while sourcing again in the same shell keeps the session.
    if [[ -z ${__worthit_session-} ]]; then
        typeset -g __worthit_session=zsh-$$-$RANDOM$RANDOM
        typeset -g __worthit_start='' __worthit_cmd='' __worthit_cwd='' __worthit_flags=''
        typeset -g __worthit_cwd_raw='' __worthit_cwd_esc='' __worthit_cwd_flag=''
    fi
    export WORTHIT_SESSION=$__worthit_session
    export WORTHIT_SPOOL=$__worthit_spool_dir

    # $1: the line as typed, if history is active (with its leading space); $3: the full
    # text that runs (aliases expanded), the fallback when $1 is empty.
    __worthit_preexec() {
        emulate -L zsh
        __worthit_start=''
        [[ -z ${WORTHIT_DISABLE-} || $WORTHIT_DISABLE == 0 ]] || return 0
        local cmd=${1:-$3}
        # A line typed with a leading space is not recorded, whatever HIST_IGNORE_SPACE.
        [[ -n $cmd && $cmd != ' '* ]] || return 0
        __worthit_flags=''
        # Keep the line below PIPE_BUF whatever the text: 700 + 200 characters of at most
        # 4 bytes each once escaped, plus a short head, stay under 4000 bytes.
        if (( ${#cmd} > 700 )); then
            cmd=${cmd[1,700]}
            __worthit_flags=t
        fi
        __worthit_cmd=$cmd __worthit_cwd=$PWD
        # Last, so that the time spent above is not the command's.
        __worthit_start=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 ))
    }

    __worthit_precmd() {
        local -i st=$?
        emulate -L zsh
        local -i end=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 ))
        [[ -n $__worthit_start ]] || return $st
        local cmd=$__worthit_cmd start=$__worthit_start
        __worthit_start=''
        if [[ $cmd == *[$'\\\n\t\r']* ]]; then
            cmd=${cmd//\\/\\\\}
            cmd=${cmd//$'\n'/\\n}
            cmd=${cmd//$'\t'/\\t}
            cmd=${cmd//$'\r'/\\r}
        fi
        if [[ $__worthit_cwd != $__worthit_cwd_raw ]]; then
            # Kept escaped: the directory rarely changes between commands.
            __worthit_cwd_raw=$__worthit_cwd __worthit_cwd_flag=''
            local cwd=$__worthit_cwd
            if (( ${#cwd} > 200 )); then
                cwd=${cwd[1,200]} __worthit_cwd_flag=t
            fi
            cwd=${cwd//\\/\\\\}
            cwd=${cwd//$'\n'/\\n}
            cwd=${cwd//$'\t'/\\t}
            __worthit_cwd_esc=${cwd//$'\r'/\\r}
        fi
        # >>| appends even under NO_CLOBBER without APPEND_CREATE. zsh reports a failed redirection on the shell's own stderr, so the group's
        # 2>/dev/null (not the command's) keeps a missing spool dir silent; `|| :` keeps
        # ERR_EXIT from ending the shell over it.
        { print -rn -- 1$'\t'$start$'\t'$(( end - start ))$'\t'$st$'\t'1$'\t'${__worthit_flags:-$__worthit_cwd_flag}$'\t'zsh$'\t'$__worthit_session$'\t'$__worthit_cwd_esc$'\t'$cmd$'\n' >>|$__worthit_spool_dir/$__worthit_session.$(( start / 86400000000 )).spool } 2>/dev/null || :
        return $st
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
