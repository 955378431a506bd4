package dev.solo.client;

import dev.solo.proto.v1.Findings;
import io.grpc.Metadata;
import io.grpc.protobuf.ProtoUtils;

/** The metadata keys the client reads and writes. */
final class Keys {
  private Keys() {}

  /** The bearer token, sent with every call. */
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The findings of a refused deploy, a trailer of its INVALID_ARGUMENT status. */
  static final Metadata.Key<Findings> FINDINGS =
      Metadata.Key.of(
          "solo-findings" + Metadata.BINARY_HEADER_SUFFIX,
          ProtoUtils.metadataMarshaller(Findings.getDefaultInstance()));

  /** When a shed call may be tried again, in milliseconds: a trailer of its RESOURCE_EXHAUSTED status. */
  static final Metadata.Key<String> RETRY_AFTER_MS = Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);
}
