package dev.solo.cli;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the MCP tests share: a real server in a child JVM, tenant acme whose credentials the MCP
 * server acts with, and tenant globex with a service {@code hidden} that acme must never see.
 */
final class McpFixture implements AutoCloseable {
  /** The schema of the greeter's {@code hello}: a name. */
  static final String HELLO_SCHEMA =
      "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}}, \"required\": [\"name\"]}";
  /** The schema of the polite greeter's {@code hello}: a name and a title. */
  static final String POLITE_SCHEMA = "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"},"
      + " \"title\": {\"type\": \"string\"}}, \"required\": [\"name\", \"title\"]}";

  final ServerProcess server;
  final Credentials acme;
  final Path acmeFile;

  private McpFixture(ServerProcess server, Credentials acme, Path acmeFile) {
    this.server = server;
    this.acme = acme;
    this.acmeFile = acmeFile;
  }

  static McpFixture start(Path work) throws Exception {
    Path data = work.resolve("data");
    ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"));
    Credentials acme;
    Credentials globex;
    try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      acme = admin.createTenant("acme");
      globex = admin.createTenant("globex");
    }
    Path acmeFile = work.resolve("acme.creds");
    acme.write(acmeFile);
    try (SoloClient client = SoloClient.connect(globex)) {
      client.deploy("hidden", Map.of("Greeter.java", greeter("Psst", HELLO_SCHEMA)), List.of(), "globex's own");
    }
    return new McpFixture(server, acme, acmeFile);
  }

  /**
   * {@return the source of Greeter.java}: it describes {@code hello} (read-only, with the given
   * schema; it answers {@code GREETING, NAME!}) and {@code add} (of integers a and b), and logs
   * each request
   */
  static String greeter(String greeting, String helloSchema) {
    return """
        import dev.solo.api.*;
        import java.util.Map;

        public class Greeter implements Service {
          @Override
          public Map<String, MethodSpec> methods() {
            return Map.of(
                "hello", new MethodSpec("Greets someone by name.", "%s", true),
                "add", new MethodSpec("Adds two integers a and b.",
                    "{\\"type\\": \\"object\\", \\"properties\\": {\\"a\\": {\\"type\\": \\"integer\\"}, \\"b\\": {\\"type\\": \\"integer\\"}},"
                        + " \\"required\\": [\\"a\\", \\"b\\"]}", true));
          }

          @Override
          public Reply handle(Request request, Context ctx) {
            String body = request.text();
            ctx.log().info(request.method() + " " + body);
            switch (request.method()) {
              case "hello":
                return Reply.ok("%s, " + field(body, "name") + "!");
              case "add":
                return Reply.ok(Long.toString(Long.parseLong(field(body, "a")) + Long.parseLong(field(body, "b"))));
              default:
                return Reply.status(404, "no method " + request.method());
            }
          }

          /** The value of one field of a flat JSON object, quotes removed. */
          static String field(String json, String name) {
            int key = json.indexOf("\\"" + name + "\\"");
            int start = json.indexOf(':', key) + 1;
            int end = start;
            while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
              end++;
            }
            return json.substring(start, end).trim().replace("\\"", "");
          }
        }
        """.formatted(helloSchema.replace("\"", "\\\""), greeting);
  }

  /** {@return the java binary of this JVM} */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
  }
}
