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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The compile pass: javac in memory, against the service API only, with fixed options and a
 * time limit. javac runs on a daemon thread of its own, so a compile that runs too long can be
 * abandoned (it is asked to stop at its next phase). Thread-safe.
 */
public final class InMemoryCompiler {
  private static final long JAVAC_STACK_BYTES = 16L << 20;

  private final Duration timeout;
  private final List<String> options;

  /** A compiler with the given time limit per compile. */
  public InMemoryCompiler(Duration timeout) {
    this.timeout = timeout;
    this.options = List.of("--release", "17", "-proc:none", "-g", "-implicit:none", "-Xlint:none",
        "-classpath", serviceApiLocation());
  }

  /**
   * {@return the class files, binary name to bytes, exactly as javac wrote them (not verified,
   * not instrumented)} For baselines and tools; tenant code goes through {@link DeployPipeline}.
   *
   * @throws IllegalArgumentException listing the findings, if the sources do not compile
   */
  public Map<String, byte[]> compileOrThrow(Map<String, String> files) throws InterruptedException {
    Outcome<Map<String, byte[]>> outcome = compile(files);
    if (outcome.isRefused()) {
      throw new IllegalArgumentException("the sources do not compile: " + outcome.findings());
    }
    return outcome.value();
  }

  /** {@return the class files, binary name to bytes, or the compile errors as findings} */
  Outcome<Map<String, byte[]>> compile(Map<String, String> files) throws InterruptedException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("this runtime has no Java compiler (a JDK is needed, not a JRE)");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    MemoryFileManager fileManager = new MemoryFileManager(standard);
    List<Source> sources = files.entrySet().stream().map(file -> new Source(file.getKey(), file.getValue())).toList();
    JavacTask task = (JavacTask) javac.getTask(Writer.nullWriter(), fileManager, diagnostics, options, null, sources);
    AtomicBoolean abandoned = new AtomicBoolean();
    task.addTaskListener(new TaskListener() {
      @Override
      public void started(TaskEvent event) {
        if (abandoned.get()) {
          throw new CancellationException("compile time limit passed");
        }
      }
    });
    FutureTask<Boolean> run = new FutureTask<>(() -> {
      try (fileManager) {
        return task.call();
      }
    });
    Thread thread = new Thread(null, run, "solo-javac", JAVAC_STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    boolean success;
    try {
      success = run.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandoned.set(true);
      thread.interrupt();
      return Outcome.refused(List.of(Finding.of("COMPILE-TIMEOUT",
          "compiling took longer than " + timeout.toMillis() + " ms and was stopped")));
    } catch (InterruptedException e) {
      abandoned.set(true);
      thread.interrupt();
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("javac failed", e.getCause());
    }
    List<Finding> errors = errors(diagnostics);
    if (!success || !errors.isEmpty()) {
      return Outcome.refused(errors.isEmpty() ? List.of(Finding.of("COMPILE", "the code does not compile")) : errors);
    }
    return Outcome.of(fileManager.classes());
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
  }
}
