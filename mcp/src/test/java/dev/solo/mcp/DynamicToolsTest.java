package dev.solo.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.MethodInfo;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicToolsTest {

  @Test
  void toolNameIsServiceAndMethodInSnakeCase() {
    assertEquals("order_book__place_order", DynamicTools.name("order-book", "place_order"));
  }

  @Test
  void longNamesGetAStableHashSuffixAndStayWithin64Characters() {
    String service = "a-very-long-service-name-that-goes-on-and-on-for-quite-a-while";
    String name = DynamicTools.name(service, "describe_everything_in_detail");
    assertTrue(name.length() <= 64, name);
    assertTrue(name.matches("a_very_long_service_name_that_goes_on_and_on_for_quite_[0-9a-f]{8}"), name);
    assertEquals(name, DynamicTools.name(service, "describe_everything_in_detail"), "the same method always gets the same name");
    assertNotEquals(name, DynamicTools.name(service, "describe_everything_in_brief"), "methods that share a prefix differ");
  }

  @Test
  void aMethodBecomesAToolWithItsSchemaAndHints() {
    SyncToolSpecification spec = DynamicTools.spec("counter__get", "counter", 3,
        new MethodInfo("get", "Returns the total.", "{\"type\":\"object\",\"properties\":{}}", true), null).orElseThrow();
    assertEquals("counter__get", spec.tool().name());
    assertEquals(Map.of("type", "object", "properties", Map.of()), spec.tool().inputSchema());
    assertTrue(spec.tool().description().startsWith("Returns the total.\n\n(Method 'get' of the Solo service 'counter', version 3."),
        spec.tool().description());
    assertEquals(Boolean.TRUE, spec.tool().annotations().readOnlyHint());
    assertEquals(Boolean.FALSE, spec.tool().annotations().destructiveHint());
  }

  @Test
  void aSchemaThatDoesNotParseMakesNoTool() {
    assertTrue(DynamicTools.spec("x__y", "x", 1, new MethodInfo("y", "Y", "{not json", false), null).isEmpty());
  }
}
