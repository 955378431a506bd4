package dev.solo.client;

/**
 * A service that now runs another version, after a hot swap or a rollback.
 *
 * @param service the service name
 * @param version the version that runs now
 * @param previousVersion the version that ran before
 */
public record SwapResult(String service, int version, int previousVersion) {

  static SwapResult from(dev.solo.proto.v1.SwapResponse r) {
    return new SwapResult(r.getService(), r.getVersion(), r.getPreviousVersion());
  }
}
