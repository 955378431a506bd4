package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solo server --metrics-port N} on a real server: after a few calls, a scrape of
 * {@code /metrics} shows the {@code solo_*} families with the values those calls imply.
 */
class MetricsTest {
  static final String WORK = """
      import dev.solo.api.*;

      public class Work implements Service {
        public Reply handle(Request request, Context ctx) {
          long spins = 0;
          if (request.method().equals("hog")) {
            while (true) { long[] chunk = new long[1 << 16]; spins += chunk.length; }
          }
          long until = ctx.now() + (request.text().isEmpty() ? 0 : Long.parseLong(request.text()));
          while (ctx.now() < until) { spins++; }
          ctx.log().info("worked " + request.text() + " ms");
          return Reply.ok("done");
        }
      }
      """;

  @TempDir Path work;

  @Test
  void scrapeShowsCallsLatencySheddingBudgetsJournalAndMemory() throws Exception {
    Path data = work.resolve("data");
    int metricsPort = ServerProcess.freePort();
    Path config = work.resolve("solo-test.conf");
    // One call of acme in flight at a time, and calls long enough to be sure to overlap.
    Files.writeString(config, "solo.tenant-limits.acme { max-inflight = 1, cpu = 10s, wall = 20s }\n");
    try (ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"),
        "--metrics-port", Integer.toString(metricsPort), "--config", config.toString());
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")));
        SoloClient acme = SoloClient.connect(admin.createTenant("acme"))) {
      acme.deploy("work", Map.of("Work.java", WORK), List.of(), "");
      for (int i = 0; i < 3; i++) {
        assertEquals("done", acme.call("work", "run", "1".getBytes(UTF_8)).text());
      }
      SoloException tripped = assertThrows(SoloException.class, () -> acme.call("work", "hog", new byte[0]));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, tripped.code(), tripped.reason());
      // One call in flight at a time for acme: a second one while the first runs is shed.
      Thread slow = new Thread(() -> acme.call("work", "run", "3000".getBytes(UTF_8)));
      slow.start();
      awaitMetric(metricsPort, "solo_calls_inflight", value -> value >= 1);
      SoloException shed = assertThrows(SoloException.class, () -> acme.call("work", "run", new byte[0]));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, shed.code(), shed.reason());
      slow.join(30_000);

      String text = scrape(metricsPort);

      assertEquals(4, value(text, "solo_calls_total{code=\"OK\",tenant=\"acme\"}"), "three quick calls and the slow one");
      assertEquals(2, value(text, "solo_calls_total{code=\"RESOURCE_EXHAUSTED\",tenant=\"acme\"}"), "the budget trip and the shed call");
      assertEquals(6, value(text, "solo_call_duration_seconds_count{tenant=\"acme\"}"));
      assertTrue(value(text, "solo_call_duration_seconds_sum{tenant=\"acme\"}") >= 3, "the slow call took 3 s");
      assertEquals(1, value(text, "solo_shed_total{reason=\"tenant_limit\",tenant=\"acme\"}"));
      assertEquals(1, value(text, "solo_budget_trips_total{kind=\"memory\",tenant=\"acme\"}"));
      assertEquals(1, value(text, "solo_services_running{tenant=\"acme\"}"));
      assertEquals(0, value(text, "solo_calls_inflight"));
      assertEquals(0, value(text, "solo_tenant_threads_abandoned"));
      assertTrue(value(text, "solo_journal_write_duration_seconds_count") >= 3, "tenant creation, deploy, start were journalled");
      assertTrue(value(text, "solo_journal_batch_events_count") >= 3, "each journal write has its batch size");
      assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0, "heap in use");
      assertTrue(value(text, "jvm_memory_pool_used_bytes{pool=\"Metaspace\"}") > 0, "metaspace in use");
      assertTrue(text.contains("# TYPE solo_call_duration_seconds histogram"), "latency is a histogram");
    }
  }

  /** {@return the text of GET /metrics} */
  static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  /** {@return the value of one series, given as it appears in the text format: name and labels} */
  static double value(String text, String series) {
    Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    if (!matcher.find()) {
      fail("no series " + series + " in the scrape:\n" + text.lines().filter(line -> line.startsWith("solo_")).toList());
    }
    return Double.parseDouble(matcher.group(1));
  }

  /** Scrapes until a series has a value that satisfies {@code condition}, for at most 20 s. */
  static void awaitMetric(int port, String series, java.util.function.DoublePredicate condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = scrape(port);
      Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
      if (matcher.find() && condition.test(Double.parseDouble(matcher.group(1)))) {
        return;
      }
      Thread.sleep(20);
    }
    fail(series + " did not reach the expected value in 20 s; last scrape:\n" + text);
  }
}
