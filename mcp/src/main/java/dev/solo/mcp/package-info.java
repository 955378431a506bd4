/**
 * The MCP server for agents (DESIGN.md §12): a client of the gateway like the CLI, acting as the
 * tenant of its credentials and nothing more. It offers fixed tools for the platform and one tool
 * per described method of every live service, and keeps the latter current by following the
 * tenant's event log. {@link dev.solo.mcp.SoloMcpServer} is the entry point.
 */
package dev.solo.mcp;
