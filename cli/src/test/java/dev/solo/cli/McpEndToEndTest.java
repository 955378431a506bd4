package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent drives Solo through {@code solo mcp}, the way an MCP host runs it: a child process
 * speaking MCP on stdio, reached with the MCP Java SDK's own client, against a real server in
 * another child JVM over real mutual TLS. What a model would see is what is asserted.
 */
class McpEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> FIXED = List.of("solo_whoami", "solo_list_services", "solo_describe_service",
      "solo_deploy_service", "solo_call_service", "solo_hot_swap", "solo_rollback", "solo_kill_service",
      "solo_get_events", "solo_get_logs");

  @TempDir static Path work;
  private static McpFixture fixture;

  private final List<McpSyncClient> clients = new ArrayList<>();
  private final BlockingQueue<List<Tool>> toolChanges = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<String> mcpStderr = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void startServer() throws Exception {
    fixture = McpFixture.start(work);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(McpSyncClient::closeGracefully);
  }

  /** {@return an initialized MCP client of {@code solo mcp --creds acme.creds}, a child process on stdio} */
  private McpSyncClient stdioClient() {
    ServerParameters command = ServerParameters.builder(McpFixture.java())
        .args("-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.solo.cli.Main", "mcp", "--creds", fixture.acmeFile.toString())
        .build();
    StdioClientTransport transport = new StdioClientTransport(command, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(mcpStderr::add);
    McpSyncClient client = McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(120))
        .initializationTimeout(Duration.ofSeconds(60))
        .toolsChangeConsumer(toolChanges::add)
        .build();
    clients.add(client);
    client.initialize();
    return client;
  }

  private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
    return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
  }

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult result) {
    assertFalse(Boolean.TRUE.equals(result.isError()), () -> "the tool failed: " + text(result));
    return (Map<String, Object>) result.structuredContent();
  }

  private static List<String> names(List<Tool> tools) {
    return tools.stream().map(Tool::name).toList();
  }

  /** Waits for a {@code tools/list_changed} after which the tool list passes {@code test}; {@return that list} */
  private List<Tool> awaitTools(String what, Predicate<List<String>> test) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> last = List.of();
    while (System.nanoTime() < deadline) {
      List<Tool> tools = toolChanges.poll(500, TimeUnit.MILLISECONDS);
      if (tools != null) {
        last = names(tools);
        if (test.test(last)) {
          return tools;
        }
      }
    }
    throw new AssertionError("no tools/list_changed brought " + what + " within " + WAIT + "; last list: " + last
        + "\n--- solo mcp stderr ---\n" + String.join("\n", mcpStderr));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> events(McpSyncClient client, Map<String, Object> arguments) {
    return (List<Map<String, Object>>) structured(call(client, "solo_get_events", arguments)).get("events");
  }

  @SuppressWarnings("unchecked")
  private static String explanationOf(Map<String, Object> event) {
    return ((Map<String, String>) event.get("attributes")).get("explanation");
  }

  @Test
  void agentDeploysCallsWatchesAndKillsAServiceOverStdio() throws Exception {
    McpSyncClient mcp = stdioClient();
    List<String> tools = names(mcp.listTools().tools());
    assertTrue(tools.containsAll(FIXED), tools.toString());
    assertTrue(tools.stream().noneMatch(name -> name.startsWith("hidden__")), "another tenant's tools are not listed: " + tools);

    // Deploy a service that describes two methods: its tools appear, announced by tools/list_changed.
    Map<String, Object> deployed = structured(call(mcp, "solo_deploy_service", Map.of(
        "service", "greeter", "files", Map.of("Greeter.java", McpFixture.greeter("Hello", McpFixture.HELLO_SCHEMA)), "explanation", "a greeter for the test")));
    assertEquals(1, deployed.get("version"));
    assertEquals(List.of("greeter__add", "greeter__hello"), deployed.get("tools"));
    List<Tool> withGreeter = awaitTools("greeter's tools", names -> names.containsAll(List.of("greeter__hello", "greeter__add")));
    Tool hello = withGreeter.stream().filter(tool -> tool.name().equals("greeter__hello")).findFirst().orElseThrow();
    assertEquals(List.of("name"), hello.inputSchema().get("required"));
    assertEquals(Boolean.TRUE, hello.annotations().readOnlyHint());

    // Both tools call their method with the arguments as the JSON body; so does the generic call.
    assertEquals("Hello, Ada!", structured(call(mcp, "greeter__hello", Map.of("name", "Ada"))).get("body"));
    assertEquals("5", structured(call(mcp, "greeter__add", Map.of("a", 2, "b", 3))).get("body"));
    Map<String, Object> generic = structured(call(mcp, "solo_call_service",
        Map.of("service", "greeter", "method", "hello", "body", Map.of("name", "Bob"))));
    assertEquals("Hello, Bob!", generic.get("body"));
    assertEquals(200, generic.get("status"));
    CallToolResult badInput = call(mcp, "greeter__hello", Map.of("nome", "typo"));
    assertEquals(Boolean.TRUE, badInput.isError(), "arguments that break the method's schema are an error result");

    // The service's log, through solo_get_logs.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lines = (List<Map<String, Object>>) structured(call(mcp, "solo_get_logs",
        Map.of("service", "greeter", "grep", "hello"))).get("lines");
    assertEquals(List.of("hello {\"name\":\"Ada\"}", "hello {\"name\":\"Bob\"}"), lines.stream().map(l -> l.get("message")).toList());

    // A change made by someone else is announced too.
    try (SoloClient other = SoloClient.connect(fixture.acme)) {
      other.deploy("counter", List.of(Path.of("..", "examples", "counter", "Counter.java")));
    }
    awaitTools("counter's tools, deployed outside this MCP session", names -> names.contains("counter__increment"));
    assertEquals("7", structured(call(mcp, "counter__increment", Map.of("by", 7))).get("body"));

    // The deploy is in the event log with its explanation; a long poll returns when the next event comes.
    List<Map<String, Object>> deploys = events(mcp, Map.of("types", List.of("service_deployed")));
    Map<String, Object> greeterDeploy = deploys.stream().filter(e -> e.get("subject").equals("greeter")).findFirst().orElseThrow();
    assertEquals("a greeter for the test", explanationOf(greeterDeploy));
    long last = ((Number) structured(call(mcp, "solo_get_events", Map.of())).get("next_after_id")).longValue();
    CompletableFuture<CallToolResult> poll = CompletableFuture.supplyAsync(() -> call(mcp, "solo_get_events",
        Map.of("after_id", last, "types", List.of("service_killed"), "wait_ms", 50_000)));
    try (SoloClient other = SoloClient.connect(fixture.acme)) {
      other.kill("counter", "others change things too");
    }
    List<?> polled = (List<?>) structured(poll.get(40, TimeUnit.SECONDS)).get("events");
    @SuppressWarnings("unchecked")
    Map<String, Object> killedCounter = (Map<String, Object>) polled.get(0);
    assertEquals("counter", killedCounter.get("subject"));
    assertEquals("others change things too", explanationOf(killedCounter));
    awaitTools("counter's tools gone", names -> !names.contains("counter__increment"));

    // Kill: the tools go, and the tool that is gone is a protocol error (an unknown tool).
    Map<String, Object> killed = structured(call(mcp, "solo_kill_service", Map.of("service", "greeter", "explanation", "done greeting")));
    assertEquals(List.of("greeter__add", "greeter__hello"), killed.get("removed_tools"));
    awaitTools("greeter's tools gone", names -> names.stream().noneMatch(name -> name.startsWith("greeter__")));
    assertThrows(McpError.class, () -> call(mcp, "greeter__hello", Map.of("name", "Ada")));
    CallToolResult gone = call(mcp, "solo_call_service", Map.of("service", "greeter", "method", "hello"));
    assertEquals(Boolean.TRUE, gone.isError());
    assertTrue(text(gone).startsWith("NOT_FOUND: no service greeter\n") && text(gone).contains("solo_list_services"), text(gone));
    Map<String, Object> kill = events(mcp, Map.of("types", List.of("service_killed"))).stream()
        .filter(e -> e.get("subject").equals("greeter")).findFirst().orElseThrow();
    assertEquals("done greeting", explanationOf(kill));
    assertEquals("tenant:acme", kill.get("principal"));

    // Another tenant's service is in no result: not listed, not describable, not in the events.
    assertFalse(text(call(mcp, "solo_list_services", Map.of())).contains("hidden"));
    CallToolResult describeHidden = call(mcp, "solo_describe_service", Map.of("service", "hidden"));
    assertEquals(Boolean.TRUE, describeHidden.isError());
    assertTrue(text(describeHidden).startsWith("NOT_FOUND: no service hidden") && text(describeHidden).contains("solo_list_services"),
        text(describeHidden));
    assertFalse(text(call(mcp, "solo_get_events", Map.of("limit", 1000))).contains("hidden"));
    assertTrue(names(mcp.listTools().tools()).stream().noneMatch(name -> name.startsWith("hidden__")));
  }

  @Test
  void refusalsAndRunawayCallsAreErrorsAModelCanActOn() throws Exception {
    McpSyncClient mcp = stdioClient();
    CallToolResult compile = call(mcp, "solo_deploy_service", Map.of("service", "broken", "explanation", "try a typo",
        "files", Map.of("Broken.java", "import dev.solo.api.*;\npublic class Broken implements Service {\n"
            + "  public Reply handle(Request r, Context c) { return nope; }\n}\n")));
    assertEquals(Boolean.TRUE, compile.isError());
    assertTrue(text(compile).lines().anyMatch(line -> line.matches("Broken\\.java:3:\\d+: COMPILE: cannot find symbol.*")),
        text(compile));

    CallToolResult methods = call(mcp, "solo_deploy_service", Map.of("service", "broken", "explanation", "try a bad schema",
        "files", Map.of("Greeter.java", McpFixture.greeter("Hi", "{\"type\": \"array\"}"))));
    assertEquals(Boolean.TRUE, methods.isError());
    assertTrue(text(methods).lines().anyMatch(line -> line.matches("Greeter\\.java:6:\\d+: DEPLOY-METHODS: the input schema of"
        + " method \"hello\" must say \"type\": \"object\" at its top level.*")), text(methods));

    structured(call(mcp, "solo_deploy_service", Map.of("service", "spinner", "explanation", "a loop that never ends",
        "files", Map.of("Spinner.java", """
            import dev.solo.api.*;
            import java.util.Map;
            public class Spinner implements Service {
              public Map<String, MethodSpec> methods() {
                return Map.of("spin", new MethodSpec("Spins forever.", "{\\"type\\": \\"object\\"}", false));
              }
              public Reply handle(Request request, Context ctx) {
                long turns = 0;
                while (true) { turns++; }
              }
            }
            """))));
    CallToolResult spin = call(mcp, "spinner__spin", Map.of());
    assertEquals(Boolean.TRUE, spin.isError());
    assertTrue(text(spin).matches("(?s)RESOURCE_EXHAUSTED: the call was stopped by its (cpu|wall) budget: \\1 budget of \\d+ ms exceeded\n"
        + "The service spent its whole budget on one call.*"), text(spin));
  }

  /**
   * The one scenario that depends on hot swap (DESIGN.md §5): on a server without it, {@code
   * solo_hot_swap} answers UNIMPLEMENTED and {@code structured(swap)} fails.
   */
  @Test
  void hotSwapChangesAToolsSchemaButNotItsName() throws Exception {
    McpSyncClient mcp = stdioClient();
    structured(call(mcp, "solo_deploy_service", Map.of(
        "service", "swapper", "files", Map.of("Greeter.java", McpFixture.greeter("Hello", McpFixture.HELLO_SCHEMA)), "explanation", "version one")));
    awaitTools("swapper's tools", names -> names.contains("swapper__hello"));

    CallToolResult swap = call(mcp, "solo_hot_swap", Map.of("service", "swapper", "explanation", "greet politely",
        "files", Map.of("Greeter.java", McpFixture.greeter("Good day", McpFixture.POLITE_SCHEMA))));
    Map<String, Object> swapped = structured(swap);
    assertEquals(2, swapped.get("version"));
    List<Tool> after = awaitTools("swapper__hello with the new schema", names -> names.contains("swapper__hello"));
    Tool hello = after.stream().filter(tool -> tool.name().equals("swapper__hello")).findFirst().orElseThrow();
    assertEquals(List.of("name", "title"), hello.inputSchema().get("required"), "the same tool name, the new schema");
    assertEquals("Good day, Ada!", structured(call(mcp, "swapper__hello", Map.of("name", "Ada", "title", "Dr"))).get("body"));
    List<Map<String, Object>> swaps = events(mcp, Map.of("types", List.of("hot_swap_started", "hot_swap_succeeded")));
    assertTrue(swaps.stream().anyMatch(e -> e.get("subject").equals("swapper") && "greet politely".equals(explanationOf(e))),
        swaps.toString());
    structured(call(mcp, "solo_kill_service", Map.of("service", "swapper", "explanation", "done")));
  }

  @Test
  void streamableHttpOnLoopbackServesTheSameTools() throws Exception {
    ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.solo.cli.Main", "mcp", "--creds", fixture.acmeFile.toString(), "--http", "0");
    command.redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("mcp-http.log").toFile()));
    Process process = command.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String line = ready.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(line != null && line.matches("solo mcp: streamable HTTP on http://127\\.0\\.0\\.1:\\d+/mcp, acting as tenant:acme on .*"),
          line);
      String url = line.substring(line.indexOf("http://"), line.indexOf("/mcp,"));
      McpSyncClient mcp = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp").build())
          .requestTimeout(Duration.ofSeconds(60))
          .build();
      try {
        mcp.initialize();
        assertTrue(names(mcp.listTools().tools()).containsAll(FIXED));
        assertEquals("acme", structured(call(mcp, "solo_whoami", Map.of())).get("tenant"));
      } finally {
        mcp.closeGracefully();
      }
    } finally {
      process.destroy();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "solo mcp --http stops on SIGTERM");
    }
  }
}
