package dev.solo.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The example services the benchmarks deploy, copied from {@code examples/} into the jar at build time. */
final class BenchSources {
  private BenchSources() {}

  /** {@return the source of {@code examples/PATH}, for example {@code counter/Counter.java}} */
  static String read(String path) throws IOException {
    try (InputStream in = BenchSources.class.getResourceAsStream("examples/" + path)) {
      if (in == null) {
        throw new IOException("examples/" + path + " is not in the bench jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
