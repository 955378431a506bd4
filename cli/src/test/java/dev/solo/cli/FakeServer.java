package dev.solo.cli;

import com.google.protobuf.ByteString;
import dev.solo.client.Credentials;
import dev.solo.client.TestPki;
import dev.solo.proto.v1.AdminGrpc;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.CallResponse;
import dev.solo.proto.v1.CreateTenantRequest;
import dev.solo.proto.v1.DeployRequest;
import dev.solo.proto.v1.DeployResponse;
import dev.solo.proto.v1.Event;
import dev.solo.proto.v1.EventsRequest;
import dev.solo.proto.v1.Finding;
import dev.solo.proto.v1.Findings;
import dev.solo.proto.v1.ListServicesRequest;
import dev.solo.proto.v1.ListServicesResponse;
import dev.solo.proto.v1.ServiceInfo;
import dev.solo.proto.v1.ServiceStatus;
import dev.solo.proto.v1.SoloGrpc;
import dev.solo.proto.v1.StatusRequest;
import dev.solo.proto.v1.TenantCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server on a loopback port with real mutual TLS that answers like Solo's gateway would, with
 * fixed data: one tenant {@code acme} with one service {@code counter}.
 */
final class FakeServer implements AutoCloseable {
  static final Metadata.Key<Findings> FINDINGS =
      Metadata.Key.of("solo-findings-bin", ProtoUtils.metadataMarshaller(Findings.getDefaultInstance()));

  final TestPki pki = TestPki.create();
  final AtomicReference<DeployRequest> lastDeploy = new AtomicReference<>();
  final AtomicReference<EventsRequest> lastEvents = new AtomicReference<>();
  final AtomicInteger tenantsCreated = new AtomicInteger();
  private final Server server;

  FakeServer() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, pki.serverCredentials())
            .addService(new Solo())
            .addService(new Admin())
            .build()
            .start();
  }

  /** {@return admin credentials for this server} */
  Credentials credentials() {
    return pki.credentials(address(), "", "tok-admin");
  }

  String address() {
    return "localhost:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private final class Solo extends SoloGrpc.SoloImplBase {
    @Override
    public void deploy(DeployRequest request, StreamObserver<DeployResponse> reply) {
      lastDeploy.set(request);
      if (request.getFilesMap().values().stream().anyMatch(source -> source.contains("reflect"))) {
        Metadata trailers = new Metadata();
        trailers.put(
            FINDINGS,
            Findings.newBuilder()
                .addFindings(finding("no-reflection", 3, 9, "java.lang.reflect is not allowed"))
                .addFindings(finding("no-threads", 7, 5, "new Thread is not allowed"))
                .build());
        reply.onError(Status.INVALID_ARGUMENT.withDescription("deploy refused: 2 findings").asRuntimeException(trailers));
        return;
      }
      reply.onNext(
          DeployResponse.newBuilder()
              .setService(request.getService())
              .setVersion(2)
              .setArtifactHash("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
              .setEventId(17)
              .build());
      reply.onCompleted();
    }

    @Override
    public void call(CallRequest request, StreamObserver<CallResponse> reply) {
      String body = request.getBody().toStringUtf8();
      int status = request.getMethod().equals("fail") ? 500 : 200;
      reply.onNext(
          CallResponse.newBuilder()
              .setStatus(status)
              .setBody(ByteString.copyFromUtf8(request.getMethod() + ":" + body))
              .setVersion(2)
              .build());
      reply.onCompleted();
    }

    @Override
    public void listServices(ListServicesRequest request, StreamObserver<ListServicesResponse> reply) {
      reply.onNext(
          ListServicesResponse.newBuilder()
              .addServices(counter())
              .addServices(ServiceInfo.newBuilder().setName("a").setVersion(12).setState("failed").setArtifactHash("0123"))
              .build());
      reply.onCompleted();
    }

    @Override
    public void status(StatusRequest request, StreamObserver<ServiceStatus> reply) {
      if (!request.getService().equals("counter")) {
        reply.onError(Status.NOT_FOUND.withDescription("no service " + request.getService()).asRuntimeException());
        return;
      }
      reply.onNext(
          ServiceStatus.newBuilder()
              .setService(counter())
              .setCalls(10)
              .setErrors(1)
              .setQueueDepth(0)
              .setRestarts(0)
              .setBreaker("closed")
              .build());
      reply.onCompleted();
    }

    @Override
    public void events(EventsRequest request, StreamObserver<Event> reply) {
      lastEvents.set(request);
      reply.onNext(
          Event.newBuilder()
              .setId(request.getAfterId() + 1)
              .setTimeUnixMs(1_700_000_000_000L)
              .setTenant("acme")
              .setType("service_deployed")
              .setSubject("counter")
              .putAttributes("version", "2")
              .setPrincipal("tenant:acme")
              .build());
      reply.onCompleted();
    }

    private static ServiceInfo counter() {
      return ServiceInfo.newBuilder()
          .setName("counter")
          .setVersion(2)
          .setState("running")
          .setArtifactHash("9f86d081884c7d659a2feaa0c55ad015")
          .setDeployedUnixMs(1_700_000_000_000L)
          .build();
    }

    private static Finding finding(String rule, int line, int column, String message) {
      return Finding.newBuilder().setRule(rule).setFile("Counter.java").setLine(line).setColumn(column).setMessage(message).build();
    }
  }

  private final class Admin extends AdminGrpc.AdminImplBase {
    @Override
    public void createTenant(CreateTenantRequest request, StreamObserver<TenantCredentials> reply) {
      tenantsCreated.incrementAndGet();
      Credentials c = pki.credentials("ignored:0", request.getName(), "tok-" + request.getName());
      reply.onNext(
          TenantCredentials.newBuilder()
              .setTenant(c.tenant())
              .setCaPem(c.ca())
              .setCertPem(c.cert())
              .setKeyPem(c.key())
              .setToken(c.token())
              .setTokenId("tok-9")
              .build());
      reply.onCompleted();
    }
  }
}
