-- worthit.spool: turns finished actions into spool lines and appends them, without ever
-- blocking the editor.
--
-- The format is the one the shell hooks write (docs/spool-format.md): one line per action,
-- ten TAB-separated fields, at most 4000 bytes, appended to
-- `<spool_dir>/<session>.<day>.spool` with O_APPEND. Recording an event only queues a small
-- table in memory; a one-shot timer, armed by the first event after a quiet spell, formats
-- the queue a second later and hands it to libuv's thread pool (fs_open / fs_write /
-- fs_close with callbacks), so neither formatting nor disk I/O happens while the user types.
-- Each write(2) carries whole lines and at most 4096 bytes (PIPE_BUF), so the appends of
-- concurrent writers (other Neovims, the shells) never interleave inside a line. At exit
-- the rest is written synchronously, since nothing waits for the editor any more.

local uv = vim.loop
local errors = require('worthit.errors')
local root = require('worthit.root')

local M = {}

local MAX_LINE = 4000 -- bytes per line, LF included (docs/spool-format.md)
local MAX_WRITE = 4096 -- bytes per write(2): PIPE_BUF, whole lines only
local MAX_QUEUED = 2000 -- lines held while the spool cannot be written; the oldest go first
local FLUSH_DELAY_MS = 1000
-- A burst this large is written without waiting for the timer, so that the bound above
-- only ever drops lines when the spool cannot be written, never because of a busy second.
local FLUSH_AT = 256
local DAY_US = 86400000000
local FILE_MODE = 384 -- 0600: commands and directories are private
local DIR_MODE = 448 -- 0700, like `worthit init` makes it

M.dir = nil
M.session = nil
M.written = 0 -- lines appended since start-up
M.dropped = 0 -- lines given up on (queue full, or cut short by a failed write)
M.last_path = nil -- the file of the last successful write, for :checkhealth

--- Whether to record at all; init.lua makes this follow WORTHIT_DISABLE.
function M.enabled()
  return true
end

local queue = {} -- events recorded since the last flush
local retry = {} -- { path, line } already formatted, left over by a failed write
local flushing = false -- a write is in libuv's hands; one at a time keeps lines in order
local flush_started_ns = 0
-- A write chain that never called back (a bug, or a hung file system) must not stop
-- recording for the rest of the session: past this, the next flush goes ahead anyway. The
-- lost chain's lines were taken off the queue, so nothing can be written twice.
local FLUSH_STUCK_NS = 30 * 1e9
local timer = nil
local armed = false

