package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful shutdown on a real server: calls in flight at SIGTERM finish if they can within
 * {@code solo.shutdown.drain-timeout}; those still running then are cut, and the log and the
 * {@code kernel_stopping} event say how many.
 */
class GracefulDrainTest {
  @TempDir Path work;

  @Test
  void sigtermDrainsCallsInFlightAndCutsThoseStillRunningAtTheDeadline() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    int metricsPort = ServerProcess.freePort();
    Path config = work.resolve("solo-test.conf");
    Files.writeString(config, "solo.shutdown.drain-timeout = 5s\nsolo.tenant-limits.acme { cpu = 20s, wall = 30s }\n");
    Credentials acmeCreds;
    try (ServerProcess server = ServerProcess.start(data, port, log,
        "--metrics-port", Integer.toString(metricsPort), "--config", config.toString());
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      acmeCreds = admin.createTenant("acme");
      try (SoloClient acme = SoloClient.connect(acmeCreds)) {
        acme.deploy("quick", Map.of("Work.java", MetricsTest.WORK), List.of(), "");
        acme.deploy("long", Map.of("Work.java", MetricsTest.WORK), List.of(), "");
        // Threads of their own: the common pool may have a single thread on a small machine.
        ExecutorService callers = Executors.newFixedThreadPool(2);
        CompletableFuture<String> quick =
            CompletableFuture.supplyAsync(() -> acme.call("quick", "run", "2500".getBytes(UTF_8)).text(), callers);
        CompletableFuture<String> slow =
            CompletableFuture.supplyAsync(() -> acme.call("long", "run", "12000".getBytes(UTF_8)).text(), callers);
        MetricsTest.awaitMetric(metricsPort, "solo_calls_inflight", value -> value >= 2);

        assertEquals(143, server.sigterm(), "the JVM's status after SIGTERM, once the graceful shutdown is done");

        assertEquals("done", quick.get(30, TimeUnit.SECONDS), "the call that could finish within the drain timeout did");
        ExecutionException cut = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> slow.get(30, TimeUnit.SECONDS));
        SoloException failure = assertInstanceOf(SoloException.class, cut.getCause());
        assertTrue(Set.of(Status.Code.UNAVAILABLE, Status.Code.CANCELLED).contains(failure.code()), failure.getMessage());
        callers.shutdown();
      }
      String text = Files.readString(log);
      assertTrue(text.contains("stopping: SIGTERM; draining 2 calls in flight"), text);
      assertTrue(text.contains("drained 1 calls in ") && text.contains("; 1 still in flight after 5000 ms were cut"), text);
    }

    try (ServerProcess server = ServerProcess.start(data, port, log);
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      List<Event> stopping = new ArrayList<>();
      try (EventStream events = admin.events(EventQuery.of().withTypes(List.of("kernel_stopping")))) {
        events.forEachRemaining(stopping::add);
      }
      assertEquals(1, stopping.size());
      Map<String, String> attributes = stopping.get(0).attributes();
      assertEquals("SIGTERM", attributes.get("reason"));
      assertEquals("2", attributes.get("inflight"));
      assertEquals("1", attributes.get("cut"));
      assertTrue(Long.parseLong(attributes.get("drain_ms")) >= 5000, attributes.toString());
    }
  }

  @Test
  void anOpenFollowStreamEndsAtOnceAndDoesNotHoldUpTheShutdown() throws Exception {
    Path data = work.resolve("follow-data");
    Path log = work.resolve("follow-server.log");
    Path config = work.resolve("follow.conf");
    Files.writeString(config, "solo.shutdown.drain-timeout = 30s\n");
    try (ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), log, "--config", config.toString());
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      try (EventStream follow = admin.events(EventQuery.of().withFollow(true))) {
        assertTrue(follow.hasNext(), "the history comes first");
        follow.next();

        long start = System.nanoTime();
        assertEquals(143, server.sigterm());
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMs < 20_000, "the follower did not hold the server for its 30 s drain deadline: " + tookMs + " ms");
      }
      String text = Files.readString(log);
      java.util.regex.Matcher drained = java.util.regex.Pattern.compile("drained 0 calls in (\\d+) ms").matcher(text);
      assertTrue(drained.find(), text);
      assertTrue(Long.parseLong(drained.group(1)) < 5_000, drained.group());
    }
  }
}
