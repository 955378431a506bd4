package dev.solo.client;

import java.time.Instant;

/**
 * A service of the caller's tenant as the registry sees it.
 *
 * @param name the service name
 * @param version the version that runs
 * @param state {@code running}, {@code failed}, {@code starting}, {@code quarantined} or {@code
 *     killed}
 * @param artifactHash the hash of the running version's artifact
 * @param deployed when that version was deployed; {@link Instant#EPOCH} if unknown
 */
public record ServiceInfo(String name, int version, String state, String artifactHash, Instant deployed) {

  static ServiceInfo from(dev.solo.proto.v1.ServiceInfo s) {
    return new ServiceInfo(
        s.getName(), s.getVersion(), s.getState(), s.getArtifactHash(), Instant.ofEpochMilli(s.getDeployedUnixMs()));
  }
}
