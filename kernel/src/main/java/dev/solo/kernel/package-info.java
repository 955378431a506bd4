/**
 * The kernel (DESIGN.md §2, §11): the root guardian and system supervisor, configuration, the
 * data directory and its lock, PKI bootstrap, boot order and graceful shutdown.
 */
package dev.solo.kernel;
