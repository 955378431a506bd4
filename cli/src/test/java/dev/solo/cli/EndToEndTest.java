package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.CallResult;
import dev.solo.client.Credentials;
import dev.solo.client.DeployResult;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.ServiceInfo;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walkthrough against a real server in a child JVM, over real mutual TLS: create
 * tenants, deploy, call, follow events, kill, SIGKILL the server, restart it on the same data
 * directory, and find everything that was acknowledged.
 */
class EndToEndTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path work;

  private static Map<String, String> source(String name, String text) {
    return Map.of(name, text);
  }

  private static String call(SoloClient client, String service, String method, String body) {
    CallResult result = client.call(service, method, body.getBytes(UTF_8));
    assertEquals(200, result.status(), () -> service + "." + method + " answered " + result.status() + ": " + result.text());
    return result.text();
  }

  private static SoloException failure(Runnable action) {
    return assertThrows(SoloException.class, action::run);
  }

  private static List<Event> events(SoloClient client, EventQuery query) {
    try (EventStream stream = client.events(query)) {
      List<Event> events = new java.util.ArrayList<>();
      stream.forEachRemaining(events::add);
      return events;
    }
  }

  private static List<String> types(List<Event> events) {
    return events.stream().map(Event::type).toList();
  }

  @Test
  void walkthroughSurvivesSigkillAndGracefulRestart() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    Credentials acmeCreds;
    Credentials globexCreds;
    long lastIdBeforeKill;

    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      Path adminFile = data.resolve("admin.creds");
      assertTrue(Files.exists(adminFile), "the first start writes admin.creds");
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(adminFile)));

      // A second server on the same data directory is refused with a clear message.
      ServerProcess second = ServerProcess.launch(data, ServerProcess.freePort(), work.resolve("second.log"));
      assertNotEquals(0, second.awaitExit(Duration.ofSeconds(60)));
      assertTrue(second.logTail().contains("another Solo server is using the data directory"), second.logTail());

      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        acmeCreds = admin.createTenant("acme");
        globexCreds = admin.createTenant("globex");
        assertEquals(Status.Code.ALREADY_EXISTS, failure(() -> admin.createTenant("acme")).code());
        assertEquals(Status.Code.INVALID_ARGUMENT, failure(() -> admin.createTenant("Not A Name")).code());
        assertEquals(List.of("acme", "globex"), admin.listTenants().stream().map(t -> t.name()).toList());
        assertEquals(Status.Code.PERMISSION_DENIED,
            failure(() -> admin.deploy("x", source("Echo.java", "class Echo {}"), List.of(), "")).code(),
            "the admin has no services of its own");
      }

      try (SoloClient acme = SoloClient.connect(acmeCreds); SoloClient globex = SoloClient.connect(globexCreds)) {
        assertEquals("tenant:acme", acme.whoAmI().principal());

        // Follow acme's events live from the start.
        BlockingQueue<Event> followed = new LinkedBlockingQueue<>();
        EventStream follow = acme.events(EventQuery.of().withFollow(true));
        Thread follower = new Thread(() -> {
          try {
            follow.forEachRemaining(followed::add);
          } catch (SoloException cancelled) {
            // closing the stream cancels it
          }
        });
        follower.setDaemon(true);
        follower.start();

        DeployResult counter = acme.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        assertEquals(1, counter.version());
        assertEquals("1", call(acme, "counter", "increment", ""));
        assertEquals("6", call(acme, "counter", "increment", "5"));
        assertEquals("6", call(acme, "counter", "get", ""));
        assertEquals(400, acme.call("counter", "increment", "many".getBytes(UTF_8)).status());

        acme.deploy("tally", List.of(EXAMPLES.resolve("tally/Tally.java")));
        call(acme, "tally", "increment", "");
        assertEquals("2", call(acme, "tally", "increment", ""));
        acme.deploy("echo", List.of(EXAMPLES.resolve("echo/Echo.java")));
        assertEquals("hello", call(acme, "echo", "anything", "hello"));
        String echo = Files.readString(EXAMPLES.resolve("echo/Echo.java"));
        assertEquals(Status.Code.ALREADY_EXISTS, failure(() -> acme.deploy("echo", source("Echo.java", echo), List.of(), "")).code());

        // The same service name in another tenant is another service.
        assertEquals(List.of(), globex.listServices());
        assertEquals(Status.Code.NOT_FOUND, failure(() -> globex.call("counter", "get", new byte[0])).code());
        assertEquals(Status.Code.NOT_FOUND, failure(() -> globex.status("counter")).code());
        assertEquals(Status.Code.NOT_FOUND, failure(() -> globex.kill("counter", "")).code());
        globex.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        assertEquals("1", call(globex, "counter", "increment", ""));
        assertEquals("6", call(acme, "counter", "get", ""), "globex's counter has its own kv");
        List<Event> globexEvents = events(globex, EventQuery.of());
        assertTrue(globexEvents.stream().allMatch(e -> e.tenant().equals("globex")), "a tenant sees only its events");

        // Refused deploys come back with findings and change nothing.
        SoloException compile = failure(() -> acme.deploy("bad",
            source("Bad.java", "import dev.solo.api.*;\npublic class Bad implements Service {\n  public Reply handle(Request r, Context c) { return nope; }\n}\n"),
            List.of(), ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, compile.code());
        assertEquals("COMPILE", compile.findings().get(0).rule());
        assertTrue(compile.findings().get(0).toString().startsWith("Bad.java:3:"), compile.findings().toString());
        SoloException monitor = failure(() -> acme.deploy("bad",
            source("Bad.java", "import dev.solo.api.*;\npublic class Bad implements Service {\n  public synchronized Reply handle(Request r, Context c) { return Reply.ok(\"\"); }\n}\n"),
            List.of(), ""));
        assertEquals("SBX-MONITOR", monitor.findings().get(0).rule());
        assertEquals(Status.Code.NOT_FOUND, failure(() -> acme.status("bad")).code(), "a refused deploy leaves nothing behind");

        // Kill: the service is gone, and its calls are NOT_FOUND.
        acme.kill("echo", "no longer needed");
        assertEquals(Status.Code.NOT_FOUND, failure(() -> acme.call("echo", "x", new byte[0])).code());
        assertEquals(List.of("counter", "tally"), acme.listServices().stream().map(ServiceInfo::name).toList());

        // The follower saw the whole story, live, in order.
        List<String> expected = List.of("service_deployed", "service_deployed", "service_deployed",
            "service_deployment_failed", "service_deployment_failed", "service_killed");
        List<String> seen = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < expected.size() + 1 && System.nanoTime() < deadline) {
          Event event = followed.poll(1, TimeUnit.SECONDS);
          if (event != null) {
            seen.add(event.type());
          }
        }
        follow.close();
        assertEquals("tenant_created", seen.get(0));
        assertEquals(expected, seen.subList(1, seen.size()));
        Event killed = events(acme, EventQuery.of().withTypes(List.of("service_killed"))).get(0);
        assertEquals("echo", killed.subject());
        assertEquals("no longer needed", killed.attributes().get("explanation"));
        assertEquals("tenant:acme", killed.principal());
        lastIdBeforeKill = events(acme, EventQuery.of().withNewestFirst(true).withLimit(1)).get(0).id();
      }

      server.sigkill();
    }

    // After SIGKILL: tenants, services (newest versions), kv data and events are back; the killed
    // service stays killed; the in-memory tally was never snapshotted, so it starts from zero.
    try (ServerProcess server = ServerProcess.start(data, port, log);
        SoloClient acme = SoloClient.connect(acmeCreds)) {
      assertEquals(List.of("counter", "tally"), acme.listServices().stream().map(ServiceInfo::name).toList());
      assertEquals("6", call(acme, "counter", "get", ""));
      assertEquals("7", call(acme, "counter", "increment", ""));
      assertEquals("0", call(acme, "tally", "get", ""));
      assertEquals(Status.Code.NOT_FOUND, failure(() -> acme.call("echo", "x", new byte[0])).code());
      List<Event> history = events(acme, EventQuery.of());
      assertTrue(history.stream().anyMatch(e -> e.id() == lastIdBeforeKill), "acknowledged events survive SIGKILL");
      assertTrue(types(history).contains("service_started"), "recovered services announce themselves");

      assertEquals("3", call(acme, "tally", "increment", "3"));
      // The JVM's convention after SIGTERM with hooks run: 128 + 15. The graceful path ran if the
      // kernel says it stopped and, below, the in-memory state comes back.
      assertEquals(143, server.sigterm(), server.logTail());
      assertTrue(server.logTail().contains("Kernel - stopped"), server.logTail());
    }

    // After a graceful stop, in-memory state is back too (snapshot at stop, restore at start).
    try (ServerProcess server = ServerProcess.start(data, port, log);
        SoloClient acme = SoloClient.connect(acmeCreds);
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      assertEquals("3", call(acme, "tally", "get", ""));
      assertEquals("7", call(acme, "counter", "get", ""));
      List<Event> all = events(admin, EventQuery.of().withTenant(""));
      assertTrue(types(all).contains("kernel_stopping"));
      for (int i = 1; i < all.size(); i++) {
        assertEquals(all.get(i - 1).id() + 1, all.get(i).id(), "event ids are gap-free across restarts");
      }
      admin.shutdown("test done");
      assertEquals(0, server.awaitExit(Duration.ofSeconds(60)));
    }
  }

  @Test
  void cliDrivesTheServer() throws Exception {
    Path data = work.resolve("data");
    int port = ServerProcess.freePort();
    try (ServerProcess server = ServerProcess.start(data, port, work.resolve("server.log"))) {
      String admin = data.resolve("admin.creds").toString();
      Path acme = work.resolve("acme.creds");
      assertEquals(0, cli("tenant", "create", "acme", "--out", acme.toString(), "--creds", admin).code());
      String creds = acme.toString();
      Result deploy = cli("deploy", "counter", EXAMPLES.resolve("counter/Counter.java").toString(), "--creds", creds);
      assertEquals(0, deploy.code(), deploy.err());
      assertTrue(deploy.out().contains("deployed counter version 1"), deploy.out());
      assertEquals("5", cli("call", "counter", "increment", "--data", "5", "--creds", creds).out().trim());
      Result list = cli("list", "--creds", creds);
      assertTrue(list.out().lines().anyMatch(l -> l.startsWith("counter") && l.contains("running")), list.out());

      Result missing = cli("call", "nothing", "get", "--creds", creds);
      assertNotEquals(0, missing.code());
      assertTrue(missing.err().startsWith("NOT_FOUND: "), missing.err());

      Path bad = work.resolve("Bad.java");
      Files.writeString(bad, "import dev.solo.api.*;\npublic class Bad implements Service {\n  public Reply handle(Request r, Context c) {\n    synchronized (this) { return Reply.ok(\"\"); }\n  }\n}\n");
      Result refused = cli("deploy", "bad", bad.toString(), "--creds", creds);
      assertNotEquals(0, refused.code());
      assertTrue(refused.err().startsWith("INVALID_ARGUMENT: "), refused.err());
      assertTrue(refused.err().lines().anyMatch(l -> l.matches("Bad\\.java:4:\\d+: SBX-MONITOR: .*")), refused.err());

      Result json = cli("events", "--json", "--type", "service_deployed", "--creds", creds);
      assertEquals(0, json.code(), json.err());
      String line = json.out().lines().findFirst().orElseThrow();
      for (String key : List.of("\"id\"", "\"time\"", "\"tenant\":\"acme\"", "\"type\":\"service_deployed\"", "\"subject\":\"counter\"",
          "\"attributes\"", "\"causation_id\"")) {
        assertTrue(line.contains(key), key + " in " + line);
      }
      assertEquals(0, cli("kill", "counter", "--creds", creds).code());
      assertFalse(cli("list", "--creds", creds).out().contains("counter"));
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Result(code, out.toString(UTF_8), err.toString(UTF_8));
  }
}
