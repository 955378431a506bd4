package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Host code never runs tenant code outside a budget: without a meter, tenant code refuses to run. */
class NoBudgetTest {
  private static final String NO_BUDGET = "no budget on this thread: tenant code runs only inside a metered call";

  @Test
  void constructorCalledWithoutAMeterThrowsNoBudget() throws Exception {
    Class<?> hello = TenantCode.load("Hello",
        "public class Hello implements java.util.function.Supplier<Object> {",
        "  public Object get() { return \"hello\"; }",
        "}");

    BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> TenantCode.supplier(hello));

    assertEquals(BudgetExceededError.Kind.NO_BUDGET, e.kind());
    assertEquals(NO_BUDGET, e.getMessage());
  }

  @Test
  void loopingToStringCalledFromAHostThreadThrowsNoBudgetAtOnce() throws Throwable {
    Class<?> sticky = TenantCode.load("Sticky",
        "public class Sticky implements java.util.function.Supplier<Object> {",
        "  public Object get() { return this; }",
        "  @Override public String toString() { while (true) {} }",
        "}");
    Object instance = TenantCode.get(sticky, BudgetLimits.defaults());

    BudgetExceededError e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(BudgetExceededError.class, () -> String.valueOf(instance)));

    assertEquals(NO_BUDGET, e.getMessage());
  }

  @Test
  void methodThatCallsNothingThrowsNoBudgetToo() throws Throwable {
    Class<?> leaf = TenantCode.load("Leaf",
        "public class Leaf implements java.util.function.Supplier<Object> {",
        "  int value = 7;",
        "  public Object get() { return this; }",
        "  @Override public int hashCode() { return value * 31; }",
        "}");
    Object instance = TenantCode.get(leaf, BudgetLimits.defaults());

    BudgetExceededError e = assertThrows(BudgetExceededError.class, instance::hashCode);

    assertEquals(NO_BUDGET, e.getMessage());
    assertEquals(217, TenantCode.run(BudgetLimits.defaults(), instance::hashCode));
  }
}
