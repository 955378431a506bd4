package dev.solo.tenant;

import dev.solo.capability.vault.SecretVault;
import dev.solo.deploy.ArtifactStore;
import dev.solo.deploy.DeployPipeline;
import dev.solo.eventstore.EventStore;
import dev.solo.hardening.budget.BudgetLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the tenant subtree needs from the rest of the kernel, handed down at boot.
 *
 * @param pipeline the deploy pipeline, called on {@code deployExecutor}
 * @param artifacts where verified artifacts are stored by content hash
 * @param kv the durable key-value and snapshot store
 * @param events the event store
 * @param registry the registry of live services, which records them in {@code services}
 * @param services the live services, read without a message round trip
 * @param secrets the secrets vault, read by services through {@code ctx.secret}
 * @param tenantCode the threads that run tenant code under its budgets, and nothing else
 * @param deployExecutor the executor that compiles and verifies submitted code
 * @param clock the kernel clock
 * @param limits the limits of every tenant without limits of its own
 * @param tenantLimits limits set for particular tenants
 * @param loaders told about every class loader a service version gets
 * @param quarantine the tenants whose calls the gateway refuses
 * @param quotas the limits the operator set for particular tenants ({@code solo tenant quota})
 */
public record TenantRuntime(
    DeployPipeline pipeline,
    ArtifactStore artifacts,
    KvStore kv,
    ActorRef<EventStore.Command> events,
    ActorRef<Registry.Command> registry,
    Registry.Directory services,
    ActorRef<SecretVault.Command> secrets,
    TenantThreads tenantCode,
    Executor deployExecutor,
    Clock clock,
    Limits limits,
    Map<String, Limits> tenantLimits,
    LoaderObserver loaders,
    Quarantine quarantine,
    Quotas quotas) {

  /** Copies the per-tenant limits. */
  public TenantRuntime {
    tenantLimits = Map.copyOf(tenantLimits);
  }

  /**
   * {@return the limits of one tenant now}: the operator's quota where it sets a limit, else the
   * tenant's configured limits, else the defaults. Read at each use, so a quota applies at once.
   */
  public Limits limitsOf(String tenant) {
    Limits configured = tenantLimits.getOrDefault(tenant, limits);
    Quota quota = quotas.of(tenant);
    return quota.isEmpty() ? configured : quota.applyTo(configured);
  }

  /** Told when a service version's class loader is defined; it must not keep the loader strongly. */
  @FunctionalInterface
  public interface LoaderObserver {
    /** Observes nothing. */
    LoaderObserver NONE = (key, version, loader) -> {};

    /** Called on a tenant-code thread when a version's loader has been defined. */
    void loaded(ServiceKey key, int version, ClassLoader loader);
  }

  /**
   * Per-tenant limits (DESIGN.md §8).
   *
   * @param maxServices services per tenant
   * @param maxInflight calls of the tenant in flight at once, enforced by the gateway's load shedder
   * @param queuePerService queued requests per service
   * @param maxSnapshotBytes the largest snapshot a service may hand over
   * @param kvBytes key-value storage of the whole tenant, keys and values
   * @param callTimeout how long a call may wait and run before its caller gets DEADLINE_EXCEEDED
   * @param budget what one call (or start, restore, snapshot, stop) of tenant code may spend
   * @param breaker when a service's circuit breaker opens, and for how long
   * @param restarts how a crashed service is restarted, and when it is quarantined instead
   * @param versionsKept how many versions of a service are kept for rollback
   */
  public record Limits(int maxServices, int maxInflight, int queuePerService, int maxSnapshotBytes, long kvBytes,
      Duration callTimeout, BudgetLimits budget, CircuitBreaker.Settings breaker, RestartBackoff.Settings restarts,
      int versionsKept) {
    /** {@return the defaults of DESIGN.md §8} */
    public static Limits defaults() {
      return new Limits(100, 100, 10_000, 16 << 20, 256L << 20, Duration.ofSeconds(30), BudgetLimits.defaults(),
          CircuitBreaker.Settings.defaults(), RestartBackoff.Settings.defaults(), 5);
    }
  }
}
