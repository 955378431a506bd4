package dev.solo.gateway;

import dev.solo.proto.v1.SoloGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import dev.solo.capability.pki.ServerCertificate;
import java.io.IOException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;

/**
 * The gRPC server's lifecycle: start with mutual TLS, drain, stop. The RPC implementations are
 * separate; the TLS material is passed in.
 */
public final class GrpcGateway {
  /** The largest message a client may send: a deploy's sources or a call's body. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;

  /** At most one {@code load_shed} event per tenant per this period. */
  private static final Duration SHED_EVENT_INTERVAL = Duration.ofSeconds(1);
  /** How often the load shedder takes back the slots of calls past their lease. */
  private static final Duration LEASE_CHECK = Duration.ofMillis(5);
  /** {@code Solo.Call} on the thread that hands it over; every other RPC on the default executor. */
  private static final ServerCallExecutorSupplier CALLS_ON_TRANSPORT = new ServerCallExecutorSupplier() {
    private final Executor direct = Runnable::run;
    private final String call = SoloGrpc.getCallMethod().getFullMethodName();

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> serverCall, Metadata metadata) {
      return call.equals(serverCall.getMethodDescriptor().getFullMethodName()) ? direct : null;
    }
  };

  private final Server server;
  private final HealthStatusManager health;
  private final LoadShedder shedder;
  private final Cancellable leases;
  private final SoloRpc solo;

  private GrpcGateway(Server server, HealthStatusManager health, LoadShedder shedder, Cancellable leases, SoloRpc solo) {
    this.server = server;
    this.health = health;
    this.shedder = shedder;
    this.leases = leases;
    this.solo = solo;
  }

  /**
   * What a graceful drain did.
   *
   * @param inflight service calls in flight when the drain began
   * @param cut service calls still in flight at the deadline, which were cut (cancelled)
   * @param took how long the drain took
   */
  public record Drain(int inflight, int cut, Duration took) {}

  /**
   * The server's TLS material: its certificate (renewable while the server runs, through
   * {@code Admin.RotateServerCertificate}) and the CA that client certificates must chain to.
   */
  public record Tls(ServerCertificate certificate, Path clientCa) {}

  /**
   * {@return a started server on every address of {@code host} at {@code port} (0 picks a free
   * port)}; clients must present a certificate issued by the CA
   */
  public static GrpcGateway start(String host, int port, Tls tls, GatewayDependencies deps) throws IOException {
    ServerIdentity identity = new ServerIdentity(deps.ca(), tls.certificate());
    ServerCredentials credentials = TlsServerCredentials.newBuilder()
        .keyManager(identity.keyManager())
        .trustManager(tls.clientCa().toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
    return start(host, port, credentials, identity, deps);
  }

  static GrpcGateway start(String host, int port, ServerCredentials credentials, ServerIdentity identity,
      GatewayDependencies deps) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    // Interceptors run last-added first: authenticate, then check the permission.
    Denials denials = new Denials(deps.events());
    AuthInterceptor auth = new AuthInterceptor(deps.tokens(), deps.clock(), denials, deps.quarantine());
    PermissionInterceptor permissions = new PermissionInterceptor(denials);
    ServiceCalls calls = new ServiceCalls(deps, deps.shedder(),
        new ShedEvents(deps.events(), SHED_EVENT_INTERVAL),
        new PacedRefusals((delay, task) -> deps.system().scheduler().scheduleOnce(delay, task, deps.system().executionContext())));
    SoloRpc solo = new SoloRpc(deps, calls);
    InetAddress[] addresses = InetAddress.getAllByName(host);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(addresses[0], port), credentials);
    if (port != 0) {
      // Every address of the name listens (localhost: 127.0.0.1 and ::1), whichever a client picks.
      for (int i = 1; i < addresses.length; i++) {
        builder.addListenAddress(new InetSocketAddress(addresses[i], port));
      }
    }
    Server server = builder
        .addService(MalformedRequests.guard(ServerInterceptors.intercept(solo, permissions, auth)))
        .addService(MalformedRequests.guard(ServerInterceptors.intercept(new AdminRpc(deps, identity), permissions, auth)))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        // Solo.Call never blocks (ServiceCalls): it runs on the transport thread its request
        // arrived on, which saves a hand-off to the default executor, and a wake-up, per call.
        // Every other RPC may block (a deploy waits for javac) and keeps the default executor.
        .callExecutor(CALLS_ON_TRANSPORT)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .maxInboundMetadataSize(16 << 10)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .build()
        .start();
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    Cancellable leases = deps.system().scheduler().scheduleAtFixedRate(LEASE_CHECK, LEASE_CHECK,
        deps.shedder()::expireLeases, deps.system().executionContext());
    return new GrpcGateway(server, health, deps.shedder(), leases, solo);
  }

  /** {@return the port the server listens on} */
  public int port() {
    return server.getPort();
  }

  /**
   * Stops taking new calls and waits up to {@code deadline} for calls in flight; cancels those
   * still running then. New calls meanwhile get UNAVAILABLE, and so do open {@code events
   * --follow} streams at once, with the id to resume from.
   */
  public Drain drain(Duration deadline) throws InterruptedException {
    long start = System.nanoTime();
    int inflight = shedder.inflight();
    health.enterTerminalState();
    server.shutdown();
    solo.endFollowers();
    int cut = 0;
    if (!server.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      cut = shedder.inflight();
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    leases.cancel();
    return new Drain(inflight, cut, Duration.ofNanos(System.nanoTime() - start));
  }

  static ServerCredentials plaintextForTests() {
    return InsecureServerCredentials.create();
  }
}
