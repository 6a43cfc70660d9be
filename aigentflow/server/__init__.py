"""MCP adapter: tools, resources and prompts on the mcp 2.x SDK."""
