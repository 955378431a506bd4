package dev.solo.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Finding;
import dev.solo.client.SoloException;
import io.grpc.Status;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolResultsTest {

  private static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  @Test
  void findingsAreOneLineEachAsCompilersPrintThem() {
    SoloException refused = new SoloException(Status.Code.INVALID_ARGUMENT, "deploy refused: 2 findings", List.of(
        Finding.of("COMPILE", "Greeter.java", 3, 54, "cannot find symbol"),
        Finding.of("ENTRY-CLASS", "", 0, 0, "no class implements dev.solo.api.Service")));
    CallToolResult result = ToolResults.failure(refused);
    assertEquals(Boolean.TRUE, result.isError());
    assertEquals(List.of(
        "INVALID_ARGUMENT: deploy refused: 2 findings",
        "Fix each finding below and submit the files again:",
        "Greeter.java:3:54: COMPILE: cannot find symbol",
        "ENTRY-CLASS: no class implements dev.solo.api.Service"), text(result).lines().toList());
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
    assertEquals("INVALID_ARGUMENT", structured.get("error"));
    assertEquals(2, ((List<?>) structured.get("findings")).size());
  }

  @Test
  void notFoundNamesTheToolThatListsServices() {
    CallToolResult result = ToolResults.failure(new SoloException(Status.Code.NOT_FOUND, "no service ghost; see solo list", List.of()));
    assertEquals("NOT_FOUND: no service ghost\n"
        + "Call solo_list_services to see which services exist; a killed service's tools are gone.", text(result));
  }

  @Test
  void aBudgetTripKeepsTheNameOfTheBudget() {
    CallToolResult result = ToolResults.failure(new SoloException(Status.Code.RESOURCE_EXHAUSTED,
        "the call was stopped by its cpu budget: cpu budget of 1000 ms exceeded", List.of()));
    assertTrue(text(result).startsWith("RESOURCE_EXHAUSTED: the call was stopped by its cpu budget: cpu budget of 1000 ms exceeded\n"
        + "The service spent its whole budget on one call"), text(result));
  }

  @Test
  void aMissingArgumentIsAnErrorResultNotAProtocolError() {
    CallToolResult result = ToolResults.guarded("solo_kill_service", arguments -> {
      arguments.requiredString("service");
      throw new AssertionError("not reached");
    }).apply(null, CallToolRequest.builder("solo_kill_service").arguments(Map.of()).build());
    assertEquals(Boolean.TRUE, result.isError());
    assertEquals("solo_kill_service: argument 'service' is required: a non-empty string", text(result));
  }

  @Test
  void successCarriesStructuredContentAndTheSameAsText() {
    CallToolResult result = ToolResults.ok(Map.of("service", "counter"));
    assertEquals(Boolean.FALSE, result.isError());
    assertEquals(Map.of("service", "counter"), result.structuredContent());
    assertEquals("{\"service\":\"counter\"}", text(result));
  }
}
