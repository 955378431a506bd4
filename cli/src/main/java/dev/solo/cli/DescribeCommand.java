package dev.solo.cli;

import dev.solo.client.MethodInfo;
import dev.solo.client.ServiceDescription;
import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code solo describe SERVICE}. */
@Command(name = "describe", description = "Show the methods a service describes.")
final class DescribeCommand extends ClientCommand {

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Override
  int run(SoloClient client) {
    ServiceDescription d = client.describe(service);
    out().println(d.service() + " version " + d.version());
    Table table = Table.of("METHOD", "READ-ONLY", "DESCRIPTION");
    for (MethodInfo m : d.methods()) table.row(m.name(), m.readOnly() ? "yes" : "no", m.description());
    table.print(out());
    return 0;
  }
}
