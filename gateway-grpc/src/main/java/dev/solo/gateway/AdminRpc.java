package dev.solo.gateway;

import dev.solo.capability.CapabilityManager;
import dev.solo.capability.IssuedToken;
import dev.solo.capability.Names;
import dev.solo.capability.Permission;
import dev.solo.capability.pki.IssuedCertificate;
import dev.solo.proto.v1.AdminGrpc;
import dev.solo.proto.v1.CreateTenantRequest;
import dev.solo.proto.v1.DeleteTenantRequest;
import dev.solo.proto.v1.DeleteTenantResponse;
import dev.solo.proto.v1.ListTenantsRequest;
import dev.solo.proto.v1.ListTenantsResponse;
import dev.solo.proto.v1.QuarantineResponse;
import dev.solo.proto.v1.RotateServerCertificateRequest;
import dev.solo.proto.v1.RotateServerCertificateResponse;
import dev.solo.proto.v1.ServiceRef;
import dev.solo.proto.v1.SetQuotaRequest;
import dev.solo.proto.v1.SetQuotaResponse;
import dev.solo.proto.v1.ShutdownRequest;
import dev.solo.proto.v1.ShutdownResponse;
import dev.solo.proto.v1.TenantCredentials;
import dev.solo.proto.v1.TenantInfo;
import dev.solo.proto.v1.TenantRef;
import dev.solo.tenant.TenantsSupervisor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/** {@code solo.v1.Admin}: the operator's surface; the permission interceptor admits only the admin. */
final class AdminRpc extends AdminGrpc.AdminImplBase {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(15);

  private final GatewayDependencies deps;
  private final ServerIdentity identity;

  AdminRpc(GatewayDependencies deps, ServerIdentity identity) {
    this.deps = deps;
    this.identity = identity;
  }

