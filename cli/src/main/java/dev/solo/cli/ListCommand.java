package dev.solo.cli;

import dev.solo.client.ServiceInfo;
import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;

/** {@code solo list}: one line per service. */
@Command(name = "list", aliases = "ls", description = "List the services of this tenant.")
final class ListCommand extends ClientCommand {

  @Override
  int run(SoloClient client) {
    Table table = Table.of("NAME", "VERSION", "STATE", "ARTIFACT", "DEPLOYED");
    for (ServiceInfo s : client.listServices()) {
      table.row(s.name(), s.version(), s.state(), DeployCommand.shortHash(orDash(s.artifactHash())), when(s.deployed()));
    }
    table.print(out());
    return 0;
  }
}
