package dev.solo.deploy;

import java.io.IOException;

/** A stored artifact could not be read back as it was written: truncated, or its hash does not match. */
public final class CorruptArtifactException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the artifact. */
  public CorruptArtifactException(String message) {
    super(message);
  }
}
