package dev.solo.bench;

import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.CallResponse;
import dev.solo.proto.v1.SoloGrpc;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.net.InetSocketAddress;

/**
 * The physical baseline of the call path: a bare grpc-java server, run in its own JVM like the
 * Solo server, with the same mutual TLS and the same {@code Solo/Call} messages, whose handler
 * answers every call with its body at once. No token check, no load shedder, no actors.
 *
 * <p>{@code java -cp ... dev.solo.bench.BareEchoServer PORT CERT KEY CLIENT_CA}; prints {@code ready}.
 */
final class BareEchoServer extends SoloGrpc.SoloImplBase {
  private BareEchoServer() {}

  /** Serves until the process is ended. */
  public static void main(String[] args) throws Exception {
    ServerCredentials tls = TlsServerCredentials.newBuilder()
        .keyManager(new File(args[1]), new File(args[2]))
        .trustManager(new File(args[3]))
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("localhost", Integer.parseInt(args[0])), tls)
        .addService(new BareEchoServer())
        .build()
        .start();
    System.out.println("bare echo server ready on " + server.getPort());
    server.awaitTermination();
  }

  @Override
  public void call(CallRequest request, StreamObserver<CallResponse> reply) {
    reply.onNext(CallResponse.newBuilder().setStatus(200).setBody(request.getBody()).setVersion(1).build());
    reply.onCompleted();
  }
}
