package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity over a real mTLS connection: a token is accepted only with a certificate that names
 * its own principal, and the admin surface only with the admin's.
 */
class AuthenticationTest {
  @TempDir static Path work;
  private static ServerProcess server;
  private static Credentials admin;
  private static Credentials acme;
  private static Credentials globex;

  @BeforeAll
  static void start() throws Exception {
    Path data = work.resolve("data");
    server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"));
    admin = Credentials.read(data.resolve("admin.creds"));
    try (SoloClient client = SoloClient.connect(admin)) {
      acme = client.createTenant("acme");
      globex = client.createTenant("globex");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Status.Code whoAmI(Credentials credentials) {
    try (SoloClient client = SoloClient.connect(credentials)) {
      return assertThrows(SoloException.class, client::whoAmI).code();
    }
  }

  private static Credentials mix(Credentials certificateOf, String token) {
    return new Credentials(certificateOf.server(), certificateOf.tenant(), certificateOf.ca(), certificateOf.cert(),
        certificateOf.key(), token, "");
  }

  @Test
  void tokenWithItsOwnCertificateIsAccepted() {
    try (SoloClient client = SoloClient.connect(acme)) {
      assertEquals("tenant:acme", client.whoAmI().principal());
      assertTrue(client.whoAmI().permissions().contains("service.deploy"), "the root token carries every tenant permission");
    }
  }

  @Test
  void tenantTokenOverAnotherTenantsCertificateIsUnauthenticated() {
    assertEquals(Status.Code.UNAUTHENTICATED, whoAmI(mix(globex, acme.token())));
  }

  @Test
  void tenantTokenOverTheAdminCertificateIsUnauthenticated() {
    assertEquals(Status.Code.UNAUTHENTICATED, whoAmI(mix(admin, acme.token())));
  }

  @Test
  void adminTokenOverATenantCertificateIsUnauthenticated() {
    assertEquals(Status.Code.UNAUTHENTICATED, whoAmI(mix(acme, admin.token())));
  }

  @Test
  void unknownTokenIsUnauthenticated() {
    assertEquals(Status.Code.UNAUTHENTICATED, whoAmI(mix(acme, "solo_" + "A".repeat(43))));
  }

  @Test
  void tenantCannotUseTheAdminSurface() {
    try (SoloClient client = SoloClient.connect(acme)) {
      SoloException denied = assertThrows(SoloException.class, () -> client.createTenant("intruder"));
      assertEquals(Status.Code.PERMISSION_DENIED, denied.code());
      assertEquals("the token lacks the permission admin", denied.reason());
    }
  }
}
