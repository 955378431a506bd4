package dev.solo.cli;

import dev.solo.client.DeployResult;
import dev.solo.client.SoloClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo deploy SERVICE FILE...}: checks, compiles and starts a new version. */
@Command(
    name = "deploy",
    description = {
      "Deploy a new version of a service from Java source files.",
      "A refused deploy prints each finding as File.java:LINE:COL: RULE: message."
    })
final class DeployCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Java source files.")
  List<Path> files;

  @Option(names = "--grant", paramLabel = "PERMISSION", description = "Grant a capability to the service (repeatable), for example secret.read:db.")
  List<String> grants = new ArrayList<>();

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) throws Exception {
    DeployResult r = client.deploy(service, SoloClient.sources(files), grants, explanation);
    out().println("deployed " + r.service() + " version " + r.version() + " (artifact " + shortHash(r.artifactHash()) + ")");
    return 0;
  }

  /** {@return the first 12 characters of an artifact hash} */
  static String shortHash(String hash) {
    return hash.length() <= 12 ? hash : hash.substring(0, 12);
  }
}
