package dev.solo.deploy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One compile worker JVM ({@link CompileWorkerMain}) seen from the server: the process, the pipes
 * to it, and how a compile through it ended. Whatever the worker writes on stderr is logged at
 * debug level here and goes nowhere else. Used by one caller at a time; {@link #kill} may come
 * from any thread.
 */
final class CompileWorker {
  private static final System.Logger LOG = System.getLogger(CompileWorker.class.getName());
  /** Environment variables that would add JVM options of their own to the worker's. */
  private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");
  /** How long a worker whose stdout ended may take to exit before it counts as broken. */
  private static final Duration EXIT_GRACE = Duration.ofSeconds(5);

  /** How one compile through a worker ended. */
  sealed interface Result permits Done, Failed, TimedOut, Died {}

  /** javac answered: class files or findings. */
  record Done(Outcome<Map<String, byte[]>> outcome) implements Result {}

  /** javac threw inside the worker; the worker is still good. */
  record Failed(String description) implements Result {}

  /** The worker was killed at the time limit. */
  record TimedOut() implements Result {}

  /** The worker ended by itself during the compile, with this exit status. */
  record Died(int exitStatus) implements Result {}

  private final Process process;
  private final DataOutputStream requests;
  private final DataInputStream responses;
  private final ScheduledExecutorService deadlines;
  private volatile boolean killedAtDeadline;
  private boolean ready;
  private int compiles;

  private CompileWorker(Process process, ScheduledExecutorService deadlines) {
    this.process = process;
    this.requests = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
    this.responses = new DataInputStream(new BufferedInputStream(process.getInputStream()));
    this.deadlines = deadlines;
  }

  /**
   * {@return a worker started with {@code command}; it warms up on its own, {@link #awaitReady} waits for that}
   *
   * @param deadlines runs the kills at time limits
   */
  static CompileWorker start(List<String> command, ScheduledExecutorService deadlines) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeAll(JVM_OPTION_VARIABLES);
    CompileWorker worker = new CompileWorker(builder.start(), deadlines);
    worker.logErrorOutput();
    return worker;
  }

  /**
   * Waits until the worker has warmed javac up, at most {@code limit}.
   *
   * @throws IOException if it did not: it exited, broke the protocol or was killed at the limit
   */
  void awaitReady(Duration limit) throws IOException, InterruptedException {
    if (ready) {
      return;
    }
    ScheduledFuture<?> deadline = deadlines.schedule(this::killAtDeadline, limit.toNanos(), TimeUnit.NANOSECONDS);
    try {
      CompileProtocol.readReady(responses);
      ready = true;
    } catch (IOException e) {
      boolean exited = !killedAtDeadline && process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      String how = killedAtDeadline ? "was not ready within " + limit.toMillis() + " ms"
          : exited ? "exited with status " + process.exitValue() : "broke the protocol";
      kill();
      throw new IOException("compile worker " + process.pid() + " " + how, e);
    } finally {
      deadline.cancel(false);
    }
  }

  /**
   * {@return how compiling {@code files} ended; the worker is killed at {@code limit}}
   *
   * @throws IllegalStateException if the worker broke the protocol (it is killed)
   */
  Result compile(Map<String, String> files, Duration limit) throws InterruptedException {
    compiles++;
    ScheduledFuture<?> deadline = deadlines.schedule(this::killAtDeadline, limit.toNanos(), TimeUnit.NANOSECONDS);
    try {
      CompileProtocol.writeRequest(requests, files);
      return CompileProtocol.readResponse(responses);
    } catch (IOException e) {
      return ended(e);
    } finally {
      deadline.cancel(false);
    }
  }

  private Result ended(IOException e) throws InterruptedException {
    boolean exited = process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    if (killedAtDeadline) {
      return new TimedOut();
    }
    if (exited) {
      return new Died(process.exitValue());
    }
    kill();
    throw new IllegalStateException("compile worker " + process.pid() + " broke the protocol", e);
  }

  /** {@return whether the worker can take another compile: alive and not killed} */
  boolean usable() {
    return !killedAtDeadline && process.isAlive();
  }

  /** {@return how many compiles this worker was given} */
  int compiles() {
    return compiles;
  }

  /** {@return the worker's process} */
  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Ends the worker now ({@code kill -9}); a compile in progress ends as {@link Died}. */
  void kill() {
    process.destroyForcibly();
  }

  private void killAtDeadline() {
    killedAtDeadline = true;
    kill();
  }

  private void logErrorOutput() {
    long pid = process.pid();
    Thread drain = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          String text = line;
          LOG.log(System.Logger.Level.DEBUG, () -> "compile worker " + pid + ": " + text);
        }
      } catch (IOException e) {
        // the worker is gone, and its stderr with it
      }
    }, "solo-compile-worker-" + pid + "-stderr");
    drain.setDaemon(true);
    drain.start();
  }
}
