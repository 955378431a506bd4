package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.Finding;
import dev.solo.client.LogLine;
import dev.solo.client.MethodInfo;
import dev.solo.client.ServiceDescription;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solo describe} and {@code solo logs} against a real server: the description is what the
 * version's {@code methods()} said at its deploy, kept with the version across a SIGKILL; the
 * logs are the service's newest {@code ctx.log()} lines, in memory only.
 */
class DescribeAndLogsTest {
  private static final Path COUNTER = Path.of("..", "examples", "counter", "Counter.java");

  @TempDir Path work;

  private record Run(int status, String out, String err) {}

  private static Run solo(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(status, out.toString(UTF_8), err.toString(UTF_8));
  }

  private static List<String> messages(List<LogLine> lines) {
    return lines.stream().map(LogLine::message).toList();
  }

  private static Status.Code failure(Runnable action) {
    return assertThrows(SoloException.class, action::run).code();
  }

  @Test
  void describeAnswersFromTheDeployRecordAndLogsFilterTheNewestLines() throws Exception {
    Path data = work.resolve("data");
    int port = ServerProcess.freePort();
    Path log = work.resolve("server.log");
    Credentials acme;
    Path acmeFile = work.resolve("acme.creds");
    List<MethodInfo> described;

    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      Credentials globex;
      try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
        acme = admin.createTenant("acme");
        globex = admin.createTenant("globex");
      }
      acme.write(acmeFile);
      try (SoloClient client = SoloClient.connect(acme); SoloClient other = SoloClient.connect(globex)) {
        client.deploy("counter", List.of(COUNTER));
        ServiceDescription description = client.describe("counter");
        assertEquals(1, description.version());
        described = description.methods();
        assertEquals(List.of("get", "increment"), described.stream().map(MethodInfo::name).toList());
        assertTrue(described.get(0).readOnly(), "get changes nothing");
        assertTrue(described.get(1).inputSchema().contains("\"by\""), described.get(1).inputSchema());

        Run describe = solo("describe", "counter", "--creds", acmeFile.toString());
        assertEquals(0, describe.status(), describe.err());
        assertTrue(describe.out().startsWith("counter version 1\nMETHOD     READ-ONLY  DESCRIPTION\n"), describe.out());
        assertTrue(describe.out().contains("increment: Adds `by` (default 1) to the durable total and returns the new total.\n"
            + "  input schema:\n    {\n      \"type\" : \"object\",\n"), describe.out());

        // Logs: what ctx.log() wrote, filtered by text and time, the newest last.
        client.call("counter", "increment", "2".getBytes(UTF_8));
        client.call("counter", "increment", "{\"by\": 3}".getBytes(UTF_8));
        client.call("counter", "increment", new byte[0]);
        List<LogLine> lines = client.logs("counter", 0);
        assertEquals(List.of("incremented by 2 to 2", "incremented by 3 to 5", "incremented by 1 to 6"), messages(lines));
        assertEquals("INFO", lines.get(0).level());
        assertEquals(1, lines.get(0).version());
        assertEquals(List.of("incremented by 1 to 6"), messages(client.logs("counter", 1)));
        assertEquals(List.of("incremented by 3 to 5"), messages(client.logs("counter", 0, Instant.EPOCH, "by 3")));
        Instant second = lines.get(1).time();
        assertTrue(messages(client.logs("counter", 0, second, "")).containsAll(List.of("incremented by 3 to 5", "incremented by 1 to 6")));
        assertEquals(Status.Code.INVALID_ARGUMENT, failure(() -> client.logs("counter", -1)));

        Run logs = solo("logs", "counter", "--grep", "to 6", "--since", "10m", "--creds", acmeFile.toString());
        assertEquals(0, logs.status(), logs.err());
        assertTrue(logs.out().matches("\\S+Z INFO v1 incremented by 1 to 6\n"), logs.out());

        // Another tenant sees neither, as if there were no such service.
        assertEquals(Status.Code.NOT_FOUND, failure(() -> other.describe("counter")));
        assertEquals(Status.Code.NOT_FOUND, failure(() -> other.logs("counter", 0)));

        // A methods() that breaks a rule refuses the deploy with a finding where methods() is.
        SoloException refused = assertThrows(SoloException.class, () -> client.deploy("bad", Map.of("Bad.java", """
            import dev.solo.api.*;
            import java.util.Map;

            public class Bad implements Service {
              public Map<String, MethodSpec> methods() {
                return Map.of("Not-A-Name", new MethodSpec("", "{}", false));
              }

              public Reply handle(Request request, Context ctx) { return Reply.ok(""); }
            }
            """), List.of(), "try a bad description"));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.code());
        assertEquals(List.of(
            "Bad.java:5:34: DEPLOY-METHODS: method name \"Not-A-Name\" is not valid: use 1 to 48 of a-z, 0-9 and _, starting with a letter",
            "Bad.java:5:34: DEPLOY-METHODS: method \"Not-A-Name\" needs a description: say what it does and what it returns",
            "Bad.java:5:34: DEPLOY-METHODS: the input schema of method \"Not-A-Name\" must say \"type\": \"object\" at its top level:"
                + " a method takes a JSON object of arguments"),
            refused.findings().stream().map(Finding::toString).toList());
        assertEquals(Status.Code.NOT_FOUND, failure(() -> client.status("bad")), "a refused deploy leaves nothing behind");
      }
      server.sigkill();
    }

    // After SIGKILL: the description is back (it is stored with the version), the logs are not
    // (they are kept in memory only).
    try (ServerProcess server = ServerProcess.start(data, port, log); SoloClient client = SoloClient.connect(acme)) {
      assertEquals(described, client.describe("counter").methods());
      assertEquals(List.of(), client.logs("counter", 0));
      client.kill("counter", "done");
      assertEquals(Status.Code.NOT_FOUND, failure(() -> client.describe("counter")));
      assertEquals(Status.Code.NOT_FOUND, failure(() -> client.logs("counter", 0)));
    }
  }
}
