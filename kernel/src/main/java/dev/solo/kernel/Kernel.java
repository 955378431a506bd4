package dev.solo.kernel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.solo.capability.CapabilityManager;
import dev.solo.capability.IssuedToken;
import dev.solo.capability.Permission;
import dev.solo.capability.TokenInfo;
import dev.solo.capability.pki.CertificateAuthority;
import dev.solo.capability.pki.IssuedCertificate;
import dev.solo.capability.pki.ServerCertificate;
import dev.solo.capability.vault.MasterKey;
import dev.solo.capability.vault.SecretVault;
import dev.solo.client.Credentials;
import dev.solo.deploy.ArtifactStore;
import dev.solo.deploy.DeployLimits;
import dev.solo.deploy.DeployPipeline;
import dev.solo.eventstore.EventStore;
import dev.solo.gateway.GatewayDependencies;
import dev.solo.gateway.GrpcGateway;
import dev.solo.gateway.LoadShedder;
import dev.solo.proto.v1.Event;
import dev.solo.tenant.KvStore;
import dev.solo.tenant.TenantRuntime;
import dev.solo.tenant.Quarantine;
import dev.solo.tenant.Quotas;
import dev.solo.tenant.TenantThreads;
import dev.solo.tenant.TenantsSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots and runs a Solo server. Boot order (DESIGN.md §2): the event store and the capability
 * manager recover first, then every tenant recovers and restarts its services, and only then
 * does the gateway accept calls. Shutdown, on SIGTERM or {@code Admin.Shutdown}: the gateway
 * stops taking calls and drains, every service is stopped and snapshotted, the journal closes.
 */
public final class Kernel {
  private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private final KernelSettings settings;
  private final Clock clock = Clock.systemUTC();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile String stopReason = "shutdown";

  private Kernel(KernelSettings settings) {
    this.settings = settings;
  }

