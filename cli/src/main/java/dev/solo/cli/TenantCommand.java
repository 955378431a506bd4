package dev.solo.cli;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.TenantDeletion;
import dev.solo.client.TenantInfo;
import dev.solo.client.TenantLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo tenant ...}: the admin's tenant commands. */
@Command(
    name = "tenant",
    description = "Create, list, limit, quarantine and delete tenants (admin).",
    subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Delete.class,
        TenantCommand.QuotaCommand.class, TenantCommand.Quarantine.class, TenantCommand.Release.class})
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

  /** {@code solo tenant delete NAME --yes}. */
  @Command(name = "delete", description = {
    "Delete a tenant for good: its tokens are revoked, its secrets deleted, its services stopped,",
    "its key-value data and saved state removed. Its events stay in the log."})
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Tenant name.")
    String name;

    @Option(names = "--yes", description = "Confirm: nothing of the tenant can be brought back.")
    boolean yes;

    @Override
    int run(SoloClient client) {
      if (!yes) {
        throw new CommandFailure("deleting tenant " + name + " removes its services, data, tokens and secrets for good;"
            + " add --yes to confirm");
      }
      TenantDeletion deleted = client.deleteTenant(name);
      out().println("deleted tenant " + name + ": " + deleted.servicesStopped() + " services stopped, "
          + deleted.tokensRevoked() + " tokens revoked, " + deleted.secretsDeleted() + " secrets deleted");
      return 0;
    }
  }

  /** {@code solo tenant quota NAME [--max-services N] ...}: sets limits, then shows them all. */
  @Command(name = "quota", description = {
    "Set a tenant's limits (only those given; the rest stay as they are) and show all of them.",
    "With no option, only shows them. Defaults and settings: solo.limits in the server's solo.conf."})
  static final class QuotaCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Tenant name.")
    String name;

    @Option(names = "--max-services", paramLabel = "N", description = "Services the tenant may have.")
    int maxServices;

    @Option(names = "--max-inflight", paramLabel = "N", description = "Calls of the tenant in flight at once.")
    int maxInflight;

    @Option(names = "--cpu-ms", paramLabel = "N", description = "CPU time of one call, in milliseconds.")
    long cpuMs;

    @Option(names = "--memory-mb", paramLabel = "N", description = "Memory one call may allocate, in MiB.")
    long memoryMb;

    @Option(names = "--queue", paramLabel = "N", description = "Requests queued per service.")
    int queue;

    @Option(names = "--kv-mb", paramLabel = "N", description = "Key-value storage of the tenant, in MiB.")
    long kvMb;

    @Override
    int run(SoloClient client) {
      for (long value : new long[] {maxServices, maxInflight, cpuMs, memoryMb, queue, kvMb}) {
        if (value < 0) {
          throw new CommandFailure("a limit must be a positive number, got " + value);
        }
      }
      TenantLimits limits = client.setQuota(new TenantLimits(name, maxServices, maxInflight, cpuMs, memoryMb, queue, kvMb));
      Table table = Table.of("LIMIT", "VALUE");
      table.row("max-services", limits.maxServices());
      table.row("max-inflight", limits.maxInflight());
      table.row("cpu-ms", limits.cpuMs());
      table.row("memory-mb", limits.memoryMb());
      table.row("queue", limits.queue());
      table.row("kv-mb", limits.kvMb());
      out().println("tenant " + name);
      table.print(out());
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
      boolean changed = client.quarantineTenant(name);
      out().println("tenant " + name + (changed ? " is quarantined" : " was already quarantined")
          + ": its calls are refused and its services stopped; solo tenant release " + name + " undoes it");
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
      boolean changed = client.releaseTenant(name);
      out().println("tenant " + name + (changed ? " is released" : " was not quarantined"));
      return 0;
    }
  }
}
