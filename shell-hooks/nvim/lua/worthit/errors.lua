-- worthit.errors: the problems the plugin met, kept in memory for `:checkhealth worthit`.
--
-- Recording must never get in the way of editing, so nothing here ever reaches the user as
-- an editor error: every callback the plugin installs runs through `guard`, and a failure
-- becomes one entry below. Repeats of the same problem (a broken spool directory fails at
-- every flush) are counted on one entry instead of piling up.

local M = {}

-- Distinct problems kept; more are only counted, so a bug in a hot path cannot grow memory.
local MAX_DISTINCT = 20

M.entries = {} -- { where, message, count, first, last } in order of first sighting
M.total = 0
local by_key = {}

--- Notes a problem met in `where` (a short name such as "flush" or "lsp response").
function M.record(where, message)
  M.total = M.total + 1
  message = tostring(message)
  local key = where .. '\0' .. message
  local entry = by_key[key]
  local now = os.time()
  if entry then
    entry.count = entry.count + 1
    entry.last = now
    return
  end
  if #M.entries >= MAX_DISTINCT then
    return
  end
  entry = { where = where, message = message, count = 1, first = now, last = now }
  by_key[key] = entry
  table.insert(M.entries, entry)
end

-- Keeps the traceback short: the first frames name the plugin's line, the rest is Neovim's.
local function with_traceback(err)
  local trace = debug.traceback(tostring(err), 2)
  local lines = {}
  for line in trace:gmatch('[^\n]+') do
    table.insert(lines, line)
    if #lines == 6 then
      break
    end
  end
  return table.concat(lines, '\n')
end

--- Runs `fn(...)`, turning any error into an entry; returns true when it ran cleanly.
function M.try(where, fn, ...)
  local ok, err = xpcall(fn, with_traceback, ...)
  if not ok then
    M.record(where, err)
  end
  return ok
end

--- `fn` wrapped for use as a callback. The wrapper returns nothing on purpose: an autocmd
--- callback that returns true is deleted, and one lucky return value must not unhook us.
function M.guard(where, fn)
  return function(...)
    M.try(where, fn, ...)
  end
end

return M
