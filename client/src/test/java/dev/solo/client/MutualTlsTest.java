package dev.solo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.proto.v1.SoloGrpc;
import dev.solo.proto.v1.WhoAmIRequest;
import dev.solo.proto.v1.WhoAmIResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real server on a loopback port, with certificates shaped like Solo's. */
class MutualTlsTest {
  private static final Metadata.Key<String> PEER = Metadata.Key.of("test-peer", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Metadata> SEEN = Context.key("seen");
  private final TestPki pki = TestPki.create();
  private Server server;

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, pki.serverCredentials())
            .addService(ServerInterceptors.intercept(new Echo(), new PeerAndToken()))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void clientCertificateAndTokenReachTheServer() {
    try (SoloClient client = SoloClient.connect(pki.credentials("localhost:" + server.getPort(), "acme", "tok-1"))) {
      WhoAmI me = client.whoAmI();
      assertEquals("CN=tenant:acme", me.principal());
      assertEquals("Bearer tok-1", me.tokenId());
    }
  }

  @Test
  void serverIsVerifiedByItsIpAddressToo() {
    try (SoloClient client = SoloClient.connect(pki.credentials("127.0.0.1:" + server.getPort(), "", "tok-1"))) {
      assertEquals("CN=admin", client.whoAmI().principal());
    }
  }

  @Test
  void serverOfAnotherCaFailsTheHandshake() {
    Credentials foreign = TestPki.create().credentials("localhost:" + server.getPort(), "acme", "tok-1");
    try (SoloClient client = SoloClient.connect(foreign)) {
      SoloException e = assertThrows(SoloException.class, client::whoAmI);
      assertEquals(Status.Code.UNAVAILABLE, e.code());
      assertTrue(e.reason().startsWith("TLS handshake with the server at localhost:" + server.getPort() + " failed"), e.reason());
    }
  }

  @Test
  void serverThatIsNotThereIsNamed() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (SoloClient client = SoloClient.connect(pki.credentials("localhost:" + port, "acme", "tok-1"))) {
      SoloException e = assertThrows(SoloException.class, client::whoAmI);
      assertTrue(e.unreachable());
      assertEquals("UNAVAILABLE: cannot reach the server at localhost:" + port, e.getMessage());
    }
  }

  @Test
  void eachRetryOfAReadTriesToConnectAgain() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    ServerSocket hangingUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (true) {
        try {
          Socket socket = hangingUp.accept();
          connections.incrementAndGet();
          socket.close();
        } catch (IOException closed) {
          return;
        }
      }
    });
    acceptor.start();
    try (SoloClient client = SoloClient.connect(pki.credentials("127.0.0.1:" + hangingUp.getLocalPort(), "acme", "t"))) {
      assertThrows(SoloException.class, client::whoAmI);
    } finally {
      hangingUp.close();
      acceptor.join(5000);
    }
    assertTrue(connections.get() >= 4, "one attempt and three retries, each a new connection: " + connections.get());
  }

  @Test
  void unusableKeyIsRefusedWhenConnecting() {
    Credentials broken =
        new Credentials("localhost:1", "acme", pki.caPem(), pki.client("x").certPem(), "not a key", "t", "");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoloClient.connect(broken));
    assertTrue(e.getMessage().startsWith("cannot use the certificates or key of the credentials for localhost:1"), e.getMessage());
  }

  /** Answers WhoAmI with the client certificate's subject and the authorization header. */
  private static final class Echo extends SoloGrpc.SoloImplBase {
    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> reply) {
      Metadata seen = SEEN.get();
      reply.onNext(
          WhoAmIResponse.newBuilder()
              .setPrincipal(seen.get(PEER))
              .setTokenId(seen.get(Keys.AUTHORIZATION))
              .build());
      reply.onCompleted();
    }
  }

  private static final class PeerAndToken implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      try {
        headers.put(PEER, ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
      } catch (SSLPeerUnverifiedException e) {
        call.close(Status.UNAUTHENTICATED.withDescription("no client certificate"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Context context = Context.current().withValue(SEEN, headers);
      return Contexts.interceptCall(context, call, headers, next);
    }
  }
}
