package dev.solo.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solo.client.Finding;
import dev.solo.client.SoloException;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tool results as a model reads them: structured content and a text copy of it, and errors as
 * results with {@code isError: true} whose text says what to do next. Protocol errors are left
 * to the protocol: an unknown tool, a malformed request.
 */
final class ToolResults {
  private static final Logger LOG = LoggerFactory.getLogger(ToolResults.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEE_SOLO_LIST = "; see solo list";

  private ToolResults() {}

  /** {@return a successful result: {@code structured} as structured content, and as JSON text} */
  static CallToolResult ok(Map<String, Object> structured) {
    return CallToolResult.builder()
        .content(List.of(TextContent.builder(json(structured)).build()))
        .structuredContent(structured)
        .isError(false)
        .build();
  }

  /** {@return an error result: {@code text} for the model, {@code structured} for programs} */
  static CallToolResult error(String text, Map<String, Object> structured) {
    return CallToolResult.builder()
        .content(List.of(TextContent.builder(text).build()))
        .structuredContent(structured)
        .isError(true)
        .build();
  }

  /**
   * {@return a tool handler that reads its arguments, runs {@code body}, and turns every expected
   * failure into an error result}: a bad argument, a refusal of the server, an unreachable server
   */
  static BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> guarded(
      String tool, Function<Arguments, CallToolResult> body) {
    return (exchange, request) -> {
      try {
        return body.apply(Arguments.of(request.arguments()));
      } catch (Arguments.Invalid e) {
        return error(tool + ": " + e.getMessage(), errorObject("INVALID_ARGUMENT", e.getMessage()));
      } catch (SoloException e) {
        return failure(e);
      } catch (RuntimeException e) {
        LOG.error("{} failed", tool, e);
        String message = "solo mcp failed inside " + tool + ": " + e.getClass().getSimpleName()
            + "; the Solo server was not necessarily reached. Its log (stderr) has the details.";
        return error(message, errorObject("INTERNAL", message));
      }
    };
  }

  /**
   * {@return a refusal or failure of the server as an error result whose first line is {@code
   * CODE: reason} and whose next lines say what to do}: findings one per line as {@code
   * File.java:LINE:COL: RULE: message}; NOT_FOUND naming {@code solo_list_services}
   */
  static CallToolResult failure(SoloException e) {
    String reason = e.reason().endsWith(SEE_SOLO_LIST)
        ? e.reason().substring(0, e.reason().length() - SEE_SOLO_LIST.length()) : e.reason();
    StringBuilder text = new StringBuilder(e.code() + ": " + reason);
    Map<String, Object> structured = errorObject(e.code().name(), reason);
    if (!e.findings().isEmpty()) {
      text.append("\nFix each finding below and submit the files again:");
      List<Map<String, Object>> findings = new ArrayList<>();
      for (Finding finding : e.findings()) {
        text.append('\n').append(line(finding));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("file", finding.file());
        f.put("line", finding.line());
        f.put("column", finding.column());
        f.put("rule", finding.rule());
        f.put("message", finding.message());
        findings.add(f);
      }
      structured.put("findings", findings);
    }
    String hint = hint(e);
    if (!hint.isEmpty()) {
      text.append('\n').append(hint);
    }
    return error(text.toString(), structured);
  }

  /** {@return the finding as compilers print it; a finding about no file in particular has no position} */
  static String line(Finding finding) {
    return finding.file().isEmpty() ? finding.rule() + ": " + finding.message() : finding.toString();
  }

  private static String hint(SoloException e) {
    return switch (e.code()) {
      case NOT_FOUND -> "Call solo_list_services to see which services exist; a killed service's tools are gone.";
      case RESOURCE_EXHAUSTED -> e.reason().contains("budget")
          ? "The service spent its whole budget on one call: make the method do less per call (bound its loops and"
              + " data), then solo_hot_swap the fix."
          : "A limit of the tenant was reached; wait, or free capacity (solo_kill_service), then try again.";
      case PERMISSION_DENIED -> "The credentials of this MCP server do not allow it; ask the tenant's owner for a token"
          + " that holds the permission.";
      case UNAVAILABLE -> e.unreachable()
          ? "The Solo server is not running or not reachable; start it (solo server) and try again."
          : "Try again in a moment; solo_get_logs and solo_get_events show what the service did.";
      case ALREADY_EXISTS -> "Use solo_hot_swap to change a running service, or solo_kill_service and deploy anew.";
      case UNIMPLEMENTED -> "This Solo server does not offer it yet.";
      case UNKNOWN -> "The service's code threw; solo_get_logs shows what it logged.";
      default -> "";
    };
  }

  static Map<String, Object> errorObject(String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("error", code);
    error.put("message", message);
    return error;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
