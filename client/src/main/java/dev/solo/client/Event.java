package dev.solo.client;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of the event log.
 *
 * @param id global, strictly increasing
 * @param time wall clock time of the append, UTC
 * @param tenant the tenant it belongs to; empty for system events
 * @param type for example {@code service_deployed} or {@code custom.order_placed}
 * @param subject what it is about, for example the service name
 * @param attributes details of the event
 * @param causationId the id of the event that caused this one, 0 if none
 * @param principal who did it: {@code admin}, {@code tenant:NAME}, {@code service:TENANT/SERVICE}
 *     or {@code kernel}
 */
public record Event(
    long id,
    Instant time,
    String tenant,
    String type,
    String subject,
    Map<String, String> attributes,
    long causationId,
    String principal) {

  /** Copies the attributes. */
  public Event {
    attributes = Map.copyOf(attributes);
  }

  static Event from(dev.solo.proto.v1.Event e) {
    return new Event(
        e.getId(),
        Instant.ofEpochMilli(e.getTimeUnixMs()),
        e.getTenant(),
        e.getType(),
        e.getSubject(),
        e.getAttributesMap(),
        e.getCausationId(),
        e.getPrincipal());
  }
}
