package dev.solo.capability;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One permission of the fixed set of DESIGN.md §7. Two kinds take a scope, a name or {@code *}:
 * {@code service.call:<service|*>} and {@code secret.read:<name|*>}. Grants hold permissions as
 * their text ({@link #toString()}); {@link #parse} is the only way in from outside.
 */
public record Permission(Kind kind, String scope) {
  /** The scope that stands for every name. */
  public static final String ANY = "*";

  /** The text of the admin permission. */
  public static final String ADMIN = "admin";

  /** The kinds of permission. */
  public enum Kind {
    SERVICE_DEPLOY("service.deploy", null),
    SERVICE_KILL("service.kill", null),
    SERVICE_CALL("service.call", Names::isValidService),
    SERVICE_READ("service.read", null),
    EVENTS_READ("events.read", null),
    CAPABILITY_GRANT("capability.grant", null),
    SECRET_WRITE("secret.write", null),
    SECRET_READ("secret.read", Names::isValidSecret),
    ADMIN("admin", null);

    private final String text;
    private final Predicate<String> validScope;

    Kind(String text, Predicate<String> validScope) {
      this.text = text;
      this.validScope = validScope;
    }

    /** {@return the text of this kind, without scope} */
    public String text() {
      return text;
    }

    /** {@return whether this kind takes a scope} */
    public boolean scoped() {
      return validScope != null;
    }

    private String usage() {
      return scoped() ? text + ":<" + (this == SERVICE_CALL ? "service" : "name") + "|*>" : text;
    }
  }

  private static final String VALID =
      Arrays.stream(Kind.values()).map(Kind::usage).collect(Collectors.joining(", "));

  /** A scoped kind has a name or {@code *} as scope; the others have the empty scope. */
  public Permission {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scope, "scope");
    boolean valid = kind.scoped() ? scope.equals(ANY) || kind.validScope.test(scope) : scope.isEmpty();
    if (!valid) {
      String text = scope.isEmpty() ? kind.text : kind.text + ":" + scope;
      throw new IllegalArgumentException("invalid permission " + Names.quote(text) + ": write "
          + kind.usage() + (kind.scoped() ? ", a name being lowercase letters, digits or '-'" : ""));
    }
  }

  /** {@return the permission of an unscoped kind} */
  public static Permission of(Kind kind) {
    return new Permission(kind, "");
  }

  /** {@return the permission of a scoped kind for {@code scope}, a name or {@code *}} */
  public static Permission of(Kind kind, String scope) {
    return new Permission(kind, scope);
  }

  /**
   * {@return the permission written as {@code text}}
   *
   * @throws IllegalArgumentException if {@code text} is not one of the valid permissions, which the
   *     message lists
   */
  public static Permission parse(String text) {
    if (text != null) {
      int colon = text.indexOf(':');
      String kindText = colon < 0 ? text : text.substring(0, colon);
      for (Kind kind : Kind.values()) {
        if (kind.text.equals(kindText) && kind.scoped() == (colon >= 0)) {
          return new Permission(kind, colon < 0 ? "" : text.substring(colon + 1));
        }
      }
    }
    throw new IllegalArgumentException("unknown permission " + Names.quote(text) + "; valid: " + VALID);
  }

  /**
   * {@return the canonical text of each permission}
   *
   * @throws IllegalArgumentException naming the first one that is not valid
   */
  public static Set<String> parseAll(Collection<String> texts) {
    return texts.stream().map(Permission::parse).map(Permission::toString).collect(Collectors.toUnmodifiableSet());
  }

  /** {@return every tenant permission, with {@code *} scopes: all but admin} */
  public static Set<String> tenantRoot() {
    return Arrays.stream(Kind.values())
        .filter(kind -> kind != Kind.ADMIN)
        .map(kind -> kind.scoped() ? of(kind, ANY) : of(kind))
        .map(Permission::toString)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * {@return whether one of {@code held} implies {@code required}} A {@code *} scope implies every
   * name of its kind; otherwise only the same permission does. An invalid {@code required} is
   * implied by nothing.
   */
  public static boolean implies(Set<String> held, String required) {
    Permission need;
    try {
      need = parse(required);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return held.contains(need.toString()) || need.kind.scoped() && held.contains(need.kind.text + ":" + ANY);
  }

  /** {@return the text of this permission, such as {@code service.call:counter}} */
  @Override
  public String toString() {
    return scope.isEmpty() ? kind.text : kind.text + ":" + scope;
  }
}
