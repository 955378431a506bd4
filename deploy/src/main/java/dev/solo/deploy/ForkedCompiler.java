package dev.solo.deploy;

import dev.solo.hardening.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The compile pass in worker JVMs ({@link CompileWorkerMain}), each with a heap of its own: a
 * submission that makes javac use gigabytes of heap or minutes of CPU costs one worker, never the
 * heap that every tenant shares. Workers start on first use, warm javac up, and stay warm; each
 * compiles one submission at a time, and a deploy beyond {@link CompileWorkerLimits#workers}
 * waits its turn, at most {@link CompileWorkerLimits#queueTimeout}. A compile past the time limit
 * kills its worker ({@code kill -9}) and is refused with {@code COMPILE-TIMEOUT}; a worker that
 * runs out of heap or crashes is refused with {@code COMPILE-RESOURCES}. Either way a fresh worker
 * starts at once for the next deploy, as one does after {@link CompileWorkerLimits#compilesPerWorker}
 * compiles. {@link #close} ends every worker. Thread-safe.
 */
final class ForkedCompiler implements SourceCompiler {
  private static final System.Logger LOG = System.getLogger(ForkedCompiler.class.getName());
  /** javac loads only its own classes, whatever it compiles: about 16 MiB of metaspace. */
  private static final int METASPACE_MIB = 128;
  /** How long {@link #close} waits for a killed worker to be gone. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  private final Duration timeout;
  private final CompileWorkerLimits limits;
  private final List<String> command;
  private final List<Slot> slots = new ArrayList<>();
  private final BlockingQueue<Slot> idle;
  private final ScheduledThreadPoolExecutor deadlines;
  private volatile boolean closed;

  /** A compiler with the time limit and workers of {@code limits}; no worker starts before the first compile. */
  ForkedCompiler(DeployLimits limits) {
    this.timeout = limits.compileTimeout();
    this.limits = limits.compileWorkers();
    this.command = command(this.limits.heapMiB());
    this.idle = new ArrayBlockingQueue<>(this.limits.workers());
    for (int i = 0; i < this.limits.workers(); i++) {
      Slot slot = new Slot();
      slots.add(slot);
      idle.add(slot);
    }
    this.deadlines = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "solo-compile-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    deadlines.setRemoveOnCancelPolicy(true);
  }

  /**
   * {@return the command that starts a worker: this JVM's {@code java} and class path, a heap of
   * {@code heapMiB}, exit on the first {@link OutOfMemoryError}, and the server's process id as a
   * marker}
   */
  static List<String> command(int heapMiB) {
    return List.of(javaLauncher(),
        "-Xmx" + heapMiB + "m",
        "-XX:MaxMetaspaceSize=" + METASPACE_MIB + "m",
        "-XX:+ExitOnOutOfMemoryError",
        // G1, not the serial collector: a reused javac context keeps a large old generation that
        // each compile points into, and the serial collector's pauses grew to 100-500 ms.
        "-XX:+UseG1GC",
        // C1 only: javac reaches its speed after a few compiles and stays there, while C2 spends a
        // whole core for hundreds of compiles getting javac about a fifth faster; on a small
        // machine that core is taken from the server (docs/performance.md).
        "-XX:TieredStopAtLevel=1",
        // javac's task pool, which keeps javac's context from one compile to the next (Javac).
        "--add-exports", Javac.TASK_POOL_PACKAGE + "=ALL-UNNAMED",
        "-XX:+DisplayVMOutputToStderr", // the JVM's own messages must not land in the protocol
        "-XX:-UsePerfData",
        "-Dsolo.compileWorker.server=" + ProcessHandle.current().pid(),
        "-cp", System.getProperty("java.class.path"),
        CompileWorkerMain.class.getName());
  }

  private static String javaLauncher() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(java)) {
      return java.toString();
    }
    return ProcessHandle.current().info().command()
        .orElseThrow(() -> new IllegalStateException("cannot find the java launcher of this JVM at " + java));
  }

  @Override
  public Outcome<Map<String, byte[]>> compile(Map<String, String> files) throws InterruptedException {
    Objects.requireNonNull(files, "files");
    checkOpen();
    Slot slot = idle.poll(limits.queueTimeout().toNanos(), TimeUnit.NANOSECONDS);
    if (slot == null) {
      return Outcome.refused(List.of(Finding.of("COMPILE-BUSY", "the server is compiling other submissions"
          + " and none finished within " + limits.queueTimeout().toMillis() + " ms: try again later")));
    }
    try {
      return slot.compile(files);
    } finally {
      idle.add(slot);
    }
  }

  /** Ends every worker, busy or not; a compile after this throws {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
    for (Slot slot : slots) {
      slot.close();
    }
    deadlines.shutdownNow();
  }

  /** {@return the processes of the workers started and not yet replaced} */
  List<ProcessHandle> workers() {
    List<ProcessHandle> workers = new ArrayList<>();
    for (Slot slot : slots) {
      slot.worker().ifPresent(worker -> workers.add(worker.handle()));
    }
    return workers;
  }

  /** {@return how many workers are compiling now} */
  int busyWorkers() {
    return slots.size() - idle.size();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the compiler is closed");
    }
  }

  private Outcome<Map<String, byte[]>> answer(CompileWorker.Result result, CompileWorker worker) {
    long pid = worker.handle().pid();
    if (result instanceof CompileWorker.Done done) {
      return done.outcome();
    }
    if (result instanceof CompileWorker.Failed failed) {
      throw new IllegalStateException("javac failed in compile worker " + pid + ": " + failed.description());
    }
    if (result instanceof CompileWorker.TimedOut) {
      LOG.log(System.Logger.Level.INFO, () -> "compile worker " + pid + " killed at the time limit of "
          + timeout.toMillis() + " ms");
      return Outcome.refused(List.of(Javac.timedOut(timeout)));
    }
    int status = ((CompileWorker.Died) result).exitStatus();
    checkOpen(); // closing kills busy workers too: that is no fault of the submission
    if (status == CompileWorkerMain.EXIT_OUT_OF_MEMORY) {
      LOG.log(System.Logger.Level.INFO, () -> "compile worker " + pid + " ran out of its heap of "
          + limits.heapMiB() + " MiB");
      return Outcome.refused(List.of(Finding.of("COMPILE-RESOURCES", "the compiler ran out of memory (limit "
          + limits.heapMiB() + " MiB) compiling this submission: deeply nested generic types or calls make"
          + " javac's work grow exponentially; split them up")));
    }
    LOG.log(System.Logger.Level.WARNING, () -> "compile worker " + pid + " ended during a compile with status "
        + status);
    return Outcome.refused(List.of(Finding.of("COMPILE-RESOURCES",
        "the compiler stopped unexpectedly compiling this submission")));
  }

  /** A place for one worker: empty until first use, refilled when its worker ends. */
  private final class Slot {
    private CompileWorker worker; // guarded by this

    Outcome<Map<String, byte[]>> compile(Map<String, String> files) throws InterruptedException {
      CompileWorker current = readyWorker();
      boolean keep = false;
      try {
        CompileWorker.Result result = current.compile(files, timeout);
        keep = (result instanceof CompileWorker.Done || result instanceof CompileWorker.Failed)
            && current.usable() && current.compiles() < limits.compilesPerWorker();
        return answer(result, current);
      } finally {
        if (!keep) {
          replace(current);
        }
      }
    }

    /** {@return this slot's worker, started and warm; the wait for it is not part of the compile time limit} */
    private CompileWorker readyWorker() throws InterruptedException {
      CompileWorker current;
      synchronized (this) {
        checkOpen();
        if (worker != null && !worker.usable()) {
          long pid = worker.handle().pid();
          LOG.log(System.Logger.Level.WARNING, () -> "compile worker " + pid + " ended while idle; starting another");
          worker = null;
        }
        if (worker == null) {
          worker = start();
        }
        current = worker;
      }
      try {
        current.awaitReady(limits.startTimeout());
        return current;
      } catch (IOException e) {
        discard(current);
        throw new IllegalStateException("the compile worker did not start", e);
      }
    }

    /** Kills {@code ended} and starts its successor now, so that it is warm by the next compile. */
    private void replace(CompileWorker ended) {
      ended.kill();
      synchronized (this) {
        if (worker != ended) {
          return;
        }
        worker = null;
        if (closed) {
          return;
        }
        try {
          worker = start();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot start a compile worker; the next compile tries again", e);
        }
      }
    }

    private synchronized void discard(CompileWorker broken) {
      broken.kill();
      if (worker == broken) {
        worker = null;
      }
    }

    private CompileWorker start() {
      try {
        return CompileWorker.start(command, deadlines);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start a compile worker with " + command.get(0), e);
      }
    }

    synchronized Optional<CompileWorker> worker() {
      return Optional.ofNullable(worker);
    }

    void close() {
      CompileWorker last;
      synchronized (this) {
        last = worker;
        worker = null;
      }
      if (last != null) {
        last.kill();
        try {
          last.handle().onExit().get(EXIT_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          LOG.log(System.Logger.Level.WARNING, "compile worker " + last.handle().pid() + " did not end", e);
        }
      }
    }
  }
}
