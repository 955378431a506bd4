package dev.solo.tenant;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.solo.api.Request;
import dev.solo.capability.vault.MasterKey;
import dev.solo.capability.vault.SecretVault;
import dev.solo.deploy.ArtifactStore;
import dev.solo.deploy.DeployLimits;
import dev.solo.deploy.DeployPipeline;
import dev.solo.eventstore.EventFeed;
import dev.solo.eventstore.EventStore;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantSupervisorTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /**
   * A service with a lambda, an anonymous inner class, a record and an enum switch (javac adds a
   * $SwitchMap class): all must unload with it.
   */
  private static final String SHAPES = """
      import dev.solo.api.*;
      import java.util.*;
      import java.util.function.*;
      public class Shapes implements Service {
        enum Axis { X, Y }
        record Point(int x, int y) {
          int on(Axis axis) {
            switch (axis) {
              case X: return x;
              default: return y;
            }
          }
        }
        private final Comparator<Point> byX = new Comparator<>() {
          public int compare(Point a, Point b) { return Integer.compare(a.on(Axis.X), b.on(Axis.X)); }
        };
        public Reply handle(Request request, Context ctx) {
          List<Point> points = new ArrayList<>(List.of(new Point(3, 1), new Point(1, 2)));
          points.sort(byX);
          Function<Point, String> show = p -> p.x() + ":" + p.on(Axis.Y);
          return Reply.ok(show.apply(points.get(0)));
        }
      }
      """;

  @TempDir Path data;
  private ActorTestKit kit;
  private KvStore kv;
  private DeployPipeline pipeline;
  private final TenantThreads tenantCode = new TenantThreads(TenantThreads.Settings.defaults());
  private final ExecutorService deploys = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() throws Exception {
    shutdown();
    tenantCode.close();
    deploys.shutdownNow();
  }

  private void shutdown() throws Exception {
    if (kit != null) {
      kit.shutdownTestKit();
      kit = null;
    }
    if (kv != null) {
      kv.close();
      kv = null;
    }
    if (pipeline != null) {
      pipeline.close();
      pipeline = null;
    }
  }

  private record Running(ActorRef<TenantsSupervisor.Command> tenants, Registry.Directory services, EventFeed feed) {}

  private Running start(TenantRuntime.LoaderObserver loaders) throws Exception {
    Config config = ConfigFactory.parseString(
            "pekko.persistence.journal.plugin = \"pekko.persistence.journal.leveldb\"\n"
                + "pekko.persistence.journal.leveldb { native = on, fsync = on }\n"
                + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n")
        .withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.persistence.journal.leveldb.dir", data.resolve("journal").toString(),
            "pekko.persistence.snapshot-store.local.dir", data.resolve("snapshots").toString())))
        .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create(config);
    kv = KvStore.open(data.resolve("kv"));
    EventFeed feed = new EventFeed(kit.system());
    ActorRef<EventStore.Command> events = kit.spawn(EventStore.create(Clock.systemUTC(), feed), "events");
    feed.recovered().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Registry.Directory services = new Registry.Directory();
    ActorRef<Registry.Command> registry = kit.spawn(Registry.create(services), "registry");
    ArtifactStore artifacts = new ArtifactStore(data.resolve("artifacts"));
    ActorRef<SecretVault.Command> secrets =
        kit.spawn(SecretVault.create(MasterKey.loadOrCreate(data.resolve("master.key")), Clock.systemUTC()), "secrets");
    pipeline = new DeployPipeline(artifacts, DeployLimits.defaults());
    TenantRuntime runtime = new TenantRuntime(pipeline, artifacts, kv, events,
        registry, services, secrets, tenantCode, deploys, Clock.systemUTC(), TenantRuntime.Limits.defaults(), Map.of(), loaders, new Quarantine(), new Quotas());
    ActorRef<TenantsSupervisor.Command> tenants = kit.spawn(TenantsSupervisor.create(runtime), "tenants");
    ask(tenants, TenantsSupervisor.AwaitReady::new);
    return new Running(tenants, services, feed);
  }

  private <Q, T> T ask(ActorRef<Q> target, org.apache.pekko.japi.function.Function<ActorRef<T>, Q> message) throws Exception {
    return AskPattern.ask(target, message, TIMEOUT, kit.scheduler()).toCompletableFuture().get();
  }

  private ActorRef<TenantSupervisor.Command> tenant(Running running, String name) throws Exception {
    ask(running.tenants(), (ActorRef<TenantsSupervisor.Created> replyTo) -> new TenantsSupervisor.CreateTenant(name, "admin", replyTo));
    Optional<ActorRef<TenantSupervisor.Command>> ref =
        ask(running.tenants(), (ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo) -> new TenantsSupervisor.GetTenant(name, replyTo));
    return ref.orElseThrow();
  }

  private DeployOutcome deploy(ActorRef<TenantSupervisor.Command> tenant, String service, String file, String source) throws Exception {
    return ask(tenant, (ActorRef<DeployOutcome> replyTo)
        -> new TenantSupervisor.Deploy(service, Map.of(file, source), List.of(), "tenant:test", "", replyTo));
  }

  private CallOutcome call(Running running, String tenant, String service, String method, String body) throws Exception {
    Optional<ActorRef<ServiceActor.Command>> ref = running.services().lookup(ServiceKey.of(tenant, service));
    if (ref.isEmpty()) {
      return CallOutcome.failed(CallOutcome.Failure.NOT_FOUND, "no service");
    }
    return ask(ref.get(), (ActorRef<CallOutcome> replyTo)
        -> new ServiceActor.Call(Request.of(method, body), Instant.now().plusSeconds(30), replyTo));
  }

  private static String text(CallOutcome outcome) {
    return assertInstanceOf(CallOutcome.Replied.class, outcome, () -> outcome.toString()).reply().text();
  }

  @Test
  void killedServiceVersionsClassLoaderIsCollected() throws Exception {
    AtomicReference<WeakReference<ClassLoader>> loader = new AtomicReference<>();
    Running running = start((key, version, defined) -> loader.set(new WeakReference<>(defined)));
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "shapes", "Shapes.java", SHAPES));
    assertEquals("1:2", text(call(running, "acme", "shapes", "any", "")));
    assertInstanceOf(DeployOutcome.Killed.class,
        ask(acme, (ActorRef<DeployOutcome> replyTo) -> new TenantSupervisor.Kill("shapes", "tenant:test", "", replyTo)));
    assertEquals(CallOutcome.Failure.NOT_FOUND, ((CallOutcome.Failed) call(running, "acme", "shapes", "any", "")).failure());

    WeakReference<ClassLoader> ref = loader.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (ref.get() != null && System.nanoTime() < deadline) {
      System.gc();
      byte[] pressure = new byte[1 << 20];
      assertEquals(1 << 20, pressure.length);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertNull(ref.get(), "the killed version's class loader is unreachable and collected");
  }

  @Test
  void swappedOutVersionsClassLoaderIsCollectedOnceTheSwapIsCommitted() throws Exception {
    Map<Integer, WeakReference<ClassLoader>> loaders = new java.util.concurrent.ConcurrentHashMap<>();
    Running running = start((key, version, defined) -> loaders.put(version, new WeakReference<>(defined)));
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "shapes", "Shapes.java", SHAPES));
    assertEquals("1:2", text(call(running, "acme", "shapes", "any", "")));
    DeployOutcome swapped = ask(acme, (ActorRef<DeployOutcome> replyTo) -> new TenantSupervisor.Swap("shapes",
        Map.of("Shapes.java", SHAPES.replace("class Shapes", "class Shapes /* v2 */")), java.time.Duration.ZERO, "tenant:test", "",
        replyTo));
    assertEquals(2, assertInstanceOf(DeployOutcome.Swapped.class, swapped).version());
    assertEquals("1:2", text(call(running, "acme", "shapes", "any", "")), "version 2 answers");

    WeakReference<ClassLoader> first = loaders.get(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (first.get() != null && System.nanoTime() < deadline) {
      System.gc();
      byte[] pressure = new byte[1 << 20];
      assertEquals(1 << 20, pressure.length);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertNull(first.get(), "the swapped-out version's class loader is unreachable and collected");
    assertTrue(loaders.get(2).get() != null, "the live version's loader stays");
  }

  @Test
  void servicesComeBackAfterRestartWithKvAndKilledOnesStayKilled() throws Exception {
    Running running = start(TenantRuntime.LoaderObserver.NONE);
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    String counter = java.nio.file.Files.readString(Path.of("..", "examples", "counter", "Counter.java"));
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "counter", "Counter.java", counter));
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "gone", "Counter.java", counter));
    assertEquals("4", text(call(running, "acme", "counter", "increment", "4")));
    ask(acme, (ActorRef<DeployOutcome> replyTo) -> new TenantSupervisor.Kill("gone", "tenant:test", "", replyTo));

    shutdown();
    running = start(TenantRuntime.LoaderObserver.NONE);
    assertEquals("4", text(call(running, "acme", "counter", "get", "")), "kv data survives a restart");
    assertEquals(CallOutcome.Failure.NOT_FOUND, ((CallOutcome.Failed) call(running, "acme", "gone", "get", "")).failure());
    ActorRef<TenantSupervisor.Command> again = ask(running.tenants(),
        (ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo) -> new TenantsSupervisor.GetTenant("acme", replyTo)).orElseThrow();
    List<TenantSupervisor.ServiceView> services = ask(again, TenantSupervisor.ListServices::new);
    assertEquals(List.of("counter"), services.stream().map(TenantSupervisor.ServiceView::name).toList());
    DeployOutcome redeploy = deploy(again, "gone", "Counter.java", counter);
    assertEquals(2, assertInstanceOf(DeployOutcome.Deployed.class, redeploy).version(), "versions keep counting after a kill");
  }

  @Test
  void gracefulStopSnapshotsInMemoryStateForTheNextStart() throws Exception {
    Running running = start(TenantRuntime.LoaderObserver.NONE);
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    String tally = java.nio.file.Files.readString(Path.of("..", "examples", "tally", "Tally.java"));
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "tally", "Tally.java", tally));
    assertEquals("5", text(call(running, "acme", "tally", "increment", "5")));
    Done done = ask(running.tenants(), (ActorRef<Done> replyTo) -> new TenantsSupervisor.StopAll("test", replyTo));
    assertEquals(Done.getInstance(), done);

    shutdown();
    running = start(TenantRuntime.LoaderObserver.NONE);
    assertEquals("5", text(call(running, "acme", "tally", "get", "")));
  }

  @Test
  void serviceThatThrowsGivesAServiceErrorNamingTheException() throws Exception {
    Running running = start(TenantRuntime.LoaderObserver.NONE);
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    String thrower = """
        import dev.solo.api.*;
        public class Thrower implements Service {
          public Reply handle(Request request, Context ctx) { throw new IllegalStateException("broken on purpose"); }
        }
        """;
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "thrower", "Thrower.java", thrower));
    CallOutcome.Failed failed = assertInstanceOf(CallOutcome.Failed.class, call(running, "acme", "thrower", "x", ""));
    assertEquals(CallOutcome.Failure.SERVICE_ERROR, failed.failure());
    assertEquals("handle() threw java.lang.IllegalStateException: broken on purpose", failed.reason());
  }

  @Test
  void servicesCallEachOtherWithinTheirTenantAndEmitEvents() throws Exception {
    Running running = start(TenantRuntime.LoaderObserver.NONE);
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    ActorRef<TenantSupervisor.Command> globex = tenant(running, "globex");
    String counter = java.nio.file.Files.readString(Path.of("..", "examples", "counter", "Counter.java"));
    String front = """
        import dev.solo.api.*;
        import java.util.Map;
        public class Front implements Service {
          public Reply handle(Request request, Context ctx) {
            switch (request.method()) {
              case "relay": {
                Reply inner = ctx.call("counter", Request.of("increment", request.text()));
                ctx.emit("relayed", Map.of("total", inner.text()));
                return Reply.ok("counter says " + inner.text());
              }
              case "self":
                try { ctx.call("front", Request.of("x", "")); return Reply.ok("reached"); }
                catch (IllegalArgumentException e) { return Reply.status(409, e.getMessage()); }
              case "other":
                try { ctx.call("other", Request.of("get", "")); return Reply.ok("reached"); }
                catch (IllegalStateException e) { return Reply.status(404, e.getMessage()); }
              default:
                try { ctx.publish("topic", new byte[0]); return Reply.ok("published"); }
                catch (UnsupportedOperationException e) { return Reply.status(501, e.getMessage()); }
            }
          }
        }
        """;
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "counter", "Counter.java", counter));
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "front", "Front.java", front));
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(globex, "other", "Counter.java", counter));

    assertEquals("counter says 3", text(call(running, "acme", "front", "relay", "3")));
    assertEquals("3", text(call(running, "acme", "counter", "get", "")), "the nested call really reached acme's counter");

    CallOutcome.Replied self = (CallOutcome.Replied) call(running, "acme", "front", "self", "");
    assertEquals(409, self.reply().status());
    assertEquals("a service cannot call itself: it handles one request at a time", self.reply().text());

    CallOutcome.Replied other = (CallOutcome.Replied) call(running, "acme", "front", "other", "");
    assertEquals(404, other.reply().status(), "globex's service is invisible to acme's code");
    assertEquals("call to other failed: NOT_FOUND: no service other", other.reply().text());

    CallOutcome.Replied publish = (CallOutcome.Replied) call(running, "acme", "front", "publish", "");
    assertEquals(501, publish.reply().status());
    assertEquals("publish is not available yet in this version of Solo", publish.reply().text());

    List<dev.solo.proto.v1.Event> emitted = running.feed()
        .query(dev.solo.eventstore.EventFilter.all().withTypes(java.util.Set.of("custom.relayed")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, emitted.size());
    assertEquals("acme", emitted.get(0).getTenant());
    assertEquals("service:acme/front", emitted.get(0).getPrincipal());
    assertEquals("3", emitted.get(0).getAttributesMap().get("total"));
  }

  @Test
  void lifecycleHooksThatNeverReturnAreStoppedByTheirBudget() throws Exception {
    Running running = start(TenantRuntime.LoaderObserver.NONE);
    ActorRef<TenantSupervisor.Command> acme = tenant(running, "acme");
    // snapshot() and stop() loop: a graceful stop must still finish, within their budgets.
    String stubborn = """
        import dev.solo.api.*;
        public class Stubborn implements Service {
          public Reply handle(Request request, Context ctx) { return Reply.ok("alive"); }
          public byte[] snapshot() { while (true) { } }
          public void stop(String reason) { while (true) { } }
        }
        """;
    // restore() loops: after a graceful stop has saved a state, the next start fails on budget.
    String restless = """
        import dev.solo.api.*;
        public class Restless implements Service {
          public Reply handle(Request request, Context ctx) { return Reply.ok("alive"); }
          public byte[] snapshot() { return new byte[] {1}; }
          public void restore(byte[] state) { while (true) { } }
        }
        """;
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "stubborn", "Stubborn.java", stubborn));
    assertInstanceOf(DeployOutcome.Deployed.class, deploy(acme, "restless", "Restless.java", restless));

    long start = System.nanoTime();
    ask(running.tenants(), (ActorRef<Done> replyTo) -> new TenantsSupervisor.StopAll("test", replyTo));
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // snapshot() and stop() each run out their own budget: about 2 s of CPU on an idle machine,
    // and on a busy one never more than their two 5 s wall budgets and the grace period.
    assertTrue(stopMs < 12_000, "a graceful stop took " + stopMs + " ms");

    shutdown();
    running = start(TenantRuntime.LoaderObserver.NONE);
    assertEquals("alive", text(call(running, "acme", "stubborn", "get", "")), "a failed snapshot saves nothing");
    CallOutcome.Failed down = assertInstanceOf(CallOutcome.Failed.class, call(running, "acme", "restless", "get", ""));
    assertEquals(CallOutcome.Failure.UNAVAILABLE, down.failure());
    // The CPU budget trips first on an idle machine; on a busy one the loop may get less than 1 s
    // of CPU in the 5 s wall budget. Either way the budget stopped it.
    assertTrue(down.reason().matches("service restless is down: stopped by its (cpu budget: cpu budget of 1000 ms"
        + "|wall budget: wall budget of 5000 ms) exceeded"), down.reason());
  }
}
