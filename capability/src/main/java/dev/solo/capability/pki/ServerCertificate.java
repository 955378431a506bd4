package dev.solo.capability.pki;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/** The server's certificate and private key files (PEM), and when the certificate expires. */
public record ServerCertificate(Path certificateFile, Path privateKeyFile, Instant notAfter) {
  /** Every part is required. */
  public ServerCertificate {
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    Objects.requireNonNull(notAfter, "notAfter");
  }
}
