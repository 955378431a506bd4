package dev.solo.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LoadShedderTest {
  private final AtomicLong now = new AtomicLong();
  /** Calls that got a slot, in the order they got it. */
  private final ArrayDeque<Started> started = new ArrayDeque<>();

  private record Started(String tenant, String service, LoadShedder.Ticket ticket) {}

  /** Each call goes to a service of its own, unless a test names one: services run one call at a time. */
  private final AtomicInteger services = new AtomicInteger();

  private static final Duration LEASE = Duration.ofSeconds(1);

  private LoadShedder shedder(int global, int running, double highWater, LoadShedder.TenantLimits limits) {
    return new LoadShedder(new LoadShedder.Settings(global, running, highWater, LEASE), limits, now::get);
  }

  private LoadShedder.Admission admit(LoadShedder shedder, String tenant) {
    return admit(shedder, tenant, "s" + services.incrementAndGet());
  }

  private LoadShedder.Admission admit(LoadShedder shedder, String tenant, String service) {
    return shedder.admit(tenant, service, ticket -> started.add(new Started(tenant, service, ticket)));
  }

  private LoadShedder.Ticket admitted(LoadShedder shedder, String tenant) {
    return assertInstanceOf(LoadShedder.Ticket.class, admit(shedder, tenant), "a call of " + tenant + " is admitted");
  }

  private LoadShedder.Ticket admitted(LoadShedder shedder, String tenant, String service) {
    return assertInstanceOf(LoadShedder.Ticket.class, admit(shedder, tenant, service), "a call of " + tenant + " is admitted");
  }

  @Test
  void refusesATenantAtItsLimitWithARetryHintAndAdmitsOthers() {
    LoadShedder shedder = shedder(2000, 8, 0.75, tenant -> 2);
    admitted(shedder, "noisy");
    admitted(shedder, "noisy");

    LoadShedder.Refusal refusal = assertInstanceOf(LoadShedder.Refusal.class, admit(shedder, "noisy"));

    assertEquals(LoadShedder.Reason.TENANT_LIMIT, refusal.reason());
    assertEquals(2, refusal.inflight());
    assertEquals(2, refusal.limit());
    assertTrue(refusal.retryAfterMillis() >= LoadShedder.MIN_RETRY_MILLIS && refusal.retryAfterMillis() <= LoadShedder.MAX_RETRY_MILLIS,
        "retry hint within bounds: " + refusal.retryAfterMillis());
    admitted(shedder, "quiet");
    assertEquals(3, shedder.inflight());
  }

  @Test
  void retryHintFollowsHowLongTheTenantsCallsTake() {
    LoadShedder shedder = shedder(2000, 8, 0.75, tenant -> 1);
    for (int i = 0; i < 20; i++) {
      LoadShedder.Ticket ticket = admitted(shedder, "slow");
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
      ticket.release();
    }
    admitted(shedder, "slow");

    LoadShedder.Refusal refusal = assertInstanceOf(LoadShedder.Refusal.class, admit(shedder, "slow"));

    assertTrue(refusal.retryAfterMillis() > 300 && refusal.retryAfterMillis() <= 400, "hint near 400 ms: " + refusal.retryAfterMillis());
  }

  @Test
  void readsTheTenantLimitAtEveryCall() {
    Map<String, Integer> limits = new ConcurrentHashMap<>(Map.of("acme", 1));
    LoadShedder shedder = shedder(2000, 8, 0.75, limits::get);
    admitted(shedder, "acme");
    assertInstanceOf(LoadShedder.Refusal.class, admit(shedder, "acme"));

    limits.put("acme", 3);

    admitted(shedder, "acme");
  }

  @Test
  void refusesEveryTenantWhenTheServerIsFull() {
    LoadShedder shedder = shedder(3, 8, 1.0, tenant -> 100);
    admitted(shedder, "a");
    admitted(shedder, "a");
    admitted(shedder, "b");

    LoadShedder.Refusal refusal = assertInstanceOf(LoadShedder.Refusal.class, admit(shedder, "c"));

    assertEquals(LoadShedder.Reason.GLOBAL_LIMIT, refusal.reason());
    assertEquals(0, refusal.inflight());
  }

  @Test
  void pastTheHighWaterMarkATenantOverItsFairShareIsRefusedAndOthersAreNot() {
    LoadShedder shedder = shedder(10, 100, 0.5, tenant -> 100);
    for (int i = 0; i < 5; i++) {
      admitted(shedder, "noisy"); // alone, its fair share is all 10
    }
    admitted(shedder, "quiet"); // two tenants now: a fair share is 5

    LoadShedder.Refusal refusal = assertInstanceOf(LoadShedder.Refusal.class, admit(shedder, "noisy"));

    assertEquals(LoadShedder.Reason.FAIR_SHARE, refusal.reason());
    for (int i = 0; i < 4; i++) {
      admitted(shedder, "quiet");
    }
  }

  @Test
  void aCallRunsAtOnceWhileASlotIsFreeAndWaitsOtherwise() {
    LoadShedder shedder = shedder(2000, 2, 0.75, tenant -> 100);
    admitted(shedder, "a");
    admitted(shedder, "a");
    LoadShedder.Ticket third = admitted(shedder, "a");
    assertEquals(2, started.size());
    assertEquals(2, shedder.running());

    started.poll().ticket().release();

    assertEquals(third, started.getLast().ticket(), "the queued call got the freed slot");
    assertEquals(2, shedder.running());
    assertEquals(2, shedder.inflight());
  }

  @Test
  void aCallWaitsWhileItsServiceIsBusyAndLeavesTheSlotToACallThatCanRun() {
    LoadShedder shedder = shedder(2000, 2, 0.75, tenant -> 100);
    LoadShedder.Ticket first = admitted(shedder, "a", "counter");
    LoadShedder.Ticket second = admitted(shedder, "a", "counter");
    LoadShedder.Ticket other = admitted(shedder, "a", "echo");

    assertEquals(List.of(first, other), started.stream().map(Started::ticket).toList(),
        "the second call to counter waits: counter runs one call at a time");
    assertEquals(2, shedder.running());
    started.clear();

    first.release();

    assertEquals(List.of(second), started.stream().map(Started::ticket).toList(), "counter is free again");
  }

  @Test
  void aQuietTenantsCallGetsTheNextFreeSlotAheadOfAFlood() {
    LoadShedder shedder = shedder(2000, 1, 0.75, tenant -> 100);
    for (int i = 0; i < 50; i++) {
      admitted(shedder, "noisy");
    }
    LoadShedder.Ticket quiet = admitted(shedder, "quiet");
    assertEquals(1, started.size());

    now.addAndGet(1_000_000);
    started.poll().ticket().release();

    assertEquals(quiet, started.poll().ticket(), "the quiet call waited for one slot, not for the flood");
  }

  @Test
  void backloggedTenantsGetEqualSlotTimeWhateverTheirCallsCost() {
    LoadShedder shedder = shedder(2000, 1, 0.75, tenant -> 100);
    Map<String, Long> cost = Map.of("slow", TimeUnit.MILLISECONDS.toNanos(10), "fast", TimeUnit.MILLISECONDS.toNanos(1));
    for (int i = 0; i < 20; i++) {
      admitted(shedder, "slow");
      admitted(shedder, "fast");
    }
    Map<String, Long> slotTime = new HashMap<>(Map.of("slow", 0L, "fast", 0L));
    Map<String, Integer> calls = new HashMap<>(Map.of("slow", 0, "fast", 0));
    while (now.get() < TimeUnit.SECONDS.toNanos(10)) {
      Started call = started.poll();
      now.addAndGet(cost.get(call.tenant()));
      slotTime.merge(call.tenant(), cost.get(call.tenant()), Long::sum);
      calls.merge(call.tenant(), 1, Integer::sum);
      call.ticket().release();
      admitted(shedder, call.tenant()); // both stay backlogged
    }

    double share = slotTime.get("slow") / (double) (slotTime.get("slow") + slotTime.get("fast"));
    assertTrue(share > 0.45 && share < 0.55, "each tenant gets half the slot time; slow got " + share);
    assertTrue(calls.get("fast") > 8 * calls.get("slow"), "the fast tenant ran about 10x the calls: " + calls);
  }

  @Test
  void callsThatRunPastTheLeaseGiveTheirSlotToTheNextCall() {
    LoadShedder shedder = shedder(2000, 2, 0.75, tenant -> 100);
    LoadShedder.Ticket long1 = admitted(shedder, "slow");
    LoadShedder.Ticket long2 = admitted(shedder, "slow");
    LoadShedder.Ticket quiet = admitted(shedder, "quiet");
    now.addAndGet(LEASE.toNanos() - 1);
    shedder.expireLeases();
    assertEquals(2, started.size(), "within their lease, the long calls keep their slots");

    now.addAndGet(1);
    shedder.expireLeases();

    assertEquals(quiet, started.getLast().ticket(), "the waiting call got a slot");
    assertEquals(1, shedder.running(), "the long calls run on without a slot");
    long1.release();
    long2.release();
    assertEquals(1, shedder.running());
    quiet.release();
    assertEquals(0, shedder.running());
    assertEquals(0, shedder.inflight());
  }

  @Test
  void aCallWhoseReplyNeverComesHoldsUpItsServiceForTheLeaseOnly() {
    LoadShedder shedder = shedder(2000, 4, 0.75, tenant -> 100);
    LoadShedder.Ticket lost = admitted(shedder, "a", "counter");
    LoadShedder.Ticket next = admitted(shedder, "a", "counter");
    assertEquals(1, started.size());

    now.addAndGet(LEASE.toNanos());
    shedder.expireLeases();

    assertEquals(next, started.getLast().ticket(), "the next call goes to the service's own queue");
    next.release();
    lost.release();
    assertEquals(0, shedder.inflight());
    assertEquals(0, shedder.running());
    admitted(shedder, "a", "counter");
    assertEquals(3, started.size(), "counter is free");
  }

  @Test
  void aCancelledQueuedCallGivesItsPlaceBackAndNeverRuns() {
    LoadShedder shedder = shedder(2000, 1, 0.75, tenant -> 2);
    LoadShedder.Ticket running = admitted(shedder, "a");
    LoadShedder.Ticket queued = admitted(shedder, "a");

    assertTrue(queued.cancel(), "a queued call is dropped");

    assertEquals(1, shedder.inflight("a"));
    running.release();
    assertEquals(1, started.size(), "the dropped call never ran");
    assertEquals(0, shedder.inflight());
  }

  @Test
  void aCancelledRunningCallKeepsItsSlotUntilItEnds() {
    LoadShedder shedder = shedder(2000, 1, 0.75, tenant -> 10);
    LoadShedder.Ticket running = admitted(shedder, "a");
    admitted(shedder, "a");

    assertFalse(running.cancel(), "a running call cannot be dropped");

    assertEquals(1, started.size(), "its slot is still held");
    running.release();
    assertEquals(2, started.size());
  }

  @Test
  void releasingTwiceFreesOnePlace() {
    LoadShedder shedder = shedder(2000, 4, 0.75, tenant -> 10);
    LoadShedder.Ticket first = admitted(shedder, "a");
    admitted(shedder, "a");

    first.release();
    first.release();

    assertEquals(1, shedder.inflight());
    assertEquals(1, shedder.running());
  }

  @Test
  void aDispatchThatThrowsGivesItsSlotBack() {
    LoadShedder shedder = shedder(2000, 1, 0.75, tenant -> 10);
    Consumer<LoadShedder.Ticket> broken = ticket -> {
      throw new IllegalStateException("test: dispatch failed");
    };

    shedder.admit("a", "s", broken);

    assertEquals(0, shedder.inflight());
    assertEquals(0, shedder.running());
  }

  @Test
  void callsThatEndAsTheyStartDoNotNestOnTheStack() {
    LoadShedder shedder = shedder(200_000, 1, 1.0, tenant -> 200_000);
    AtomicInteger ran = new AtomicInteger();
    LoadShedder.Ticket first = admitted(shedder, "a");
    for (int i = 0; i < 100_000; i++) {
      shedder.admit("a", "s" + i, ticket -> {
        ran.incrementAndGet();
        ticket.release(); // for example: the service is not found
      });
    }

    first.release();

    assertEquals(100_000, ran.get());
    assertEquals(0, shedder.inflight());
  }

  @Test
  void countsStayExactUnderConcurrentCalls() throws Exception {
    LoadShedder shedder = new LoadShedder(new LoadShedder.Settings(50, 3, 0.75, LEASE), tenant -> 10);
    int threads = 8;
    CountDownLatch done = new CountDownLatch(threads);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger overRunning = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String tenant = "t" + (t % 4);
      Thread worker = new Thread(() -> {
        List<LoadShedder.Ticket> mine = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
          if (mine.size() < 5 && ThreadLocalRandom.current().nextBoolean()) {
            LoadShedder.Admission admission = shedder.admit(tenant, "s" + (i % 3), ticket -> {
              ran.incrementAndGet();
              if (shedder.running() > 3) {
                overRunning.incrementAndGet();
              }
            });
            if (admission instanceof LoadShedder.Ticket ticket) {
              admitted.incrementAndGet();
              mine.add(ticket);
            }
          } else if (!mine.isEmpty()) {
            LoadShedder.Ticket ticket = mine.remove(ThreadLocalRandom.current().nextInt(mine.size()));
            if (ThreadLocalRandom.current().nextInt(4) == 0) {
              ticket.cancel();
            }
            ticket.release();
          }
        }
        mine.forEach(LoadShedder.Ticket::release);
        done.countDown();
      });
      workers.add(worker);
      worker.start();
    }

    assertTrue(done.await(60, TimeUnit.SECONDS), "the workers finished");
    assertEquals(0, shedder.inflight(), "every place was given back");
    assertEquals(0, shedder.running(), "every slot was given back");
    assertEquals(0, overRunning.get(), "never more calls running than slots");
    assertTrue(admitted.get() > 1000 && ran.get() > 100, "the test exercised the shedder: " + admitted + " admitted, " + ran + " ran");
    for (int t = 0; t < 3; t++) {
      int before = ran.get();
      LoadShedder.Ticket ticket = assertInstanceOf(LoadShedder.Ticket.class, shedder.admit("t" + t, "s" + t, unused -> ran.incrementAndGet()));
      assertEquals(before + 1, ran.get(), "no service was left busy: a new call runs at once");
      ticket.release();
    }
  }
}
