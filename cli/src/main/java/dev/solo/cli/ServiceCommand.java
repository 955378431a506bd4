package dev.solo.cli;

import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code solo service ...}: the admin's commands on one tenant's service. */
@Command(
    name = "service",
    description = "Quarantine and release one tenant's service (admin).",
    subcommands = {ServiceCommand.Quarantine.class, ServiceCommand.Release.class})
final class ServiceCommand {

  /** {@code solo service quarantine TENANT/SERVICE}. */
  @Command(name = "quarantine", description = {
    "Stop a service with its state saved; its calls get UNAVAILABLE, and no code of it runs,",
    "until it is released. It stays quarantined across restarts."})
  static final class Quarantine extends ClientCommand {
    @Parameters(paramLabel = "TENANT/SERVICE", description = "The service, with its tenant.")
    String target;

    @Override
    int run(SoloClient client) {
      String[] parts = split(target);
      boolean changed = client.quarantineService(parts[0], parts[1]);
      out().println("service " + target + (changed ? " is quarantined" : " was already quarantined")
          + "; solo service release " + target + " undoes it");
      return 0;
    }
  }

  /** {@code solo service release TENANT/SERVICE}. */
  @Command(name = "release", description = "Start a quarantined service again, with the state it saved.")
  static final class Release extends ClientCommand {
    @Parameters(paramLabel = "TENANT/SERVICE", description = "The service, with its tenant.")
    String target;

    @Override
    int run(SoloClient client) {
      String[] parts = split(target);
      boolean changed = client.releaseService(parts[0], parts[1]);
      out().println("service " + target + (changed ? " is released" : " was not quarantined"));
      return 0;
    }
  }

  static String[] split(String target) {
    int slash = target.indexOf('/');
    if (slash <= 0 || slash == target.length() - 1 || target.indexOf('/', slash + 1) >= 0) {
      throw new CommandFailure("name the service as TENANT/SERVICE, for example acme/counter; got " + target);
    }
    return new String[] {target.substring(0, slash), target.substring(slash + 1)};
  }
}
