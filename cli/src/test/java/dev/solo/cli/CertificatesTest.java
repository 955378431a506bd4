package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.capability.pki.CertificateAuthority;
import dev.solo.capability.pki.IssuedCertificate;
import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's certificate is rotated without a restart and without breaking clients; client
 * certificates that have expired are refused.
 */
class CertificatesTest {
  @TempDir Path work;

  @Test
  void serverCertificateRotatesWithoutRestartingClientsAndExpiredClientCertificatesAreRefused() throws Exception {
    Path data = work.resolve("data");
    int port = ServerProcess.freePort();
    try (ServerProcess server = ServerProcess.start(data, port, work.resolve("server.log"))) {
      Path adminFile = data.resolve("admin.creds");
      Credentials acme;
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        acme = admin.createTenant("acme");
      }
      try (SoloClient open = SoloClient.connect(acme)) {
        assertEquals("tenant:acme", open.whoAmI().principal());
        BigInteger before = servedCertificate(acme, port).getSerialNumber();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"certs", "rotate-server", "--creds", adminFile.toString()},
            new PrintStream(out, true, UTF_8), new PrintStream(out, true, UTF_8));
        assertEquals(0, code, out.toString(UTF_8));
        assertTrue(out.toString(UTF_8).contains("now serves a new certificate"), out.toString(UTF_8));

        X509Certificate after = servedCertificate(acme, port);
        assertNotEquals(before, after.getSerialNumber(), "new connections get the new certificate");
        X509Certificate onDisk = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(data.resolve("pki").resolve("server.crt")));
        assertEquals(onDisk.getSerialNumber(), after.getSerialNumber());
        assertEquals("tenant:acme", open.whoAmI().principal(), "a connection opened before the rotation keeps working");
      }
      try (SoloClient fresh = SoloClient.connect(acme)) {
        assertEquals("tenant:acme", fresh.whoAmI().principal(), "clients trust the new certificate through the CA");
      }
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile));
          EventStream events = admin.events(EventQuery.of().withTypes(List.of("server_certificate_rotated")))) {
        List<Event> rotated = new ArrayList<>();
        events.forEachRemaining(rotated::add);
        assertEquals(1, rotated.size());
      }

      // A client certificate past its expiry is refused in the handshake, whatever the token.
      IssuedCertificate brief = CertificateAuthority.loadOrCreate(data.resolve("pki")).issueClient("tenant:acme", Duration.ofSeconds(1));
      Instant expiry = ((X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(brief.certPem().getBytes(UTF_8)))).getNotAfter().toInstant();
      while (Instant.now().isBefore(expiry.plusMillis(1100))) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
      Credentials expired = new Credentials(acme.server(), "acme", acme.ca(), brief.certPem(), brief.keyPem(), acme.token(), acme.tokenId());
      try (SoloClient client = SoloClient.connect(expired)) {
        SoloException refused = assertThrows(SoloException.class, client::whoAmI);
        assertEquals(Status.Code.UNAVAILABLE, refused.code(), refused.reason());
      }
    }
  }

  /** {@return the certificate the server presents in a TLS handshake with these credentials} */
  private static X509Certificate servedCertificate(Credentials credentials, int port) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate ca = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(credentials.ca().getBytes(UTF_8)));
    X509Certificate cert = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(credentials.cert().getBytes(UTF_8)));
    String pem = credentials.key().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", key, new char[0], new X509Certificate[] {cert});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setEnabledProtocols(new String[] {"TLSv1.3"});
      socket.setSSLParameters(withAlpn(socket));
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static javax.net.ssl.SSLParameters withAlpn(SSLSocket socket) {
    javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"h2"});
    return parameters;
  }
}
