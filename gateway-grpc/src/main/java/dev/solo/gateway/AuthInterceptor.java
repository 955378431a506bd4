package dev.solo.gateway;

import dev.solo.capability.Grant;
import dev.solo.capability.TokenIndex;
import dev.solo.capability.pki.CertificateAuthority;
import dev.solo.tenant.Quarantine;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Authenticates every call: the client certificate names a principal, and the bearer token must
 * verify and belong to that same principal. A token without its certificate, or a certificate
 * with another principal's token, is UNAUTHENTICATED.
 */
final class AuthInterceptor implements ServerInterceptor {
  private static final String BEARER = "Bearer ";
  /** The name under which a TLS session keeps its client's principal. */
  private static final String PRINCIPAL = "dev.solo.principal";

  private final TokenIndex tokens;
  private final Clock clock;
  private final Denials denials;
  private final Quarantine quarantine;

  AuthInterceptor(TokenIndex tokens, Clock clock, Denials denials, Quarantine quarantine) {
    this.tokens = tokens;
    this.clock = clock;
    this.denials = denials;
    this.quarantine = quarantine;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<String> principal = certificatePrincipal(call);
    if (principal.isEmpty()) {
      return refuse(call, "", "unknown", "the client certificate does not name a Solo principal", "");
    }
    String authorization = headers.get(Keys.AUTHORIZATION);
    if (authorization == null || !authorization.startsWith(BEARER)) {
      return refuse(call, principal.get(), principal.get(), "missing token: send 'authorization: Bearer <token>'", "");
    }
    Optional<Grant> grant = tokens.verify(authorization.substring(BEARER.length()).trim(), clock.instant());
    if (grant.isEmpty()) {
      return refuse(call, principal.get(), principal.get(), "the token is unknown, revoked or expired", "");
    }
    String tokenPrincipal = grant.get().isAdmin() ? "admin" : "tenant:" + grant.get().tenant();
    if (!tokenPrincipal.equals(principal.get())) {
      return refuse(call, principal.get(), principal.get(),
          "the token does not belong to the principal of the client certificate", grant.get().tokenId());
    }
    Caller caller = new Caller(principal.get(), grant.get().tenant(), grant.get());
    if (!caller.isAdmin() && quarantine.isQuarantined(caller.tenant())) {
      String reason = "tenant " + caller.tenant() + " is quarantined by the operator; nothing is deleted, and calls are"
          + " refused until it is released";
      denials.record(caller.tenant(), caller.principal(), call.getMethodDescriptor().getFullMethodName(), "PERMISSION_DENIED",
          reason, "", caller.grant().tokenId());
      call.close(Status.PERMISSION_DENIED.withDescription(reason), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(Keys.CALLER, caller), call, headers, next);
  }

  /**
   * {@return the principal the client certificate names}; read from the certificate once per TLS
   * session, and kept in the session, whose peer certificate cannot change
   */
  private static Optional<String> certificatePrincipal(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    if (session.getValue(PRINCIPAL) instanceof String known) {
      return Optional.of(known);
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      Optional<String> principal = CertificateAuthority.principalOf(leaf);
      principal.ifPresent(name -> session.putValue(PRINCIPAL, name));
      return principal;
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private <Q, R> ServerCall.Listener<Q> refuse(
      ServerCall<Q, R> call, String certificatePrincipal, String principal, String reason, String tokenId) {
    // The certificate is proof of the tenant: the denial lands in that tenant's log.
    String tenant = certificatePrincipal.startsWith("tenant:") ? certificatePrincipal.substring("tenant:".length()) : "";
    denials.record(tenant, principal, call.getMethodDescriptor().getFullMethodName(), "UNAUTHENTICATED", reason, "", tokenId);
    call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
