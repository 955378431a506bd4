package dev.solo.client;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The client's certificate and key, read once from their PEM text and handed to TLS as they are.
 * Given PEM files instead, gRPC's TLS set-up stores the key in a password-protected PKCS#12 key
 * store and reads it back, two rounds of PBKDF2: most of the CPU time of opening a connection.
 */
final class PemKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "solo";
  private static final Pattern KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private final X509Certificate[] chain;
  private final PrivateKey key;

  private PemKeyManager(X509Certificate[] chain, PrivateKey key) {
    this.chain = chain;
    this.key = key;
  }

  /**
   * {@return a key manager for this certificate chain and key}
   *
   * @param certPem the client certificate, then any intermediate certificates, in PEM
   * @param keyPem the private key in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), EC or RSA
   * @throws IllegalArgumentException if either cannot be read
   */
  static PemKeyManager of(String certPem, String keyPem) {
    return new PemKeyManager(certificates(certPem), privateKey(keyPem));
  }

  private static X509Certificate[] certificates(String pem) {
    try {
      List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .stream()
          .map(X509Certificate.class::cast)
          .toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("the client certificate PEM holds no certificate");
      }
      return certificates.toArray(X509Certificate[]::new);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the client certificate is not a PEM X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(String pem) {
    Matcher matcher = KEY.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException("the client key is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the client key's PEM body is not base64", e);
    }
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next one
      }
    }
    throw new IllegalArgumentException("the client key is neither an EC nor an RSA PKCS#8 private key");
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  /** A client key manager: it offers no server identity. */
  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
