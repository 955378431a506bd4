package dev.solo.deploy;

import static dev.solo.deploy.Submission.accepted;
import static dev.solo.deploy.Submission.findings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import dev.solo.hardening.SourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each technique that must be refused, with the rule and message that the tenant sees, through the
 * whole deploy pipeline (source rules, javac, bytecode verification). Techniques that javac cannot
 * write are in the hardening module's {@code BytecodeVerifierTest}, built with ASM.
 */
class SandboxTest {
  private static final String HANDLE = "  public Reply handle(Request request, Context ctx) throws Exception {";
  private static final String SERVICE = String.join("\n",
      "import dev.solo.api.*;",
      "public class Bad implements Service {",
      "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\"); }",
      "}",
      "");

  @RegisterExtension static final SharedCompiler COMPILER = new SharedCompiler();
  @TempDir Path store;

  /** Deploys {@code Bad.java}: four lines of header, so the first line of {@code members} is line 5. */
  private List<String> refusals(String... members) {
    return findings(pipeline().deploy("acme", Submission.file("Bad.java", badJava(members))));
  }

  private static String[] badJava(String... members) {
    return Stream.concat(
        Stream.of("import dev.solo.api.*;", "import java.util.*;", "import java.util.function.*;",
            "public class Bad implements Service {"),
        Stream.concat(Stream.of(members), Stream.of("}"))).toArray(String[]::new);
  }

  private DeployPipeline pipeline() {
    return COMPILER.pipeline(store);
  }

