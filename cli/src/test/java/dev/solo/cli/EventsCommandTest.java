package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solo.client.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsCommandTest {
  private static final Event KILLED =
      new Event(
          7, Instant.parse("2025-01-02T03:04:05.678Z"), "acme", "service_killed", "counter",
          Map.of("reason", "too slow", "version", "3"), 5, "tenant:acme");

  @Test
  void humanLineIsIdTimeTenantTypeSubjectThenSortedAttributes() {
    assertEquals(
        "#7 2025-01-02T03:04:05.678Z acme service_killed counter reason=\"too slow\" version=3",
        EventsCommand.human(KILLED));
  }

  @Test
  void systemEventShowsDashesForEmptyTenantAndSubject() {
    Event started = new Event(1, Instant.parse("2025-01-02T03:04:05Z"), "", "kernel_started", "", Map.of(), 0, "kernel");
    assertEquals("#1 2025-01-02T03:04:05Z - kernel_started -", EventsCommand.human(started));
  }

  @Test
  void jsonLineHasExactlyTheDocumentedKeysInOrder() throws Exception {
    String line = EventsCommand.json(KILLED);
    assertEquals(-1, line.indexOf('\n'));
    JsonNode node = new ObjectMapper().readTree(line);
    List<String> keys = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("id", "time", "tenant", "type", "subject", "attributes", "causation_id", "principal"), keys);
    assertEquals(7, node.get("id").asLong());
    assertEquals("2025-01-02T03:04:05.678Z", node.get("time").asText());
    assertEquals("too slow", node.get("attributes").get("reason").asText());
    assertEquals(5, node.get("causation_id").asLong());
  }
}
