package dev.solo.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ToolListNoticesTest {
  /** The SDK's side of a transport: it records what it is asked to send. */
  private static final class Recording implements McpServerTransportProvider {
    final List<String> sent = new ArrayList<>();

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {}

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
      return Mono.fromRunnable(() -> sent.add(method));
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }
  }

  @Test
  void aChangeOfManyToolsSendsOneNotice() {
    Recording transport = new Recording();
    ToolListNotices notices = new ToolListNotices();
    McpServerTransportProvider wrapped = notices.wrap(transport);
    notices.begin();
    for (int i = 0; i < 3; i++) {
      wrapped.notifyClients(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, null).block();
    }
    wrapped.notifyClients("notifications/message", null).block();
    assertEquals(List.of("notifications/message"), transport.sent, "other notices pass at once");
    notices.end();
    assertEquals(List.of("notifications/message", McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED), transport.sent);
  }

  @Test
  void aChangeThatChangedNothingSendsNothing() {
    Recording transport = new Recording();
    ToolListNotices notices = new ToolListNotices();
    notices.wrap(transport);
    notices.begin();
    notices.end();
    assertEquals(List.of(), transport.sent);
  }
}
