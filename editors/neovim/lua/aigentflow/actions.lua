-- The user commands: each sends one workspace/executeCommand to the attached server and shows
-- the result (quickfix list for search hits and review findings, messages otherwise).
local commands = require("aigentflow.commands")

local M = {}

local function client_for(bufnr)
  local clients = vim.lsp.get_clients({ name = "aigentflow", bufnr = bufnr })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = "aigentflow" })
  end
  return clients[1]
end

--- Send `command` with `arguments`; `on_result(result)` runs on success.
function M.execute(command, arguments, on_result, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then
    vim.notify("aigentflow: no language server is running (see :checkhealth aigentflow)", vim.log.levels.WARN)
    return
  end
  client:request("workspace/executeCommand", { command = command, arguments = arguments }, function(err, result)
    if err then
      vim.notify(string.format("aigentflow: %s failed: %s", command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    on_result(result)
  end, bufnr)
end

local function list_of(result, ...)
  if type(result) ~= "table" then
    return {}
  end
  if vim.islist(result) then
    return result
  end
  for _, key in ipairs({ ... }) do
    if type(result[key]) == "table" then
      return result[key]
    end
  end
  return {}
end

--- Quickfix items from a search or review result; tolerant of extra or missing fields.
function M.to_qf_items(entries, root)
  local items = {}
  for _, entry in ipairs(entries) do
    local file = type(entry) == "table" and (entry.path or entry.file or entry.uri) or nil
    if type(file) == "string" then
      if file:match("^file:") then
        file = vim.uri_to_fname(file)
      elseif root and not vim.startswith(file, "/") then
        file = vim.fs.joinpath(root, file)
      end
      local text = entry.message or entry.name or entry.snippet or entry.text or ""
      if entry.rule_id then
        text = entry.rule_id .. ": " .. text
      end
      table.insert(items, {
        filename = file,
        lnum = entry.start_line or entry.line or 1,
        col = entry.column or 1,
        text = (tostring(text):gsub("\n.*", "")),
      })
    end
  end
  return items
end

local function to_quickfix(title, entries, root)
  local items = M.to_qf_items(entries, root)
  vim.fn.setqflist({}, " ", { title = title, items = items })
  if #items > 0 then
    vim.cmd("botright copen")
  else
    vim.notify("aigentflow: " .. title .. ": nothing found")
  end
end

local function root_of(bufnr)
  local client = client_for(bufnr)
  return client and client.root_dir or vim.uv.cwd()
end

function M.fix(cmd)
  local bufnr = vim.api.nvim_get_current_buf()
  local args = { scope = "project" }
  if cmd.args == "test" or cmd.args == "%" then
    args = { scope = "test", uri = vim.uri_from_bufnr(bufnr) }
  end
  M.execute(commands.BUILD_TEST_FIX, { args }, function(result)
    local state = type(result) == "table" and (result.state or result.status or result.outcome) or "done"
    local detail = type(result) == "table" and (result.summary or result.message or result.reason) or nil
    vim.notify("aigentflow build–test–fix: " .. tostring(state) .. (detail and (": " .. detail) or ""))
  end, bufnr)
end

function M.review()
  local bufnr = vim.api.nvim_get_current_buf()
  M.execute(commands.REVIEW_CHANGES, {}, function(result)
    to_quickfix("Aigentflow review", list_of(result, "findings"), root_of(bufnr))
  end, bufnr)
end

function M.search(cmd)
  local bufnr = vim.api.nvim_get_current_buf()
  M.execute(commands.SEARCH_CODE, { { query = cmd.args, limit = 50 } }, function(result)
    to_quickfix("Aigentflow search: " .. cmd.args, list_of(result, "hits", "results"), root_of(bufnr))
  end, bufnr)
end

function M.status()
  M.execute(commands.SERVER_STATUS, {}, function(server)
    local lines = { "aigentflow server: " .. vim.inspect(server) }
    M.execute(commands.INDEX_STATUS, {}, function(index)
      table.insert(lines, "aigentflow index: " .. vim.inspect(index))
      vim.notify(table.concat(lines, "\n"))
    end)
    -- Shown at once too: the index status may not exist on an older server.
    vim.notify(lines[1])
  end)
end

return M
