package dev.solo.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission and fair scheduling of service calls: "fair share, not first come" (DESIGN.md §8).
 *
 * <p><b>Admission.</b> A call is refused at once, and its caller told when to retry, when its
 * tenant already has its limit of calls in flight ({@code max-inflight}, read at every call
 * through {@link TenantLimits}), when the server has {@code global-inflight} calls in flight, or
 * when the server is past its high-water mark and the tenant holds more than its fair share:
 * {@code global-inflight} divided by the number of tenants with calls in flight.
 *
 * <p><b>Scheduling.</b> At most {@code running} calls run at once; the others wait in their
 * tenant's queue. A service runs one call at a time, so a call whose service is busy waits here
 * too, and a slot only ever goes to a call that can run at once: {@code running} bounds the tenant
 * code running at the same time, which is what competes for the CPU. Each slot that frees up goes
 * to the next tenant with a call it can run, by deficit round robin over the time each tenant's
 * calls held a slot (so a tenant of slow calls gets fewer of them, not the same number). A tenant
 * whose queue was empty joins the round next in line. A tenant that floods the server therefore
 * queues behind itself: a call of another tenant waits for about one slot to free up, whatever
 * the flood. Bounding the running calls, and not only those in flight, is what protects a quiet
 * tenant: on a small machine the CPU runs out long before 2,000 slots do, and a first-come queue
 * in front of it would make every tenant wait for the flood.
 *
 * <p>A slot is held from dispatch until the call's outcome comes back, or for the lease at most
 * (the gateway calls {@link #expireLeases()} every few milliseconds): a call still running then
 * runs on without a slot, and no longer keeps its service's next call waiting, so a few long
 * calls (or replies that never come) cannot keep everyone waiting. A call
 * whose caller went away is dropped if it is still queued; a running one keeps its slot, because
 * its tenant code is still running.
 *
 * <p>Thread-safe: one lock guards the counters and queues, and the work under it is small (a
 * scan of the tenants with queued calls at most). Dispatches run outside the lock.
 */
public final class LoadShedder {
  private static final Logger LOG = LoggerFactory.getLogger(LoadShedder.class);
  /** Slot time each backlogged tenant is credited per round of the deficit round robin. */
  static final long QUANTUM_NANOS = 1_000_000;
  /** Bounds of the retry hint. */
  static final long MIN_RETRY_MILLIS = 10;
  static final long MAX_RETRY_MILLIS = 10_000;
  /** A finished call counts this much toward the running average of call times (1/8). */
  private static final int EWMA_SHIFT = 3;
  /** Calls dispatched by a thread that is already dispatching wait here, not on its stack. */
  private static final ThreadLocal<ArrayDeque<Ticket>> TRAMPOLINE = new ThreadLocal<>();

  /**
   * The in-flight limit of each tenant. The shedder reads it at every admission, so a limit that
   * changes (a per-tenant setting, or an operator's quota) applies from the next call. It must be
   * cheap and must not block: it runs on the gRPC handler thread.
   */
  @FunctionalInterface
  public interface TenantLimits {
    /** {@return how many calls of {@code tenant} may be in flight at once, queued or running} */
    int maxInflight(String tenant);
  }

  /**
   * Server-wide settings.
   *
   * @param globalInflight calls in flight across all tenants, queued or running
   * @param running calls dispatched to services at once; the others wait in their tenant's queue
   * @param highWater the share of {@code globalInflight} past which a tenant holding more than its
   *     fair share of calls in flight is refused
   * @param lease how long a call holds its slot: a call still running then gives its slot to the
   *     next one (and runs on), so calls that run long cannot keep other tenants waiting
   */
  public record Settings(int globalInflight, int running, double highWater, Duration lease) {
    /** Checks the ranges. */
    public Settings {
      if (globalInflight < 1 || running < 1 || !(highWater > 0 && highWater <= 1) || lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("load shedding needs global-inflight >= 1, running >= 1, 0 < high-water <= 1 and"
            + " a positive lease, got " + globalInflight + ", " + running + ", " + highWater + ", " + lease);
      }
    }
  }

  /** Why a call was shed. */
  public enum Reason {
    /** The tenant has its limit of calls in flight. */
    TENANT_LIMIT("tenant_limit"),
    /** The server has its limit of calls in flight. */
    GLOBAL_LIMIT("global_limit"),
    /** The server is busy and the tenant holds more than its fair share. */
    FAIR_SHARE("fair_share");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** {@return the reason as events and metrics name it, such as {@code tenant_limit}} */
    public String label() {
      return label;
    }
  }

  /** What {@link #admit} decided. */
  public sealed interface Admission permits Ticket, Refusal {}

  /**
   * A refused call.
   *
   * @param reason why
   * @param tenant the caller's tenant
   * @param inflight the tenant's calls in flight when it was refused
   * @param limit the tenant's in-flight limit then
   * @param retryAfterMillis when a retry has a fair chance: about as long as the tenant's calls
   *     take now (by then the calls in flight have mostly ended), within 10 ms and 10 s
   */
  public record Refusal(Reason reason, String tenant, int inflight, int limit, long retryAfterMillis) implements Admission {}

  private final Settings settings;
  private final TenantLimits limits;
  private final LongSupplier nanoTime;
  private final int highWaterCount;
  private final long leaseNanos;

  // Guarded by this.
  private final Map<String, TenantState> tenants = new HashMap<>();
  private final List<TenantState> backlog = new ArrayList<>();
  /** The calls that hold a slot, oldest first. */
  private final ArrayDeque<Ticket> holders = new ArrayDeque<>();
  private int cursor;
  private int inflight;
  private int running;
  private long ewmaNanos;

  /** A shedder on the system clock. */
  public LoadShedder(Settings settings, TenantLimits limits) {
    this(settings, limits, System::nanoTime);
  }

  LoadShedder(Settings settings, TenantLimits limits, LongSupplier nanoTime) {
    this.settings = settings;
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.highWaterCount = (int) Math.ceil(settings.globalInflight() * settings.highWater());
    this.leaseNanos = settings.lease().toNanos();
  }

  /**
   * Admits a call of {@code tenant} to {@code service}, or refuses it. An admitted call's
   * {@code dispatch} runs once it has a slot and its service has no other call of the gateway
   * running: at once on this thread, or later on the thread that frees one. The dispatch must not
   * block, and must end by calling {@link Ticket#release()} when the call's outcome is known,
   * whatever it is.
   */
  public Admission admit(String tenant, String service, Consumer<Ticket> dispatch) {
    int limit = limits.maxInflight(tenant);
    Ticket ticket;
    List<Ticket> next;
    synchronized (this) {
      TenantState state = tenants.get(tenant);
      int held = state == null ? 0 : state.inflight;
      if (held >= limit) {
        return refusal(Reason.TENANT_LIMIT, tenant, state, held, limit);
      }
      if (inflight >= settings.globalInflight()) {
        return refusal(Reason.GLOBAL_LIMIT, tenant, state, held, limit);
      }
      if (inflight >= highWaterCount && held >= fairShare(state == null)) {
        return refusal(Reason.FAIR_SHARE, tenant, state, held, limit);
      }
      if (state == null) {
        state = new TenantState(tenant);
        tenants.put(tenant, state);
      }
      state.inflight++;
      inflight++;
      ticket = new Ticket(this, state, service, dispatch, nanoTime.getAsLong());
      enqueue(ticket);
      next = fillSlots();
    }
    runAll(next);
    return ticket;
  }

  /** {@return calls in flight now, queued or running, across all tenants} */
  public synchronized int inflight() {
    return inflight;
  }

  /** {@return calls running now} */
  synchronized int running() {
    return running;
  }

  /** {@return calls of {@code tenant} in flight now} */
  synchronized int inflight(String tenant) {
    TenantState state = tenants.get(tenant);
    return state == null ? 0 : state.inflight;
  }

  private int fairShare(boolean newTenant) {
    int active = tenants.size() + (newTenant ? 1 : 0);
    return Math.max(1, settings.globalInflight() / Math.max(1, active));
  }

  private Refusal refusal(Reason reason, String tenant, TenantState state, int held, int limit) {
    long typical = state != null && state.ewmaNanos > 0 ? state.ewmaNanos : ewmaNanos;
    long millis = Math.max(MIN_RETRY_MILLIS, Math.min(MAX_RETRY_MILLIS, typical / 1_000_000));
    return new Refusal(reason, tenant, held, limit, millis);
  }

  /** Under the lock. */
  private void enqueue(Ticket ticket) {
    TenantState state = ticket.tenant;
    if (state.queue.isEmpty()) {
      // A tenant that had nothing queued joins the round next in line, with one quantum of credit
      // and no debt: a tenant that calls now and then waits for one slot, not for a whole round.
      // Tenants queued all along keep their order and their balances.
      state.deficit = QUANTUM_NANOS;
      if (cursor > backlog.size()) {
        cursor = 0;
      }
      backlog.add(cursor, state);
    }
    state.queue.add(ticket);
  }

  /** Under the lock. */
  private void start(Ticket ticket) {
    ticket.phase = Phase.RUNNING;
    ticket.started = true;
    ticket.startedNanos = nanoTime.getAsLong();
    ticket.tenant.busy.merge(ticket.service, 1, Integer::sum);
    ticket.holdsSlot = true;
    ticket.holdsService = true;
    holders.add(ticket);
    running++;
  }

  /**
   * Takes the slot back from calls that have held it longer than the lease, and gives it to the
   * next calls. A call that runs long runs on, and its tenant is charged for all of its time when
   * it ends; the next call to its service may be dispatched and wait in the service's own queue.
   * So a reply that never comes (a service actor that stopped without answering) holds up its
   * service for the lease, not for the whole call timeout. Called every few milliseconds by the
   * gateway.
   */
  public void expireLeases() {
    List<Ticket> next;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      boolean expired = false;
      while (!holders.isEmpty() && now - holders.peek().startedNanos >= leaseNanos) {
        Ticket ticket = holders.poll();
        ticket.holdsSlot = false;
        running--;
        freeService(ticket);
        expired = true;
      }
      next = expired ? fillSlots() : List.of();
    }
    runAll(next);
  }

  private void release(Ticket ticket) {
    List<Ticket> next;
    synchronized (this) {
      if (ticket.phase == Phase.DONE) {
        return;
      }
      TenantState state = ticket.tenant;
      long now = nanoTime.getAsLong();
      if (ticket.phase == Phase.QUEUED) {
        state.queue.remove(ticket);
        if (state.queue.isEmpty()) {
          leaveBacklog(state);
        }
      } else {
        if (ticket.holdsSlot) {
          holders.remove(ticket);
          running--;
        }
        freeService(ticket);
        state.deficit -= now - ticket.startedNanos;
      }
      ticket.phase = Phase.DONE;
      long took = now - ticket.admittedNanos;
      state.ewmaNanos = state.ewmaNanos == 0 ? took : state.ewmaNanos + ((took - state.ewmaNanos) >> EWMA_SHIFT);
      ewmaNanos = ewmaNanos == 0 ? took : ewmaNanos + ((took - ewmaNanos) >> EWMA_SHIFT);
      state.inflight--;
      inflight--;
      if (state.inflight == 0) {
        tenants.remove(state.name);
      }
      next = fillSlots();
    }
    runAll(next);
  }

  private boolean cancel(Ticket ticket) {
    synchronized (this) {
      if (ticket.phase != Phase.QUEUED) {
        return false;
      }
    }
    release(ticket);
    return true;
  }

  /** Under the lock. */
  private static void freeService(Ticket ticket) {
    if (ticket.holdsService) {
      ticket.holdsService = false;
      ticket.tenant.busy.computeIfPresent(ticket.service, (service, count) -> count == 1 ? null : count - 1);
    }
  }

  /** Under the lock: {@return the queued calls that get the slots free now, already started} */
  private List<Ticket> fillSlots() {
    List<Ticket> next = List.of();
    while (running < settings.running()) {
      Ticket ticket = pickNext();
      if (ticket == null) {
        break;
      }
      start(ticket);
      if (next.isEmpty()) {
        next = new ArrayList<>(2);
      }
      next.add(ticket);
    }
    return next;
  }

  /**
   * Under the lock: the next tenant in round-robin order with credit and a call it can run (one
   * whose service has no call running) gives up its oldest such call; null if no tenant has one.
   * When no such tenant has credit, each is credited the fewest whole quanta that give one of them
   * credit, which keeps their differences: over time each tenant with calls to run gets the same
   * slot time.
   */
  private Ticket pickNext() {
    while (!backlog.isEmpty()) {
      long need = Long.MAX_VALUE;
      for (int i = 0; i < backlog.size(); i++) {
        if (cursor >= backlog.size()) {
          cursor = 0;
        }
        TenantState state = backlog.get(cursor);
        Ticket ticket = state.firstRunnable();
        if (ticket != null) {
          if (state.deficit > 0) {
            state.queue.remove(ticket);
            if (state.queue.isEmpty()) {
              leaveBacklog(state);
            } else {
              cursor++;
            }
            return ticket;
          }
          need = Math.min(need, 1 - state.deficit);
        }
        cursor++;
      }
      if (need == Long.MAX_VALUE) {
        return null;
      }
      long credit = ((need + QUANTUM_NANOS - 1) / QUANTUM_NANOS) * QUANTUM_NANOS;
      for (TenantState state : backlog) {
        if (state.firstRunnable() != null) {
          state.deficit += credit;
        }
      }
    }
    return null;
  }

  /** Under the lock. */
  private void leaveBacklog(TenantState state) {
    int index = backlog.indexOf(state);
    backlog.remove(index);
    if (index < cursor) {
      cursor--;
    }
  }

  /**
   * Runs dispatches. A dispatch can end its call at once and so start the next one: those wait
   * in a queue of this thread instead of nesting deeper on its stack.
   */
  private void runAll(List<Ticket> tickets) {
    if (tickets.isEmpty()) {
      return;
    }
    ArrayDeque<Ticket> pending = TRAMPOLINE.get();
    if (pending != null) {
      pending.addAll(tickets);
      return;
    }
    pending = new ArrayDeque<>(tickets);
    TRAMPOLINE.set(pending);
    try {
      for (Ticket ticket = pending.poll(); ticket != null; ticket = pending.poll()) {
        try {
          ticket.dispatch.accept(ticket);
        } catch (RuntimeException e) {
          LOG.error("a call of tenant {} failed to dispatch", ticket.tenant.name, e);
          ticket.release();
        }
      }
    } finally {
      TRAMPOLINE.remove();
    }
  }

  private enum Phase { QUEUED, RUNNING, DONE }

  /** One tenant with calls in flight. Guarded by the shedder's lock. */
  private static final class TenantState {
    final String name;
    final ArrayDeque<Ticket> queue = new ArrayDeque<>();
    /** Services of this tenant with a call running within its lease, and how many (one, or more after a lease ran out). */
    final Map<String, Integer> busy = new HashMap<>();
    int inflight;
    long deficit;
    long ewmaNanos;

    TenantState(String name) {
      this.name = name;
    }

    /** {@return the oldest queued call whose service has no call running, or null} */
    Ticket firstRunnable() {
      for (Ticket ticket : queue) {
        if (!busy.containsKey(ticket.service)) {
          return ticket;
        }
      }
      return null;
    }
  }

  /**
   * An admitted call: it holds one of its tenant's in-flight places until {@link #release()}.
   */
  public static final class Ticket implements Admission {
    private final LoadShedder shedder;
    private final TenantState tenant;
    private final String service;
    private final Consumer<Ticket> dispatch;
    private final long admittedNanos;
    // Guarded by the shedder's lock.
    private Phase phase = Phase.QUEUED;
    private boolean started;
    private boolean holdsSlot;
    private boolean holdsService;
    private long startedNanos;

    private Ticket(LoadShedder shedder, TenantState tenant, String service, Consumer<Ticket> dispatch, long admittedNanos) {
      this.shedder = shedder;
      this.tenant = tenant;
      this.service = service;
      this.dispatch = dispatch;
      this.admittedNanos = admittedNanos;
    }

    /** The call ended, whatever its outcome: frees its places. Calling it again does nothing. */
    public void release() {
      shedder.release(this);
    }

    /**
     * The caller went away. A call still queued is dropped and frees its place; a running call
     * keeps its slot until its outcome comes back, because its tenant code is still running.
     *
     * @return true if the call was dropped before it ran
     */
    public boolean cancel() {
      return shedder.cancel(this);
    }

    /** {@return nanoseconds the call waited in its tenant's queue before it ran, 0 if it has not run} */
    public long queuedNanos() {
      synchronized (shedder) {
        return started ? startedNanos - admittedNanos : 0;
      }
    }
  }
}
