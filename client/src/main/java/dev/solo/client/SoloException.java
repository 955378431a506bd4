package dev.solo.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * A call the server refused or that could not be made. {@link #getMessage()} is {@code CODE:
 * reason}, one line, safe to show to a person.
 */
public final class SoloException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String reason;
  private final List<Finding> findings;
  private final boolean unreachable;
  private final Duration retryAfter;

  /** Creates an exception with the given status code, one-line reason and findings. */
  public SoloException(Status.Code code, String reason, List<Finding> findings) {
    this(code, reason, findings, false, null, null);
  }

  private SoloException(
      Status.Code code, String reason, List<Finding> findings, boolean unreachable, Duration retryAfter, Throwable cause) {
    super(code + ": " + reason, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.findings = List.copyOf(findings);
    this.unreachable = unreachable;
    this.retryAfter = retryAfter;
  }

  /** {@return the gRPC status code, for example {@code NOT_FOUND}} */
  public Status.Code code() {
    return code;
  }

  /** {@return why, in one line} */
  public String reason() {
    return reason;
  }

  /** {@return why a deploy or swap was refused, one finding per problem; empty otherwise} */
  public List<Finding> findings() {
    return findings;
  }

  /**
   * {@return when the call may be tried again with a fair chance, if the server said}: a call the
   * load shedder refused ({@code RESOURCE_EXHAUSTED}) carries it; calls are never retried by the
   * client itself, since a retried call might run twice
   */
  public java.util.Optional<Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }

  /**
   * {@return true if no connection to the server could be made at all, as opposed to the server
   * answering {@code UNAVAILABLE}}
   */
  public boolean unreachable() {
    return unreachable;
  }

  /**
   * Maps a failed call. Failures of the transport get a reason naming the server, because gRPC's
   * own text for them is neither one line nor meant for people.
   */
  static SoloException from(StatusRuntimeException e, String server, Duration timeout) {
    Status status = e.getStatus();
    Status.Code code = status.getCode();
    String description = Objects.requireNonNullElse(status.getDescription(), "");
    if (code == Status.Code.UNAVAILABLE && status.getCause() != null) {
      SSLException tls = find(status.getCause(), SSLException.class);
      return tls == null
          ? new SoloException(code, "cannot reach the server at " + server, List.of(), true, null, e)
          : new SoloException(code, "TLS handshake with the server at " + server + " failed: " + firstLine(tls.getMessage()),
              List.of(), false, null, e);
    }
    if (code == Status.Code.DEADLINE_EXCEEDED
        && (description.contains("deadline exceeded after") || description.contains("deadline was exceeded"))) {
      String reason = "no answer from the server at " + server + " within " + seconds(timeout);
      return new SoloException(code, reason, List.of(), false, null, e);
    }
    String reason = firstLine(description);
    if (reason.isEmpty()) reason = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return new SoloException(code, reason, findings(e.getTrailers()), false, retryAfter(e.getTrailers()), e);
  }

  private static Duration retryAfter(Metadata trailers) {
    String millis = trailers == null ? null : trailers.get(Keys.RETRY_AFTER_MS);
    if (millis == null) return null;
    try {
      long value = Long.parseLong(millis.strip());
      return value >= 0 ? Duration.ofMillis(value) : null;
    } catch (NumberFormatException e) {
      return null; // a hint the client cannot read is no hint
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static List<Finding> findings(Metadata trailers) {
    if (trailers == null || !trailers.containsKey(Keys.FINDINGS)) return List.of();
    return trailers.get(Keys.FINDINGS).getFindingsList().stream().map(Finding::from).toList();
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) return type.cast(c);
    }
    return null;
  }

  private static String firstLine(String text) {
    if (text == null) return "";
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }
}
