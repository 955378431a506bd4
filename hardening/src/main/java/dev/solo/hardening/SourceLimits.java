package dev.solo.hardening;

/**
 * The caps that {@link SourceRules} applies before javac sees a submission.
 *
 * @param maxFiles source files per submission
 * @param maxTotalBytes UTF-8 bytes of all files together
 * @param maxFileBytes UTF-8 bytes of one file
 * @param maxDepth nesting depth of one file's syntax tree
 * @param maxNodes syntax tree nodes of all files together
 * @param maxClasses classes of all files together, nested, local and anonymous ones included
 */
public record SourceLimits(
    int maxFiles, int maxTotalBytes, int maxFileBytes, int maxDepth, int maxNodes, int maxClasses) {

  /** Default for {@link #maxFiles}. */
  public static final int DEFAULT_MAX_FILES = 64;
  /** Default for {@link #maxTotalBytes}: 1 MiB. */
  public static final int DEFAULT_MAX_TOTAL_BYTES = 1 << 20;
  /** Default for {@link #maxFileBytes}: 256 KiB. */
  public static final int DEFAULT_MAX_FILE_BYTES = 256 << 10;
  /** Default for {@link #maxDepth}. */
  public static final int DEFAULT_MAX_DEPTH = 200;
  /** Default for {@link #maxNodes}. */
  public static final int DEFAULT_MAX_NODES = 100_000;
  /** Default for {@link #maxClasses}. */
  public static final int DEFAULT_MAX_CLASSES = 200;

  /** Checks that every cap is positive. */
  public SourceLimits {
    if (maxFiles < 1 || maxTotalBytes < 1 || maxFileBytes < 1 || maxDepth < 1 || maxNodes < 1 || maxClasses < 1) {
      throw new IllegalArgumentException("source limits must be positive: " + this);
    }
  }

  /** {@return the default caps} */
  public static SourceLimits defaults() {
    return new SourceLimits(
        DEFAULT_MAX_FILES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_FILE_BYTES,
        DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, DEFAULT_MAX_CLASSES);
  }
}
