package dev.solo.bench;

import com.google.protobuf.ByteString;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.CallResponse;
import dev.solo.proto.v1.SoloGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed number of outstanding {@code Solo/Call}s over one mTLS channel with async stubs: each
 * answer sends the next call at once (closed loop). Used alike against Solo and the bare server.
 */
final class ClosedLoop implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final int MAX_SAMPLES = 1 << 22;

  private final ManagedChannel channel;
  private final SoloGrpc.SoloStub stub;
  private final CallRequest request;

  /** What one measured phase gave. */
  record Result(double callsPerSecond, Latencies latencies, long failures, String firstFailure) {}

  ClosedLoop(String server, String certPem, String keyPem, String caPem, String token, String service, byte[] body)
      throws Exception {
    ChannelCredentials tls = TlsChannelCredentials.newBuilder()
        .keyManager(pem(certPem), pem(keyPem))
        .trustManager(pem(caPem))
        .build();
    this.channel = Grpc.newChannelBuilder(server, tls).build();
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    this.stub = SoloGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.request = CallRequest.newBuilder().setService(service).setMethod("echo").setBody(ByteString.copyFrom(body)).build();
  }

  private static ByteArrayInputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Runs {@code outstanding} calls at a time for {@code warmup} (not measured), then for {@code phase}. */
  Result run(int outstanding, Duration warmup, Duration phase) throws InterruptedException {
    long[] samples = new long[MAX_SAMPLES];
    AtomicInteger count = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    String[] firstFailure = {""};
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch stopped = new CountDownLatch(outstanding);
    for (int i = 0; i < outstanding; i++) {
      send(running, measuring, samples, count, failures, firstFailure, stopped);
    }
    Thread.sleep(warmup.toMillis());
    long start = System.nanoTime();
    measuring.set(true);
    Thread.sleep(phase.toMillis());
    measuring.set(false);
    long elapsed = System.nanoTime() - start;
    running.set(false);
    stopped.await(30, TimeUnit.SECONDS);
    int n = Math.min(count.get(), MAX_SAMPLES);
    return new Result((n + failures.get()) / (elapsed / 1e9), Latencies.ofNanos(samples, n), failures.get(), firstFailure[0]);
  }

  private void send(AtomicBoolean running, AtomicBoolean measuring, long[] samples, AtomicInteger count,
      AtomicLong failures, String[] firstFailure, CountDownLatch stopped) {
    long sent = System.nanoTime();
    stub.withDeadlineAfter(30, TimeUnit.SECONDS).call(request, new StreamObserver<>() {
      @Override
      public void onNext(CallResponse value) {
        if (measuring.get()) {
          int index = count.getAndIncrement();
          if (index < samples.length) {
            samples[index] = System.nanoTime() - sent;
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        if (measuring.get() && failures.getAndIncrement() == 0) {
          firstFailure[0] = t.toString();
        }
        next();
      }

      @Override
      public void onCompleted() {
        next();
      }

      private void next() {
        if (running.get()) {
          send(running, measuring, samples, count, failures, firstFailure, stopped);
        } else {
          stopped.countDown();
        }
      }
    });
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
