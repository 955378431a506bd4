package dev.solo.cli;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that talks to a running server as the principal of a credentials file. */
abstract class ClientCommand implements Callable<Integer> {

  @Option(
      names = "--creds",
      paramLabel = "FILE",
      description = "Credentials file; default: $SOLO_CREDS, else data/admin.creds.")
  Path creds;

  @Spec CommandSpec spec;

  /** The credentials this command runs with, once {@link #call} has read them. */
  Credentials credentials;

  /** Runs the command with a client connected as the credentials' principal. */
  abstract int run(SoloClient client) throws Exception;

  @Override
  public final Integer call() throws Exception {
    quietLogging();
    credentials = credentials();
    try (SoloClient client = SoloClient.connect(credentials)) {
      return run(client);
    }
  }

  PrintStream out() {
    return terminal().out();
  }

  PrintStream err() {
    return terminal().err();
  }

  /** {@return the time in ISO-8601 UTC, or {@code -} when unknown} */
  static String when(Instant time) {
    return time.equals(Instant.EPOCH) ? "-" : time.toString();
  }

  /** {@return the text, or {@code -} when empty} */
  static String orDash(String text) {
    return text.isEmpty() ? "-" : text;
  }

  /** Keeps library logs off stdout, which carries the result; applies if logging has not started. */
  private static void quietLogging() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dev/solo/cli/client-logback.xml");
      if ("1".equals(System.getenv("SOLO_DEBUG"))) System.setProperty("solo.client.log", "DEBUG");
    }
  }

  private Credentials credentials() throws IOException {
    String fromEnv = System.getenv("SOLO_CREDS");
    Path file = creds != null ? creds : Credentials.defaultPath();
    if (!Files.exists(file)) {
      String source =
          creds != null ? "--creds" : fromEnv != null && !fromEnv.isBlank() ? "$SOLO_CREDS" : "the default, as neither --creds nor $SOLO_CREDS is set";
      throw new CommandFailure(
          "no credentials file at "
              + file.toAbsolutePath().normalize()
              + " (from "
              + source
              + ")\n"
              + "  `./solo server` writes data/admin.creds on its first start (DIR/admin.creds with --data DIR);\n"
              + "  for a tenant: `solo tenant create NAME --out FILE`, then --creds FILE or export SOLO_CREDS=FILE.");
    }
    return Credentials.read(file);
  }

  private Terminal terminal() {
    return ((SoloCommand) spec.root().userObject()).terminal;
  }
}
