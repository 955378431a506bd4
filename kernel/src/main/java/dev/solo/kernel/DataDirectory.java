package dev.solo.kernel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The server's data directory, held with an exclusive lock for as long as the server runs:
 * one server owns a data directory at a time.
 */
final class DataDirectory implements AutoCloseable {
  private final Path root;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectory(Path root, FileChannel channel, FileLock lock) {
    this.root = root;
    this.channel = channel;
    this.lock = lock;
  }

  /** Thrown when another server holds the directory. */
  static final class InUseException extends IOException {
    InUseException(Path root) {
      super("another Solo server is using the data directory " + root
          + " (it holds " + root.resolve("solo.lock") + "); stop it first or use --data DIR");
    }
  }

  /** {@return the directory, created if missing and locked} */
  static DataDirectory lock(Path root) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    FileChannel channel = FileChannel.open(absolute.resolve("solo.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new InUseException(absolute);
    }
    return new DataDirectory(absolute, channel, lock);
  }

  Path root() {
    return root;
  }

  Path journal() {
    return root.resolve("journal");
  }

  Path snapshots() {
    return root.resolve("snapshots");
  }

  Path kv() {
    return root.resolve("kv");
  }

  Path artifacts() {
    return root.resolve("artifacts");
  }

  Path pki() {
    return root.resolve("pki");
  }

  Path adminCredentials() {
    return root.resolve("admin.creds");
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
