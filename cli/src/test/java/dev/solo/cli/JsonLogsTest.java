package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solo server --log-json}: the server logs one JSON object per line, and a line written
 * during a call carries the call's tenant, service and id as fields.
 */
class JsonLogsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void logLinesAreJsonWithTheCallsTenantServiceAndId() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    try (ServerProcess server = ServerProcess.start(data, ServerProcess.freePort(), log, "--log-json");
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")));
        SoloClient acme = SoloClient.connect(admin.createTenant("acme"))) {
      acme.deploy("work", Map.of("Work.java", MetricsTest.WORK), List.of(), "");
      assertEquals("done", acme.call("work", "run", "0".getBytes(UTF_8)).text());

      JsonNode line = awaitJsonLine(log, "worked 0 ms");

      assertEquals("INFO", line.get("level").asText());
      assertEquals("dev.solo.service", line.get("logger_name").asText());
      assertEquals("acme", line.get("tenant").asText());
      assertEquals("work", line.get("service").asText());
      assertTrue(line.get("call_id").asText().matches("[0-9a-f]{16}"), line.toString());
      assertTrue(line.has("@timestamp"), line.toString());
      JsonNode ready = awaitJsonLine(log, "wrote the admin credentials");
      assertTrue(!ready.has("tenant"), "a line outside any call names no tenant: " + ready);
    }
  }

  private static JsonNode awaitJsonLine(Path log, String message) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (String text : Files.readAllLines(log)) {
        // The JVM itself may write plain lines to stderr; Solo's own lines are JSON.
        if (text.startsWith("{")) {
          JsonNode line = JSON.readTree(text);
          if (line.path("message").asText().contains(message)) {
            return line;
          }
        } else if (text.contains(message)) {
          fail("a log line is not JSON: " + text);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no JSON log line with \"" + message + "\" in " + log + ":\n" + Files.readString(log));
  }
}
