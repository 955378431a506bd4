package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Allocations that grow with an argument are refused before the JVM makes them. */
class AllocationBudgetTest {
  private static final BudgetLimits LIMITS = BudgetLimits.defaults();

  private static Class<?> returning(String expression) throws ClassNotFoundException {
    return TenantCode.load("Alloc",
        "import java.util.*;",
        "import java.util.function.*;",
        "import java.math.*;",
        "public class Alloc implements Supplier<Object> {",
        "  public Object get() { return " + expression + "; }",
        "}");
  }

  private static Class<?> running(String... statements) throws ClassNotFoundException {
    String[] lines = new String[statements.length + 6];
    lines[0] = "import java.util.*;";
    lines[1] = "import java.util.stream.*;";
    lines[2] = "public class Grow implements java.util.function.Supplier<Object> {";
    lines[3] = "  public Object get() {";
    System.arraycopy(statements, 0, lines, 4, statements.length);
    lines[lines.length - 2] = "  }";
    lines[lines.length - 1] = "}";
    return TenantCode.load("Grow", lines);
  }

  /** {@return the error {@code get()} ends with; fails if the thread allocated the huge value anyway} */
  private static BudgetExceededError trip(Class<?> type) {
    long[] allocated = new long[1];
    BudgetExceededError error = assertThrows(BudgetExceededError.class, () -> TenantCode.runMetered(LIMITS, meter -> {
      try {
        return TenantCode.supplier(type).get();
      } finally {
        allocated[0] = meter.allocatedBytes();
      }
    }));
    assertTrue(allocated[0] < LIMITS.allocatedBytes() * 2,
        "the call allocated " + allocated[0] + " bytes before it was stopped");
    return error;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "new long[Integer.MAX_VALUE / 8]                    | array of 2147483640 bytes is over the limit of 16777216",
      "new int[1 << 20][1 << 20]                           | memory budget of 67108864 bytes exceeded",
      "\"x\".repeat(1 << 30)                               | array of 1073741824 bytes is over the limit of 16777216",
      "new StringBuilder(Integer.MAX_VALUE - 8)            | array of 2147483639 bytes is over the limit of 16777216",
      "Arrays.copyOf(new int[1], 1 << 30)                  | array of 4294967296 bytes is over the limit of 16777216",
      "Arrays.copyOfRange(new String[1], 0, 1 << 30)       | array of 4294967296 bytes is over the limit of 16777216",
      "BigInteger.TEN.pow(1 << 30)                         | array of 671088656 bytes is over the limit of 16777216",
      "BigDecimal.TEN.pow(999_999_999)                     | array of 833333348 bytes is over the limit of 16777216",
      "new BigDecimal(\"1e-999999999\").add(BigDecimal.ONE) | array of 416666683 bytes is over the limit of 16777216",
      "new ArrayList<Object>(1 << 30)                      | array of 4294967296 bytes is over the limit of 16777216",
      "new HashMap<Object, Object>(1 << 30, 0.75f)         | array of 4294967296 bytes is over the limit of 16777216",
      "Collections.nCopies(1 << 30, \"x\")                 | array of 4294967296 bytes is over the limit of 16777216",
      "String.format(\"%1000000000d\", 1)                  | array of 1000000012 bytes is over the limit of 16777216",
      "((BiFunction<String, Integer, String>) String::repeat).apply(\"x\", 1 << 30)"
          + " | array of 1073741824 bytes is over the limit of 16777216",
      "((IntFunction<List<Object>>) ArrayList::new).apply(1 << 30)"
          + " | array of 4294967296 bytes is over the limit of 16777216",
  })
  void allocationThatGrowsWithAnArgumentIsRefusedBeforeItHappens(String expression, String message) throws Throwable {
    BudgetExceededError e = trip(returning(expression));

    assertEquals(message, e.getMessage());
  }

  @Test
  void stringDoubledInALoopIsRefusedOnceOverTheArrayLimit() throws Throwable {
    BudgetExceededError e = trip(running("String s = \"x\";", "while (true) { s = s + s; }"));

    assertEquals("array of 33554432 bytes is over the limit of 16777216", e.getMessage());
  }

  @Test
  void builderAppendedToItselfIsRefusedOnceOverTheArrayLimit() throws Throwable {
    BudgetExceededError e = trip(running("StringBuilder b = new StringBuilder(\"x\");", "while (true) { b.append(b); }"));

    assertEquals("array of 33554432 bytes is over the limit of 16777216", e.getMessage());
  }

  @Test
  void listAddedToItselfIsRefusedOnceOverTheArrayLimit() throws Throwable {
    BudgetExceededError e = trip(running("List<Object> l = new ArrayList<>(List.of(1));", "while (true) { l.addAll(l); }"));

    assertEquals("array of 33554432 bytes is over the limit of 16777216", e.getMessage());
  }

  @Test
  void callThroughATenantSubclassOfAJdkClassIsCheckedToo() throws Throwable {
    Class<?> grow = TenantCode.load("Sub",
        "public class Sub implements java.util.function.Supplier<Object> {",
        "  static class Big extends java.util.ArrayList<Object> {}",
        "  public Object get() { Big big = new Big(); big.ensureCapacity(1 << 30); return big; }",
        "}");

    assertEquals("array of 4294967296 bytes is over the limit of 16777216", trip(grow).getMessage());
  }

  @Test
  void growingAListInALoopRunsOutOfMemory() throws Throwable {
    BudgetExceededError e = trip(running("List<Long> l = new ArrayList<>();", "for (long i = 0; ; i++) { l.add(i); }"));

    assertEquals(BudgetExceededError.Kind.MEMORY, e.kind());
    assertEquals("memory budget of 67108864 bytes exceeded", e.getMessage());
  }

  @Test
  void collectingAnEndlessJdkStreamRunsOutOfMemory() throws Throwable {
    BudgetExceededError e = trip(running("return LongStream.range(0, Long.MAX_VALUE).boxed().collect(Collectors.toList());"));

    assertEquals("memory budget of 67108864 bytes exceeded", e.getMessage());
  }

  @Test
  void allocationsWithinTheBudgetStillWork() throws Throwable {
    Class<?> fine = running(
        "int[][] grid = new int[100][100];",
        "grid[99][99] = 7;",
        "StringBuilder b = new StringBuilder(16).append(\"ab\").append((Object) \"c\");",
        "b.insert(0, \"<\").setLength(3);",
        "List<Integer> list = new ArrayList<>(4);",
        "Collections.addAll(list, 1, 2);",
        "list.addAll(1, List.of(5));",
        "return grid[99][99] + \" \" + b + \" \" + list + \" \" + \"ab\".repeat(2) + \" \"",
        "    + Arrays.toString(Arrays.copyOf(new int[] {1, 2}, 3)) + \" \" + String.join(\",\", List.of(\"p\", \"q\"))",
        "    + \" \" + java.math.BigInteger.TWO.pow(10).shiftLeft(1) + \" \" + \"a-b\".replace(\"-\", \"--\")",
        "    + \" \" + String.format(\"%5s|%.2f\", \"x\", 1.5) + \" \" + \"x\".concat(\"y\");");

    assertEquals("7 <ab [1, 5, 2] abab [1, 2, 0] p,q 2048 a--b     x|1.50 xy", TenantCode.get(fine, LIMITS));
  }
}
