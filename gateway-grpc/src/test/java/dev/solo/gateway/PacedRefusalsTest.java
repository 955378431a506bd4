package dev.solo.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PacedRefusalsTest {
  private final List<Duration> delays = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final PacedRefusals refusals = new PacedRefusals((delay, task) -> {
    delays.add(delay);
    timers.add(task);
  });
  private final AtomicInteger sent = new AtomicInteger();

  private static LoadShedder.Refusal refusal(long retryAfterMillis, int limit) {
    return new LoadShedder.Refusal(LoadShedder.Reason.TENANT_LIMIT, "noisy", limit, limit, retryAfterMillis);
  }

  @Test
  void aRefusalIsSentAfterItsRetryHint() {
    refusals.refuse(refusal(40, 100), Duration.ofSeconds(30), sent::incrementAndGet);

    assertEquals(List.of(Duration.ofMillis(40)), delays);
    assertEquals(0, sent.get(), "not yet");
    timers.get(0).run();
    assertEquals(1, sent.get());
    assertEquals(0, refusals.waiting("noisy"));
  }

  @Test
  void noRefusalWaitsMoreThanASecondOrPastTheCallsDeadline() {
    refusals.refuse(refusal(10_000, 100), Duration.ofSeconds(30), sent::incrementAndGet);
    refusals.refuse(refusal(500, 100), Duration.ofMillis(120), sent::incrementAndGet);
    refusals.refuse(refusal(500, 100), Duration.ofMillis(5), sent::incrementAndGet);

    assertEquals(List.of(PacedRefusals.MAX_DELAY, Duration.ofMillis(100)), delays);
    assertEquals(1, sent.get(), "a call about to expire is refused at once");
  }

  @Test
  void aTenantHasAtMostItsInflightLimitOfRefusalsWaiting() {
    for (int i = 0; i < 5; i++) {
      refusals.refuse(refusal(40, 3), Duration.ofSeconds(30), sent::incrementAndGet);
    }

    assertEquals(3, timers.size(), "three wait");
    assertEquals(2, sent.get(), "the rest are refused at once");
    assertEquals(3, refusals.waiting("noisy"));
    timers.forEach(Runnable::run);
    assertEquals(0, refusals.waiting("noisy"));
  }
}
