-- worthit.root: the directory an event is recorded in, never a file's path.
--
-- An editor event belongs to a project, not to a file: the spool gets the git repository
-- root of the buffer's file (the nearest parent holding a `.git` entry; a file for
-- worktrees and submodules, a directory otherwise), else the editor's working directory.
-- Only libuv calls are used, so this also works in a timer callback (a "fast" context
-- where vim.fn is off limits), and every directory's answer is cached: a session stats each
-- directory once, however many events it records.

local uv = vim.loop

local M = {}

-- directory -> repository root, or false when no parent has a `.git`. A `git init` made
-- during the session is not noticed for directories already seen; the next session is.
local cache = {}

local function parent(dir)
  if dir == '/' then
    return nil
  end
  local up = dir:match('^(.*)/[^/]*$')
  if up == nil then
    return nil
  end
  if up == '' then
    return '/'
  end
  return up
end

--- The git root above the absolute directory `dir`, or nil.
function M.of_dir(dir)
  local seen = {}
  local found = false
  local at = dir
  while at do
    local known = cache[at]
    if known ~= nil then
      found = known
      break
    end
    table.insert(seen, at)
    local marker = (at == '/' and '/.git') or (at .. '/.git')
    if uv.fs_stat(marker) then
      found = at
      break
    end
    at = parent(at)
  end
  for _, dir_seen in ipairs(seen) do
    cache[dir_seen] = found
  end
  return found or nil
end

--- The directory to record for a buffer named `name` (as nvim_buf_get_name gives it):
--- its file's git root, else `fallback` (the editor's working directory at the time).
--- Buffers without a file on disk (`term://`, `fugitive://`, scratch) get `fallback`.
function M.for_buffer(name, fallback)
  if type(name) ~= 'string' or name:sub(1, 1) ~= '/' or name:find('://', 1, true) then
    return fallback
  end
  local dir = parent(name)
  if not dir then
    return fallback
  end
  return M.of_dir(dir) or fallback
end

--- The directory to record for a command run in `dir`: its git root, else `dir` itself.
function M.for_dir(dir)
  if type(dir) ~= 'string' or dir:sub(1, 1) ~= '/' then
    return dir
  end
  local trimmed = dir:gsub('(.)/+$', '%1')
  return M.of_dir(trimmed) or trimmed
end

return M
