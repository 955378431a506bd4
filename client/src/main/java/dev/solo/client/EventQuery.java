package dev.solo.client;

import java.util.List;
import java.util.Objects;

/**
 * Which events to read. Start from {@link #of()} and narrow it with the {@code with} methods:
 * {@code EventQuery.of().withTypes(List.of("service_deployed")).withFollow(true)}.
 *
 * @param tenant admin only: one tenant's events; empty for all (a tenant sees only its own)
 * @param types the event types wanted; empty for all
 * @param subject the subject wanted; empty for all
 * @param afterId only events with a larger id
 * @param limit at most this many events; 0 for the server's default (1000, none with follow)
 * @param follow after the history, keep streaming new events until the stream is closed
 * @param newestFirst the newest events first (not with follow)
 */
public record EventQuery(
    String tenant, List<String> types, String subject, long afterId, int limit, boolean follow, boolean newestFirst) {

  /** Copies the types and checks the numbers. */
  public EventQuery {
    Objects.requireNonNull(tenant, "tenant");
    types = List.copyOf(types);
    Objects.requireNonNull(subject, "subject");
    if (afterId < 0) throw new IllegalArgumentException("afterId must not be negative: " + afterId);
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative: " + limit);
  }

  /** {@return the query for all events the caller may see, oldest first, without follow} */
  public static EventQuery of() {
    return new EventQuery("", List.of(), "", 0, 0, false, false);
  }

  /** {@return this query for one tenant's events (admin only)} */
  public EventQuery withTenant(String tenant) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  /** {@return this query for events of the given types} */
  public EventQuery withTypes(List<String> types) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  /** {@return this query for events about the given subject} */
  public EventQuery withSubject(String subject) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  /** {@return this query for events with an id larger than the given one} */
  public EventQuery withAfterId(long afterId) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  /** {@return this query limited to the given number of events} */
  public EventQuery withLimit(int limit) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  /** {@return this query, continuing live after the history if {@code follow}} */
  public EventQuery withFollow(boolean follow) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  /** {@return this query, newest events first if {@code newestFirst}} */
  public EventQuery withNewestFirst(boolean newestFirst) {
    return new EventQuery(tenant, types, subject, afterId, limit, follow, newestFirst);
  }

  dev.solo.proto.v1.EventsRequest toRequest() {
    return dev.solo.proto.v1.EventsRequest.newBuilder()
        .setTenant(tenant)
        .addAllTypes(types)
        .setSubject(subject)
        .setAfterId(afterId)
        .setLimit(limit)
        .setFollow(follow)
        .setNewestFirst(newestFirst)
        .build();
  }
}