  /** Deploys {@code Bad.java} made of {@code members}, and calls it once with a budget; {@return its reply text} */
  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  private String run(Request request, String... members) throws Exception {
    DeployPipeline pipeline = pipeline();
    Artifact artifact = accepted(pipeline.deploy("acme", Submission.file("Bad.java", badJava(members))));
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      return pipeline.load("acme", 1, artifact.hash()).newInstance().handle(request, new FakeContext()).text();
    }
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
  void refusesCatchingStackOverflowError() {
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

  // ---- Reflection, method handles and Unsafe ----

  @Test
  void refusesSetAccessible() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.Class.getDeclaredField(java.lang.String) is not allowed:"
                + " the class java.lang.Class is not on the allowlist",
            "Bad.java:7:0: SBX-CLASS: java.lang.reflect.Field.setAccessible(boolean) is not allowed:"
                + " the class java.lang.reflect.Field is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.lang.reflect.Field body = Request.class.getDeclaredField(\"body\");",
            "    body.setAccessible(true);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesReflectionThroughGetDeclaredFields() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Class.getDeclaredFields() is not allowed:"
            + " the class java.lang.Class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + ctx.getClass().getDeclaredFields().length);",
            "  }"));
  }

  @Test
  void refusesMethodsOfAClassLiteralHeldInAVariable() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-CLASS: java.lang.Class.getMethods() is not allowed:"
            + " the class java.lang.Class is not on the allowlist"),
        refusals(
            HANDLE,
            "    Class<?> c = String.class;",
            "    return Reply.ok(\"\" + c.getMethods().length);",
            "  }"));
  }

  @Test
  void refusesClassMembersOnWhatGetClassReturns() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Class.getName() is not allowed:"
            + " the class java.lang.Class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + request.getClass().getName());",
            "  }"));
  }

  @Test
  void refusesMethodHandlesLookup() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.invoke.MethodHandles.lookup() is not allowed:"
            + " the class java.lang.invoke.MethodHandles is not on the allowlist"),
        refusals(
            HANDLE,
            "    Object lookup = java.lang.invoke.MethodHandles.lookup();",
            "    return Reply.ok(\"\" + lookup);",
            "  }"));
  }

  @Test
  void refusesVarHandle() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS:"
            + " java.lang.invoke.MethodHandles.arrayElementVarHandle(java.lang.Class) is not allowed: the"
            + " class java.lang.invoke.MethodHandles is not on the allowlist"),
        refusals(
            HANDLE,
            "    Object handle = java.lang.invoke.MethodHandles.arrayElementVarHandle(int[].class);",
            "    return Reply.ok(\"\" + handle);",
            "  }"));
  }

  @Test
  void refusesLookupDefineClass() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.invoke.MethodHandles.lookup() is not allowed:"
                + " the class java.lang.invoke.MethodHandles is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.lang.invoke.MethodHandles$Lookup.defineClass(byte[]) is not allowed:"
                + " the class java.lang.invoke.MethodHandles$Lookup is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.lang.invoke.MethodHandles.lookup().defineClass(request.body());",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesRuntimeHaltThroughMethodReference() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-INDY-HANDLE: method reference java.lang.Runtime.halt(int) is not allowed:"
            + " the class java.lang.Runtime is not on the allowlist"),
        refusals(
            HANDLE,
            "    ObjIntConsumer<Runtime> halt = Runtime::halt;",
            "    return Reply.ok(\"\" + halt);",
            "  }"));
  }

  @Test
  void refusesProxy() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.Class is not allowed: the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.lang.reflect.Proxy.newProxyInstance(java.lang.ClassLoader,"
                + " java.lang.Class[], java.lang.reflect.InvocationHandler) is not allowed: the class"
                + " java.lang.reflect.Proxy is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.lang.reflect.Proxy.newProxyInstance(null, new Class<?>[0], null));",
            "  }"));
  }

  @Test
  void refusesReflectArray() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.reflect.Array.newInstance(java.lang.Class, int) is not allowed:"
            + " the class java.lang.reflect.Array is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.lang.reflect.Array.newInstance(String.class, 3));",
            "  }"));
  }

  @Test
  void refusesModuleAccess() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ModuleLayer.boot() is not allowed:"
            + " the class java.lang.ModuleLayer is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + ModuleLayer.boot());",
            "  }"));
  }

  @Test
  void refusesStackWalker() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.StackWalker.getInstance() is not allowed:"
            + " the class java.lang.StackWalker is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + StackWalker.getInstance());",
            "  }"));
  }

  @Test
  void refusesEnumValueOfOnAJdkEnumOffTheList() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Thread$State is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + Enum.valueOf(Thread.State.class, \"NEW\"));",
            "  }"));
  }

  @Test
  void refusesSunMiscUnsafe() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: sun.misc.Unsafe.getUnsafe() is not allowed:"
            + " the class sun.misc.Unsafe is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + sun.misc.Unsafe.getUnsafe());",
            "  }"));
  }

  /** javac words this by JDK version: 17 says "is not visible", later ones "does not exist". */
  @Test
  void refusesJdkInternalUnsafe() {
    List<String> findings = refusals(
        HANDLE,
        "    return Reply.ok(\"\" + jdk.internal.misc.Unsafe.getUnsafe());",
        "  }");

    assertEquals(1, findings.size(), findings::toString);
    assertTrue(findings.get(0).matches(
        "Bad\\.java:6:\\d+: COMPILE: package jdk\\.internal\\.misc (is not visible|does not exist)"), findings::toString);
  }

  // ---- Class loaders and native code ----

  @Test
  void refusesNewUrlClassLoader() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.net.URLClassLoader is not allowed: the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.net.URL is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.net.URLClassLoader(new java.net.URL[0]);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesGetClassLoader() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Class.getClassLoader() is not allowed:"
            + " the class java.lang.Class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + getClass().getClassLoader());",
            "  }"));
  }

  @Test
  void refusesSystemClassLoader() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ClassLoader.getSystemClassLoader() is not allowed:"
            + " the class java.lang.ClassLoader is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + ClassLoader.getSystemClassLoader());",
            "  }"));
  }

  @Test
  void refusesExtendingClassLoader() {
    assertEquals(
        List.of(
            "Bad.java:0:0: SBX-CLASS: java.lang.ClassLoader is not allowed: the class is not on the allowlist",
            "Bad.java:5:0: SBX-CLASS: java.lang.ClassLoader.<init>() is not allowed:"
                + " the class java.lang.ClassLoader is not on the allowlist"),
        refusals(
            "  static class Loader extends ClassLoader {",
            "  }",
            HANDLE,
            "    return Reply.ok(\"\" + new Loader());",
            "  }"));
  }

  @Test
  void refusesServiceLoader() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.util.ServiceLoader.load(java.lang.Class) is not allowed:"
            + " the class java.util.ServiceLoader is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + ServiceLoader.load(Service.class).findFirst());",
            "  }"));
  }

  @Test
  void refusesSystemLoadLibrary() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.loadLibrary(java.lang.String) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.loadLibrary(\"evil\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemLoad() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.load(java.lang.String) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.load(\"/tmp/libevil.so\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  // ---- Processes, exit and the runtime ----

  @Test
  void refusesProcessBuilder() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ProcessBuilder is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new ProcessBuilder(\"sh\", \"-c\", \"id\").start();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesRuntimeExec() {
    assertEquals(
        List.of(
            "Bad.java:9:0: SBX-CLASS: java.lang.Runtime is not allowed: the class is not on the allowlist",
            "Bad.java:10:0: SBX-CLASS: java.lang.Runtime.exec(java.lang.String) is not allowed:"
                + " the class java.lang.Runtime is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\");",
            "  }",
            "  void run(Runtime runtime) throws Exception {",
            "    String command = \"id\";",
            "    runtime.exec(command);",
            "  }"));
  }

  @Test
  void refusesProcessHandle() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ProcessHandle.current() is not allowed:"
            + " the class java.lang.ProcessHandle is not on the allowlist"),
        refusals(
            HANDLE,
            "    ProcessHandle.current().destroyForcibly();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemExit() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.exit(0);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesShutdownHook() {
    assertEquals(
        List.of(
            "Bad.java:9:0: SBX-CLASS: java.lang.Runtime is not allowed: the class is not on the allowlist",
            "Bad.java:9:0: SBX-CLASS: java.lang.Thread is not allowed: the class is not on the allowlist",
            "Bad.java:10:0: SBX-CLASS: java.lang.Runtime.addShutdownHook(java.lang.Thread) is not allowed:"
                + " the class java.lang.Runtime is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\");",
            "  }",
            "  void hook(Runtime runtime, Thread hook) {",
            "    String name = \"cleanup\";",
            "    runtime.addShutdownHook(hook);",
            "  }"));
  }

  @Test
  void refusesRuntimeGetRuntime() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Runtime.getRuntime() is not allowed:"
            + " the class java.lang.Runtime is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + Runtime.getRuntime().availableProcessors());",
            "  }"));
  }

  // ---- Threads, executors, parallelism and timers ----

  @Test
  void refusesExecutors() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.util.concurrent.Executors.newSingleThreadExecutor() is not allowed:"
            + " the class java.util.concurrent.Executors is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.util.concurrent.Executors.newSingleThreadExecutor();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesCompletableFutureRunAsync() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.Runnable is not allowed: the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.util.concurrent.CompletableFuture.runAsync(java.lang.Runnable)"
                + " is not allowed: the class java.util.concurrent.CompletableFuture is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.util.concurrent.CompletableFuture.runAsync(() -> ctx.log().info(\"later\"));",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesCompletableFutureSupplyAsync() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS:"
            + " java.util.concurrent.CompletableFuture.supplyAsync(java.util.function.Supplier) is not"
            + " allowed: the class java.util.concurrent.CompletableFuture is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.util.concurrent.CompletableFuture.supplyAsync(() -> \"later\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesForkJoinPool() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.util.concurrent.ForkJoinPool.commonPool() is not allowed:"
            + " the class java.util.concurrent.ForkJoinPool is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.util.concurrent.ForkJoinPool.commonPool();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesParallelOnAStream() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.util.stream.Stream.parallel() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + List.of(1, 2).stream().parallel().count());",
            "  }"));
  }

  @Test
  void refusesParallelOnAnIntStream() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.util.stream.IntStream.parallel() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.util.stream.IntStream.range(0, 10).parallel().sum());",
            "  }"));
  }

  @Test
  void refusesArraysParallelSort() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.util.Arrays.parallelSort(int[]) is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    Arrays.parallelSort(new int[] {3, 1, 2});",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesTimer() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.util.Timer is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new Timer();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesThreadSleep() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Thread.sleep(long) is not allowed:"
            + " the class java.lang.Thread is not on the allowlist"),
        refusals(
            HANDLE,
            "    Thread.sleep(1000);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesThreadCurrentThread() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Thread.currentThread() is not allowed:"
            + " the class java.lang.Thread is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(Thread.currentThread().getName());",
            "  }"));
  }

  @Test
  void refusesImplementingRunnable() {
    assertEquals(
        List.of("Bad.java:0:0: SBX-CLASS: java.lang.Runnable is not allowed: the class is not on the allowlist"),
        refusals(
            "  static class Task implements Runnable {",
            "    public void run() { }",
            "  }",
            HANDLE,
            "    return Reply.ok(\"\" + new Task());",
            "  }"));
  }

  @Test
  void refusesThreadLocal() {
    assertEquals(
        List.of(
            "Bad.java:0:0: SBX-CLASS: java.lang.ThreadLocal is not allowed: the class is not on the allowlist",
            "Bad.java:5:0: SBX-CLASS: java.lang.ThreadLocal is not allowed: the class is not on the allowlist",
            "Bad.java:7:0: SBX-CLASS: java.lang.ThreadLocal.get() is not allowed:"
                + " the class java.lang.ThreadLocal is not on the allowlist"),
        refusals(
            "  static final ThreadLocal<String> LEAK = new ThreadLocal<>();",
            HANDLE,
            "    return Reply.ok(LEAK.get());",
            "  }"));
  }

  // ---- Monitors, finalizers and references ----

  @Test
  void refusesObjectNotify() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.Object.notify() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    request.notify();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSynchronizedOnAClass() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MONITOR: synchronized is not allowed:"
            + " monitors can be held on objects shared with other tenants"),
        refusals(
            HANDLE,
            "    synchronized (Bad.class) {",
            "      return Reply.ok(\"\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesSynchronizedOnThis() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MONITOR: synchronized is not allowed:"
            + " monitors can be held on objects shared with other tenants"),
        refusals(
            HANDLE,
            "    synchronized (this) {",
            "      return Reply.ok(\"\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesFinalizerInAnAnonymousClass() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-FINALIZE: finalize() is not allowed:"
            + " it would run on a JVM thread outside any budget"),
        refusals(
            HANDLE,
            "    Object o = new Object() {",
            "      @Override protected void finalize() { }",
            "    };",
            "    return Reply.ok(\"\" + o);",
            "  }"));
  }

  @Test
  void refusesCleaner() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ref.Cleaner.create() is not allowed:"
            + " the class java.lang.ref.Cleaner is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.lang.ref.Cleaner.create();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesWeakReference() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ref.WeakReference is not allowed:"
            + " the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + new java.lang.ref.WeakReference<>(request).get());",
            "  }"));
  }

  @Test
  void refusesPhantomReference() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.ref.PhantomReference is not allowed:"
                + " the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.lang.ref.ReferenceQueue is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.lang.ref.PhantomReference<>(request, new java.lang.ref.ReferenceQueue<>());",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesReachabilityFence() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.ref.Reference.reachabilityFence(java.lang.Object) is"
            + " not allowed: the class java.lang.ref.Reference is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.lang.ref.Reference.reachabilityFence(request);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  // ---- Serialization, files, network, naming, scripting, XML, JMX, logging ----

  @Test
  void refusesObjectInputStream() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.io.ObjectInputStream is not allowed: the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.io.ByteArrayInputStream is not allowed: the class is not on the allowlist",
            "Bad.java:7:0: SBX-CLASS: java.io.ObjectInputStream.readObject() is not allowed:"
                + " the class java.io.ObjectInputStream is not on the allowlist"),
        refusals(
            HANDLE,
            "    var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(request.body()));",
            "    return Reply.ok(\"\" + in.readObject());",
            "  }"));
  }

  @Test
  void refusesObjectOutputStream() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.io.ObjectOutputStream is not allowed: the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.io.ByteArrayOutputStream is not allowed:"
                + " the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream()).writeObject(request);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesFileInputStream() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.io.FileInputStream is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(new java.io.FileInputStream(\"/etc/passwd\").readAllBytes());",
            "  }"));
  }

  @Test
  void refusesRandomAccessFile() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.io.RandomAccessFile is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.io.RandomAccessFile(\"/tmp/x\", \"rw\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesNioFiles() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.nio.file.Path.of(java.lang.String, java.lang.String[]) is not allowed:"
                + " the class java.nio.file.Path is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.nio.file.Files.readString(java.nio.file.Path) is not allowed:"
                + " the class java.nio.file.Files is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/passwd\")));",
            "  }"));
  }

  @Test
  void refusesPaths() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.nio.file.Paths.get(java.lang.String, java.lang.String[]) is"
            + " not allowed: the class java.nio.file.Paths is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.nio.file.Paths.get(\"/etc\"));",
            "  }"));
  }

  @Test
  void refusesPathOf() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.nio.file.Path.of(java.lang.String, java.lang.String[]) is"
            + " not allowed: the class java.nio.file.Path is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.nio.file.Path.of(\"/etc\"));",
            "  }"));
  }

  @Test
  void refusesSocket() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.Socket is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.net.Socket(\"example.com\", 80);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesServerSocket() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.ServerSocket is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.net.ServerSocket(8080);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesDatagramSocket() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.DatagramSocket is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    new java.net.DatagramSocket();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesUrlOpenConnection() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.URL is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.net.URLConnection connection = new java.net.URL(\"http://example.com\").openConnection();",
            "    return Reply.ok(\"\" + connection);",
            "  }"));
  }

  @Test
  void refusesUriToUrl() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.URI.create(java.lang.String) is not allowed:"
            + " the class java.net.URI is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.net.URI.create(\"http://example.com\").toURL());",
            "  }"));
  }

  @Test
  void refusesHttpClient() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.http.HttpClient.newHttpClient() is not allowed:"
            + " the class java.net.http.HttpClient is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.net.http.HttpClient.newHttpClient());",
            "  }"));
  }

  @Test
  void refusesDnsLookup() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.net.InetAddress.getByName(java.lang.String) is not allowed:"
            + " the class java.net.InetAddress is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.net.InetAddress.getByName(\"example.com\"));",
            "  }"));
  }

  @Test
  void refusesJndi() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: javax.naming.InitialContext is not allowed:"
            + " the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + new javax.naming.InitialContext().lookup(\"ldap://example.com/x\"));",
            "  }"));
  }

  @Test
  void refusesScriptEngine() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: javax.script.ScriptEngineManager is not allowed:"
            + " the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + new javax.script.ScriptEngineManager().getEngineByName(\"js\"));",
            "  }"));
  }

  @Test
  void refusesXmlDecoder() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.beans.XMLDecoder is not allowed: the class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.io.ByteArrayInputStream is not allowed: the class is not on the allowlist",
            "Bad.java:7:0: SBX-CLASS: java.beans.XMLDecoder.readObject() is not allowed:"
                + " the class java.beans.XMLDecoder is not on the allowlist"),
        refusals(
            HANDLE,
            "    var in = new java.beans.XMLDecoder(new java.io.ByteArrayInputStream(request.body()));",
            "    return Reply.ok(\"\" + in.readObject());",
            "  }"));
  }

  @Test
  void refusesXmlParser() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: javax.xml.parsers.DocumentBuilderFactory.newInstance() is not allowed:"
            + " the class javax.xml.parsers.DocumentBuilderFactory is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + javax.xml.parsers.DocumentBuilderFactory.newInstance());",
            "  }"));
  }

  @Test
  void refusesJmx() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.lang.management.ManagementFactory.getRuntimeMXBean() is not allowed:"
                + " the class java.lang.management.ManagementFactory is not on the allowlist",
            "Bad.java:7:0: SBX-CLASS: java.lang.management.RuntimeMXBean.getInputArguments() is not allowed:"
                + " the class java.lang.management.RuntimeMXBean is not on the allowlist"),
        refusals(
            HANDLE,
            "    var runtime = java.lang.management.ManagementFactory.getRuntimeMXBean();",
            "    return Reply.ok(\"\" + runtime.getInputArguments());",
            "  }"));
  }

  @Test
  void refusesLogging() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.util.logging.Logger.getLogger(java.lang.String) is not allowed:"
                + " the class java.util.logging.Logger is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.util.logging.Level.OFF is not allowed:"
                + " the class java.util.logging.Level is not on the allowlist"),
        refusals(
            HANDLE,
            "    java.util.logging.Logger.getLogger(\"\").setLevel(java.util.logging.Level.OFF);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  // ---- Global state: properties, environment, defaults, clocks, shared randomness ----

  @Test
  void refusesSystemGetProperty() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.getProperty(java.lang.String) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(System.getProperty(\"user.home\"));",
            "  }"));
  }

  @Test
  void refusesSystemSetProperty() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.setProperty(java.lang.String, java.lang.String)"
            + " is not allowed: the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.setProperty(\"user.home\", \"/tmp\");",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemGetenv() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.getenv(java.lang.String) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(System.getenv(\"HOME\"));",
            "  }"));
  }

  @Test
  void refusesSystemGetProperties() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.getProperties() is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + System.getProperties());",
            "  }"));
  }

  @Test
  void refusesLongGetLong() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.Long.getLong(java.lang.String) is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + Long.getLong(\"user.home\"));",
            "  }"));
  }

  @Test
  void refusesBooleanGetBoolean() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.Boolean.getBoolean(java.lang.String) is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + Boolean.getBoolean(\"user.home\"));",
            "  }"));
  }

  @Test
  void refusesLocaleSetDefault() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.util.Locale.forLanguageTag(java.lang.String) is not allowed:"
                + " the class java.util.Locale is not on the allowlist",
            "Bad.java:7:0: SBX-CLASS: java.util.Locale.setDefault(java.util.Locale) is not allowed:"
                + " the class java.util.Locale is not on the allowlist"),
        refusals(
            HANDLE,
            "    Locale turkish = Locale.forLanguageTag(\"tr\");",
            "    Locale.setDefault(turkish);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesTimeZoneSetDefault() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.util.TimeZone.setDefault(java.util.TimeZone) is not allowed:"
            + " the class java.util.TimeZone is not on the allowlist"),
        refusals(
            HANDLE,
            "    TimeZone.setDefault(null);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemSetOut() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.setOut(java.io.PrintStream) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.setOut(null);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemSetErr() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.setErr(java.io.PrintStream) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.setErr(null);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSystemSetIn() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.setIn(java.io.InputStream) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.setIn(null);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesSetSecurityManager() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.setSecurityManager(java.lang.SecurityManager) is"
            + " not allowed: the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    System.setSecurityManager(null);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesDefaultUncaughtExceptionHandler() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.Thread.setDefaultUncaughtExceptionHandler("
            + "java.lang.Thread$UncaughtExceptionHandler) is not allowed: the class java.lang.Thread is not on the allowlist"),
        refusals(
            HANDLE,
            "    Thread.setDefaultUncaughtExceptionHandler(null);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesReadingTheClockThroughInstantNow() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.time.Instant.now() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.time.Instant.now());",
            "  }"));
  }

  @Test
  void refusesReadingTheClockThroughLocalDateNow() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.time.LocalDate.now() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + java.time.LocalDate.now());",
            "  }"));
  }

  @Test
  void refusesSystemNanoTime() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.nanoTime() is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + System.nanoTime());",
            "  }"));
  }

  @Test
  void refusesSharedRandomThroughMathRandom() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.Math.random() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + Math.random());",
            "  }"));
  }

  @Test
  void refusesCollectionsShuffle() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-MEMBER: java.util.Collections.shuffle(java.util.List) is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    List<Integer> numbers = new ArrayList<>(List.of(1, 2, 3));",
            "    Collections.shuffle(numbers);",
            "    return Reply.ok(\"\" + numbers);",
            "  }"));
  }

  @Test
  void refusesStringFormatWithLocale() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CLASS: java.util.Locale.ROOT is not allowed:"
                + " the class java.util.Locale is not on the allowlist",
            "Bad.java:6:0: SBX-MEMBER: java.lang.String.format(java.util.Locale, java.lang.String,"
                + " java.lang.Object[]) is not allowed: the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(String.format(Locale.ROOT, \"%d\", 1));",
            "  }"));
  }

  @Test
  void refusesGetBytesByCharsetName() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.String.getBytes(java.lang.String) is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(request.text().getBytes(\"x-evil-charset\"));",
            "  }"));
  }

  @Test
  void refusesStackTraces() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.IllegalStateException.getStackTrace() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + new IllegalStateException().getStackTrace().length);",
            "  }"));
  }

  @Test
  void refusesPrintStackTrace() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-MEMBER: java.lang.IllegalStateException.printStackTrace() is not allowed:"
            + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    new IllegalStateException().printStackTrace();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  // ---- Catching what must not be caught ----

  @Test
  void refusesCatchingError() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CATCH-ERROR: catching java.lang.Error is not allowed:"
            + " catch Exception or its subclasses, never Throwable or an Error"),
        refusals(
            HANDLE,
            "    try {",
            "      return Reply.ok(request.text());",
            "    } catch (Error e) {",
            "      return Reply.ok(\"budget swallowed\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesCatchingOutOfMemoryError() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CATCH-ERROR: catching java.lang.OutOfMemoryError is not allowed:"
            + " catch Exception or its subclasses, never Throwable or an Error"),
        refusals(
            HANDLE,
            "    try {",
            "      return Reply.ok(\"x\".repeat(Integer.MAX_VALUE));",
            "    } catch (OutOfMemoryError e) {",
            "      return Reply.ok(\"survived\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesMultiCatchWithAnError() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CATCH-ERROR: catching java.lang.AssertionError is not allowed:"
            + " catch Exception or its subclasses, never Throwable or an Error"),
        refusals(
            HANDLE,
            "    try {",
            "      return Reply.ok(request.text());",
            "    } catch (IllegalStateException | AssertionError e) {",
            "      return Reply.ok(\"swallowed\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesCatchingATenantError() {
    assertEquals(
        List.of(
            "Bad.java:0:0: SBX-CLASS: java.lang.Error is not allowed: the class is not on the allowlist",
            "Bad.java:5:0: SBX-CLASS: java.lang.Error.<init>() is not allowed:"
                + " the class java.lang.Error is not on the allowlist",
            "Bad.java:9:0: SBX-CATCH-ERROR: catching Bad$Oops is not allowed:"
                + " catch Exception or its subclasses, never Throwable or an Error"),
        refusals(
            "  static class Oops extends Error {}",
            HANDLE,
            "    try {",
            "      return Reply.ok(\"\");",
            "    } catch (Oops e) {",
            "      return Reply.ok(\"x\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesTryWithResources() {
    assertEquals(
        List.of(
            "Bad.java:6:0: SBX-CATCH-ERROR: catching java.lang.Throwable is not allowed:"
                + " catch Exception or its subclasses, never Throwable or an Error",
            "Bad.java:6:0: SBX-MEMBER: java.util.stream.Stream.close() is not allowed:"
                + " the member is not on the allowlist",
            "Bad.java:8:0: SBX-MEMBER: java.util.stream.Stream.close() is not allowed:"
                + " the member is not on the allowlist"),
        refusals(
            HANDLE,
            "    try (java.util.stream.Stream<String> lines = request.text().lines()) {",
            "      return Reply.ok(\"\" + lines.count());",
            "    }",
            "  }"));
  }

  @Test
  void refusesAssert() {
    assertEquals(
        List.of(
            "Bad.java:4:0: SBX-CLASS: java.lang.Class.desiredAssertionStatus() is not allowed:"
                + " the class java.lang.Class is not on the allowlist",
            "Bad.java:6:0: SBX-CLASS: java.lang.AssertionError is not allowed: the class is not on the allowlist"),
        refusals(
            HANDLE,
            "    assert request != null;",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  // ---- Static initializers ----

  @Test
  void refusesStaticInitializerThatLoops() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-CLINIT: a loop is not allowed in a static initializer: static"
            + " initializers may only set up constants"),
        refusals(
            "  static final int[] SQUARES = new int[100];",
            "  static {",
            "    for (int i = 0; i < SQUARES.length; i++) {",
            "      SQUARES[i] = i * i;",
            "    }",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\"); }"));
  }

  @Test
  void refusesStaticInitializerThatExits() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            "  static {",
            "    System.exit(1);",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\"); }"));
  }

  @Test
  void refusesStaticInitializerCallingALoop() {
    assertEquals(
        List.of("Bad.java:5:0: SBX-CLINIT: calling Bad.sum(int) is not allowed in a static initializer:"
            + " Bad.sum(int) runs a loop (line 8); static initializers may only set up constants"),
        refusals(
            "  static final int TOTAL = sum(1000);",
            "  static int sum(int n) {",
            "    int total = 0;",
            "    for (int i = 0; i < n; i++) { total += i; }",
            "    return total;",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + TOTAL); }"));
  }

  @Test
  void refusesStaticInitializerRecursion() {
    assertEquals(
        List.of("Bad.java:5:0: SBX-CLINIT: calling Bad.fib(int) is not allowed in a static initializer:"
            + " Bad.fib(int) calls Bad.fib(int) recursively (line 7); static initializers may only set up"
            + " constants"),
        refusals(
            "  static final long FIB = fib(90);",
            "  static long fib(int n) {",
            "    return n < 2 ? n : fib(n - 1) + fib(n - 2);",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + FIB); }"));
  }

  @Test
  void refusesEnumConstantWhoseConstructorLoops() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLINIT: calling new Bad$Level(java.lang.String, int, int) is not allowed"
            + " in a static initializer: new Bad$Level(java.lang.String, int, int) runs a loop (line 10);"
            + " static initializers may only set up constants"),
        refusals(
            "  enum Level {",
            "    LOW(3), HIGH(1000000);",
            "    final int weight;",
            "    Level(int n) {",
            "      int w = 0;",
            "      while (w < n) { w++; }",
            "      weight = w;",
            "    }",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + Level.HIGH.weight); }"));
  }

  @Test
  void refusesRecordConstantWhoseCompactConstructorLoops() {
    assertEquals(
        List.of("Bad.java:6:0: SBX-CLINIT: calling new Bad$Point(int, int) is not allowed in a static"
            + " initializer: new Bad$Point(int, int) runs a loop (line 8); static initializers may only"
            + " set up constants"),
        refusals(
            "  record Point(int x, int y) {",
            "    static final Point FAR = new Point(1000000, 0);",
            "    Point {",
            "      for (int i = 0; i < x; i++) { y++; }",
            "    }",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + Point.FAR); }"));
  }

  @Test
  void refusesSingletonWhoseConstructorLoops() {
    assertEquals(
        List.of("Bad.java:5:0: SBX-CLINIT: calling new Bad() is not allowed in a static initializer: new"
            + " Bad() runs a loop (line 8); static initializers may only set up constants"),
        refusals(
            "  static final Bad INSTANCE = new Bad();",
            "  private final List<Integer> numbers = new ArrayList<>();",
            "  public Bad() {",
            "    for (int i = 0; i < 10; i++) { numbers.add(i); }",
            "  }",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + INSTANCE.numbers); }"));
  }

  // ---- Hiding places: every class file javac emits is checked ----

  @Test
  void refusesExitHiddenInAnEnumSwitch() {
    assertEquals(
        List.of("Bad.java:9:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            "  enum Mode { ON, OFF }",
            HANDLE,
            "    switch (Mode.valueOf(request.method())) {",
            "      case ON:",
            "        System.exit(0);",
            "      default:",
            "        return Reply.ok(\"\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesExitHiddenInAStringSwitch() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CLASS: java.lang.Runtime.getRuntime() is not allowed:"
            + " the class java.lang.Runtime is not on the allowlist"),
        refusals(
            HANDLE,
            "    switch (request.method()) {",
            "      case \"stop\":",
            "        Runtime.getRuntime().halt(0);",
            "      default:",
            "        return Reply.ok(\"\");",
            "    }",
            "  }"));
  }

  @Test
  void refusesExitHiddenInARecordCompactConstructor() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            "  record Point(int x, int y) {",
            "    Point {",
            "      System.exit(x);",
            "    }",
            "  }",
            HANDLE,
            "    return Reply.ok(\"\" + new Point(0, 0));",
            "  }"));
  }

  @Test
  void refusesExitHiddenInADefaultMethod() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            "  interface Stopper {",
            "    default void stop() {",
            "      System.exit(0);",
            "    }",
            "  }",
            HANDLE,
            "    new Stopper() { }.stop();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesExitHiddenInAnAnonymousClass() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    Supplier<String> s = new Supplier<>() {",
            "      public String get() {",
            "        System.exit(0);",
            "        return \"\";",
            "      }",
            "    };",
            "    return Reply.ok(s.get());",
            "  }"));
  }

  @Test
  void refusesExitHiddenInAnInnerClass() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            "  class Inner {",
            "    void stop() {",
            "      System.exit(0);",
            "    }",
            "  }",
            HANDLE,
            "    new Inner().stop();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesExitHiddenInALambda() {
    assertEquals(
        List.of("Bad.java:7:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    IntConsumer stop = code ->",
            "        System.exit(code);",
            "    stop.accept(0);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesExitHiddenInALocalClass() {
    assertEquals(
        List.of("Bad.java:8:0: SBX-CLASS: java.lang.System.exit(int) is not allowed:"
            + " the class java.lang.System is not on the allowlist"),
        refusals(
            HANDLE,
            "    class Local {",
            "      void stop() {",
            "        System.exit(0);",
            "      }",
            "    }",
            "    new Local().stop();",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesAnOffListAnnotation() {
    assertEquals(
        List.of("Bad.java:0:0: SBX-CLASS: java.beans.JavaBean is not allowed: the class is not on the allowlist"),
        refusals(
            "  @java.beans.JavaBean",
            "  public static class Bean { }",
            HANDLE,
            "    return Reply.ok(\"\" + new Bean());",
            "  }"));
  }

  // ---- Source rules and the compiler ----

  @Test
  void refusesCodeHiddenBehindAUnicodeEscape() {
    assertEquals(
        List.of("Bad.java:6:23: SRC-UNICODE-ESCAPE: unicode escapes (\\u followed by hex digits) are not allowed:"
            + " write the character itself"),
        refusals(
            HANDLE,
            "    // nothing to see \\u000a System.exit(0);",
            "    return Reply.ok(\"\");",
            "  }"));
  }

  @Test
  void refusesAClassDeclaredInJavaLang() {
    assertEquals(
        List.of("Evil.java:1:1: SRC-RESERVED-PACKAGE: package java.lang is not allowed:"
            + " java and its subpackages are reserved"),
        findings(pipeline().deploy("acme", Map.of(
            "Bad.java", SERVICE,
            "Evil.java", "package java.lang;\npublic class Evil {}\n"))));
  }

  @Test
  void refusesAClassDeclaredInDevSolo() {
    assertEquals(
        List.of("Evil.java:1:1: SRC-RESERVED-PACKAGE: package dev.solo.kernel is not allowed:"
            + " dev.solo and its subpackages are reserved"),
        findings(pipeline().deploy("acme", Map.of(
            "Bad.java", SERVICE,
            "Evil.java", "package dev.solo.kernel;\npublic class Evil {}\n"))));
  }

  /**
   * A class named like the service API's own is refused by its package before javac runs. (Had it
   * been compiled, the bytecode verifier refuses it as SBX-RESERVED-PACKAGE, and the class loader
   * refuses to define it.)
   */
  @Test
  void refusesAForgedServiceApiClass() {
    assertEquals(
        List.of("Reply.java:1:1: SRC-RESERVED-PACKAGE: package dev.solo.api is not allowed:"
            + " dev.solo and its subpackages are reserved"),
        findings(pipeline().deploy("acme", Map.of(
            "Bad.java", SERVICE,
            "Reply.java", String.join("\n",
                "package dev.solo.api;",
                "public record Reply(int status, byte[] body, java.util.Map<String, String> headers) {",
                "  public static Reply ok(String text) { return null; }",
                "}")))));
  }

  /**
   * A tenant class named Reply in its own package is its own class: it shadows nothing at run
   * time (its loader defines it; dev.solo.api.Reply stays the host's), and a service that returns
   * it does not implement the service API.
   */
  @Test
  void refusesAReplyClassOfItsOwnInPlaceOfTheApis() {
    assertEquals(
        List.of(
            "Bad.java:5:8: COMPILE: Bad is not abstract and does not override abstract method"
                + " handle(dev.solo.api.Request,dev.solo.api.Context) in dev.solo.api.Service",
            "Bad.java:6:16: COMPILE: handle(dev.solo.api.Request,dev.solo.api.Context) in Bad cannot implement"
                + " handle(dev.solo.api.Request,dev.solo.api.Context) in dev.solo.api.Service"),
        findings(pipeline().deploy("acme", Submission.file("Bad.java",
            "import dev.solo.api.*;",
            "class Reply {",
            "  static Reply ok(String s) { return new Reply(); }",
            "}",
            "public class Bad implements Service {",
            "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\"); }",
            "}"))));
  }

  @Test
  void refusesReachingHostClassesByName() {
    assertEquals(
        List.of("Bad.java:6:41: COMPILE: package dev.solo.kernel does not exist"),
        refusals(
            HANDLE,
            "    return Reply.ok(\"\" + dev.solo.kernel.Kernel.class);",
            "  }"));
  }

  @Test
  void refusesHundredsOfClassesInOneFile() {
    StringBuilder source = new StringBuilder(SERVICE);
    for (int i = 0; i <= SourceLimits.DEFAULT_MAX_CLASSES; i++) {
      source.append("class C").append(i).append(" {}\n");
    }

    assertEquals(
        List.of("SRC-CLASSES: the code declares 202 classes: at most 200 are allowed"),
        findings(pipeline().deploy("acme", Map.of("Bad.java", source.toString()))));
  }

  @Test
  void refusesDeeplyNestedGenerics() {
    String type = "String";
    for (int i = 0; i < 250; i++) {
      type = "java.util.List<" + type + ">";
    }

    assertEquals(
        List.of("Bad.java:5:2943: SRC-DEPTH: the code is nested more than 200 levels deep"),
        refusals("  " + type + " deep;", HANDLE, "    return Reply.ok(\"\");", "  }"));
  }

  @Test
  void refusesAHugeSyntaxTree() {
    String zeros = "0,".repeat(SourceLimits.DEFAULT_MAX_NODES);

    assertEquals(
        List.of("SRC-NODES: the code has more than 100000 syntax tree nodes, the limit for a submission"),
        refusals("  int[] wide = {" + zeros + "};", HANDLE, "    return Reply.ok(\"\");", "  }"));
  }

  /**
   * Nested calls of a generic method whose result type doubles at each level: a few hundred bytes
   * that keep javac inferring types for seconds (and, deeper, for minutes and gigabytes). The same
   * pipeline compiles an ordinary service within the limit first, so the limit is not what fails.
   */
  @Test
  void refusesACompileTimeInferenceBomb() {
    try (DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store),
        new DeployLimits(SourceLimits.defaults(), Duration.ofSeconds(1)))) {
      accepted(pipeline.deploy("acme", Map.of("Bad.java", SERVICE)));
      String bomb = "1";
      for (int i = 0; i < 19; i++) {
        bomb = "twice(" + bomb + ")";
      }

      assertEquals(
          List.of("COMPILE-TIMEOUT: compiling took longer than 1000 ms and was stopped"),
          findings(pipeline.deploy("acme", Submission.file("Bad.java", badJava(
              "  static <T> Map<T, T> twice(T t) { return Map.of(t, t); }",
              HANDLE,
              "    return Reply.ok(\"\" + " + bomb + ");",
              "  }")))));
    }
  }

  /**
   * Maps of maps, each level doubling the type javac must write down: under 1 KB of source that
   * makes javac want gigabytes of heap. It runs out of the compile worker's heap, not the server's.
   */
  @Test
  void refusesACompileMemoryBomb() {
    DeployLimits limits = new DeployLimits(SourceLimits.defaults(), Duration.ofSeconds(120),
        new CompileWorkerLimits(1, 128, 500, Duration.ofSeconds(60), Duration.ofSeconds(60)));
    List<String> members = new ArrayList<>(List.of(HANDLE, "    var v0 = Map.of(1, 1);"));
    for (int i = 1; i <= 24; i++) {
      members.add("    var v" + i + " = Map.of(v" + (i - 1) + ", v" + (i - 1) + ");");
    }
    members.addAll(List.of("    return Reply.ok(\"\");", "  }"));

    try (DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), limits)) {
      assertEquals(
          List.of("COMPILE-RESOURCES: the compiler ran out of memory (limit 128 MiB) compiling this submission:"
              + " deeply nested generic types or calls make javac's work grow exponentially; split them up"),
          findings(pipeline.deploy("acme", Submission.file("Bad.java", badJava(members.toArray(String[]::new))))));
    }
  }

  @Test
  void acceptsPlainStaticInitializers() throws Exception {
    assertEquals("[a, b, c] {a=1} 24 big 0 1 ? Point[x=0, y=0] [a, b] 2 -2",
        run(Request.of("ON", "a"),
            "  enum Mode { ON, OFF { int weight() { return 2; } }; int weight() { return 1; } }",
            "  record Point(int x, int y) { static final Point ORIGIN = new Point(0, 0); }",
            "  interface Names { List<String> ALL = List.of(\"a\", \"b\"); }",
            "  static final List<String> NAMES = List.of(\"a\", \"b\", \"c\");",
            "  static final Map<String, Integer> COUNTS = new HashMap<>();",
            "  static final Comparator<Point> BY_X = Comparator.comparingInt(Point::x);",
            "  static final int LIMIT = Integer.parseInt(\"12\") * 2;",
            "  static final String SIZE = LIMIT > 10 ? \"big\" : \"small\";",
            "  static final Bad INSTANCE = new Bad();",
            "  static int counter;",
            "  static {",
            "    COUNTS.put(\"a\", 1);",
            "    try { counter = Integer.parseInt(\"x\"); } catch (NumberFormatException e) { counter = -1; }",
            "    finally { counter++; }",
            "  }",
            HANDLE,
            "    int v = switch (Mode.valueOf(request.method())) { case ON -> 1; case OFF -> 0; };",
            "    String s;",
            "    switch (request.text()) { case \"b\": s = \"B\"; break; default: s = \"?\"; }",
            "    return Reply.ok(NAMES + \" \" + COUNTS + \" \" + LIMIT + \" \" + SIZE + \" \" + counter + \" \" + v",
            "        + \" \" + s + \" \" + Point.ORIGIN + \" \" + Names.ALL + \" \" + Mode.OFF.weight()",
            "        + \" \" + BY_X.compare(new Point(1, 0), new Point(3, 0)) * 2);",
            "  }"));
  }

  @Test
  void acceptsWhatAnOrdinaryServiceUses() throws Exception {
    assertEquals("{1=[c], 2=[ab], 5=[12345]} 27 For input string: \"x\" | 12345 1970-01-01T00:00 37.50 5 x 2 a|b 30"
            + " 007 1970-01-01 994",
        run(Request.of("items", "ab,c,12345"),
            "  record Item(String name, int qty) implements Comparable<Item> {",
            "    public int compareTo(Item o) { return Integer.compare(qty, o.qty); }",
            "  }",
            "  enum Kind { A, B }",
            HANDLE,
            "    List<Item> items = new ArrayList<>();",
            "    for (String part : request.text().split(\",\")) {",
            "      items.add(new Item(part, part.length()));",
            "    }",
            "    Map<Integer, List<String>> byLength = items.stream()",
            "        .collect(java.util.stream.Collectors.groupingBy(Item::qty, TreeMap::new,",
            "            java.util.stream.Collectors.mapping(Item::name, java.util.stream.Collectors.toList())));",
            "    StringBuilder sb = new StringBuilder();",
            "    sb.append(byLength).append(' ').append(sb.length());",
            "    Optional<Item> max = items.stream().max(Comparator.naturalOrder());",
            "    java.time.Instant at = java.time.Instant.ofEpochMilli(ctx.now());",
            "    java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(at, java.time.ZoneOffset.UTC);",
            "    java.math.BigDecimal price = new java.math.BigDecimal(\"12.50\").multiply(java.math.BigDecimal.valueOf(3));",
            "    java.util.regex.Matcher m = java.util.regex.Pattern.compile(\"(\\\\d+)\").matcher(request.text());",
            "    int digits = m.find() ? m.group(1).length() : 0;",
            "    Deque<String> stack = new ArrayDeque<>();",
            "    stack.push(\"x\");",
            "    Set<Kind> kinds = new HashSet<>(List.of(Kind.values()));",
            "    String joined = String.join(\"|\", List.of(\"a\", \"b\"));",
            "    int sum = java.util.stream.IntStream.rangeClosed(1, 10).filter(i -> i % 2 == 0).sum();",
            "    Iterator<Item> it = items.iterator();",
            "    while (it.hasNext()) { if (it.next().qty() == 0) { it.remove(); } }",
            "    try {",
            "      Integer.parseInt(\"x\");",
            "    } catch (NumberFormatException e) {",
            "      sb.append(' ').append(e.getMessage());",
            "    }",
            "    String text = sb + \" | \" + max.map(Item::name).orElse(\"-\") + \" \" + local + \" \" + price.toPlainString()",
            "        + \" \" + digits + \" \" + stack.peek() + \" \" + kinds.size() + \" \" + joined + \" \" + sum",
            "        + \" \" + String.format(\"%03d\", 7) + \" \" + local.format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE)",
            "        + \" \" + Objects.hash(1, 2);",
            "    return Reply.ok(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));",
            "  }"));
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void acceptsMethodDescriptionsBuiltWithMapOfAndTextBlocks() throws Exception {
    DeployPipeline pipeline = pipeline();
    Artifact artifact = accepted(pipeline.deploy("acme", Submission.file("Bad.java", badJava(
        "  public Map<String, MethodSpec> methods() {",
        "    MethodSpec get = new MethodSpec(\"Returns the total\", \"{\\\"type\\\": \\\"object\\\"}\", true);",
        "    String schema = \"\"\"",
        "        {\"type\": \"object\", \"properties\": {\"by\": {\"type\": \"integer\"}}}\"\"\";",
        "    Map<String, MethodSpec> more = new HashMap<>(Map.ofEntries(Map.entry(\"add\", new MethodSpec(\"Adds\", schema, false))));",
        "    more.put(\"get\", new MethodSpec(get.description(), get.inputSchema(), get.readOnly()));",
        "    return Map.copyOf(more);",
        "  }",
        "  public Reply handle(Request request, Context ctx) { return Reply.ok(methods().keySet().toString()); }"))));

    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Map<String, dev.solo.api.MethodSpec> methods = pipeline.load("acme", 1, artifact.hash()).newInstance().methods();
      assertEquals(new dev.solo.api.MethodSpec("Returns the total", "{\"type\": \"object\"}", true), methods.get("get"));
      assertEquals("{\"type\": \"object\", \"properties\": {\"by\": {\"type\": \"integer\"}}}", methods.get("add").inputSchema());
    }
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void acceptsLambdasRecordsEnumSwitchesAndInnerClasses() throws Exception {
    DeployPipeline pipeline = pipeline();
    Artifact artifact = accepted(pipeline.deploy("acme", Submission.file("Shapes.java", ShapesSource.LINES)));

    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Service shapes = pipeline.load("acme", 1, artifact.hash()).newInstance();

      assertEquals("Circle[r=2]:12 Square[side=3]:9 ON 2",
          shapes.handle(Request.of("area", "2,3"), new FakeContext()).text());
    }
  }
}
