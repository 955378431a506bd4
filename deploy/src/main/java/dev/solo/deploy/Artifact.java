package dev.solo.deploy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The verified class files of one deployed version, named by their content hash.
 *
 * @param hash lowercase hex SHA-256 over a canonical encoding of the entry class and the class
 *     names and bytes in name order; the same code always has the same hash
 * @param entryClass the binary name of the service class, such as {@code Counter} or {@code com.acme.Counter}
 * @param classes binary name to class file bytes, sorted by name; the arrays must not be modified
 */
public record Artifact(String hash, String entryClass, Map<String, byte[]> classes) {

  /**
   * Copies the classes and checks that the hash is the hash of the content.
   *
   * @throws IllegalArgumentException if the entry class is missing or the hash does not match
   */
  public Artifact {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(entryClass, "entryClass");
    SortedMap<String, byte[]> copy = new TreeMap<>();
    classes.forEach((name, bytes) -> copy.put(Objects.requireNonNull(name), bytes.clone()));
    classes = Collections.unmodifiableSortedMap(copy);
    if (!classes.containsKey(entryClass)) {
      throw new IllegalArgumentException("the entry class " + entryClass + " is not among the classes");
    }
    String actual = hashOf(entryClass, copy);
    if (!actual.equals(hash)) {
      throw new IllegalArgumentException("the hash " + hash + " does not match the content, which hashes to " + actual);
    }
  }

  /** {@return the artifact of these classes, with its hash computed} */
  public static Artifact of(String entryClass, Map<String, byte[]> classes) {
    return new Artifact(hashOf(entryClass, new TreeMap<>(classes)), entryClass, classes);
  }

  /** {@return whether {@code other} is an artifact with the same hash, hence the same content} */
  @Override
  public boolean equals(Object other) {
    return other instanceof Artifact artifact && artifact.hash.equals(hash);
  }

  /** {@return a hash code derived from the content hash} */
  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  /** {@return the hash, the entry class and the number of classes, without the bytes} */
  @Override
  public String toString() {
    return "Artifact[" + hash + ", " + entryClass + ", " + classes.size() + " classes]";
  }

  private static String hashOf(String entryClass, SortedMap<String, byte[]> classes) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      DataOutputStream out = new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
      out.writeUTF("solo-artifact-1");
      out.writeUTF(entryClass);
      out.writeInt(classes.size());
      for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
        out.writeUTF(entry.getKey());
        out.writeInt(entry.getValue().length);
        out.write(entry.getValue());
      }
      out.flush();
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
