package dev.solo.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solo.client.DeployResult;
import dev.solo.client.Event;
import dev.solo.client.LogLine;
import dev.solo.client.MethodInfo;
import dev.solo.client.ServiceDescription;
import dev.solo.client.ServiceInfo;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import dev.solo.client.SwapResult;
import dev.solo.client.WhoAmI;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The tools that are always there, whatever runs: who am I, the services, deploy, call, swap,
 * roll back, kill, events and logs. A client that ignores {@code tools/list_changed} can do
 * everything with these. Every tool that changes something takes an {@code explanation}, which
 * the server records in the event log.
 */
final class FixedTools {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final long MAX_WATCHDOG_MS = 600_000;

  private static final String SERVICE = """
      "service": {"type": "string", "description": "The service name, as solo_list_services shows it."}""";
  private static final String EXPLANATION = """
      "explanation": {"type": "string", "minLength": 1,
        "description": "Why you do this, in one sentence; recorded in the tenant's event log for whoever reviews it."}""";
  private static final String FILES = """
      "files": {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"},
        "description": "The Java source files: file name (such as Counter.java) to the whole source text."}""";

  private final SoloClient client;
  private final LiveTools live;
  private final EventPoll events;

  FixedTools(SoloClient client, LiveTools live, EventPoll events) {
    this.client = client;
    this.live = live;
    this.events = events;
  }

  /** {@return the fixed tools, in the order a model would use them} */
  List<SyncToolSpecification> all() {
    return List.of(whoAmI(), listServices(), describeService(), deployService(), callService(), hotSwap(), rollback(),
        killService(), getEvents(), getLogs());
  }

  // ---- reading ----

  private SyncToolSpecification whoAmI() {
    return tool("solo_whoami", """
        Who this MCP server acts as on the Solo server: the tenant, the permissions of its token and when the token \
        expires. Everything you do here acts as that tenant and sees only its services and events.""",
        "{}", reading(), arguments -> {
          WhoAmI me = client.whoAmI();
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("principal", me.principal());
          out.put("tenant", me.tenant());
          out.put("token_id", me.tokenId());
          out.put("permissions", me.permissions());
          out.put("token_expires", me.tokenExpires().map(Instant::toString).orElse(null));
          out.put("server", client.server());
          return ToolResults.ok(out);
        });
  }

  private SyncToolSpecification listServices() {
    return tool("solo_list_services", """
        The tenant's live services: name, running version, state (running, starting, failed, quarantined) and the \
        tools of their described methods (named <service>__<method>). Start here.""",
        "{}", reading(), arguments -> {
          List<Map<String, Object>> services = new ArrayList<>();
          for (ServiceInfo service : client.listServices()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", service.name());
            s.put("version", service.version());
            s.put("state", service.state());
            s.put("artifact_hash", service.artifactHash());
            s.put("deployed", service.deployed().toString());
            s.put("tools", live.toolsOf(service.name()));
            services.add(s);
          }
          return ToolResults.ok(Map.of("services", services));
        });
  }

