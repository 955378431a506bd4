package dev.solo.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompiledSourcesTest {
  private static final String HELLO = """
      import dev.solo.api.*;
      public class Hello implements Service {
        public Reply handle(Request request, Context ctx) { return Reply.ok("hello"); }
      }
      """;

  @TempDir Path store;

  private final AtomicInteger compiles = new AtomicInteger();
  private final InMemoryCompiler javac = new InMemoryCompiler(Duration.ofSeconds(60));

  private DeployPipeline pipeline() {
    return new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults(), files -> {
      compiles.incrementAndGet();
      return Outcome.of(javac.compileOrThrow(files));
    });
  }

  @Test
  void identicalSourcesAreCompiledOnceAndGiveTheSameArtifact() throws Exception {
    try (DeployPipeline pipeline = pipeline()) {
      DeployResult first = pipeline.deploy("acme", Map.of("Hello.java", HELLO));
      DeployResult second = pipeline.deploy("acme", Map.of("Hello.java", HELLO));

      String hash = assertInstanceOf(DeployResult.Accepted.class, first).artifact().hash();
      assertEquals(hash, assertInstanceOf(DeployResult.Accepted.class, second).artifact().hash());
      assertEquals(1, compiles.get(), "the second deploy of the same sources did not run javac");
      assertEquals(hash, pipeline.load("acme", 1, hash).hash(), "the artifact is stored and loads");
    }
  }

  @Test
  void anotherTenantsIdenticalSourcesAreCompiledAgain() throws Exception {
    try (DeployPipeline pipeline = pipeline()) {
      pipeline.deploy("acme", Map.of("Hello.java", HELLO));
      pipeline.deploy("globex", Map.of("Hello.java", HELLO));
      assertEquals(2, compiles.get(), "a cache shared between tenants would tell globex, by its speed, what acme deployed");
    }
  }

  @Test
  void changedSourcesAndRefusedSourcesAreCompiledAgain() throws Exception {
    try (DeployPipeline pipeline = pipeline()) {
      pipeline.deploy("acme", Map.of("Hello.java", HELLO));
      pipeline.deploy("acme", Map.of("Hello.java", HELLO + "// changed\n"));
      String broken = HELLO.replace("return Reply.ok(\"hello\");", "");
      assertInstanceOf(DeployResult.Refused.class, pipeline.deploy("acme", Map.of("Hello.java", broken)));
      assertInstanceOf(DeployResult.Refused.class, pipeline.deploy("acme", Map.of("Hello.java", broken)));

      assertEquals(4, compiles.get(), "a change compiles, and a refusal is never remembered");
    }
  }

  @Test
  void keyCoversFileNamesAndTexts() {
    assertNotEquals(CompiledSources.keyOf(Map.of("A.java", "x")), CompiledSources.keyOf(Map.of("B.java", "x")));
    assertNotEquals(CompiledSources.keyOf(Map.of("A.java", "xy")), CompiledSources.keyOf(Map.of("A.javax", "y")));
    assertEquals(CompiledSources.keyOf(Map.of("A.java", "1", "B.java", "2")),
        CompiledSources.keyOf(Map.of("B.java", "2", "A.java", "1")));
  }
}
