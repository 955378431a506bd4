package dev.solo.capability.pki;

import dev.solo.capability.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Solo's private CA: an RSA 3072 key and a self-signed certificate in a directory only the owner
 * can read (a CA made before Solo 0.2 has an EC P-256 key, and keeps it). Server and client keys
 * are EC P-256. The CA key is RSA because every TLS handshake checks the peer's certificate
 * against it in Java, where an RSA signature verifies about fifteen times faster than an ECDSA
 * one (docs/adr/007); the keys that sign in the handshake itself stay EC, signed natively. It keeps the server certificate there current and issues client certificates whose
 * common name is the principal. Keys are written PKCS#8 PEM, owner-only, by atomic rename.
 */
public final class CertificateAuthority {
  private static final String CA_CERT = "ca.crt";
  private static final String CA_KEY = "ca.key";
  private static final String SERVER_CERT = "server.crt";
  private static final String SERVER_KEY = "server.key";
  private static final String ADMIN = "admin";
  private static final String TENANT_PREFIX = "tenant:";
  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration SERVER_LIFETIME = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  // Certificates start a little in the past so a peer whose clock lags still accepts them.
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final int CA_RSA_BITS = 3072;
  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Clock clock;
  private final X509Certificate caCert;
  private final PrivateKey caKey;

  private CertificateAuthority(Path dir, Clock clock, X509Certificate caCert, PrivateKey caKey) {
    this.dir = dir;
    this.clock = clock;
    this.caCert = caCert;
    this.caKey = caKey;
  }

  /**
   * {@return the CA in {@code pkiDir}, created there (with the directory, owner-only) on first use}
   *
   * @throws IOException if the files cannot be read or written, or do not hold a CA and its key
   */
  public static CertificateAuthority loadOrCreate(Path pkiDir) throws IOException {
    return loadOrCreate(pkiDir, Clock.systemUTC());
  }

  static CertificateAuthority loadOrCreate(Path pkiDir, Clock clock) throws IOException {
    Path dir = pkiDir.toAbsolutePath();
    ensureOwnerOnlyDirectory(dir);
    Path certFile = dir.resolve(CA_CERT);
    Path keyFile = dir.resolve(CA_KEY);
    if (Files.exists(certFile)) {
      if (!Files.exists(keyFile)) {
        throw new IOException(certFile + " exists without " + CA_KEY + "; restore it, or remove both to start a new CA");
      }
      X509Certificate cert = readCertificate(certFile);
      PrivateKey key = readPrivateKey(keyFile);
      if (!belongTogether(key, cert)) {
        throw new IOException(keyFile + " is not the key of " + certFile);
      }
      return new CertificateAuthority(dir, clock, cert, key);
    }
    // The key goes first: the certificate's presence marks a complete CA.
    KeyPair pair = newCaKeyPair();
    X509Certificate cert = selfSigned(pair, clock.instant());
    writeOwnerOnly(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    writeOwnerOnly(certFile, certificatePem(cert));
    return new CertificateAuthority(dir, clock, cert, pair.getPrivate());
  }

  /**
   * {@return the server certificate for {@code localhost} and {@code 127.0.0.1}}
   *
   * @throws IOException if the files cannot be read or written
   * @see #ensureServerCertificate(List, List)
   */
  public ServerCertificate ensureServerCertificate() throws IOException {
    return ensureServerCertificate(List.of("localhost"), List.of("127.0.0.1"));
  }

  /**
   * {@return the server certificate files, written anew unless the current ones were issued by
   * this CA for exactly these names and are valid for more than 30 days} A new certificate lasts
   * one year and is for server authentication only.
   *
   * @throws IllegalArgumentException if there is no name, or an address is not an IP literal
   * @throws IOException if the files cannot be read or written
   */
  public synchronized ServerCertificate ensureServerCertificate(List<String> dnsNames, List<String> ipAddresses)
      throws IOException {
    GeneralNames names = subjectAltNames(dnsNames, ipAddresses);
    Path certFile = dir.resolve(SERVER_CERT);
    Path keyFile = dir.resolve(SERVER_KEY);
    Instant now = clock.instant();
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      X509Certificate current = readCertificate(certFile);
      if (isCurrent(current, readPrivateKey(keyFile), now, dnsNames, ipAddresses)) {
        return new ServerCertificate(certFile, keyFile, current.getNotAfter().toInstant());
      }
    }
    return issueServerCertificate(names, now);
  }

