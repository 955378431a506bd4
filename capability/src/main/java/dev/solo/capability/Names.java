package dev.solo.capability;

import java.util.regex.Pattern;

/**
 * The rules for the names users choose: tenants, services and secrets. All three are 1 to 63
 * characters, a lowercase letter first, then lowercase letters, digits or {@code -}, so a name is
 * safe in a certificate, a path, a metric label and a permission scope.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final String RULE =
      "use 1 to 63 characters: a lowercase letter first, then lowercase letters, digits or '-'";
  private static final int MAX_ECHO = 70;

  private Names() {}

  /** {@return whether {@code name} is a valid tenant name} */
  public static boolean isValidTenant(String name) {
    return isValid(name);
  }

  /** {@return whether {@code name} is a valid service name} */
  public static boolean isValidService(String name) {
    return isValid(name);
  }

  /** {@return whether {@code name} is a valid secret name} */
  public static boolean isValidSecret(String name) {
    return isValid(name);
  }

  /**
   * {@return {@code name} if it is a valid tenant name}
   *
   * @throws IllegalArgumentException saying what a tenant name may be
   */
  public static String checkTenant(String name) {
    return check("tenant", name);
  }

  /**
   * {@return {@code name} if it is a valid service name}
   *
   * @throws IllegalArgumentException saying what a service name may be
   */
  public static String checkService(String name) {
    return check("service", name);
  }

  /**
   * {@return {@code name} if it is a valid secret name}
   *
   * @throws IllegalArgumentException saying what a secret name may be
   */
  public static String checkSecret(String name) {
    return check("secret", name);
  }

  private static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  private static String check(String kind, String name) {
    if (isValid(name)) {
      return name;
    }
    throw new IllegalArgumentException("invalid " + kind + " name " + quote(name) + ": " + RULE);
  }

  // Echo the user's input, but never a megabyte of it.
  static String quote(String text) {
    if (text == null) {
      return "(none)";
    }
    String shown = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
    return '"' + shown + '"';
  }
}
