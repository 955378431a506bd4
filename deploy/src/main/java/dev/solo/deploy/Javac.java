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
import java.util.function.BooleanSupplier;
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
 * One javac run in memory, on the caller's thread: fixed options, the service API as the only
 * class path, sources from strings, class files into byte arrays, errors as findings. It has no
 * time limit of its own: {@link InMemoryCompiler} abandons a run in this JVM, {@link ForkedCompiler}
 * kills the worker JVM ({@link CompileWorkerMain}) that runs it. Thread-safe.
 */
final class Javac {
  /** Stack of a thread that runs javac: deeply nested code makes javac recurse deeply. */
  static final long STACK_BYTES = 16L << 20;

  private final JavaCompiler compiler;
  private final List<String> options;

  Javac() {
    this.compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("this runtime has no Java compiler (a JDK is needed, not a JRE)");
    }
    this.options = List.of("--release", "17", "-proc:none", "-g", "-implicit:none", "-Xlint:none",
        "-classpath", serviceApiLocation());
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
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    boolean success;
    Map<String, byte[]> classes;
    try (MemoryFileManager fileManager = new MemoryFileManager(standard)) {
      List<Source> sources = files.entrySet().stream().map(file -> new Source(file.getKey(), file.getValue())).toList();
      JavacTask task = (JavacTask) compiler.getTask(Writer.nullWriter(), fileManager, diagnostics, options, null, sources);
      task.addTaskListener(new TaskListener() {
        @Override
        public void started(TaskEvent event) {
          if (stop.getAsBoolean()) {
            throw new CancellationException("compile time limit passed");
          }
        }
      });
      success = task.call();
      classes = fileManager.classes();
    }
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
