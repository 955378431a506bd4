package dev.solo.tenant;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * One service's circuit breaker: closed while calls succeed; open once {@code maxFailures} calls
 * failed within {@code window}, so calls fail fast and no tenant code runs; half-open after
 * {@code openFor}, when one call is let through as a probe: its success closes the breaker, its
 * failure opens it again. Not thread-safe: its service actor owns it.
 *
 * <p>A failure is a call that threw or ran out of a budget: the service's own fault, not a full
 * queue, a deadline spent waiting, or bad input.
 */
public final class CircuitBreaker {

  /** The breaker's states, as {@code solo status} and the metrics show them. */
  public enum State {
    CLOSED, OPEN, HALF_OPEN;

    public String shown() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** What the breaker says about the next call. */
  enum Admission {
    /** Run it. */
    RUN,
    /** Run it as the probe of a half-open breaker. */
    PROBE,
    /** Refuse it: the breaker is open, or its probe is still running. */
    REFUSE
  }

  /** Told about every change of state. */
  @FunctionalInterface
  interface Listener {
    void changed(State from, State to, int failures, String lastFailure);
  }

  /**
   * The breaker's settings.
   *
   * @param maxFailures failures within {@code window} that open the breaker
   * @param window how far back failures count
   * @param openFor how long the breaker stays open before it lets a probe through
   */
  public record Settings(int maxFailures, Duration window, Duration openFor) {
    /** Checks the settings. */
    public Settings {
      if (maxFailures < 1 || window.isNegative() || window.isZero() || openFor.isNegative() || openFor.isZero()) {
        throw new IllegalArgumentException("breaker settings must be positive: " + maxFailures + ", " + window + ", " + openFor);
      }
    }

    /** {@return the defaults of DESIGN.md §8: 5 failures in 30 s, open for 10 s} */
    public static Settings defaults() {
      return new Settings(5, Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
  }

  private final Settings settings;
  private final LongSupplier nanoTime;
  private final Listener listener;
  private final ArrayDeque<Long> failures = new ArrayDeque<>();
  private State state = State.CLOSED;
  private long openedAt;
  private boolean probing;
  private String lastFailure = "";

  CircuitBreaker(Settings settings, LongSupplier nanoTime, Listener listener) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.listener = listener;
  }

  /** {@return whether the next call may run} A probe must be answered by success or failure. */
  Admission admit() {
    switch (state) {
      case CLOSED -> {
        return Admission.RUN;
      }
      case OPEN -> {
        if (nanoTime.getAsLong() - openedAt < settings.openFor().toNanos()) {
          return Admission.REFUSE;
        }
        move(State.HALF_OPEN);
        probing = true;
        return Admission.PROBE;
      }
      default -> {
        if (probing) {
          return Admission.REFUSE;
        }
        probing = true;
        return Admission.PROBE;
      }
    }
  }

  /** A call that ran succeeded. */
  void onSuccess() {
    if (state == State.HALF_OPEN) {
      probing = false;
      failures.clear();
      move(State.CLOSED);
    }
  }

  /** A call that ran failed, with a reason safe to show to the tenant. */
  void onFailure(String reason) {
    lastFailure = reason;
    long now = nanoTime.getAsLong();
    if (state == State.HALF_OPEN) {
      probing = false;
      open(now);
      return;
    }
    if (state == State.OPEN) {
      return;
    }
    failures.addLast(now);
    while (!failures.isEmpty() && now - failures.peekFirst() > settings.window().toNanos()) {
      failures.removeFirst();
    }
    if (failures.size() >= settings.maxFailures()) {
      open(now);
    }
  }

  /** A call that was let through ended without saying anything about the service. */
  void onNeutral() {
    probing = false;
  }

  /** Closes the breaker at once: a new version or a fresh instance starts with a clean record. */
  void reset() {
    failures.clear();
    probing = false;
    if (state != State.CLOSED) {
      move(State.CLOSED);
    }
  }

  State state() {
    return state;
  }

  /** {@return how long until an open breaker lets a probe through; zero if it is not open} */
  Duration retryAfter() {
    if (state != State.OPEN) {
      return Duration.ZERO;
    }
    long left = settings.openFor().toNanos() - (nanoTime.getAsLong() - openedAt);
    return Duration.ofNanos(Math.max(0, left));
  }

  /** {@return why calls are refused now} */
  String refusal(String service) {
    long retryMs = Math.max(1, retryAfter().toMillis());
    return "the circuit breaker of service " + service + " is " + state.shown() + " after " + settings.maxFailures()
        + " failures in " + settings.window().toSeconds() + " s (last: " + lastFailure + "); retry after " + retryMs + " ms";
  }

  private void open(long now) {
    openedAt = now;
    int counted = Math.max(failures.size(), 1);
    failures.clear();
    State from = state;
    state = State.OPEN;
    listener.changed(from, State.OPEN, counted, lastFailure);
  }

  private void move(State to) {
    State from = state;
    state = to;
    listener.changed(from, to, failures.size(), lastFailure);
  }
}
