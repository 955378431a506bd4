package dev.solo.capability.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The 256-bit key every secret's key is derived from, kept in a file only its owner can read.
 * Losing the file loses every stored secret, so it is never replaced once written. The key never
 * appears in {@link #toString()}, in an exception or in a log line.
 */
public final class MasterKey {
  /** The length of the key, and of the file, in bytes. */
  public static final int KEY_BYTES = 32;

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_BITS = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private MasterKey(byte[] key) {
    this.key = key;
  }

  /**
   * {@return the key in {@code file}, or a new random key written there owner-only if there is
   * no such file}
   *
   * @throws IOException if the file cannot be read or written, is not {@value #KEY_BYTES} bytes,
   *     or group or others may access it
   */
  public static MasterKey loadOrCreate(Path file) throws IOException {
    Path path = file.toAbsolutePath();
    if (Files.exists(path)) {
      return load(path);
    }
    try {
      return create(path);
    } catch (FileAlreadyExistsException e) {
      // Another process created it first: use its key, never a second one.
      return load(path);
    }
  }

  /** {@return {@code length} bytes derived from this key by HKDF-SHA256 with {@code salt} and {@code info}} */
  byte[] derive(byte[] salt, byte[] info, int length) {
    return Hkdf.derive(key, salt, info, length);
  }

  /** {@return a description that never shows the key} */
  @Override
  public String toString() {
    return "MasterKey[" + KEY_BYTES * 8 + " bits, hidden]";
  }

  private static MasterKey load(Path file) throws IOException {
    BasicFileAttributes attributes = isPosix(file)
        ? Files.readAttributes(file, PosixFileAttributes.class)
        : Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new IOException("the master key " + file + " is not a regular file");
    }
    if (attributes instanceof PosixFileAttributes posix && !OWNER_BITS.containsAll(posix.permissions())) {
      throw new IOException("the master key " + file + " is open to group or others ("
          + PosixFilePermissions.toString(posix.permissions()) + "); make it readable by its owner only: chmod 600 "
          + file);
    }
    if (attributes.size() != KEY_BYTES) {
      throw wrongLength(file, attributes.size());
    }
    byte[] key = Files.readAllBytes(file);
    if (key.length != KEY_BYTES) {
      Arrays.fill(key, (byte) 0);
      throw wrongLength(file, key.length);
    }
    return new MasterKey(key);
  }

  private static IOException wrongLength(Path file, long size) {
    return new IOException("the master key " + file + " holds " + size + " bytes, not " + KEY_BYTES
        + "; restore the original file from a backup, since the stored secrets open with no other key");
  }

  private static MasterKey create(Path file) throws IOException {
    Path dir = file.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("cannot create the master key " + file + ": its directory does not exist");
    }
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    String prefix = "." + file.getFileName();
    // The permissions are set as the file is created, so the key is never readable by others.
    Path temporary = isPosix(dir)
        ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, prefix, ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      publish(temporary, file);
    } catch (IOException | RuntimeException e) {
      Arrays.fill(key, (byte) 0);
      throw e;
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncDirectory(dir);
    return new MasterKey(key);
  }

  /**
   * Makes the complete {@code temporary} file appear as {@code file} in one step. A hard link,
   * unlike a rename, fails if {@code file} exists, so a key already in use is never replaced.
   */
  private static void publish(Path temporary, Path file) throws IOException {
    try {
      Files.createLink(file, temporary);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // No hard links on this file system: an atomic rename, after checking nothing is there.
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(file.toString());
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  // The new name must survive a crash: secrets sealed under the key are useless without it.
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (isPosix(dir)) {
        throw e;
      }
      // Windows cannot open a directory; there the rename is as durable as the system makes it.
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
