-- worthit for Neovim: records how long the editor keeps you waiting, into worthit's spool.
--
-- What it times (each module says how): language-server requests (worthit.lsp), save →
-- diagnostics (worthit.diagnostics), `:make` and terminal commands (worthit.jobs). Lines go
-- to the same spool as the shell hooks (worthit.spool), and `worthit` ingests them later;
-- the plugin never starts a process and never touches the database.
--
-- Load it with the Lua `worthit init nvim` prints (docs/editor-hooks.md), which calls
-- `require("worthit").setup({ spool_dir = ... })`. Two rules hold everywhere:
-- - nothing the plugin does may show up as an editor error: every callback is guarded and
--   problems are kept for `:checkhealth worthit`;
-- - WORTHIT_DISABLE (set and not 0) turns recording off, as for the shell hooks; setting it
--   later (`:let $WORTHIT_DISABLE = 1`) pauses recording until it is unset.

local errors = require('worthit.errors')
local spool = require('worthit.spool')

local M = {}

M.started = false
M.not_started = nil -- why setup() recorded nothing, for :checkhealth

local function disabled()
  local value = os.getenv('WORTHIT_DISABLE')
  return value ~= nil and value ~= '' and value ~= '0'
end
M.disabled = disabled

-- Where `worthit` looks when WORTHIT_HOME is unset (src/config.rs, the `dirs` crate).
local function default_spool_dir()
  local home = os.getenv('WORTHIT_HOME')
  if home and home ~= '' then
    return home .. '/spool'
  end
  local user = os.getenv('HOME') or ''
  if vim.loop.os_uname().sysname == 'Darwin' then
    return user .. '/Library/Application Support/worthit/spool'
  end
  local data = os.getenv('XDG_DATA_HOME')
  if data and data:sub(1, 1) == '/' then
    return data .. '/worthit/spool'
  end
  return user .. '/.local/share/worthit/spool'
end

-- A few random letters and digits telling this session from an earlier Neovim that had the
-- same pid. math.random is left alone: seeding it would change other plugins' sequences.
local function session_token()
  local seconds, micros = vim.loop.gettimeofday()
  local seed = (vim.loop.hrtime() + micros * 1000003 + seconds) % 2147483647
  local alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  local token = {}
  for i = 1, 10 do
    seed = (seed * 48271) % 2147483647
    local at = seed % #alphabet + 1
    token[i] = alphabet:sub(at, at)
  end
  return table.concat(token)
end

local function start(opts)
  if M.started then
    return
  end
  if vim.fn.has('nvim-0.7') ~= 1 then
    M.not_started = 'Neovim 0.7 or newer is needed'
    return
  end
  if disabled() then
    M.not_started = 'WORTHIT_DISABLE is set'
    return
  end
  local dir = opts.spool_dir or default_spool_dir()
  spool.configure(dir, string.format('nvim-%d-%s', vim.loop.os_getpid(), session_token()))
  spool.enabled = function()
    return not disabled()
  end

  local group = vim.api.nvim_create_augroup('worthit', { clear = true })
  require('worthit.lsp').setup(group)
  require('worthit.diagnostics').setup(group)
  require('worthit.jobs').setup(group)
  vim.api.nvim_create_autocmd('VimLeavePre', {
    group = group,
    callback = errors.guard('flush at exit', function()
      spool.flush_sync()
    end),
  })
  M.started = true
end

--- Starts recording. `opts.spool_dir`: where to append (default: as `worthit` finds it).
function M.setup(opts)
  errors.try('setup', start, opts or {})
end

--- Writes what is queued now instead of at the next timer tick (asynchronously).
function M.flush()
  errors.try('flush', spool.flush)
end

--- True when nothing is queued and no write is out: everything recorded is in the spool.
function M.idle()
  return spool.pending() == 0 and not spool.busy()
end

return M
