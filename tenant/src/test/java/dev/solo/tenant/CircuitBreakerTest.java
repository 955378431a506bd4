package dev.solo.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.tenant.CircuitBreaker.Admission;
import dev.solo.tenant.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private long now;
  private final List<String> transitions = new ArrayList<>();
  private final CircuitBreaker breaker = new CircuitBreaker(
      new CircuitBreaker.Settings(3, Duration.ofSeconds(30), Duration.ofSeconds(10)),
      () -> now,
      (from, to, failures, last) -> transitions.add(from + ">" + to));

  private void advance(Duration by) {
    now += by.toNanos();
  }

  @Test
  void opensAfterTheFailuresWithinTheWindowAndRefusesUntilItsTimeIsUp() {
    breaker.onFailure("a");
    breaker.onFailure("b");
    assertEquals(Admission.RUN, breaker.admit());
    breaker.onFailure("c");
    assertEquals(State.OPEN, breaker.state());
    assertEquals(Admission.REFUSE, breaker.admit());
    assertTrue(breaker.refusal("svc").contains("open after 3 failures in 30 s (last: c); retry after 10000 ms"),
        breaker.refusal("svc"));
    advance(Duration.ofSeconds(9));
    assertEquals(Admission.REFUSE, breaker.admit());
    assertEquals(Duration.ofSeconds(1), breaker.retryAfter());
  }

  @Test
  void failuresOutsideTheWindowDoNotCount() {
    breaker.onFailure("a");
    breaker.onFailure("b");
    advance(Duration.ofSeconds(31));
    breaker.onFailure("c");
    assertEquals(State.CLOSED, breaker.state());
    breaker.onFailure("d");
    assertEquals(State.CLOSED, breaker.state());
    breaker.onFailure("e");
    assertEquals(State.OPEN, breaker.state());
  }

  @Test
  void aProbeThatSucceedsClosesItAndOnlyOneProbeRunsAtATime() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure("x");
    }
    advance(Duration.ofSeconds(10));
    assertEquals(Admission.PROBE, breaker.admit());
    assertEquals(State.HALF_OPEN, breaker.state());
    assertEquals(Admission.REFUSE, breaker.admit(), "one probe at a time");
    breaker.onSuccess();
    assertEquals(State.CLOSED, breaker.state());
    assertEquals(Admission.RUN, breaker.admit());
    assertEquals(List.of("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED"), transitions);
  }

  @Test
  void aProbeThatFailsOpensItForAnotherPeriod() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure("x");
    }
    advance(Duration.ofSeconds(10));
    assertEquals(Admission.PROBE, breaker.admit());
    breaker.onFailure("still broken");
    assertEquals(State.OPEN, breaker.state());
    advance(Duration.ofSeconds(5));
    assertEquals(Admission.REFUSE, breaker.admit());
    advance(Duration.ofSeconds(5));
    assertEquals(Admission.PROBE, breaker.admit());
  }

  @Test
  void aNeutralProbeLetsTheNextCallProbe() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure("x");
    }
    advance(Duration.ofSeconds(10));
    assertEquals(Admission.PROBE, breaker.admit());
    breaker.onNeutral();
    assertEquals(Admission.PROBE, breaker.admit());
  }

  @Test
  void resetClosesAtOnce() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure("x");
    }
    breaker.reset();
    assertEquals(State.CLOSED, breaker.state());
    assertEquals(Admission.RUN, breaker.admit());
    breaker.onFailure("y");
    breaker.onFailure("y");
    assertEquals(State.CLOSED, breaker.state(), "the failures before the reset are forgotten");
  }
}
