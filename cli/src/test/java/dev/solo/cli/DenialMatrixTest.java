package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import dev.solo.client.Token;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.DeleteSecretRequest;
import dev.solo.proto.v1.DescribeRequest;
import dev.solo.proto.v1.GetLogsRequest;
import dev.solo.proto.v1.KillRequest;
import dev.solo.proto.v1.RevokeRequest;
import dev.solo.proto.v1.RollbackRequest;
import dev.solo.proto.v1.StatusRequest;
import dev.solo.proto.v1.SwapRequest;
import dev.solo.proto.v1.VersionsRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every RPC of Solo and Admin, against every way a call can lack the right to run, through a real
 * server over real mTLS: each gets its documented status, and each denial is in the event log.
 */
class DenialMatrixTest {
  private static final List<String> TENANT_ROOT = List.of("service.deploy", "service.kill", "service.call:*", "service.read",
      "events.read", "capability.grant", "secret.write", "secret.read:*");

  /** The permission each RPC needs, as the README documents it; "" for none. */
  private static final Map<String, String> NEEDS = Map.ofEntries(
      Map.entry("WhoAmI", ""), Map.entry("Deploy", "service.deploy"), Map.entry("Swap", "service.deploy"),
      Map.entry("Rollback", "service.deploy"), Map.entry("Kill", "service.kill"), Map.entry("Call", "service.call:*"),
      Map.entry("ListServices", "service.read"), Map.entry("Status", "service.read"), Map.entry("Versions", "service.read"),
      Map.entry("Describe", "service.read"), Map.entry("GetLogs", "service.read"), Map.entry("Events", "events.read"),
      Map.entry("Grant", "capability.grant"), Map.entry("ListTokens", "capability.grant"), Map.entry("Revoke", "capability.grant"),
      Map.entry("PutSecret", "secret.write"), Map.entry("ListSecrets", "secret.write"), Map.entry("DeleteSecret", "secret.write"));

  @TempDir Path work;

  private static String name(MethodDescriptor<?, ?> method) {
    return method.getFullMethodName().substring(method.getFullMethodName().indexOf('/') + 1);
  }

  private static Credentials withToken(Credentials base, Token token) {
    return new Credentials(base.server(), base.tenant(), base.ca(), base.cert(), base.key(), token.token(), token.tokenId());
  }

