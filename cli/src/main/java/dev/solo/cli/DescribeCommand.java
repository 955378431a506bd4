package dev.solo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solo.client.MethodInfo;
import dev.solo.client.ServiceDescription;
import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code solo describe SERVICE}: the methods a service described at its deploy, with their input schemas. */
@Command(
    name = "describe",
    description = {
      "Show the methods a service describes (its methods()), each with its input schema.",
      "This is what agents see as MCP tools named SERVICE__METHOD (solo mcp)."
    })
final class DescribeCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Override
  int run(SoloClient client) {
    ServiceDescription d = client.describe(service);
    out().println(d.service() + " version " + d.version());
    if (d.methods().isEmpty()) {
      out().println("(no methods described: the service's methods() returns none)");
      return 0;
    }
    Table table = Table.of("METHOD", "READ-ONLY", "DESCRIPTION");
    for (MethodInfo m : d.methods()) table.row(m.name(), m.readOnly() ? "yes" : "no", firstLine(m.description()));
    table.print(out());
    for (MethodInfo m : d.methods()) {
      out().println();
      out().println(m.name() + ": " + m.description());
      out().println("  input schema:");
      pretty(m.inputSchema()).lines().forEach(line -> out().println("    " + line));
    }
    return 0;
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  /** The server checked the schema at deploy; printed as it came should it not parse here. */
  private static String pretty(String schema) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(schema));
    } catch (JsonProcessingException e) {
      return schema;
    }
  }
}
