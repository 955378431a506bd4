package dev.solo.capability;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How tokens look and how they are hashed. A token is {@code solo_} and 256 random bits in
 * base64url without padding; its id, {@code tok_} and 16 hex digits, is drawn separately so it
 * says nothing about the token. Only the SHA-256 of a token is ever kept.
 */
final class Tokens {
  static final String PREFIX = "solo_";
  private static final int TOKEN_BYTES = 32;
  private static final int TOKEN_LENGTH = PREFIX.length() + 43;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  static String newToken() {
    byte[] bits = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bits);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  static String newTokenId() {
    return "tok_" + HexFormat.of().toHexDigits(RANDOM.nextLong());
  }

  /** {@return whether {@code text} has the shape of a token, before any hashing} */
  static boolean looksLikeToken(String text) {
    return text != null && text.length() == TOKEN_LENGTH && text.startsWith(PREFIX);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** {@return the lookup key of a token's hash} */
  static String key(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }
}
