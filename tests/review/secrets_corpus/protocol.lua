-- Lua tables of method names.
local methods = {
  textDocument_semanticTokens_full = 'textDocument/semanticTokens/full',
  workspace_semanticTokens_refresh = 'workspace/semanticTokens/refresh',
  [ms.textDocument_semanticTokens_full] = 'semanticTokensProvider',
}
local client_secret = 'k9Qz2Lm7Xw4Rt8Vb3Np6' -- expect: secrets.generic
