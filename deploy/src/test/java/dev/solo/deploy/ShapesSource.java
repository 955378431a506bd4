package dev.solo.deploy;

/** A service that uses what javac turns into extra classes and invokedynamic: records, enums, lambdas. */
final class ShapesSource {
  static final String[] LINES = {
    "import dev.solo.api.*;",
    "import java.util.*;",
    "import java.util.stream.*;",
    "public class Shapes implements Service {",
    "  sealed interface Shape permits Circle, Square { int area(); }",
    "  record Circle(int r) implements Shape { public int area() { return 3 * r * r; } }",
    "  record Square(int side) implements Shape { public int area() { return side * side; } }",
    "  enum Mode { ON, OFF }",
    "  private final Map<String, Integer> calls = new HashMap<>();",
    "  class Counter { int next(String key) { return calls.merge(key, 1, Integer::sum); } }",
    "  public Reply handle(Request request, Context ctx) {",
    "    String[] parts = request.text().split(\",\");",
    "    List<Shape> shapes = List.of(new Circle(Integer.parseInt(parts[0])), new Square(Integer.parseInt(parts[1])));",
    "    Mode mode = Mode.valueOf(\"ON\");",
    "    String state;",
    "    switch (mode) { case ON: state = \"ON\"; break; default: state = \"OFF\"; }",
    "    Counter counter = new Counter();",
    "    counter.next(request.method());",
    "    Comparator<Shape> byArea = new Comparator<>() {",
    "      public int compare(Shape a, Shape b) { return Integer.compare(b.area(), a.area()); }",
    "    };",
    "    String text = shapes.stream().sorted(byArea).map(s -> s + \":\" + s.area()).collect(Collectors.joining(\" \"));",
    "    try {",
    "      Objects.requireNonNull(request.headers().get(\"missing\"));",
    "    } catch (NullPointerException e) {",
    "      counter.next(\"npe\");",
    "    }",
    "    return Reply.ok(text + \" \" + state + \" \" + counter.next(request.method()));",
    "  }",
    "}",
  };

  private ShapesSource() {}
}
