package dev.solo.client;

import com.google.protobuf.ByteString;
import dev.solo.proto.v1.AdminGrpc;
import dev.solo.proto.v1.CreateTenantRequest;
import dev.solo.proto.v1.DeleteSecretRequest;
import dev.solo.proto.v1.DeleteTenantRequest;
import dev.solo.proto.v1.DeployRequest;
import dev.solo.proto.v1.DescribeRequest;
import dev.solo.proto.v1.GetLogsRequest;
import dev.solo.proto.v1.GrantRequest;
import dev.solo.proto.v1.KillRequest;
import dev.solo.proto.v1.ListSecretsRequest;
import dev.solo.proto.v1.ListServicesRequest;
import dev.solo.proto.v1.ListTenantsRequest;
import dev.solo.proto.v1.ListTokensRequest;
import dev.solo.proto.v1.PutSecretRequest;
import dev.solo.proto.v1.RevokeRequest;
import dev.solo.proto.v1.RollbackRequest;
import dev.solo.proto.v1.RotateServerCertificateRequest;
import dev.solo.proto.v1.ServiceRef;
import dev.solo.proto.v1.SetQuotaRequest;
import dev.solo.proto.v1.ShutdownRequest;
import dev.solo.proto.v1.TenantRef;
import dev.solo.proto.v1.SoloGrpc;
import dev.solo.proto.v1.StatusRequest;
import dev.solo.proto.v1.SwapRequest;
import dev.solo.proto.v1.TenantCredentials;
import dev.solo.proto.v1.VersionsRequest;
import dev.solo.proto.v1.WhoAmIRequest;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A connection to a Solo server, acting as the principal of one {@link Credentials}. Every method
 * is a blocking call with a deadline (30 s, 120 s for deploy and swap; see {@link
 * #withTimeout(Duration)}) and throws {@link SoloException} when the call fails. Calls that only
 * read are retried a few times when the server is unavailable; calls that change something are
 * never retried. Thread-safe; close it when done.
 *
 * <pre>{@code
 * try (SoloClient solo = SoloClient.connect(Credentials.read(Credentials.defaultPath()))) {
 *   solo.deploy("counter", List.of(Path.of("Counter.java")));
 *   System.out.println(solo.call("counter", "increment", new byte[0]).text());
 * }
 * }</pre>
 */
public final class SoloClient implements AutoCloseable {
  static final int RETRIES = 3;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(120);
  private static final int MAX_MESSAGE_BYTES = 64 << 20;

  private final ManagedChannel owned;
  private final String server;
  private final SoloGrpc.SoloBlockingStub solo;
  private final AdminGrpc.AdminBlockingStub admin;
  private final Duration timeout;

  /** A client over any channel, for tests with an in-process server; does not own the channel. */
  SoloClient(Channel channel, String server, String token) {
    this(null, channel, server, new BearerToken(token));
  }

  private SoloClient(ManagedChannel owned, Channel channel, String server, CallCredentials token) {
    this.owned = owned;
    this.server = server;
    this.solo =
        SoloGrpc.newBlockingStub(channel)
            .withCallCredentials(token)
            .withMaxInboundMessageSize(MAX_MESSAGE_BYTES)
            .withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
    this.admin =
        AdminGrpc.newBlockingStub(channel)
            .withCallCredentials(token)
            .withMaxInboundMessageSize(MAX_MESSAGE_BYTES)
            .withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
    this.timeout = null;
  }

  private SoloClient(SoloClient other, Duration timeout) {
    this.owned = other.owned;
    this.server = other.server;
    this.solo = other.solo;
    this.admin = other.admin;
    this.timeout = timeout;
  }

  /**
   * Opens a connection with mutual TLS: the client certificate and key of the credentials, and
   * their CA as the only trusted root. The connection is made lazily, by the first call.
   *
   * @throws IllegalArgumentException if the certificates or the key cannot be used
   */
  public static SoloClient connect(Credentials credentials) {
    ChannelCredentials tls;
    try {
      tls =
          TlsChannelCredentials.newBuilder()
              .keyManager(PemKeyManager.of(credentials.cert(), credentials.key()))
              .trustManager(pem(credentials.ca()))
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading from memory does not fail
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use the certificates or key of the credentials for " + credentials.server() + ": " + e.getMessage(), e);
    }
    ManagedChannel channel;
    try {
      channel = Grpc.newChannelBuilder(credentials.server(), tls).maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use the certificates or key of the credentials for " + credentials.server() + ": " + e.getMessage(), e);
    }
    return new SoloClient(channel, channel, credentials.server(), new BearerToken(credentials.token()));
  }

  /**
   * {@return a client with the given deadline for every call, deploy and swap included} It shares
   * this client's connection: closing either closes both.
   */
  public SoloClient withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
    return new SoloClient(this, timeout);
  }

  /** {@return the server address, {@code host:port}} */
  public String server() {
    return server;
  }

  /** {@return who the server takes this client to be} */
  public WhoAmI whoAmI() {
    return WhoAmI.from(read(solo, s -> s.whoAmI(WhoAmIRequest.getDefaultInstance())));
  }

  /**
   * Deploys a new version of a service: the server checks, compiles and starts it, or refuses it
   * with {@code INVALID_ARGUMENT} and {@link SoloException#findings()}.
   *
   * @param files file name (for example {@code Counter.java}) to Java source text
   * @param grants capabilities granted to the service, for example {@code secret.read:db-password}
   * @param explanation why; recorded in the event log
   */
  public DeployResult deploy(String service, Map<String, String> files, List<String> grants, String explanation) {
    DeployRequest request =
        DeployRequest.newBuilder()
            .setService(service)
            .putAllFiles(files)
            .addAllGrants(grants)
            .setExplanation(Objects.requireNonNullElse(explanation, ""))
            .build();
    return DeployResult.from(once(solo, deployTimeout(), s -> s.deploy(request)));
  }

  /** Deploys the given source files, with no grants; see {@link #sources(List)}. */
  public DeployResult deploy(String service, List<Path> files) throws IOException {
    return deploy(service, sources(files), List.of(), "");
  }

  /**
   * Hot-swaps a service to new source: the old version keeps running until the new one passed the
   * whole pipeline, and comes back if the new one fails within the watchdog window.
   *
   * @param watchdog how long a failure of the new version rolls it back; null for the server's default (30 s),
   *     zero for no window (the swap is committed at once)
   */
  public SwapResult swap(String service, Map<String, String> files, Duration watchdog, String explanation) {
    SwapRequest.Builder request =
        SwapRequest.newBuilder()
            .setService(service)
            .putAllFiles(files)
            .setExplanation(Objects.requireNonNullElse(explanation, ""));
    if (watchdog != null) {
      request.setWatchdogMs(watchdog.toMillis());
    }
    return SwapResult.from(once(solo, deployTimeout(), s -> s.swap(request.build())));
  }

  /** Switches a service back to one of its kept versions. */
  public SwapResult rollback(String service, int toVersion, String explanation) {
    RollbackRequest request =
        RollbackRequest.newBuilder()
            .setService(service)
            .setToVersion(toVersion)
            .setExplanation(Objects.requireNonNullElse(explanation, ""))
            .build();
    return SwapResult.from(once(solo, deployTimeout(), s -> s.rollback(request)));
  }

  /** {@return the kept versions of a service} */
  public List<VersionInfo> versions(String service) {
    VersionsRequest request = VersionsRequest.newBuilder().setService(service).build();
    return read(solo, s -> s.versions(request)).getVersionsList().stream().map(VersionInfo::from).toList();
  }

  /**
   * Calls a method of a service. A reply with a status of 400 or more is still a result, not an
   * exception; {@link SoloException} means the call did not reach the service or was refused.
   */
  public CallResult call(String service, String method, byte[] body) {
    dev.solo.proto.v1.CallRequest request =
        dev.solo.proto.v1.CallRequest.newBuilder()
            .setService(service)
            .setMethod(method)
            .setBody(body == null ? ByteString.EMPTY : ByteString.copyFrom(body))
            .build();
    return CallResult.from(once(solo, timeout(), s -> s.call(request)));
  }

  /**
   * Stops a service and removes it from the registry.
   *
   * @return the id of the {@code service_killed} event
   */
  public long kill(String service, String explanation) {
    KillRequest request =
        KillRequest.newBuilder().setService(service).setExplanation(Objects.requireNonNullElse(explanation, "")).build();
    return once(solo, timeout(), s -> s.kill(request)).getEventId();
  }

  /** {@return the services of the caller's tenant} */
  public List<ServiceInfo> listServices() {
    return read(solo, s -> s.listServices(ListServicesRequest.getDefaultInstance()))
        .getServicesList()
        .stream()
        .map(ServiceInfo::from)
        .toList();
  }

  /** {@return the health of one service} */
  public ServiceStatus status(String service) {
    StatusRequest request = StatusRequest.newBuilder().setService(service).build();
    return ServiceStatus.from(read(solo, s -> s.status(request)));
  }

  /** {@return what a service said about its methods when its live version was deployed; the server runs none of its code for this} */
  public ServiceDescription describe(String service) {
    DescribeRequest request = DescribeRequest.newBuilder().setService(service).build();
    return ServiceDescription.from(read(solo, s -> s.describe(request)));
  }

  /** {@return the last {@code tail} lines a service logged, oldest first; 0 for the server's default (100)} */
  public List<LogLine> logs(String service, int tail) {
    return logs(service, tail, Instant.EPOCH, "");
  }

  /**
   * {@return the lines a service logged at or after {@code since} that contain {@code grep}
   * (plain text, case-sensitive; empty for all), the newest {@code tail} of them, oldest first}
   * The server keeps the last 1,000 lines of each service, in memory only.
   *
   * @param tail how many lines at most; 0 for the server's default (100)
   */
  public List<LogLine> logs(String service, int tail, Instant since, String grep) {
    GetLogsRequest request = GetLogsRequest.newBuilder()
        .setService(service)
        .setTail(tail)
        .setSinceUnixMs(since.toEpochMilli())
        .setGrep(Objects.requireNonNullElse(grep, ""))
        .build();
    return read(solo, s -> s.getLogs(request)).getLinesList().stream().map(LogLine::from).toList();
  }

  /**
   * Reads events. Without {@link EventQuery#follow()} the stream ends after the history and has
   * the usual deadline; with it, the stream has no deadline and ends only when closed.
   */
  public EventStream events(EventQuery query) {
    var request = query.toRequest();
    Duration deadline = timeout();
    return new EventStream(
        () -> query.follow() ? solo.events(request) : deadline(solo, deadline).events(request),
        !query.follow(),
        (e, attempt) -> pause(attempt, e, deadline),
        e -> SoloException.from(e, server, deadline));
  }

  /**
   * Derives a narrower token from this client's token.
   *
   * @param ttl how long it is valid; zero for as long as the parent token
   */
  public Token grant(List<String> permissions, Duration ttl, String explanation) {
    GrantRequest request =
        GrantRequest.newBuilder()
            .addAllPermissions(permissions)
            .setTtlMs(ttl.toMillis())
            .setExplanation(Objects.requireNonNullElse(explanation, ""))
            .build();
    return Token.from(once(solo, timeout(), s -> s.grant(request)));
  }

  /** {@return the tokens of the caller's tenant} */
  public List<TokenInfo> tokens() {
    return read(solo, s -> s.listTokens(ListTokensRequest.getDefaultInstance()))
        .getTokensList()
        .stream()
        .map(TokenInfo::from)
        .toList();
  }

  /** Revokes a token and every token derived from it; {@return the ids of the revoked tokens} */
  public List<String> revoke(String tokenId, String explanation) {
    RevokeRequest request =
        RevokeRequest.newBuilder().setTokenId(tokenId).setExplanation(Objects.requireNonNullElse(explanation, "")).build();
    return List.copyOf(once(solo, timeout(), s -> s.revoke(request)).getRevokedIdsList());
  }

  /** Stores a secret of the caller's tenant, replacing any of the same name. */
  public void putSecret(String name, byte[] value) {
    PutSecretRequest request = PutSecretRequest.newBuilder().setName(name).setValue(ByteString.copyFrom(value)).build();
    once(solo, timeout(), s -> s.putSecret(request));
  }

  /** {@return the names of the caller's tenant's secrets} */
  public List<String> secrets() {
    return List.copyOf(read(solo, s -> s.listSecrets(ListSecretsRequest.getDefaultInstance())).getNamesList());
  }

  /** Deletes a secret of the caller's tenant. */
  public void deleteSecret(String name) {
    DeleteSecretRequest request = DeleteSecretRequest.newBuilder().setName(name).build();
    once(solo, timeout(), s -> s.deleteSecret(request));
  }

  /**
   * Admin: creates a tenant with its client certificate and first token.
   *
   * @return the new tenant's credentials, pointing at this client's server; the server keeps
   *     neither the key nor the token, so store them with {@link Credentials#write(Path)}
   */
  public Credentials createTenant(String name) {
    CreateTenantRequest request = CreateTenantRequest.newBuilder().setName(name).build();
    TenantCredentials c = once(admin, timeout(), s -> s.createTenant(request));
    return new Credentials(server, c.getTenant(), c.getCaPem(), c.getCertPem(), c.getKeyPem(), c.getToken(), c.getTokenId());
  }

  /** Admin: {@return all tenants} */
  public List<TenantInfo> listTenants() {
    return read(admin, s -> s.listTenants(ListTenantsRequest.getDefaultInstance()))
        .getTenantsList()
        .stream()
        .map(TenantInfo::from)
        .toList();
  }

  /**
   * Admin: deletes a tenant for good: its tokens are revoked, its secrets deleted, its services
   * stopped, its key-value data, saved states and quota removed. Its events stay in the log.
   */
  public TenantDeletion deleteTenant(String name) {
    DeleteTenantRequest request = DeleteTenantRequest.newBuilder().setName(name).build();
    var deleted = once(admin, timeout(), s -> s.deleteTenant(request));
    return new TenantDeletion(name, deleted.getServicesStopped(), deleted.getTokensRevoked(), deleted.getSecretsDeleted());
  }

  /**
   * Admin: sets the limits {@code change} gives (a field of 0 leaves that limit as it is);
   * {@return the tenant's limits after the change} A change of nothing only reads them.
   */
  public TenantLimits setQuota(TenantLimits change) {
    SetQuotaRequest request = SetQuotaRequest.newBuilder()
        .setTenant(change.tenant())
        .setMaxServices(change.maxServices())
        .setMaxInflight(change.maxInflight())
        .setCpuMs(change.cpuMs())
        .setMemoryMb(change.memoryMb())
        .setQueue(change.queue())
        .setKvMb(change.kvMb())
        .build();
    return TenantLimits.from(once(admin, timeout(), s -> s.setQuota(request)));
  }

  /**
   * Admin: quarantines one service: it stops with its state saved and answers every call with
   * UNAVAILABLE until released. {@return false if it already was quarantined}
   */
  public boolean quarantineService(String tenant, String service) {
    ServiceRef request = ServiceRef.newBuilder().setTenant(tenant).setService(service).build();
    return once(admin, timeout(), s -> s.quarantineService(request)).getChanged();
  }

  /** Admin: releases a quarantined service; {@return false if it was not quarantined} */
  public boolean releaseService(String tenant, String service) {
    ServiceRef request = ServiceRef.newBuilder().setTenant(tenant).setService(service).build();
    return once(admin, timeout(), s -> s.releaseService(request)).getChanged();
  }

  /**
   * Admin: quarantines a tenant, the kill switch: its calls are refused at once and its services
   * stop with their state saved; nothing is deleted. {@return false if it already was quarantined}
   */
  public boolean quarantineTenant(String name) {
    TenantRef request = TenantRef.newBuilder().setName(name).build();
    return once(admin, timeout(), s -> s.quarantineTenant(request)).getChanged();
  }

  /**
   * Admin: releases a quarantined tenant; its services start again with their saved state.
   * {@return false if it was not quarantined}
   */
  public boolean releaseTenant(String name) {
    TenantRef request = TenantRef.newBuilder().setName(name).build();
    return once(admin, timeout(), s -> s.releaseTenant(request)).getChanged();
  }

  /**
   * Admin: has the server issue itself a new certificate from its CA and serve it from now on;
   * {@return when the new certificate expires} Connections already open keep working.
   */
  public Instant rotateServerCertificate() {
    String notAfter = once(admin, timeout(), s -> s.rotateServerCertificate(RotateServerCertificateRequest.getDefaultInstance()))
        .getNotAfter();
    return Instant.parse(notAfter);
  }

  /** Admin: shuts the server down gracefully; returns once it has begun to drain. */
  public void shutdown(String reason) {
    ShutdownRequest request = ShutdownRequest.newBuilder().setReason(Objects.requireNonNullElse(reason, "")).build();
    once(admin, timeout(), s -> s.shutdown(request));
  }

  /**
   * {@return source files read into the map {@link #deploy(String, Map, List, String)} takes, keyed
   * by file name}
   *
   * @throws IllegalArgumentException if two files have the same name
   */
  public static Map<String, String> sources(List<Path> files) throws IOException {
    Map<String, String> sources = new LinkedHashMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (sources.put(name, Files.readString(file, StandardCharsets.UTF_8)) != null) {
        throw new IllegalArgumentException("two files are named " + name + "; file names must be unique");
      }
    }
    return sources;
  }

  /** Closes the connection, cancelling calls still running; waits briefly for them to end. */
  @Override
  public void close() {
    if (owned == null) return;
    owned.shutdownNow();
    try {
      owned.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits before retry {@code attempt} (0-based): 100 ms, 200 ms, 400 ms. Then lets the channel
   * reconnect at once: gRPC would otherwise wait a second before trying again, and fail the retry
   * without trying.
   */
  private void pause(int attempt, StatusRuntimeException failure, Duration deadline) {
    try {
      Thread.sleep(100L << attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SoloException.from(failure, server, deadline);
    }
    if (owned != null) owned.resetConnectBackoff();
  }

  private <S extends AbstractStub<S>, R> R once(S stub, Duration deadline, Function<S, R> rpc) {
    try {
      return rpc.apply(deadline(stub, deadline));
    } catch (StatusRuntimeException e) {
      throw SoloException.from(e, server, deadline);
    }
  }

  /** A call that only reads: retried when the server is unavailable. */
  private <S extends AbstractStub<S>, R> R read(S stub, Function<S, R> rpc) {
    Duration deadline = timeout();
    for (int attempt = 0; ; attempt++) {
      try {
        return rpc.apply(deadline(stub, deadline));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt == RETRIES) {
          throw SoloException.from(e, server, deadline);
        }
        pause(attempt, e, deadline);
      }
    }
  }

  private static <S extends AbstractStub<S>> S deadline(S stub, Duration deadline) {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Duration timeout() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  private Duration deployTimeout() {
    return timeout == null ? DEPLOY_TIMEOUT : timeout;
  }

  private static InputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
