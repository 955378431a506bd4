package dev.solo.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.solo.proto.v1.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShedEventsTest {
  private final AtomicLong now = new AtomicLong();
  private final List<Event> appended = new ArrayList<>();
  private final ShedEvents events = new ShedEvents(appended::add, now::get, Duration.ofSeconds(1));

  private static LoadShedder.Refusal refusal(String tenant) {
    return new LoadShedder.Refusal(LoadShedder.Reason.TENANT_LIMIT, tenant, 100, 100, 25);
  }

  @Test
  void aFloodOfShedsIsOneEventPerTenantPerSecondWithItsCount() {
    for (int i = 0; i < 500; i++) {
      events.shed(refusal("noisy"), "tenant:noisy", "work");
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    events.shed(refusal("noisy"), "tenant:noisy", "work");
    assertEquals(1, appended.size(), "one event within the first second");

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    events.shed(refusal("noisy"), "tenant:noisy", "work");

    assertEquals(2, appended.size());
    Event first = appended.get(0);
    assertEquals("load_shed", first.getType());
    assertEquals("noisy", first.getTenant());
    assertEquals("work", first.getSubject());
    assertEquals("tenant:noisy", first.getPrincipal());
    assertEquals("1", first.getAttributesOrThrow("count"));
    assertEquals("tenant_limit", first.getAttributesOrThrow("reason"));
    assertEquals("100", first.getAttributesOrThrow("limit"));
    assertEquals("25", first.getAttributesOrThrow("retry_after_ms"));
    assertEquals("501", appended.get(1).getAttributesOrThrow("count"), "every shed since the previous event");
  }

  @Test
  void tenantsAreSampledApart() {
    events.shed(refusal("a"), "tenant:a", "work");
    events.shed(refusal("b"), "tenant:b", "work");
    events.shed(refusal("a"), "tenant:a", "work");

    assertEquals(List.of("a", "b"), appended.stream().map(Event::getTenant).toList());
  }
}
