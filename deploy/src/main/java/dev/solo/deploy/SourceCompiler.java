package dev.solo.deploy;

import java.util.Map;

/** The compile pass of {@link DeployPipeline}: source files in, class files or findings out. */
interface SourceCompiler extends AutoCloseable {

  /**
   * {@return the class files, binary name to bytes, or the findings that refuse the sources}
   *
   * @param files file name (such as {@code Counter.java}) to source text
   */
  Outcome<Map<String, byte[]>> compile(Map<String, String> files) throws InterruptedException;

  /** Releases what this compiler holds; a compiler that holds nothing keeps this default. */
  @Override
  default void close() {}
}
