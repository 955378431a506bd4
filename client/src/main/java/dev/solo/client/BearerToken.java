package dev.solo.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/** Sends {@code authorization: Bearer <token>} with every call. */
final class BearerToken extends CallCredentials {
  private final String value;

  BearerToken(String token) {
    this.value = "Bearer " + token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    Metadata headers = new Metadata();
    headers.put(Keys.AUTHORIZATION, value);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
