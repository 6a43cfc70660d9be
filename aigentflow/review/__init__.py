"""Review: rule packs turn source files into findings."""
