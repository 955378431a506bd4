/**
 * Capabilities (DESIGN.md §7): the permission set, tokens and their grants, the event-sourced
 * {@link dev.solo.capability.CapabilityManager} that issues and revokes them, and the
 * {@link dev.solo.capability.TokenIndex} the gateway verifies tokens against. Also the rules for
 * tenant, service and secret names.
 */
package dev.solo.capability;
