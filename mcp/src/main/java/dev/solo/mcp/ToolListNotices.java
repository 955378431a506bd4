package dev.solo.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpServerTransportProviderBase;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sends one {@code notifications/tools/list_changed} per change of the tool list, however many
 * tools the change adds or removes. The SDK notifies on every single {@code addTool} and {@code
 * removeTool}; between {@link #begin()} and {@link #end()} those notices are held back, and
 * {@code end()} sends one if any was held. It sits between the server and its transport.
 */
final class ToolListNotices {
  private static final Logger LOG = LoggerFactory.getLogger(ToolListNotices.class);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final Object lock = new Object();
  private McpServerTransportProviderBase transport;
  private int depth;
  private boolean held;

  /** Holds back tool list notices until the matching {@link #end()}. */
  void begin() {
    synchronized (lock) {
      depth++;
    }
  }

  /** Ends a change; sends one notice if the change held any back. */
  void end() {
    McpServerTransportProviderBase target;
    synchronized (lock) {
      depth--;
      if (depth > 0 || !held) {
        return;
      }
      held = false;
      target = transport;
    }
    if (target == null) {
      return;
    }
    try {
      target.notifyClients(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, null).block(SEND_TIMEOUT);
    } catch (RuntimeException e) {
      // No client connected yet, or it went away: it lists the tools when it connects.
      LOG.debug("tools/list_changed not sent: {}", e.getMessage());
    }
  }

  /** {@return the stdio transport, with its tool list notices batched} */
  McpServerTransportProvider wrap(McpServerTransportProvider delegate) {
    bind(delegate);
    return new McpServerTransportProvider() {
      @Override
      public void setSessionFactory(McpServerSession.Factory factory) {
        delegate.setSessionFactory(factory);
      }

      @Override
      public Mono<Void> notifyClients(String method, Object params) {
        return filter(delegate, method, params);
      }

      @Override
      public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return delegate.notifyClient(sessionId, method, params);
      }

      @Override
      public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
      }

      @Override
      public void close() {
        delegate.close();
      }

      @Override
      public List<String> protocolVersions() {
        return delegate.protocolVersions();
      }
    };
  }

  /** {@return the streamable HTTP transport, with its tool list notices batched} */
  McpStreamableServerTransportProvider wrap(McpStreamableServerTransportProvider delegate) {
    bind(delegate);
    return new McpStreamableServerTransportProvider() {
      @Override
      public void setSessionFactory(McpStreamableServerSession.Factory factory) {
        delegate.setSessionFactory(factory);
      }

      @Override
      public Mono<Void> notifyClients(String method, Object params) {
        return filter(delegate, method, params);
      }

      @Override
      public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return delegate.notifyClient(sessionId, method, params);
      }

      @Override
      public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
      }

      @Override
      public void close() {
        delegate.close();
      }

      @Override
      public List<String> protocolVersions() {
        return delegate.protocolVersions();
      }
    };
  }

  private void bind(McpServerTransportProviderBase delegate) {
    synchronized (lock) {
      transport = delegate;
    }
  }

  private Mono<Void> filter(McpServerTransportProviderBase delegate, String method, Object params) {
    if (McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED.equals(method)) {
      synchronized (lock) {
        if (depth > 0) {
          held = true;
          return Mono.empty();
        }
      }
    }
    return delegate.notifyClients(method, params);
  }
}
