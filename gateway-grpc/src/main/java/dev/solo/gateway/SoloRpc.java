package dev.solo.gateway;

import com.google.protobuf.ByteString;
import dev.solo.api.Request;
import dev.solo.capability.CapabilityManager;
import dev.solo.capability.Grant;
import dev.solo.capability.IssuedToken;
import dev.solo.capability.Permission;
import dev.solo.capability.TokenInfo;
import dev.solo.capability.vault.SecretVault;
import dev.solo.eventstore.EventStore;
import dev.solo.eventstore.EventFeed;
import dev.solo.eventstore.EventFilter;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.CallResponse;
import dev.solo.proto.v1.DeleteSecretRequest;
import dev.solo.proto.v1.DeleteSecretResponse;
import dev.solo.proto.v1.DeployRequest;
import dev.solo.proto.v1.DeployResponse;
import dev.solo.proto.v1.DescribeRequest;
import dev.solo.proto.v1.DescribeResponse;
import dev.solo.proto.v1.Event;
import dev.solo.proto.v1.EventsRequest;
import dev.solo.proto.v1.GetLogsRequest;
import dev.solo.proto.v1.GetLogsResponse;
import dev.solo.proto.v1.GrantRequest;
import dev.solo.proto.v1.GrantResponse;
import dev.solo.proto.v1.KillRequest;
import dev.solo.proto.v1.KillResponse;
import dev.solo.proto.v1.ListSecretsRequest;
import dev.solo.proto.v1.ListSecretsResponse;
import dev.solo.proto.v1.ListServicesRequest;
import dev.solo.proto.v1.ListServicesResponse;
import dev.solo.proto.v1.ListTokensRequest;
import dev.solo.proto.v1.ListTokensResponse;
import dev.solo.proto.v1.PutSecretRequest;
import dev.solo.proto.v1.PutSecretResponse;
import dev.solo.proto.v1.RevokeRequest;
import dev.solo.proto.v1.RevokeResponse;
import dev.solo.proto.v1.RollbackRequest;
import dev.solo.proto.v1.ServiceInfo;
import dev.solo.proto.v1.ServiceStatus;
import dev.solo.proto.v1.SoloGrpc;
import dev.solo.proto.v1.StatusRequest;
import dev.solo.proto.v1.SwapRequest;
import dev.solo.proto.v1.SwapResponse;
import dev.solo.proto.v1.VersionsRequest;
import dev.solo.proto.v1.VersionsResponse;
import dev.solo.proto.v1.WhoAmIRequest;
import dev.solo.proto.v1.WhoAmIResponse;
import dev.solo.tenant.CallOutcome;
import dev.solo.tenant.DeployOutcome;
import dev.solo.tenant.Registry;
import dev.solo.tenant.ServiceActor;
import dev.solo.tenant.ServiceKey;
import dev.solo.tenant.ServiceLogs;
import dev.solo.tenant.TenantSupervisor;
import dev.solo.tenant.TenantsSupervisor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/** {@code solo.v1.Solo}: every call acts as the caller's own tenant. Nothing here blocks. */
final class SoloRpc extends SoloGrpc.SoloImplBase {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(120);
  /** A swap's watchdog window when the request names none (DESIGN.md §5). */
  private static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(30);
  private static final Duration MAX_WATCHDOG = Duration.ofHours(1);
  /** History events one query returns when the caller sets no limit. */
  private static final int DEFAULT_QUERY_LIMIT = 1000;

  private final GatewayDependencies deps;
  private final ServiceCalls calls;
  /** How to end each open {@code events --follow} stream when the server shuts down. */
  private final java.util.Set<Runnable> followers = java.util.concurrent.ConcurrentHashMap.newKeySet();

  SoloRpc(GatewayDependencies deps, ServiceCalls calls) {
    this.deps = deps;
    this.calls = calls;
  }

  /**
   * Ends every open follow stream with UNAVAILABLE, saying how to resume: a follow never ends by
   * itself, and a graceful shutdown would otherwise wait for its whole drain deadline.
   */
  void endFollowers() {
    for (Runnable end : followers) {
      end.run();
    }
  }

