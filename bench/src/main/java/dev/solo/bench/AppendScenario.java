package dev.solo.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.solo.eventstore.EventFeed;
import dev.solo.eventstore.EventStore;
import dev.solo.eventstore.EventStoreMetrics;
import dev.solo.proto.v1.Event;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Durable appends through the event store (group commit onto the LevelDB journal, {@code fsync =
 * on}) from many concurrent emitters, each waiting for its event to be durable before the next,
 * beside raw leveldbjni writes of events of the same size in synced batches of the size the event
 * store's batches had in the same run (measured from its batch-size histogram), on the same disk.
 */
final class AppendScenario implements Bench.Scenario {
  private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(30);

  private final Size size;

  /**
   * How long and how hard the scenario runs.
   *
   * @param emitters concurrent closed-loop emitters
   * @param warmup appends before the measured phase
   * @param phase how long each measured phase lasts
   */
  record Size(int emitters, Duration warmup, Duration phase) {
    /** The full run: about half a minute; {@code -Dsolo.bench.append.emitters=N} changes the emitters. */
    static Size full() {
      return new Size(Integer.getInteger("solo.bench.append.emitters", 256), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** A smoke run. */
    static Size tiny() {
      return new Size(8, Duration.ofMillis(300), Duration.ofMillis(500));
    }
  }

  AppendScenario(Size size) {
    this.size = size;
  }

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    // Both stores in one directory: the same disk, whatever it is (on a RAM disk fsync costs nothing).
    Path root = Files.createTempDirectory("solo-bench-append");
    try {
      Event sample = EventStore.draft("tenant-1", "custom.bench", "svc", Map.of("n", "1"), "tenant:tenant-1", 0);
      double[] store = appendThroughStore(root.resolve("store"), sample);
      double eventsPerSecond = store[0];
      int batch = Math.max(1, (int) Math.round(store[1]));
      double raw = rawWrites(root.resolve("raw").toFile(), batch, storedSize(sample));
      double ratio = eventsPerSecond / raw;
      out.printf("event store: %d emitters, %.0f durable events/s, mean group-commit batch %.1f events, mean batch write %.2f ms%n",
          size.emitters(), eventsPerSecond, store[1], store[2]);
      out.printf("raw leveldbjni, synced batches of %d events of %d bytes (baseline): %.0f events/s%n",
          batch, storedSize(sample), raw);
      out.printf("append ratio %.2f (target >= 0.3)%n", ratio);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("append_events_per_s", Latencies.round(eventsPerSecond, 0));
      figures.put("append_ratio", Latencies.round(ratio, 3));
      figures.put("append_raw_events_per_s", Latencies.round(raw, 0));
      figures.put("append_mean_batch", Latencies.round(store[1], 1));
      return figures;
    } finally {
      try (var files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** An event as the journal stores it: with id and times, about what a persistent repr adds. */
  private static int storedSize(Event sample) {
    return sample.toBuilder().setId(1_000_000).setTimeUnixMs(System.currentTimeMillis()).setMonotonicNs(System.nanoTime()).build().getSerializedSize() + 64;
  }

  /** {@return events per second, the mean batch size and the mean time of one batch write in ms} */
  private double[] appendThroughStore(Path data, Event draft) throws Exception {
    Config config = ConfigFactory.parseString(
            "pekko.persistence.journal.plugin = \"pekko.persistence.journal.leveldb\"\n"
                + "pekko.persistence.journal.leveldb { native = on, fsync = on }\n"
                + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n"
                + "pekko.loglevel = WARNING\n")
        .withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.persistence.journal.leveldb.dir", data.resolve("journal").toString(),
            "pekko.persistence.snapshot-store.local.dir", data.resolve("snapshots").toString())))
        .withFallback(ConfigFactory.load());
    PrometheusRegistry registry = new PrometheusRegistry();
    EventStoreMetrics.register(registry);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-append", config);
    try {
      EventFeed feed = new EventFeed(system);
      ActorRef<EventStore.Command> store = system.systemActorOf(EventStore.create(Clock.systemUTC(), feed), "events", Props.empty());
      feed.recovered().toCompletableFuture().get(30, TimeUnit.SECONDS);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicBoolean measuring = new AtomicBoolean();
      LongAdder appended = new LongAdder();
      LongAdder failed = new LongAdder();
      CountDownLatch stopped = new CountDownLatch(size.emitters());
      for (int i = 0; i < size.emitters(); i++) {
        emit(system, store, draft, running, measuring, appended, failed, stopped);
      }
      Thread.sleep(size.warmup().toMillis());
      double[] before = batches(registry);
      long start = System.nanoTime();
      measuring.set(true);
      Thread.sleep(size.phase().toMillis());
      measuring.set(false);
      long elapsed = System.nanoTime() - start;
      double[] after = batches(registry);
      running.set(false);
      stopped.await(60, TimeUnit.SECONDS);
      if (failed.sum() > 0) {
        throw new IllegalStateException(failed.sum() + " appends failed");
      }
      double writes = Math.max(1, after[1] - before[1]);
      return new double[] {appended.sum() / (elapsed / 1e9), (after[0] - before[0]) / writes,
          (after[2] - before[2]) * 1000 / writes};
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void emit(ActorSystem<Void> system, ActorRef<EventStore.Command> store, Event draft, AtomicBoolean running,
      AtomicBoolean measuring, LongAdder appended, LongAdder failed, CountDownLatch stopped) {
    EventStore.append(store, draft, APPEND_TIMEOUT).whenComplete((event, error) -> {
      if (error != null) {
        failed.increment();
      } else if (measuring.get()) {
        appended.increment();
      }
      if (running.get()) {
        emit(system, store, draft, running, measuring, appended, failed, stopped);
      } else {
        stopped.countDown();
      }
    });
  }

  /**
   * {@return the events and the journal writes so far, from the batch-size histogram, and the
   * seconds spent in writes, from the write-duration histogram}
   */
  private static double[] batches(PrometheusRegistry registry) {
    double[] figures = new double[3];
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof HistogramSnapshot histogram) {
        var point = histogram.getDataPoints().get(0);
        if (snapshot.getMetadata().getName().equals("solo_journal_batch_events")) {
          figures[0] = point.getSum();
          figures[1] = point.getCount();
        } else if (snapshot.getMetadata().getName().startsWith("solo_journal_write_duration")) {
          figures[2] = point.getSum();
        }
      }
    }
    return figures;
  }

  /** {@return events per second of synced batches of {@code batch} puts straight into LevelDB} */
  private double rawWrites(File dir, int batch, int eventBytes) throws Exception {
    byte[] value = new byte[eventBytes];
    java.util.Arrays.fill(value, (byte) 'x');
    Options options = new Options().createIfMissing(true);
    WriteOptions sync = new WriteOptions().sync(true);
    try (DB db = JniDBFactory.factory.open(dir, options)) {
      long key = 0;
      long deadline = System.nanoTime() + size.warmup().toNanos();
      while (System.nanoTime() < deadline) {
        key = writeBatch(db, sync, key, batch, value);
      }
      long written = 0;
      long start = System.nanoTime();
      deadline = start + size.phase().toNanos();
      while (System.nanoTime() < deadline) {
        key = writeBatch(db, sync, key, batch, value);
        written += batch;
      }
      return written / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static long writeBatch(DB db, WriteOptions sync, long key, int batch, byte[] value) throws Exception {
    try (WriteBatch writes = db.createWriteBatch()) {
      for (int i = 0; i < batch; i++) {
        writes.put(ByteBuffer.allocate(8).putLong(key++).array(), value);
      }
      db.write(writes, sync);
    }
    return key;
  }
}
