-- aigentflow.nvim: Aigentflow's diagnostics, code actions and commands in Neovim >= 0.11.
--
--   require("aigentflow").setup({ cmd = { "/path/to/.venv/bin/aigentflow", "lsp" } })
--
-- setup() registers the "aigentflow" server with vim.lsp.config and enables it; the user
-- commands (:AigentflowFix, :AigentflowReview, :AigentflowSearch, :AigentflowStatus) come from
-- plugin/aigentflow.lua.
local config = require("aigentflow.config")

local M = {}

M.commands = require("aigentflow.commands")

local progress_group = vim.api.nvim_create_augroup("aigentflow.progress", { clear = true })
local last_progress = ""

local function progress_text(value)
  if value.kind == "end" then
    return ""
  end
  local parts = { value.title or "" }
  if value.message and value.message ~= "" then
    table.insert(parts, value.message)
  end
  if value.percentage then
    table.insert(parts, string.format("(%d%%)", value.percentage))
  end
  return table.concat(parts, " ")
end

--- Show the server's $/progress (indexing, reviews, build–test–fix) in the message area.
local function watch_progress()
  vim.api.nvim_clear_autocmds({ group = progress_group })
  vim.api.nvim_create_autocmd("LspProgress", {
    group = progress_group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      local value = ev.data.params and ev.data.params.value
      if not client or client.name ~= "aigentflow" or type(value) ~= "table" then
        return
      end
      last_progress = progress_text(value)
      if config.options.progress then
        local text = last_progress ~= "" and ("aigentflow: " .. last_progress) or ""
        vim.api.nvim_echo({ { text } }, false, {})
      end
      vim.cmd.redrawstatus()
    end,
  })
end

--- Configure and (with autostart) enable the language server. Safe to call again.
function M.setup(opts)
  if vim.fn.has("nvim-0.11") == 0 then
    vim.notify("aigentflow.nvim needs Neovim >= 0.11", vim.log.levels.ERROR)
    return
  end
  local options = config.apply(opts)
  vim.lsp.config("aigentflow", config.lsp_config(options))
  watch_progress()
  if options.autostart then
    vim.lsp.enable("aigentflow")
  end
end

--- The current server progress, for a statusline component ("" when idle).
function M.statusline()
  return last_progress
end

return M
