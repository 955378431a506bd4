package dev.solo.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.solo.proto.v1.Event;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {
  @TempDir Path data;
  private ActorTestKit kit;

  static Config leveldb(Path data) {
    return ConfigFactory.parseString(
            "pekko.persistence.journal.plugin = \"pekko.persistence.journal.leveldb\"\n"
                + "pekko.persistence.journal.leveldb { native = on, fsync = on }\n"
                + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n")
        .withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.persistence.journal.leveldb.dir", data.resolve("journal").toString(),
            "pekko.persistence.snapshot-store.local.dir", data.resolve("snapshots").toString())))
        .withFallback(ConfigFactory.load());
  }

  private record Running(ActorRef<EventStore.Command> store, EventFeed feed) {}

  private Running start() throws Exception {
    return start(leveldb(data));
  }

  private Running start(Config config) throws Exception {
    kit = ActorTestKit.create(config);
    EventFeed feed = new EventFeed(kit.system());
    ActorRef<EventStore.Command> store = kit.spawn(EventStore.create(Clock.systemUTC(), feed), "events");
    feed.recovered().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Running(store, feed);
  }

  @AfterEach
  void stop() {
    HeldJournal.hold = false;
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private CompletableFuture<Event> append(Running running, String tenant, String type) {
    return EventStore.append(running.store(), EventStore.draft(tenant, type, "s", Map.of(), "kernel", 0), Duration.ofSeconds(10))
        .toCompletableFuture();
  }

  private List<Event> query(Running running, EventFilter filter) throws Exception {
    return running.feed().query(filter).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentAppendsGetGapFreeIdsAndSurviveRestart() throws Exception {
    Running running = start();
    List<CompletableFuture<Event>> appends = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      appends.add(append(running, i % 2 == 0 ? "acme" : "globex", "custom.tick"));
    }
    CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    List<Long> ids = appends.stream().map(f -> f.join().getId()).sorted().toList();
    assertEquals(1L, ids.get(0));
    assertEquals(500L, ids.get(ids.size() - 1));
    assertEquals(500, ids.stream().distinct().count(), "every append gets its own id");

    kit.shutdownTestKit();
    running = start();
    List<Event> all = query(running, EventFilter.all().withLimit(EventFilter.MAX_LIMIT));
    assertEquals(500, all.size(), "every acknowledged event is back after a restart");
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).getId(), "ids are gap-free and in order");
    }
    assertEquals(501, append(running, "acme", "custom.after").get(10, TimeUnit.SECONDS).getId(),
        "ids continue after a restart");
  }

  @Test
  void theEventACallerGetsIsTheEventTheJournalGivesBack() throws Exception {
    Running running = start();
    Event draft = EventStore.draft("acme", "custom.rich", "svc", Map.of("a", "1", "b", "zwei", "c", ""), "tenant:acme", 7);
    Event stored = EventStore.append(running.store(), draft, Duration.ofSeconds(10)).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertEquals(draft, stored.toBuilder().clearId().clearTimeUnixMs().clearMonotonicNs().build(),
        "the caller gets its draft back, with id and times added");
    assertTrue(stored.getId() > 0 && stored.getTimeUnixMs() > 0 && stored.getMonotonicNs() != 0, stored.toString());

    kit.shutdownTestKit();
    running = start();
    assertEquals(List.of(stored), query(running, EventFilter.all()), "the journal reads back exactly that event");
  }

  @Test
  void anAppendNotDurableByItsDeadlineFailsWithATimeout() throws Exception {
    Running running = start(ConfigFactory.parseString(
        "pekko.persistence.journal.leveldb.class = \"" + HeldJournal.class.getName() + "\"").withFallback(leveldb(data)));
    assertEquals(1, append(running, "acme", "custom.before").get(10, TimeUnit.SECONDS).getId());
    HeldJournal.hold = true;
    Event draft = EventStore.draft("acme", "custom.held", "s", Map.of(), "kernel", 0);
    long start = System.nanoTime();
    CompletableFuture<Event> written = EventStore.append(running.store(), draft, Duration.ofMillis(300)).toCompletableFuture();
    CompletableFuture<Event> waiting = EventStore.append(running.store(), draft, Duration.ofMillis(300)).toCompletableFuture();
    for (CompletableFuture<Event> append : List.of(written, waiting)) {
      ExecutionException failure = assertThrows(ExecutionException.class, () -> append.get(10, TimeUnit.SECONDS));
      assertInstanceOf(TimeoutException.class, failure.getCause(), failure.toString());
    }
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < 300 + 5 * EventStore.SWEEP_INTERVAL.toMillis(), "failed soon after the deadline: " + tookMs + " ms");
  }

  @Test
  void queriesFilterByTenantTypeAndOrder() throws Exception {
    Running running = start();
    for (int i = 0; i < 10; i++) {
      append(running, i % 2 == 0 ? "acme" : "globex", i < 5 ? "a" : "b").get(10, TimeUnit.SECONDS);
    }
    List<Event> acme = query(running, EventFilter.all().withTenant("acme"));
    assertEquals(5, acme.size());
    assertTrue(acme.stream().allMatch(e -> e.getTenant().equals("acme")), "a tenant sees only its events");

    List<Event> typeB = query(running, EventFilter.all().withTypes(Set.of("b")).withAfterId(7));
    assertEquals(List.of(8L, 9L, 10L), typeB.stream().map(Event::getId).toList());

    EventFilter newest = new EventFilter("", Set.of(), "", 0, 3, true, 0, 0, 0, false);
    assertEquals(List.of(10L, 9L, 8L), query(running, newest).stream().map(Event::getId).toList());
  }

  @Test
  void followContinuesAfterHistoryWithNoGapAndNoDuplicate() throws Exception {
    Running running = start();
    for (int i = 0; i < 50; i++) {
      append(running, "acme", "custom.before");
    }
    List<Event> seen = new CopyOnWriteArrayList<>();
    // Appends race with the start of the follow: the hand-over must lose and repeat nothing.
    List<CompletableFuture<Event>> racing = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      racing.add(append(running, "acme", "custom.during"));
    }
    EventFeed.Subscription follow = running.feed().stream(EventFilter.all().withFollow(true), seen::add, failure -> {});
    for (int i = 0; i < 200; i++) {
      racing.add(append(running, "acme", "custom.after"));
    }
    CompletableFuture.allOf(racing.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.size() < 450 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    follow.close();
    follow.done().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(450, seen.size(), "the follower saw every event once");
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i + 1, seen.get(i).getId(), "in order, no gap, no duplicate");
    }
  }
}
