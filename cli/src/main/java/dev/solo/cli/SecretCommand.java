package dev.solo.cli;

import dev.solo.client.SoloClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo secret put|ls|rm}. */
@Command(
    name = "secret",
    description = "Store, list and delete the secrets of this tenant.",
    subcommands = {SecretCommand.Put.class, SecretCommand.Ls.class, SecretCommand.Rm.class})
final class SecretCommand {

  /** {@code solo secret put NAME}. */
  @Command(name = "put", description = "Store a secret; the value comes from --value, --from-file or standard input.")
  static final class Put extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Secret name.")
    String name;

    @ArgGroup(exclusive = true)
    Value value;

    /** Where the value comes from. */
    static final class Value {
      @Option(names = "--value", paramLabel = "TEXT", description = "The value (visible in the process list; prefer a file).")
      String text;

      @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from a file.")
      Path file;
    }

    @Override
    int run(SoloClient client) throws Exception {
      byte[] bytes =
          value == null
              ? System.in.readAllBytes()
              : value.text != null ? value.text.getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(value.file);
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
