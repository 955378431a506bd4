package dev.solo.cli;

import dev.solo.client.CallResult;
import dev.solo.client.SoloClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo call SERVICE METHOD}: prints the reply body. */
@Command(
    name = "call",
    description = {
      "Call a method of a service and print the reply body.",
      "A reply status of 400 or more prints `status N` on stderr and exits with 1."
    })
final class CallCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Parameters(index = "1", paramLabel = "METHOD", description = "Method name.")
  String method;

  @ArgGroup(exclusive = true)
  Body body;

  /** The request body: inline text or a file; none means empty. */
  static final class Body {
    @Option(names = "--data", paramLabel = "TEXT", description = "Request body as text.")
    String text;

    @Option(names = "--data-file", paramLabel = "FILE", description = "Request body from a file; - for standard input.")
    Path file;

    byte[] bytes() throws IOException {
      if (text != null) return text.getBytes(StandardCharsets.UTF_8);
      return file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
    }
  }

  @Override
  int run(SoloClient client) throws Exception {
    CallResult reply = client.call(service, method, body == null ? new byte[0] : body.bytes());
    out().writeBytes(reply.body());
    out().println();
    if (reply.ok()) return 0;
    err().println("status " + reply.status());
    return 1;
  }
}
