package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.VersionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code solo versions SERVICE}. */
@Command(name = "versions", description = "List the kept versions of a service.")
final class VersionsCommand extends ClientCommand {

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Override
  int run(SoloClient client) {
    Table table = Table.of("VERSION", "STATE", "ARTIFACT", "DEPLOYED");
    for (VersionInfo v : client.versions(service)) {
      table.row(v.version(), v.state(), DeployCommand.shortHash(v.artifactHash()), when(v.deployed()));
    }
    table.print(out());
    return 0;
  }
}
