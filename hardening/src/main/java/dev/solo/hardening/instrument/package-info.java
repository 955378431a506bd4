/**
 * Budget instrumentation: {@link dev.solo.hardening.instrument.Instrumentation} rewrites verified
 * class files so that every method entry and exit, backward jump, switch, exception handler,
 * array allocation and size-driven JDK call goes through {@link dev.solo.hardening.budget.Checks},
 * and says which allowlist instrumented code is verified against.
 */
package dev.solo.hardening.instrument;
