package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Instrumented classes pass the JVM's verifier and behave exactly as they did before. */
class LanguageFeaturesTest {
  private static final String[] FEATURES = {
    "import java.util.*;",
    "import java.util.function.*;",
    "import java.util.stream.*;",
    "public class Features implements Supplier<Object> {",
    "  enum Color { RED, GREEN, BLUE; Color next() { return values()[(ordinal() + 1) % 3]; } }",
    "  record Point(int x, int y) { Point { if (x < 0) throw new IllegalArgumentException(\"x\"); } int sum() { return x + y; } }",
    "  sealed interface Shape permits Square, Circle { int area(); default String describe() { return (this instanceof Square ? \"square\" : \"circle\") + area(); } }",
    "  record Square(int side) implements Shape { public int area() { return side * side; } }",
    "  record Circle(int r) implements Shape { public int area() { return 3 * r * r; } }",
    "  static final Map<String, Integer> TABLE = new HashMap<>();",
    "  static { TABLE.put(\"k0\", 0); TABLE.put(\"k1\", 1); TABLE.put(\"k2\", Color.BLUE.ordinal()); }",
    "  private final List<String> log = new ArrayList<>();",
    "  class Inner { String tag(String s) { log.add(s); return \"<\" + s + \">\"; } }",
    "  static class Base {",
    "    final String name;",
    "    Base(String name) { String n; try { n = name.trim(); } catch (NullPointerException e) { n = \"nobody\"; } this.name = n; }",
    "    String hello() { return \"base \" + name; }",
    "  }",
    "  interface Repeater { default String twice(String s) { BiFunction<String, Integer, String> f = String::repeat; return f.apply(s, 2); } }",
    "  static class Echo extends ArrayList<String> implements Repeater { Echo() { super(4); } }",
    "  static class Derived extends Base { Derived(int n) { super(n > 0 ? \"pos\" + n : \"neg\"); } @Override String hello() { return super.hello() + \"!\"; } }",
    "  static String colorName(Color c) { switch (c) { case RED: return \"r\"; case GREEN: return \"g\"; default: return \"b\"; } }",
    "  static int word(String s) { switch (s) { case \"one\": return 1; case \"two\": return 2; default: return s.length(); } }",
    "  static int arrow(Object o) { return switch (o.hashCode() % 3) { case 0 -> 10; case 1 -> { int t = 0; for (int i = 0; i < 5; i++) t += i; yield t; } default -> -1; }; }",
    "  static String tryFinally(int n) {",
    "    StringBuilder b = new StringBuilder();",
    "    for (int i = 0; i < n; i++) {",
    "      try { if (i == 1) throw new IllegalStateException(\"one\"); if (i == 2) continue; b.append(i); }",
    "      catch (IllegalStateException e) { b.append(e.getMessage()); }",
    "      finally { b.append(';'); }",
    "    }",
    "    return b.toString();",
    "  }",
    "  static int sum(int... values) { int s = 0; for (int v : values) s += v; return s; }",
    "  static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }",
    "  public Object get() {",
    "    List<String> out = new ArrayList<>();",
    "    out.add(colorName(Color.GREEN) + Color.RED.next() + Color.valueOf(\"BLUE\").ordinal());",
    "    out.add(word(\"one\") + \",\" + word(\"two\") + \",\" + word(\"three\"));",
    "    out.add(arrow(\"a\") + \",\" + arrow(\"b\") + \",\" + arrow(\"c\"));",
    "    Point p = new Point(2, 3);",
    "    out.add(p + \" \" + p.sum() + \" \" + p.equals(new Point(2, 3)) + \" \" + (p.hashCode() == new Point(2, 3).hashCode()));",
    "    try { new Point(-1, 0); } catch (IllegalArgumentException e) { out.add(\"refused \" + e.getMessage()); }",
    "    List<Shape> shapes = List.of(new Square(2), new Circle(1));",
    "    out.add(shapes.stream().map(Shape::describe).collect(Collectors.joining(\",\")));",
    "    Inner inner = new Inner();",
    "    out.add(inner.tag(\"a\") + inner.tag(\"b\") + log);",
    "    Comparator<String> byLength = new Comparator<>() { public int compare(String a, String b) { return Integer.compare(a.length(), b.length()); } };",
    "    List<String> words = new ArrayList<>(List.of(\"ccc\", \"a\", \"bb\"));",
    "    words.sort(byLength.thenComparing(Comparator.reverseOrder()));",
    "    out.add(String.valueOf(words));",
    "    out.add(new Derived(3).hello() + \"/\" + new Derived(-1).hello());",
    "    Base pick = words.size() > 2 ? new Derived(2) : new Base(null);",
    "    out.add(pick.hello() + \"/\" + new Base(null).hello());",
    "    Echo echo = new Echo();",
    "    echo.add(echo.twice(\"ho\"));",
    "    echo.ensureCapacity(10);",
    "    out.add(String.valueOf(echo));",
    "    out.add(tryFinally(4));",
    "    out.add(sum() + \",\" + sum(1, 2, 3) + \",\" + fib(15));",
    "    out.add(new TreeMap<>(TABLE).toString());",
    "    Function<Integer, Integer> twice = x -> x * 2;",
    "    BiFunction<String, Integer, String> rep = String::repeat;",
    "    Supplier<List<String>> fresh = ArrayList::new;",
    "    out.add(twice.andThen(twice).apply(3) + rep.apply(\"ab\", 2) + fresh.get().size());",
    "    int[][] grid = new int[3][4]; grid[2][3] = 5; long[] longs = new long[2]; String[][] names = new String[2][];",
    "    out.add(grid[2][3] + \"\" + longs.length + names.length + IntStream.range(0, 5).map(i -> i * i).sum());",
    "    return String.join(\"|\", out);",
    "  }",
    "}",
  };

  @Test
  void instrumentedClassesPassTheJvmVerifierAndGiveTheSameResult() throws Throwable {
    Map<String, byte[]> original = TenantCode.compile("Features.java", FEATURES);
    Map<String, byte[]> instrumented = TenantCode.instrument(original);
    TenantCode.Loader loader = new TenantCode.Loader(instrumented);

    Object expected = TenantCode.supplier(new TenantCode.Loader(original).loadClass("Features")).get();
    Object actual = TenantCode.runMetered(BudgetLimits.defaults(), meter -> {
      Map<String, String> initialized = new TreeMap<>();
      for (String name : instrumented.keySet()) {
        initialized.put(name, Class.forName(name, true, loader).getName()); // links and verifies every class
      }
      assertEquals(new TreeMap<>(original).keySet(), initialized.keySet());
      return TenantCode.supplier(loader.loadClass("Features")).get();
    });

    assertEquals(expected, actual);
    assertEquals("gGREEN2|1,2,5|", ((String) actual).substring(0, 14));
  }

  @Test
  void depthIsBackToZeroAfterEverything() throws Throwable {
    Class<?> features = TenantCode.load("Features", FEATURES);

    int depth = TenantCode.runMetered(BudgetLimits.defaults(), meter -> {
      TenantCode.supplier(features).get();
      return meter.depth();
    });

    assertEquals(0, depth);
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void meteredThreadAndOrdinaryThreadRunTheSameCode() throws Throwable {
    Class<?> features = TenantCode.load("Features", FEATURES);
    Object onTenantThread = TenantCode.get(features, BudgetLimits.defaults());

    Object onThisThread;
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      onThisThread = TenantCode.supplier(features).get();
    }

    assertEquals(onTenantThread, onThisThread);
  }
}
