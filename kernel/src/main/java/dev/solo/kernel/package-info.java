/**
 * The kernel (DESIGN.md §2, §11): the root guardian and system supervisor, configuration, the
 * data directory and its lock, PKI bootstrap, boot order and graceful shutdown, the metrics
 * endpoint and the log format.
 */
package dev.solo.kernel;
