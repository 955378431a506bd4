package dev.solo.mcp;

import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.MethodInfo;
import dev.solo.client.ServiceDescription;
import dev.solo.client.ServiceInfo;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools of the tenant's live services, kept current: it follows the tenant's event log, and
 * when a service is deployed, swapped, rolled back, restarted or killed (by this server or by
 * anyone else) it describes the services again and changes the tool list to match, sending one
 * {@code tools/list_changed}. Refreshes are debounced: a burst of events is one refresh.
 */
final class LiveTools implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveTools.class);
  /** The events after which a service's tools may differ. */
  static final List<String> CHANGES = List.of("service_deployed", "service_killed", "service_started", "service_crashed",
      "hot_swap_succeeded", "hot_swap_rolled_back", "service_quarantined", "service_released");
  private static final Duration POLL_WITHOUT_EVENTS = Duration.ofSeconds(10);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final SoloClient client;
  private final ToolListNotices notices;
  private final ScheduledExecutorService timers;
  private final Duration debounce;
  /** Tool name to the tool as installed; guarded by {@code this}. */
  private final Map<String, Target> installed = new TreeMap<>();
  private McpSyncServer server;
  private ScheduledFuture<?> pending;
  private volatile boolean closed;
  private volatile EventStream following;
  private Thread follower;

  /** A tool and the method it calls. */
  private record Target(String service, String method, SyncToolSpecification spec) {}

  LiveTools(SoloClient client, ToolListNotices notices, ScheduledExecutorService timers, Duration debounce) {
    this.client = client;
    this.notices = notices;
    this.timers = timers;
    this.debounce = debounce;
  }

  /**
   * {@return the tools of the services as they are now, to build the server with} If the server
   * cannot be asked yet, none: the follower adds them once it can.
   */
  synchronized List<SyncToolSpecification> prepare() {
    try {
      installed.putAll(desired());
    } catch (SoloException e) {
      LOG.warn("the services' tools are not listed yet: {}", e.getMessage());
    }
    return installed.values().stream().map(Target::spec).toList();
  }

  /** Starts following the event log; from now on, changes reach {@code server}'s tool list. */
  void start(McpSyncServer server) {
    synchronized (this) {
      this.server = server;
    }
    follower = new Thread(this::follow, "solo-mcp-follower");
    follower.setDaemon(true);
    follower.start();
  }

  /** {@return the names of the tools of one service, sorted} */
  synchronized List<String> toolsOf(String service) {
    List<String> names = new ArrayList<>();
    installed.forEach((name, target) -> {
      if (target.service().equals(service)) {
        names.add(name);
      }
    });
    return List.copyOf(names);
  }

  /**
   * Describes the services now and changes the tool list to match, sending at most one {@code
   * tools/list_changed}; {@return whether the list changed}
   *
   * @throws SoloException if the services could not be listed; the tools stay as they were
   */
  synchronized boolean refresh() {
    Map<String, Target> desired = desired();
    if (server == null || closed) {
      return false;
    }
    boolean changed = false;
    notices.begin();
    try {
      for (String name : List.copyOf(installed.keySet())) {
        if (!desired.containsKey(name)) {
          server.removeTool(name);
          installed.remove(name);
          changed = true;
        }
      }
      for (Map.Entry<String, Target> tool : desired.entrySet()) {
        Target now = installed.get(tool.getKey());
        if (now == null || !now.spec().tool().equals(tool.getValue().spec().tool())) {
          if (add(tool.getValue().spec())) {
            installed.put(tool.getKey(), tool.getValue());
            changed = true;
          }
        }
      }
    } finally {
      notices.end();
    }
    return changed;
  }

  /** Refreshes soon, once for a burst of requests. */
  synchronized void refreshSoon() {
    if (closed || (pending != null && !pending.isDone())) {
      return;
    }
    pending = timers.schedule(this::refreshQuietly, debounce.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (SoloException e) {
      LOG.warn("could not refresh the services' tools: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("could not refresh the services' tools", e);
    }
  }

  private boolean add(SyncToolSpecification spec) {
    try {
      server.addTool(spec);
      return true;
    } catch (RuntimeException e) {
      LOG.warn("tool {} is left out: {}", spec.tool().name(), e.getMessage());
      return false;
    }
  }

  /** {@return the tools the services describe now, by name} */
  private Map<String, Target> desired() {
    Map<String, Target> tools = new TreeMap<>();
    List<ServiceInfo> services = new ArrayList<>(client.listServices());
    services.sort(Comparator.comparing(ServiceInfo::name));
    for (ServiceInfo service : services) {
      ServiceDescription description;
      try {
        description = client.describe(service.name());
      } catch (SoloException e) {
        if (e.code() == Status.Code.NOT_FOUND) {
          continue; // killed since it was listed
        }
        throw e;
      }
      for (MethodInfo method : description.methods()) {
        String name = DynamicTools.name(service.name(), method.name());
        if (tools.containsKey(name)) {
          name = DynamicTools.hashed(service.name(), method.name());
        }
        Optional<SyncToolSpecification> spec =
            DynamicTools.spec(name, service.name(), description.version(), method, client);
        String toolName = name;
        spec.ifPresent(tool -> tools.put(toolName, new Target(service.name(), method.name(), tool)));
      }
    }
    return tools;
  }

  /** The follower thread: the tenant's changes, live, from the newest event on. */
  private void follow() {
    long after = -1;
    int failures = 0;
    while (!closed) {
      try {
        if (after < 0) {
          after = newestEventId();
          refreshQuietly(); // what changed before the newest event is not replayed
        }
        try (EventStream stream = client.events(EventQuery.of().withTypes(CHANGES).withAfterId(after).withFollow(true))) {
          following = stream;
          if (closed) {
            return;
          }
          if (failures > 0) {
            refreshSoon();
          }
          while (stream.hasNext()) {
            Event event = stream.next();
            after = event.id();
            failures = 0;
            refreshSoon();
          }
        }
      } catch (SoloException e) {
        if (closed) {
          return;
        }
        if (e.code() == Status.Code.PERMISSION_DENIED) {
          LOG.warn("cannot follow the event log ({}); the services' tools refresh every {} s instead",
              e.reason(), POLL_WITHOUT_EVENTS.toSeconds());
          timers.scheduleWithFixedDelay(this::refreshQuietly, POLL_WITHOUT_EVENTS.toMillis(), POLL_WITHOUT_EVENTS.toMillis(),
              TimeUnit.MILLISECONDS);
          return;
        }
        failures++;
        LOG.warn("following the event log failed ({}); trying again", e.getMessage());
      } catch (RuntimeException e) {
        failures++;
        LOG.error("following the event log failed; trying again", e);
      }
      if (!pause(failures)) {
        return;
      }
    }
  }

  private long newestEventId() {
    try (EventStream newest = client.events(EventQuery.of().withNewestFirst(true).withLimit(1))) {
      return newest.hasNext() ? newest.next().id() : 0;
    }
  }

  /** Waits before following again: 200 ms, doubling, at most 10 s. {@return false if closed meanwhile} */
  private boolean pause(int failures) {
    long millis = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 10));
    try {
      Thread.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    EventStream stream = following;
    if (stream != null) {
      stream.close();
    }
    if (follower != null) {
      follower.interrupt();
    }
  }
}
