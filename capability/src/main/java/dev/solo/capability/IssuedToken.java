package dev.solo.capability;

import java.util.Objects;

/**
 * A token just issued, with its grant: the only place the token itself exists, to be shown once.
 * {@link #toString()} leaves the token out, so it cannot reach a log by accident.
 */
public record IssuedToken(String token, Grant grant) {
  /** Both parts are required. */
  public IssuedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(grant, "grant");
  }

  @Override
  public String toString() {
    return "IssuedToken[token=(hidden), grant=" + grant + "]";
  }
}
