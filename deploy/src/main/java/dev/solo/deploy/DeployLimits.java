package dev.solo.deploy;

import dev.solo.hardening.SourceLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits of the deploy pipeline.
 *
 * @param source the caps checked before javac runs
 * @param compileTimeout how long javac may run before the deploy is refused
 * @param compileWorkers the worker JVMs javac runs in
 */
public record DeployLimits(SourceLimits source, Duration compileTimeout, CompileWorkerLimits compileWorkers) {

  /** Default for {@link #compileTimeout}. */
  public static final Duration DEFAULT_COMPILE_TIMEOUT = Duration.ofSeconds(30);

  /** Checks that nothing is null and the timeout is positive. */
  public DeployLimits {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(compileTimeout, "compileTimeout");
    Objects.requireNonNull(compileWorkers, "compileWorkers");
    if (compileTimeout.isNegative() || compileTimeout.isZero()) {
      throw new IllegalArgumentException("compileTimeout must be positive: " + compileTimeout);
    }
  }

  /** Limits with the default compile workers. */
  public DeployLimits(SourceLimits source, Duration compileTimeout) {
    this(source, compileTimeout, CompileWorkerLimits.defaults());
  }

  /** {@return the default limits} */
  public static DeployLimits defaults() {
    return new DeployLimits(SourceLimits.defaults(), DEFAULT_COMPILE_TIMEOUT, CompileWorkerLimits.defaults());
  }
}
