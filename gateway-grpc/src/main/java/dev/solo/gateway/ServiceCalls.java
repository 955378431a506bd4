package dev.solo.gateway;

import com.google.protobuf.ByteString;
import dev.solo.api.Request;
import dev.solo.capability.Names;
import dev.solo.proto.v1.CallRequest;
import dev.solo.proto.v1.CallResponse;
import dev.solo.tenant.CallOutcome;
import dev.solo.tenant.LogContext;
import dev.solo.tenant.ServiceActor;
import dev.solo.tenant.ServiceKey;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The path of one service call ({@code Solo.Call}): the load shedder admits it or refuses it,
 * it waits for a slot if it must, then the registry finds the service and its actor runs it.
 * Every call gets an id; the log lines written while handling it carry the tenant, the service
 * and that id. Every call ends in the metrics exactly once, with its outcome and latency, and
 * gives its place in the shedder back on every path: a reply, an error, a timeout, a cancel.
 */
final class ServiceCalls {
  private final GatewayDependencies deps;
  private final LoadShedder shedder;
  private final ShedEvents sheds;
  private final PacedRefusals refusals;

  ServiceCalls(GatewayDependencies deps, LoadShedder shedder, ShedEvents sheds, PacedRefusals refusals) {
    this.deps = deps;
    this.shedder = shedder;
    this.sheds = sheds;
    this.refusals = refusals;
  }

  /** Handles one call on the gRPC handler thread; never blocks. */
  void call(Caller caller, CallRequest request, StreamObserver<CallResponse> response) {
    Call call = new Call(caller, request, response, newCallId(), System.nanoTime());
    try (LogContext ignored = call.logContext()) {
      if (request.getMethod().isEmpty()) {
        call.fail(Statuses.invalid("a call needs a method name"));
        return;
      }
      Duration timeout = deps.limits().apply(caller.tenant()).callTimeout();
      Deadline grpcDeadline = Context.current().getDeadline();
      if (grpcDeadline != null) {
        long left = grpcDeadline.timeRemaining(TimeUnit.MILLISECONDS);
        timeout = Duration.ofMillis(Math.max(1, Math.min(left, timeout.toMillis())));
      }
      call.deadline = deps.clock().instant().plus(timeout);
      if (response instanceof ServerCallStreamObserver<CallResponse> stream) {
        stream.setOnCancelHandler(call::cancelled);
      }
      LoadShedder.Admission admission = shedder.admit(caller.tenant(), request.getService(), ticket -> dispatch(call, ticket));
      if (admission instanceof LoadShedder.Refusal refusal) {
        GatewayMetrics.shed(refusal);
        sheds.shed(refusal, caller.principal(), request.getService());
        StatusRuntimeException error = Statuses.shed(refusal);
        refusals.refuse(refusal, timeout, () -> call.fail(error));
      } else {
        call.admitted((LoadShedder.Ticket) admission);
      }
    }
  }

  /** Runs when the call has a slot: on the handler thread, or on the thread that freed the slot. */
  private void dispatch(Call call, LoadShedder.Ticket ticket) {
    try (LogContext ignored = call.logContext()) {
      send(call, ticket);
    } catch (RuntimeException e) {
      // Whatever went wrong, the caller gets an answer and the slot comes back.
      ticket.release();
      call.fail(Statuses.internal("call", e));
    }
  }

  /** Sends the call to its service, or ends it at once if it waited past its deadline. */
  private void send(Call call, LoadShedder.Ticket ticket) {
    Instant now = deps.clock().instant();
    if (!now.isBefore(call.deadline)) {
      ticket.release();
      call.fail(Status.DEADLINE_EXCEEDED
          .withDescription("the call waited past its deadline for a free slot; the server is busy")
          .asRuntimeException());
      return;
    }
    Request request = new Request(call.request.getMethod(), call.request.getBody().toByteArray(), call.request.getHeadersMap());
    ServiceKey key = ServiceKey.of(call.caller.tenant(), call.request.getService());
    Duration askTimeout = Duration.between(now, call.deadline).plusSeconds(1);
    Optional<ActorRef<ServiceActor.Command>> service = deps.services().lookup(key);
    if (service.isEmpty()) {
      ticket.release();
      call.finish(CallOutcome.failed(CallOutcome.Failure.NOT_FOUND, "no service " + call.request.getService() + "; see solo list"),
          null, now);
      return;
    }
    DirectAsk.<ServiceActor.Command, CallOutcome>ask(service.get(),
        replyTo -> new ServiceActor.Call(request, call.deadline, replyTo, call.id), askTimeout, deps.system().scheduler(),
        (outcome, failure) -> {
          ticket.release();
          try (LogContext scope = call.logContext()) {
            call.finish(outcome, failure, deps.clock().instant());
          }
        });
  }

  private static String newCallId() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  /** One call in the gateway, from the request to the reply. */
  private static final class Call {
    final Caller caller;
    final CallRequest request;
    final StreamObserver<CallResponse> response;
    final String id;
    final long startNanos;
    final AtomicBoolean ended = new AtomicBoolean();
    volatile Instant deadline;
    volatile LoadShedder.Ticket ticket;
    volatile boolean cancelled;

    Call(Caller caller, CallRequest request, StreamObserver<CallResponse> response, String id, long startNanos) {
      this.caller = caller;
      this.request = request;
      this.response = response;
      this.id = id;
      this.startNanos = startNanos;
    }

    LogContext logContext() {
      // The service name is the caller's text: a line break in it must not forge a log line.
      String service = Names.isValidService(request.getService()) ? request.getService() : "(invalid)";
      return LogContext.open(caller.tenant(), service, id);
    }

    void admitted(LoadShedder.Ticket admitted) {
      ticket = admitted;
      if (cancelled && admitted.cancel()) {
        end(Status.Code.CANCELLED);
      }
    }

    /** The caller went away (or its deadline passed): a call still waiting for a slot is dropped. */
    void cancelled() {
      cancelled = true;
      LoadShedder.Ticket held = ticket;
      if (held != null && held.cancel()) {
        // It never ran: nothing else will end it.
        end(Status.Code.CANCELLED);
      }
    }

    void finish(CallOutcome outcome, Throwable failure, Instant now) {
      if (failure != null) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof TimeoutException || failure instanceof TimeoutException)) {
          fail(Statuses.internal("call", failure));
        } else if (now.isBefore(deadline)) {
          // An ask fails at once when its service actor has just stopped (a crash, a restart):
          // the service is not there for a moment, which is not a missed deadline.
          fail(Status.UNAVAILABLE.withDescription("service " + request.getService() + " stopped before it answered; try again")
              .asRuntimeException());
        } else {
          fail(Status.DEADLINE_EXCEEDED.withDescription("the call to " + request.getService() + " missed its deadline")
              .asRuntimeException());
        }
      } else if (outcome instanceof CallOutcome.Replied replied) {
        if (end(Status.Code.OK)) {
          response.onNext(CallResponse.newBuilder()
              .setStatus(replied.reply().status())
              .setBody(ByteString.copyFrom(replied.reply().body()))
              .putAllHeaders(replied.reply().headers())
              .setVersion(replied.version())
              .build());
          response.onCompleted();
        }
      } else {
        fail(Statuses.of((CallOutcome.Failed) outcome));
      }
    }

    void fail(StatusRuntimeException error) {
      if (end(error.getStatus().getCode())) {
        response.onError(error);
      }
    }

    private boolean end(Status.Code code) {
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      GatewayMetrics.call(caller.tenant(), code.name(), System.nanoTime() - startNanos);
      return true;
    }
  }
}
