package dev.solo.deploy;

import dev.solo.hardening.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Source files for tests: one line per argument, so line numbers in assertions are easy to read. */
final class Submission {
  private Submission() {}

  /** {@return one file whose lines are {@code lines}, line 1 first} */
  static Map<String, String> file(String name, String... lines) {
    return Map.of(name, String.join("\n", lines) + "\n");
  }

  /** {@return the files of one example under {@code ../examples/<dir>}} */
  static Map<String, String> example(String dir) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(Path.of("../examples", dir))) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
        files.put(path.getFileName().toString(), Files.readString(path));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** {@return the findings of a refused deploy as a user reads them; fails if it was accepted} */
  static List<String> findings(DeployResult result) {
    if (result instanceof DeployResult.Refused refused) {
      return refused.findings().stream().map(Finding::toString).toList();
    }
    throw new AssertionError("expected a refusal, got " + result);
  }

  /** {@return the artifact of an accepted deploy; fails with the findings if it was refused} */
  static Artifact accepted(DeployResult result) {
    if (result instanceof DeployResult.Accepted accepted) {
      return accepted.artifact();
    }
    throw new AssertionError("expected the deploy to be accepted, got " + findings(result));
  }
}
