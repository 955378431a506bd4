package dev.solo.gateway;

import dev.solo.capability.pki.CertificateAuthority;
import dev.solo.capability.pki.ServerCertificate;
import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * The server's TLS identity, replaceable while the server runs: connections made after a
 * rotation get the new certificate, and connections already open keep theirs.
 */
final class ServerIdentity {
  private final CertificateAuthority ca;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();

  ServerIdentity(CertificateAuthority ca, ServerCertificate current) throws IOException {
    this.ca = ca;
    load(current);
  }

  AdvancedTlsX509KeyManager keyManager() {
    return keyManager;
  }

  /** Issues a new server certificate from the CA and serves it from now on; {@return its expiry} */
  synchronized Instant rotate() throws IOException {
    ServerCertificate next = ca.rotateServerCertificate();
    load(next);
    return next.notAfter();
  }

  private void load(ServerCertificate certificate) throws IOException {
    try {
      keyManager.updateIdentityCredentials(certificate.certificateFile().toFile(), certificate.privateKeyFile().toFile());
    } catch (GeneralSecurityException e) {
      throw new IOException("the server certificate in " + certificate.certificateFile() + " could not be loaded", e);
    }
  }
}
