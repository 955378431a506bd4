package dev.solo.deploy;

import static dev.solo.deploy.Submission.accepted;
import static dev.solo.deploy.Submission.findings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each technique that must be refused, with the rule and message that the tenant sees. */
class SandboxTest {
  private static final String HANDLE = "  public Reply handle(Request request, Context ctx) throws Exception {";

  @TempDir Path store;

  /** Deploys {@code Bad.java}: four lines of header, so the first line of {@code members} is line 5. */
  private List<String> refusals(String... members) {
    String[] lines = Stream.concat(
        Stream.of("import dev.solo.api.*;", "import java.util.*;", "import java.util.function.*;",
            "public class Bad implements Service {"),
        Stream.concat(Stream.of(members), Stream.of("}"))).toArray(String[]::new);
    DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults());
    return findings(pipeline.deploy("acme", Submission.file("Bad.java", lines)));
  }

  private static void assertRefusal(String expected, List<String> findings) {
    assertTrue(findings.contains(expected), () -> "expected " + expected + "\n in " + String.join("\n", findings));
  }

  @Test
  void refusesSynchronizedMethod() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MONITOR: synchronized method handle(dev.solo.api.Request, dev.solo.api.Context)"
            + " is not allowed: monitors can be held on objects shared with other tenants"),
        refusals(
            "  public synchronized Reply handle(Request request, Context ctx) {",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSynchronizedBlock() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MONITOR: synchronized is not allowed:"
            + " monitors can be held on objects shared with other tenants"),
        refusals(
            HANDLE,
            "    synchronized (\"shared\") {",
            "      return Reply.ok(\"\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesNativeMethod() {
    assertEquals(
        List.of("Bad.java:0:0: SBX-NATIVE: native method peek(long) is not allowed: tenant code runs only as bytecode"),
        refusals(
            "  native int peek(long address);",
            HANDLE + " return Reply.ok(\"\"); }"));
  }

  @Test
  void refusesReflectionThroughClassForName() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Class.forName(java.lang.String) is not allowed:"
            + " the class java.lang.Class is not on the allowlist"),
        refusals(
            HANDLE,
            "    Class.forName(\"dev.solo.kernel.Main\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesReflectionThroughGetDeclaredMethod() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Class is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    ctx.getClass().getDeclaredMethod(\"kv\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemExitThroughMethodReference() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-INDY-HANDLE: method reference java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    IntConsumer exit = System::exit;",
            "    exit.accept(0);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSerializableLambda() {
    assertRefusal("Bad.java:6:0: SBX-INDY: LambdaMetafactory.altMetafactory is not allowed:"
            + " serializable lambdas and lambdas with marker interfaces are not supported",
        refusals(
            HANDLE,
            "    Supplier<String> s = (Supplier<String> & java.io.Serializable) () -> \"x\";",
            "    return Reply.ok(s.get());",
            "  }"));
  }

  @Test
  void refusesFiles() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.io.File is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(new java.io.File(\"/etc/passwd\").getName());",
            "  }"));
  }

  @Test
  void refusesThreads() {
    assertRefusal("Bad.java:6:0: SBX-CLASS: java.lang.Thread is not allowed: the class is not on the allowlist",
        refusals(
            HANDLE,
            "    new Thread(() -> {}).start();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemOut() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.System.out is not allowed:"
                + " the class java.lang.System is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.io.PrintStream.println(java.lang.String) is not allowed:"
                + " the class java.io.PrintStream is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.out.println(\"hello\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesCatchingThrowable() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CATCH-ERROR: catching java.lang.Throwable is not allowed:"
            + " catch Exception or its subclasses, never Throwable or an Error"),
        refusals(
            HANDLE,
            "    try {",
            "      return Reply.ok(request.text());",
            "    } catch (Throwable t) {",
            "      return Reply.ok(\"budget swallowed\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesCatchingAnError() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CATCH-ERROR: catching java.lang.StackOverflowError is not allowed:"
            + " catch Exception or its subclasses, never Throwable or an Error"),
        refusals(
            HANDLE,
            "    try {",
            "      return handle(request, ctx);",
            "    } catch (StackOverflowError e) {",
            "      return Reply.ok(\"deep\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesObjectWait() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-MEMBER: java.lang.Object.wait() is not allowed: the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    Object lock = new Object();",
            "    lock.wait();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesNotifyAllOnAValueOfAnAllowedClass() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.Object.notifyAll() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    Integer.valueOf(1).notifyAll();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesStringIntern() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.String.intern() is not allowed: the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(request.text().intern());",
            "  }"));
  }

  @Test
  void refusesParallelStreamThroughASubtype() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.util.List.parallelStream() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + List.of(1, 2).parallelStream().count());",
            "  }"));
  }

  @Test
  void refusesSystemPropertyReadThroughInteger() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.Integer.getInteger(java.lang.String) is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + Integer.getInteger(\"user.home\"));",
            "  }"));
  }

  @Test
  void refusesFinalizer() {
    assertRefusal("Bad.java:5:0: SBX-FINALIZE: finalize() is not allowed:"
            + " it would run on a JVM thread outside any budget",
        refusals(
            "  @Override protected void finalize() { }",
            HANDLE + " return Reply.ok(\"\"); }"));
  }

  @Test
  void checksTheBodyOfALambda() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-MEMBER: java.lang.String.intern() is not allowed: the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    Function<String, String> f = s ->",
            "        s.intern();",
            "    return Reply.ok(f.apply(request.text()));",
            "  }"));
  }

  @Test
  void checksInnerAnonymousAndLocalClasses() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.io.File is not allowed: the class is not on the allowlist",
            "Bad.java:8:0: SBX-CLASS: java.lang.Runtime.getRuntime() is not allowed:"
                + " the class java.lang.Runtime is not on the allowlist",
            "Bad.java:12:0: SBX-MEMBER: java.lang.String.intern() is not allowed: the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    class Local { Object f() { return new java.io.File(\"x\"); } }",
            "    Supplier<String> anonymous = new Supplier<>() {",
            "      public String get() { Runtime.getRuntime().halt(0); return \"\"; }",
            "    };",
            "    return Reply.ok(anonymous.get() + new Local().f());",
            "  }",
            "  class Inner { String f(String s) { return s.intern(); } }"));
  }

  @Test
  void checksRecordsAndEnums() {
    assertEquals(
        List.of(
            "Bad.java:5:0: SBX-CLASS: java.lang.System.currentTimeMillis() is not allowed:"
                + " the class java.lang.System is not on the allowlist",
            "Bad.java:6:0: SBX-MEMBER: java.lang.Object.notify() is not allowed: the member is not on the allowlist"),
        refusals(
            "  record Point(int x, int y) { Point { System.currentTimeMillis(); } }",
            "  enum Mode { ON, OFF; void poke() { notify(); } }",
            HANDLE + " return Reply.ok(\"\" + new Point(1, 2)); }"));
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void acceptsLambdasRecordsEnumSwitchesAndInnerClasses() throws Exception {
    DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults());
    Artifact artifact = accepted(pipeline.deploy("acme", Submission.file("Shapes.java", ShapesSource.LINES)));

    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Service shapes = pipeline.load("acme", 1, artifact.hash()).newInstance();

      assertEquals("Circle[r=2]:12 Square[side=3]:9 ON 2",
          shapes.handle(Request.of("area", "2,3"), new FakeContext()).text());
    }
  }
}
