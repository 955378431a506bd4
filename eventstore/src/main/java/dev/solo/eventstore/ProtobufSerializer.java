package dev.solo.eventstore;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.solo.proto.v1.Event;
import java.io.NotSerializableException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Serializes Solo's persisted protobuf messages (journal events and snapshots) for Pekko
 * Persistence. The manifest is the message's class name; only classes under {@code dev.solo.proto}
 * are accepted, so a damaged journal cannot make the kernel load arbitrary classes. A
 * {@link StoredEvent} is written as the {@link Event} it stands for.
 */
public final class ProtobufSerializer extends SerializerWithStringManifest {
  private static final String ALLOWED_PREFIX = "dev.solo.proto.";

  private final ConcurrentHashMap<String, Parser<?>> parsers = new ConcurrentHashMap<>();

  /** Pekko creates serializers reflectively with the actor system. */
  public ProtobufSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return 707_001;
  }

  @Override
  public String manifest(Object o) {
    return o instanceof StoredEvent ? Event.class.getName() : o.getClass().getName();
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Message message) {
      return message.toByteArray();
    }
    if (o instanceof StoredEvent stored) {
      return stored.toByteArray();
    }
    throw new IllegalArgumentException("not a protobuf message: " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      return parserFor(manifest).parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new NotSerializableException("corrupt " + manifest + ": " + e.getMessage());
    }
  }

  private Parser<?> parserFor(String manifest) throws NotSerializableException {
    Parser<?> parser = parsers.get(manifest);
    if (parser != null) {
      return parser;
    }
    if (!manifest.startsWith(ALLOWED_PREFIX)) {
      throw new NotSerializableException("refusing manifest outside " + ALLOWED_PREFIX + ": " + manifest);
    }
    try {
      Class<?> type = Class.forName(manifest, false, ProtobufSerializer.class.getClassLoader());
      if (!Message.class.isAssignableFrom(type)) {
        throw new NotSerializableException("not a protobuf message: " + manifest);
      }
      parser = (Parser<?>) type.getMethod("parser").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new NotSerializableException("unknown manifest " + manifest);
    }
    parsers.putIfAbsent(manifest, parser);
    return parser;
  }
}
