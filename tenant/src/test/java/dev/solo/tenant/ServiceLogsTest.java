package dev.solo.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceLogsTest {
  private final ServiceLogs logs = new ServiceLogs(new ServiceLogs.Limits(5, 40));

  private List<String> messages(String service, ServiceLogs.Query query) {
    return logs.read(service, query).stream().map(ServiceLogs.Line::message).toList();
  }

  @Test
  void keepsOnlyTheNewestLinesOfEachService() {
    for (int i = 1; i <= 8; i++) {
      logs.append("counter", 1, "INFO", "line " + i, 1000L * i);
    }
    logs.append("other", 2, "WARN", "elsewhere", 5000);
    assertEquals(List.of("line 4", "line 5", "line 6", "line 7", "line 8"), messages("counter", ServiceLogs.Query.newest()));
    ServiceLogs.Line other = logs.read("other", ServiceLogs.Query.newest()).get(0);
    assertEquals(new ServiceLogs.Line(5000, "WARN", "elsewhere", 2), other);
    assertEquals(List.of(), messages("nobody", ServiceLogs.Query.newest()));
  }

  @Test
  void filtersBySinceAndTextThenTakesTheTail() {
    logs.append("counter", 1, "INFO", "incremented by 1", 1000);
    logs.append("counter", 1, "ERROR", "overflow", 2000);
    logs.append("counter", 2, "INFO", "incremented by 2", 3000);
    logs.append("counter", 2, "INFO", "incremented by 3", 4000);
    assertEquals(List.of("incremented by 2", "incremented by 3"), messages("counter", new ServiceLogs.Query(0, 2500, "")));
    assertEquals(List.of("incremented by 3"), messages("counter", new ServiceLogs.Query(1, 0, "incremented")));
    assertEquals(List.of(), messages("counter", new ServiceLogs.Query(0, 0, "Incremented")), "grep is case-sensitive");
  }

  @Test
  void cutsLongLinesAndWritesNullAsText() {
    logs.append("counter", 1, "INFO", "x".repeat(100), 1);
    logs.append("counter", 1, "INFO", null, 2);
    List<String> lines = messages("counter", ServiceLogs.Query.newest());
    assertEquals(40, lines.get(0).length());
    assertTrue(lines.get(0).endsWith(" ...(cut)"), lines.get(0));
    assertEquals("null", lines.get(1));
  }

  @Test
  void droppingAServiceForgetsItsLines() {
    logs.append("counter", 1, "INFO", "before the kill", 1);
    logs.drop("counter");
    assertEquals(List.of(), messages("counter", ServiceLogs.Query.newest()));
  }

  @Test
  void badQueriesAreRefusedWithAReason() {
    assertEquals("tail must not be negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> new ServiceLogs.Query(-1, 0, "")).getMessage());
    assertEquals("grep text has 257 characters, at most 256",
        assertThrows(IllegalArgumentException.class, () -> new ServiceLogs.Query(0, 0, "x".repeat(257))).getMessage());
  }
}
