-- Loaded at start-up (built-in packages, lazy.nvim): defines the user commands only; the LSP
-- configuration waits for require("aigentflow").setup({...}).
if vim.g.loaded_aigentflow then
  return
end
vim.g.loaded_aigentflow = true

if vim.fn.has("nvim-0.11") == 0 then
  vim.notify("aigentflow.nvim needs Neovim >= 0.11", vim.log.levels.WARN)
  return
end

local function act(name)
  return function(cmd)
    require("aigentflow.actions")[name](cmd)
  end
end

vim.api.nvim_create_user_command("AigentflowFix", act("fix"), {
  nargs = "?",
  complete = function()
    return { "project", "test" }
  end,
  desc = "Aigentflow: build–test–fix the project, or the current test file with `test`",
})
vim.api.nvim_create_user_command("AigentflowReview", act("review"), {
  desc = "Aigentflow: review the uncommitted changes (findings into the quickfix list)",
})
vim.api.nvim_create_user_command("AigentflowSearch", act("search"), {
  nargs = "+",
  desc = "Aigentflow: search the workspace index (hits into the quickfix list)",
})
vim.api.nvim_create_user_command("AigentflowStatus", act("status"), {
  desc = "Aigentflow: show the daemon and index status",
})
