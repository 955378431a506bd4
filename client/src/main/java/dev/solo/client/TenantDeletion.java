package dev.solo.client;

/**
 * What deleting a tenant removed.
 *
 * @param tenant the tenant
 * @param servicesStopped its services that were live
 * @param tokensRevoked its tokens that were still valid
 * @param secretsDeleted its secrets
 */
public record TenantDeletion(String tenant, int servicesStopped, int tokensRevoked, int secretsDeleted) {}
