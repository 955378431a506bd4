package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP scenario again, driven by the official TypeScript client ({@code
 * src/test/node/mcp-scenario.mjs} with npm {@code @modelcontextprotocol/sdk@1.32.2}), so {@code solo
 * mcp} is checked against the client most MCP hosts use, not only against its own SDK. Skipped
 * only when node is not installed or the package is not in the npm cache directory: system
 * property {@code solo.npm.cache}, else {@code $SOLO_NPM_CACHE}, else {@code ~/.cache/solo-npm}
 * ({@code .ci/run} installs it there).
 */
class McpTypeScriptClientTest {
  private static final Path SCRIPT = Path.of("src", "test", "node", "mcp-scenario.mjs");
  private static final long RUN_MINUTES = 5;

  @TempDir static Path work;
  private static McpFixture fixture;
  private static Path sources;

  static Path npmCache() {
    String configured = System.getProperty("solo.npm.cache", System.getenv("SOLO_NPM_CACHE"));
    return configured == null || configured.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "solo-npm")
        : Path.of(configured);
  }

  private static boolean nodeRuns() {
    try {
      Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @BeforeAll
  static void startServer() throws Exception {
    assumeTrue(nodeRuns(), "node is not installed");
    Path sdk = npmCache().resolve("node_modules/@modelcontextprotocol/sdk/package.json");
    assumeTrue(Files.exists(sdk), "@modelcontextprotocol/sdk is not installed in " + npmCache()
        + " (npm install --prefix " + npmCache() + " @modelcontextprotocol/sdk@1.32.2)");
    sources = Files.createDirectories(work.resolve("sources"));
    Files.writeString(sources.resolve("Greeter.java"), McpFixture.greeter("Hello", McpFixture.HELLO_SCHEMA));
    Files.writeString(sources.resolve("PoliteGreeter.java"), McpFixture.greeter("Good day", McpFixture.POLITE_SCHEMA));
    fixture = McpFixture.start(work);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** Runs the script; {@return its exit status and everything it printed} */
  private static Map.Entry<Integer, String> scenario(String name) throws Exception {
    ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString(), name).redirectErrorStream(true);
    node.environment().putAll(Map.of(
        "SOLO_NPM_CACHE", npmCache().toString(),
        "SOLO_JAVA", McpFixture.java(),
        "SOLO_CLASSPATH", System.getProperty("java.class.path"),
        "SOLO_CREDS_FILE", fixture.acmeFile.toString(),
        "SOLO_SOURCES", sources.toString()));
    Process process = node.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output unreadable: " + e + ")";
      }
    });
    if (!process.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the " + name + " scenario did not end within " + RUN_MINUTES + " minutes:\n"
          + output.getNow("(no output yet)"));
    }
    return Map.entry(process.exitValue(), output.get(30, TimeUnit.SECONDS));
  }

  @Test
  void typeScriptClientDeploysCallsWatchesAndKillsAService() throws Exception {
    Map.Entry<Integer, String> run = scenario("main");
    System.out.print(run.getValue());
    assertEquals(0, run.getKey(), run.getValue());
    assertEquals(List.of("scenario main: passed"), run.getValue().lines().filter(line -> line.startsWith("scenario ")).toList());
  }

  /** Depends on hot swap: on a server without it, solo_hot_swap answers UNIMPLEMENTED and this fails. */
  @Test
  void typeScriptClientSeesAHotSwapChangeTheSchemaButNotTheToolName() throws Exception {
    Map.Entry<Integer, String> run = scenario("swap");
    System.out.print(run.getValue());
    assertEquals(0, run.getKey(), run.getValue());
  }
}
