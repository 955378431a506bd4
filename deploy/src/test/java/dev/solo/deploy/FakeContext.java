package dev.solo.deploy;

import dev.solo.api.Context;
import dev.solo.api.Kv;
import dev.solo.api.Log;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A context with an in-memory key-value store and a silent log, for running services in tests. */
final class FakeContext implements Context, Kv, Log {
  private final Map<String, byte[]> values = new TreeMap<>();

  @Override public String tenant() { return "test"; }
  @Override public String service() { return "test"; }
  @Override public String version() { return "1"; }
  @Override public Kv kv() { return this; }
  @Override public Reply call(String service, Request request) { throw new IllegalStateException("no services"); }
  @Override public void publish(String topic, byte[] payload) {}
  @Override public void schedule(Duration delay, Request request) {}
  @Override public void emit(String type, Map<String, String> attributes) {}
  @Override public Log log() { return this; }
  @Override public long now() { return 0; }
  @Override public Optional<String> secret(String name) { return Optional.empty(); }

  @Override public Optional<byte[]> get(String key) { return Optional.ofNullable(values.get(key)); }
  @Override public void put(String key, byte[] value) { values.put(key, value); }
  @Override public boolean delete(String key) { return values.remove(key) != null; }
  @Override public List<String> keys(String prefix, int limit) {
    return values.keySet().stream().filter(k -> k.startsWith(prefix)).limit(limit).toList();
  }

  @Override public void info(String msg) {}
  @Override public void warn(String msg) {}
  @Override public void error(String msg) {}
}
