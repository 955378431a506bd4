package dev.solo.tenant;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Maps (tenant, service) to the service's actor. Lookups are always by a full key, so a tenant
 * can only find names it already knows within its own tenant.
 */
public final class Registry extends AbstractBehavior<Registry.Command> {

  /** The registry's protocol. */
  public sealed interface Command permits Register, Unregister, Lookup {}

  /** Makes a live service reachable; acknowledged once recorded. */
  public record Register(ServiceKey key, ActorRef<ServiceActor.Command> ref, ActorRef<Done> replyTo) implements Command {}

  /** Removes a service, if {@code ref} is still the one registered; acknowledged once removed. */
  public record Unregister(ServiceKey key, ActorRef<ServiceActor.Command> ref, ActorRef<Done> replyTo) implements Command {}

  /** Finds a live service. */
  public record Lookup(ServiceKey key, ActorRef<Optional<ActorRef<ServiceActor.Command>>> replyTo) implements Command {}

  private final Map<ServiceKey, ActorRef<ServiceActor.Command>> services = new HashMap<>();

  /** {@return an empty registry} */
  public static Behavior<Command> create() {
    return Behaviors.setup(Registry::new);
  }

  private Registry(ActorContext<Command> context) {
    super(context);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(Lookup.class, this::onLookup)
        .build();
  }

  private Behavior<Command> onRegister(Register register) {
    services.put(register.key(), register.ref());
    register.replyTo().tell(Done.getInstance());
    return this;
  }

  private Behavior<Command> onUnregister(Unregister unregister) {
    services.remove(unregister.key(), unregister.ref());
    unregister.replyTo().tell(Done.getInstance());
    return this;
  }

  private Behavior<Command> onLookup(Lookup lookup) {
    lookup.replyTo().tell(Optional.ofNullable(services.get(lookup.key())));
    return this;
  }
}
