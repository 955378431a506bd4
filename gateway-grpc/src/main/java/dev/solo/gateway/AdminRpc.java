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
import dev.solo.capability.vault.SecretVault;
import dev.solo.eventstore.EventStore;
import dev.solo.tenant.Quota;
import dev.solo.tenant.TenantRuntime;
import dev.solo.tenant.TenantSupervisor;
import dev.solo.tenant.TenantsSupervisor;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
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
          tenants.forEach(t -> list.addTenants(TenantInfo.newBuilder()
              .setName(t.name()).setCreatedUnixMs(t.createdUnixMs()).setQuarantined(t.quarantined())));
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

  /**
   * Deletes a tenant: its tokens are revoked first (it can do nothing more), then its secrets
   * are deleted, then its services stop and its key-value data, saved states, quota and history
   * go. Its events stay in the log. Every step can be repeated, so a delete cut short by a
   * crash is finished by asking again.
   */
  @Override
  public void deleteTenant(DeleteTenantRequest request, StreamObserver<DeleteTenantResponse> response) {
    String name = request.getName();
    if (!Names.isValidTenant(name)) {
      response.onError(Statuses.invalid(invalidName(name)));
      return;
    }
    Caller caller = Keys.CALLER.get();
    DeleteTenantResponse.Builder result = DeleteTenantResponse.newBuilder();
    ask(deps.tenants(), (ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo) -> new TenantsSupervisor.GetTenant(name, replyTo))
        .thenCompose(supervisor -> supervisor.isEmpty()
            ? CompletableFuture.failedFuture(Statuses.notFound("no tenant " + name + "; see solo tenant list"))
            : ask(deps.capabilities(), (ActorRef<List<String>> replyTo) -> new CapabilityManager.RevokeTenant(name, replyTo)))
        .thenCompose(revoked -> {
          result.setTokensRevoked(revoked.size());
          if (revoked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          return EventStore.append(deps.events(), EventStore.draft(name, "capability_revoked", name,
                  Map.of("revoked", String.join(",", revoked), "reason", "tenant deleted"), caller.principal(), 0),
              ASK_TIMEOUT);
        })
        .thenCompose(event -> ask(deps.secrets(), (ActorRef<StatusReply<Integer>> replyTo) -> new SecretVault.DeleteTenant(name, replyTo)))
        .thenCompose(secrets -> {
          result.setSecretsDeleted(secrets.getValue());
          Map<String, String> attributes = Map.of(
              "tokens_revoked", Integer.toString(result.getTokensRevoked()),
              "secrets_deleted", Integer.toString(result.getSecretsDeleted()));
          return AskPattern.<TenantsSupervisor.Command, TenantsSupervisor.Deleted>ask(deps.tenants(),
              replyTo -> new TenantsSupervisor.DeleteTenant(name, caller.principal(), attributes, replyTo),
              ASK_TIMEOUT.multipliedBy(3), deps.system().scheduler());
        })
        .whenComplete((deleted, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("tenant delete", failure));
            return;
          }
          switch (deleted.result()) {
            case DELETED -> {
              response.onNext(result.setServicesStopped(deleted.servicesStopped()).build());
              response.onCompleted();
            }
            case NOT_FOUND -> response.onError(Statuses.notFound("no tenant " + name + "; see solo tenant list"));
            case IN_PROGRESS -> response.onError(
                Status.ABORTED.withDescription("a delete of tenant " + name + " is under way").asRuntimeException());
            case FAILED -> response.onError(Status.UNAVAILABLE
                .withDescription("tenant " + name + " could not be deleted now; its tokens are revoked, ask again").asRuntimeException());
          }
        });
  }

  /**
   * Sets the limits the request gives (0 leaves a limit as it is) and answers the tenant's
   * limits after the change; a request that sets none only reads them.
   */
  @Override
  public void setQuota(SetQuotaRequest request, StreamObserver<SetQuotaResponse> response) {
    String name = request.getTenant();
    if (!Names.isValidTenant(name)) {
      response.onError(Statuses.invalid(invalidName(name)));
      return;
    }
    Quota change;
    try {
      change = new Quota(request.getMaxServices(), request.getMaxInflight(), request.getCpuMs(), request.getMemoryMb(),
          request.getQueue(), request.getKvMb());
    } catch (IllegalArgumentException e) {
      response.onError(Statuses.invalid(e.getMessage()));
      return;
    }
    Caller caller = Keys.CALLER.get();
    ask(deps.tenants(), (ActorRef<Optional<TenantRuntime.Limits>> replyTo)
            -> new TenantsSupervisor.SetQuota(name, change, caller.principal(), replyTo))
        .whenComplete((limits, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("tenant quota", failure));
          } else if (limits.isEmpty()) {
            response.onError(Statuses.notFound("no tenant " + name + "; see solo tenant list"));
          } else {
            TenantRuntime.Limits now = limits.get();
            response.onNext(SetQuotaResponse.newBuilder()
                .setTenant(name)
                .setMaxServices(now.maxServices())
                .setMaxInflight(now.maxInflight())
                .setCpuMs(now.budget().cpu().toMillis())
                .setMemoryMb(now.budget().allocatedBytes() >> 20)
                .setQueue(now.queuePerService())
                .setKvMb(now.kvBytes() >> 20)
                .build());
            response.onCompleted();
          }
        });
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
            response.onNext(QuarantineResponse.newBuilder()
                .setChanged(result == TenantsSupervisor.QuarantineResult.CHANGED).build());
            response.onCompleted();
          }
        });
  }

  /**
   * Quarantines one service: it stops with its state saved and answers every call with
   * UNAVAILABLE and why, running no tenant code, until released. It stays so across restarts.
   */
  @Override
  public void quarantineService(ServiceRef request, StreamObserver<QuarantineResponse> response) {
    Caller caller = Keys.CALLER.get();
    onService(request, "service quarantine", supervisor -> AskPattern.ask(supervisor,
        replyTo -> new TenantSupervisor.QuarantineService(request.getService(), "by an operator", caller.principal(), replyTo),
        ASK_TIMEOUT.multipliedBy(2), deps.system().scheduler()), response);
  }

  /** Releases a quarantined service: it starts again with the state it saved. */
  @Override
  public void releaseService(ServiceRef request, StreamObserver<QuarantineResponse> response) {
    Caller caller = Keys.CALLER.get();
    onService(request, "service release", supervisor -> AskPattern.ask(supervisor,
        replyTo -> new TenantSupervisor.ReleaseService(request.getService(), caller.principal(), replyTo),
        ASK_TIMEOUT, deps.system().scheduler()), response);
  }

  private void onService(ServiceRef service, String what,
      java.util.function.Function<ActorRef<TenantSupervisor.Command>, CompletionStage<TenantsSupervisor.QuarantineResult>> action,
      StreamObserver<QuarantineResponse> response) {
    if (!Names.isValidTenant(service.getTenant())) {
      response.onError(Statuses.invalid(invalidName(service.getTenant())));
      return;
    }
    try {
      Names.checkService(service.getService());
    } catch (IllegalArgumentException e) {
      response.onError(Statuses.invalid(e.getMessage()));
      return;
    }
    String notFound = "no service " + service.getService() + " in tenant " + service.getTenant() + "; see solo list";
    ask(deps.tenants(), (ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo)
            -> new TenantsSupervisor.GetTenant(service.getTenant(), replyTo))
        .thenCompose(supervisor -> supervisor.isEmpty()
            ? CompletableFuture.failedFuture(Statuses.notFound("no tenant " + service.getTenant() + "; see solo tenant list"))
            : action.apply(supervisor.get()))
        .whenComplete((result, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal(what, failure));
          } else if (result == TenantsSupervisor.QuarantineResult.NOT_FOUND) {
            response.onError(Statuses.notFound(notFound));
          } else {
            response.onNext(QuarantineResponse.newBuilder()
                .setChanged(result == TenantsSupervisor.QuarantineResult.CHANGED).build());
            response.onCompleted();
          }
        });
  }

  private <Q, T> CompletionStage<T> ask(RecipientRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<T>, Q> message) {
    return AskPattern.ask(target, message, ASK_TIMEOUT, deps.system().scheduler());
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
                ASK_TIMEOUT)
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
