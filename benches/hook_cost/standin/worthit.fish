# Stand-in fish hook for validating the hook-cost benchmark (WORTHIT_BENCH_HOOK=standin)..
# Same per-command work as a real worthit hook (a fish_postexec handler that escapes and
# appends one line using $CMD_DURATION); not the product hook: see shell-hooks/.
if status is-interactive
    set -g __wtb_session fish-$fish_pid-standin
    set -g __wtb_spool $WORTHIT_HOME/spool/$__wtb_session.0.spool
    function __wtb_postexec --on-event fish_postexec
        set -l st $status
        set -l cmd (string replace -a -- \\ \\\\ $argv[1] | string join -- \\n)
        set -l cwd (string replace -a -- \\ \\\\ $PWD)
        printf '1\t0\t%s\t%s\t1000\t\tfish\t%s\t%s\t%s\n' (math "$CMD_DURATION * 1000") $st \
            $__wtb_session "$cwd" "$cmd" >>$__wtb_spool
    end
end
