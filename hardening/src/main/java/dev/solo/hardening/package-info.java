/**
 * The sandbox checks that tenant code passes before it may run. {@link dev.solo.hardening.SourceRules}
 * gives early, readable refusals (caps, unicode escapes, reserved packages, parse errors);
 * {@link dev.solo.hardening.BytecodeVerifier} is the security authority: it checks every class
 * file javac emits against the {@link dev.solo.hardening.Allowlist}, which is data
 * ({@code allowlist.txt} next to these classes) reviewed like code. An
 * {@link dev.solo.hardening.Instrumenter} rewrites verified classes; for now it is the identity.
 *
 * <p>Static initializers are allowed in this version: they run under the same allowlist as any
 * other method. Restricting them to plain constant setup comes with budget instrumentation.
 */
package dev.solo.hardening;
