package dev.solo.kernel;

import dev.solo.tenant.TenantRuntime;
import dev.solo.tenant.TenantsSupervisor;
import dev.solo.capability.vault.MasterKey;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The root guardian: it starts the system subtree at once and the tenants subtree only when
 * the kernel says so, after the event store and the capability manager have recovered.
 */
final class SoloGuardian extends AbstractBehavior<SoloGuardian.Command> {

  sealed interface Command permits GetSystem, StartTenants {}

  /** Asks for the system actors (they recover on their own). */
  record GetSystem(ActorRef<SystemSupervisor.SystemRefs> replyTo) implements Command {}

  /** Starts the tenants subtree, which recovers every tenant and restarts its services. */
  record StartTenants(TenantRuntime runtime, ActorRef<ActorRef<TenantsSupervisor.Command>> replyTo) implements Command {}

  private final ActorRef<SystemSupervisor.Command> system;
  private ActorRef<TenantsSupervisor.Command> tenants;

  static Behavior<Command> create(Clock clock, MasterKey masterKey) {
    return Behaviors.setup(context -> new SoloGuardian(context, clock, masterKey));
  }

  private SoloGuardian(ActorContext<Command> context, Clock clock, MasterKey masterKey) {
    super(context);
    this.system = context.spawn(SystemSupervisor.create(clock, masterKey), "system");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetSystem.class, this::onGetSystem)
        .onMessage(StartTenants.class, this::onStartTenants)
        .build();
  }

  private Behavior<Command> onGetSystem(GetSystem get) {
    system.tell(new SystemSupervisor.GetRefs(get.replyTo()));
    return this;
  }

  private Behavior<Command> onStartTenants(StartTenants start) {
    if (tenants == null) {
      tenants = getContext().spawn(TenantsSupervisor.create(start.runtime()), "tenants");
    }
    start.replyTo().tell(tenants);
    return this;
  }
}
