package dev.solo.gateway;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.scaladsl.AskPattern;
import org.apache.pekko.util.Timeout;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FunctionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * An ask whose answer is handled on the thread that delivers it. The javadsl
 * {@code AskPattern.ask} returns a stage that runs even {@code whenComplete} as an async stage
 * on another pool: one more thread hop, and a wake-up, per call. The handler here must be short
 * and must not block: it runs on the replying actor's dispatcher thread (or the scheduler's, on
 * a timeout).
 */
final class DirectAsk {
  private DirectAsk() {}

  /**
   * Sends the message {@code message} makes to {@code target}, and calls {@code then} with the
   * answer, or with the failure ({@code java.util.concurrent.TimeoutException} after
   * {@code timeout}).
   */
  static <Q, R> void ask(RecipientRef<Q> target, Function<ActorRef<R>, Q> message, Duration timeout, Scheduler scheduler,
      BiConsumer<R, Throwable> then) {
    new AskPattern.Askable<>(target)
        .<R>ask(FunctionConverters.asScalaFromFunction(message), Timeout.create(timeout), scheduler)
        .onComplete(FunctionConverters.asScalaFromFunction((Try<R> result) -> {
          if (result.isSuccess()) {
            then.accept(result.get(), null);
          } else {
            then.accept(null, result.failed().get());
          }
          return BoxedUnit.UNIT;
        }), ExecutionContext.parasitic$.MODULE$);
  }
}
