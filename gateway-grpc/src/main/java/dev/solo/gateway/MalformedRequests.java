package dev.solo.gateway;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Answers a request that does not parse as its message with INVALID_ARGUMENT. Left to itself,
 * grpc-java parses before any interceptor sees the message and reports a parse failure as
 * {@code UNKNOWN: Application error processing RPC}.
 */
final class MalformedRequests implements ServerInterceptor {

  private MalformedRequests() {}

  /** {@return the service, parsing each request where a failure can be answered properly} */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), new MalformedRequests());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    String expected = call.getMethodDescriptor().getFullMethodName();
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        if (refused) {
          return;
        }
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          if (!(message instanceof InputStream)) {
            throw e;
          }
          refused = true;
          call.close(Status.INVALID_ARGUMENT.withDescription("malformed request: not a valid message for " + expected),
              new Metadata());
        }
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }
}
