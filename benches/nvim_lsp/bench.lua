-- The Neovim side of benches/nvim_lsp.sh: sends BENCH_REQUESTS definition requests, one
-- at a time, to the instant fake server (fake_lsp.py) and appends each one's latency in
-- microseconds (from vim.lsp.buf_request to its handler being called) to BENCH_OUT.
-- It runs the same whether init.lua loaded the worthit plugin or nothing at all, so the
-- two series differ only by the plugin. Any error exits 1 (cquit), so a broken run
-- cannot pass for a fast one.

local function main()
  local uv = vim.loop
  local requests = tonumber(vim.env.BENCH_REQUESTS or '2000')
  local warmup = 200
  local file = vim.env.BENCH_DIR .. '/bench.py'
  vim.fn.writefile({ 'def f():', '    return 1', '', 'f()' }, file)
  vim.cmd('silent edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()

  local ready = false
  local config = {
    name = 'fake',
    cmd = { 'python3', vim.env.BENCH_SERVER },
    root_dir = vim.env.BENCH_DIR,
    on_init = function()
      ready = true
    end,
  }
  -- vim.lsp.start (0.8+) replaces start_client, which 0.11 deprecates with a warning.
  if vim.lsp.start then
    vim.lsp.start(config)
  else
    vim.lsp.buf_attach_client(buf, vim.lsp.start_client(config))
  end
  assert(vim.wait(10000, function()
    return ready
  end, 1), 'the fake server did not initialize')

  local params = {
    textDocument = { uri = vim.uri_from_fname(file) },
    position = { line = 3, character = 0 },
  }
  local samples = {}
  for i = 1, warmup + requests do
    local started, ended = uv.hrtime(), nil
    vim.lsp.buf_request(buf, 'textDocument/definition', params, function()
      ended = uv.hrtime()
    end)
    assert(vim.wait(5000, function()
      return ended ~= nil
    end, 1), 'no answer to request ' .. i)
    if i > warmup then
      samples[#samples + 1] = string.format('%.3f', (ended - started) / 1000)
    end
  end
  if vim.env.BENCH_PLUGIN == '1' then
    local lsp = require('worthit.lsp')
    assert(require('worthit').started, 'the plugin did not start')
    assert(lsp.recorded >= warmup + requests, 'the plugin recorded ' .. lsp.recorded .. ' requests')
  else
    assert(package.loaded['worthit'] == nil, 'the plugin is loaded in the run without it')
  end
  local out = assert(io.open(vim.env.BENCH_OUT, 'a'))
  out:write(table.concat(samples, '\n'), '\n')
  out:close()
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  io.stderr:write(tostring(err) .. '\n')
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
