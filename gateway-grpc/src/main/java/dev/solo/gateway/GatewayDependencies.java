package dev.solo.gateway;

import dev.solo.capability.CapabilityManager;
import dev.solo.capability.TokenIndex;
import dev.solo.capability.pki.CertificateAuthority;
import dev.solo.capability.vault.SecretVault;
import dev.solo.eventstore.EventFeed;
import dev.solo.eventstore.EventStore;
import dev.solo.tenant.Quarantine;
import dev.solo.tenant.Registry;
import dev.solo.tenant.TenantRuntime;
import dev.solo.tenant.TenantsSupervisor;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the RPC implementations reach: the kernel's actors and read views.
 *
 * @param system the actor system, for its scheduler
 * @param tenants the tenants supervisor
 * @param registry the registry of live services
 * @param events the event store
 * @param feed the event feed, for queries and follow
 * @param capabilities the capability manager
 * @param tokens the verified-token read view
 * @param secrets the secrets vault
 * @param ca the certificate authority that issues tenant certificates
 * @param clock the kernel clock
 * @param limits the per-tenant limits
 * @param clientCertificateLifetime how long an issued client certificate is valid
 * @param quarantine the tenants whose calls are refused
 * @param shutdown starts a graceful shutdown of the whole server
 */
public record GatewayDependencies(
    ActorSystem<?> system,
    ActorRef<TenantsSupervisor.Command> tenants,
    ActorRef<Registry.Command> registry,
    ActorRef<EventStore.Command> events,
    EventFeed feed,
    ActorRef<CapabilityManager.Command> capabilities,
    TokenIndex tokens,
    ActorRef<SecretVault.Command> secrets,
    CertificateAuthority ca,
    Clock clock,
    TenantRuntime.Limits limits,
    Duration clientCertificateLifetime,
    Quarantine quarantine,
    Runnable shutdown) {}
