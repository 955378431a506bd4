package dev.solo.deploy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The artifacts of recently accepted sources, by tenant and a hash of the sources: a deploy of
 * sources that passed every pass before for the same tenant (a tenant deploying the same service
 * ten times) skips parsing, javac, verification and instrumentation and stores the same artifact
 * again. Never across tenants: that would tell one tenant what another deployed, by its speed. Only accepted sources
 * are kept, at most {@link #CAPACITY}, least recently used first out. Thread-safe.
 */
final class CompiledSources {
  static final int CAPACITY = 256;

  private final Map<String, Artifact> artifacts = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Artifact> eldest) {
      return size() > CAPACITY;
    }
  };

  /** {@return the artifact the passes made of the sources with this key, if still kept} */
  synchronized Optional<Artifact> get(String key) {
    return Optional.ofNullable(artifacts.get(key));
  }

  /** Keeps the artifact the passes made of the sources with this key. */
  synchronized void put(String key, Artifact artifact) {
    artifacts.put(key, artifact);
  }

  /** {@return SHA-256 over the file names and texts in name order, each length-prefixed} */
  static String keyOf(Map<String, String> files) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
      for (String part : new String[] {file.getKey(), file.getValue()}) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
