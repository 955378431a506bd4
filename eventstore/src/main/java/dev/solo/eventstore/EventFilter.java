package dev.solo.eventstore;

import dev.solo.proto.v1.Event;
import java.util.Set;

/**
 * Which events a query or a follow returns. Empty strings and zero values match everything.
 *
 * @param tenant only this tenant's events; empty for all (the admin's view)
 * @param types only these types; empty for all
 * @param subject only this subject; empty for all
 * @param afterId only events with a greater id
 * @param limit at most this many events; 0 for no limit
 * @param newestFirst newest first (not with follow)
 * @param causationId only events caused by this event id; 0 for all
 * @param sinceUnixMs only events at or after this time; 0 for all
 * @param untilUnixMs only events before this time; 0 for all
 * @param follow after the history, continue with live events until cancelled
 */
public record EventFilter(
    String tenant,
    Set<String> types,
    String subject,
    long afterId,
    int limit,
    boolean newestFirst,
    long causationId,
    long sinceUnixMs,
    long untilUnixMs,
    boolean follow) {

  /** The most events one query returns. */
  public static final int MAX_LIMIT = 10_000;

  /** Checks the ranges and copies the types. */
  public EventFilter {
    tenant = tenant == null ? "" : tenant;
    subject = subject == null ? "" : subject;
    types = types == null ? Set.of() : Set.copyOf(types);
    if (afterId < 0) {
      throw new IllegalArgumentException("after id must be >= 0, got " + afterId);
    }
    if (limit < 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 0 and " + MAX_LIMIT + ", got " + limit);
    }
    if (newestFirst && follow) {
      throw new IllegalArgumentException("newest first cannot be combined with follow");
    }
  }

  /** {@return a filter that matches every event} */
  public static EventFilter all() {
    return new EventFilter("", Set.of(), "", 0, 0, false, 0, 0, 0, false);
  }

  /** {@return this filter restricted to one tenant} */
  public EventFilter withTenant(String tenant) {
    return new EventFilter(tenant, types, subject, afterId, limit, newestFirst, causationId, sinceUnixMs, untilUnixMs, follow);
  }

  /** {@return this filter with the given types} */
  public EventFilter withTypes(Set<String> types) {
    return new EventFilter(tenant, types, subject, afterId, limit, newestFirst, causationId, sinceUnixMs, untilUnixMs, follow);
  }

  /** {@return this filter starting after the given id} */
  public EventFilter withAfterId(long afterId) {
    return new EventFilter(tenant, types, subject, afterId, limit, newestFirst, causationId, sinceUnixMs, untilUnixMs, follow);
  }

  /** {@return this filter with a limit} */
  public EventFilter withLimit(int limit) {
    return new EventFilter(tenant, types, subject, afterId, limit, newestFirst, causationId, sinceUnixMs, untilUnixMs, follow);
  }

  /** {@return this filter, following the live tail or not} */
  public EventFilter withFollow(boolean follow) {
    return new EventFilter(tenant, types, subject, afterId, limit, newestFirst, causationId, sinceUnixMs, untilUnixMs, follow);
  }

  /** {@return true if the event passes this filter} (the id range is applied by the reader) */
  public boolean matches(Event event) {
    return (tenant.isEmpty() || tenant.equals(event.getTenant()))
        && (types.isEmpty() || types.contains(event.getType()))
        && (subject.isEmpty() || subject.equals(event.getSubject()))
        && (causationId == 0 || causationId == event.getCausationId())
        && (sinceUnixMs == 0 || event.getTimeUnixMs() >= sinceUnixMs)
        && (untilUnixMs == 0 || event.getTimeUnixMs() < untilUnixMs);
  }
}
