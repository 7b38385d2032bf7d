-- worthit.health: `:checkhealth worthit`, the one place the plugin's problems are shown.
--
-- The plugin swallows its own errors so that recording never interrupts editing; this
-- report is where they surface, with what is being recorded and where it goes.

local M = {}

-- The report functions under their current names. 0.10 has vim.health.start/ok/…, 0.8 and
-- 0.9 vim.health.report_start/…, 0.7 only the Vimscript health#report_* functions.
local function reporter()
  local health = vim.health
  if health and health.start then
    return health
  end
  if health and health.report_start then
    return {
      start = health.report_start,
      ok = health.report_ok,
      info = health.report_info,
      warn = health.report_warn,
      error = health.report_error,
    }
  end
  local function vimscript(name)
    return function(...)
      vim.fn['health#report_' .. name](...)
    end
  end
  return {
    start = vimscript('start'),
    ok = vimscript('ok'),
    info = vimscript('info'),
    warn = vimscript('warn'),
    error = vimscript('error'),
  }
end

local function check_spool_dir(report, dir)
  local uv = vim.loop
  local stat = uv.fs_stat(dir)
  if not stat then
    report.warn('spool directory ' .. dir .. ' does not exist; it is made at the first write', {
      'Run `worthit init nvim` again if it cannot be made.',
    })
  elseif stat.type ~= 'directory' then
    report.error('spool path ' .. dir .. ' is a ' .. stat.type .. ', not a directory', {
      'Move it away, then run `worthit init nvim`.',
    })
  elseif not uv.fs_access(dir, 'W') then
    report.error('spool directory ' .. dir .. ' is not writable', {
      'Fix its permissions (`chmod u+rwx`), or run `worthit init nvim` as its owner.',
    })
  else
    report.ok('spool directory ' .. dir .. ' is writable')
  end
end

function M.check()
  local report = reporter()
  local worthit = require('worthit')
  local errors = require('worthit.errors')
  local spool = require('worthit.spool')
  report.start('worthit')

  if not worthit.started then
    if worthit.not_started then
      report.info('not recording: ' .. worthit.not_started)
    else
      report.warn('not recording: setup() was not called', {
        'Add the Lua printed by `worthit init nvim` to your init.lua.',
      })
    end
  else
    if worthit.disabled() then
      report.info('paused: WORTHIT_DISABLE is set')
    else
      report.ok('recording as session ' .. spool.session)
    end
    local lsp = require('worthit.lsp')
    report.info(
      string.format('LSP requests are timed by: %s (%d recorded)', lsp.strategy, lsp.recorded)
    )
    report.info(
      string.format(
        'lines written: %d, waiting: %d, dropped: %d%s',
        spool.written,
        spool.pending(),
        spool.dropped,
        spool.last_path and (' (last file: ' .. spool.last_path .. ')') or ''
      )
    )
    check_spool_dir(report, spool.dir)
  end

  if #errors.entries == 0 then
    report.ok('no errors')
    return
  end
  for _, entry in ipairs(errors.entries) do
    local when
    if entry.count > 1 then
      when = string.format(' (%d times, last at %s)', entry.count, os.date('%H:%M:%S', entry.last))
    else
      when = string.format(' (at %s)', os.date('%H:%M:%S', entry.first))
    end
    report.error(entry.where .. ': ' .. entry.message .. when)
  end
  local shown = 0
  for _, entry in ipairs(errors.entries) do
    shown = shown + entry.count
  end
  if errors.total > shown then
    report.warn(string.format('%d more errors not shown', errors.total - shown))
  end
end

return M
