package dev.solo.api;

import java.util.List;
import java.util.Optional;

/**
 * A durable key-value store private to one service of one tenant. A {@link #put} that returns
 * has been written to disk.
 */
public interface Kv {
  /** {@return the value stored under {@code key}, if any} */
  Optional<byte[]> get(String key);

  /** Stores {@code value} under {@code key}, replacing any earlier value. */
  void put(String key, byte[] value);

  /** {@return true if a value was stored under {@code key} and is now deleted} */
  boolean delete(String key);

  /** {@return at most {@code limit} keys that start with {@code prefix}, in lexicographic order} */
  List<String> keys(String prefix, int limit);
}
