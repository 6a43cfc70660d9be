-- Options of require("aigentflow").setup(), their defaults, and the vim.lsp.config they produce.
local M = {}

M.defaults = {
  -- The server command: `aigentflow lsp` attaches to (or starts) the workspace daemon.
  cmd = { "aigentflow", "lsp" },
  -- Run the core inside the language server process instead (`aigentflow lsp --standalone`).
  standalone = false,
  -- Filetypes to attach to; nil attaches to every buffer that has a filetype.
  filetypes = nil,
  -- The workspace root is the nearest folder holding one of these (else the file's folder).
  root_markers = { ".aigentflow", ".git", "pyproject.toml", "package.json", "go.mod", "Cargo.toml" },
  -- Configuration layered over the project's .aigentflow/config.yaml for this editor, same
  -- schema, e.g. { review = { debounce_ms = 100, secrets = { entropy_threshold = 4.0 } } }.
  settings = {},
  -- Show the server's work-done progress (indexing, reviews, build–test–fix) in the message area.
  progress = true,
  -- Call vim.lsp.enable("aigentflow") from setup().
  autostart = true,
}

M.options = vim.deepcopy(M.defaults)

--- Merge user options over the defaults (lists are replaced, not merged).
function M.apply(opts)
  vim.validate("opts", opts, "table", true)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  for _, key in ipairs({ "cmd", "root_markers", "filetypes" }) do
    if opts and opts[key] ~= nil then
      M.options[key] = opts[key]
    end
  end
  vim.validate("cmd", M.options.cmd, "table")
  vim.validate("root_markers", M.options.root_markers, "table")
  return M.options
end

--- The command line, with --standalone appended once when asked for.
function M.cmd(options)
  local cmd = vim.deepcopy(options.cmd)
  if options.standalone and not vim.tbl_contains(cmd, "--standalone") then
    table.insert(cmd, "--standalone")
  end
  return cmd
end

--- The folder a buffer belongs to: nearest root marker, else the file's own folder.
function M.root_for(bufnr, markers)
  local root = vim.fs.root(bufnr, markers)
  if root then
    return root
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return vim.uv.cwd()
  end
  return vim.fs.dirname(vim.fs.normalize(vim.fn.fnamemodify(name, ":p")))
end

--- The table given to vim.lsp.config("aigentflow", ...).
function M.lsp_config(options)
  local config = {
    cmd = M.cmd(options),
    root_dir = function(bufnr, on_dir)
      if vim.bo[bufnr].buftype == "" then
        on_dir(M.root_for(bufnr, options.root_markers))
      end
    end,
    init_options = {
      settings = vim.tbl_isempty(options.settings) and vim.empty_dict() or options.settings,
      client = { name = "neovim", version = tostring(vim.version()) },
    },
  }
  if options.filetypes ~= nil then
    config.filetypes = options.filetypes
  end
  return config
end

return M
