package dev.solo.deploy;

import static dev.solo.deploy.Submission.accepted;
import static dev.solo.deploy.Submission.file;
import static dev.solo.deploy.Submission.findings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.hardening.SourceLimits;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeployPipelineTest {
  @RegisterExtension static final SharedCompiler COMPILER = new SharedCompiler();
  @TempDir Path store;

  private DeployPipeline pipeline() {
    return COMPILER.pipeline(store);
  }

  @ParameterizedTest
  @CsvSource({"counter, Counter", "tally, Tally", "echo, Echo"})
  void examplesAreAcceptedWithTheirEntryClass(String example, String entryClass) throws IOException {
    Artifact artifact = accepted(pipeline().deploy("acme", Submission.example(example)));

    assertEquals(entryClass, artifact.entryClass());
    assertEquals(List.of(artifact.hash() + ".art"), storedFiles());
  }

  @Test
  void sameCodeDeployedTwiceHasOneHashAndIsStoredOnce() throws IOException {
    DeployPipeline pipeline = pipeline();
    Artifact first = accepted(pipeline.deploy("acme", Submission.example("counter")));
    Artifact second = accepted(pipeline.deploy("other", Submission.example("counter")));

    assertEquals(first.hash(), second.hash());
    assertEquals(List.of(first.hash() + ".art"), storedFiles());
  }

  @Test
  void concurrentDeploysOfTheSameCodeAgreeOnOneArtifact() throws Exception {
    DeployPipeline pipeline = pipeline();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<DeployResult>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> pipeline.deploy("acme", Submission.example("tally"))));
      }
      String hash = accepted(results.get(0).get()).hash();
      for (Future<DeployResult> result : results) {
        assertEquals(hash, accepted(result.get()).hash());
      }
      assertEquals(List.of(hash + ".art"), storedFiles());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void packagedServiceHasItsBinaryNameAsEntryClass() {
    Artifact artifact = accepted(pipeline().deploy("acme", file("Hello.java",
        "package com.acme;",
        "import dev.solo.api.*;",
        "public class Hello implements Service {",
        "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"hello\"); }",
        "}")));

    assertEquals("com.acme.Hello", artifact.entryClass());
  }

  @Test
  void compileErrorNamesFileLineAndColumn() throws IOException {
    List<String> findings = findings(pipeline().deploy("acme", file("Bad.java",
        "import dev.solo.api.*;",
        "public class Bad implements Service {",
        "  public Reply handle(Request request, Context ctx) {",
        "    int count = request.text();",
        "    return Reply.ok(\"\" + count);",
        "  }",
        "}")));

    assertEquals(1, findings.size(), findings::toString);
    assertTrue(findings.get(0).startsWith("Bad.java:4:29: COMPILE: incompatible types: "), findings::toString);
    assertTrue(findings.get(0).endsWith("String cannot be converted to int"), findings::toString);
    assertEquals(List.of(), storedFiles());
  }

  @Test
  void compileThatRunsPastItsTimeLimitIsRefused() {
    DeployLimits limits = new DeployLimits(SourceLimits.defaults(), Duration.ofMillis(1));
    try (DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), limits)) {
      assertEquals(List.of("COMPILE-TIMEOUT: compiling took longer than 1 ms and was stopped"),
          findings(pipeline.deploy("acme", Submission.example("counter"))));
    }
  }

  @Test
  void closingThePipelineEndsItsCompileWorkers() throws Exception {
    Set<ProcessHandle> before = children();
    DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults());
    accepted(pipeline.deploy("acme", Submission.example("counter")));
    Set<ProcessHandle> workers = children();
    workers.removeAll(before);
    assertEquals(1, workers.size(), () -> "compile workers: " + workers);

    pipeline.close();

    for (ProcessHandle worker : workers) {
      worker.onExit().get(10, TimeUnit.SECONDS);
      assertFalse(worker.isAlive(), () -> "compile worker " + worker.pid() + " outlived its pipeline");
    }
    assertEquals(List.of("INTERNAL: the server could not finish this deploy; nothing was stored"),
        findings(pipeline.deploy("acme", Submission.example("counter"))));
  }

  @Test
  void submissionWithoutServiceClassIsRefused() {
    assertEquals(
        List.of("DEPLOY-ENTRY: no class implements dev.solo.api.Service: declare one public top-level class"
            + " that implements dev.solo.api.Service, with a public no-argument constructor"),
        findings(pipeline().deploy("acme", file("Util.java", "public class Util {}"))));
  }

  @Test
  void submissionWithTwoServiceClassesIsRefused() {
    Map<String, String> files = new HashMap<>(Submission.example("counter"));
    files.putAll(Submission.example("echo"));

    assertEquals(
        List.of("DEPLOY-ENTRY: 2 classes can be the service (Counter, Echo): a submission has exactly one public"
            + " top-level class that implements dev.solo.api.Service, with a public no-argument constructor"),
        findings(pipeline().deploy("acme", files)));
  }

  @Test
  void serviceClassWithoutPublicNoArgumentConstructorIsRefused() {
    assertEquals(
        List.of("Hello.java:0:0: DEPLOY-ENTRY: Hello implements dev.solo.api.Service but has no public"
            + " no-argument constructor: the service class must be one public top-level class that implements"
            + " dev.solo.api.Service, with a public no-argument constructor"),
        findings(pipeline().deploy("acme", file("Hello.java",
            "import dev.solo.api.*;",
            "public class Hello implements Service {",
            "  public Hello(String greeting) {}",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"hello\"); }",
            "}"))));
  }

  @Test
  void tooManyFilesAreRefusedBeforeCompiling() {
    Map<String, String> files = new HashMap<>();
    for (int i = 0; i <= SourceLimits.DEFAULT_MAX_FILES; i++) {
      files.put("C" + i + ".java", "class C" + i + " {}");
    }

    assertEquals(List.of("SRC-FILES: 65 files were submitted: at most 64 are allowed"),
        findings(pipeline().deploy("acme", files)));
  }

  @Test
  void unicodeEscapeHidingCodeIsRefused() throws IOException {
    assertEquals(
        List.of("Hidden.java:4:29: SRC-UNICODE-ESCAPE: unicode escapes (\\u followed by hex digits) are not allowed:"
            + " write the character itself"),
        findings(pipeline().deploy("acme", file("Hidden.java",
            "import dev.solo.api.*;",
            "public class Hidden implements Service {",
            "  public Reply handle(Request request, Context ctx) {",
            "    // looks like a comment \\u000a Runtime.getRuntime().halt(0);",
            "    return Reply.ok(\"\");",
            "  }",
            "}"))));
    assertEquals(List.of(), storedFiles());
  }

  @Test
  void reservedPackageIsRefused() {
    assertEquals(
        List.of("Evil.java:1:1: SRC-RESERVED-PACKAGE: package java.evil is not allowed:"
            + " java and its subpackages are reserved"),
        findings(pipeline().deploy("acme", file("Evil.java",
            "package java.evil;",
            "public class Evil {}"))));
  }

  @Test
  void missingFilesBecomeAFindingNotAnException() {
    assertEquals(List.of("INTERNAL: the server could not finish this deploy; nothing was stored"),
        findings(pipeline().deploy("acme", null)));
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void storedVersionLoadsAndAnswersRequests() throws Exception {
    DeployPipeline pipeline = pipeline();
    Artifact artifact = accepted(pipeline.deploy("acme", Submission.example("counter")));
    ServiceClassLoader loader = pipeline.load("acme", 1, artifact.hash());
    FakeContext ctx = new FakeContext();

    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Service counter = loader.newInstance();
      counter.handle(Request.of("increment", "5"), ctx);

      assertEquals("7", counter.handle(Request.of("increment", "2"), ctx).text());
    }
    assertEquals("acme@v1", loader.getName());
  }

  @Test
  void aLoadedArtifactLoadsAgainButBytesNeverVerifiedAreStillRefused() throws Exception {
    DeployPipeline pipeline = pipeline();
    Artifact good = accepted(pipeline.deploy("acme", Submission.example("counter")));
    assertEquals("acme@v1", pipeline.load("acme", 1, good.hash()).getName());
    assertEquals("acme@v2", pipeline.load("acme", 2, good.hash()).getName());

    // Bytes put in the store behind the pipeline's back, under their true hash, were never verified.
    Artifact bad = Artifact.of("Exit", Map.of("Exit", ServiceClassLoaderTest.classCallingSystemExit("Exit")));
    new ArtifactStore(store).put(bad);
    for (int version = 1; version <= 2; version++) {
      int v = version;
      ServiceLoadException e = assertThrows(ServiceLoadException.class, () -> pipeline.load("acme", v, bad.hash()));
      assertTrue(e.getMessage().startsWith("artifact " + bad.hash() + " failed verification"), e.getMessage());
    }
  }

  @Test
  void anArtifactLoadedOnceIsNotReadFromTheStoreAgain() throws Exception {
    DeployPipeline pipeline = pipeline();
    Artifact counter = accepted(pipeline.deploy("acme", Submission.example("counter")));
    assertEquals("acme@v1", pipeline.load("acme", 1, counter.hash()).getName());
    try (Stream<Path> files = Files.walk(store)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.delete(file);
      }
    }
    // A restart loads one artifact for every service of the same code: from memory after the first.
    assertEquals("Counter", pipeline.load("acme", 2, counter.hash()).loadClass("Counter").getName());
    try (DeployPipeline fresh = new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults())) {
      assertThrows(ServiceLoadException.class, () -> fresh.load("acme", 1, counter.hash()),
          "another pipeline, with nothing loaded, reads the store");
    }
  }

  @Test
  void loadingAnUnknownHashIsRefused() {
    String hash = "0".repeat(64);
    ServiceLoadException e = assertThrows(
        ServiceLoadException.class, () -> pipeline().load("acme", 1, hash));
    assertEquals("no artifact is stored with hash " + hash, e.getMessage());
  }

  private static Set<ProcessHandle> children() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive).collect(Collectors.toSet());
  }

  private List<String> storedFiles() throws IOException {
    try (Stream<Path> files = Files.walk(store)) {
      return files.filter(Files::isRegularFile).map(path -> path.getFileName().toString()).sorted().toList();
    }
  }
}
