package dev.solo.gateway;

import dev.solo.proto.v1.Findings;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.protobuf.ProtoUtils;

/** The gateway's metadata and context keys, in one place. */
final class Keys {
  private Keys() {}

  /** {@code authorization: Bearer <token>} */
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The findings of a refused deploy, as a trailer. */
  static final Metadata.Key<Findings> FINDINGS =
      Metadata.Key.of("solo-findings" + Metadata.BINARY_HEADER_SUFFIX, ProtoUtils.metadataMarshaller(Findings.getDefaultInstance()));

  /** How long to wait before retrying a shed call, in milliseconds, as a trailer. */
  static final Metadata.Key<String> RETRY_AFTER_MS = Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  /** The authenticated caller of the current call. */
  static final Context.Key<Caller> CALLER = Context.key("solo-caller");
}
