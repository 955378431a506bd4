package dev.solo.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.proto.v1.AdminGrpc;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.CallResponse;
import dev.solo.proto.v1.CreateTenantRequest;
import dev.solo.proto.v1.DeployRequest;
import dev.solo.proto.v1.DeployResponse;
import dev.solo.proto.v1.EventsRequest;
import dev.solo.proto.v1.Findings;
import dev.solo.proto.v1.KillRequest;
import dev.solo.proto.v1.KillResponse;
import dev.solo.proto.v1.ListServicesRequest;
import dev.solo.proto.v1.ListServicesResponse;
import dev.solo.proto.v1.SoloGrpc;
import dev.solo.proto.v1.StatusRequest;
import dev.solo.proto.v1.TenantCredentials;
import dev.solo.proto.v1.WhoAmIRequest;
import dev.solo.proto.v1.WhoAmIResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoloClientTest {
  private final FakeSolo fake = new FakeSolo();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private SoloClient client;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(fake, recordAuthorization()))
            .addService(new FakeAdmin())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = new SoloClient(channel, "localhost:7443", "tok-secret");
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void refusedDeployCarriesTheFindingsOfItsTrailer() {
    SoloException e =
        assertThrows(
            SoloException.class,
            () -> client.deploy("bad", Map.of("Bad.java", "class Bad {}"), List.of(), "try"));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals("deploy of bad refused: 1 finding", e.reason());
    assertEquals("INVALID_ARGUMENT: deploy of bad refused: 1 finding", e.getMessage());
    assertEquals(List.of("Bad.java:3:9: no-reflection: java.lang.reflect is not allowed"),
        e.findings().stream().map(Finding::toString).toList());
  }

  @Test
  void deployReturnsTheNewVersion() {
    DeployResult r = client.deploy("counter", Map.of("Counter.java", "class Counter {}"), List.of("kv"), "first");
    assertEquals(new DeployResult("counter", 1, "abcdef0123456789", 42), r);
    assertEquals(List.of("kv"), fake.lastDeploy.get().getGrantsList());
    assertEquals("first", fake.lastDeploy.get().getExplanation());
  }

  @Test
  void sendsTheBearerTokenOnEveryCall() {
    client.whoAmI();
    client.listServices();
    assertEquals(List.of("Bearer tok-secret", "Bearer tok-secret"), authorizations);
  }

  @Test
  void readsAreRetriedWhileTheServerIsUnavailable() {
    fake.unavailableListings.set(2);
    assertEquals("counter", client.listServices().get(0).name());
    assertEquals(3, fake.listings.get());
  }

  @Test
  void readsGiveUpAfterThreeRetries() {
    fake.unavailableListings.set(100);
    SoloException e = assertThrows(SoloException.class, client::listServices);
    assertEquals("UNAVAILABLE: draining", e.getMessage());
    assertFalse(e.unreachable());
    assertEquals(4, fake.listings.get());
  }

  @Test
  void callsAreNeverRetried() {
    SoloException e = assertThrows(SoloException.class, () -> client.call("counter", "get", new byte[0]));
    assertEquals("UNAVAILABLE: circuit breaker of counter is open", e.getMessage());
    assertEquals(1, fake.calls.get());
  }

  @Test
  void aShedCallSaysWhenToTryAgain() {
    fake.callsShed = true;
    SoloException e = assertThrows(SoloException.class, () -> client.call("counter", "get", new byte[0]));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
    assertEquals(java.util.Optional.of(java.time.Duration.ofMillis(250)), e.retryAfter());
    assertEquals(1, fake.calls.get(), "not retried by the client");

    fake.callsShed = false;
    SoloException other = assertThrows(SoloException.class, () -> client.call("counter", "get", new byte[0]));
    assertTrue(other.retryAfter().isEmpty(), "only a shed call carries a hint");
  }

  @Test
  void callReturnsTheServicesReply() {
    fake.callsFail = false;
    CallResult r = client.call("counter", "get", "x".getBytes(StandardCharsets.UTF_8));
    assertEquals(404, r.status());
    assertEquals("no such key: x", r.text());
    assertFalse(r.ok());
    assertEquals(3, r.version());
  }

  @Test
  void notFoundKeepsTheServersReason() {
    SoloException e = assertThrows(SoloException.class, () -> client.status("counter"));
    assertEquals(Status.Code.NOT_FOUND, e.code());
    assertEquals("no service counter", e.reason());
    assertTrue(e.findings().isEmpty());
  }

  @Test
  void slowCallFailsNamingTheServerAndTheDeadline() {
    SoloException e =
        assertThrows(SoloException.class, () -> client.withTimeout(Duration.ofMillis(200)).kill("counter", ""));
    assertEquals("DEADLINE_EXCEEDED: no answer from the server at localhost:7443 within 200ms", e.getMessage());
  }

  @Test
  void eventQueryEndsAfterTheHistory() {
    List<Long> ids = new ArrayList<>();
    try (EventStream events = client.events(EventQuery.of().withTypes(List.of("service_deployed")).withAfterId(7))) {
      events.forEachRemaining(e -> ids.add(e.id()));
    }
    assertEquals(List.of(8L, 9L, 10L), ids);
    assertEquals(List.of("service_deployed"), fake.lastEvents.get().getTypesList());
    assertEquals(7, fake.lastEvents.get().getAfterId());
  }

  @Test
  void eventCarriesEveryField() {
    try (EventStream events = client.events(EventQuery.of())) {
      Event e = events.next();
      assertEquals(1L, e.id());
      assertEquals("acme", e.tenant());
      assertEquals("service_deployed", e.type());
      assertEquals("counter", e.subject());
      assertEquals(Map.of("version", "1"), e.attributes());
      assertEquals(0L, e.causationId());
      assertEquals("tenant:acme", e.principal());
      assertEquals(1_700_000_000_000L, e.time().toEpochMilli());
    }
  }

  @Test
  void eventQueryIsRetriedWhileNothingWasDelivered() {
    fake.unavailableEvents.set(1);
    try (EventStream events = client.events(EventQuery.of())) {
      assertEquals(1L, events.next().id());
    }
  }

  @Test
  void closingAFollowStreamCancelsTheCall() throws InterruptedException {
    EventStream events = client.events(EventQuery.of().withFollow(true));
    assertEquals(1L, events.next().id());
    assertEquals(2L, events.next().id());
    events.close();
    assertTrue(fake.followCancelled.await(5, TimeUnit.SECONDS), "the server saw the cancellation");
    assertFalse(events.hasNext());
  }

  @Test
  void closingAFollowStreamFromAnotherThreadEndsTheWait() throws InterruptedException {
    EventStream events = client.events(EventQuery.of().withFollow(true));
    events.next();
    events.next();
    Thread reader = Thread.currentThread();
    Thread closer = new Thread(() -> {
      // Close once the reader is blocked waiting for the next event (or after 5 s regardless).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      events.close();
    });
    closer.start();
    assertFalse(events.hasNext(), "a closed stream has no next event");
    closer.join(5000);
  }

  @Test
  void createdTenantCredentialsPointAtThisServer() {
    Credentials c = client.createTenant("acme");
    assertEquals(new Credentials("localhost:7443", "acme", "CA", "CERT", "KEY", "tok-acme", "tok-1"), c);
  }

  @Test
  void sourcesAreKeyedByFileName(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("Counter.java"), "class Counter {}");
    assertEquals(Map.of("Counter.java", "class Counter {}"), SoloClient.sources(List.of(file)));
    assertThrows(IllegalArgumentException.class, () -> SoloClient.sources(List.of(file, file)));
  }

  @Test
  void callResultTextDecodesUtf8() {
    assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), new CallResult(200, "é".getBytes(StandardCharsets.UTF_8), null, 1).body());
    assertEquals("é", new CallResult(200, "é".getBytes(StandardCharsets.UTF_8), null, 1).text());
  }

  private ServerInterceptor recordAuthorization() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        authorizations.add(headers.get(Keys.AUTHORIZATION));
        return next.startCall(call, headers);
      }
    };
  }

  private static final class FakeSolo extends SoloGrpc.SoloImplBase {
    final AtomicInteger unavailableListings = new AtomicInteger();
    final AtomicInteger listings = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger unavailableEvents = new AtomicInteger();
    final AtomicReference<DeployRequest> lastDeploy = new AtomicReference<>();
    final AtomicReference<EventsRequest> lastEvents = new AtomicReference<>();
    final CountDownLatch followCancelled = new CountDownLatch(1);
    volatile boolean callsFail = true;
    volatile boolean callsShed;

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> reply) {
      reply.onNext(WhoAmIResponse.newBuilder().setPrincipal("tenant:acme").setTenant("acme").build());
      reply.onCompleted();
    }

    @Override
    public void deploy(DeployRequest request, StreamObserver<DeployResponse> reply) {
      lastDeploy.set(request);
      if (request.getService().equals("bad")) {
        Metadata trailers = new Metadata();
        trailers.put(
            Keys.FINDINGS,
            Findings.newBuilder()
                .addFindings(
                    dev.solo.proto.v1.Finding.newBuilder()
                        .setRule("no-reflection")
                        .setFile("Bad.java")
                        .setLine(3)
                        .setColumn(9)
                        .setMessage("java.lang.reflect is not allowed"))
                .build());
        reply.onError(Status.INVALID_ARGUMENT.withDescription("deploy of bad refused: 1 finding").asRuntimeException(trailers));
        return;
      }
      reply.onNext(
          DeployResponse.newBuilder()
              .setService(request.getService())
              .setVersion(1)
              .setArtifactHash("abcdef0123456789")
              .setEventId(42)
              .build());
      reply.onCompleted();
    }

    @Override
    public void listServices(ListServicesRequest request, StreamObserver<ListServicesResponse> reply) {
      listings.incrementAndGet();
      if (unavailableListings.getAndDecrement() > 0) {
        reply.onError(Status.UNAVAILABLE.withDescription("draining").asRuntimeException());
        return;
      }
      reply.onNext(
          ListServicesResponse.newBuilder()
              .addServices(dev.solo.proto.v1.ServiceInfo.newBuilder().setName("counter").setVersion(1).setState("running"))
              .build());
      reply.onCompleted();
    }

    @Override
    public void call(CallRequest request, StreamObserver<CallResponse> reply) {
      calls.incrementAndGet();
      if (callsShed) {
        Metadata trailers = new Metadata();
        trailers.put(Keys.RETRY_AFTER_MS, "250");
        reply.onError(Status.RESOURCE_EXHAUSTED.withDescription("tenant acme has 100 calls in flight, its limit")
            .asRuntimeException(trailers));
        return;
      }
      if (callsFail) {
        reply.onError(Status.UNAVAILABLE.withDescription("circuit breaker of counter is open").asRuntimeException());
        return;
      }
      reply.onNext(
          CallResponse.newBuilder()
              .setStatus(404)
              .setBody(com.google.protobuf.ByteString.copyFromUtf8("no such key: " + request.getBody().toStringUtf8()))
              .setVersion(3)
              .build());
      reply.onCompleted();
    }

    @Override
    public void kill(KillRequest request, StreamObserver<KillResponse> reply) {
      // Never answers: the client's deadline must end the call.
    }

    @Override
    public void status(StatusRequest request, StreamObserver<dev.solo.proto.v1.ServiceStatus> reply) {
      reply.onError(Status.NOT_FOUND.withDescription("no service " + request.getService()).asRuntimeException());
    }

    @Override
    public void events(EventsRequest request, StreamObserver<dev.solo.proto.v1.Event> reply) {
      lastEvents.set(request);
      if (unavailableEvents.getAndDecrement() > 0) {
        reply.onError(Status.UNAVAILABLE.withDescription("draining").asRuntimeException());
        return;
      }
      for (long id = request.getAfterId() + 1; id <= request.getAfterId() + 3; id++) {
        reply.onNext(
            dev.solo.proto.v1.Event.newBuilder()
                .setId(id)
                .setTimeUnixMs(1_700_000_000_000L)
                .setTenant("acme")
                .setType("service_deployed")
                .setSubject("counter")
                .putAttributes("version", "1")
                .setPrincipal("tenant:acme")
                .build());
        if (request.getFollow() && id == request.getAfterId() + 2) {
          ((ServerCallStreamObserver<?>) reply).setOnCancelHandler(followCancelled::countDown);
          return; // a live tail: nothing more yet, and no end
        }
      }
      reply.onCompleted();
    }
  }

  private static final class FakeAdmin extends AdminGrpc.AdminImplBase {
    @Override
    public void createTenant(CreateTenantRequest request, StreamObserver<TenantCredentials> reply) {
      reply.onNext(
          TenantCredentials.newBuilder()
              .setTenant(request.getName())
              .setCaPem("CA")
              .setCertPem("CERT")
              .setKeyPem("KEY")
              .setToken("tok-" + request.getName())
              .setTokenId("tok-1")
              .build());
      reply.onCompleted();
    }
  }
}