local escapes = { ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t', ['\r'] = '\\r' }

-- `\`, LF, TAB and CR as the format requires, and the other C0 controls and DEL as `\xHH`
-- (optional for producers; a terminal title can hold an ESC), exactly as src/spool.rs does.
local function escape(text)
  return (text:gsub('[%z\1-\31\127\\]', function(byte)
    return escapes[byte] or string.format('\\x%02x', byte:byte())
  end))
end

-- The longest prefix of the escaped `text` of at most `max` bytes that splits neither an
-- escape sequence nor a UTF-8 character (src/spool.rs `cut_escaped`).
local function cut_escaped(text, max)
  if #text <= max then
    return text
  end
  local i, n = 1, #text
  while i <= n do
    local b = text:byte(i)
    local step
    if b == 92 then -- backslash
      step = text:sub(i + 1, i + 1) == 'x' and 4 or 2
    elseif b < 0x80 then
      step = 1
    elseif b >= 0xF0 then
      step = 4
    elseif b >= 0xE0 then
      step = 3
    else
      step = 2
    end
    if i - 1 + step > max then
      break
    end
    i = i + step
  end
  return text:sub(1, i - 1)
end

local function number(value)
  if value == nil then
    return ''
  end
  return string.format('%d', value)
end

--- The spool line for `event` = { start_us, duration_us?, exit?, resolution_us?, cwd?,
--- command }, byte for byte what src/spool.rs `serialise` makes of the same event (a test
--- checks it): an oversized line gets its cwd cut to a quarter of the room, then its
--- command, and the `t` flag.
function M.serialise(event, session)
  local head = string.format(
    '1\t%s\t%s\t%s\t%s\t',
    number(event.start_us),
    number(event.duration_us),
    number(event.exit),
    event.duration_us and number(event.resolution_us) or ''
  )
  local middle = '\tnvim\t' .. escape(session) .. '\t'
  local cwd, command = escape(event.cwd or ''), escape(event.command)
  -- The room left by the fixed part, the TAB before the command, the LF and the flag.
  local budget = MAX_LINE - (#head + #middle + 3)
  local flags = ''
  local quarter = math.floor(budget / 4)
  if #cwd > quarter and #cwd + #command > budget then
    cwd = cut_escaped(cwd, quarter)
    flags = 't'
  end
  if #cwd + #command > budget then
    command = cut_escaped(command, budget - #cwd)
    flags = 't'
  end
  return head .. flags .. middle .. cwd .. '\t' .. command .. '\n'
end

--- The file an event that started at `start_us` belongs to: a new file each UTC day.
function M.path_for(start_us)
  return string.format('%s/%s.%d.spool', M.dir, M.session, math.floor(start_us / DAY_US))
end

local on_timer = vim.schedule_wrap(errors.guard('flush', function()
  armed = false
  M.flush()
end))

local function arm()
  if armed or not timer then
    return
  end
  armed = true
  timer:start(FLUSH_DELAY_MS, 0, on_timer)
end

-- Brings the armed timer forward to the next turn of the event loop.
local function arm_now()
  if not timer then
    return
  end
  armed = true
  timer:stop()
  timer:start(0, 0, on_timer)
end

function M.configure(dir, session)
  M.dir = dir
  M.session = session
  timer = uv.new_timer()
end

--- Queues a finished action. `event.where` may name a buffer instead of a cwd:
--- { buffer_name, fallback } is resolved to a repository root when the line is formatted,
--- off the path of the action itself.
function M.push(event)
  if not M.enabled() then
    return
  end
  if #queue >= MAX_QUEUED then
    table.remove(queue, 1)
    M.dropped = M.dropped + 1
  end
  queue[#queue + 1] = event
  if #queue >= FLUSH_AT and not flushing then
    arm_now()
  else
    arm()
  end
end

--- Lines waiting to be written (queued or left over by a failed write).
function M.pending()
  return #queue + #retry
end

function M.busy()
  return flushing
end

-- Formats the queue and groups the lines into writes: whole lines, at most MAX_WRITE
-- bytes each, one file per write, in recording order.
local function take_writes()
  local items = retry
  retry = {}
  local events = queue
  queue = {}
  for _, event in ipairs(events) do
    errors.try('format', function()
      if event.where then
        event.cwd = root.for_buffer(event.where[1], event.where[2])
      end
      local line = M.serialise(event, M.session)
      items[#items + 1] = { path = M.path_for(event.start_us), line = line }
    end)
  end
  local writes = {}
  local current = nil
  for _, item in ipairs(items) do
    if current == nil or current.path ~= item.path or current.size + #item.line > MAX_WRITE then
      current = { path = item.path, lines = {}, size = 0 }
      writes[#writes + 1] = current
    end
    current.lines[#current.lines + 1] = item.line
    current.size = current.size + #item.line
  end
  for _, write in ipairs(writes) do
    write.data = table.concat(write.lines)
  end
  return writes
end

-- Puts the lines of writes[from..] back for the next flush (bounded, oldest dropped).
local function keep_for_retry(writes, from)
  for w = from, #writes do
    for _, line in ipairs(writes[w].lines) do
      if #retry >= MAX_QUEUED then
        table.remove(retry, 1)
        M.dropped = M.dropped + 1
      end
      retry[#retry + 1] = { path = writes[w].path, line = line }
    end
  end
end

local function is_missing(err)
  return type(err) == 'string' and err:match('^ENOENT') ~= nil
end

local function is_exists(err)
  return type(err) == 'string' and err:match('^EEXIST') ~= nil
end

-- `mkdir -p` through libuv's thread pool. The spool directory is made by `worthit init`,
-- but the printed setup is pasted once into init.lua, so nothing remakes it if it is removed.
local function make_dirs(dir, done)
  uv.fs_mkdir(dir, DIR_MODE, errors.guard('spool mkdir', function(err)
    if not err or is_exists(err) then
      return done(nil)
    end
    local up = dir:match('^(.+)/[^/]+$')
    if not is_missing(err) or not up then
      return done(err)
    end
    make_dirs(up, function(up_err)
      if up_err then
        return done(up_err)
      end
      uv.fs_mkdir(dir, DIR_MODE, errors.guard('spool mkdir', function(again)
        done((again and not is_exists(again)) and again or nil)
      end))
    end)
  end))
end

local function open_async(path, done)
  uv.fs_open(path, 'a', FILE_MODE, errors.guard('spool open', function(err, fd)
    if not is_missing(err) then
      return done(err, fd)
    end
    make_dirs(M.dir, function(dir_err)
      if dir_err then
        return done(dir_err)
      end
      uv.fs_open(path, 'a', FILE_MODE, errors.guard('spool open', done))
    end)
  end))
end

--- Starts writing everything queued, asynchronously. Does nothing while a write is out.
function M.flush()
  if (#queue == 0 and #retry == 0) or not M.dir then
    return
  end
  if flushing then
    if uv.hrtime() - flush_started_ns < FLUSH_STUCK_NS then
      return
    end
    errors.record('spool write', 'a write did not finish within 30 s; writing on')
  end
  local writes = take_writes()
  if #writes == 0 then
    return
  end
  flushing = true
  flush_started_ns = uv.hrtime()

  local function finish(err, failed_at, lost)
    if err then
      errors.record('spool write', err)
      -- A short write left part of a batch in the file: writing it again would duplicate
      -- lines, so that batch is given up and only the ones after it are retried.
      if lost then
        M.dropped = M.dropped + #writes[failed_at].lines
        failed_at = failed_at + 1
      end
      keep_for_retry(writes, failed_at)
    end
    flushing = false
    if #queue >= FLUSH_AT then
      arm_now()
    elseif #queue > 0 then
      arm()
    end
  end

  local function write_file(first)
    if first > #writes then
      return finish(nil)
    end
    local path = writes[first].path
    open_async(path, function(open_err, fd)
      if open_err or not fd then
        return finish(open_err or 'could not open ' .. path, first)
      end
      local function write_batch(w)
        if w > #writes or writes[w].path ~= path then
          uv.fs_close(fd, errors.guard('spool close', function()
            write_file(w)
          end))
          return
        end
        local data = writes[w].data
        uv.fs_write(fd, data, -1, errors.guard('spool write', function(write_err, count)
          if write_err or count ~= #data then
            uv.fs_close(fd)
            local short = not write_err and count and count > 0
            return finish(write_err or string.format('short write to %s', path), w, short)
          end
          M.written = M.written + #writes[w].lines
          M.last_path = path
          write_batch(w + 1)
        end))
      end
      write_batch(first)
    end)
  end

  write_file(1)
end

local function make_dirs_sync(dir)
  local ok, err = uv.fs_mkdir(dir, DIR_MODE)
  if ok or is_exists(err) then
    return nil
  end
  local up = dir:match('^(.+)/[^/]+$')
  if not is_missing(err) or not up then
    return err
  end
  local up_err = make_dirs_sync(up)
  if up_err then
    return up_err
  end
  ok, err = uv.fs_mkdir(dir, DIR_MODE)
  if ok or is_exists(err) then
    return nil
  end
  return err
end

--- Writes everything now, blocking; for VimLeavePre, when nobody is typing any more.
--- Waits (a bounded time) for a write already in libuv's hands, so lines stay in order,
--- then writes the rest regardless: each line is in only one of the two.
function M.flush_sync(wait_ms)
  if flushing then
    vim.wait(wait_ms or 500, function()
      return not flushing
    end, 5)
  end
  if not M.dir then
    return
  end
  local writes = take_writes()
  local w = 1
  while w <= #writes do
    local path = writes[w].path
    local fd, err = uv.fs_open(path, 'a', FILE_MODE)
    if not fd and is_missing(err) then
      err = make_dirs_sync(M.dir)
      if not err then
        fd, err = uv.fs_open(path, 'a', FILE_MODE)
      end
    end
    if not fd then
      errors.record('spool write', err or ('could not open ' .. path))
      keep_for_retry(writes, w)
      return
    end
    while w <= #writes and writes[w].path == path do
      local count, write_err = uv.fs_write(fd, writes[w].data, -1)
      if count ~= #writes[w].data then
        uv.fs_close(fd)
        errors.record('spool write', write_err or string.format('short write to %s', path))
        -- As in the asynchronous path: a batch partly in the file is not written again.
        if count and count > 0 then
          M.dropped = M.dropped + #writes[w].lines
          w = w + 1
        end
        keep_for_retry(writes, w)
        return
      end
      M.written = M.written + #writes[w].lines
      M.last_path = path
      w = w + 1
    end
    uv.fs_close(fd)
  end
end

return M
