"""LSP adapter: diagnostics, code actions and commands on pygls 2.x."""
