package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Deep recursion ends on the depth budget, not in a StackOverflowError, and depth is restored after every call. */
class RecursionBudgetTest {

  @Test
  void unboundedRecursionTripsTheDepthBudgetBeforeTheStackOverflows() throws Throwable {
    Class<?> down = TenantCode.load("Down",
        "public class Down implements java.util.function.Supplier<Object> {",
        "  static long down(long n) { return down(n + 1) + 1; }",
        "  public Object get() { return down(0); }",
        "}");

    BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> TenantCode.get(down, BudgetLimits.defaults()));

    assertEquals(BudgetExceededError.Kind.DEPTH, e.kind());
    assertEquals("call depth over 1000", e.getMessage());
  }

  @Test
  void recursionThroughConstructorArgumentsTripsTheDepthBudget() throws Throwable {
    Class<?> node = TenantCode.load("Node",
        "public class Node implements java.util.function.Supplier<Object> {",
        "  final int size;",
        "  public Node() { this(0); }",
        "  Node(int size) { this(size, new Node(size + 1).size); }",
        "  Node(int size, int child) { this.size = size + child; }",
        "  public Object get() { return size; }",
        "}");

    BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> TenantCode.get(node, BudgetLimits.defaults()));

    assertEquals("call depth over 1000", e.getMessage());
  }

  @Test
  void depthIsBackToZeroAfterACallThatThrew() throws Throwable {
    Class<?> thrower = TenantCode.load("Thrower",
        "public class Thrower implements java.util.function.Supplier<Object> {",
        "  static int down(int n) { if (n == 0) throw new IllegalStateException(\"bottom\"); return down(n - 1) + 1; }",
        "  public Object get() { return down(50); }",
        "}");

    List<Object> seen = TenantCode.runMetered(BudgetLimits.defaults(), meter -> {
      java.util.function.Supplier<Object> tenant = TenantCode.supplier(thrower);
      IllegalStateException e = assertThrows(IllegalStateException.class, tenant::get);
      return List.of(e.getMessage(), meter.depth(), meter.tripped());
    });

    assertEquals(List.of("bottom", 0, Optional.empty()), seen);
  }

  @Test
  void exceptionCaughtHalfwayLeavesTheDepthOfTheCatcher() throws Throwable {
    // 40 levels throw to level 10, which recurses 40 levels again: 90 with a leak, 50 without.
    Class<?> catcher = TenantCode.load("Catcher",
        "public class Catcher implements java.util.function.Supplier<Object> {",
        "  static int down(int n) { if (n == 0) throw new IllegalStateException(); return down(n - 1); }",
        "  static int level(int n) {",
        "    if (n < 10) return level(n + 1);",
        "    try { return down(40); } catch (IllegalStateException e) { return depthProbe(40); }",
        "  }",
        "  static int depthProbe(int n) { return n == 0 ? 0 : depthProbe(n - 1) + 1; }",
        "  public Object get() { return level(0); }",
        "}");

    assertEquals(40, TenantCode.get(catcher, BudgetLimits.defaults().withMaxDepth(60)));
  }
}
