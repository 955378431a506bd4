/**
 * The only API tenant code compiles against: a {@link dev.solo.api.Service} receives
 * {@link dev.solo.api.Request}s, answers with {@link dev.solo.api.Reply}s, and reaches the
 * outside world only through the {@link dev.solo.api.Context} it is given. This module has no
 * dependencies; change it only additively.
 */
package dev.solo.api;
