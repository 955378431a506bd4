package dev.solo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code solo events}: the event log, one event per line. */
@Command(
    name = "events",
    description = {
      "Show events, oldest first: `#ID TIME TENANT TYPE SUBJECT key=value ...`, or one JSON object per line.",
      "With --follow, keep printing new events until interrupted."
    })
final class EventsCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type (repeatable).")
  List<String> types = new ArrayList<>();

  @Option(names = "--tenant", paramLabel = "NAME", description = "Admin: only this tenant's events.")
  String tenant = "";

  @Option(names = "--subject", paramLabel = "SUBJECT", description = "Only events about this subject.")
  String subject = "";

  @Option(names = "--since-id", paramLabel = "ID", description = "Only events after this id.")
  long sinceId;

  @Option(names = "--limit", paramLabel = "N", description = "At most N events (default: the server's, 1000).")
  int limit;

  @Option(names = {"-f", "--follow"}, description = "After the history, keep streaming new events.")
  boolean follow;

  @Option(names = "--newest-first", description = "Newest events first (not with --follow).")
  boolean newestFirst;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  int run(SoloClient client) {
    EventQuery query =
        EventQuery.of()
            .withTypes(types)
            .withTenant(tenant)
            .withSubject(subject)
            .withAfterId(sinceId)
            .withLimit(limit)
            .withFollow(follow)
            .withNewestFirst(newestFirst);
    try (EventStream events = client.events(query)) {
      while (events.hasNext()) {
        Event e = events.next();
        out().println(json ? json(e) : human(e));
        out().flush();
        if (out().checkError()) break; // the reader went away, as with `| head`
      }
    }
    return 0;
  }

  /** {@return the event as {@code #ID TIME TENANT TYPE SUBJECT key=value ...}, keys sorted} */
  static String human(Event e) {
    StringBuilder line =
        new StringBuilder()
            .append('#').append(e.id())
            .append(' ').append(e.time())
            .append(' ').append(orDash(e.tenant()))
            .append(' ').append(e.type())
            .append(' ').append(orDash(e.subject()));
    for (Map.Entry<String, String> a : new TreeMap<>(e.attributes()).entrySet()) {
      line.append(' ').append(a.getKey()).append('=').append(quoted(a.getValue()));
    }
    return line.toString();
  }

  /**
   * {@return the event as one line of JSON with the keys {@code id}, {@code time} (ISO-8601 UTC),
   * {@code tenant}, {@code type}, {@code subject}, {@code attributes}, {@code causation_id} and
   * {@code principal}}
   */
  static String json(Event e) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", e.id());
    node.put("time", e.time().toString());
    node.put("tenant", e.tenant());
    node.put("type", e.type());
    node.put("subject", e.subject());
    ObjectNode attributes = node.putObject("attributes");
    new TreeMap<>(e.attributes()).forEach(attributes::put);
    node.put("causation_id", e.causationId());
    node.put("principal", e.principal());
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Quotes a value a shell-minded reader would misread: empty, or with spaces, quotes or {@code =}. */
  private static String quoted(String value) {
    if (!value.isEmpty() && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '=' || c == '\\')) {
      return value;
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
