-- worthit.diagnostics: how long after a save the diagnostics for that buffer update.
--
-- This is the "did my fix work?" loop inside the editor: write the file, wait for the
-- language server or linter to answer. A save starts a clock for its buffer; the first
-- `DiagnosticChanged` of that buffer stops it and records
-- `nvim diagnostics (<source>) ft=<filetype>`. Saving again before the answer restarts the
-- clock, since servers lint the latest content and the earlier save's answer never comes
-- on its own. A clock older than a minute is dropped unrecorded: a buffer nobody lints
-- would otherwise pair an old save with an unrelated update much later.

local api = vim.api
local uv = vim.loop
local buffer = require('worthit.buffer')
local clock = require('worthit.clock')
local errors = require('worthit.errors')
local spool = require('worthit.spool')

local M = {}

local GIVE_UP_NS = 60 * 1e9
local MAX_SCANNED = 200 -- diagnostics looked at to name the source; they repeat

M.recorded = 0

local saved = {} -- bufnr -> { start_us, start_ns } of the save waiting for an answer

-- namespace id -> the source name it stands for. Neovim's LSP namespaces are named
-- `vim.lsp.<client name>.<client id>` (0.7 on); other producers are named after the tool.
local namespace_names = {}

local function namespace_source(namespace)
  local known = namespace_names[namespace]
  if known ~= nil then
    return known or nil
  end
  local name = false
  local ok, info = pcall(vim.diagnostic.get_namespace, namespace)
  if ok and info and info.name then
    name = info.name:match('^vim%.lsp%.(.-)%.%d+') or false
  end
  namespace_names[namespace] = name
  return name or nil
end

local function attached_clients(bufnr)
  -- Loading the LSP module only to find no client would cost start-up for nothing.
  if not package.loaded['vim.lsp'] then
    return {}
  end
  local lsp = vim.lsp
  if lsp.get_clients then
    return lsp.get_clients({ bufnr = bufnr })
  end
  if vim.fn.has('nvim-0.8') == 1 then
    return lsp.get_active_clients({ bufnr = bufnr })
  end
  return lsp.buf_get_clients(bufnr)
end

--- Who produced the update: the language server for LSP diagnostics, else each
--- diagnostic's `source` (pyflakes, eslint, …). Several are joined with commas, sorted.
--- 0.8+ passes the diagnostics that changed; 0.7 does not say, so the buffer's current
--- diagnostics stand in, and when there are none (all fixed) the attached servers.
function M.source_of(bufnr, data)
  local list = data and data.diagnostics
  if type(list) ~= 'table' or #list == 0 then
    list = vim.diagnostic.get(bufnr)
  end
  local names, seen = {}, {}
  local function add(name)
    if name and name ~= '' and not seen[name] then
      seen[name] = true
      table.insert(names, name)
    end
  end
  for i, diagnostic in ipairs(list) do
    if i > MAX_SCANNED then
      break
    end
    add(namespace_source(diagnostic.namespace) or diagnostic.source)
  end
  if #names == 0 then
    for _, client in pairs(attached_clients(bufnr)) do
      add(client.name)
    end
  end
  if #names == 0 then
    return 'unknown'
  end
  table.sort(names)
  return table.concat(names, ',')
end

local function on_write(args)
  saved[args.buf] = { start_us = clock.wall_us(), start_ns = clock.mono_ns() }
end

local function on_diagnostics(args)
  local bufnr = args.buf
  local save = saved[bufnr]
  if not save then
    return
  end
  saved[bufnr] = nil
  local end_ns = clock.mono_ns()
  if end_ns - save.start_ns > GIVE_UP_NS or not api.nvim_buf_is_valid(bufnr) then
    return
  end
  local filetype = buffer.filetype(bufnr)
  spool.push({
    start_us = save.start_us,
    duration_us = clock.elapsed_us(save.start_ns, end_ns),
    exit = 0,
    resolution_us = 1,
    where = { buffer.name(bufnr), uv.cwd() },
    command = string.format('nvim diagnostics (%s) ft=%s', M.source_of(bufnr, args.data), filetype),
  })
  M.recorded = M.recorded + 1
end

--- Installs the save → diagnostics clock in the augroup `group`.
function M.setup(group)
  api.nvim_create_autocmd('BufWritePost', {
    group = group,
    callback = errors.guard('save', on_write),
  })
  api.nvim_create_autocmd('DiagnosticChanged', {
    group = group,
    callback = errors.guard('diagnostics', on_diagnostics),
  })
  api.nvim_create_autocmd('BufWipeout', {
    group = group,
    callback = errors.guard('wipeout', function(args)
      saved[args.buf] = nil
    end),
  })
end

return M
