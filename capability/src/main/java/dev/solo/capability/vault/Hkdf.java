package dev.solo.capability.vault;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract, then expand. */
final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_BYTES = 32;
  private static final int MAX_OUTPUT_BYTES = 255 * HASH_BYTES;

  private Hkdf() {}

  /** {@return {@code length} bytes of key material derived from {@code ikm}, {@code salt} and {@code info}} */
  static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (length < 1 || length > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException("HKDF-SHA256 derives 1 to " + MAX_OUTPUT_BYTES + " bytes, not " + length);
    }
    byte[] prk = extract(ikm, salt);
    try {
      return expand(prk, info, length);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  private static byte[] extract(byte[] ikm, byte[] salt) {
    // RFC 5869 §2.2: no salt means HashLen zero bytes.
    byte[] key = salt.length == 0 ? new byte[HASH_BYTES] : salt;
    Mac mac = hmac(key);
    return mac.doFinal(ikm);
  }

  private static byte[] expand(byte[] prk, byte[] info, int length) {
    Mac mac = hmac(prk);
    byte[] okm = new byte[length];
    byte[] block = new byte[0];
    for (int i = 1, done = 0; done < length; i++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) i);
      Arrays.fill(block, (byte) 0);
      block = mac.doFinal();
      int n = Math.min(block.length, length - done);
      System.arraycopy(block, 0, okm, done, n);
      done += n;
    }
    Arrays.fill(block, (byte) 0);
    return okm;
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java runtime must provide HmacSHA256; the message names no key material.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
