package dev.solo.bench;

import java.util.Arrays;
import java.util.Collection;

/** Measured durations, sorted: percentiles of latencies or pauses. */
final class Latencies {
  private final long[] nanos;

  private Latencies(long[] nanos) {
    this.nanos = nanos;
    Arrays.sort(this.nanos);
  }

  /** {@return the first {@code count} durations of {@code nanos}, in nanoseconds} */
  static Latencies ofNanos(long[] nanos, int count) {
    return new Latencies(Arrays.copyOf(nanos, count));
  }

  /** {@return durations given in milliseconds} */
  static Latencies ofMillis(Collection<Double> millis) {
    return new Latencies(millis.stream().mapToLong(ms -> Math.round(ms * 1e6)).toArray());
  }

  /** {@return how many durations there are} */
  int count() {
    return nanos.length;
  }

  /** {@return the {@code quantile} (0 to 1) in milliseconds: the nearest-rank percentile; NaN if empty} */
  double millis(double quantile) {
    if (nanos.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(nanos.length - 1, Math.ceil(quantile * nanos.length) - 1);
    return nanos[Math.max(0, index)] / 1e6;
  }

  /** {@return {@code value} rounded to {@code digits} decimals, for the JSON line} */
  static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
