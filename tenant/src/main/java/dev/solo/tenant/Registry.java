package dev.solo.tenant;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>The actor is the only writer: registrations and removals are messages, acknowledged once
 * recorded. Readers on the hot path (the gateway, one service calling another) read the
 * {@link Directory} it writes to, without a message round trip; the directory outlives a
 * restart of the actor, so a restart forgets no service.
 */
public final class Registry extends AbstractBehavior<Registry.Command> {

  /** The registry's protocol. */
  public sealed interface Command permits Register, Unregister {}

  /** Makes a live service reachable; acknowledged once recorded. */
  public record Register(ServiceKey key, ActorRef<ServiceActor.Command> ref, ActorRef<Done> replyTo) implements Command {}

  /** Removes a service, if {@code ref} is still the one registered; acknowledged once removed. */
  public record Unregister(ServiceKey key, ActorRef<ServiceActor.Command> ref, ActorRef<Done> replyTo) implements Command {}


  /** The live services, as the registry last recorded them; read from any thread. */
  public static final class Directory {
    private final ConcurrentHashMap<ServiceKey, ActorRef<ServiceActor.Command>> services = new ConcurrentHashMap<>();

    /** {@return the actor of a live service, if there is one} */
    public Optional<ActorRef<ServiceActor.Command>> lookup(ServiceKey key) {
      return Optional.ofNullable(services.get(key));
    }
  }

  private final Directory directory;

  /** {@return a registry that records the live services in {@code directory}} */
  public static Behavior<Command> create(Directory directory) {
    return Behaviors.setup(context -> new Registry(context, directory));
  }

  private Registry(ActorContext<Command> context, Directory directory) {
    super(context);
    this.directory = directory;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .build();
  }

  private Behavior<Command> onRegister(Register register) {
    directory.services.put(register.key(), register.ref());
    register.replyTo().tell(Done.getInstance());
    return this;
  }

  private Behavior<Command> onUnregister(Unregister unregister) {
    directory.services.remove(unregister.key(), unregister.ref());
    unregister.replyTo().tell(Done.getInstance());
    return this;
  }
}
