package dev.solo.capability.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master key file: created owner-only, loaded unchanged, refused when unsafe or damaged. */
class MasterKeyTest {
  private static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INFO = "test".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void newKeyFileIsOwnerOnlyAndHolds32RandomBytes() throws IOException {
    Path file = dir.resolve("master.key");

    MasterKey.loadOrCreate(file);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(32, Files.size(file));
    assertFalse(isAllZero(Files.readAllBytes(file)), "the key is random");
    assertEquals(List.of(file), filesIn(dir), "no temporary file is left behind");
  }

  @Test
  void loadingAgainGivesTheSameKey() throws IOException {
    Path file = dir.resolve("master.key");
    MasterKey created = MasterKey.loadOrCreate(file);
    byte[] written = Files.readAllBytes(file);

    MasterKey loaded = MasterKey.loadOrCreate(file);

    assertArrayEquals(written, Files.readAllBytes(file), "the file is not rewritten");
    assertArrayEquals(created.derive(SALT, INFO, 32), loaded.derive(SALT, INFO, 32));
  }

  @Test
  void twoKeyFilesHoldDifferentKeys() throws IOException {
    MasterKey first = MasterKey.loadOrCreate(dir.resolve("first.key"));
    MasterKey second = MasterKey.loadOrCreate(dir.resolve("second.key"));

    assertFalse(java.util.Arrays.equals(first.derive(SALT, INFO, 32), second.derive(SALT, INFO, 32)));
  }

  @Test
  void worldReadableKeyFileIsRefusedWithHowToFixIt() throws IOException {
    Path file = dir.resolve("master.key");
    MasterKey.loadOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    IOException refused = assertThrows(IOException.class, () -> MasterKey.loadOrCreate(file));

    assertEquals("the master key " + file + " is open to group or others (rw-r--r--); make it readable by its"
        + " owner only: chmod 600 " + file, refused.getMessage());
  }

  @Test
  void groupReadableKeyFileIsRefused() throws IOException {
    Path file = dir.resolve("master.key");
    MasterKey.loadOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    IOException refused = assertThrows(IOException.class, () -> MasterKey.loadOrCreate(file));

    assertEquals("the master key " + file + " is open to group or others (rw-r-----); make it readable by its"
        + " owner only: chmod 600 " + file, refused.getMessage());
  }

  @Test
  void keyFileOfTheWrongLengthIsRefused() throws IOException {
    for (int length : new int[] {0, 31, 33, 64}) {
      Path file = dir.resolve("master-" + length + ".key");
      Files.write(file, new byte[length]);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

      IOException refused = assertThrows(IOException.class, () -> MasterKey.loadOrCreate(file));

      assertEquals("the master key " + file + " holds " + length + " bytes, not 32; restore the original file"
          + " from a backup, since the stored secrets open with no other key", refused.getMessage());
      assertEquals(length, Files.size(file), "a damaged key file is never replaced");
    }
  }

  @Test
  void keyIsNeverShownByToString() throws IOException {
    Path file = dir.resolve("master.key");
    MasterKey key = MasterKey.loadOrCreate(file);
    String hex = HexFormat.of().formatHex(Files.readAllBytes(file));

    assertEquals("MasterKey[256 bits, hidden]", key.toString());
    assertFalse(key.toString().contains(hex));
  }

  @Test
  void keyIsNotCreatedInAMissingDirectory() {
    Path file = dir.resolve("missing").resolve("master.key");

    IOException refused = assertThrows(IOException.class, () -> MasterKey.loadOrCreate(file));

    assertEquals("cannot create the master key " + file + ": its directory does not exist", refused.getMessage());
  }

  private static boolean isAllZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static List<Path> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
