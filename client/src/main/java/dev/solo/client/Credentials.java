package dev.solo.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to reach a Solo server as one principal: where the server is, the CA that
 * signed its certificate, this principal's client certificate and key, and its token. Stored as a
 * JSON file with the keys {@code server}, {@code tenant}, {@code ca}, {@code cert}, {@code key},
 * {@code token} and {@code token_id}; the file is readable by its owner only.
 *
 * @param server the server address, {@code host:port}
 * @param tenant the tenant these credentials act as; empty for the admin
 * @param ca the PEM certificate of the server's CA
 * @param cert the PEM client certificate
 * @param key the PEM (PKCS#8) private key of the client certificate
 * @param token the bearer token sent with every call
 * @param tokenId the public id of the token, for listing and revoking it
 */
public record Credentials(
    String server, String tenant, String ca, String cert, String key, String token, String tokenId) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks that nothing is null; the tenant and token id may be empty. */
  public Credentials {
    Objects.requireNonNull(server, "server");
    tenant = Objects.requireNonNullElse(tenant, "");
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    tokenId = Objects.requireNonNullElse(tokenId, "");
  }

  /**
   * Reads a credentials file. Unknown keys are ignored.
   *
   * @throws IOException if the file cannot be read, is not JSON, or lacks a required key
   */
  public static Credentials read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not a credentials file (not JSON): " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IOException(file + " is not a credentials file (expected a JSON object)");
    }
    return new Credentials(
        required(root, "server", file),
        optional(root, "tenant"),
        required(root, "ca", file),
        required(root, "cert", file),
        required(root, "key", file),
        required(root, "token", file),
        optional(root, "token_id"));
  }

  /**
   * Writes these credentials to a file readable and writable by its owner only ({@code
   * rw-------}). The file appears whole or not at all: a temporary file with those permissions is
   * written next to it and then moved into place, replacing any earlier file.
   */
  public void write(Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path temp = createOwnerOnly(target);
    try {
      Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@return these credentials with another server address, {@code host:port}} */
  public Credentials withServer(String server) {
    return new Credentials(server, tenant, ca, cert, key, token, tokenId);
  }

  /** {@return true if these are the admin's credentials} */
  public boolean isAdmin() {
    return tenant.isEmpty();
  }

  /**
   * {@return the credentials file to use when none is named: {@code $SOLO_CREDS} if set, else
   * {@code ./data/admin.creds}}
   */
  public static Path defaultPath() {
    return defaultPath(System.getenv());
  }

  static Path defaultPath(Map<String, String> env) {
    String named = env.get("SOLO_CREDS");
    return named == null || named.isBlank() ? Path.of("data", "admin.creds") : Path.of(named);
  }

  /** Leaves out the key and the token, so that logging credentials does not leak them. */
  @Override
  public String toString() {
    return "Credentials[server=" + server + ", tenant=" + tenant + ", tokenId=" + tokenId + "]";
  }

  private ObjectNode toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("server", server);
    node.put("tenant", tenant);
    node.put("ca", ca);
    node.put("cert", cert);
    node.put("key", key);
    node.put("token", token);
    node.put("token_id", tokenId);
    return node;
  }

  private static Path createOwnerOnly(Path target) throws IOException {
    Path dir = target.getParent();
    String prefix = "." + target.getFileName() + ".";
    try {
      return Files.createTempFile(
          dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): the temp file is private to the user's profile anyway.
      return Files.createTempFile(dir, prefix, ".tmp");
    }
  }

  private static String required(JsonNode root, String name, Path file) throws IOException {
    JsonNode value = root.get(name);
    if (value == null || value.isNull()) {
      throw new IOException(file + " lacks the key \"" + name + "\"; is it a Solo credentials file?");
    }
    if (!value.isTextual()) {
      throw new IOException(file + ": the key \"" + name + "\" must be a string");
    }
    return value.asText();
  }

  private static String optional(JsonNode root, String name) {
    JsonNode value = root.get(name);
    return value == null || value.isNull() ? "" : value.asText();
  }
}
