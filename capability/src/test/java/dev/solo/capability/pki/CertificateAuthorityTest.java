package dev.solo.capability.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir Path temp;

  private Path pki() {
    return temp.resolve("data").resolve("pki");
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static X509Certificate certificate(String pem) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), "PKCS#8 PEM: " + pem);
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
    try {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    } catch (GeneralSecurityException e) {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    }
  }

  private static void assertKeyBelongsTo(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    byte[] data = "proof".getBytes(StandardCharsets.US_ASCII);
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(data);
    assertTrue(verifier.verify(signature), "the private key belongs to the certificate");
  }

  private static Set<List<?>> altNames(X509Certificate cert) throws GeneralSecurityException {
    return Set.copyOf(cert.getSubjectAlternativeNames());
  }

  private static Set<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void firstUseCreatesAnOwnerOnlyDirectoryWithTheCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    assertEquals("rwx------", permissions(pki()));
    assertEquals(Set.of("ca.crt", "ca.key"), files(pki()));
    assertEquals("rw-------", permissions(pki().resolve("ca.key")));
    assertEquals(pki().resolve("ca.crt").toAbsolutePath(), ca.caCertificateFile());
    assertEquals(ca.caPem(), Files.readString(ca.caCertificateFile()));
    X509Certificate cert = certificate(ca.caPem());
    assertEquals("CN=Solo CA", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertDoesNotThrow(() -> cert.verify(cert.getPublicKey()));
    assertEquals("SHA256withRSA", cert.getSigAlgName());
    assertEquals("RSA", cert.getPublicKey().getAlgorithm());
    assertEquals(3072, ((java.security.interfaces.RSAPublicKey) cert.getPublicKey()).getModulus().bitLength());
    assertTrue(cert.getBasicConstraints() >= 0, "a CA certificate");
    assertTrue(cert.getKeyUsage()[5], "keyCertSign");
    Duration lifetime = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
    assertTrue(lifetime.toDays() >= 3649 && lifetime.toDays() <= 3650, "about ten years: " + lifetime);
    assertKeyBelongsTo(privateKey(Files.readString(pki().resolve("ca.key"))), cert);
  }

  @Test
  void aCaWithAnEcKeyFromAnEarlierVersionIsLoadedAndKeepsIssuing() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair pair = generator.generateKeyPair();
    org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=Solo CA");
    Instant now = Instant.now();
    X509Certificate old = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.TEN,
                java.util.Date.from(now.minusSeconds(60)), java.util.Date.from(now.plus(Duration.ofDays(30))), name, pair.getPublic())
            .addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true))
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    Files.createDirectories(pki());
    Files.writeString(pki().resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    Files.writeString(pki().resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder().encodeToString(old.getEncoded()) + "\n-----END CERTIFICATE-----\n");

    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    assertEquals("EC", certificate(ca.caPem()).getPublicKey().getAlgorithm());
    X509Certificate client = certificate(ca.issueClient("admin", Duration.ofDays(1)).certPem());
    assertEquals("SHA256withECDSA", client.getSigAlgName());
    assertDoesNotThrow(() -> client.verify(pair.getPublic()));
  }

  @Test
  void loadingAgainYieldsTheSameCa() throws Exception {
    CertificateAuthority first = CertificateAuthority.loadOrCreate(pki());
    CertificateAuthority second = CertificateAuthority.loadOrCreate(pki());

    assertEquals(first.caPem(), second.caPem());
    X509Certificate client = certificate(second.issueClient("admin", Duration.ofDays(1)).certPem());
    assertDoesNotThrow(() -> client.verify(certificate(first.caPem()).getPublicKey()));
  }

  @Test
  void caCertificateWithoutItsKeyIsAnError() throws Exception {
    CertificateAuthority.loadOrCreate(pki());
    Files.delete(pki().resolve("ca.key"));

    IOException e = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(pki()));
    assertTrue(e.getMessage().contains("exists without ca.key"), e.getMessage());
  }

  @Test
  void serverCertificateIsForLocalhostAndServerAuthOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    ServerCertificate server = ca.ensureServerCertificate(List.of("localhost"), List.of("127.0.0.1"));

    assertEquals(pki().resolve("server.crt").toAbsolutePath(), server.certificateFile());
    assertEquals(pki().resolve("server.key").toAbsolutePath(), server.privateKeyFile());
    assertEquals("rw-------", permissions(server.certificateFile()));
    assertEquals("rw-------", permissions(server.privateKeyFile()));
    assertEquals(Set.of("ca.crt", "ca.key", "server.crt", "server.key"), files(pki()));
    X509Certificate cert = certificate(Files.readString(server.certificateFile()));
    assertEquals(Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")), altNames(cert));
    assertEquals(List.of(SERVER_AUTH), cert.getExtendedKeyUsage());
    assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    assertEquals(cert.getNotAfter().toInstant(), server.notAfter());
    Duration lifetime = Duration.between(Instant.now(), server.notAfter());
    assertTrue(lifetime.toDays() >= 364 && lifetime.toDays() <= 365, "one year: " + lifetime);
    assertDoesNotThrow(() -> cert.verify(certificate(ca.caPem()).getPublicKey()));
    assertKeyBelongsTo(privateKey(Files.readString(server.privateKeyFile())), cert);
    assertEquals(server, ca.ensureServerCertificate(), "the defaults are localhost and 127.0.0.1");
  }

  @Test
  void serverCertificateIsRenewedOnlyWithinThirtyDaysOfExpiry() throws Exception {
    ServerCertificate issued = CertificateAuthority.loadOrCreate(pki()).ensureServerCertificate();
    byte[] original = Files.readAllBytes(issued.certificateFile());

    ServerCertificate later = CertificateAuthority.loadOrCreate(pki(), shifted(Duration.ofDays(300)))
        .ensureServerCertificate();
    assertEquals(issued, later);
    assertArrayEquals(original, Files.readAllBytes(later.certificateFile()));

    ServerCertificate renewed = CertificateAuthority.loadOrCreate(pki(), shifted(Duration.ofDays(340)))
        .ensureServerCertificate();
    assertTrue(renewed.notAfter().isAfter(issued.notAfter().plus(Duration.ofDays(300))), renewed.toString());
    assertKeyBelongsTo(privateKey(Files.readString(renewed.privateKeyFile())),
        certificate(Files.readString(renewed.certificateFile())));
  }

  @Test
  void serverCertificateIsReissuedWhenTheNamesChange() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());
    ca.ensureServerCertificate();

    ServerCertificate server = ca.ensureServerCertificate(List.of("localhost", "solo.internal"), List.of("127.0.0.1", "::1"));

    X509Certificate cert = certificate(Files.readString(server.certificateFile()));
    assertEquals(4, altNames(cert).size());
    assertTrue(altNames(cert).contains(List.of(2, "solo.internal")));
    byte[] current = Files.readAllBytes(server.certificateFile());
    ca.ensureServerCertificate(List.of("solo.internal", "LOCALHOST"), List.of("0:0:0:0:0:0:0:1", "127.0.0.1"));
    assertArrayEquals(current, Files.readAllBytes(server.certificateFile()), "the same names in another spelling");
  }

  @Test
  void serverCertificateNeedsValidNames() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    assertThrows(IllegalArgumentException.class, () -> ca.ensureServerCertificate(List.of(), List.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca.ensureServerCertificate(List.of("localhost"), List.of("example.com")));
    assertEquals("not an IP address: example.com", e.getMessage());
  }

  @Test
  void clientCertificateNamesThePrincipalForClientAuth() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    IssuedCertificate issued = ca.issueClient("tenant:acme", Duration.ofDays(90));

    X509Certificate cert = certificate(issued.certPem());
    assertEquals("CN=tenant:acme", cert.getSubjectX500Principal().getName());
    assertEquals(Optional.of("tenant:acme"), CertificateAuthority.principalOf(cert));
    assertEquals(List.of(CLIENT_AUTH), cert.getExtendedKeyUsage());
    assertEquals(-1, cert.getBasicConstraints());
    assertDoesNotThrow(() -> cert.verify(certificate(ca.caPem()).getPublicKey()));
    Duration lifetime = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
    assertTrue(lifetime.toDays() >= 89 && lifetime.toDays() <= 90, "90 days: " + lifetime);
    assertKeyBelongsTo(privateKey(issued.keyPem()), cert);
    assertEquals(Set.of("ca.crt", "ca.key"), files(pki()), "the client key is never written");
    assertTrue(!issued.toString().contains(issued.keyPem()), "the key never reaches a log");

    X509Certificate admin = certificate(ca.issueClient("admin", Duration.ofDays(1)).certPem());
    assertEquals(Optional.of("admin"), CertificateAuthority.principalOf(admin));
    assertNotEquals(cert.getSerialNumber(), admin.getSerialNumber());
  }

  @Test
  void clientCertificateNeverOutlivesTheCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    X509Certificate cert = certificate(ca.issueClient("admin", Duration.ofDays(100_000)).certPem());

    assertEquals(certificate(ca.caPem()).getNotAfter(), cert.getNotAfter());
  }

  @Test
  void issueClientRejectsOtherPrincipals() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ca.issueClient("root", Duration.ofDays(1)));
    assertEquals("a principal is admin or tenant:<tenant name>", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ca.issueClient("tenant:Acme", Duration.ofDays(1)));
    assertTrue(e.getMessage().startsWith("invalid tenant name \"Acme\""), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ca.issueClient("admin", Duration.ZERO));
  }

  @Test
  void principalOfIgnoresCertificatesThatNameNoPrincipal() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki());

    assertEquals(Optional.empty(), CertificateAuthority.principalOf(certificate(ca.caPem())));
    X509Certificate server = certificate(Files.readString(ca.ensureServerCertificate().certificateFile()));
    assertEquals(Optional.empty(), CertificateAuthority.principalOf(server));
  }

  private static Clock shifted(Duration by) {
    return Clock.offset(Clock.systemUTC(), by);
  }
}