  @Override
  public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
    Caller caller = Keys.CALLER.get();
    response.onNext(WhoAmIResponse.newBuilder()
        .setPrincipal(caller.principal())
        .setTenant(caller.tenant())
        .setTokenId(caller.grant().tokenId())
        .addAllPermissions(new java.util.TreeSet<>(caller.grant().permissions()))
        .setTokenExpiresUnixMs(caller.grant().expiresAt().map(Instant::toEpochMilli).orElse(0L))
        .build());
    response.onCompleted();
  }

  @Override
  public void deploy(DeployRequest request, StreamObserver<DeployResponse> response) {
    Caller caller = Keys.CALLER.get();
    // A service gets only capabilities its deployer holds: no widening through a deploy.
    for (String grant : request.getGrantsList()) {
      try {
        Permission.parse(grant);
      } catch (IllegalArgumentException e) {
        response.onError(Statuses.invalid("--grant " + e.getMessage()));
        return;
      }
      if (!caller.grant().allows(grant)) {
        response.onError(Status.PERMISSION_DENIED
            .withDescription("cannot grant " + grant + " to a service: the token does not hold it").asRuntimeException());
        return;
      }
    }
    withTenant(caller, tenant -> AskPattern.<TenantSupervisor.Command, DeployOutcome>ask(
            tenant,
            replyTo -> new TenantSupervisor.Deploy(request.getService(), request.getFilesMap(), request.getGrantsList(),
                caller.principal(), request.getExplanation(), replyTo),
            DEPLOY_TIMEOUT,
            deps.system().scheduler()))
        .whenComplete((outcome, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("deploy", failure));
          } else if (outcome instanceof DeployOutcome.Deployed deployed) {
            response.onNext(DeployResponse.newBuilder()
                .setService(deployed.service())
                .setVersion(deployed.version())
                .setArtifactHash(deployed.artifactHash())
                .setEventId(deployed.eventId())
                .build());
            response.onCompleted();
          } else if (outcome instanceof DeployOutcome.Refused refused) {
            response.onError(Statuses.refused(refused.findings()));
          } else {
            response.onError(Statuses.of((DeployOutcome.Rejected) outcome));
          }
        });
  }

  @Override
  public void kill(KillRequest request, StreamObserver<KillResponse> response) {
    Caller caller = Keys.CALLER.get();
    withTenant(caller, tenant -> AskPattern.<TenantSupervisor.Command, DeployOutcome>ask(
            tenant,
            replyTo -> new TenantSupervisor.Kill(request.getService(), caller.principal(), request.getExplanation(), replyTo),
            ASK_TIMEOUT.multipliedBy(2),
            deps.system().scheduler()))
        .whenComplete((outcome, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("kill", failure));
          } else if (outcome instanceof DeployOutcome.Killed killed) {
            response.onNext(KillResponse.newBuilder().setService(killed.service()).setEventId(killed.eventId()).build());
            response.onCompleted();
          } else {
            response.onError(Statuses.of((DeployOutcome.Rejected) outcome));
          }
        });
  }

  @Override
  public void call(CallRequest request, StreamObserver<CallResponse> response) {
    calls.call(Keys.CALLER.get(), request, response);
  }

  @Override
  public void listServices(ListServicesRequest request, StreamObserver<ListServicesResponse> response) {
    Caller caller = Keys.CALLER.get();
    withTenant(caller, tenant -> ask(tenant, TenantSupervisor.ListServices::new, ASK_TIMEOUT))
        .whenComplete((views, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("list", failure));
            return;
          }
          ListServicesResponse.Builder list = ListServicesResponse.newBuilder();
          views.forEach(view -> list.addServices(info(view)));
          response.onNext(list.build());
          response.onCompleted();
        });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<ServiceStatus> response) {
    Caller caller = Keys.CALLER.get();
    answerAbout(caller, request.getService(), "status", response,
        (ActorRef<Optional<TenantSupervisor.StatusView>> replyTo) -> new TenantSupervisor.GetStatus(request.getService(), replyTo),
        found -> {
          ServiceStatus.Builder out = ServiceStatus.newBuilder()
              .setService(info(found.service()))
              .setRestarts(found.restarts())
              .setBreaker("closed");
          found.counters().ifPresent(c -> out.setCalls(c.calls()).setErrors(c.errors())
              .setQueueDepth(c.queueDepth()).setStartedUnixMs(c.startedUnixMs()).setLastError(c.lastError())
              .setBreaker(c.breaker().shown()).setCpuMs(c.cpuNanos() / 1_000_000).setAllocatedBytes(c.allocatedBytes())
              .setTenantKvBytes(c.tenantKvBytes()));
          return out.build();
        });
  }

  @Override
  public void events(EventsRequest request, StreamObserver<Event> response) {
    Caller caller = Keys.CALLER.get();
    EventFilter filter;
    try {
      String tenant = caller.isAdmin() ? request.getTenant() : caller.tenant();
      int limit = request.getLimit() == 0 && !request.getFollow() ? DEFAULT_QUERY_LIMIT : request.getLimit();
      filter = new EventFilter(tenant, new java.util.HashSet<>(request.getTypesList()), request.getSubject(),
          request.getAfterId(), limit, request.getNewestFirst(), request.getCausationId(), request.getSinceUnixMs(),
          request.getUntilUnixMs(), request.getFollow());
    } catch (IllegalArgumentException e) {
      response.onError(Statuses.invalid(e.getMessage()));
      return;
    }
    ServerCallStreamObserver<Event> stream = (ServerCallStreamObserver<Event>) response;
    // The feed, the caller going away and a shutdown may each end the stream, from three threads.
    Object lock = new Object();
    boolean[] ended = {false};
    long[] lastSent = {request.getAfterId()};
    Runnable[] shutdown = new Runnable[1];
    EventFeed.Subscription subscription = deps.feed().stream(filter, event -> {
      synchronized (lock) {
        if (!ended[0]) {
          stream.onNext(event);
          lastSent[0] = event.getId();
        }
      }
    }, failure -> {
      synchronized (lock) {
        if (ended[0] || stream.isCancelled()) {
          return;
        }
        ended[0] = true;
        if (failure == null) {
          stream.onCompleted();
        } else if (failure instanceof EventFeed.FollowerTooSlowException) {
          stream.onError(Status.RESOURCE_EXHAUSTED.withDescription(failure.getMessage()).asRuntimeException());
        } else {
          stream.onError(Statuses.internal("events", failure));
        }
      }
      if (shutdown[0] != null) {
        followers.remove(shutdown[0]);
      }
    });
    if (request.getFollow()) {
      shutdown[0] = () -> {
        followers.remove(shutdown[0]);
        synchronized (lock) {
          if (ended[0] || stream.isCancelled()) {
            return;
          }
          ended[0] = true;
          stream.onError(Status.UNAVAILABLE.withDescription("the server is shutting down; once it is back, follow"
              + " again from where this stream stopped: solo events --follow --since-id " + lastSent[0]).asRuntimeException());
        }
        subscription.close();
      };
      followers.add(shutdown[0]);
    }
    stream.setOnCancelHandler(() -> {
      if (shutdown[0] != null) {
        followers.remove(shutdown[0]);
      }
      subscription.close();
    });
  }

  // ---- versions: hot swap and rollback; what a service described; what it logged ----

  @Override
  public void swap(SwapRequest request, StreamObserver<SwapResponse> response) {
    Caller caller = Keys.CALLER.get();
    if (request.getWatchdogMs() < 0 || request.getWatchdogMs() > MAX_WATCHDOG.toMillis()) {
      response.onError(Statuses.invalid("the watchdog window must be between 0 and " + MAX_WATCHDOG.toMinutes() + " minutes, got "
          + request.getWatchdogMs() + " ms"));
      return;
    }
    Duration watchdog = request.hasWatchdogMs() ? Duration.ofMillis(request.getWatchdogMs()) : DEFAULT_WATCHDOG;
    withTenant(caller, tenant -> AskPattern.<TenantSupervisor.Command, DeployOutcome>ask(tenant,
            replyTo -> new TenantSupervisor.Swap(request.getService(), request.getFilesMap(), watchdog, caller.principal(),
                request.getExplanation(), replyTo),
            DEPLOY_TIMEOUT, deps.system().scheduler()))
        .whenComplete((outcome, failure) -> answerSwap("hot swap", outcome, failure, response));
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<SwapResponse> response) {
    Caller caller = Keys.CALLER.get();
    if (request.getToVersion() < 0) {
      response.onError(Statuses.invalid("a version is a positive number, got " + request.getToVersion()));
      return;
    }
    withTenant(caller, tenant -> AskPattern.<TenantSupervisor.Command, DeployOutcome>ask(tenant,
            replyTo -> new TenantSupervisor.Rollback(request.getService(), request.getToVersion(), caller.principal(),
                request.getExplanation(), replyTo),
            DEPLOY_TIMEOUT, deps.system().scheduler()))
        .whenComplete((outcome, failure) -> answerSwap("rollback", outcome, failure, response));
  }

  private static void answerSwap(String what, DeployOutcome outcome, Throwable failure, StreamObserver<SwapResponse> response) {
    if (failure != null) {
      response.onError(Statuses.internal(what, failure));
    } else if (outcome instanceof DeployOutcome.Swapped swapped) {
      response.onNext(SwapResponse.newBuilder()
          .setService(swapped.service())
          .setVersion(swapped.version())
          .setPreviousVersion(swapped.previousVersion())
          .build());
      response.onCompleted();
    } else if (outcome instanceof DeployOutcome.Refused refused) {
      response.onError(Statuses.refused(refused.findings()));
    } else {
      response.onError(Statuses.of((DeployOutcome.Rejected) outcome));
    }
  }

  @Override
  public void versions(VersionsRequest request, StreamObserver<VersionsResponse> response) {
    Caller caller = Keys.CALLER.get();
    answerAbout(caller, request.getService(), "versions", response,
        (ActorRef<Optional<List<TenantSupervisor.VersionView>>> replyTo) -> new TenantSupervisor.Versions(request.getService(), replyTo),
        found -> {
          VersionsResponse.Builder out = VersionsResponse.newBuilder();
          found.forEach(v -> out.addVersionsBuilder()
              .setVersion(v.version())
              .setArtifactHash(v.artifactHash())
              .setDeployedUnixMs(v.deployedUnixMs())
              .setState(v.state()));
          return out.build();
        });
  }

  /** Answers from what the version described when it was deployed: no tenant code runs. */
  @Override
  public void describe(DescribeRequest request, StreamObserver<DescribeResponse> response) {
    Caller caller = Keys.CALLER.get();
    answerAbout(caller, request.getService(), "describe", response,
        (ActorRef<Optional<TenantSupervisor.Description>> replyTo) -> new TenantSupervisor.Describe(request.getService(), replyTo),
        found -> {
          DescribeResponse.Builder out = DescribeResponse.newBuilder()
              .setService(found.service())
              .setVersion(found.version());
          found.methods().forEach(method -> out.addMethodsBuilder()
              .setName(method.getName())
              .setDescription(method.getDescription())
              .setInputSchema(method.getInputSchema())
              .setReadOnly(method.getReadOnly()));
          return out.build();
        });
  }

  /** The newest lines a service logged, from memory: a restart of the server forgets them. */
  @Override
  public void getLogs(GetLogsRequest request, StreamObserver<GetLogsResponse> response) {
    Caller caller = Keys.CALLER.get();
    ServiceLogs.Query query;
    try {
      query = new ServiceLogs.Query(request.getTail(), request.getSinceUnixMs(), request.getGrep());
    } catch (IllegalArgumentException e) {
      response.onError(Statuses.invalid(e.getMessage()));
      return;
    }
    answerAbout(caller, request.getService(), "logs", response,
        (ActorRef<Optional<List<ServiceLogs.Line>>> replyTo) -> new TenantSupervisor.GetLogs(request.getService(), query, replyTo),
        found -> {
          GetLogsResponse.Builder out = GetLogsResponse.newBuilder();
          found.forEach(line -> out.addLinesBuilder()
              .setTimeUnixMs(line.timeUnixMs())
              .setLevel(line.level())
              .setMessage(line.message())
              .setVersion(line.version()));
          return out.build();
        });
  }

  /**
   * Derives a token from the caller's: a subset of its permissions, expiring no later. The new
   * token is shown once, in this response; the event records its id, never the token.
   */
  @Override
  public void grant(GrantRequest request, StreamObserver<GrantResponse> response) {
    Caller caller = Keys.CALLER.get();
    Set<String> permissions;
    try {
      if (request.getPermissionsList().isEmpty()) {
        throw new IllegalArgumentException("name at least one permission (--perm)");
      }
      permissions = Permission.parseAll(request.getPermissionsList());
    } catch (IllegalArgumentException e) {
      response.onError(Statuses.invalid(e.getMessage()));
      return;
    }
    if (request.getTtlMs() <= 0) {
      response.onError(Statuses.invalid("a derived token needs a positive time to live (--ttl), got " + request.getTtlMs() + " ms"));
      return;
    }
    Optional<Instant> expiresAt = Optional.of(deps.clock().instant().plusMillis(request.getTtlMs()));
    Optional<String> refusal = Grant.attenuationRefusal(caller.grant(), permissions, expiresAt);
    if (refusal.isPresent()) {
      response.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
      return;
    }
    ask(deps.capabilities(), (ActorRef<StatusReply<IssuedToken>> replyTo) -> new CapabilityManager.Issue(
            caller.tenant(), permissions, expiresAt, caller.grant().tokenId(), replyTo), ASK_TIMEOUT)
        .thenCompose(reply -> reply.isSuccess()
            ? audit(caller, "capability_granted", reply.getValue().grant().tokenId(), grantAttributes(reply.getValue().grant(),
                request.getExplanation())).thenApply(event -> reply.getValue())
            : CompletableFuture.failedFuture(Status.PERMISSION_DENIED.withDescription(reply.getError().getMessage()).asRuntimeException()))
        .whenComplete((issued, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("grant", failure));
            return;
          }
          response.onNext(GrantResponse.newBuilder()
              .setToken(issued.token())
              .setTokenId(issued.grant().tokenId())
              .setExpiresUnixMs(issued.grant().expiresAt().map(Instant::toEpochMilli).orElse(0L))
              .build());
          response.onCompleted();
        });
  }

  private static Map<String, String> grantAttributes(Grant grant, String explanation) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("token_id", grant.tokenId());
    attributes.put("permissions", String.join(",", new TreeSet<>(grant.permissions())));
    attributes.put("expires", grant.expiresAt().map(Instant::toString).orElse("never"));
    attributes.put("parent", grant.parentId());
    if (!explanation.isBlank()) {
      attributes.put("explanation", explanation);
    }
    return attributes;
  }

  @Override
  public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> response) {
    Caller caller = Keys.CALLER.get();
    ask(deps.capabilities(), (ActorRef<List<TokenInfo>> replyTo) -> new CapabilityManager.ListTokens(caller.tenant(), replyTo),
            ASK_TIMEOUT)
        .whenComplete((tokens, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("tokens", failure));
            return;
          }
          ListTokensResponse.Builder list = ListTokensResponse.newBuilder();
          for (TokenInfo token : tokens) {
            list.addTokens(dev.solo.proto.v1.TokenInfo.newBuilder()
                .setTokenId(token.tokenId())
                .addAllPermissions(new TreeSet<>(token.permissions()))
                .setExpiresUnixMs(token.expiresAt().map(Instant::toEpochMilli).orElse(0L))
                .setParentId(token.parentId())
                .setRevoked(token.revoked()));
          }
          response.onNext(list.build());
          response.onCompleted();
        });
  }

  /** Revokes a token of the caller's tenant and every token derived from it. */
  @Override
  public void revoke(RevokeRequest request, StreamObserver<RevokeResponse> response) {
    Caller caller = Keys.CALLER.get();
    ask(deps.capabilities(), (ActorRef<StatusReply<List<String>>> replyTo)
            -> new CapabilityManager.Revoke(caller.tenant(), request.getTokenId(), replyTo), ASK_TIMEOUT)
        .thenCompose(reply -> {
          if (!reply.isSuccess()) {
            return CompletableFuture.failedFuture(Statuses.notFound(reply.getError().getMessage()));
          }
          Map<String, String> attributes = new LinkedHashMap<>();
          attributes.put("token_id", request.getTokenId());
          attributes.put("revoked", String.join(",", reply.getValue()));
          if (!request.getExplanation().isBlank()) {
            attributes.put("explanation", request.getExplanation());
          }
          return audit(caller, "capability_revoked", request.getTokenId(), attributes).thenApply(event -> reply.getValue());
        })
        .whenComplete((revoked, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("revoke", failure));
            return;
          }
          response.onNext(RevokeResponse.newBuilder().addAllRevokedIds(revoked).build());
          response.onCompleted();
        });
  }

  private CompletionStage<Event> audit(Caller caller, String type, String subject, Map<String, String> attributes) {
    return EventStore.append(deps.events(), EventStore.draft(caller.tenant(), type, subject, attributes, caller.principal(), 0),
        ASK_TIMEOUT);
  }

  /** Stores a secret of the caller's tenant, encrypted; the value is never in an event or a reply. */
  @Override
  public void putSecret(PutSecretRequest request, StreamObserver<PutSecretResponse> response) {
    Caller caller = Keys.CALLER.get();
    ask(deps.secrets(), (ActorRef<StatusReply<Done>> replyTo)
            -> new SecretVault.Put(caller.tenant(), request.getName(), request.getValue().toByteArray(), replyTo), ASK_TIMEOUT)
        .thenCompose(reply -> reply.isSuccess()
            ? audit(caller, "secret_stored", request.getName(), Map.of("bytes", Integer.toString(request.getValue().size())))
            : CompletableFuture.failedFuture(Statuses.invalid(reply.getError().getMessage())))
        .whenComplete((event, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("put secret", failure));
          } else {
            response.onNext(PutSecretResponse.getDefaultInstance());
            response.onCompleted();
          }
        });
  }

  @Override
  public void listSecrets(ListSecretsRequest request, StreamObserver<ListSecretsResponse> response) {
    Caller caller = Keys.CALLER.get();
    ask(deps.secrets(), (ActorRef<List<String>> replyTo) -> new SecretVault.ListNames(caller.tenant(), replyTo), ASK_TIMEOUT)
        .whenComplete((names, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("list secrets", failure));
          } else {
            response.onNext(ListSecretsResponse.newBuilder().addAllNames(names).build());
            response.onCompleted();
          }
        });
  }

  @Override
  public void deleteSecret(DeleteSecretRequest request, StreamObserver<DeleteSecretResponse> response) {
    Caller caller = Keys.CALLER.get();
    ask(deps.secrets(), (ActorRef<StatusReply<Boolean>> replyTo)
            -> new SecretVault.Delete(caller.tenant(), request.getName(), replyTo), ASK_TIMEOUT)
        .thenCompose(reply -> {
          if (!reply.isSuccess()) {
            return CompletableFuture.failedFuture(Statuses.invalid(reply.getError().getMessage()));
          }
          if (!reply.getValue()) {
            return CompletableFuture.failedFuture(Statuses.notFound("no secret " + request.getName() + "; see solo secret ls"));
          }
          return audit(caller, "secret_revoked", request.getName(), Map.of());
        })
        .whenComplete((event, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal("delete secret", failure));
          } else {
            response.onNext(DeleteSecretResponse.getDefaultInstance());
            response.onCompleted();
          }
        });
  }

  // ---- helpers of this class ----

  private static ServiceInfo info(TenantSupervisor.ServiceView view) {
    return ServiceInfo.newBuilder()
        .setName(view.name())
        .setVersion(view.version())
        .setState(view.state())
        .setArtifactHash(view.artifactHash())
        .setDeployedUnixMs(view.deployedUnixMs())
        .build();
  }

  /** Runs {@code action} against the caller's tenant supervisor; a caller with no tenant is refused. */
  /**
   * Asks the caller's tenant about one of its services and answers with what {@code toResponse}
   * makes of the reply; NOT_FOUND if the tenant has no such service.
   */
  private <T, R> void answerAbout(Caller caller, String service, String what, StreamObserver<R> response,
      org.apache.pekko.japi.function.Function<ActorRef<Optional<T>>, TenantSupervisor.Command> question,
      Function<T, R> toResponse) {
    withTenant(caller, tenant -> ask(tenant, question, ASK_TIMEOUT))
        .whenComplete((found, failure) -> {
          if (failure != null) {
            response.onError(Statuses.internal(what, failure));
          } else if (found.isEmpty()) {
            response.onError(Statuses.notFound("no service " + service + "; see solo list"));
          } else {
            response.onNext(toResponse.apply(found.get()));
            response.onCompleted();
          }
        });
  }

  private <T> CompletionStage<T> withTenant(
      Caller caller, Function<ActorRef<TenantSupervisor.Command>, CompletionStage<T>> action) {
    if (caller.tenant().isEmpty()) {
      return CompletableFuture.failedFuture(Status.PERMISSION_DENIED
          .withDescription("the admin has no services; use a tenant's credentials (solo tenant create)").asRuntimeException());
    }
    return ask(deps.tenants(), (ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo)
            -> new TenantsSupervisor.GetTenant(caller.tenant(), replyTo), ASK_TIMEOUT)
        .thenCompose(tenant -> tenant.isPresent() ? action.apply(tenant.get())
            : CompletableFuture.failedFuture(Statuses.notFound("tenant " + caller.tenant() + " no longer exists")));
  }

  private <Q, T> CompletionStage<T> ask(RecipientRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<T>, Q> message,
      Duration timeout) {
    return AskPattern.ask(target, message, timeout, deps.system().scheduler());
  }
}
