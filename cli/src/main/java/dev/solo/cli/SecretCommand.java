package dev.solo.cli;

import dev.solo.client.SoloClient;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo secret put|ls|rm}. */
@Command(
    name = "secret",
    description = "Store, list and delete the secrets of this tenant.",
    subcommands = {SecretCommand.Put.class, SecretCommand.Ls.class, SecretCommand.Rm.class})
final class SecretCommand {

  /** {@code solo secret put NAME --value-file F}. */
  @Command(name = "put", description = "Store a secret; the value comes from --value-file, or standard input without it.")
  static final class Put extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Secret name.")
    String name;

    // No option takes the value itself: it would show in the shell history and the process list.
    @Option(names = "--value-file", paramLabel = "FILE", description = "Read the value from this file (else standard input).")
    Path file;

    @Override
    int run(SoloClient client) throws Exception {
      byte[] bytes = file == null ? System.in.readAllBytes() : Files.readAllBytes(file);
      client.putSecret(name, bytes);
      out().println("stored secret " + name);
      return 0;
    }
  }

  /** {@code solo secret ls}. */
  @Command(name = "ls", aliases = "list", description = "List secret names.")
  static final class Ls extends ClientCommand {
    @Override
    int run(SoloClient client) {
      client.secrets().forEach(out()::println);
      return 0;
    }
  }

  /** {@code solo secret rm NAME}. */
  @Command(name = "rm", aliases = "delete", description = "Delete a secret.")
  static final class Rm extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Secret name.")
    String name;

    @Override
    int run(SoloClient client) {
      client.deleteSecret(name);
      out().println("deleted secret " + name);
      return 0;
    }
  }
}