  @Test
  void everyRpcRefusesEveryCallerWithoutTheRightWithItsDocumentedStatus() throws Exception {
    Path data = work.resolve("data");
    try (ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"))) {
      Credentials acme;
      Credentials globex;
      try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
        acme = admin.createTenant("acme");
        globex = admin.createTenant("globex");
      }
      // globex owns the resources acme will reach for.
      try (SoloClient client = SoloClient.connect(globex)) {
        client.deploy("gcounter", List.of(Path.of("..", "examples", "counter", "Counter.java")));
        client.putSecret("gsecret", "g".getBytes(UTF_8));
      }
      Map<String, Message> reachForGlobex = Map.of(
          "Kill", KillRequest.newBuilder().setService("gcounter").build(),
          "Call", CallRequest.newBuilder().setService("gcounter").setMethod("get").build(),
          "Status", StatusRequest.newBuilder().setService("gcounter").build(),
          "Versions", VersionsRequest.newBuilder().setService("gcounter").build(),
          "Describe", DescribeRequest.newBuilder().setService("gcounter").build(),
          "GetLogs", GetLogsRequest.newBuilder().setService("gcounter").build(),
          "Swap", SwapRequest.newBuilder().setService("gcounter").putFiles("Counter.java", "class Counter {}").build(),
          "Rollback", RollbackRequest.newBuilder().setService("gcounter").setToVersion(1).build(),
          "Revoke", RevokeRequest.newBuilder().setTokenId(globex.tokenId()).build(),
          "DeleteSecret", DeleteSecretRequest.newBuilder().setName("gsecret").build());

      // The ways to lack the right.
      Map<String, String> acmeTokens = new LinkedHashMap<>();
      Map<String, Credentials> lacking = new LinkedHashMap<>();
      try (SoloClient root = SoloClient.connect(acme)) {
        acmeTokens.put("no token", null);
        Token brief = root.grant(List.of("service.read"), Duration.ofSeconds(1), "");
        Token revoked = root.grant(List.of("service.read"), Duration.ofHours(1), "");
        root.revoke(revoked.tokenId(), "");
        Token parent = root.grant(List.of("service.read", "capability.grant"), Duration.ofHours(1), "");
        Token child;
        try (SoloClient mid = SoloClient.connect(withToken(acme, parent))) {
          child = mid.grant(List.of("service.read"), Duration.ofMinutes(30), "");
        }
        root.revoke(parent.tokenId(), "");
        acmeTokens.put("revoked", revoked.token());
        acmeTokens.put("revoked parent", child.token());
        for (String permission : new TreeSet<>(NEEDS.values())) {
          if (!permission.isEmpty()) {
            List<String> rest = new ArrayList<>(TENANT_ROOT);
            rest.remove(permission);
            lacking.put(permission, withToken(acme, root.grant(rest, Duration.ofHours(1), "")));
          }
        }
        awaitExpiry(withToken(acme, brief));
        acmeTokens.put("expired", brief.token());
      }

      List<String> mismatches = new ArrayList<>();
      int acmeDenials = 0;
      int globexDenials = 0;
      try (RawCalls asAcme = new RawCalls(acme); RawCalls withGlobexCertificate = new RawCalls(globex)) {
        for (MethodDescriptor<byte[], byte[]> method : RawCalls.methods()) {
          String rpc = name(method);
          boolean admin = method.getFullMethodName().startsWith("solo.v1.Admin/");
          byte[] request = reachForGlobex.getOrDefault(rpc, KillRequest.getDefaultInstance()).toByteArray();
          for (Map.Entry<String, String> unauthenticated : acmeTokens.entrySet()) {
            expect(mismatches, rpc, unauthenticated.getKey(), Status.Code.UNAUTHENTICATED,
                asAcme.call(method, request, unauthenticated.getValue()));
            acmeDenials++;
          }
          expect(mismatches, rpc, "another tenant's certificate", Status.Code.UNAUTHENTICATED,
              withGlobexCertificate.call(method, request, acme.token()));
          globexDenials++;
          String needed = admin ? "admin" : NEEDS.get(rpc);
          if (needed == null) {
            mismatches.add(rpc + ": no documented permission");
          } else if (!needed.isEmpty()) {
            Credentials without = admin ? acme : lacking.get(needed);
            expect(mismatches, rpc, "missing " + needed, Status.Code.PERMISSION_DENIED, asAcme.call(method, request, without.token()));
            acmeDenials++;
          }
          if (reachForGlobex.containsKey(rpc)) {
            expect(mismatches, rpc, "another tenant's resource", Status.Code.NOT_FOUND, asAcme.call(method, request, acme.token()));
          }
        }
      }
      assertEquals(List.of(), mismatches);

      // Each denial is an event in the log of the tenant whose certificate made the call.
      assertTrue(awaitDenials(acme, acmeDenials) >= acmeDenials, "every denial of acme's calls is in acme's log");
      assertTrue(awaitDenials(globex, globexDenials) >= globexDenials, "denials over globex's certificate are in globex's log");
    }
  }

  private static void expect(List<String> mismatches, String rpc, String caseName, Status.Code expected, Status.Code actual) {
    if (expected != actual) {
      mismatches.add(rpc + " / " + caseName + ": expected " + expected + ", got " + actual);
    }
  }

  private static void awaitExpiry(Credentials credentials) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    try (SoloClient client = SoloClient.connect(credentials)) {
      while (System.nanoTime() < deadline) {
        try {
          client.whoAmI();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        } catch (SoloException e) {
          if (e.code() == Status.Code.UNAUTHENTICATED) {
            return;
          }
        }
      }
    }
    throw new AssertionError("the one-second token did not expire");
  }

  private static int awaitDenials(Credentials tenant, int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int seen = 0;
    try (SoloClient client = SoloClient.connect(tenant)) {
      while (System.nanoTime() < deadline) {
        try (EventStream stream = client.events(EventQuery.of().withTypes(List.of("capability_denied")).withLimit(10_000))) {
          List<Event> events = new ArrayList<>();
          stream.forEachRemaining(events::add);
          seen = events.size();
        }
        if (seen >= expected) {
          return seen;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
    }
    return seen;
  }

}