  /**
   * Creates the tenant, then its root token, then its client certificate. The key and the token
   * exist only in this response.
   */
  @Override
  public void createTenant(CreateTenantRequest request, StreamObserver<TenantCredentials> response) {
    String name = request.getName();
    if (!Names.isValidTenant(name)) {
      response.onError(Statuses.invalid(invalidName(name)));
      return;
    }
    Caller caller = Keys.CALLER.get();
    AskPattern.<TenantsSupervisor.Command, TenantsSupervisor.Created>ask(
            deps.tenants(), replyTo -> new TenantsSupervisor.CreateTenant(name, caller.principal(), replyTo),
            ASK_TIMEOUT, deps.system().scheduler())
        .thenCompose(created -> created.alreadyExists()
            ? CompletableFuture.failedFuture(Status.ALREADY_EXISTS.withDescription("tenant " + name + " already exists").asRuntimeException())
            : AskPattern.<CapabilityManager.Command, StatusReply<IssuedToken>>ask(
                    deps.capabilities(),
                    replyTo -> new CapabilityManager.Issue(name, Permission.tenantRoot(), Optional.empty(), "", replyTo),
                    ASK_TIMEOUT, deps.system().scheduler())
                .thenApply(StatusReply::getValue))
        .thenApplyAsync(token -> credentials(name, token), deps.system().executionContext())
        .whenComplete((credentials, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("create tenant", failure));
          } else {
            response.onNext(credentials);
            response.onCompleted();
          }
        });
  }

  private TenantCredentials credentials(String tenant, IssuedToken token) {
    IssuedCertificate certificate = deps.ca().issueClient("tenant:" + tenant, deps.clientCertificateLifetime());
    return TenantCredentials.newBuilder()
        .setTenant(tenant)
        .setCaPem(deps.ca().caPem())
        .setCertPem(certificate.certPem())
        .setKeyPem(certificate.keyPem())
        .setToken(token.token())
        .setTokenId(token.grant().tokenId())
        .build();
  }

  private static String invalidName(String name) {
    try {
      Names.checkTenant(name);
      return "invalid tenant name";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Override
  public void listTenants(ListTenantsRequest request, StreamObserver<ListTenantsResponse> response) {
    AskPattern.<TenantsSupervisor.Command, List<TenantsSupervisor.TenantView>>ask(
            deps.tenants(), TenantsSupervisor.ListTenants::new, ASK_TIMEOUT, deps.system().scheduler())
        .whenComplete((tenants, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("list tenants", failure));
            return;
          }
          ListTenantsResponse.Builder list = ListTenantsResponse.newBuilder();
          tenants.forEach(t -> list.addTenants(TenantInfo.newBuilder().setName(t.name()).setCreatedUnixMs(t.createdUnixMs())));
          response.onNext(list.build());
          response.onCompleted();
        });
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> response) {
    response.onNext(ShutdownResponse.getDefaultInstance());
    response.onCompleted();
    deps.shutdown().run();
  }

  // ---- later issues ----

  @Override
  public void deleteTenant(DeleteTenantRequest request, StreamObserver<DeleteTenantResponse> response) {
    response.onError(Statuses.unimplemented("tenant delete", "issue: capabilities, identity, secrets and the admin surface"));
  }

  @Override
  public void setQuota(SetQuotaRequest request, StreamObserver<SetQuotaResponse> response) {
    response.onError(Statuses.unimplemented("tenant quotas", "issue: limits, fair load shedding"));
  }

  /** The kill switch: the tenant's calls are refused at once, its services stop, nothing is deleted. */
  @Override
  public void quarantineTenant(TenantRef request, StreamObserver<QuarantineResponse> response) {
    setQuarantine(request.getName(), true, response);
  }

  /** Lifts the kill switch: the tenant's services start again with the state they saved. */
  @Override
  public void releaseTenant(TenantRef request, StreamObserver<QuarantineResponse> response) {
    setQuarantine(request.getName(), false, response);
  }

  private void setQuarantine(String tenant, boolean quarantined, StreamObserver<QuarantineResponse> response) {
    Caller caller = Keys.CALLER.get();
    AskPattern.<TenantsSupervisor.Command, TenantsSupervisor.QuarantineResult>ask(deps.tenants(),
            replyTo -> new TenantsSupervisor.SetQuarantine(tenant, quarantined, caller.principal(), "", replyTo),
            ASK_TIMEOUT.multipliedBy(3), deps.system().scheduler())
        .whenComplete((result, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal(quarantined ? "quarantine" : "release", failure));
          } else if (result == TenantsSupervisor.QuarantineResult.NOT_FOUND) {
            response.onError(Statuses.notFound("no tenant " + tenant + "; see solo tenant list"));
          } else {
            response.onNext(QuarantineResponse.getDefaultInstance());
            response.onCompleted();
          }
        });
  }

  @Override
  public void quarantineService(ServiceRef request, StreamObserver<QuarantineResponse> response) {
    response.onError(Statuses.unimplemented("service quarantine", "issue: limits and supervision with quarantine"));
  }

  @Override
  public void releaseService(ServiceRef request, StreamObserver<QuarantineResponse> response) {
    response.onError(Statuses.unimplemented("service release", "issue: limits and supervision with quarantine"));
  }

  /** Issues a new server certificate and serves it from now on; open connections keep theirs. */
  @Override
  public void rotateServerCertificate(RotateServerCertificateRequest request, StreamObserver<RotateServerCertificateResponse> response) {
    Caller caller = Keys.CALLER.get();
    CompletableFuture.supplyAsync(() -> {
          try {
            return identity.rotate();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, deps.system().executionContext())
        .thenCompose(notAfter -> dev.solo.eventstore.EventStore.append(deps.events(),
                dev.solo.eventstore.EventStore.draft("", "server_certificate_rotated", "server",
                    java.util.Map.of("not_after", notAfter.toString()), caller.principal(), 0),
                ASK_TIMEOUT, deps.system().scheduler())
            .thenApply(event -> notAfter))
        .whenComplete((notAfter, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("certificate rotation", failure));
          } else {
            response.onNext(RotateServerCertificateResponse.newBuilder().setNotAfter(notAfter.toString()).build());
            response.onCompleted();
          }
        });
  }
}
