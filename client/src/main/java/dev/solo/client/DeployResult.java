package dev.solo.client;

/**
 * A service that was deployed.
 *
 * @param service the service name
 * @param version the new version, numbered 1, 2, 3, ... per service
 * @param artifactHash the hash of the checked and compiled artifact
 * @param eventId the id of the {@code service_deployed} event
 */
public record DeployResult(String service, int version, String artifactHash, long eventId) {

  static DeployResult from(dev.solo.proto.v1.DeployResponse r) {
    return new DeployResult(r.getService(), r.getVersion(), r.getArtifactHash(), r.getEventId());
  }
}
