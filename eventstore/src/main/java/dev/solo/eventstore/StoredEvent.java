package dev.solo.eventstore;

import com.google.protobuf.CodedOutputStream;
import dev.solo.proto.v1.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * An event as the event log hands it to the journal: the draft's bytes, serialized by the caller
 * that appended it, and the id and times the log gave it. Its bytes are those of the complete
 * {@link Event} (protobuf merges fields appended to a message), and it is journaled under
 * {@code Event}'s manifest, so the journal reads it back as an {@code Event}.
 *
 * <p>It exists so that the log's single thread, and the journal's, do not copy and serialize every
 * event of a batch while the next batch waits: that work happens on the appending threads.
 */
record StoredEvent(byte[] draft, long id, long timeUnixMs, long monotonicNs) {
  /** {@return the bytes of the complete event} */
  byte[] toByteArray() {
    int size = draft.length
        + CodedOutputStream.computeUInt64Size(Event.ID_FIELD_NUMBER, id)
        + CodedOutputStream.computeInt64Size(Event.TIME_UNIX_MS_FIELD_NUMBER, timeUnixMs)
        + CodedOutputStream.computeInt64Size(Event.MONOTONIC_NS_FIELD_NUMBER, monotonicNs);
    byte[] bytes = Arrays.copyOf(draft, size);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, draft.length, size - draft.length);
    try {
      out.writeUInt64(Event.ID_FIELD_NUMBER, id);
      out.writeInt64(Event.TIME_UNIX_MS_FIELD_NUMBER, timeUnixMs);
      out.writeInt64(Event.MONOTONIC_NS_FIELD_NUMBER, monotonicNs);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("sizes computed above cannot be exceeded", e);
    }
    return bytes;
  }
}
