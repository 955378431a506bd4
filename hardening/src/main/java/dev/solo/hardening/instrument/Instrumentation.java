package dev.solo.hardening.instrument;

import dev.solo.hardening.Allowlist;
import dev.solo.hardening.Instrumenter;
import dev.solo.hardening.budget.Checks;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Type;

/**
 * Budget instrumentation, and the one place that says what instrumented code may call beyond
 * the reviewed allowlist: every public static method of {@link Checks}, and nothing else of the
 * budget runtime. Verification of what a tenant submits uses {@link Allowlist#standard()}, so a
 * tenant that names {@code Checks} is refused; verification of instrumented classes, after
 * instrumenting and again when they are loaded, uses {@link #allowlist()}.
 */
public final class Instrumentation {
  private Instrumentation() {}

  /** {@return the instrumenter that adds budget checks to verified classes} */
  public static Instrumenter instrumenter() {
    return BudgetInstrumenter.INSTANCE;
  }

  /** {@return the allowlist of instrumented code: the standard one plus {@link #runtimeEntries()}} */
  public static Allowlist allowlist() {
    return Holder.ALLOWLIST;
  }

  /** {@return the allowlist lines of the budget runtime, one per public static method of {@code Checks}, sorted} */
  public static List<String> runtimeEntries() {
    return Holder.ENTRIES;
  }

  private static final class Holder {
    static final List<String> ENTRIES = Arrays.stream(Checks.class.getDeclaredMethods())
        .filter(method -> Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers()))
        .map(Holder::entry)
        .sorted()
        .toList();
    static final Allowlist ALLOWLIST = Allowlist.standard().plus(Allowlist.parse("budget runtime", ENTRIES));

    private static String entry(Method method) {
      return Type.getInternalName(Checks.class) + "#" + method.getName() + Type.getMethodDescriptor(method);
    }
  }
}
