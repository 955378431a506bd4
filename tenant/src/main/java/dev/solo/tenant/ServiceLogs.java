package dev.solo.tenant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the services of one tenant wrote with {@code ctx.log()}: the newest lines of each
 * service, in memory only. A server restart forgets them, and so do a kill and a new deploy of
 * the same name. Safe to use from any thread: services append from tenant-code threads.
 */
public final class ServiceLogs {
  /** The tail a query gets when it asks for none. */
  public static final int DEFAULT_TAIL = 100;
  /** The longest text a query may filter by. */
  public static final int MAX_CONTAINS_CHARS = 256;
  /** Marks a line that was cut at the limit. */
  private static final String CUT = " ...(cut)";

  private final Limits limits;
  private final Map<String, Ring> rings = new ConcurrentHashMap<>();

  /**
   * How much one service's log keeps.
   *
   * @param linesPerService the newest lines kept per service; older ones are dropped
   * @param maxLineChars the longest line kept; a longer one is cut and marked
   */
  public record Limits(int linesPerService, int maxLineChars) {
    /** Checks that both are positive. */
    public Limits {
      if (linesPerService < 1 || maxLineChars < 16) {
        throw new IllegalArgumentException("log limits must be positive (lines) and at least 16 (line length): "
            + linesPerService + ", " + maxLineChars);
      }
    }

    /** {@return 1,000 lines of at most 1,024 characters per service} */
    public static Limits defaults() {
      return new Limits(1000, 1024);
    }
  }

  /**
   * One line a service logged.
   *
   * @param timeUnixMs when, by the kernel clock
   * @param level {@code INFO}, {@code WARN} or {@code ERROR}
   * @param message the text, cut at the line limit
   * @param version the version of the service that logged it
   */
  public record Line(long timeUnixMs, String level, String message, int version) {}

  /**
   * Which lines to read: those at or after {@code sinceUnixMs} that contain {@code contains}
   * (plain text, case-sensitive), and of those the newest {@code tail}, oldest first.
   *
   * @param tail how many of the newest matching lines; 0 for {@link #DEFAULT_TAIL}
   * @param sinceUnixMs the earliest time; 0 for all
   * @param contains text a line must contain; empty for every line
   */
  public record Query(int tail, long sinceUnixMs, String contains) {
    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException saying what is wrong, for the caller
     */
    public Query {
      Objects.requireNonNull(contains, "contains");
      if (tail < 0) {
        throw new IllegalArgumentException("tail must not be negative, got " + tail);
      }
      if (sinceUnixMs < 0) {
        throw new IllegalArgumentException("since must not be before 1970, got " + sinceUnixMs + " ms");
      }
      if (contains.length() > MAX_CONTAINS_CHARS) {
        throw new IllegalArgumentException("grep text has " + contains.length() + " characters, at most " + MAX_CONTAINS_CHARS);
      }
    }

    /** {@return the newest {@link #DEFAULT_TAIL} lines} */
    public static Query newest() {
      return new Query(0, 0, "");
    }
  }

  /** Creates an empty log store with the given limits. */
  public ServiceLogs(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Records one line; the oldest line of the service goes once it has {@code linesPerService}. */
  void append(String service, int version, String level, String message, long timeUnixMs) {
    Line line = new Line(timeUnixMs, level, cut(String.valueOf(message)), version);
    rings.computeIfAbsent(service, name -> new Ring(limits.linesPerService())).add(line);
  }

  /** {@return the service's lines that match the query, oldest first} */
  public List<Line> read(String service, Query query) {
    Ring ring = rings.get(service);
    if (ring == null) {
      return List.of();
    }
    List<Line> matching = new ArrayList<>();
    for (Line line : ring.lines()) {
      if (line.timeUnixMs() >= query.sinceUnixMs() && line.message().contains(query.contains())) {
        matching.add(line);
      }
    }
    int tail = Math.min(query.tail() == 0 ? DEFAULT_TAIL : query.tail(), limits.linesPerService());
    return List.copyOf(matching.subList(Math.max(0, matching.size() - tail), matching.size()));
  }

  /** Forgets a service's lines: it was killed, or a new incarnation of its name is being deployed. */
  void drop(String service) {
    rings.remove(service);
  }

  private String cut(String message) {
    if (message.length() <= limits.maxLineChars()) {
      return message;
    }
    int end = limits.maxLineChars() - CUT.length();
    if (Character.isHighSurrogate(message.charAt(end - 1))) {
      end--;
    }
    return message.substring(0, end) + CUT;
  }

  /** The newest lines of one service. */
  private static final class Ring {
    private final int capacity;
    private final ArrayDeque<Line> lines;

    Ring(int capacity) {
      this.capacity = capacity;
      this.lines = new ArrayDeque<>(Math.min(capacity, 64));
    }

    synchronized void add(Line line) {
      if (lines.size() == capacity) {
        lines.removeFirst();
      }
      lines.addLast(line);
    }

    synchronized List<Line> lines() {
      return List.copyOf(lines);
    }
  }
}
