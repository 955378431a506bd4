package dev.solo.mcp;

import dev.solo.client.SoloClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MCP server over a {@link SoloClient}: it acts as the client's principal and nothing more.
 * {@link #stdio} serves one client on a pair of streams (an agent that starts {@code solo mcp}
 * as a child process); {@link #http} serves streamable HTTP on 127.0.0.1 only. The client stays
 * the caller's: closing the server does not close it.
 *
 * <pre>{@code
 * try (SoloClient client = SoloClient.connect(credentials);
 *     SoloMcpServer mcp = SoloMcpServer.stdio(client, System.in, System.out)) {
 *   mcp.awaitTermination(); // until the agent closes stdin
 * }
 * }</pre>
 */
public final class SoloMcpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SoloMcpServer.class);
  /** A burst of changes (a deploy is several events) becomes one refresh of the tools. */
  private static final Duration DEBOUNCE = Duration.ofMillis(200);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);
  private static final String INSTRUCTIONS = """
      Solo runs small Java services for you on a shared server, as one tenant, each under a budget of CPU time and \
      memory per call. Start with solo_list_services. Every method a service describes is a tool named \
      <service>__<method>; its arguments are sent to the service as the JSON request body. To create a service, \
      write Java source that implements dev.solo.api.Service (handle(Request, Context) answers one request at a \
      time; methods() describes the methods as tools) and call solo_deploy_service; solo_hot_swap replaces the code \
      of a running service keeping its state (snapshot()/restore()), solo_kill_service removes one. \
      solo_get_logs shows what a service logged, solo_get_events the tenant's event log (long-poll with wait_ms). \
      Changes take an explanation, which the event log keeps. A refused deploy lists findings as \
      File.java:LINE:COL: RULE: message: fix them and submit again. A result that names a budget means the code did \
      too much in one call.""";

  private final McpSyncServer server;
  private final LiveTools live;
  private final ScheduledExecutorService timers;
  private final HttpEndpoint endpoint;
  private final CountDownLatch terminated = new CountDownLatch(1);

  private SoloMcpServer(McpSyncServer server, LiveTools live, ScheduledExecutorService timers, HttpEndpoint endpoint) {
    this.server = server;
    this.live = live;
    this.timers = timers;
    this.endpoint = endpoint;
  }

  /**
   * {@return a server speaking MCP over {@code in} and {@code out}, newline-delimited JSON-RPC}
   * Nothing but the protocol is written to {@code out}; diagnostics go to the log. It ends when
   * {@code in} ends.
   */
  public static SoloMcpServer stdio(SoloClient client, InputStream in, OutputStream out) {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    Parts parts = Parts.of(client);
    CountDownLatch ended = new CountDownLatch(1);
    StdioServerTransportProvider transport = new StdioServerTransportProvider(json, new EndSignal(in, ended), out);
    McpSyncServer server = configure(McpServer.sync(parts.notices().wrap(new StdioSends(transport))), json, parts.tools());
    SoloMcpServer mcp = new SoloMcpServer(server, parts.live(), parts.timers(), null);
    parts.live().start(server);
    Thread watcher = new Thread(() -> {
      try {
        ended.await();
        mcp.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "solo-mcp-stdin");
    watcher.setDaemon(true);
    watcher.start();
    return mcp;
  }

  /**
   * {@return a server speaking streamable HTTP at {@code http://127.0.0.1:PORT/mcp}} It accepts
   * only requests whose Host (and Origin, when there is one) is the loopback address.
   *
   * @param port the port; 0 picks a free one, see {@link #port()}
   * @throws IllegalStateException if the port cannot be bound
   */
  public static SoloMcpServer http(SoloClient client, int port) {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    Parts parts = Parts.of(client);
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(json)
        .mcpEndpoint(HttpEndpoint.PATH)
        .keepAliveInterval(KEEP_ALIVE)
        .securityValidator(DefaultServerTransportSecurityValidator.builder()
            .allowedHosts(List.of("127.0.0.1:*", "localhost:*"))
            .allowedOrigins(List.of("http://127.0.0.1:*", "http://localhost:*"))
            .build())
        .build();
    McpSyncServer server = configure(McpServer.sync(parts.notices().wrap(transport)), json, parts.tools());
    HttpEndpoint endpoint;
    try {
      endpoint = HttpEndpoint.start(transport, port);
    } catch (RuntimeException e) {
      server.close();
      parts.live().close();
      parts.timers().shutdownNow();
      throw e;
    }
    parts.live().start(server);
    return new SoloMcpServer(server, parts.live(), parts.timers(), endpoint);
  }

  /** {@return the HTTP port, if this server speaks HTTP} */
  public Optional<Integer> port() {
    return Optional.ofNullable(endpoint).map(HttpEndpoint::port);
  }

  /** Waits until the server is closed: by {@link #close()}, or for stdio when its input ends. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Stops serving: the event follower, the HTTP endpoint, the MCP sessions. Closing twice does nothing. */
  @Override
  public void close() {
    if (terminated.getCount() == 0) {
      return;
    }
    synchronized (this) {
      if (terminated.getCount() == 0) {
        return;
      }
      live.close();
      if (endpoint != null) {
        endpoint.close();
      }
      try {
        server.closeGracefully();
      } catch (RuntimeException e) {
        LOG.debug("closing the MCP server: {}", e.getMessage());
      }
      timers.shutdownNow();
      terminated.countDown();
    }
  }

  private static <S extends McpServer.SyncSpecification<S>> McpSyncServer configure(
      McpServer.SyncSpecification<S> spec, McpJsonMapper json, List<SyncToolSpecification> tools) {
    String version = Optional.ofNullable(SoloMcpServer.class.getPackage().getImplementationVersion()).orElse("dev");
    return spec
        .serverInfo("solo", version)
        .instructions(INSTRUCTIONS)
        .capabilities(ServerCapabilities.builder().tools(true).build())
        .jsonMapper(json)
        .validateToolInputs(true)
        .tools(tools)
        .build();
  }

  /** What both transports share: the tools, their follower, the timers. */
  private record Parts(ToolListNotices notices, LiveTools live, ScheduledExecutorService timers,
      List<SyncToolSpecification> tools) {
    static Parts of(SoloClient client) {
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "solo-mcp-timer");
        thread.setDaemon(true);
        return thread;
      });
      ToolListNotices notices = new ToolListNotices();
      LiveTools live = new LiveTools(client, notices, timers, DEBOUNCE);
      List<SyncToolSpecification> tools = new ArrayList<>(new FixedTools(client, live, new EventPoll(client, timers)).all());
      tools.addAll(live.prepare());
      return new Parts(notices, live, timers, List.copyOf(tools));
    }
  }

  /** The client's input; counts down when it ends, so the server can end with it. */
  private static final class EndSignal extends FilterInputStream {
    private final CountDownLatch ended;

    EndSignal(InputStream in, CountDownLatch ended) {
      super(in);
      this.ended = ended;
    }

    @Override
    public int read() throws IOException {
      try {
        return ended(super.read());
      } catch (IOException e) {
        ended.countDown();
        throw e;
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return ended(super.read(buffer, offset, length));
      } catch (IOException e) {
        ended.countDown();
        throw e;
      }
    }

    private int ended(int read) {
      if (read < 0) {
        ended.countDown();
      }
      return read;
    }
  }
}
