package dev.solo.client;

import java.time.Instant;

/**
 * One line a service logged.
 *
 * @param time when it was logged
 * @param level {@code INFO}, {@code WARN} or {@code ERROR}
 * @param message the text
 * @param version the version of the service that logged it
 */
public record LogLine(Instant time, String level, String message, int version) {

  static LogLine from(dev.solo.proto.v1.LogLine l) {
    return new LogLine(Instant.ofEpochMilli(l.getTimeUnixMs()), l.getLevel(), l.getMessage(), l.getVersion());
  }
}