  /**
   * Runs a server until it is shut down (SIGTERM or {@code Admin.Shutdown}). Prints a line
   * containing {@code ready} on standard output once it accepts calls.
   *
   * @return the process exit code: 0 after a graceful shutdown
   */
  public static int run(KernelOptions options) {
    if (options.logJson()) {
      try {
        LogFormat.useJson();
      } catch (IllegalStateException e) {
        System.err.println("solo: " + e.getMessage());
        return 2;
      }
    }
    KernelSettings settings;
    try {
      settings = KernelSettings.load(options);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("solo: bad configuration: " + e.getMessage());
      return 2;
    }
    try (DataDirectory data = DataDirectory.lock(settings.dataDir())) {
      return new Kernel(settings).serve(data);
    } catch (DataDirectory.InUseException e) {
      System.err.println("solo: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      LOG.error("the server failed", e);
      System.err.println("solo: the server failed: " + e);
      return 1;
    }
  }

  private int serve(DataDirectory data) throws Exception {
    long serveStart = System.nanoTime();
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(data.pki());
    ServerCertificate serverCertificate = ca.ensureServerCertificate();
    MasterKey masterKey = MasterKey.loadOrCreate(data.pki().resolve("master.key"));
    ActorSystem<SoloGuardian.Command> system =
        ActorSystem.create(SoloGuardian.create(clock, masterKey), "solo", pekkoConfig(data));
    KvStore kv = null;
    TenantThreads tenantThreads = null;
    DeployPipeline pipeline = null;
    MetricsEndpoint metrics = null;
    try {
      SystemSupervisor.SystemRefs refs = ask(system, SoloGuardian.GetSystem::new, system);
      refs.feed().recovered().toCompletableFuture().get(settings.bootTimeout().toMillis(), TimeUnit.MILLISECONDS);
      // A command is answered only after recovery: this waits until the tokens are back.
      ask(refs.capabilities(), (ActorRef<List<TokenInfo>> replyTo) -> new CapabilityManager.ListTokens("", replyTo), system);
      ask(refs.secrets(), (ActorRef<List<String>> replyTo) -> new SecretVault.ListNames("", replyTo), system);

      long systemRecovered = System.nanoTime();
      kv = KvStore.open(data.kv());
      tenantThreads = new TenantThreads(settings.tenantThreads());
      ArtifactStore artifacts = new ArtifactStore(data.artifacts());
      Quarantine quarantine = new Quarantine();
      pipeline = new DeployPipeline(artifacts, DeployLimits.defaults());
      TenantRuntime runtime = new TenantRuntime(
          pipeline,
          artifacts,
          kv,
          refs.events(),
          refs.registry(),
          refs.services(),
          refs.secrets(),
          tenantThreads,
          system.dispatchers().lookup(DispatcherSelector.fromConfig("solo.deploy-dispatcher")),
          clock,
          settings.limits(),
          settings.tenantLimits(),
          TenantRuntime.LoaderObserver.NONE,
          quarantine,
          new Quotas());
      ActorRef<TenantsSupervisor.Command> tenants =
          ask(system, (ActorRef<ActorRef<TenantsSupervisor.Command>> replyTo) -> new SoloGuardian.StartTenants(runtime, replyTo), system);
      AskPattern.<TenantsSupervisor.Command, Done>ask(tenants, TenantsSupervisor.AwaitReady::new, settings.bootTimeout(), system.scheduler())
          .toCompletableFuture().get();
      long tenantsRecovered = System.nanoTime();

      GatewayDependencies deps = new GatewayDependencies(system, tenants, refs.services(), refs.events(), refs.feed(),
          refs.capabilities(), refs.tokens(), refs.secrets(), ca, clock, runtime::limitsOf, settings.clientCertificateLifetime(),
          quarantine, () -> requestStop("admin shutdown"),
          new LoadShedder(settings.shedding(), tenant -> runtime.limitsOf(tenant).maxInflight()));
      GrpcGateway gateway = GrpcGateway.start(settings.bind(), settings.port(),
          new GrpcGateway.Tls(serverCertificate, ca.caCertificateFile()),
          deps);
      String address = "localhost:" + gateway.port();
      writeAdminCredentials(data, ca, refs.capabilities(), address, system);
      audit(refs.events(), "kernel_started", Map.of("address", address));
      Runtime.getRuntime().addShutdownHook(new Thread(this::onSigterm, "solo-sigterm"));
      if (settings.metricsPort() != 0) {
        metrics = startMetrics(deps.shedder(), tenantThreads);
      }
      long uptimeMs = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
      LOG.info("ready {} ms after the JVM started: JVM and settings {} ms, PKI and the system actors (event log, tokens,"
              + " secrets) {} ms, tenants and their services {} ms, gateway {} ms",
          uptimeMs, uptimeMs - (System.nanoTime() - serveStart) / 1_000_000,
          (systemRecovered - serveStart) / 1_000_000, (tenantsRecovered - systemRecovered) / 1_000_000,
          (System.nanoTime() - tenantsRecovered) / 1_000_000);
      System.out.println("solo server ready on " + address + " (data " + data.root() + ", admin credentials "
          + data.adminCredentials() + ")");
      System.out.flush();

      stopRequested.await();
      LOG.info("stopping: {}; draining {} calls in flight (at most {} ms)", stopReason, deps.shedder().inflight(),
          settings.drainTimeout().toMillis());
      GrpcGateway.Drain drain = gateway.drain(settings.drainTimeout());
      if (drain.cut() > 0) {
        LOG.warn("drained {} calls in {} ms; {} still in flight after {} ms were cut", drain.inflight() - drain.cut(),
            drain.took().toMillis(), drain.cut(), settings.drainTimeout().toMillis());
      } else {
        LOG.info("drained {} calls in {} ms", drain.inflight(), drain.took().toMillis());
      }
      audit(refs.events(), "kernel_stopping", Map.of("reason", stopReason, "inflight", Integer.toString(drain.inflight()),
          "cut", Integer.toString(drain.cut()), "drain_ms", Long.toString(drain.took().toMillis())));
      AskPattern.<TenantsSupervisor.Command, Done>ask(tenants,
              replyTo -> new TenantsSupervisor.StopAll(stopReason, replyTo), Duration.ofSeconds(60), system.scheduler())
          .toCompletableFuture().get();
      return 0;
    } finally {
      if (metrics != null) {
        metrics.close();
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (tenantThreads != null) {
        tenantThreads.close();
      }
      if (pipeline != null) {
        pipeline.close(); // ends the compile workers
      }
      if (kv != null) {
        kv.close();
      }
      LOG.info("stopped");
      stopped.countDown();
    }
  }

  private MetricsEndpoint startMetrics(LoadShedder shedder, TenantThreads threads) {
    try {
      MetricsEndpoint endpoint = MetricsEndpoint.start(settings.metricsBind(), settings.metricsPort(), shedder, threads);
      LOG.info("metrics on http://{}:{}/metrics", settings.metricsBind(), endpoint.port());
      return endpoint;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serve metrics on " + settings.metricsBind() + ":" + settings.metricsPort() + ": " + e, e);
    }
  }

  private void requestStop(String reason) {
    if (stopping.compareAndSet(false, true)) {
      stopReason = reason;
      stopRequested.countDown();
    }
  }

  /** SIGTERM: run the graceful shutdown and keep the JVM alive until it is done. */
  private void onSigterm() {
    requestStop("SIGTERM");
    try {
      if (!stopped.await(90, TimeUnit.SECONDS)) {
        LOG.error("graceful shutdown did not finish in 90 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * On first start, issues the admin's token and certificate and writes them to
   * {@code admin.creds}; later, only keeps its server address current.
   */
  private void writeAdminCredentials(
      DataDirectory data, CertificateAuthority ca, ActorRef<CapabilityManager.Command> capabilities, String address,
      ActorSystem<?> system) throws Exception {
    Path file = data.adminCredentials();
    if (Files.exists(file)) {
      Credentials existing = Credentials.read(file);
      if (!existing.server().equals(address)) {
        existing.withServer(address).write(file);
      }
      return;
    }
    StatusReply<IssuedToken> issued = ask(capabilities, (ActorRef<StatusReply<IssuedToken>> replyTo)
        -> new CapabilityManager.Issue("", java.util.Set.of(Permission.ADMIN), Optional.empty(), "", replyTo), system);
    IssuedToken token = issued.getValue();
    IssuedCertificate certificate = ca.issueClient("admin", settings.clientCertificateLifetime());
    new Credentials(address, "", ca.caPem(), certificate.certPem(), certificate.keyPem(), token.token(), token.grant().tokenId())
        .write(file);
    LOG.info("wrote the admin credentials to {}", file);
  }

  private static void audit(ActorRef<EventStore.Command> events, String type, Map<String, String> attributes)
      throws Exception {
    Event draft = EventStore.draft("", type, "kernel", attributes, "kernel", 0);
    EventStore.append(events, draft, ASK_TIMEOUT).toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <Q, T> T ask(RecipientRef<Q> target, Function<ActorRef<T>, Q> message, ActorSystem<?> system) throws Exception {
    CompletionStage<T> reply = AskPattern.ask(target, message, ASK_TIMEOUT, system.scheduler());
    return reply.toCompletableFuture().get();
  }

  private Config pekkoConfig(DataDirectory data) {
    return ConfigFactory.empty()
        .withValue("pekko.persistence.journal.leveldb.dir", ConfigValueFactory.fromAnyRef(data.journal().toString()))
        .withValue("pekko.persistence.snapshot-store.local.dir", ConfigValueFactory.fromAnyRef(data.snapshots().toString()))
        .withFallback(settings.config());
  }

}
