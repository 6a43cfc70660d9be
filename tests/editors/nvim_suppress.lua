-- Driven by tests/editors/test_neovim_plugin.py: headless Neovim with the plugin on the
-- runtimepath opens a file holding a fake AWS key, waits for Aigentflow's diagnostic, applies
-- the "Suppress … (aigentflow: allow)" code action and records what happened as JSON.
-- Inputs come from NVIM_TEST_* environment variables (not AIGENTFLOW_*: the server would
-- read those as configuration).
local env = vim.env
local result = { steps = {} }

local function write_result()
  local fd = assert(io.open(env.NVIM_TEST_RESULT, "w"))
  fd:write(vim.json.encode(result))
  fd:close()
end

local function step(name, value)
  result.steps[name] = value == nil and vim.NIL or value
end

local function wait_for(what, timeout_ms, cond)
  if not vim.wait(timeout_ms, cond, 20) then
    error("timed out waiting for " .. what, 0)
  end
end

local function ours(bufnr)
  return vim.tbl_filter(function(d)
    return d.source == "aigentflow"
  end, vim.diagnostic.get(bufnr))
end

local function main()
  vim.opt.runtimepath:prepend(env.NVIM_TEST_PLUGIN)
  vim.cmd("runtime! plugin/aigentflow.lua")
  vim.cmd("filetype on")
  local notes = {}
  vim.notify = function(msg)
    table.insert(notes, msg)
  end

  require("aigentflow").setup({ cmd = vim.json.decode(env.NVIM_TEST_CMD), progress = false })
  step("user_commands", vim.tbl_keys(vim.api.nvim_get_commands({})))

  vim.cmd.edit(vim.fn.fnameescape(env.NVIM_TEST_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  wait_for("the aigentflow client to attach", 30000, function()
    return #vim.lsp.get_clients({ name = "aigentflow", bufnr = bufnr }) > 0
  end)
  step("root_dir", vim.lsp.get_clients({ name = "aigentflow", bufnr = bufnr })[1].root_dir)

  wait_for("a diagnostic", 30000, function()
    return #ours(bufnr) > 0
  end)
  local diagnostic = ours(bufnr)[1]
  step("diagnostic", { code = diagnostic.code, message = diagnostic.message, lnum = diagnostic.lnum })

  -- The code actions a user would see on that line, then the suppress one applied.
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  local params = vim.lsp.util.make_range_params(0, "utf-16")
  params.context = { diagnostics = vim.lsp.diagnostic.from(ours(bufnr)), only = { "quickfix" } }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 20000) or {}
  local titles = {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(titles, action.title)
    end
  end
  step("actions", titles)

  local before = vim.api.nvim_buf_get_lines(bufnr, diagnostic.lnum, diagnostic.lnum + 1, false)[1]
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title:find("Suppress", 1, true) == 1
    end,
  })
  wait_for("the suppress edit", 20000, function()
    return vim.api.nvim_buf_get_lines(bufnr, diagnostic.lnum, diagnostic.lnum + 1, false)[1] ~= before
  end)
  step("line_after", vim.api.nvim_buf_get_lines(bufnr, diagnostic.lnum, diagnostic.lnum + 1, false)[1])
  wait_for("the diagnostic to clear after the edit", 20000, function()
    return #ours(bufnr) == 0
  end)
  step("cleared", true)

  vim.cmd("AigentflowStatus")
  wait_for("the status command's reply", 20000, function()
    return #notes > 0
  end)
  step("status", notes[1])

  vim.cmd("checkhealth aigentflow")
  step("health", table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n"))

  for _, client in ipairs(vim.lsp.get_clients({ name = "aigentflow" })) do
    client:stop()
  end
  wait_for("the client to stop", 10000, function()
    return #vim.lsp.get_clients({ name = "aigentflow" }) == 0
  end)
  result.ok = true
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  result.ok = false
  result.error = tostring(err)
end
write_result()
vim.cmd(ok and "qall!" or "cquit! 1")
