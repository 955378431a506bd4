package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.ServiceInfo;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import dev.solo.client.TenantDeletion;
import dev.solo.client.TenantInfo;
import dev.solo.client.TenantLimits;
import dev.solo.client.Token;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's surface through a real server: quarantine and release of one service, tenant
 * quotas, and tenant delete; each survives SIGKILL and a restart.
 */
class AdminSurfaceTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  private static final String SPIN = """
      import dev.solo.api.*;

      public class Spin implements Service {
        public Reply handle(Request request, Context ctx) {
          long n = 0;
          while (true) { n++; }
        }
      }
      """;

  @TempDir Path work;

  @Test
  void quarantinedServiceAnswersWhyUntilReleasedAndKeepsItsState() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    Path adminFile = data.resolve("admin.creds");
    Credentials acme;
    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        acme = admin.createTenant("acme");
      }
      try (SoloClient client = SoloClient.connect(acme)) {
        client.deploy("tally", List.of(EXAMPLES.resolve("tally/Tally.java")));
        client.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        client.call("tally", "increment", "3".getBytes(UTF_8));

        assertEquals(0, cli("service", "quarantine", "acme/tally", "--creds", adminFile.toString()));
        SoloException refused = assertThrows(SoloException.class, () -> client.call("tally", "get", new byte[0]));
        assertEquals(Status.Code.UNAVAILABLE, refused.code());
        assertTrue(refused.reason().contains("tally is quarantined") && refused.reason().contains("solo service release acme/tally"),
            refused.reason());
        assertEquals("quarantined", state(client, "tally"));
        assertEquals("1", client.call("counter", "increment", "1".getBytes(UTF_8)).text(), "the tenant's other services run on");
      }
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        assertFalse(admin.quarantineService("acme", "tally"), "a second quarantine changes nothing");
        assertEquals(Status.Code.NOT_FOUND, assertThrows(SoloException.class, () -> admin.quarantineService("acme", "nope")).code());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(SoloException.class, () -> admin.quarantineService("nobody", "tally")).code());
        assertEquals(Status.Code.INVALID_ARGUMENT,
            assertThrows(SoloException.class, () -> admin.quarantineService("acme", "Bad Name")).code());
        assertFalse(admin.releaseService("acme", "counter"), "releasing a running service changes nothing");
      }
      assertEquals(1, cli("service", "release", "acme-tally", "--creds", adminFile.toString()), "TENANT/SERVICE is required");
      server.sigkill();
    }

    try (ServerProcess server = ServerProcess.start(data, port, log);
        SoloClient client = SoloClient.connect(acme);
        SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      assertEquals(Status.Code.UNAVAILABLE, assertThrows(SoloException.class, () -> client.call("tally", "get", new byte[0])).code(),
          "the quarantine survives a crash");
      assertTrue(admin.releaseService("acme", "tally"));
      assertEquals("3", awaitReply(client, "tally", "get"), "the state saved at quarantine comes back");
      assertEquals("running", state(client, "tally"));
      assertEquals(List.of("service_quarantined", "service_released"),
          types(admin, "acme", List.of("service_quarantined", "service_released")));
    }
  }

  @Test
  void quotasLimitATenantAtOnceAndSurviveACrash() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    Path adminFile = data.resolve("admin.creds");
    Credentials acme;
    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        acme = admin.createTenant("acme");
        TenantLimits defaults = admin.setQuota(TenantLimits.unchanged("acme"));
        assertEquals(new TenantLimits("acme", 100, 100, 1000, 64, 10_000, 256), defaults, "no change only reads the limits");
        assertEquals(0, cli("tenant", "quota", "acme", "--max-services", "1", "--cpu-ms", "200", "--creds", adminFile.toString()));
        assertEquals(Status.Code.INVALID_ARGUMENT,
            assertThrows(SoloException.class, () -> admin.setQuota(new TenantLimits("acme", -1, 0, 0, 0, 0, 0))).code());
        assertEquals(Status.Code.NOT_FOUND,
            assertThrows(SoloException.class, () -> admin.setQuota(TenantLimits.unchanged("nobody"))).code());
      }
      try (SoloClient client = SoloClient.connect(acme)) {
        client.deploy("spin", Map.of("Spin.java", SPIN), List.of(), "");
        SoloException over = assertThrows(SoloException.class,
            () -> client.deploy("echo", List.of(EXAMPLES.resolve("echo/Echo.java"))));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, over.code());
        assertTrue(over.reason().contains("max-services") && over.reason().contains("1"), over.reason());
        SoloException tripped = assertThrows(SoloException.class, () -> client.call("spin", "go", new byte[0]));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, tripped.code());
        assertTrue(tripped.reason().contains("cpu budget of 200 ms exceeded"), tripped.reason());
      }
      server.sigkill();
    }

    try (ServerProcess server = ServerProcess.start(data, port, log);
        SoloClient client = SoloClient.connect(acme);
        SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      assertEquals(Status.Code.RESOURCE_EXHAUSTED,
          assertThrows(SoloException.class, () -> client.deploy("echo", List.of(EXAMPLES.resolve("echo/Echo.java")))).code(),
          "the quota survives a crash");
      TenantLimits raised = admin.setQuota(new TenantLimits("acme", 2, 0, 0, 0, 0, 0));
      assertEquals(new TenantLimits("acme", 2, 100, 200, 64, 10_000, 256), raised, "only the limits given change");
      client.deploy("echo", List.of(EXAMPLES.resolve("echo/Echo.java")));
      assertEquals(List.of("tenant_quota_set", "tenant_quota_set"), types(admin, "acme", List.of("tenant_quota_set")));
    }
  }

  @Test
  void deletedTenantLosesEverythingAndItsNameStartsAfresh() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    Path adminFile = data.resolve("admin.creds");
    Credentials oldAcme;
    Credentials newAcme;
    Credentials globex;
    Path derived = work.resolve("derived.creds");
    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        oldAcme = admin.createTenant("acme");
        globex = admin.createTenant("globex");
        admin.quarantineTenant("globex");
        admin.releaseTenant("globex");
      }
      try (SoloClient client = SoloClient.connect(oldAcme); SoloClient other = SoloClient.connect(globex)) {
        client.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        client.call("counter", "increment", "5".getBytes(UTF_8));
        client.putSecret("api-key", "s3cret".getBytes(UTF_8));
        Token token = client.grant(List.of("service.read"), Duration.ofHours(1), "");
        new Credentials(oldAcme.server(), oldAcme.tenant(), oldAcme.ca(), oldAcme.cert(), oldAcme.key(), token.token(), token.tokenId())
            .write(derived);
        other.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        other.call("counter", "increment", "7".getBytes(UTF_8));
      }
      assertEquals(1, cli("tenant", "delete", "acme", "--creds", adminFile.toString()), "delete asks for --yes");
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        TenantDeletion deleted = admin.deleteTenant("acme");
        assertEquals(new TenantDeletion("acme", 1, 2, 1), deleted);
        assertEquals(Status.Code.NOT_FOUND, assertThrows(SoloException.class, () -> admin.deleteTenant("acme")).code());
        assertEquals(List.of("globex"), admin.listTenants().stream().map(TenantInfo::name).toList());
        assertEquals(List.of("tenant_deleted"), types(admin, "acme", List.of("tenant_deleted")));
      }
      for (Credentials gone : List.of(oldAcme, Credentials.read(derived))) {
        try (SoloClient client = SoloClient.connect(gone)) {
          assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(SoloException.class, client::listServices).code());
        }
      }
      try (SoloClient other = SoloClient.connect(globex)) {
        assertEquals("7", other.call("counter", "get", new byte[0]).text(), "another tenant loses nothing");
      }
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        newAcme = admin.createTenant("acme");
      }
      try (SoloClient client = SoloClient.connect(newAcme)) {
        assertEquals(List.of(), client.listServices(), "the name starts afresh");
        assertEquals(List.of(), client.secrets());
        client.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        assertEquals("0", client.call("counter", "get", new byte[0]).text(), "the old key-value data is gone");
      }
      server.sigkill();
    }

    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      try (SoloClient client = SoloClient.connect(oldAcme)) {
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(SoloException.class, client::listServices).code(),
            "the old tokens stay revoked after a crash");
      }
      try (SoloClient client = SoloClient.connect(newAcme)) {
        assertEquals(List.of("counter"), client.listServices().stream().map(ServiceInfo::name).toList());
        assertEquals("0", client.call("counter", "get", new byte[0]).text());
      }
    }
  }

  private static String state(SoloClient client, String service) {
    return client.listServices().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow().state();
  }

  /** Calls until the service answers (a released service is starting), for at most 30 s. */
  private static String awaitReply(SoloClient client, String service, String method) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return client.call(service, method, new byte[0]).text();
      } catch (SoloException e) {
        if (e.code() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static List<String> types(SoloClient admin, String tenant, List<String> types) {
    List<String> seen = new ArrayList<>();
    try (EventStream events = admin.events(EventQuery.of().withTenant(tenant).withTypes(types))) {
      events.forEachRemaining((Event event) -> seen.add(event.type()));
    }
    return seen;
  }

  private static int cli(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    return Main.run(args, new PrintStream(sink, true, UTF_8), new PrintStream(sink, true, UTF_8));
  }
}