  private SyncToolSpecification describeService() {
    return tool("solo_describe_service", """
        The methods a service described about itself (its methods()), each with its input JSON Schema, whether it \
        only reads, and the tool that calls it. Methods it did not describe can still be called with \
        solo_call_service.""",
        "{\"properties\": {" + SERVICE + "}, \"required\": [\"service\"]}", reading(), arguments -> {
          String service = arguments.requiredString("service");
          ServiceDescription description = client.describe(service);
          List<Map<String, Object>> methods = new ArrayList<>();
          for (MethodInfo method : description.methods()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", method.name());
            m.put("description", method.description());
            m.put("read_only", method.readOnly());
            m.put("input_schema", schema(method.inputSchema()));
            m.put("tool", DynamicTools.name(service, method.name()));
            methods.add(m);
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("service", description.service());
          out.put("version", description.version());
          out.put("methods", methods);
          return ToolResults.ok(out);
        });
  }

  private SyncToolSpecification getEvents() {
    return tool("solo_get_events", """
        The tenant's event log, oldest first: deploys, kills, swaps, crashes, denials and the services' own custom.* \
        events, each with its attributes (an 'explanation' attribute holds the reason given for a change). Pass \
        the returned next_after_id as after_id to read on; with wait_ms, waits up to that long for new events and \
        returns as soon as some come (a long poll).""",
        """
        {"properties": {
          "after_id": {"type": "integer", "minimum": 0, "description": "Only events with a larger id; 0 (default) for the start."},
          "types": {"type": "array", "items": {"type": "string"},
            "description": "Only these event types, such as service_deployed, service_killed, hot_swap_succeeded; empty for all."},
          "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "At most this many events (default 100)."},
          "wait_ms": {"type": "integer", "minimum": 0, "maximum": 60000,
            "description": "If there are no events yet, wait up to this long for one (default 0: do not wait)."}}}""",
        reading(), arguments -> {
          long after = arguments.optionalLong("after_id", 0, 0, Long.MAX_VALUE);
          List<String> types = arguments.optionalStringList("types");
          int limit = (int) arguments.optionalLong("limit", EventPoll.DEFAULT_LIMIT, 1, EventPoll.MAX_LIMIT);
          long wait = arguments.optionalLong("wait_ms", 0, 0, EventPoll.MAX_WAIT_MS);
          EventPoll.Page page = events.poll(after, types, limit, wait);
          List<Map<String, Object>> list = new ArrayList<>();
          for (Event event : page.events()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", event.id());
            e.put("time", event.time().toString());
            e.put("type", event.type());
            e.put("subject", event.subject());
            e.put("attributes", new TreeMap<>(event.attributes()));
            e.put("principal", event.principal());
            list.add(e);
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("events", list);
          out.put("next_after_id", page.nextAfterId());
          return ToolResults.ok(out);
        });
  }

  private SyncToolSpecification getLogs() {
    return tool("solo_get_logs", """
        What a service wrote with ctx.log(), oldest first, each line with its time, level (INFO, WARN, ERROR) and the \
        version that logged it. The server keeps the last 1,000 lines per service, in memory only.""",
        "{\"properties\": {" + SERVICE + """
        ,
          "tail": {"type": "integer", "minimum": 0, "maximum": 1000, "description": "The newest N matching lines (default 100)."},
          "since": {"type": "string", "description": "Only lines logged at or after this ISO-8601 time, such as 2026-01-02T03:04:05Z."},
          "grep": {"type": "string", "maxLength": 256, "description": "Only lines that contain this text (plain text, case-sensitive)."}},
         "required": ["service"]}""",
        reading(), arguments -> {
          String service = arguments.requiredString("service");
          int tail = (int) arguments.optionalLong("tail", 0, 0, 1000);
          String since = arguments.optionalString("since", "");
          Instant from;
          try {
            from = since.isBlank() ? Instant.EPOCH : Instant.parse(since.strip());
          } catch (DateTimeParseException e) {
            throw new Arguments.Invalid("argument 'since' must be an ISO-8601 time such as 2026-01-02T03:04:05Z, got " + since);
          }
          List<Map<String, Object>> lines = new ArrayList<>();
          for (LogLine line : client.logs(service, tail, from, arguments.optionalString("grep", ""))) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("time", line.time().toString());
            l.put("level", line.level());
            l.put("version", line.version());
            l.put("message", line.message());
            lines.add(l);
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("service", service);
          out.put("lines", lines);
          return ToolResults.ok(out);
        });
  }

  // ---- calling ----

  private SyncToolSpecification callService() {
    return tool("solo_call_service", """
        Calls any method of a service, described or not, and returns its reply: status (200 is success), the version \
        that answered, and the body (parsed when it is JSON). A body given as a string is sent as it is (UTF-8); \
        any other JSON value is sent as JSON text. Prefer the <service>__<method> tools for described methods.""",
        "{\"properties\": {" + SERVICE + """
        ,
          "method": {"type": "string", "description": "The method name the service's handle() switches on."},
          "body": {"description": "The request body: a string sent as text, or any JSON value sent as JSON. Optional."}},
         "required": ["service", "method"]}""",
        ToolAnnotations.builder().readOnlyHint(false).destructiveHint(true).openWorldHint(false).build(), arguments -> {
          Object body = arguments.raw("body");
          byte[] bytes = body == null ? new byte[0]
              : body instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
              : ToolResults.json(body).getBytes(StandardCharsets.UTF_8);
          return DynamicTools.call(client, arguments.requiredString("service"), arguments.requiredString("method"), bytes);
        });
  }

  // ---- changing ----

  private SyncToolSpecification deployService() {
    return tool("solo_deploy_service", """
        Checks, compiles and starts a new service from Java source. One public class must implement \
        dev.solo.api.Service (with a public no-argument constructor): `public Reply handle(Request request, Context ctx)` \
        answers one request at a time (request.method(), request.text(); Reply.ok(text), Reply.status(code, text)). \
        Describe its methods so they become tools: `public Map<String, MethodSpec> methods()` returning \
        Map.of("name", new MethodSpec("what it does", "{\\"type\\":\\"object\\",\\"properties\\":{...}}", readOnly)); \
        a tool's arguments arrive as the JSON request body. ctx offers kv() (durable key-value), log(), call(), emit(), \
        now(); no files, threads, sockets or reflection. Each call runs under a budget (CPU, memory). A refusal lists \
        findings as File.java:LINE:COL: RULE: message. To change a running service use solo_hot_swap.""",
        "{\"properties\": {" + """
          "service": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,62}$",
            "description": "The new service's name: 1 to 63 of a-z, 0-9 and -, starting with a letter."},
        """ + FILES + """
        ,
          "grants": {"type": "array", "items": {"type": "string"},
            "description": "Capabilities for the service, such as secret.read:db-password; the token must hold them. Optional."},
        """ + EXPLANATION + "}, \"required\": [\"service\", \"files\", \"explanation\"]}",
        ToolAnnotations.builder().readOnlyHint(false).destructiveHint(false).idempotentHint(false).openWorldHint(false).build(),
        arguments -> {
          String service = arguments.requiredString("service");
          DeployResult deployed = client.deploy(service, arguments.requiredStringMap("files"),
              arguments.optionalStringList("grants"), arguments.requiredString("explanation"));
          refreshTools();
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("service", deployed.service());
          out.put("version", deployed.version());
          out.put("artifact_hash", deployed.artifactHash());
          out.put("event_id", deployed.eventId());
          out.put("tools", live.toolsOf(service));
          return ToolResults.ok(out);
        });
  }

  private SyncToolSpecification hotSwap() {
    return tool("solo_hot_swap", """
        Replaces the code of a running service without losing a request: the new source goes through the whole deploy \
        check first, then the old instance's snapshot() is handed to the new one's restore(). If the new version \
        crashes, trips a budget or throws within the watchdog window, the old version comes back. The service's tool \
        names stay the same; their descriptions and schemas follow the new methods().""",
        "{\"properties\": {" + SERVICE + ",\n" + FILES + """
        ,
          "watchdog_ms": {"type": "integer", "minimum": 0, "maximum": 600000,
            "description": "How long a failure of the new version rolls it back; omit for the server's default (30 s), 0 to commit at once."},
        """ + EXPLANATION + "}, \"required\": [\"service\", \"files\", \"explanation\"]}",
        changing(), arguments -> {
          SwapResult swapped = client.swap(arguments.requiredString("service"), arguments.requiredStringMap("files"),
              arguments.raw("watchdog_ms") == null ? null
                  : Duration.ofMillis(arguments.optionalLong("watchdog_ms", 0, 0, MAX_WATCHDOG_MS)),
              arguments.requiredString("explanation"));
          return swapped(swapped);
        });
  }

  private SyncToolSpecification rollback() {
    return tool("solo_rollback", """
        Switches a service back to one of its kept versions (numbered 1, 2, 3, ...; the version before if to_version \
        is left out), with its state handed over as in a hot swap.""",
        "{\"properties\": {" + SERVICE + """
        ,
          "to_version": {"type": "integer", "minimum": 1, "description": "The version to run again; leave it out for the one before."},
        """ + EXPLANATION + "}, \"required\": [\"service\", \"explanation\"]}",
        changing(), arguments -> {
          SwapResult swapped = client.rollback(arguments.requiredString("service"),
              (int) arguments.optionalLong("to_version", 0, 1, Integer.MAX_VALUE), arguments.requiredString("explanation"));
          return swapped(swapped);
        });
  }

  private SyncToolSpecification killService() {
    return tool("solo_kill_service", """
        Stops a service for good and removes it with its tools; its saved state goes, its key-value data and events \
        stay. Deploy the name again to start anew.""",
        "{\"properties\": {" + SERVICE + ",\n" + EXPLANATION + "}, \"required\": [\"service\", \"explanation\"]}",
        changing(), arguments -> {
          String service = arguments.requiredString("service");
          List<String> tools = live.toolsOf(service);
          long eventId = client.kill(service, arguments.requiredString("explanation"));
          refreshTools();
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("service", service);
          out.put("event_id", eventId);
          out.put("removed_tools", tools);
          return ToolResults.ok(out);
        });
  }

  private CallToolResult swapped(SwapResult swapped) {
    refreshTools();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("service", swapped.service());
    out.put("version", swapped.version());
    out.put("previous_version", swapped.previousVersion());
    out.put("tools", live.toolsOf(swapped.service()));
    return ToolResults.ok(out);
  }

  /** The change is done either way; the tool list follows now rather than after the event. */
  private void refreshTools() {
    try {
      live.refresh();
    } catch (SoloException e) {
      live.refreshSoon();
    }
  }

  // ---- building ----

  private static SyncToolSpecification tool(String name, String description, String properties, ToolAnnotations hints,
      Function<Arguments, CallToolResult> body) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.putAll(schema(properties.equals("{}") ? "{\"properties\": {}}" : properties));
    schema.put("additionalProperties", false);
    Tool tool = Tool.builder(name, schema).description(description).annotations(hints).build();
    return SyncToolSpecification.builder().tool(tool).callHandler(ToolResults.guarded(name, body)).build();
  }

  private static Map<String, Object> schema(String json) {
    try {
      return JSON.readValue(json, OBJECT);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON object: " + json, e);
    }
  }

  private static ToolAnnotations reading() {
    return ToolAnnotations.builder().readOnlyHint(true).destructiveHint(false).idempotentHint(true).openWorldHint(false).build();
  }

  private static ToolAnnotations changing() {
    return ToolAnnotations.builder().readOnlyHint(false).destructiveHint(true).idempotentHint(false).openWorldHint(false).build();
  }
}
