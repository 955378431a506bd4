package dev.solo.capability.pki;

import java.util.Objects;

/**
 * A client certificate and its private key, both PEM (the key PKCS#8), for a credentials file.
 * The CA keeps neither; {@link #toString()} leaves the key out.
 */
public record IssuedCertificate(String certPem, String keyPem) {
  /** Both parts are required. */
  public IssuedCertificate {
    Objects.requireNonNull(certPem, "certPem");
    Objects.requireNonNull(keyPem, "keyPem");
  }

  @Override
  public String toString() {
    return "IssuedCertificate[certPem=" + certPem + ", keyPem=(hidden)]";
  }
}
