-- How a tool presents itself to MCP hosts, per version and mirrored on the tool like its signature:
-- {"title", "icons", "annotations": {"readOnlyHint", "destructiveHint", "idempotentHint" (set by the
-- owner), "openWorldHint" (derived from the version's network policy)}, "outputSchema"}.
alter table tool_versions add column mcp jsonb;
alter table tool_registry add column mcp jsonb;
