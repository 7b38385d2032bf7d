-- worthit.jobs: commands run from the editor, `:make` and terminals, timed like shell
-- commands.
--
-- These record the real command line (the expanded 'makeprg', the terminal's command), so
-- worthit classifies them exactly as if they had been typed in a shell: `cargo build` from
-- `:make` and from bash count as the same action. The cwd is the repository root of the
-- directory the command ran in, else that directory.

local api = vim.api
local uv = vim.loop
local clock = require('worthit.clock')
local errors = require('worthit.errors')
local root = require('worthit.root')
local spool = require('worthit.spool')

local M = {}

M.recorded = 0

-- :make ---------------------------------------------------------------------------------

local make = nil -- the :make / :lmake running now
local typed = nil -- the last ':' command line, to learn :make's arguments

-- QuickFixCmdPre does not say what arguments :make got. A typed `:make test` (or a mapping
-- that goes through the command line) leaves the command line just before running, so the
-- line left last is that :make's; it is used once. A `<Cmd>make` mapping leaves no line,
-- and then only the arguments are missing from the record, never wrong ones.
-- Command modifiers that may stand before :make (`:silent make`), with the shortest
-- abbreviation Vim accepts for each.
local MODIFIERS = {
  { 'aboveleft', 3 }, { 'belowright', 3 }, { 'botright', 2 }, { 'browse', 3 },
  { 'confirm', 4 }, { 'hide', 3 }, { 'keepalt', 5 }, { 'keepjumps', 5 },
  { 'keepmarks', 3 }, { 'keeppatterns', 5 }, { 'leftabove', 5 }, { 'lockmarks', 3 },
  { 'noautocmd', 3 }, { 'noswapfile', 3 }, { 'rightbelow', 6 }, { 'sandbox', 3 },
  { 'silent', 3 }, { 'tab', 3 }, { 'topleft', 2 }, { 'unsilent', 3 }, { 'verbose', 4 },
  { 'vertical', 4 },
}

local function is_modifier(word)
  for _, modifier in ipairs(MODIFIERS) do
    if #word >= modifier[2] and modifier[1]:sub(1, #word) == word then
      return true
    end
  end
  return false
end

local function make_arguments(kind)
  local line = typed
  typed = nil
  if not line then
    return ''
  end
  line = line:gsub('^[%s:]+', '')
  while true do
    local word, after = line:match('^%d*(%a+)!?%s+(.*)$')
    if not word or not is_modifier(word) then
      break
    end
    line = after
  end
  local name, rest = line:match('^(%a+)!?(.*)$')
  local names = kind == 'lmake' and { lmak = true, lmake = true } or { mak = true, make = true }
  if not name or not names[name] or (rest ~= '' and not rest:match('^%s')) then
    return ''
  end
  -- A `|` ends the command (`:make | copen`).
  return vim.trim(rest:match('^([^|]*)'))
end

--- The command :make runs: 'makeprg' with `$*` (or the end) taking the arguments, and `%`,
--- `#` expanded as :make expands them.
function M.make_command(makeprg, arguments)
  local command
  if makeprg:find('$*', 1, true) then
    command = makeprg:gsub('%$%*', function()
      return arguments
    end)
  elseif arguments ~= '' then
    command = makeprg .. ' ' .. arguments
  else
    command = makeprg
  end
  -- expandcmd fails on `%` with no file name; :make itself would too, so keep it as is.
  local ok, expanded = pcall(vim.fn.expandcmd, command)
  return ok and expanded or command
end

--- Whether v:shell_error after :make is the program's status. :make runs
--- `{makeprg} {shellpipe} {errorfile}`, and the default 'shellpipe' pipes through `tee`,
--- whose status a shell reports instead unless told `pipefail`. Recording tee's 0 would
--- call every failed build a success, so such runs get an unknown exit.
function M.make_exit_is_known()
  if not vim.o.shellpipe:find('|', 1, true) then
    return true
  end
  return vim.o.shellcmdflag:find('pipefail', 1, true) ~= nil
end

local function on_make_start(args)
  make = {
    start_us = clock.wall_us(),
    start_ns = clock.mono_ns(),
    command = M.make_command(api.nvim_eval('&makeprg'), make_arguments(args.match)),
    dir = uv.cwd(),
  }
end

local function on_make_end()
  local run = make
  make = nil
  if not run then
    return
  end
  local end_ns = clock.mono_ns()
  spool.push({
    start_us = run.start_us,
    duration_us = clock.elapsed_us(run.start_ns, end_ns),
    exit = M.make_exit_is_known() and vim.v.shell_error or nil,
    resolution_us = 1,
    cwd = root.for_dir(run.dir),
    command = run.command,
  })
  M.recorded = M.recorded + 1
end

-- terminals -----------------------------------------------------------------------------

local terminals = {} -- bufnr -> { start_us, start_ns, command, dir }

--- The directory and command of a terminal buffer named `term://{cwd}//{pid}:{command}`.
function M.parse_terminal_name(name)
  local dir, command = name:match('^term://(.-)//%d+:(.*)$')
  return dir, command
end

-- `sh -l` for `/usr/bin/sh -l`: Neovim names a plain `:terminal` after the shell's full
-- path even when 'shell' is just `sh`.
local function without_program_dir(command)
  local program, rest = command:match('^(%S+)(.*)$')
  if not program then
    return command
  end
  return program:match('[^/]*$') .. rest
end

local function on_terminal_open(args)
  local dir, command = M.parse_terminal_name(api.nvim_buf_get_name(args.buf))
  if not command or command == '' then
    command = vim.b[args.buf].term_title
  end
  if not command or command == '' then
    return
  end
  -- A plain `:terminal` runs the user's shell: its lifetime is a session, not a wait, and
  -- the shell's own hook records each command typed in it.
  if without_program_dir(command) == without_program_dir(vim.o.shell) then
    return
  end
  terminals[args.buf] = {
    start_us = clock.wall_us(),
    start_ns = clock.mono_ns(),
    command = command,
    dir = dir and vim.fn.fnamemodify(dir, ':p') or uv.cwd(),
  }
end

local function on_terminal_close(args)
  local run = terminals[args.buf]
  terminals[args.buf] = nil
  if not run then
    return
  end
  local end_ns = clock.mono_ns()
  local status = vim.v.event and vim.v.event.status
  spool.push({
    start_us = run.start_us,
    duration_us = clock.elapsed_us(run.start_ns, end_ns),
    exit = type(status) == 'number' and status or nil,
    resolution_us = 1,
    cwd = root.for_dir(run.dir),
    command = run.command,
  })
  M.recorded = M.recorded + 1
end

--- Installs the :make and terminal clocks in the augroup `group`.
function M.setup(group)
  api.nvim_create_autocmd('CmdlineLeave', {
    group = group,
    pattern = ':',
    callback = errors.guard('command line', function()
      typed = (not vim.v.event.abort) and vim.fn.getcmdline() or nil
    end),
  })
  api.nvim_create_autocmd('QuickFixCmdPre', {
    group = group,
    pattern = { 'make', 'lmake' },
    callback = errors.guard('make start', on_make_start),
  })
  api.nvim_create_autocmd('QuickFixCmdPost', {
    group = group,
    pattern = { 'make', 'lmake' },
    callback = errors.guard('make end', on_make_end),
  })
  api.nvim_create_autocmd('TermOpen', {
    group = group,
    callback = errors.guard('terminal open', on_terminal_open),
  })
  api.nvim_create_autocmd('TermClose', {
    group = group,
    callback = errors.guard('terminal close', on_terminal_close),
  })
end

return M
