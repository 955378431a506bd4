package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.hardening.Allowlist;
import dev.solo.hardening.BytecodeVerifier;
import dev.solo.hardening.Finding;
import dev.solo.hardening.Instrumenter;
import dev.solo.hardening.budget.Checks;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

/** What instrumented code may call beyond the allowlist, and that only instrumented code may call it. */
class InstrumentationTest {
  private static final String[] HELLO = {
    "public class Hello implements java.util.function.Supplier<Object> {",
    "  public Object get() { for (int i = 0; i < 3; i++) {} return new int[2]; }",
    "}",
  };

  @Test
  void runtimeEntriesAreExactlyThePublicStaticMethodsOfChecks() {
    List<String> expected = Arrays.stream(Checks.class.getDeclaredMethods())
        .filter(method -> Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers()))
        .map(method -> "dev/solo/hardening/budget/Checks#" + method.getName() + Type.getMethodDescriptor(method))
        .sorted()
        .toList();

    assertEquals(expected, Instrumentation.runtimeEntries());
    assertTrue(Instrumentation.runtimeEntries().contains("dev/solo/hardening/budget/Checks#enter()I"));
    assertTrue(Instrumentation.runtimeEntries().contains("dev/solo/hardening/budget/Checks#handler(I)V"));
  }

  @Test
  void instrumentedAllowlistAdmitsChecksAndNothingElseOfTheRuntime() {
    Allowlist allowlist = Instrumentation.allowlist();

    assertTrue(allowlist.isLoadable("dev.solo.hardening.budget.Checks"));
    assertTrue(allowlist.allowsMember("dev/solo/hardening/budget/Checks", "tick", "()V"));
    for (String host : List.of("dev.solo.hardening.budget.Meter", "dev.solo.hardening.budget.BudgetExceededError",
        "dev.solo.hardening.budget.CheckedCharSequence", "dev.solo.hardening.instrument.Instrumentation")) {
      assertFalse(allowlist.isLoadable(host), host);
    }
    assertFalse(Allowlist.standard().isLoadable("dev.solo.hardening.budget.Checks"));
  }

  @Test
  void instrumentedCodePassesVerificationOnlyWithTheRuntimeEntries() {
    Map<String, byte[]> instrumented = Instrumenter.budgets().instrument(TenantCode.compile("Hello.java", HELLO));

    assertEquals(List.of(), new BytecodeVerifier(Instrumentation.allowlist()).verify(instrumented));
    List<String> standard = new BytecodeVerifier(Allowlist.standard()).verify(instrumented).stream()
        .map(Finding::toString).toList();
    assertTrue(standard.contains("Hello.java:0:0: SBX-CLASS: dev.solo.hardening.budget.Checks.enter() is not allowed:"
        + " the class dev.solo.hardening.budget.Checks is not on the allowlist"), standard::toString);
  }

  @Test
  void tenantCodeThatNamesChecksIsRefusedBeforeInstrumenting() {
    Map<String, byte[]> classes = TenantCode.compileAgainstRuntime("Cheat.java",
        "import dev.solo.hardening.budget.Checks;",
        "public class Cheat {",
        "  static void deeper() { Checks.leave(-100); }",
        "}");

    assertEquals(
        List.of("Cheat.java:3:0: SBX-CLASS: dev.solo.hardening.budget.Checks.leave(int) is not allowed:"
            + " the class dev.solo.hardening.budget.Checks is not on the allowlist"),
        new BytecodeVerifier(Allowlist.standard()).verify(classes).stream().map(Finding::toString).toList());
  }

  @Test
  void everyReplacementNamesARealJdkMethodAndAMatchingHelper() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, CallRewrites.Replacement> entry : CallRewrites.JDK.replacements().entrySet()) {
      String key = entry.getKey();
      String owner = key.substring(0, key.indexOf('.'));
      String name = key.substring(key.indexOf('.') + 1, key.indexOf('('));
      String descriptor = key.substring(key.indexOf('('));
      if (jdkMethod(owner, name, descriptor) == null) {
        problems.add("no JDK method " + key);
      }
      CallRewrites.Replacement replacement = entry.getValue();
      String helper = "dev/solo/hardening/budget/Checks#" + replacement.helper() + replacement.descriptor();
      if (!Instrumentation.runtimeEntries().contains(helper)) {
        problems.add("no helper " + helper + " for " + key);
      }
    }
    for (String constructor : CallRewrites.JDK.capacities().keySet()) {
      String owner = constructor.substring(0, constructor.indexOf('.'));
      String descriptor = constructor.substring(constructor.indexOf('('));
      boolean exists = Arrays.stream(Class.forName(owner.replace('/', '.')).getConstructors())
          .anyMatch(c -> Type.getConstructorDescriptor(c).equals(descriptor));
      if (!exists) {
        problems.add("no JDK constructor " + constructor);
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void instrumentingKeepsEveryClassAndItsName() {
    Map<String, byte[]> classes = TenantCode.compile("Outer.java",
        "public class Outer { class Inner {} Runnable r = () -> {}; enum E { A } record R(int x) {} }");

    Map<String, byte[]> instrumented = Instrumentation.instrumenter().instrument(classes);

    assertEquals(classes.keySet(), instrumented.keySet());
  }

  private static Method jdkMethod(String owner, String name, String descriptor) throws ClassNotFoundException {
    Class<?> type = Class.forName(owner.replace('/', '.'));
    for (Method method : type.getMethods()) {
      if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)) {
        return method;
      }
    }
    return null;
  }
}
