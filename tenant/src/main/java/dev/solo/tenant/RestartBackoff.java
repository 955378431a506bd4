package dev.solo.tenant;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * When to restart a crashed service: after a delay that doubles with each crash in the window,
 * from {@code minBackoff} up to {@code maxBackoff}; and not at all once it crashed more than
 * {@code maxRestarts} times within {@code window}, when it is quarantined instead. Not
 * thread-safe: the tenant supervisor owns one per service.
 */
public final class RestartBackoff {

  /**
   * The supervision settings (DESIGN.md §8: 10 restarts in 60 s before quarantine).
   *
   * @param maxRestarts restarts allowed within {@code window}
   * @param window how far back restarts count
   * @param minBackoff the delay before the first restart
   * @param maxBackoff the longest delay
   */
  public record Settings(int maxRestarts, Duration window, Duration minBackoff, Duration maxBackoff) {
    /** Checks the settings. */
    public Settings {
      if (maxRestarts < 0 || window.isNegative() || window.isZero() || minBackoff.isNegative() || minBackoff.isZero()
          || maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException("restart settings must be positive, with max-backoff >= min-backoff: "
            + maxRestarts + ", " + window + ", " + minBackoff + ", " + maxBackoff);
      }
    }

    /** {@return the defaults: 10 restarts in 60 s, backoff from 100 ms to 5 s} */
    public static Settings defaults() {
      return new Settings(10, Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofSeconds(5));
    }
  }

  private final Settings settings;
  private final ArrayDeque<Long> restarts = new ArrayDeque<>();
  private int total;

  RestartBackoff(Settings settings) {
    this.settings = settings;
  }

  /**
   * Records a crash at {@code nowNanos}. {@return the delay before the restart, or empty if the
   * service crashed too often and must be quarantined}
   */
  Optional<Duration> onCrash(long nowNanos) {
    while (!restarts.isEmpty() && nowNanos - restarts.peekFirst() > settings.window().toNanos()) {
      restarts.removeFirst();
    }
    if (restarts.size() >= settings.maxRestarts()) {
      return Optional.empty();
    }
    int shift = Math.min(restarts.size(), 30);
    long delay = Math.min(settings.maxBackoff().toNanos(), settings.minBackoff().toNanos() << shift);
    if (delay < 0) {
      delay = settings.maxBackoff().toNanos();
    }
    restarts.addLast(nowNanos);
    total++;
    return Optional.of(Duration.ofNanos(delay));
  }

  /** Forgets the crashes: an operator released the service, or a new version was deployed. */
  void reset() {
    restarts.clear();
  }

  /** {@return restarts since the service was deployed or the server started} */
  int total() {
    return total;
  }

  Settings settings() {
    return settings;
  }
}
