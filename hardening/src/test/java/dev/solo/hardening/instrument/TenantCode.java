package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.solo.api.Service;
import dev.solo.hardening.Allowlist;
import dev.solo.hardening.BytecodeVerifier;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Checks;
import dev.solo.hardening.budget.Meter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Tenant code for tests: compiled in memory against the service API, verified, instrumented,
 * verified again, defined in a fresh class loader, and run on a tenant thread inside a meter.
 */
final class TenantCode {
  /** How long any one piece of tenant code may take before the test fails (and the code is killed). */
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final long STACK_BYTES = 4L << 20;

  private TenantCode() {}

  /** {@return the class files of one source file; a class named like the file implements Supplier} */
  static Map<String, byte[]> compile(String fileName, String... lines) {
    return compile(List.of(location(Service.class)), fileName, lines);
  }

  /** {@return the class files of one source file, compiled with the budget runtime on the class path too} */
  static Map<String, byte[]> compileAgainstRuntime(String fileName, String... lines) {
    return compile(List.of(location(Service.class), location(Checks.class)), fileName, lines);
  }

  /** {@return the classes after instrumentation, having checked that both verifications pass} */
  static Map<String, byte[]> instrument(Map<String, byte[]> classes) {
    assertEquals(List.of(), new BytecodeVerifier(Allowlist.standard()).verify(classes), "verification of the source");
    Map<String, byte[]> instrumented = Instrumentation.instrumenter().instrument(classes);
    assertEquals(List.of(), new BytecodeVerifier(Instrumentation.allowlist()).verify(instrumented),
        "verification after instrumenting");
    return instrumented;
  }

  /** {@return the class {@code name} of an instrumented copy of these lines, in a fresh loader} */
  static Class<?> load(String name, String... lines) throws ClassNotFoundException {
    return new Loader(instrument(compile(name + ".java", lines))).loadClass(name);
  }

  /**
   * {@return what {@code get()} of a new instance of {@code type} (a {@code Supplier}) returns}
   * Runs on a tenant thread inside a meter with {@code limits}; whatever it throws is rethrown.
   */
  static Object get(Class<?> type, BudgetLimits limits) throws Throwable {
    return run(limits, () -> supplier(type).get());
  }

  /** {@return what {@code body} returns, run on a tenant thread inside a meter with {@code limits}} */
  static <T> T run(BudgetLimits limits, Supplier<T> body) throws Throwable {
    return runMetered(limits, meter -> body.get());
  }

  /** A body that is given its meter. */
  interface MeteredBody<T> {
    T run(Meter meter) throws Exception;
  }

  /** {@return what {@code body} returns, run on a tenant thread inside a meter, with a deadline} */
  static <T> T runMetered(BudgetLimits limits, MeteredBody<T> body) throws Throwable {
    AtomicReference<Meter> running = new AtomicReference<>();
    FutureTask<T> task = new FutureTask<>(() -> {
      try (Meter meter = Meter.start(limits)) {
        running.set(meter);
        return body.run(meter);
      }
    });
    Thread thread = Meter.newTenantThread(task, "tenant-test", STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (TimeoutException e) {
      Meter meter = running.get();
      if (meter != null) {
        meter.kill();
      }
      return fail("tenant code ran past the test deadline of " + DEADLINE);
    }
  }

  @SuppressWarnings("unchecked")
  static Supplier<Object> supplier(Class<?> type) {
    try {
      return (Supplier<Object>) type.getConstructor().newInstance();
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, byte[]> compile(List<String> classPath, String fileName, String... lines) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StandardJavaFileManager standard = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    Map<String, ByteArrayOutputStream> outputs = new HashMap<>();
    ForwardingJavaFileManager<StandardJavaFileManager> files = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(
          Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
          @Override
          public OutputStream openOutputStream() {
            return outputs.computeIfAbsent(className, name -> new ByteArrayOutputStream());
          }
        };
      }
    };
    String text = String.join("\n", lines) + "\n";
    JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + fileName), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    };
    StringWriter errors = new StringWriter();
    List<String> options = new ArrayList<>(List.of("--release", "17", "-proc:none", "-g", "-implicit:none",
        "-Xlint:none", "-classpath", String.join(java.io.File.pathSeparator, classPath)));
    boolean compiled = javac.getTask(errors, files, null, options, null, List.of(source)).call();
    if (!compiled) {
      fail("the test's tenant code does not compile:\n" + errors);
    }
    Map<String, byte[]> classes = new HashMap<>();
    outputs.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
    return classes;
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Defines the submission's classes itself; everything else comes from the test's class path. */
  static final class Loader extends ClassLoader {
    private final Map<String, byte[]> classes;

    Loader(Map<String, byte[]> classes) {
      super("tenant-test", TenantCode.class.getClassLoader());
      this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> type = findLoadedClass(name);
        if (type == null) {
          byte[] bytes = classes.get(name);
          type = bytes != null ? defineClass(name, bytes, 0, bytes.length) : getParent().loadClass(name);
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    }
  }
}
