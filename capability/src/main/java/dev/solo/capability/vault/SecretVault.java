package dev.solo.capability.vault;

import dev.solo.capability.Names;
import dev.solo.proto.state.v1.SecretDeleted;
import dev.solo.proto.state.v1.SecretStored;
import dev.solo.proto.state.v1.SecretsEvent;
import dev.solo.proto.state.v1.SecretsSnapshot;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.slf4j.Logger;

/**
 * The event-sourced entity {@code secrets}: every tenant's secrets, sealed with AES-256-GCM (see
 * {@link MasterKey}). Events, snapshots and state hold only ciphertexts; a value exists in the
 * clear only in a {@link Put} and in the reply to a {@link Get}. Every command names its tenant
 * and sees only that tenant's secrets. A change is answered once its events are durable.
 */
public final class SecretVault
    extends EventSourcedBehaviorWithEnforcedReplies<SecretVault.Command, SecretsEvent, SecretVault.State> {

  /** The persistence id of the one secrets entity. */
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("secrets");

  /** The largest value a secret may hold, in bytes (64 KiB). */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  private static final int SNAPSHOT_EVERY = 100;
  private static final int SNAPSHOTS_KEPT = 2;

  /** What the vault understands. */
  public sealed interface Command permits Put, Get, ListNames, Delete, DeleteTenant {}

  /**
   * Stores {@code value} as the secret {@code name} of {@code tenant}, replacing any value it had.
   * The reply says why the secret was refused, if it was. The value is copied in and never shown.
   */
  public record Put(String tenant, String name, byte[] value, ActorRef<StatusReply<Done>> replyTo)
      implements Command {
    /** Copies the value; every part is required. */
    public Put {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(name, "name");
      value = Objects.requireNonNull(value, "value").clone();
      Objects.requireNonNull(replyTo, "replyTo");
    }

    /** {@return a copy of the value} */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** {@return the command without its value} */
    @Override
    public String toString() {
      return "Put[tenant=" + tenant + ", name=" + name + ", value=(" + value.length + " bytes, hidden), replyTo="
          + replyTo + "]";
    }
  }

  /** Reads the secret {@code name} of {@code tenant}: its value, or empty if there is none. */
  public record Get(String tenant, String name, ActorRef<Optional<byte[]>> replyTo) implements Command {
    /** Every part is required. */
    public Get {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Lists the names of {@code tenant}'s secrets, sorted. */
  public record ListNames(String tenant, ActorRef<List<String>> replyTo) implements Command {
    /** Every part is required. */
    public ListNames {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Deletes the secret {@code name} of {@code tenant}; the reply says whether there was one. */
  public record Delete(String tenant, String name, ActorRef<StatusReply<Boolean>> replyTo) implements Command {
    /** Every part is required. */
    public Delete {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Deletes every secret of {@code tenant}; the reply counts them. */
  public record DeleteTenant(String tenant, ActorRef<StatusReply<Integer>> replyTo) implements Command {
    /** Every part is required. */
    public DeleteTenant {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The sealed secrets, by tenant and then by name. */
  public record State(Map<String, Map<String, SecretStored>> secrets) {
    private static final State EMPTY = new State(Map.of());

    /** Copies the maps (each tenant's map is already immutable, so this is cheap). */
    public State {
      Map<String, Map<String, SecretStored>> copy = new HashMap<>();
      secrets.forEach((tenant, byName) -> copy.put(tenant, Map.copyOf(byName)));
      secrets = Map.copyOf(copy);
    }

    State apply(SecretsEvent event) {
      return switch (event.getKindCase()) {
        case STORED -> with(event.getStored());
        case DELETED -> without(event.getDeleted().getTenant(), event.getDeleted().getName());
        // Skipping an event this code does not know could bring a deleted secret back.
        case KIND_NOT_SET -> throw new IllegalStateException("unknown secrets event");
      };
    }

    private State with(SecretStored secret) {
      Map<String, SecretStored> byName = new HashMap<>(secrets.getOrDefault(secret.getTenant(), Map.of()));
      byName.put(secret.getName(), secret);
      Map<String, Map<String, SecretStored>> next = new HashMap<>(secrets);
      next.put(secret.getTenant(), byName);
      return new State(next);
    }

    private State without(String tenant, String name) {
      Map<String, SecretStored> byName = new HashMap<>(secrets.getOrDefault(tenant, Map.of()));
      byName.remove(name);
      Map<String, Map<String, SecretStored>> next = new HashMap<>(secrets);
      if (byName.isEmpty()) {
        next.remove(tenant);
      } else {
        next.put(tenant, byName);
      }
      return new State(next);
    }

    private Optional<SecretStored> find(String tenant, String name) {
      return Optional.ofNullable(secrets.getOrDefault(tenant, Map.of()).get(name));
    }

    private List<String> namesOf(String tenant) {
      return secrets.getOrDefault(tenant, Map.of()).keySet().stream().sorted().toList();
    }

    private SecretsSnapshot toSnapshot() {
      return SecretsSnapshot.newBuilder()
          .addAllSecrets(secrets.values().stream()
              .flatMap(byName -> byName.values().stream())
              .sorted(Comparator.comparing(SecretStored::getTenant).thenComparing(SecretStored::getName))
              .toList())
          .build();
    }

    private static State fromSnapshot(SecretsSnapshot snapshot) {
      State state = EMPTY;
      for (SecretStored secret : snapshot.getSecretsList()) {
        state = state.with(secret);
      }
      return state;
    }
  }

  private enum Snapshots implements SnapshotAdapter<State> {
    INSTANCE;

    @Override
    public Object toJournal(State state) {
      return state.toSnapshot();
    }

    @Override
    public State fromJournal(Object from) {
      return State.fromSnapshot((SecretsSnapshot) from);
    }
  }

  private final SecretCipher cipher;
  private final Clock clock;
  private final Logger log;

  private SecretVault(ActorContext<Command> context, MasterKey key, Clock clock) {
    super(PERSISTENCE_ID);
    this.cipher = new SecretCipher(key);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = context.getLog();
  }

  /** {@return the vault, which seals under {@code key} and stamps events with {@code clock}} */
  public static Behavior<Command> create(MasterKey key, Clock clock) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(clock, "clock");
    return Behaviors.setup(context -> new SecretVault(context, key, clock));
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, SecretsEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Put.class, this::onPut)
        .onCommand(Get.class, this::onGet)
        .onCommand(ListNames.class, this::onListNames)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(DeleteTenant.class, this::onDeleteTenant)
        .build();
  }

  @Override
  public EventHandler<State, SecretsEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, SNAPSHOTS_KEPT);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return Snapshots.INSTANCE;
  }

  private ReplyEffect<SecretsEvent, State> onPut(State state, Put put) {
    byte[] value = put.value();
    Optional<String> refusal = refusal(put.tenant(), put.name(), value.length);
    if (refusal.isPresent()) {
      return Effect().reply(put.replyTo(), StatusReply.error(refusal.get()));
    }
    SecretStored sealed = cipher.seal(put.tenant(), put.name(), value, clock.millis());
    return Effect()
        .persist(SecretsEvent.newBuilder().setStored(sealed).build())
        .thenReply(put.replyTo(), next -> StatusReply.ack());
  }

  private ReplyEffect<SecretsEvent, State> onGet(State state, Get get) {
    return Effect().reply(get.replyTo(), state.find(get.tenant(), get.name()).flatMap(this::open));
  }

  private ReplyEffect<SecretsEvent, State> onListNames(State state, ListNames list) {
    return Effect().reply(list.replyTo(), state.namesOf(list.tenant()));
  }

  private ReplyEffect<SecretsEvent, State> onDelete(State state, Delete delete) {
    if (state.find(delete.tenant(), delete.name()).isEmpty()) {
      return Effect().reply(delete.replyTo(), StatusReply.success(false));
    }
    return Effect()
        .persist(deletedEvent(delete.tenant(), delete.name(), clock.millis()))
        .thenReply(delete.replyTo(), next -> StatusReply.success(true));
  }

  private ReplyEffect<SecretsEvent, State> onDeleteTenant(State state, DeleteTenant delete) {
    List<String> names = state.namesOf(delete.tenant());
    if (names.isEmpty()) {
      return Effect().reply(delete.replyTo(), StatusReply.success(0));
    }
    long now = clock.millis();
    // One atomic write: the tenant's secrets go all together or not at all.
    List<SecretsEvent> events = names.stream().map(name -> deletedEvent(delete.tenant(), name, now)).toList();
    return Effect()
        .persist(events)
        .thenReply(delete.replyTo(), next -> StatusReply.success(names.size()));
  }

  private Optional<byte[]> open(SecretStored secret) {
    Optional<byte[]> value = cipher.open(secret);
    if (value.isEmpty()) {
      log.warn("secret {} of tenant {} does not decrypt; was the master key replaced or the journal altered?",
          secret.getName(), secret.getTenant());
    }
    return value;
  }

  /** {@return why a value of {@code size} bytes may not be stored as {@code name} of {@code tenant}, or empty} */
  private static Optional<String> refusal(String tenant, String name, int size) {
    try {
      Names.checkTenant(tenant);
      Names.checkSecret(name);
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    if (size > MAX_VALUE_BYTES) {
      return Optional.of("a secret value may hold at most " + MAX_VALUE_BYTES + " bytes (64 KiB); this one holds "
          + size);
    }
    return Optional.empty();
  }

  private static SecretsEvent deletedEvent(String tenant, String name, long nowMillis) {
    return SecretsEvent.newBuilder()
        .setDeleted(SecretDeleted.newBuilder().setTenant(tenant).setName(name).setTimeUnixMs(nowMillis))
        .build();
  }
}
