package dev.solo.client;

import java.time.Instant;

/**
 * One kept version of a service.
 *
 * @param version the version number
 * @param artifactHash the hash of its artifact
 * @param deployed when it was deployed
 * @param state for example {@code running}, {@code retired} or {@code rolled_back}
 */
public record VersionInfo(int version, String artifactHash, Instant deployed, String state) {

  static VersionInfo from(dev.solo.proto.v1.VersionInfo v) {
    return new VersionInfo(v.getVersion(), v.getArtifactHash(), Instant.ofEpochMilli(v.getDeployedUnixMs()), v.getState());
  }
}
