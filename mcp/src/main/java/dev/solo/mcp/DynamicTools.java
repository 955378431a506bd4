package dev.solo.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solo.client.CallResult;
import dev.solo.client.MethodInfo;
import dev.solo.client.SoloClient;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tools of the services: each described method of a live service is a tool named {@code
 * <service>__<method>} whose arguments are sent to the method as its JSON request body. A name
 * depends only on the service and method names, so it stays the same across swaps.
 */
final class DynamicTools {
  /** The longest tool name MCP clients accept everywhere. */
  static final int MAX_NAME = 64;
  private static final int HASH_CHARS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private DynamicTools() {}

  /**
   * {@return the tool name of a method}: {@code <service>__<method>} in snake case; when that is
   * longer than 64 characters, at most its first 55 (without trailing {@code _}), then {@code _}
   * and 8 hex digits of a SHA-256 of {@code service/method}
   */
  static String name(String service, String method) {
    String name = service.replace('-', '_') + "__" + method;
    return name.length() <= MAX_NAME ? name : hashed(service, method);
  }

  /** {@return the hashed form of the tool name of a method}, also used when two names collide */
  static String hashed(String service, String method) {
    String name = service.replace('-', '_') + "__" + method;
    String prefix = name.substring(0, Math.min(name.length(), MAX_NAME - HASH_CHARS - 1)).replaceAll("_+$", "");
    return prefix + "_" + sha256(service + "/" + method).substring(0, HASH_CHARS);
  }

  /**
   * {@return the tool of one method, or empty if its stored schema does not parse} (the server
   * checked it at deploy, so that would be a server of another version)
   */
  static Optional<SyncToolSpecification> spec(String name, String service, int version, MethodInfo method, SoloClient client) {
    Map<String, Object> schema;
    try {
      schema = JSON.readValue(method.inputSchema(), OBJECT);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    ToolAnnotations.Builder hints = ToolAnnotations.builder()
        .title(service + "." + method.name())
        .readOnlyHint(method.readOnly())
        .openWorldHint(false);
    if (method.readOnly()) {
      hints.destructiveHint(false);
    }
    Tool tool = Tool.builder(name, schema)
        .description(method.description() + "\n\n(Method '" + method.name() + "' of the Solo service '" + service
            + "', version " + version + ". The arguments are sent as the JSON request body. "
            + (method.readOnly() ? "It changes nothing." : "It may change the service's state.") + ")")
        .annotations(hints.build())
        .build();
    String target = method.name();
    return Optional.of(SyncToolSpecification.builder()
        .tool(tool)
        .callHandler(ToolResults.guarded(name, arguments -> call(client, service, target,
            ToolResults.json(arguments.all()).getBytes(StandardCharsets.UTF_8))))
        .build());
  }

  /**
   * {@return a call's reply as a result}: status, version and body, the body as JSON when it is
   * JSON; a status of 400 or more is an error result
   */
  static CallToolResult call(SoloClient client, String service, String method, byte[] body) {
    CallResult reply = client.call(service, method, body);
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("service", service);
    structured.put("method", method);
    structured.put("status", reply.status());
    structured.put("version", reply.version());
    structured.put("body", bodyValue(reply.text()));
    if (reply.ok()) {
      return ToolResults.ok(structured);
    }
    String text = "service " + service + " answered " + method + " with status " + reply.status() + ": " + reply.text()
        + "\n(solo_get_logs shows what the service logged.)";
    return ToolResults.error(text, structured);
  }

  /** {@return the body parsed as JSON if it is JSON, else the text} */
  private static Object bodyValue(String text) {
    String trimmed = text.strip();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.readValue(trimmed, Object.class);
      } catch (JsonProcessingException e) {
        return text;
      }
    }
    return text;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
