package dev.solo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  private static final Credentials ACME =
      new Credentials(
          "localhost:7443", "acme", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
          "-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n",
          "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n", "s3cret-token", "tok-7");

  @TempDir Path dir;

  @Test
  void writtenCredentialsReadBackEqual() throws IOException {
    Path file = dir.resolve("acme.creds");
    ACME.write(file);
    assertEquals(ACME, Credentials.read(file));
  }

  @Test
  void writtenFileIsReadableByItsOwnerOnly() throws IOException {
    Path file = dir.resolve("sub/acme.creds");
    ACME.write(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void writeReplacesAnEarlierFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("acme.creds");
    Files.writeString(file, "old");
    ACME.withServer("127.0.0.1:9000").write(file);
    assertEquals("127.0.0.1:9000", Credentials.read(file).server());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void fileUsesTheDocumentedKeys() throws IOException {
    Path file = dir.resolve("acme.creds");
    ACME.write(file);
    String json = Files.readString(file);
    for (String key : new String[] {"server", "tenant", "ca", "cert", "key", "token", "token_id"}) {
      assertTrue(json.contains("\"" + key + "\""), key + " in " + json);
    }
  }

  @Test
  void unknownKeysAreIgnoredAndTenantDefaultsToAdmin() throws IOException {
    Path file = dir.resolve("admin.creds");
    Files.writeString(
        file, "{\"server\":\"h:1\",\"ca\":\"c\",\"cert\":\"e\",\"key\":\"k\",\"token\":\"t\",\"comment\":\"x\"}");
    Credentials read = Credentials.read(file);
    assertTrue(read.isAdmin());
    assertEquals("", read.tokenId());
  }

  @Test
  void missingKeyIsNamedWithTheFile() throws IOException {
    Path file = dir.resolve("broken.creds");
    Files.writeString(file, "{\"server\":\"h:1\",\"ca\":\"c\",\"cert\":\"e\",\"token\":\"t\"}");
    IOException e = assertThrows(IOException.class, () -> Credentials.read(file));
    assertTrue(e.getMessage().contains("\"key\""), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void fileThatIsNotJsonIsRefusedClearly() throws IOException {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "hello");
    IOException e = assertThrows(IOException.class, () -> Credentials.read(file));
    assertTrue(e.getMessage().startsWith(file + " is not a credentials file"), e.getMessage());
  }

  @Test
  void toStringHidesTheKeyAndTheToken() {
    String text = ACME.toString();
    assertFalse(text.contains("s3cret-token"), text);
    assertFalse(text.contains("PRIVATE KEY"), text);
    assertTrue(text.contains("acme"), text);
  }

  @Test
  void defaultPathIsSoloCredsElseDataAdminCreds() {
    assertEquals(Path.of("/etc/x.creds"), Credentials.defaultPath(Map.of("SOLO_CREDS", "/etc/x.creds")));
    assertEquals(Path.of("data/admin.creds"), Credentials.defaultPath(Map.of()));
    assertEquals(Path.of("data/admin.creds"), Credentials.defaultPath(Map.of("SOLO_CREDS", "")));
  }
}
