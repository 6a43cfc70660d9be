-- Default configuration for vim.lsp.enable("aigentflow") (Neovim >= 0.11 reads lsp/<name>.lua
-- from the runtimepath). require("aigentflow").setup() layers the user's options over it.
local config = require("aigentflow.config")
return config.lsp_config(config.options)
