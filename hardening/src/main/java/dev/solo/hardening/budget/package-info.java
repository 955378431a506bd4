/**
 * The budget runtime that instrumented tenant code runs under. A {@link dev.solo.hardening.budget.Meter}
 * is the budget of one call, bound to the thread that runs it, with the
 * {@link dev.solo.hardening.budget.BudgetLimits} it enforces; {@link dev.solo.hardening.budget.Checks}
 * is the only class instrumented code calls; a trip is a
 * {@link dev.solo.hardening.budget.BudgetExceededError}, which tenant code cannot catch or swallow.
 * Tenant source may never name anything here: only the instrumenter writes calls to {@code Checks}.
 */
package dev.solo.hardening.budget;
