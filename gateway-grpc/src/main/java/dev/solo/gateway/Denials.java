package dev.solo.gateway;

import dev.solo.eventstore.EventStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every denial as a {@code capability_denied} event, without making the denied caller
 * wait for the journal. The event names the method, the reason and the permission; never a token.
 */
final class Denials {
  private static final Logger LOG = LoggerFactory.getLogger(Denials.class);
  private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(15);

  private final ActorRef<EventStore.Command> events;

  Denials(ActorRef<EventStore.Command> events) {
    this.events = events;
  }

  /**
   * Records a denial.
   *
   * @param tenant the tenant the caller's certificate names, empty if none or the admin
   * @param principal the certificate's principal, or {@code unknown}
   * @param method the full gRPC method name
   * @param status the status the caller got, such as UNAUTHENTICATED
   * @param reason why, as the caller was told
   * @param permission the permission that was missing, or empty
   * @param tokenId the id of the token presented, if it was known, or empty
   */
  void record(String tenant, String principal, String method, String status, String reason, String permission,
      String tokenId) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("method", method);
    attributes.put("status", status);
    attributes.put("reason", reason);
    if (!permission.isEmpty()) {
      attributes.put("permission", permission);
    }
    if (!tokenId.isEmpty()) {
      attributes.put("token_id", tokenId);
    }
    EventStore.append(events, EventStore.draft(tenant, "capability_denied", method, attributes, principal, 0),
            APPEND_TIMEOUT)
        .whenComplete((event, failure) -> {
          if (failure != null) {
            LOG.warn("a denial of {} for {} could not be recorded", method, principal);
          }
        });
  }
}
