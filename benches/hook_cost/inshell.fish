# In-shell timing loop for the hook-cost benchmark: emits the events fish sends around
# each command K times. fish has no clock builtin, so the driver reads the loop's
# $CMD_DURATION (ms) afterwards. Sourced in both shells; their difference is the hook.
function wtb_inshell --argument-names k
    set -l i 0
    while test $i -lt $k
        emit fish_preexec true
        true
        emit fish_postexec true
        emit fish_prompt
        set i (math $i + 1)
    end
end
