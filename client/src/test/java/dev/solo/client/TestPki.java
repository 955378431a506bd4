package dev.solo.client;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA for tests, shaped like the server's: EC P-256 keys, PKCS#8 PEM, a server
 * certificate for localhost and 127.0.0.1, client certificates named after their principal.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** A PEM certificate and its PEM private key. */
  public record Issued(String certPem, String keyPem) {}

  private final KeyPair caKeys;
  private final X509CertificateHolder caCert;

  private TestPki() {
    caKeys = keyPair();
    X500Name name = new X500Name("CN=Solo test CA");
    caCert = sign(name, caKeys.getPublic(), name, caKeys, true, null);
  }

  /** {@return a fresh CA} */
  public static TestPki create() {
    return new TestPki();
  }

  /** {@return the CA certificate as PEM} */
  public String caPem() {
    return pem("CERTIFICATE", encoded(caCert));
  }

  /** {@return a server certificate for localhost and 127.0.0.1} */
  public Issued server() {
    GeneralNames sans =
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            });
    return issue("CN=localhost", sans);
  }

  /** {@return a client certificate with the given common name, for example {@code tenant:acme}} */
  public Issued client(String commonName) {
    return issue("CN=" + commonName, null);
  }

  /** {@return server credentials that require a client certificate signed by this CA} */
  public ServerCredentials serverCredentials() {
    Issued server = server();
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(stream(server.certPem()), stream(server.keyPem()))
          .trustManager(stream(caPem()))
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return credentials for a client of this CA} */
  public Credentials credentials(String server, String tenant, String token) {
    Issued client = client(tenant.isEmpty() ? "admin" : "tenant:" + tenant);
    return new Credentials(server, tenant, caPem(), client.certPem(), client.keyPem(), token, "tok-1");
  }

  private Issued issue(String subject, GeneralNames sans) {
    KeyPair keys = keyPair();
    X509CertificateHolder cert = sign(new X500Name(subject), keys.getPublic(), caCert.getSubject(), caKeys, false, sans);
    return new Issued(pem("CERTIFICATE", encoded(cert)), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
  }

  private static X509CertificateHolder sign(
      X500Name subject, java.security.PublicKey key, X500Name issuer, KeyPair issuerKeys, boolean ca, GeneralNames sans) {
    Instant now = Instant.now();
    try {
      var builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(SERIAL.getAndIncrement()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              key);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      if (sans != null) builder.addExtension(Extension.subjectAlternativeName, false, sans);
      return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509CertificateHolder cert) {
    try {
      return cert.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
