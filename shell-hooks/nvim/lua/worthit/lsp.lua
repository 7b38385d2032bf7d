-- worthit.lsp: how long each language-server request keeps the user waiting.
--
-- A request is timed from the moment Neovim sends it to the moment its response is handled,
-- and recorded as `nvim lsp <method> (<server>) ft=<filetype>` (the contract in
-- docs/editor-events.md): the method without `textDocument/`, the client's name, the
-- buffer's filetype. Never the file: the spool gets the buffer's repository root.
--
-- How requests are seen depends on the Neovim version:
-- - 0.10 and later fire an `LspRequest` autocmd when a request is sent ("pending"), answered
--   ("complete") or cancelled, with the client and request ids; that is all we need, so
--   nothing of Neovim's is replaced. The autocmd does not say whether the answer was an
--   error, so the exit status stays empty (unknown) there.
-- - 0.7 to 0.9 have no such event (0.8's `User LspRequest` carries no data), so each
--   client's `request` function is wrapped: the wrapper notes the time and passes a handler
--   that notes the time again, then calls the real handler. This sees errors (exit 1).
--   Clients are wrapped as they attach (`LspAttach`, 0.8+) or, on 0.7 which lacks that
--   event, as `vim.lsp.start_client` returns them (hooked when the LSP module loads).
-- Either way the added work per request is a few table and clock operations; formatting the
-- line waits for the spool's timer.

local api = vim.api
local uv = vim.loop
local buffer = require('worthit.buffer')
local clock = require('worthit.clock')
local errors = require('worthit.errors')
local spool = require('worthit.spool')

local M = {}

M.strategy = 'not started'
M.clients_wrapped = 0
M.recorded = 0

-- Requests Neovim and common plugins send by themselves while the user edits, scrolls or
-- rests the cursor. Nobody waits on them, and recording them would bury the waits that
-- matter under thousands of events. Pull diagnostics are measured as save → diagnostics.
M.background = {
  ['textDocument/semanticTokens/full'] = true,
  ['textDocument/semanticTokens/full/delta'] = true,
  ['textDocument/semanticTokens/range'] = true,
  ['textDocument/inlayHint'] = true,
  ['textDocument/documentHighlight'] = true,
  ['textDocument/documentColor'] = true,
  ['textDocument/documentLink'] = true,
  ['textDocument/foldingRange'] = true,
  ['textDocument/codeLens'] = true,
  ['textDocument/diagnostic'] = true,
  ['workspace/diagnostic'] = true,
}

--- Queues one finished request: `sent` = { method, server, bufnr, start_us, start_ns }
--- as noted when it was sent. Runs after the response arrived, before its handler.
local function record(sent, end_ns, exit)
  local filetype, name = '', nil
  if api.nvim_buf_is_valid(sent.bufnr) then
    filetype = buffer.filetype(sent.bufnr)
    name = buffer.name(sent.bufnr)
  end
  spool.push({
    start_us = sent.start_us,
    duration_us = clock.elapsed_us(sent.start_ns, end_ns),
    exit = exit,
    resolution_us = 1,
    -- Resolved to the repository root when the line is written, not now.
    where = { name, uv.cwd() },
    command = string.format(
      'nvim lsp %s (%s) ft=%s',
      (sent.method:gsub('^textDocument/', '')),
      sent.server or 'unknown',
      filetype
    ),
  })
  M.recorded = M.recorded + 1
end

-- 0.7 to 0.9: wrapping each client's request function -----------------------------------

local wrapped = setmetatable({}, { __mode = 'k' }) -- clients already wrapped

-- The handler to give the real `request` in place of `handler`, or nil to leave the call
-- alone. Neovim resolves a missing handler the same way (client's own, then the global
-- one); when there is none, the real function raises its usual error.
local function timed_handler(client, method, handler, bufnr)
  if M.background[method] then
    return nil
  end
  handler = handler or (client.handlers and client.handlers[method]) or vim.lsp.handlers[method]
  if not handler then
    return nil
  end
  if bufnr == nil or bufnr == 0 then
    bufnr = api.nvim_get_current_buf()
  end
  local sent = {
    method = method,
    server = client.name,
    bufnr = bufnr,
    start_us = clock.wall_us(),
    start_ns = clock.mono_ns(),
  }
  return function(err, result, ctx, config)
    local end_ns = clock.mono_ns()
    errors.try('lsp response', record, sent, end_ns, err and 1 or 0)
    return handler(err, result, ctx, config)
  end
end

--- Times every request `client` makes from now on (idempotent).
function M.wrap_client(client)
  if type(client) ~= 'table' or wrapped[client] or type(client.request) ~= 'function' then
    return
  end
  wrapped[client] = true
  M.clients_wrapped = M.clients_wrapped + 1
  local request = client.request
  client.request = function(method, params, handler, bufnr)
    local ok, timed = pcall(timed_handler, client, method, handler, bufnr)
    if not ok then
      errors.record('lsp request', timed)
      timed = nil
    end
    -- Same arguments, same return values: only the handler differs.
    return request(method, params, timed or handler, bufnr)
  end
end

local function wrap_start_client(lsp)
  local start_client = lsp.start_client
  local function after_start(client_id, ...)
    if client_id then
      errors.try('lsp start', function()
        M.wrap_client(lsp.get_client_by_id(client_id))
      end)
    end
    return client_id, ...
  end
  lsp.start_client = function(...)
    return after_start(start_client(...))
  end
end

-- Runs `fn(vim.lsp)` as soon as the LSP module is loaded, or now if it is. Loading it
-- ourselves costs about 10 ms of every 0.7 start-up, also for users who never start a
-- language server, so until someone loads it (`vim.lsp` goes through `require`), a
-- `package.preload` entry waits for that moment: it removes itself, loads the module with
-- the searchers `require` would have used next, and hands it to `fn` before anyone else
-- gets it, so no client can start unwrapped. Only used on 0.7, where it is tested.
local function when_lsp_loads(fn)
  if package.loaded['vim.lsp'] then
    return fn(package.loaded['vim.lsp'])
  end
  local previous = package.preload['vim.lsp']
  package.preload['vim.lsp'] = function(name)
    package.preload['vim.lsp'] = previous
    local module
    if previous then
      module = previous(name)
    else
      local searched = {}
      for i = 2, #package.loaders do
        local loader = package.loaders[i](name)
        if type(loader) == 'function' then
          module = loader(name)
          break
        elseif type(loader) == 'string' then
          table.insert(searched, loader)
        end
      end
      if module == nil then
        error(string.format("module '%s' not found:%s", name, table.concat(searched)), 2)
      end
    end
    errors.try('lsp load', fn, module)
    return module
  end
end

-- 0.10 and later: the LspRequest autocmd ----------------------------------------------

-- A server that never answers must not grow memory: past this many requests in flight the
-- oldest are forgotten wholesale (they would be meaningless waits anyway).
local MAX_IN_FLIGHT = 1000
local in_flight = {} -- client_id -> request_id -> what `record` takes
local in_flight_count = 0

local function on_lsp_request(args)
  local data = args.data
  local request = data and data.request
  if not request then
    return
  end
  local by_client = in_flight[data.client_id]
  if request.type == 'pending' then
    if M.background[request.method] then
      return
    end
    if in_flight_count >= MAX_IN_FLIGHT then
      in_flight, in_flight_count = {}, 0
      by_client = nil
    end
    if not by_client then
      by_client = {}
      in_flight[data.client_id] = by_client
    end
    local client = vim.lsp.get_client_by_id(data.client_id)
    by_client[data.request_id] = {
      method = request.method,
      server = client and client.name,
      bufnr = request.bufnr or args.buf,
      start_us = clock.wall_us(),
      start_ns = clock.mono_ns(),
    }
    in_flight_count = in_flight_count + 1
    return
  end
  local started = by_client and by_client[data.request_id]
  if not started then
    return
  end
  by_client[data.request_id] = nil
  in_flight_count = in_flight_count - 1
  -- A cancelled request (the user moved on) is not a wait that ended; only answers count.
  if request.type == 'complete' then
    record(started, clock.mono_ns(), nil)
  end
end

--- Installs request timing in the augroup `group`.
function M.setup(group)
  if vim.fn.has('nvim-0.10') == 1 and vim.fn.exists('##LspRequest') == 1 then
    M.strategy = 'LspRequest autocmd'
    api.nvim_create_autocmd('LspRequest', {
      group = group,
      callback = errors.guard('lsp request', on_lsp_request),
    })
    return
  end
  if vim.fn.exists('##LspAttach') == 1 then
    M.strategy = 'client.request wrapped at LspAttach'
    api.nvim_create_autocmd('LspAttach', {
      group = group,
      callback = errors.guard('lsp attach', function(args)
        M.wrap_client(vim.lsp.get_client_by_id(args.data.client_id))
      end),
    })
  else
    M.strategy = 'client.request wrapped at vim.lsp.start_client'
    when_lsp_loads(wrap_start_client)
  end
  -- Clients started before setup() (a late setup call) are wrapped now. Only if the LSP
  -- module is loaded already: loading it here would cost every start-up without LSP.
  if package.loaded['vim.lsp'] then
    for _, client in pairs(vim.lsp.get_active_clients()) do
      M.wrap_client(client)
    end
  end
end

return M
