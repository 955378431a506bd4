/**
 * The {@code solo} command (picocli): {@code solo server} runs the kernel; every other command is
 * a client of a running server through {@link dev.solo.client.SoloClient}, acting as the principal
 * of a credentials file. Failures print {@code CODE: reason} on standard error and exit with 1.
 */
package dev.solo.cli;
