package dev.solo.deploy;

import static dev.solo.deploy.Submission.accepted;
import static dev.solo.deploy.Submission.findings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Checks;
import dev.solo.hardening.budget.Meter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the pipeline stores is instrumented: it runs only inside a budget, and the budget holds. */
class BudgetedDeployTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @RegisterExtension static final SharedCompiler COMPILER = new SharedCompiler();
  @TempDir Path store;

  private DeployPipeline pipeline() {
    return COMPILER.pipeline(store);
  }

  private ServiceClassLoader deploy(Map<String, String> files) throws ServiceLoadException {
    DeployPipeline pipeline = pipeline();
    return pipeline.load("acme", 1, accepted(pipeline.deploy("acme", files)).hash());
  }

  /** {@return what {@code code} returns, run on a tenant thread inside a meter with a deadline} */
  private static <T> T metered(BudgetLimits limits, Callable<T> code) throws Throwable {
    AtomicReference<Meter> running = new AtomicReference<>();
    FutureTask<T> task = new FutureTask<>(() -> {
      try (Meter meter = Meter.start(limits)) {
        running.set(meter);
        return code.call();
      }
    });
    Thread thread = Meter.newTenantThread(task, "tenant-test", 4 << 20);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (TimeoutException e) {
      running.get().kill();
      throw new AssertionError("tenant code ran past the test deadline of " + DEADLINE);
    }
  }

  @Test
  void examplesDeployLoadAndAnswerUnderABudget() throws Throwable {
    ServiceClassLoader counter = deploy(Submission.example("counter"));
    ServiceClassLoader tally = deploy(Submission.example("tally"));
    ServiceClassLoader echo = deploy(Submission.example("echo"));
    FakeContext ctx = new FakeContext();

    List<String> replies = metered(BudgetLimits.defaults(), () -> {
      List<String> texts = new ArrayList<>();
      Service counterService = counter.newInstance();
      texts.add(counterService.handle(Request.of("increment", "5"), ctx).text());
      texts.add(counterService.handle(Request.of("increment", ""), ctx).text());
      Reply refused = counterService.handle(Request.of("increment", "five"), ctx);
      texts.add(refused.status() + " " + refused.text());
      texts.add(counterService.handle(Request.of("get", ""), ctx).text());
      Service tallyService = tally.newInstance();
      tallyService.handle(Request.of("increment", "40"), ctx);
      Service restored = tally.newInstance();
      restored.restore(tallyService.snapshot());
      texts.add(restored.handle(Request.of("increment", "2"), ctx).text());
      texts.add(echo.newInstance().handle(Request.of("anything", "hello, budget"), ctx).text());
      return texts;
    });

    assertEquals(List.of("5", "6", "400 increment takes an integer body, got: five", "6", "42", "hello, budget"), replies);
  }

  @Test
  void storedServiceRefusesToRunWithoutABudget() throws Throwable {
    ServiceClassLoader echo = deploy(Submission.example("echo"));
    Service service = metered(BudgetLimits.defaults(), echo::newInstance);

    BudgetExceededError e = assertThrows(BudgetExceededError.class,
        () -> service.handle(Request.of("hi", "there"), new FakeContext()));

    assertEquals(BudgetExceededError.Kind.NO_BUDGET, e.kind());
  }

  @Test
  void endlessLoopInAStoredServiceRunsOutOfCpu() throws Throwable {
    ServiceClassLoader loader = deploy(Submission.file("Spin.java",
        "import dev.solo.api.*;",
        "public class Spin implements Service {",
        "  public Reply handle(Request request, Context ctx) {",
        "    try {",
        "      while (true) {}",
        "    } finally {",
        "      return Reply.ok(\"swallowed\");",
        "    }",
        "  }",
        "}"));
    BudgetLimits limits = BudgetLimits.defaults().withCpu(Duration.ofMillis(200));

    BudgetExceededError e = assertThrows(BudgetExceededError.class,
        () -> metered(limits, () -> loader.newInstance().handle(Request.of("spin", ""), new FakeContext())));

    assertEquals("cpu budget of 200 ms exceeded", e.getMessage());
  }

  @Test
  void tenantLoaderHandsOutTheChecksButNoOtherPartOfTheRuntime() throws Exception {
    ServiceClassLoader loader = deploy(Submission.example("echo"));

    assertSame(Checks.class, Class.forName("dev.solo.hardening.budget.Checks", false, loader));
    for (String name : List.of("dev.solo.hardening.budget.Meter", "dev.solo.hardening.budget.BudgetExceededError",
        "dev.solo.hardening.instrument.Instrumentation")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, loader), name);
    }
  }

  @Test
  void tenantSourceThatNamesTheBudgetRuntimeIsRefused() {
    assertEquals(
        List.of("Cheat.java:1:33: COMPILE: package dev.solo.hardening.budget does not exist",
            "Cheat.java:4:55: COMPILE: cannot find symbol"),
        findings(pipeline().deploy("acme", Submission.file("Cheat.java",
            "import dev.solo.hardening.budget.Checks;",
            "import dev.solo.api.*;",
            "public class Cheat implements Service {",
            "  public Reply handle(Request request, Context ctx) { Checks.leave(-100); return Reply.ok(\"\"); }",
            "}"))));
  }

  @Test
  void methodTooLargeOnceChecksAreAddedIsRefused() {
    List<String> lines = new ArrayList<>(List.of(
        "import dev.solo.api.*;",
        "public class Big implements Service {",
        "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + pick(request.text().length())); }",
        "  static int pick(int a) {",
        "    a = Math.abs(a);"));
    for (int i = 0; i < 5000; i++) {
      lines.add("    if (a == " + i + ") return " + i + ";");
    }
    lines.add("    return -1;");
    lines.add("  }");
    lines.add("}");

    assertEquals(
        List.of("INSTRUMENT-SIZE: method Big.pick is too large once budget checks are added (74751 bytes of bytecode,"
            + " at most 65535): split it into smaller methods"),
        findings(pipeline().deploy("acme", Submission.file("Big.java", lines.toArray(String[]::new)))));
  }
}
