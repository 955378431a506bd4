package dev.solo.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The SDK's stdio transport, with sends that are not lost. Its session queues each outgoing
 * message with a single {@code tryEmitNext}, which fails when another thread is queueing one at
 * the same moment: a tool result finishing while a {@code tools/list} answer or a {@code
 * tools/list_changed} notice goes out would be dropped, and the client would wait forever. Each
 * send is tried again, briefly, until the queue takes it.
 */
final class StdioSends implements McpServerTransportProvider {
  private static final int ATTEMPTS = 200;
  private static final Duration PAUSE = Duration.ofMillis(1);

  private final McpServerTransportProvider delegate;

  StdioSends(McpServerTransportProvider delegate) {
    this.delegate = delegate;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory factory) {
    delegate.setSessionFactory(transport -> factory.create(new Retrying(transport)));
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    return delegate.notifyClients(method, params);
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

  /** One session's transport, whose sends are tried again when the queue is busy. */
  private record Retrying(McpServerTransport transport) implements McpServerTransport {
    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
      return Mono.defer(() -> transport.sendMessage(message)).retryWhen(Retry.fixedDelay(ATTEMPTS, PAUSE));
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return transport.unmarshalFrom(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return transport.closeGracefully();
    }

    @Override
    public void close() {
      transport.close();
    }

    @Override
    public List<String> protocolVersions() {
      return transport.protocolVersions();
    }
  }
}
