package dev.solo.kernel;

import dev.solo.capability.CapabilityManager;
import dev.solo.capability.TokenIndex;
import dev.solo.capability.vault.MasterKey;
import dev.solo.capability.vault.SecretVault;
import dev.solo.eventstore.EventFeed;
import dev.solo.eventstore.EventStore;
import dev.solo.tenant.Registry;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The system subtree: the event store, the registry and the capability manager. Its children
 * are restarted with backoff; a tenant's failure never reaches here.
 */
final class SystemSupervisor extends AbstractBehavior<SystemSupervisor.Command> {

  sealed interface Command permits GetRefs {}

  /** Asks for the system actors. */
  record GetRefs(ActorRef<SystemRefs> replyTo) implements Command {}

  /** The system actors and their read views. */
  record SystemRefs(
      ActorRef<EventStore.Command> events,
      EventFeed feed,
      ActorRef<Registry.Command> registry,
      Registry.Directory services,
      ActorRef<CapabilityManager.Command> capabilities,
      TokenIndex tokens,
      ActorRef<SecretVault.Command> secrets) {}

  private final SystemRefs refs;

  static Behavior<Command> create(Clock clock, MasterKey masterKey) {
    return Behaviors.setup(context -> new SystemSupervisor(context, clock, masterKey));
  }

  private SystemSupervisor(ActorContext<Command> context, Clock clock, MasterKey masterKey) {
    super(context);
    EventFeed feed = new EventFeed(context.getSystem());
    TokenIndex tokens = new TokenIndex();
    ActorRef<EventStore.Command> events = context.spawn(backoff(EventStore.create(clock, feed)), "event-store");
    Registry.Directory services = new Registry.Directory();
    ActorRef<Registry.Command> registry = context.spawn(backoff(Registry.create(services)), "registry");
    ActorRef<CapabilityManager.Command> capabilities =
        context.spawn(backoff(CapabilityManager.create(tokens, clock)), "capabilities");
    ActorRef<SecretVault.Command> secrets = context.spawn(backoff(SecretVault.create(masterKey, clock)), "secrets");
    this.refs = new SystemRefs(events, feed, registry, services, capabilities, tokens, secrets);
  }

  private static <T> Behavior<T> backoff(Behavior<T> behavior) {
    return Behaviors.supervise(behavior)
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(GetRefs.class, this::onGetRefs).build();
  }

  private Behavior<Command> onGetRefs(GetRefs get) {
    get.replyTo().tell(refs);
    return this;
  }
}
