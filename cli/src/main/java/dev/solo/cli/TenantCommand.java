package dev.solo.cli;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.TenantInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo tenant ...}: the admin's tenant commands. */
@Command(
    name = "tenant",
    description = "Create, list and delete tenants (admin).",
    subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Delete.class,
        TenantCommand.Quarantine.class, TenantCommand.Release.class})
final class TenantCommand {

  /** {@code solo tenant create NAME --out FILE}. */
  @Command(
      name = "create",
      description = {
        "Create a tenant and write its credentials file (client certificate, key and first token).",
        "The server does not keep the key or the token: the file is the only copy."
      })
  static final class Create extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Tenant name.")
    String name;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the credentials (default: NAME.creds).")
    Path out;

    @Override
    int run(SoloClient client) throws Exception {
      Path file = (out != null ? out : Path.of(name + ".creds")).toAbsolutePath().normalize();
      // Checked first: once the tenant exists its key and token cannot be fetched again.
      if (Files.exists(file)) {
        throw new CommandFailure(file + " already exists; choose another --out or remove it");
      }
      Credentials credentials = client.createTenant(name);
      credentials.write(file);
      out().println("created tenant " + credentials.tenant() + ", credentials in " + file);
      out().println("export SOLO_CREDS=" + shellQuoted(file.toString()));
      return 0;
    }

    private static String shellQuoted(String text) {
      return text.matches("[A-Za-z0-9_./:@%+=,-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
    }
  }

  /** {@code solo tenant list}. */
  @Command(name = "list", aliases = "ls", description = "List tenants.")
  static final class ListTenants extends ClientCommand {
    @Override
    int run(SoloClient client) {
      Table table = Table.of("NAME", "SERVICES", "QUARANTINED", "CREATED");
      for (TenantInfo t : client.listTenants()) {
        table.row(t.name(), t.services(), t.quarantined() ? "yes" : "no", when(t.created()));
      }
      table.print(out());
      return 0;
    }
  }

  /** {@code solo tenant delete NAME}. */
  @Command(name = "delete", description = "Delete a tenant with its services, tokens and secrets.")
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Tenant name.")
    String name;

    @Override
    int run(SoloClient client) {
      client.deleteTenant(name);
      out().println("deleted tenant " + name);
      return 0;
    }
  }

  /** {@code solo tenant quarantine NAME}: the kill switch. */
  @Command(name = "quarantine",
      description = "Refuse all of a tenant's calls at once and stop its services (state saved, nothing deleted).")
  static final class Quarantine extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Tenant name.")
    String name;

    @Override
    int run(SoloClient client) {
      client.quarantineTenant(name);
      out().println("tenant " + name + " is quarantined: its calls are refused and its services stopped; solo tenant release "
          + name + " undoes it");
      return 0;
    }
  }

  /** {@code solo tenant release NAME}. */
  @Command(name = "release", description = "Lift a tenant's quarantine: its services start again with their saved state.")
  static final class Release extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Tenant name.")
    String name;

    @Override
    int run(SoloClient client) {
      client.releaseTenant(name);
      out().println("tenant " + name + " is released");
      return 0;
    }
  }
}
