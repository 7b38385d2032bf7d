-- worthit.clock: the two clocks every event needs.
--
-- Durations come from the monotonic clock (libuv's hrtime, nanoseconds), which a wall-clock
-- step (NTP, suspend, a manual change) cannot make negative or wrong; the start of an action
-- is the wall clock (gettimeofday, microseconds), because the spool stores Unix times.
-- Both are libuv calls, so they are cheap and allowed in any callback.

local uv = vim.loop

local M = {}

--- Microseconds since the Unix epoch.
function M.wall_us()
  local seconds, micros = uv.gettimeofday()
  return seconds * 1000000 + micros
end

--- Monotonic nanoseconds, for durations only.
M.mono_ns = uv.hrtime

--- Whole microseconds between two `mono_ns` readings: the resolution the spool line claims.
function M.elapsed_us(from_ns, to_ns)
  return math.floor((to_ns - from_ns) / 1000)
end

return M
