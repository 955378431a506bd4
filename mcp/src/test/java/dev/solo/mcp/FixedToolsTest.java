package dev.solo.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FixedToolsTest {
  private static final Set<String> CHANGING = Set.of("solo_deploy_service", "solo_hot_swap", "solo_rollback", "solo_kill_service");

  private static List<Tool> tools() {
    return new FixedTools(null, null, null).all().stream().map(SyncToolSpecification::tool).toList();
  }

  @Test
  void theTenFixedToolsAreThereInOrder() {
    assertEquals(List.of("solo_whoami", "solo_list_services", "solo_describe_service", "solo_deploy_service",
            "solo_call_service", "solo_hot_swap", "solo_rollback", "solo_kill_service", "solo_get_events", "solo_get_logs"),
        tools().stream().map(Tool::name).toList());
  }

  @Test
  void everyChangingToolRequiresAnExplanationAndSaysItChangesThings() {
    for (Tool tool : tools()) {
      Map<String, Object> schema = tool.inputSchema();
      assertEquals("object", schema.get("type"), tool.name());
      assertEquals(Boolean.FALSE, schema.get("additionalProperties"), tool.name());
      List<?> required = (List<?>) schema.getOrDefault("required", List.of());
      if (CHANGING.contains(tool.name())) {
        assertTrue(required.contains("explanation"), tool.name() + " requires an explanation");
        assertEquals(Boolean.FALSE, tool.annotations().readOnlyHint(), tool.name());
      } else if (!tool.name().equals("solo_call_service")) {
        assertEquals(Boolean.TRUE, tool.annotations().readOnlyHint(), tool.name());
      }
      assertTrue(tool.description().length() > 80, tool.name() + " has a description a model can use");
    }
  }
}
