package dev.solo.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  @TempDir Path dir;

  private static final Artifact ARTIFACT = Artifact.of("Hello",
      Map.of("Hello", new byte[] {(byte) 0xCA, (byte) 0xFE, 1}, "Hello$1", new byte[] {2, 3}));

  private Path fileOf(Artifact artifact) {
    return dir.resolve(artifact.hash().substring(0, 2)).resolve(artifact.hash() + ".art");
  }

  @Test
  void storedArtifactReadsBackUnderItsHash() throws IOException {
    ArtifactStore store = new ArtifactStore(dir);
    store.put(ARTIFACT);

    Artifact read = new ArtifactStore(dir).get(ARTIFACT.hash()).orElseThrow();
    assertEquals(ARTIFACT.hash(), read.hash());
    assertEquals("Hello", read.entryClass());
    assertArrayEquals(new byte[] {2, 3}, read.classes().get("Hello$1"));
    assertEquals(List.of(fileOf(ARTIFACT)), files());
  }

  @Test
  void secondPutOfTheSameHashWritesNothingButMarksItFresh() throws IOException {
    ArtifactStore store = new ArtifactStore(dir);
    store.put(ARTIFACT);
    byte[] stored = Files.readAllBytes(fileOf(ARTIFACT));
    FileTime old = FileTime.fromMillis(0);
    Files.setLastModifiedTime(fileOf(ARTIFACT), old);

    store.put(Artifact.of("Hello", ARTIFACT.classes()));

    assertArrayEquals(stored, Files.readAllBytes(fileOf(ARTIFACT)));
    assertNotEquals(old, Files.getLastModifiedTime(fileOf(ARTIFACT)), "fresh again, so collect() leaves it");
    assertEquals(List.of(fileOf(ARTIFACT)), files());
  }

  @Test
  void collectDeletesOnlyOldArtifactsNothingRefersTo() throws IOException {
    ArtifactStore store = new ArtifactStore(dir);
    Artifact kept = Artifact.of("Kept", Map.of("Kept", new byte[] {1}));
    Artifact young = Artifact.of("Young", Map.of("Young", new byte[] {2}));
    store.put(ARTIFACT);
    store.put(kept);
    store.put(young);
    Files.setLastModifiedTime(fileOf(ARTIFACT), FileTime.fromMillis(0));
    Files.setLastModifiedTime(fileOf(kept), FileTime.fromMillis(0));

    assertEquals(List.of(ARTIFACT.hash()), store.collect(java.util.Set.of(kept.hash()), java.time.Duration.ofMinutes(10)));
    assertEquals(Optional.empty(), store.get(ARTIFACT.hash()));
    assertEquals(kept.hash(), store.get(kept.hash()).orElseThrow().hash(), "referenced");
    assertEquals(young.hash(), store.get(young.hash()).orElseThrow().hash(), "stored too recently to know");
    assertEquals(List.of(), new ArtifactStore(dir.resolve("none")).collect(java.util.Set.of(), java.time.Duration.ZERO));
  }

  @Test
  void damagedArtifactIsRefusedOnRead() throws IOException {
    ArtifactStore store = new ArtifactStore(dir);
    store.put(ARTIFACT);
    byte[] bytes = Files.readAllBytes(fileOf(ARTIFACT));
    bytes[bytes.length - 1] ^= 1;
    Files.write(fileOf(ARTIFACT), bytes);

    CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> store.get(ARTIFACT.hash()));
    assertEquals("artifact " + ARTIFACT.hash() + " is corrupt: its content does not match its hash", e.getMessage());
  }

  @Test
  void truncatedArtifactIsRefusedOnRead() throws IOException {
    ArtifactStore store = new ArtifactStore(dir);
    store.put(ARTIFACT);
    byte[] bytes = Files.readAllBytes(fileOf(ARTIFACT));
    Files.write(fileOf(ARTIFACT), java.util.Arrays.copyOf(bytes, bytes.length - 1));

    CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> store.get(ARTIFACT.hash()));
    assertEquals("artifact " + ARTIFACT.hash() + " is corrupt: it is truncated", e.getMessage());
  }

  @Test
  void unknownHashIsEmpty() throws IOException {
    assertEquals(Optional.empty(), new ArtifactStore(dir).get("ab".repeat(32)));
  }

  @Test
  void nameThatIsNotAHashIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ArtifactStore(dir).get("../../etc/passwd"));
    assertEquals("not an artifact hash: ../../etc/passwd", e.getMessage());
  }

  @Test
  void sameClassesHaveTheSameHashWhateverTheMapOrder() {
    Artifact reordered = Artifact.of("Hello", new java.util.TreeMap<>(ARTIFACT.classes()).descendingMap());

    assertEquals(ARTIFACT.hash(), reordered.hash());
    assertNotEquals(ARTIFACT.hash(), Artifact.of("Hello$1", ARTIFACT.classes()).hash());
  }

  @Test
  void hashThatDoesNotMatchTheContentIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Artifact("0".repeat(64), "Hello", ARTIFACT.classes()));
    assertEquals("the hash " + "0".repeat(64) + " does not match the content, which hashes to " + ARTIFACT.hash(),
        e.getMessage());
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
