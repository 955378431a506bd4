package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Work that runs inside the JDK on behalf of tenant code (regular expressions, streams) stays within the budget. */
class RegexAndStreamBudgetTest {
  private static final BudgetLimits SHORT_CPU = BudgetLimits.defaults().withCpu(Duration.ofMillis(200));

  private static Class<?> returning(String expression) throws ClassNotFoundException {
    return TenantCode.load("Work",
        "import java.util.*;",
        "import java.util.regex.*;",
        "import java.util.stream.*;",
        "public class Work implements java.util.function.Supplier<Object> {",
        "  static final String INPUT = \"a\".repeat(40) + \"c\";",
        "  public Object get() { return " + expression + "; }",
        "}");
  }

  // The JDK (9 and later) memoizes simple nested quantifiers such as (a+)+b; one more level of
  // nesting is still exponential.
  @ParameterizedTest
  @ValueSource(strings = {
      "Pattern.compile(\"((a+)+)+b\").matcher(INPUT).matches()",
      "INPUT.matches(\"((a+)+)+b\")",
      "INPUT.replaceAll(\"((a+)+)+b\", \"\")",
      "INPUT.split(\"((a+)+)+b\").length",
      "Pattern.matches(\"((a+)+)+b\", INPUT)",
      "Pattern.compile(\"((a+)+)+b\").asPredicate().test(INPUT)",
      "Pattern.compile(\"((a+)+)+b\").matcher(\"\").reset(INPUT).find()",
      "Stream.of(INPUT).filter(s -> s.matches(\"((a+)+)+b\")).count()",
      "Stream.of(INPUT).filter(Pattern.compile(\"((a+)+)+b\").asMatchPredicate()).count()",
  })
  void catastrophicBacktrackingRunsOutOfCpu(String expression) throws Throwable {
    Class<?> work = returning(expression);

    BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> TenantCode.get(work, SHORT_CPU));

    assertEquals("cpu budget of 200 ms exceeded", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Stream.generate(() -> 1).limit(Long.MAX_VALUE).count()",
      "Stream.iterate(\"\", s -> s).limit(Long.MAX_VALUE).count()",
      "IntStream.iterate(0, i -> i + 1).limit(Long.MAX_VALUE).sum()",
      "LongStream.range(0, Long.MAX_VALUE).sum()",
      "LongStream.rangeClosed(0, Long.MAX_VALUE).map(Math::negateExact).sum()",
      "Stream.generate(Collections::emptyList).limit(Long.MAX_VALUE).count()",
  })
  void endlessStreamRunsOutOfCpu(String expression) throws Throwable {
    Class<?> work = returning(expression);

    BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> TenantCode.get(work, SHORT_CPU));

    assertEquals("cpu budget of 200 ms exceeded", e.getMessage());
  }

  @Test
  void regularExpressionsAndStreamsGiveTheirUsualResults() throws Throwable {
    Class<?> work = returning("String.join(\";\", List.of("
        + "Arrays.toString(\"a1b22c\".split(\"\\\\d+\")),"
        + "Arrays.toString(\"a,b,,\".split(\",\")),"
        + "Arrays.toString(\"a,b,,\".split(\",\", -1)),"
        + "Arrays.toString(\"a.b\".split(\"\\\\.\")),"
        + "\"x1y2\".replaceAll(\"\\\\d\", \"#\"),"
        + "\"x1y2\".replaceFirst(\"(\\\\d)\", \"<$1>\"),"
        + "String.valueOf(\"abc\".matches(\"a.c\")),"
        + "Pattern.compile(\",\").splitAsStream(\"p,q\").collect(Collectors.joining(\"+\")),"
        + "String.valueOf(Pattern.compile(\"b+\").matcher(\"abbbc\").results().count()),"
        + "String.valueOf(IntStream.rangeClosed(1, 4).sum()),"
        + "String.valueOf(Stream.iterate(1, i -> i <= 8, i -> i * 2).count())"
        + "))");

    assertEquals("[a, b, c];[a, b];[a, b, , ];[a, b];x#y#;x<1>y2;true;p+q;1;10;4",
        TenantCode.get(work, BudgetLimits.defaults()));
  }
}
