package dev.solo.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void delaysDoubleUpToTheMaximumAndStopAtTheLimit() {
    RestartBackoff backoff = new RestartBackoff(
        new RestartBackoff.Settings(5, Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(500)));
    assertEquals(Optional.of(Duration.ofMillis(100)), backoff.onCrash(0));
    assertEquals(Optional.of(Duration.ofMillis(200)), backoff.onCrash(1 * SECOND));
    assertEquals(Optional.of(Duration.ofMillis(400)), backoff.onCrash(2 * SECOND));
    assertEquals(Optional.of(Duration.ofMillis(500)), backoff.onCrash(3 * SECOND));
    assertEquals(Optional.of(Duration.ofMillis(500)), backoff.onCrash(4 * SECOND));
    assertEquals(Optional.empty(), backoff.onCrash(5 * SECOND), "the sixth crash within the window quarantines");
    assertEquals(5, backoff.total());
  }

  @Test
  void crashesOutsideTheWindowAreForgotten() {
    RestartBackoff backoff = new RestartBackoff(
        new RestartBackoff.Settings(2, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(5)));
    backoff.onCrash(0);
    backoff.onCrash(SECOND);
    assertEquals(Optional.of(Duration.ofMillis(100)), backoff.onCrash(12 * SECOND), "both earlier crashes are out of the window");
  }

  @Test
  void resetForgetsTheCrashesButNotTheTotal() {
    RestartBackoff backoff = new RestartBackoff(
        new RestartBackoff.Settings(1, Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofSeconds(5)));
    backoff.onCrash(0);
    assertEquals(Optional.empty(), backoff.onCrash(SECOND));
    backoff.reset();
    assertEquals(Optional.of(Duration.ofMillis(100)), backoff.onCrash(2 * SECOND));
    assertEquals(2, backoff.total());
  }
}
