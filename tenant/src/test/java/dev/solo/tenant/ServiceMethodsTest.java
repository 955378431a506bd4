package dev.solo.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.api.Context;
import dev.solo.api.MethodSpec;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.hardening.Finding;
import dev.solo.proto.state.v1.StoredMethod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceMethodsTest {
  private static final String OBJECT = "{\"type\": \"object\", \"properties\": {\"by\": {\"type\": \"integer\"}}}";

  /** A service that describes whatever the test hands it. */
  private record Describing(Map<?, ?> described) implements Service {
    @Override
    public Reply handle(Request request, Context ctx) {
      return Reply.ok("");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, MethodSpec> methods() {
      return (Map<String, MethodSpec>) described;
    }
  }

  private static List<String> refusal(Map<?, ?> methods) {
    ServiceMethods.Refused refused = assertThrows(ServiceMethods.Refused.class, () -> ServiceMethods.read(new Describing(methods)));
    return refused.findings().stream().map(Finding::toString).toList();
  }

  @Test
  void describedMethodsAreKeptSortedByNameWithTheirSchemas() {
    List<StoredMethod> methods = ServiceMethods.read(new Describing(Map.of(
        "increment", new MethodSpec("Adds by", OBJECT, false),
        "get", new MethodSpec("Returns the total", "", true))));
    assertEquals(List.of("get", "increment"), methods.stream().map(StoredMethod::getName).toList());
    assertEquals("{\"type\":\"object\"}", methods.get(0).getInputSchema(), "an empty schema is a method without input");
    assertEquals(true, methods.get(0).getReadOnly());
    assertEquals(OBJECT, methods.get(1).getInputSchema());
  }

  @Test
  void aServiceThatDescribesNothingHasNoMethods() {
    assertEquals(List.of(), ServiceMethods.read(new Describing(Map.of())));
  }

  @Test
  void refusesBadNamesDescriptionsAndSchemasEachWithItsOwnFinding() {
    Map<String, MethodSpec> methods = new HashMap<>();
    methods.put("Bad Name", new MethodSpec("fine", OBJECT, false));
    methods.put("blank", new MethodSpec("  ", OBJECT, false));
    methods.put("long", new MethodSpec("x".repeat(1025), OBJECT, false));
    methods.put("broken", new MethodSpec("fine", "{\"type\": \"object\"", false));
    methods.put("array", new MethodSpec("fine", "[]", false));
    methods.put("string", new MethodSpec("fine", "{\"type\": \"string\"}", false));
    methods.put("twice", new MethodSpec("fine", "{\"type\": \"object\", \"type\": \"object\"}", false));
    methods.put("trailing", new MethodSpec("fine", "{\"type\": \"object\"} {}", false));
    methods.put("huge", new MethodSpec("fine", "{\"type\": \"object\", \"description\": \"" + "x".repeat(16 * 1024) + "\"}", false));
    List<String> expected = List.of(
        "DEPLOY-METHODS: method name \"Bad Name\" is not valid: use 1 to 48 of a-z, 0-9 and _, starting with a letter",
        "DEPLOY-METHODS: the input schema of method \"array\" must be a JSON object, like {\"type\":\"object\",\"properties\":{...}}",
        "DEPLOY-METHODS: method \"blank\" needs a description: say what it does and what it returns",
        "DEPLOY-METHODS: the input schema of method \"broken\" is not valid JSON (at 1:18 of the schema): Unexpected"
            + " end-of-input: expected close marker for Object",
        "DEPLOY-METHODS: the input schema of method \"huge\" has 16421 bytes, at most 16384",
        "DEPLOY-METHODS: the description of method \"long\" has 1025 characters, at most 1024",
        "DEPLOY-METHODS: the input schema of method \"string\" must say \"type\": \"object\" at its top level:"
            + " a method takes a JSON object of arguments",
        "DEPLOY-METHODS: the input schema of method \"trailing\" is not valid JSON (at 1:20 of the schema): Trailing token",
        "DEPLOY-METHODS: the input schema of method \"twice\" is not valid JSON (at 1:26 of the schema): Duplicate field 'type'");
    List<String> findings = refusal(methods);
    assertEquals(expected.size(), findings.size(), () -> String.join("\n", findings));
    for (int i = 0; i < expected.size(); i++) {
      String want = expected.get(i);
      String got = findings.get(i);
      assertTrue(got.startsWith(want), () -> "expected " + want + "\n got " + got);
    }
  }

  @Test
  void refusesMoreThan64Methods() {
    Map<String, MethodSpec> methods = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      methods.put("m" + i, new MethodSpec("fine", OBJECT, true));
    }
    assertEquals(List.of("DEPLOY-METHODS: methods() describes more than 64 methods; describe at most 64"), refusal(methods));
  }

  @Test
  void refusesWhatRawGenericsSmuggleIn() {
    Map<Object, Object> methods = new HashMap<>();
    methods.put(42, new MethodSpec("fine", OBJECT, true));
    methods.put("text", "not a spec");
    methods.put("missing", null);
    assertEquals(List.of(
        "DEPLOY-METHODS: method \"missing\" maps to null, not a MethodSpec",
        "DEPLOY-METHODS: method \"text\" maps to something, not a MethodSpec",
        "DEPLOY-METHODS: methods() has a key that is not a method name (null or not a String)"),
        refusal(methods).stream().sorted().toList());
  }

  @Test
  void refusesNullAndThrowingMethods() {
    assertEquals(List.of("DEPLOY-METHODS: methods() returned null; return Map.of() to describe no methods"), refusal(null));
    ServiceMethods.Refused refused = assertThrows(ServiceMethods.Refused.class, () -> ServiceMethods.read(new Throwing()));
    assertEquals(List.of("DEPLOY-METHODS: methods() threw java.lang.IllegalStateException: not today"),
        refused.findings().stream().map(Finding::toString).toList());
  }

  /** A service whose methods() throws. */
  private static final class Throwing implements Service {
    @Override
    public Reply handle(Request request, Context ctx) {
      return Reply.ok("");
    }

    @Override
    public Map<String, MethodSpec> methods() {
      throw new IllegalStateException("not today");
    }
  }

  @Test
  void findingsPointAtTheMethodsDeclarationOfTheEntryClass() {
    String greeter = "import dev.solo.api.*;\nimport java.util.Map;\n\npublic class Greeter implements Service {\n"
        + "  @Override\n  public Map<String, MethodSpec> methods() {\n    return Map.of();\n  }\n}\n";
    List<Finding> located = ServiceMethods.locate(List.of(Finding.of("DEPLOY-METHODS", "no good")),
        Map.of("Helper.java", "class Helper {}", "Greeter.java", greeter), "Greeter");
    assertEquals("Greeter.java:6:34: DEPLOY-METHODS: no good", located.get(0).toString());

    List<Finding> nowhere = ServiceMethods.locate(List.of(Finding.of("DEPLOY-METHODS", "no good")),
        Map.of("Greeter.java", "public class Greeter {}"), "com.acme.Greeter");
    assertEquals("Greeter.java:0:0: DEPLOY-METHODS: no good", nowhere.get(0).toString());
  }
}
