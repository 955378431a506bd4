package dev.solo.kernel;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code solo server --log-json}: replaces the text log configuration with
 * {@code logback-json.xml} next to this class, which writes one JSON object per line (Logstash
 * encoder: {@code @timestamp}, {@code level}, {@code logger_name}, {@code message}, and the
 * {@code tenant}, {@code service} and {@code call_id} of the call being handled, if any).
 */
final class LogFormat {
  private LogFormat() {}

  /** Switches this JVM's logs to JSON lines on stderr. */
  static void useJson() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException("--log-json needs Logback as the logging backend, found " + factory.getClass().getName());
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    context.reset();
    try {
      configurator.doConfigure(LogFormat.class.getResource("logback-json.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("the JSON log configuration is broken: " + e.getMessage(), e);
    }
  }
}
