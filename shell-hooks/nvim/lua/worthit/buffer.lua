-- worthit.buffer: the two facts about a buffer that events carry, read the cheapest way the
-- running Neovim offers.

local api = vim.api

local M = {}

-- nvim_buf_get_option is deprecated from 0.10 on, and nvim_get_option_value only takes a
-- buffer from 0.8 on: pick once at load, not per event.
if vim.fn.has('nvim-0.10') == 1 then
  function M.filetype(bufnr)
    return api.nvim_get_option_value('filetype', { buf = bufnr })
  end
else
  function M.filetype(bufnr)
    return api.nvim_buf_get_option(bufnr, 'filetype')
  end
end

--- The buffer's full name (a path for file buffers); only ever used to find the
--- repository root, never written to the spool.
M.name = api.nvim_buf_get_name

return M
