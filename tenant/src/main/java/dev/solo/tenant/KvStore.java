package dev.solo.tenant;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.solo.api.Kv;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Durable per-service storage in one LevelDB database: the services' key-value data and the
 * in-memory state they hand over in {@code snapshot()} at a graceful stop. Keys are prefixed
 * with the tenant and service, so no service can name another's data. Every write is synced.
 */
public final class KvStore implements AutoCloseable {
  /** The longest key a service may use, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 512;
  /** The largest value a service may store. */
  public static final int MAX_VALUE_BYTES = 1 << 20;
  /** The most keys one {@code keys} call returns. */
  public static final int MAX_KEYS = 10_000;

  private static final byte KV = 'k';
  private static final byte STATE = 's';
  private static final WriteOptions SYNC = new WriteOptions().sync(true);

  private final DB db;
  /** Bytes (keys and values) each tenant stores, counted on first use and kept up to date. */
  private final Map<String, AtomicLong> usage = new ConcurrentHashMap<>();

  private KvStore(DB db) {
    this.db = db;
  }

  /** {@return the store in {@code dir}, created if missing} */
  public static KvStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Options options = new Options().createIfMissing(true);
    return new KvStore(JniDBFactory.factory.open(dir.toFile(), options));
  }

  /** {@return the key-value store of one service, without a quota} */
  public Kv kv(String tenant, String service) {
    return kv(tenant, service, () -> Long.MAX_VALUE);
  }

  /**
   * {@return the key-value store of one service}; a put that would take the tenant's stored
   * bytes (keys and values of all its services) past {@code quotaBytes} throws
   * {@link QuotaExceededException}
   */
  public Kv kv(String tenant, String service, LongSupplier quotaBytes) {
    return new ServiceKv(tenant, prefix(KV, tenant, service), quotaBytes);
  }

  /** {@return the bytes, keys and values, that a tenant's services store} */
  public long usedBytes(String tenant) {
    return usageOf(tenant).get();
  }

  private AtomicLong usageOf(String tenant) {
    return usage.computeIfAbsent(tenant, t -> {
      byte[] name = t.getBytes(UTF_8);
      byte[] start = ByteBuffer.allocate(1 + name.length + 1).put(KV).put(name).put((byte) 0).array();
      long bytes = 0;
      try (DBIterator it = db.iterator()) {
        for (it.seek(start); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> entry = it.next();
          if (!startsWith(entry.getKey(), start)) {
            break;
          }
          bytes += entry.getKey().length + entry.getValue().length;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("the key-value store could not be read", e);
      }
      return new AtomicLong(bytes);
    });
  }

  /** A put that would take a tenant past its key-value quota; nothing was written. */
  public static final class QuotaExceededException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    QuotaExceededException(String message) {
      super(message);
    }
  }

  /** Durably saves a service's snapshot state, replacing any earlier one. */
  public void saveState(String tenant, String service, int version, byte[] state) {
    byte[] value = ByteBuffer.allocate(4 + state.length).putInt(version).put(state).array();
    db.put(prefix(STATE, tenant, service), value, SYNC);
  }

  /** {@return the saved snapshot state of a service, with the version that produced it} */
  public Optional<SavedState> loadState(String tenant, String service) {
    byte[] value = db.get(prefix(STATE, tenant, service));
    if (value == null) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(value);
    int version = buffer.getInt();
    return Optional.of(new SavedState(version, Arrays.copyOfRange(value, 4, value.length)));
  }

  /** Deletes a service's saved snapshot state (its key-value data stays). */
  public void deleteState(String tenant, String service) {
    db.delete(prefix(STATE, tenant, service), SYNC);
  }

  /**
   * Deletes everything of one tenant, key-value data and saved states of every service, in one
   * synced batch. {@return the number of entries deleted}
   */
  public int deleteTenant(String tenant) {
    int deleted = 0;
    try (WriteBatch batch = db.createWriteBatch()) {
      for (byte kind : new byte[] {KV, STATE}) {
        byte[] t = tenant.getBytes(UTF_8);
        byte[] start = ByteBuffer.allocate(1 + t.length + 1).put(kind).put(t).put((byte) 0).array();
        try (DBIterator it = db.iterator()) {
          for (it.seek(start); it.hasNext(); ) {
            byte[] key = it.next().getKey();
            if (!startsWith(key, start)) {
              break;
            }
            batch.delete(key);
            deleted++;
          }
        }
      }
      db.write(batch, SYNC);
      usage.remove(tenant);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the key-value store could not be cleared for tenant " + tenant, e);
    }
    return deleted;
  }

  /** A snapshot saved at a graceful stop. */
  public record SavedState(int version, byte[] state) {}

  @Override
  public void close() throws IOException {
    db.close();
  }

  private static byte[] prefix(byte kind, String tenant, String service) {
    // Names are validated ([a-z][a-z0-9-]*), so they never contain the 0 separator.
    byte[] t = tenant.getBytes(UTF_8);
    byte[] s = service.getBytes(UTF_8);
    return ByteBuffer.allocate(1 + t.length + 1 + s.length + 1).put(kind).put(t).put((byte) 0).put(s).put((byte) 0).array();
  }

  private final class ServiceKv implements Kv {
    private final String tenant;
    private final byte[] prefix;
    private final LongSupplier quotaBytes;

    ServiceKv(String tenant, byte[] prefix, LongSupplier quotaBytes) {
      this.tenant = tenant;
      this.prefix = prefix;
      this.quotaBytes = quotaBytes;
    }

    @Override
    public Optional<byte[]> get(String key) {
      return Optional.ofNullable(db.get(keyOf(key)));
    }

    @Override
    public void put(String key, byte[] value) {
      if (value == null) {
        throw new NullPointerException("value");
      }
      if (value.length > MAX_VALUE_BYTES) {
        throw new IllegalArgumentException("a value may hold at most " + MAX_VALUE_BYTES + " bytes, got " + value.length);
      }
      byte[] k = keyOf(key);
      byte[] old = db.get(k);
      long delta = old == null ? k.length + value.length : value.length - old.length;
      AtomicLong used = usageOf(tenant);
      // One service runs one call at a time, and its keys are its own: only other services of
      // the tenant move the count meanwhile, and the check below is atomic against them.
      long after = used.addAndGet(delta);
      long quota = quotaBytes.getAsLong();
      if (delta > 0 && after > quota) {
        used.addAndGet(-delta);
        throw new QuotaExceededException("the key-value storage of tenant " + tenant + " is full: " + (after - delta)
            + " bytes stored, this put needs " + delta + " more, the limit (kv-mb) is " + quota + " bytes");
      }
      try {
        db.put(k, value, SYNC);
      } catch (RuntimeException e) {
        used.addAndGet(-delta);
        throw e;
      }
    }

    @Override
    public boolean delete(String key) {
      byte[] k = keyOf(key);
      byte[] old = db.get(k);
      if (old == null) {
        return false;
      }
      db.delete(k, SYNC);
      usageOf(tenant).addAndGet(-(k.length + old.length));
      return true;
    }

    @Override
    public List<String> keys(String keyPrefix, int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("limit must be >= 0, got " + limit);
      }
      byte[] start = keyOf(keyPrefix);
      List<String> keys = new ArrayList<>();
      try (DBIterator it = db.iterator()) {
        it.seek(start);
        while (it.hasNext() && keys.size() < Math.min(limit, MAX_KEYS)) {
          Map.Entry<byte[], byte[]> entry = it.next();
          if (!startsWith(entry.getKey(), start)) {
            break;
          }
          keys.add(new String(entry.getKey(), prefix.length, entry.getKey().length - prefix.length, UTF_8));
        }
      } catch (IOException e) {
        throw new IllegalStateException("the key-value store could not be read");
      }
      return keys;
    }

    private byte[] keyOf(String key) {
      if (key == null) {
        throw new NullPointerException("key");
      }
      byte[] k = key.getBytes(UTF_8);
      if (k.length > MAX_KEY_BYTES) {
        throw new IllegalArgumentException("a key may hold at most " + MAX_KEY_BYTES + " bytes, got " + k.length);
      }
      return ByteBuffer.allocate(prefix.length + k.length).put(prefix).put(k).array();
    }
  }

  private static boolean startsWith(byte[] key, byte[] start) {
    return key.length >= start.length && Arrays.equals(key, 0, start.length, start, 0, start.length);
  }
}
