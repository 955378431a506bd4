package dev.solo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code solo}: the root command; without a subcommand it prints the usage. */
@Command(
    name = "solo",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = SoloCommand.Version.class,
    description = "Run a Solo server, and deploy, call and watch services on it.",
    subcommands = {
      HelpCommand.class,
      ServerCommand.class,
      WhoAmICommand.class,
      TenantCommand.class,
      ServiceCommand.class,
      DeployCommand.class,
      SwapCommand.class,
      RollbackCommand.class,
      VersionsCommand.class,
      CallCommand.class,
      KillCommand.class,
      ListCommand.class,
      StatusCommand.class,
      DescribeCommand.class,
      LogsCommand.class,
      EventsCommand.class,
      GrantCommand.class,
      TokensCommand.class,
      RevokeCommand.class,
      SecretCommand.class,
      AdminCommand.class,
      CertsCommand.class,
      McpCommand.class
    },
    footer = {
      "",
      "Client commands act as the principal of a credentials file: --creds FILE, else $SOLO_CREDS,"
          + " else ./data/admin.creds.",
      "Exit status: 0 success, 1 failure (CODE: reason on stderr), 2 usage error.",
      "SOLO_DEBUG=1 prints stack traces."
    })
final class SoloCommand implements Callable<Integer> {
  final Terminal terminal;
  @Spec CommandSpec spec;

  SoloCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(terminal.out());
    return 0;
  }

  /** The version in the jar's manifest, or {@code dev} when run from classes. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SoloCommand.class.getPackage().getImplementationVersion();
      return new String[] {"solo " + (version == null ? "dev" : version)};
    }
  }
}
