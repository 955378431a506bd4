package dev.solo.capability.vault;

import com.google.protobuf.ByteString;
import dev.solo.proto.state.v1.SecretStored;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens secret values. Each value gets a fresh salt, from which HKDF-SHA256 derives its
 * own AES-256 key from the master key, and a fresh nonce; the tenant and name are the associated
 * data, so a ciphertext opens only under the tenant and name it was sealed for.
 */
final class SecretCipher {
  static final int SALT_BYTES = 16;
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;
  private static final byte[] INFO = "solo secret v1".getBytes(StandardCharsets.UTF_8);
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MasterKey master;

  SecretCipher(MasterKey master) {
    this.master = Objects.requireNonNull(master, "master");
  }

  /** {@return {@code value} sealed for {@code tenant} and {@code name}, stamped {@code timeUnixMs}} */
  SecretStored seal(String tenant, String name, byte[] value, long timeUnixMs) {
    byte[] salt = random(SALT_BYTES);
    byte[] nonce = random(NONCE_BYTES);
    byte[] ciphertext;
    try {
      ciphertext = cipher(Cipher.ENCRYPT_MODE, salt, nonce, tenant, name).doFinal(value);
    } catch (GeneralSecurityException e) {
      // Every Java runtime has AES-GCM; the exception names no key or value.
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return SecretStored.newBuilder()
        .setTenant(tenant)
        .setName(name)
        .setSalt(ByteString.copyFrom(salt))
        .setNonce(ByteString.copyFrom(nonce))
        .setCiphertext(ByteString.copyFrom(ciphertext))
        .setTimeUnixMs(timeUnixMs)
        .build();
  }

  /**
   * {@return the value in {@code stored}, or empty if it does not open: sealed under another
   * master key, for another tenant or name, or altered}
   */
  Optional<byte[]> open(SecretStored stored) {
    if (stored.getSalt().size() != SALT_BYTES || stored.getNonce().size() != NONCE_BYTES
        || stored.getCiphertext().size() < TAG_BITS / 8) {
      return Optional.empty();
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, stored.getSalt().toByteArray(), stored.getNonce().toByteArray(),
          stored.getTenant(), stored.getName());
      return Optional.of(cipher.doFinal(stored.getCiphertext().toByteArray()));
    } catch (GeneralSecurityException | ProviderException e) {
      // Tag mismatch and malformed input alike: the caller learns only that it did not open.
      return Optional.empty();
    }
  }

  private Cipher cipher(int mode, byte[] salt, byte[] nonce, String tenant, String name)
      throws GeneralSecurityException {
    byte[] key = master.derive(salt, INFO, KEY_BYTES);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(tenant, name));
      return cipher;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  // Names never contain NUL, so no two (tenant, name) pairs share associated data.
  private static byte[] associatedData(String tenant, String name) {
    return (tenant + "\0" + name).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
