package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.solo.client.Credentials;
import dev.solo.proto.v1.AdminGrpc;
import dev.solo.proto.v1.SoloGrpc;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Calls any RPC of the API with raw request bytes, over real mTLS with a chosen certificate and
 * an optional token: what the fuzz and denial tests need, below the typed client.
 */
final class RawCalls implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  };

  private final ManagedChannel channel;

  /** Connects with the certificate and key of {@code credentials} (their token is not sent by itself). */
  RawCalls(Credentials credentials) throws IOException {
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder()
        .keyManager(new ByteArrayInputStream(credentials.cert().getBytes(UTF_8)), new ByteArrayInputStream(credentials.key().getBytes(UTF_8)))
        .trustManager(new ByteArrayInputStream(credentials.ca().getBytes(UTF_8)));
    this.channel = Grpc.newChannelBuilder(credentials.server(), tls.build()).build();
  }

  /** {@return every method of Solo and Admin, with raw bytes for requests and replies} */
  static List<MethodDescriptor<byte[], byte[]>> methods() {
    List<MethodDescriptor<byte[], byte[]>> methods = new ArrayList<>();
    for (var method : SoloGrpc.getServiceDescriptor().getMethods()) {
      methods.add(raw(method));
    }
    for (var method : AdminGrpc.getServiceDescriptor().getMethods()) {
      methods.add(raw(method));
    }
    return methods;
  }

  private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(method.getType())
        .setFullMethodName(method.getFullMethodName())
        .setRequestMarshaller(RAW)
        .setResponseMarshaller(RAW)
        .build();
  }

  /**
   * {@return the status of one call}: OK if a unary call answered or a stream delivered what it
   * had; the token is sent as {@code authorization: Bearer}, or no header at all if null.
   */
  Status.Code call(MethodDescriptor<byte[], byte[]> method, byte[] request, String token) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    if (token != null) {
      options = options.withCallCredentials(bearer(token));
    }
    ClientCall<byte[], byte[]> call = channel.newCall(method, options);
    try {
      if (method.getType() == MethodDescriptor.MethodType.UNARY) {
        ClientCalls.blockingUnaryCall(call, request);
      } else {
        Iterator<byte[]> replies = ClientCalls.blockingServerStreamingCall(call, request);
        for (int i = 0; i < 5 && replies.hasNext(); i++) {
          replies.next();
        }
        call.cancel("enough", null);
      }
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.CANCELLED ? Status.Code.OK : e.getStatus().getCode();
    }
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  /** {@return the channel, for the standard services (health, reflection)} */
  ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
