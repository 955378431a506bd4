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
 * @param registry the registry of live services
 * @param secrets the secrets vault, read by services through {@code ctx.secret}
 * @param tenantCode the threads that run tenant code under its budgets, and nothing else
 * @param deployExecutor the executor that compiles and verifies submitted code
 * @param clock the kernel clock
 * @param limits the limits of every tenant without limits of its own
 * @param tenantLimits limits set for particular tenants
 * @param loaders told about every class loader a service version gets
 * @param quarantine the tenants whose calls the gateway refuses
 */
public record TenantRuntime(
    DeployPipeline pipeline,
    ArtifactStore artifacts,
    KvStore kv,
    ActorRef<EventStore.Command> events,
    ActorRef<Registry.Command> registry,
    ActorRef<SecretVault.Command> secrets,
    TenantThreads tenantCode,
    Executor deployExecutor,
    Clock clock,
    Limits limits,
    Map<String, Limits> tenantLimits,
    LoaderObserver loaders,
    Quarantine quarantine) {

  /** Copies the per-tenant limits. */
  public TenantRuntime {
    tenantLimits = Map.copyOf(tenantLimits);
  }

  /** {@return the limits of one tenant} */
  public Limits limitsOf(String tenant) {
    return tenantLimits.getOrDefault(tenant, limits);
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
   * @param queuePerService queued requests per service
   * @param maxSnapshotBytes the largest snapshot a service may hand over
   * @param callTimeout how long a call may wait and run before its caller gets DEADLINE_EXCEEDED
   * @param budget what one call (or start, restore, snapshot, stop) of tenant code may spend
   */
  public record Limits(int maxServices, int queuePerService, int maxSnapshotBytes, Duration callTimeout, BudgetLimits budget) {
    /** {@return the defaults of DESIGN.md §8} */
    public static Limits defaults() {
      return new Limits(100, 10_000, 16 << 20, Duration.ofSeconds(30), BudgetLimits.defaults());
    }
  }
}