  /**
   * Issues a new server key and certificate for localhost and 127.0.0.1 whatever the current one
   * is, and {@return them}: the server loads them without a restart, and clients that trust the
   * CA trust the new certificate as they trusted the old one.
   */
  public synchronized ServerCertificate rotateServerCertificate() throws IOException {
    return issueServerCertificate(subjectAltNames(List.of("localhost"), List.of("127.0.0.1")), clock.instant());
  }

  private ServerCertificate issueServerCertificate(GeneralNames names, Instant now) throws IOException {
    Path certFile = dir.resolve(SERVER_CERT);
    Path keyFile = dir.resolve(SERVER_KEY);
    KeyPair pair = newKeyPair();
    X509Certificate cert = leaf(subject("Solo server"), pair.getPublic(), now, now.plus(SERVER_LIFETIME),
        KeyPurposeId.id_kp_serverAuth, names);
    writeOwnerOnly(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    writeOwnerOnly(certFile, certificatePem(cert));
    return new ServerCertificate(certFile, keyFile, cert.getNotAfter().toInstant());
  }

  /**
   * {@return a new key pair and client certificate whose common name is {@code principal}} The
   * certificate lasts {@code lifetime}, but never beyond the CA; nothing is written to disk.
   *
   * @throws IllegalArgumentException if {@code principal} is not {@code admin} or {@code
   *     tenant:NAME} with a valid name, or {@code lifetime} is not positive
   */
  public IssuedCertificate issueClient(String principal, Duration lifetime) {
    checkPrincipal(principal);
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("a certificate lifetime must be positive, not " + lifetime);
    }
    Instant now = clock.instant();
    Instant caNotAfter = caCert.getNotAfter().toInstant();
    Instant notAfter = now.plus(lifetime).isAfter(caNotAfter) ? caNotAfter : now.plus(lifetime);
    KeyPair pair = newKeyPair();
    X509Certificate cert = leaf(subject(principal), pair.getPublic(), now, notAfter, KeyPurposeId.id_kp_clientAuth, null);
    return new IssuedCertificate(certificatePem(cert), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
  }

  /** {@return the CA certificate, PEM} */
  public String caPem() {
    return certificatePem(caCert);
  }

  /** {@return the file that holds the CA certificate, PEM} */
  public Path caCertificateFile() {
    return dir.resolve(CA_CERT);
  }

  /**
   * {@return the principal {@code cert} names: its one common name if that is {@code admin} or
   * {@code tenant:NAME} with a valid name} This reads the name only; the TLS layer has checked
   * that the certificate chains to the CA.
   */
  public static Optional<String> principalOf(X509Certificate cert) {
    RDN[] commonNames = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
    if (commonNames.length != 1 || commonNames[0].isMultiValued()) {
      return Optional.empty();
    }
    ASN1Encodable value = commonNames[0].getFirst().getValue();
    return value instanceof ASN1String text && isPrincipal(text.getString())
        ? Optional.of(text.getString())
        : Optional.empty();
  }

  private static boolean isPrincipal(String principal) {
    return ADMIN.equals(principal)
        || principal.startsWith(TENANT_PREFIX) && Names.isValidTenant(principal.substring(TENANT_PREFIX.length()));
  }

  private static void checkPrincipal(String principal) {
    if (principal != null && principal.startsWith(TENANT_PREFIX)) {
      Names.checkTenant(principal.substring(TENANT_PREFIX.length()));
    } else if (!ADMIN.equals(principal)) {
      throw new IllegalArgumentException("a principal is " + ADMIN + " or " + TENANT_PREFIX + "<tenant name>");
    }
  }

  private boolean isCurrent(
      X509Certificate cert, PrivateKey key, Instant now, List<String> dnsNames, List<String> ipAddresses)
      throws IOException {
    if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE)) || !belongTogether(key, cert)) {
      return false;
    }
    try {
      cert.verify(caCert.getPublicKey());
      return nameSet(cert.getSubjectAlternativeNames()).equals(nameSet(dnsNames, ipAddresses));
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static Set<String> nameSet(List<String> dnsNames, List<String> ipAddresses) throws IOException {
    Set<String> names = new HashSet<>();
    dnsNames.forEach(name -> names.add("dns:" + name.toLowerCase(Locale.ROOT)));
    for (String address : ipAddresses) {
      names.add("ip:" + InetAddress.getByName(address).getHostAddress());
    }
    return names;
  }

  private static Set<String> nameSet(Collection<List<?>> altNames) throws IOException {
    List<String> dnsNames = new ArrayList<>();
    List<String> ipAddresses = new ArrayList<>();
    for (List<?> altName : altNames == null ? List.<List<?>>of() : altNames) {
      int type = (Integer) altName.get(0);
      if (type == GeneralName.dNSName) {
        dnsNames.add((String) altName.get(1));
      } else if (type == GeneralName.iPAddress) {
        ipAddresses.add((String) altName.get(1));
      }
    }
    return nameSet(dnsNames, ipAddresses);
  }

  private static GeneralNames subjectAltNames(List<String> dnsNames, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    for (String name : dnsNames) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("a DNS name must not be blank");
      }
      names.add(new GeneralName(GeneralName.dNSName, name));
    }
    for (String address : ipAddresses) {
      // Checked first so InetAddress never turns a host name into a DNS lookup.
      if (!IPAddress.isValid(address)) {
        throw new IllegalArgumentException("not an IP address: " + address);
      }
      names.add(new GeneralName(GeneralName.iPAddress, address));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X500Name subject(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate selfSigned(KeyPair pair, Instant now) {
    X500Name name = subject("Solo CA");
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
              name, serialNumber(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
      return sign(builder, pair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create the CA certificate", e);
    }
  }

  private X509Certificate leaf(
      X500Name subject, PublicKey key, Instant now, Instant notAfter, KeyPurposeId purpose, GeneralNames altNames) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
              caCert, serialNumber(), Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, key)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(caCert.getPublicKey()));
      if (altNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      return sign(builder, caKey);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(signatureOf(signer)).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static BigInteger serialNumber() {
    // Positive and at most 20 octets, as RFC 5280 asks, with enough randomness to never repeat.
    return new BigInteger(159, RANDOM).setBit(158);
  }

  /** {@return the signature algorithm a key of this type signs certificates with} */
  private static String signatureOf(PrivateKey key) {
    return "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
  }

  private static KeyPair newCaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(CA_RSA_BITS, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has RSA", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has EC P-256", e);
    }
  }

  private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature signer = Signature.getInstance(signatureOf(key));
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureOf(key));
      verifier.initVerify(cert.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String certificatePem(X509Certificate cert) {
    try {
      return pem("CERTIFICATE", cert.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode " + cert.getSubjectX500Principal(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a PEM certificate", e);
    }
  }

  private static PrivateKey readPrivateKey(Path file) throws IOException {
    try (PemReader reader = new PemReader(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
      PemObject object = reader.readPemObject();
      if (object == null || !object.getType().equals("PRIVATE KEY")) {
        throw new IOException(file + " is not a PKCS#8 PEM private key");
      }
      for (String algorithm : List.of("EC", "RSA")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(object.getContent()));
        } catch (GeneralSecurityException e) {
          // not this algorithm: try the next one
        }
      }
      throw new IOException(file + " is neither an EC nor an RSA private key");
    }
  }

  private static boolean isPosix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void ensureOwnerOnlyDirectory(Path dir) throws IOException {
    if (!isPosix(dir)) {
      Files.createDirectories(dir);
      return;
    }
    if (Files.isDirectory(dir)) {
      Files.setPosixFilePermissions(dir, OWNER_DIRECTORY);
      return;
    }
    if (dir.getParent() != null) {
      Files.createDirectories(dir.getParent());
    }
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
  }

  /** Writes to an owner-only temporary file, syncs it, and renames it over {@code file}. */
  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Path dir = file.getParent();
    String prefix = "." + file.getFileName();
    Path temporary = isPosix(dir)
        ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_FILE))
        : Files.createTempFile(dir, prefix, ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.US_ASCII);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
