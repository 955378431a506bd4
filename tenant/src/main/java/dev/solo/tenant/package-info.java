/**
 * Tenants and their services (DESIGN.md §2): the event-sourced tenant supervisors, the service
 * actors that run tenant code on the tenant-code dispatcher, the registry of live services, and
 * the durable key-value store behind {@link dev.solo.api.Kv}.
 */
package dev.solo.tenant;
