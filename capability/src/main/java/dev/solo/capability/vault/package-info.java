/**
 * The secrets vault (DESIGN.md §7): the {@link dev.solo.capability.vault.MasterKey} file in the
 * data directory, and the event-sourced {@link dev.solo.capability.vault.SecretVault} that keeps
 * each tenant's secrets sealed with AES-256-GCM under a key derived per secret.
 */
package dev.solo.capability.vault;
