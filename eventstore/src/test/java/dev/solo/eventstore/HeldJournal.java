package dev.solo.eventstore;

import com.typesafe.config.Config;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/** The LevelDB journal, except that while {@link #hold} is set its writes never finish. */
public final class HeldJournal extends LeveldbJournal {
  static volatile boolean hold;

  public HeldJournal(Config config) {
    super(config);
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    return hold ? Promise.<Seq<Try<BoxedUnit>>>apply().future() : super.asyncWriteMessages(messages);
  }
}
