package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import dev.solo.client.WhoAmI;
import dev.solo.mcp.SoloMcpServer;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code solo mcp}: an MCP server for agents, acting as the principal of the credentials. Over
 * stdio (the default) stdout carries only the protocol; everything else goes to stderr.
 */
@Command(
    name = "mcp",
    description = {
      "Serve the Model Context Protocol to an agent, acting as the tenant of the credentials.",
      "Over stdio by default (an agent starts `solo mcp --creds FILE` as a child process; stdout carries only"
          + " MCP, diagnostics go to stderr); with --http PORT, streamable HTTP on http://127.0.0.1:PORT/mcp.",
      "Tools: solo_whoami, solo_list_services, solo_describe_service, solo_deploy_service, solo_call_service,"
          + " solo_hot_swap, solo_rollback, solo_kill_service, solo_get_events, solo_get_logs, and SERVICE__METHOD"
          + " for each described method of each live service."
    })
final class McpCommand extends ClientCommand {

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "Serve streamable HTTP on 127.0.0.1:PORT (path /mcp) instead of stdio; 0 picks a free port.")
  Integer httpPort;

  @Override
  int run(SoloClient client) throws Exception {
    if (httpPort != null && (httpPort < 0 || httpPort > 65_535)) {
      throw new CommandFailure("--http takes a port from 0 to 65535, got " + httpPort);
    }
    String who = whoAmI(client);
    if (httpPort == null) {
      PrintStream protocol = out();
      // Whatever a library prints by mistake must not corrupt the protocol stream.
      System.setOut(err());
      err().println("solo mcp: serving MCP on stdio, " + who);
      try (SoloMcpServer mcp = SoloMcpServer.stdio(client, System.in, protocol)) {
        mcp.awaitTermination();
      }
      return 0;
    }
    SoloMcpServer mcp;
    try {
      mcp = SoloMcpServer.http(client, httpPort);
    } catch (IllegalStateException e) {
      throw new CommandFailure(e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(mcp::close, "solo-mcp-stop"));
    out().println("solo mcp: streamable HTTP on http://127.0.0.1:" + mcp.port().orElseThrow() + "/mcp, " + who);
    out().flush();
    mcp.awaitTermination();
    return 0;
  }

  /** Says who the tools act as; a server that is down now may be up by the first tool call. */
  private String whoAmI(SoloClient client) {
    try {
      WhoAmI me = client.whoAmI();
      if (me.tenant().isEmpty()) {
        err().println("solo mcp: warning: " + me.principal() + " has no services; use a tenant's credentials"
            + " (solo tenant create NAME --out FILE)");
      }
      return "acting as " + me.principal() + " on " + client.server();
    } catch (SoloException e) {
      err().println("solo mcp: warning: " + e.getMessage() + "; the tools will say so until the server answers");
      return "for " + client.server();
    }
  }
}
