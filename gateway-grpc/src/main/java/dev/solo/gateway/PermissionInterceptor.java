package dev.solo.gateway;

import dev.solo.capability.Permission;
import dev.solo.proto.v1.AdminGrpc;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.SoloGrpc;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks that the caller's token holds the permission an RPC needs. This table is the one
 * place that says which permission each RPC needs; a method missing from it is refused.
 * Scoped permissions ({@code service.call:NAME}) are checked against the request itself.
 */
final class PermissionInterceptor implements ServerInterceptor {
  /** Any authenticated caller may use the method. */
  private static final String ANYONE = "";

  private static final Map<String, Function<Object, String>> REQUIRED = new HashMap<>();

  static {
    need(SoloGrpc.getWhoAmIMethod(), ANYONE);
    need(SoloGrpc.getDeployMethod(), "service.deploy");
    need(SoloGrpc.getSwapMethod(), "service.deploy");
    need(SoloGrpc.getRollbackMethod(), "service.deploy");
    need(SoloGrpc.getKillMethod(), "service.kill");
    REQUIRED.put(SoloGrpc.getCallMethod().getFullMethodName(), request -> "service.call:" + ((CallRequest) request).getService());
    need(SoloGrpc.getListServicesMethod(), "service.read");
    need(SoloGrpc.getStatusMethod(), "service.read");
    need(SoloGrpc.getVersionsMethod(), "service.read");
    need(SoloGrpc.getDescribeMethod(), "service.read");
    need(SoloGrpc.getGetLogsMethod(), "service.read");
    need(SoloGrpc.getEventsMethod(), "events.read");
    need(SoloGrpc.getGrantMethod(), "capability.grant");
    need(SoloGrpc.getListTokensMethod(), "capability.grant");
    need(SoloGrpc.getRevokeMethod(), "capability.grant");
    need(SoloGrpc.getPutSecretMethod(), "secret.write");
    need(SoloGrpc.getListSecretsMethod(), "secret.write");
    need(SoloGrpc.getDeleteSecretMethod(), "secret.write");
    for (var method : AdminGrpc.getServiceDescriptor().getMethods()) {
      need(method, Permission.ADMIN);
    }
  }

  private final Denials denials;

  PermissionInterceptor(Denials denials) {
    this.denials = denials;
  }

  private static void need(MethodDescriptor<?, ?> method, String permission) {
    REQUIRED.put(method.getFullMethodName(), request -> permission);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Function<Object, String> rule = REQUIRED.get(call.getMethodDescriptor().getFullMethodName());
    Caller caller = Keys.CALLER.get();
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean denied;

      @Override
      public void onMessage(Q message) {
        String permission = rule == null ? null : rule.apply(message);
        if (permission == null || (!permission.isEmpty() && !allows(caller, permission))) {
          denied = true;
          String reason = permission == null ? "this method is not open to callers" : "the token lacks the permission " + permission;
          denials.record(caller.tenant(), caller.principal(), call.getMethodDescriptor().getFullMethodName(),
              "PERMISSION_DENIED", reason, permission == null ? "" : permission, caller.grant().tokenId());
          call.close(Status.PERMISSION_DENIED.withDescription(reason), new Metadata());
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!denied) {
          super.onHalfClose();
        }
      }
    };
  }

  private static boolean allows(Caller caller, String permission) {
    // The admin reads every tenant's events; everything else a tenant does needs a tenant token.
    return caller.grant().allows(permission) || (caller.isAdmin() && permission.equals("events.read"));
  }
}
