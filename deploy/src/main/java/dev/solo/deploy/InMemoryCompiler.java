package dev.solo.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * javac in this JVM, in memory, against the service API only, with fixed options and a time
 * limit: the raw-javac baseline for benchmarks and tools. javac runs on a daemon thread of its
 * own, so a compile that runs too long can be abandoned (it is asked to stop at its next phase,
 * but the thread and its heap stay until then). Tenant code is never compiled here:
 * {@link DeployPipeline} compiles in worker JVMs, because this JVM's heap is shared by every
 * tenant. Thread-safe.
 */
public final class InMemoryCompiler {
  private final Duration timeout;
  private final Javac javac;

  /** A compiler with the given time limit per compile. */
  public InMemoryCompiler(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.javac = new Javac();
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
    AtomicBoolean abandoned = new AtomicBoolean();
    FutureTask<Outcome<Map<String, byte[]>>> run = new FutureTask<>(() -> javac.compile(files, abandoned::get));
    Thread thread = new Thread(null, run, "solo-javac", Javac.STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    try {
      return run.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandoned.set(true);
      thread.interrupt();
      return Outcome.refused(List.of(Javac.timedOut(timeout)));
    } catch (InterruptedException e) {
      abandoned.set(true);
      thread.interrupt();
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("javac failed", e.getCause());
    }
  }
}
