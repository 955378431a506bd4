/**
 * Benchmarks that print each figure beside its baseline, measured in the same run, as a ratio.
 * Run them with {@code ./solo bench [SCENARIO...] [--json]}.
 */
package dev.solo.bench;
