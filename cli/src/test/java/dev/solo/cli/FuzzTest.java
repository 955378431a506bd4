package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.solo.client.Credentials;
import dev.solo.client.ServiceInfo;
import dev.solo.client.SoloClient;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.DeployRequest;
import dev.solo.proto.v1.EventsRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends random and mutated bytes to every RPC of Solo and Admin over real mTLS, as a tenant and
 * as the admin, and then checks that the server is healthy and no tenant's data changed.
 */
class FuzzTest {
  private static final int REQUESTS = 10_000;
  private static final long SEED = 20261121L;

  @TempDir Path work;

  /** Shutdown parses from almost any bytes; fuzzing it as the admin would only stop the server. */
  private static boolean adminMayFuzz(MethodDescriptor<byte[], byte[]> method) {
    return method.getFullMethodName().startsWith("solo.v1.Admin/") && !method.getFullMethodName().endsWith("/Shutdown");
  }

  /** Valid requests to mutate: the fuzzer starts from shapes the server knows. */
  private static List<byte[]> seeds(String counterSource) {
    return List.of(
        DeployRequest.newBuilder().setService("fuzzed").putFiles("Counter.java", counterSource).build().toByteArray(),
        CallRequest.newBuilder().setService("counter").setMethod("get").setBody(ByteString.copyFromUtf8("1")).build().toByteArray(),
        EventsRequest.newBuilder().setLimit(3).addTypes("service_deployed").build().toByteArray(),
        new byte[0]);
  }

  private static byte[] payload(Random random, List<byte[]> seeds) {
    if (random.nextInt(3) == 0) {
      byte[] bytes = new byte[random.nextInt(512)];
      random.nextBytes(bytes);
      return bytes;
    }
    byte[] seed = seeds.get(random.nextInt(seeds.size()));
    byte[] mutated = java.util.Arrays.copyOf(seed, Math.max(0, seed.length + random.nextInt(64) - 32));
    int flips = 1 + random.nextInt(8);
    for (int i = 0; i < flips && mutated.length > 0; i++) {
      mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
    }
    return mutated;
  }

  @Test
  void tenThousandRandomAndMutatedRequestsLeaveTheServerHealthyAndTheDataUnchanged() throws Exception {
    Path data = work.resolve("data");
    Credentials admin;
    Credentials acme;
    Credentials globex;
    try (ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"))) {
      admin = Credentials.read(data.resolve("admin.creds"));
      try (SoloClient client = SoloClient.connect(admin)) {
        acme = client.createTenant("acme");
        globex = client.createTenant("globex");
      }
      String counterSource = Files.readString(Path.of("..", "examples", "counter", "Counter.java"));
      try (SoloClient client = SoloClient.connect(acme)) {
        client.deploy("counter", Map.of("Counter.java", counterSource), List.of(), "");
        client.call("counter", "increment", "41".getBytes(UTF_8));
      }

      List<MethodDescriptor<byte[], byte[]>> methods = RawCalls.methods();
      List<byte[]> seeds = seeds(counterSource);
      Map<Status.Code, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      RawCalls tenantCalls = new RawCalls(globex);
      RawCalls adminCalls = new RawCalls(admin);
      ExecutorService fuzzers = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int worker = 0; worker < 8; worker++) {
          Random random = new Random(SEED + worker);
          running.add(fuzzers.submit(() -> {
            for (int i = 0; i < REQUESTS / 8; i++) {
              MethodDescriptor<byte[], byte[]> method = methods.get(random.nextInt(methods.size()));
              boolean asAdmin = adminMayFuzz(method) && random.nextBoolean();
              Status.Code code = asAdmin
                  ? adminCalls.call(method, payload(random, seeds), admin.token())
                  : tenantCalls.call(method, payload(random, seeds), globex.token());
              outcomes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> future : running) {
          future.get(10, TimeUnit.MINUTES);
        }
      } finally {
        fuzzers.shutdownNow();
      }
      int total = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
      System.out.println("fuzz outcomes by status: " + new java.util.TreeMap<>(outcomes));
      assertEquals(REQUESTS, total);
      assertEquals(0, outcomes.getOrDefault(Status.Code.INTERNAL, new AtomicInteger()).get(),
          "no request makes the server fail inside: " + outcomes);
      assertEquals(0, outcomes.getOrDefault(Status.Code.UNKNOWN, new AtomicInteger()).get(),
          "a malformed request is INVALID_ARGUMENT, never an unexplained error: " + outcomes);
      assertEquals(0, outcomes.getOrDefault(Status.Code.UNAVAILABLE, new AtomicInteger()).get(),
          "the server stayed up throughout: " + outcomes);

      // Healthy, and acme's data is as it was.
      HealthCheckResponse health = HealthGrpc.newBlockingStub(tenantCalls.channel()).check(HealthCheckRequest.getDefaultInstance());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
      tenantCalls.close();
      adminCalls.close();
      try (SoloClient client = SoloClient.connect(acme)) {
        assertEquals("41", client.call("counter", "get", new byte[0]).text());
        assertEquals(List.of("counter"), client.listServices().stream().map(ServiceInfo::name).toList());
      }
      assertTrue(server.logTail().lines().noneMatch(line -> line.contains("OutOfMemoryError")), server.logTail());
    }
  }
}
