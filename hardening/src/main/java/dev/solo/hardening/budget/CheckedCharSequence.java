package dev.solo.hardening.budget;

/**
 * The input that regular expressions of tenant code run over: every {@link #charAt} is a budget
 * check, so catastrophic backtracking runs out of CPU time instead of running for hours inside
 * the JDK.
 */
final class CheckedCharSequence implements CharSequence {
  private final CharSequence text;

  private CheckedCharSequence(CharSequence text) {
    this.text = text;
  }

  /** {@return {@code text} wrapped, or null (so the JDK throws its own exception) if it is null} */
  static CharSequence of(CharSequence text) {
    return text == null || text instanceof CheckedCharSequence ? text : new CheckedCharSequence(text);
  }

  @Override
  public char charAt(int index) {
    Checks.tick();
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
