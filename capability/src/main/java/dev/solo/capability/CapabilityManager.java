package dev.solo.capability;

import com.google.protobuf.ByteString;
import dev.solo.proto.state.v1.CapabilityEvent;
import dev.solo.proto.state.v1.CapabilitySnapshot;
import dev.solo.proto.state.v1.TokenIssued;
import dev.solo.proto.state.v1.TokenRevoked;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The event-sourced entity {@code capabilities}: issues, derives and revokes tokens. Each change
 * is answered only once its events are durable, and then published to the {@link TokenIndex}.
 * A tenant sees and revokes only its own tokens; any other token id is answered as unknown.
 */
public final class CapabilityManager
    extends EventSourcedBehaviorWithEnforcedReplies<CapabilityManager.Command, CapabilityEvent, CapabilityManager.State> {

  /** The persistence id of the one capabilities entity. */
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("capabilities");

  private static final int SNAPSHOT_EVERY = 100;
  private static final int SNAPSHOTS_KEPT = 2;
  private static final int MAX_ECHOED_ID = 40;

  /** What the manager understands. */
  public sealed interface Command permits Issue, Revoke, RevokeTenant, ListTokens {}

  /**
   * Issues a token for {@code tenant} ("" and the {@code admin} permission for an admin token).
   * With a non-empty {@code parentId} the token is derived from that token of the same tenant
   * and may only narrow it. The reply carries the token, or says why none was issued.
   */
  public record Issue(
      String tenant,
      Set<String> permissions,
      Optional<Instant> expiresAt,
      String parentId,
      ActorRef<StatusReply<IssuedToken>> replyTo)
      implements Command {
    /** Copies the permissions; every part is required. */
    public Issue {
      Objects.requireNonNull(tenant, "tenant");
      permissions = Set.copyOf(permissions);
      Objects.requireNonNull(expiresAt, "expiresAt");
      Objects.requireNonNull(parentId, "parentId");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Revokes a token of {@code tenant} and every token derived from it. The reply lists the ids
   * revoked by this command, empty if all were revoked already. The admin acts on a tenant's
   * tokens by naming that tenant.
   */
  public record Revoke(String tenant, String tokenId, ActorRef<StatusReply<List<String>>> replyTo)
      implements Command {
    /** Every part is required. */
    public Revoke {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(tokenId, "tokenId");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Revokes every token of {@code tenant} (the tenant is being deleted). The reply lists the ids
   * revoked by this command, empty if all were revoked already.
   */
  public record RevokeTenant(String tenant, ActorRef<List<String>> replyTo) implements Command {
    /** Every part is required. */
    public RevokeTenant {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Lists the tokens of {@code tenant}, revoked ones included, oldest first. */
  public record ListTokens(String tenant, ActorRef<List<TokenInfo>> replyTo) implements Command {
    /** Every part is required. */
    public ListTokens {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Every token ever issued, by id, and the ids of those revoked. */
  public record State(Map<String, TokenIssued> tokens, Set<String> revoked) {
    private static final State EMPTY = new State(Map.of(), Set.of());

    /** Copies both collections. */
    public State {
      tokens = Map.copyOf(tokens);
      revoked = Set.copyOf(revoked);
    }

    State apply(CapabilityEvent event) {
      return switch (event.getKindCase()) {
        case ISSUED -> withToken(event.getIssued());
        case REVOKED -> withRevoked(event.getRevoked().getTokenId());
        // Skipping an event this code does not know could bring a revoked token back.
        case KIND_NOT_SET -> throw new IllegalStateException("unknown capability event: " + event);
      };
    }

    private State withToken(TokenIssued token) {
      Map<String, TokenIssued> next = new HashMap<>(tokens);
      next.put(token.getTokenId(), token);
      return new State(next, revoked);
    }

    private State withRevoked(String tokenId) {
      Set<String> next = new HashSet<>(revoked);
      next.add(tokenId);
      return new State(tokens, next);
    }

    private Optional<TokenIssued> tokenOf(String tenant, String tokenId) {
      return Optional.ofNullable(tokens.get(tokenId)).filter(token -> token.getTenant().equals(tenant));
    }

    private String unusedTokenId() {
      String id = Tokens.newTokenId();
      while (tokens.containsKey(id)) {
        id = Tokens.newTokenId();
      }
      return id;
    }

    /** {@return {@code rootId} and the ids of all tokens derived from it, breadth first} */
    private List<String> withDescendants(String rootId) {
      Map<String, List<String>> children = tokens.values().stream()
          .collect(Collectors.groupingBy(
              TokenIssued::getParentId, Collectors.mapping(TokenIssued::getTokenId, Collectors.toList())));
      List<String> ids = new ArrayList<>();
      Deque<String> pending = new ArrayDeque<>(List.of(rootId));
      while (!pending.isEmpty()) {
        String id = pending.removeFirst();
        ids.add(id);
        children.getOrDefault(id, List.of()).stream().sorted().forEach(pending::addLast);
      }
      return ids;
    }

    private List<TokenInfo> infosOf(String tenant) {
      return tokens.values().stream()
          .filter(token -> token.getTenant().equals(tenant))
          .sorted(Comparator.comparingLong(TokenIssued::getIssuedUnixMs).thenComparing(TokenIssued::getTokenId))
          .map(token -> new TokenInfo(token.getTokenId(), Set.copyOf(token.getPermissionsList()),
              expiryOf(token), token.getParentId(), revoked.contains(token.getTokenId())))
          .toList();
    }

    private Map<String, Grant> liveGrantsByHash() {
      return tokens.values().stream()
          .filter(token -> !revoked.contains(token.getTokenId()))
          .collect(Collectors.toMap(token -> Tokens.key(token.getTokenHash().toByteArray()), CapabilityManager::grantOf));
    }

    private CapabilitySnapshot toSnapshot() {
      return CapabilitySnapshot.newBuilder()
          .addAllTokens(tokens.values().stream().sorted(Comparator.comparing(TokenIssued::getTokenId)).toList())
          .addAllRevokedIds(revoked.stream().sorted().toList())
          .build();
    }

    private static State fromSnapshot(CapabilitySnapshot snapshot) {
      return new State(
          snapshot.getTokensList().stream().collect(Collectors.toMap(TokenIssued::getTokenId, Function.identity())),
          Set.copyOf(snapshot.getRevokedIdsList()));
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
      return State.fromSnapshot((CapabilitySnapshot) from);
    }
  }

  private final TokenIndex index;
  private final Clock clock;

  private CapabilityManager(TokenIndex index, Clock clock) {
    super(PERSISTENCE_ID);
    this.index = Objects.requireNonNull(index, "index");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@return the manager, which publishes into {@code index} and reads time from {@code clock}} */
  public static Behavior<Command> create(TokenIndex index, Clock clock) {
    return new CapabilityManager(index, clock);
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, CapabilityEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Issue.class, this::onIssue)
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(RevokeTenant.class, this::onRevokeTenant)
        .onCommand(ListTokens.class, this::onListTokens)
        .build();
  }

  @Override
  public EventHandler<State, CapabilityEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::publish).build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, SNAPSHOTS_KEPT);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return Snapshots.INSTANCE;
  }

  private ReplyEffect<CapabilityEvent, State> onIssue(State state, Issue issue) {
    Instant now = clock.instant();
    Grant grant;
    try {
      // The journal keeps milliseconds; the grant shown now must equal the one recovered later.
      Optional<Instant> expiresAt = issue.expiresAt().map(at -> at.truncatedTo(ChronoUnit.MILLIS));
      grant = new Grant(state.unusedTokenId(), issue.tenant(), issue.permissions(), expiresAt, issue.parentId());
    } catch (IllegalArgumentException e) {
      return Effect().reply(issue.replyTo(), StatusReply.error(e.getMessage()));
    }
    Optional<String> refusal = refusal(state, grant, now);
    if (refusal.isPresent()) {
      return Effect().reply(issue.replyTo(), StatusReply.error(refusal.get()));
    }
    String token = Tokens.newToken();
    IssuedToken issued = new IssuedToken(token, grant);
    return Effect()
        .persist(issuedEvent(grant, Tokens.hash(token), now))
        .thenRun(this::publish)
        .thenReply(issue.replyTo(), next -> StatusReply.success(issued));
  }

  private ReplyEffect<CapabilityEvent, State> onRevoke(State state, Revoke revoke) {
    if (state.tokenOf(revoke.tenant(), revoke.tokenId()).isEmpty()) {
      return Effect().reply(revoke.replyTo(), StatusReply.error(noToken(revoke.tokenId())));
    }
    List<String> ids = state.withDescendants(revoke.tokenId()).stream()
        .filter(id -> !state.revoked().contains(id))
        .toList();
    if (ids.isEmpty()) {
      return Effect().reply(revoke.replyTo(), StatusReply.success(List.of()));
    }
    long now = clock.millis();
    List<CapabilityEvent> events = ids.stream().map(id -> revokedEvent(id, now)).toList();
    return Effect()
        .persist(events)
        .thenRun(this::publish)
        .thenReply(revoke.replyTo(), next -> StatusReply.success(ids));
  }

  private ReplyEffect<CapabilityEvent, State> onRevokeTenant(State state, RevokeTenant revoke) {
    List<String> ids = state.tokens().values().stream()
        .filter(token -> token.getTenant().equals(revoke.tenant()) && !state.revoked().contains(token.getTokenId()))
        .map(TokenIssued::getTokenId)
        .sorted()
        .toList();
    if (ids.isEmpty()) {
      return Effect().reply(revoke.replyTo(), List.of());
    }
    long now = clock.millis();
    return Effect()
        .persist(ids.stream().map(id -> revokedEvent(id, now)).toList())
        .thenRun(this::publish)
        .thenReply(revoke.replyTo(), next -> ids);
  }

  private ReplyEffect<CapabilityEvent, State> onListTokens(State state, ListTokens list) {
    return Effect().reply(list.replyTo(), state.infosOf(list.tenant()));
  }

  private void publish(State state) {
    index.publish(state.liveGrantsByHash());
  }

  /** {@return why {@code grant} may not be issued now, or empty} */
  private static Optional<String> refusal(State state, Grant grant, Instant now) {
    if (grant.isExpiredAt(now)) {
      return Optional.of("the expiry " + grant.expiresAt().get() + " is not in the future");
    }
    if (grant.parentId().isEmpty()) {
      return Optional.empty();
    }
    Optional<TokenIssued> parent = state.tokenOf(grant.tenant(), grant.parentId());
    if (parent.isEmpty()) {
      return Optional.of(noToken(grant.parentId()));
    }
    Grant parentGrant = grantOf(parent.get());
    if (state.revoked().contains(parentGrant.tokenId())) {
      return Optional.of("token " + parentGrant.tokenId() + " is revoked");
    }
    if (parentGrant.isExpiredAt(now)) {
      return Optional.of("token " + parentGrant.tokenId() + " has expired");
    }
    return Grant.attenuationRefusal(parentGrant, grant.permissions(), grant.expiresAt());
  }

  private static String noToken(String tokenId) {
    String shown = tokenId.length() > MAX_ECHOED_ID ? tokenId.substring(0, MAX_ECHOED_ID) + "..." : tokenId;
    return "no token " + shown;
  }

  private static Grant grantOf(TokenIssued token) {
    return new Grant(token.getTokenId(), token.getTenant(), Set.copyOf(token.getPermissionsList()),
        expiryOf(token), token.getParentId());
  }

  private static Optional<Instant> expiryOf(TokenIssued token) {
    return token.getExpiresUnixMs() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(token.getExpiresUnixMs()));
  }

  private static CapabilityEvent issuedEvent(Grant grant, byte[] tokenHash, Instant now) {
    return CapabilityEvent.newBuilder()
        .setIssued(TokenIssued.newBuilder()
            .setTokenId(grant.tokenId())
            .setTokenHash(ByteString.copyFrom(tokenHash))
            .setTenant(grant.tenant())
            .addAllPermissions(grant.permissions().stream().sorted().toList())
            .setExpiresUnixMs(grant.expiresAt().map(Instant::toEpochMilli).orElse(0L))
            .setParentId(grant.parentId())
            .setIssuedUnixMs(now.toEpochMilli()))
        .build();
  }

  private static CapabilityEvent revokedEvent(String tokenId, long nowMillis) {
    return CapabilityEvent.newBuilder()
        .setRevoked(TokenRevoked.newBuilder().setTokenId(tokenId).setTimeUnixMs(nowMillis))
        .build();
  }
}
