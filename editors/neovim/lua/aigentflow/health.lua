-- :checkhealth aigentflow
local config = require("aigentflow.config")

local M = {}

function M.check()
  local health = vim.health
  health.start("aigentflow.nvim")
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. tostring(vim.version()))
  else
    health.error("Neovim >= 0.11 is required (vim.lsp.config / vim.lsp.enable)")
  end

  local cmd = config.cmd(config.options)
  local exe = cmd[1]
  if vim.fn.executable(exe) == 1 then
    health.ok(string.format("`%s` found: %s", exe, vim.fn.exepath(exe)))
    -- The command up to its `lsp` subcommand, asked for its version: works for
    -- `aigentflow lsp` and for `python -m aigentflow lsp` alike.
    local probe = {}
    for _, part in ipairs(cmd) do
      if part == "lsp" then
        break
      end
      table.insert(probe, part)
    end
    table.insert(probe, "--version")
    local version = vim.system(probe, { text = true }):wait(10000)
    if version.code == 0 then
      health.ok(vim.trim(version.stdout))
    else
      health.warn(string.format("`%s` failed: %s", table.concat(probe, " "), vim.trim(version.stderr or "")))
    end
  else
    health.error(string.format("`%s` is not executable or not on PATH", exe), {
      "Install it: python3 -m pip install aigentflow",
      'Or give its full path: require("aigentflow").setup({ cmd = { "/path/to/.venv/bin/aigentflow", "lsp" } })',
    })
  end
  health.info("server command: " .. table.concat(cmd, " "))

  local clients = vim.lsp.get_clients({ name = "aigentflow" })
  if #clients == 0 then
    health.warn("no aigentflow client is running", {
      'Call require("aigentflow").setup() in your config, then open a file in a project',
    })
  end
  for _, client in ipairs(clients) do
    health.ok(string.format("client %d running, root %s", client.id, client.root_dir or "(none)"))
  end
end

return M
