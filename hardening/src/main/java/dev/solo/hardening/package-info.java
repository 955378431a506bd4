/**
 * The sandbox checks that tenant code passes before it may run. {@link dev.solo.hardening.SourceRules}
 * gives early, readable refusals (caps, unicode escapes, reserved packages, parse errors);
 * {@link dev.solo.hardening.BytecodeVerifier} is the security authority: it checks every class
 * file javac emits against the {@link dev.solo.hardening.Allowlist}, which is data
 * ({@code allowlist.txt} next to these classes, member by member) reviewed like code, and runs
 * the verifier's own rules as passes: {@code ClassCheck} (references, monitors, natives,
 * finalizers, catch types, constants, invokedynamic, writes to fields of other classes,
 * annotations) and {@code StaticInitializerCheck} (static initializers set up constants only:
 * no loop or recursion in them or in the submission's code they call). An
 * {@link dev.solo.hardening.Instrumenter} rewrites verified classes.
 *
 * <p>Annotations are judged as type references: every annotation in a class file (on classes,
 * fields, methods, parameters, record components, type uses, local variables, catch clauses and
 * instructions), and the types and enum constants in their values and defaults, must name the
 * submission's own classes or listed ones. They are inert without reflection, but a type the JVM
 * gives meaning to (jdk.internal.vm.annotation.Contended) must not appear at all.
 */
package dev.solo.hardening;
