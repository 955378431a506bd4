package dev.solo.deploy;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import dev.solo.api.Service;
import dev.solo.hardening.Finding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DiagnosticListener;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * One javac run in memory, on the caller's thread: fixed options, the service API as the only
 * class path, sources from strings, class files into byte arrays, errors as findings. It has no
 * time limit of its own: {@link InMemoryCompiler} abandons a run in this JVM, {@link ForkedCompiler}
 * kills the worker JVM ({@link CompileWorkerMain}) that runs it. Thread-safe.
 */
final class Javac {
  /** Stack of a thread that runs javac: deeply nested code makes javac recurse deeply. */
  static final long STACK_BYTES = 16L << 20;

  /** The package of javac's task pool, which the compile worker's JVM exports to Solo. */
  static final String TASK_POOL_PACKAGE = "jdk.compiler/com.sun.tools.javac.api";

  private final JavaCompiler compiler;
  private final List<String> options;
  /** Runs compiles in reused javac contexts, or null: every compile starts a fresh javac. */
  private final ReusedContexts reused;

  /** A javac that starts afresh for every compile. */
  Javac() {
    this(false);
  }

  private Javac(boolean reuseContexts) {
    this.compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("this runtime has no Java compiler (a JDK is needed, not a JRE)");
    }
    this.options = List.of("--release", "17", "-proc:none", "-g", "-implicit:none", "-Xlint:none",
        "-classpath", serviceApiLocation());
    this.reused = reuseContexts ? ReusedContexts.create(compiler) : null;
  }

  /**
   * {@return a javac for one thread at a time that reuses its context from compile to compile, if
   * this JVM exports {@value #TASK_POOL_PACKAGE} (the compile worker's does), else a plain one}
   *
   * <p>Most of a small compile is javac setting itself up and reading the platform classes it
   * needs; javac's own task pool (what jshell uses) keeps that from one compile to the next, which
   * halves the compile time of a small service. What a compile declared is removed from the
   * context afterwards (so the next compile, another tenant's, cannot see it), a compile that
   * redefines {@code java.*} classes or fails with an exception leaves its context unused, and
   * the context is only ever shared by sources compiled with the same options. A compile that
   * the reused context refuses is compiled again by a fresh javac, whose findings are the answer,
   * and the context is dropped.
   */
  static Javac reusingContexts() {
    return new Javac(true);
  }

  /** {@return whether compiles reuse javac's context} */
  boolean reusesContexts() {
    return reused != null;
  }

  /** {@return the finding of a compile stopped at its time limit} */
  static Finding timedOut(Duration limit) {
    return Finding.of("COMPILE-TIMEOUT", "compiling took longer than " + limit.toMillis() + " ms and was stopped");
  }

  /**
   * {@return the class files, binary name to bytes, or the compile errors as findings}
   *
   * @param files file name to source text
   * @param stop asked as each javac phase starts; once it answers true, javac throws
   *     {@link CancellationException}
   */
  Outcome<Map<String, byte[]>> compile(Map<String, String> files, BooleanSupplier stop) throws IOException {
    if (reused != null) {
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      List<Source> sources = files.entrySet().stream().map(file -> new Source(file.getKey(), file.getValue())).toList();
      ReusedContexts.Result result = reused.compile(diagnostics, options, sources, stopListener(stop));
      if (result.success()) {
        return outcome(true, result.classes(), diagnostics);
      }
      // A refusal is told as a fresh javac tells it: a context that earlier compiles left in a
      // state javac's pool does not clean up can fail a compile without saying why. Refusals are
      // rare, so they pay for a second compile, and the pool starts over with a new context.
      reused.discard();
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    boolean success;
    Map<String, byte[]> classes;
    try (MemoryFileManager fileManager = new MemoryFileManager(standard)) {
      List<Source> sources = files.entrySet().stream().map(file -> new Source(file.getKey(), file.getValue())).toList();
      JavacTask task = (JavacTask) compiler.getTask(Writer.nullWriter(), fileManager, diagnostics, options, null, sources);
      task.addTaskListener(stopListener(stop));
      success = task.call();
      classes = fileManager.classes();
    }
    return outcome(success, classes, diagnostics);
  }

  private static TaskListener stopListener(BooleanSupplier stop) {
    return new TaskListener() {
      @Override
      public void started(TaskEvent event) {
        if (stop.getAsBoolean()) {
          throw new CancellationException("compile time limit passed");
        }
      }
    };
  }

  private static Outcome<Map<String, byte[]>> outcome(
      boolean success, Map<String, byte[]> classes, DiagnosticCollector<JavaFileObject> diagnostics) {
    List<Finding> errors = errors(diagnostics);
    if (!success || !errors.isEmpty()) {
      return Outcome.refused(errors.isEmpty() ? List.of(Finding.of("COMPILE", "the code does not compile")) : errors);
    }
    return Outcome.of(classes);
  }

  private static List<Finding> errors(DiagnosticCollector<JavaFileObject> diagnostics) {
    List<Finding> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String message = diagnostic.getMessage(Locale.ROOT).lines().findFirst().orElse("").strip();
      if (diagnostic.getSource() instanceof Source source) {
        errors.add(Finding.of("COMPILE", source.fileName,
            (int) Math.max(0, diagnostic.getLineNumber()), (int) Math.max(0, diagnostic.getColumnNumber()), message));
      } else {
        errors.add(Finding.of("COMPILE", message));
      }
    }
    return errors;
  }

  /** Where the service API classes are, a jar or a classes directory. */
  private static String serviceApiLocation() {
    try {
      return Path.of(Service.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the service API classes", e);
    }
  }

  /**
   * javac's task pool ({@code com.sun.tools.javac.api.JavacTaskPool}, not a supported API),
   * reached by reflection because it lives in a package that only the compile worker's JVM
   * exports. A reused context keeps the file manager it was made with, so there is one, whose
   * class outputs are taken after each compile. One compile at a time.
   */
  private static final class ReusedContexts {
    private final Constructor<?> newPool;
    private Object pool;
    private final Method getTask;
    private final Class<?> workerType;
    private final MemoryFileManager fileManager;

    record Result(boolean success, Map<String, byte[]> classes) {}

    private ReusedContexts(Constructor<?> newPool, Method getTask, Class<?> workerType, MemoryFileManager fileManager)
        throws ReflectiveOperationException {
      this.newPool = newPool;
      this.pool = newPool.newInstance(1);
      this.getTask = getTask;
      this.workerType = workerType;
      this.fileManager = fileManager;
    }

    /** {@return the pool, or null if this JVM does not let Solo use it} */
    static ReusedContexts create(JavaCompiler compiler) {
      try {
        Class<?> poolType = Class.forName("com.sun.tools.javac.api.JavacTaskPool");
        Class<?> workerType = Class.forName("com.sun.tools.javac.api.JavacTaskPool$Worker");
        Method getTask = poolType.getMethod("getTask", Writer.class, JavaFileManager.class, DiagnosticListener.class,
            Iterable.class, Iterable.class, Iterable.class, workerType);
        return new ReusedContexts(poolType.getConstructor(int.class), getTask, workerType,
            new MemoryFileManager(compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null; // not exported to us (or gone from this JDK): every compile starts afresh
      }
    }

    /** Drops the pool's contexts: the next compile starts from a new one. */
    synchronized void discard() {
      try {
        pool = newPool.newInstance(1);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("javac's task pool could be made before but not now", e);
      }
    }

    synchronized Result compile(DiagnosticCollector<JavaFileObject> diagnostics, List<String> options, List<Source> sources,
        TaskListener listener) {
      fileManager.takeClasses(); // whatever a failed compile left behind
      InvocationHandler call = (proxy, method, args) -> {
        if (method.getName().equals("withTask")) {
          JavacTask task = (JavacTask) args[0];
          task.addTaskListener(listener);
          return task.call();
        }
        throw new UnsupportedOperationException(method.getName());
      };
      Object worker = Proxy.newProxyInstance(workerType.getClassLoader(), new Class<?>[] {workerType}, call);
      boolean success;
      try {
        success = (Boolean) getTask.invoke(pool, Writer.nullWriter(), fileManager, diagnostics, options, null, sources, worker);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause() instanceof UndeclaredThrowableException undeclared ? undeclared.getCause() : e.getCause();
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException("javac failed", cause);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("javac's task pool is not accessible", e);
      }
      return new Result(success, fileManager.takeClasses());
    }
  }

  /** A source file held in memory. */
  private static final class Source extends SimpleJavaFileObject {
    final String fileName;
    private final String text;

    Source(String fileName, String text) {
      super(URI.create("string:///" + fileName), Kind.SOURCE);
      this.fileName = fileName;
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /** A class file javac writes into memory. */
  private static final class ClassOutput extends SimpleJavaFileObject {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ClassOutput(String binaryName) {
      super(URI.create("mem:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
    }

    @Override
    public OutputStream openOutputStream() {
      return bytes;
    }
  }

  /** Keeps every class file javac writes in memory; nothing reaches the disk. */
  private static final class MemoryFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, ClassOutput> outputs = new ConcurrentHashMap<>();

    MemoryFileManager(StandardJavaFileManager standard) {
      super(standard);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) throws IOException {
      if (kind != JavaFileObject.Kind.CLASS) {
        throw new IOException("javac may only write class files, not " + kind);
      }
      ClassOutput output = new ClassOutput(className);
      outputs.put(className, output);
      return output;
    }

    Map<String, byte[]> classes() {
      Map<String, byte[]> classes = new HashMap<>();
      outputs.forEach((name, output) -> classes.put(name, output.bytes.toByteArray()));
      return classes;
    }

    /** {@return the class files written since the last call, which forgets them} */
    Map<String, byte[]> takeClasses() {
      Map<String, byte[]> classes = classes();
      outputs.clear();
      return classes;
    }
  }
}
