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
 * @param services the live services, as the registry records them
 * @param events the event store
 * @param feed the event feed, for queries and follow
 * @param capabilities the capability manager
 * @param tokens the verified-token read view
 * @param secrets the secrets vault
 * @param ca the certificate authority that issues tenant certificates
 * @param clock the kernel clock
 * @param limits the limits of a tenant now, its quota included (read per call)
 * @param clientCertificateLifetime how long an issued client certificate is valid
 * @param quarantine the tenants whose calls are refused
 * @param shutdown starts a graceful shutdown of the whole server
 * @param shedder admits service calls and schedules them fairly across tenants
 */
public record GatewayDependencies(
    ActorSystem<?> system,
    ActorRef<TenantsSupervisor.Command> tenants,
    Registry.Directory services,
    ActorRef<EventStore.Command> events,
    EventFeed feed,
    ActorRef<CapabilityManager.Command> capabilities,
    TokenIndex tokens,
    ActorRef<SecretVault.Command> secrets,
    CertificateAuthority ca,
    Clock clock,
    java.util.function.Function<String, TenantRuntime.Limits> limits,
    Duration clientCertificateLifetime,
    Quarantine quarantine,
    Runnable shutdown,
    LoadShedder shedder) {}
