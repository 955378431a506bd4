package dev.solo.deploy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Artifacts on disk, one file per content hash: {@code dir/ab/abcdef....art}. Writes are atomic
 * (temporary file, fsync, rename); the same code is stored once. Reads check the hash again.
 * Thread-safe; several stores may share a directory.
 */
public final class ArtifactStore {
  private static final int MAGIC = 0x534F4C41; // "SOLA"
  // 2: classes carry budget instrumentation. Format 1 was written before it and is not run.
  private static final int FORMAT_VERSION = 2;
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final Path dir;

  /** Creates a store over {@code dir}, which is created on the first {@link #put}. */
  public ArtifactStore(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  /** Stores {@code artifact} durably, unless an artifact with its hash is stored already. */
  public void put(Artifact artifact) throws IOException {
    Path target = fileOf(artifact.hash());
    if (Files.exists(target)) {
      // Fresh again: collect() leaves young files alone, so a deploy of known code keeps its file.
      try {
        Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        return;
      } catch (NoSuchFileException e) {
        // collected just now: store it again
      }
    }
    Path shard = Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(shard, artifact.hash(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(encode(artifact));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        return; // a concurrent put of the same content won
      }
      syncDirectory(shard);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * {@return the artifact with this hash, or empty if none is stored}
   *
   * @throws IllegalArgumentException if {@code hash} is not 64 lowercase hex digits
   * @throws CorruptArtifactException if the stored file is damaged
   */
  public Optional<Artifact> get(String hash) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(fileOf(hash));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(decode(hash, bytes));
  }

  /**
   * Deletes every stored artifact that is not in {@code referenced} and was not stored or
   * re-stored within {@code minAge} (a deploy stores its artifact before it records it).
   * {@return the hashes deleted}
   */
  public java.util.List<String> collect(java.util.Set<String> referenced, java.time.Duration minAge) throws IOException {
    if (!Files.isDirectory(dir)) {
      return java.util.List.of();
    }
    java.time.Instant cutoff = java.time.Instant.now().minus(minAge);
    java.util.List<String> deleted = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.walk(dir, 2)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".art")) {
          continue;
        }
        String hash = name.substring(0, name.length() - ".art".length());
        if (!HASH.matcher(hash).matches() || referenced.contains(hash)) {
          continue;
        }
        try {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff) && Files.deleteIfExists(file)) {
            deleted.add(hash);
          }
        } catch (NoSuchFileException e) {
          // gone already
        }
      }
    }
    return deleted;
  }

  private Path fileOf(String hash) {
    if (hash == null || !HASH.matcher(hash).matches()) {
      throw new IllegalArgumentException("not an artifact hash: " + hash);
    }
    return dir.resolve(hash.substring(0, 2)).resolve(hash + ".art");
  }

  private static byte[] encode(Artifact artifact) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeUTF(artifact.hash());
    out.writeUTF(artifact.entryClass());
    out.writeInt(artifact.classes().size());
    for (Map.Entry<String, byte[]> entry : artifact.classes().entrySet()) {
      out.writeUTF(entry.getKey());
      out.writeInt(entry.getValue().length);
      out.write(entry.getValue());
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static Artifact decode(String hash, byte[] bytes) throws CorruptArtifactException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT_VERSION) {
        throw new CorruptArtifactException(
            "artifact " + hash + " is corrupt: not an artifact file of format " + FORMAT_VERSION);
      }
      if (!in.readUTF().equals(hash)) {
        throw new CorruptArtifactException("artifact " + hash + " is corrupt: the file names another hash");
      }
      String entryClass = in.readUTF();
      int count = in.readInt();
      if (count < 0 || count > bytes.length) {
        throw new CorruptArtifactException("artifact " + hash + " is corrupt: bad class count " + count);
      }
      Map<String, byte[]> classes = new HashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
          throw new CorruptArtifactException("artifact " + hash + " is corrupt: it is truncated");
        }
        classes.put(name, in.readNBytes(length));
      }
      if (in.available() != 0) {
        throw new CorruptArtifactException("artifact " + hash + " is corrupt: it has trailing bytes");
      }
      return new Artifact(hash, entryClass, classes);
    } catch (CorruptArtifactException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptArtifactException("artifact " + hash + " is corrupt: it is truncated");
    } catch (IllegalArgumentException e) {
      throw new CorruptArtifactException("artifact " + hash + " is corrupt: its content does not match its hash");
    }
  }

  /** Makes the rename durable; some platforms cannot open a directory, and there it is skipped. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // The file itself is durable; only the directory entry may be lost on a crash.
    }
  }
}
