# worthit hook for fish. `worthit init fish` prints this file below lines that set
# __worthit_spool_dir (and, on Linux, __worthit_uptime_offset_us); load it from
# ~/.config/fish/config.fish with:  worthit init fish | source
#
# Per command it forks nothing (builtins only: fish runs builtins, and pipes and command
# substitutions of builtins, in-process), runs no external program, touches no database and
# prints nothing: it appends one line to $__worthit_spool_dir/<session>.<day>.spool with one
# builtin write. docs/hooks.md explains the design, the guarantees and the limits.
#
# Durations come from $CMD_DURATION (milliseconds, measured by fish). fish has no builtin
# wall clock, so the start time is /proc/uptime (read with the `read` builtin; hundredths
# of a second) plus the offset to the Unix epoch that `worthit init fish` computed. Where
# there is no /proc/uptime (macOS), it is the modification time of a scratch file written
# at that moment, read with `path mtime` (whole seconds, fish >= 3.5).
#
# Each command substitution costs fish tens of microseconds, so the common path has one
# (the `math` for the start time); escaping runs only when the text needs it.

if status is-interactive; and set -q __worthit_spool_dir[1]
    # Global, not exported: a nested fish inherits WORTHIT_SESSION but not this, so it
    # starts a session of its own, while sourcing again keeps the session.
    if not set -q __worthit_session
        set -g __worthit_session fish-$fish_pid-(random)(random)
        set -g __worthit_up ''
        set -g __worthit_cwd ''
        set -g __worthit_cwd_raw ''
        set -g __worthit_cwd_esc ''
        set -g __worthit_cwd_flag ''
        set -g __worthit_day_end 0
        set -g __worthit_file ''
    end
    set -gx WORTHIT_SESSION $__worthit_session
    set -gx WORTHIT_SPOOL $__worthit_spool_dir

    # Functions of the same name replace each other, so sourcing again keeps one handler
    # per event and never records twice.
    function __worthit_preexec --on-event fish_preexec
        set -g __worthit_up ''
        if set -q WORTHIT_DISABLE[1]; and test "$WORTHIT_DISABLE" != 0
            return
        end
        set -g __worthit_cwd $PWD
        if set -q __worthit_uptime_offset_us[1]
            # "12345.67 ...": seconds since boot, to the hundredth. No math here: the one
            # math call happens after the command, outside its time.
            read -g __worthit_up __worthit_idle </proc/uptime
        else if builtin -q path; and echo >$__worthit_spool_dir/.$__worthit_session.clock 2>/dev/null
            # No /proc: the scratch file's modification time is "now", to the second.
            set -g __worthit_up (path mtime -- $__worthit_spool_dir/.$__worthit_session.clock)
        end
    end

    function __worthit_postexec --on-event fish_postexec
        # $status and $CMD_DURATION describe the command; read them before anything else.
        set -l st $status
        set -l ms $CMD_DURATION
        set -l up $__worthit_up
        set -g __worthit_up ''
        test -n "$up"; or return
        set -l cmd $argv[1]
        # A line typed with a leading space is not recorded (fish keeps it out of history).
        string match -q -- ' *' $cmd; and return
        test -n "$cmd"; or return
        set -l start
        if set -q __worthit_uptime_offset_us[1]
            set start (math -s0 $__worthit_uptime_offset_us + $up '*' 1000000)
        else
            set start $up'000000'
        end
        set -l flags $__worthit_cwd_flag
        # Keep the line below PIPE_BUF whatever the text: 700 + 200 characters of at most
        # 4 bytes each once escaped, plus a short head, stay under 4000 bytes.
        if string match -q -r -- '(?s)^.{701}' $cmd
            set cmd (string sub -l 700 -- $cmd)
            set flags t
        end
        if string match -q -r -- '[\\\\\t\n\r]' $cmd
            # Command substitution splits the text on newlines, so backslashes, tabs and
            # CRs are escaped per line and the lines are joined with a literal \n.
            set cmd (string replace -a -- '\\' '\\\\' $cmd | string replace -a -- \t '\t' | string replace -a -- \r '\r' | string join -- '\n')
        end
        if test "$__worthit_cwd" != "$__worthit_cwd_raw"
            # Kept escaped: the directory rarely changes between commands.
            set -g __worthit_cwd_raw $__worthit_cwd
            set -g __worthit_cwd_flag ''
            set -l cwd $__worthit_cwd
            if string match -q -r -- '(?s)^.{201}' $cwd
                set cwd (string sub -l 200 -- $cwd)
                set -g __worthit_cwd_flag t
                set flags t
            end
            set -g __worthit_cwd_esc (string replace -a -- '\\' '\\\\' $cwd | string replace -a -- \t '\t' | string replace -a -- \r '\r' | string join -- '\n')
        end
        if test $start -ge $__worthit_day_end
            # A new UTC day (or the first command): a new spool file.
            set -l day (math -s0 "floor($start / 86400000000)")
            set -g __worthit_day_end (math -s0 "($day + 1) * 86400000000")
            set -g __worthit_file $__worthit_spool_dir/$__worthit_session.$day.spool
        end
        # fish prints its own warning when a redirection fails, so check the directory
        # first; 2>/dev/null covers the rest.
        test -d $__worthit_spool_dir; or return
        printf '1\t%s\t%s\t%s\t1000\t%s\tfish\t%s\t%s\t%s\n' $start $ms'000' $st "$flags" $__worthit_session "$__worthit_cwd_esc" "$cmd" \
            2>/dev/null >>$__worthit_file
    end
end
