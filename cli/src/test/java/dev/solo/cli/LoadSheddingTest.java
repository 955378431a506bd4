package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.SoloGrpc;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load shedder on a real server: a tenant past its in-flight limit gets RESOURCE_EXHAUSTED
 * at once, with a retry hint in the description and the {@code retry-after-ms} trailer, and a
 * sampled {@code load_shed} event; another tenant's calls are served meanwhile; log lines name
 * the tenant, service and call id.
 */
class LoadSheddingTest {
  private static final Metadata.Key<String> RETRY_AFTER_MS = Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path work;

  @Test
  void tenantPastItsLimitIsShedWithARetryHintWhileAnotherIsServed() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int metricsPort = ServerProcess.freePort();
    Path config = work.resolve("solo-test.conf");
    // Two calls of noisy in flight at a time, and calls long enough to be sure to overlap.
    Files.writeString(config, "solo.tenant-limits.noisy { max-inflight = 2, cpu = 10s, wall = 20s }\n");
    try (ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), log,
        "--metrics-port", Integer.toString(metricsPort), "--config", config.toString());
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      Credentials noisyCreds = admin.createTenant("noisy");
      try (SoloClient noisy = SoloClient.connect(noisyCreds);
          SoloClient quiet = SoloClient.connect(admin.createTenant("quiet"));
          RawCalls raw = new RawCalls(noisyCreds)) {
        noisy.deploy("work", Map.of("Work.java", MetricsTest.WORK), List.of(), "");
        quiet.deploy("work", Map.of("Work.java", MetricsTest.WORK), List.of(), "");

        // Threads of their own: the common pool may have a single thread on a small machine.
        ExecutorService callers = Executors.newFixedThreadPool(2);
        List<CompletableFuture<String>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          held.add(CompletableFuture.supplyAsync(() -> noisy.call("work", "run", "2000".getBytes(UTF_8)).text(), callers));
        }
        MetricsTest.awaitMetric(metricsPort, "solo_calls_inflight", value -> value >= 2);

        SoloGrpc.SoloBlockingStub stub = SoloGrpc.newBlockingStub(raw.channel())
            .withCallCredentials(bearer(noisyCreds.token())).withDeadlineAfter(20, TimeUnit.SECONDS);
        StatusRuntimeException shed = assertThrows(StatusRuntimeException.class, () -> stub.call(
            CallRequest.newBuilder().setService("work").setMethod("run").setBody(ByteString.copyFromUtf8("0")).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, shed.getStatus().getCode());
        String description = shed.getStatus().getDescription();
        Matcher hint = Pattern.compile("tenant noisy has 2 calls in flight, its limit \\(max-inflight\\); retry after (\\d+) ms")
            .matcher(description);
        assertTrue(hint.matches(), description);
        String trailer = Status.trailersFromThrowable(shed).get(RETRY_AFTER_MS);
        assertEquals(hint.group(1), trailer, "the trailer carries the same hint");
        assertTrue(Long.parseLong(trailer) >= 10, "the hint is at least 10 ms: " + trailer);

        assertEquals("done", quiet.call("work", "run", "0".getBytes(UTF_8)).text(), "another tenant is served meanwhile");
        for (CompletableFuture<String> call : held) {
          assertEquals("done", call.get(30, TimeUnit.SECONDS), "the calls in flight finish");
        }
        callers.shutdown();
        assertEquals("done", noisy.call("work", "run", "0".getBytes(UTF_8)).text(), "below its limit again, the tenant is served");

        Event event = awaitEvent(noisy, "load_shed");
        assertEquals("work", event.subject());
        assertEquals("tenant_limit", event.attributes().get("reason"));
        assertEquals("1", event.attributes().get("count"));
        assertEquals("2", event.attributes().get("limit"));
        assertEquals("tenant:noisy", event.principal());
        try (EventStream events = quiet.events(EventQuery.of().withTypes(List.of("load_shed")))) {
          assertTrue(!events.hasNext(), "the quiet tenant was never shed, and sees no other tenant's events");
        }
      }
      assertLogLineNamesTheCall(log);
    }
  }

  /** The service logged "worked 0 ms" during a call: that line names the tenant, service and call. */
  private static void assertLogLineNamesTheCall(Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log)) {
        if (line.contains("worked 0 ms") && line.contains("tenant=quiet")) {
          assertTrue(Pattern.compile("tenant=quiet service=work call_id=[0-9a-f]{16} - ").matcher(line).find(), line);
          return;
        }
      }
      Thread.sleep(20);
    }
    fail("no log line of the quiet tenant's call in " + log);
  }

  private static Event awaitEvent(SoloClient client, String type) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (EventStream events = client.events(EventQuery.of().withTypes(List.of(type)))) {
        if (events.hasNext()) {
          return assertInstanceOf(Event.class, events.next());
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + type + " event within 20 s");
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }
}
