package dev.solo.deploy;

import dev.solo.hardening.Finding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server and a compile worker say to each other, on the worker's stdin and stdout, in
 * {@link DataOutputStream} terms ({@code bytes} is an {@code int} length and that many bytes,
 * {@code text} is UTF-8 {@code bytes}). Once javac is warm the worker writes {@link #READY}. Then,
 * one at a time, the server writes a request and the worker answers it:
 * <ul>
 *   <li>request: {@code int count}, then {@code count} times {@code text fileName, text source}
 *   <li>response {@link #CLASSES}: {@code int count}, then {@code count} times
 *       {@code text binaryName, bytes classFile}
 *   <li>response {@link #FINDINGS}: {@code int count}, then {@code count} times
 *       {@code text rule, text file, int line, int column, text message}
 *   <li>response {@link #FAILED}: {@code text description}, when javac itself threw
 * </ul>
 */
final class CompileProtocol {
  /** What a worker writes once it is ready: "SLC" and the protocol version, 1. */
  static final int READY = 0x534C_4301;
  static final byte CLASSES = 1;
  static final byte FINDINGS = 2;
  static final byte FAILED = 3;
  /** The largest count or length a frame may declare, so a damaged frame fails instead of allocating. */
  private static final int MAX_LENGTH = 64 << 20;

  private CompileProtocol() {}

  static void writeReady(DataOutputStream out) throws IOException {
    out.writeInt(READY);
    out.flush();
  }

  /**
   * Reads what a worker writes first.
   *
   * @throws StreamCorruptedException if it is not {@link #READY}
   */
  static void readReady(DataInputStream in) throws IOException {
    int ready = in.readInt();
    if (ready != READY) {
      throw new StreamCorruptedException("the compile worker did not say ready: 0x" + Integer.toHexString(ready));
    }
  }

  static void writeRequest(DataOutputStream out, Map<String, String> files) throws IOException {
    out.writeInt(files.size());
    for (Map.Entry<String, String> file : files.entrySet()) {
      writeText(out, file.getKey());
      writeText(out, file.getValue());
    }
    out.flush();
  }

  static Map<String, String> readRequest(DataInputStream in) throws IOException {
    int count = readLength(in);
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      files.put(readText(in), readText(in));
    }
    return files;
  }

  static void writeOutcome(DataOutputStream out, Outcome<Map<String, byte[]>> outcome) throws IOException {
    if (outcome.isRefused()) {
      out.writeByte(FINDINGS);
      out.writeInt(outcome.findings().size());
      for (Finding finding : outcome.findings()) {
        writeText(out, finding.rule());
        writeText(out, finding.file());
        out.writeInt(finding.line());
        out.writeInt(finding.column());
        writeText(out, finding.message());
      }
    } else {
      out.writeByte(CLASSES);
      out.writeInt(outcome.value().size());
      for (Map.Entry<String, byte[]> type : outcome.value().entrySet()) {
        writeText(out, type.getKey());
        writeBytes(out, type.getValue());
      }
    }
    out.flush();
  }

  static void writeFailure(DataOutputStream out, String description) throws IOException {
    out.writeByte(FAILED);
    writeText(out, description);
    out.flush();
  }

  /** {@return the answer to a request: {@link CompileWorker.Done} or {@link CompileWorker.Failed}} */
  static CompileWorker.Result readResponse(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    switch (kind) {
      case CLASSES: {
        int count = readLength(in);
        Map<String, byte[]> classes = new HashMap<>();
        for (int i = 0; i < count; i++) {
          classes.put(readText(in), readBytes(in));
        }
        return new CompileWorker.Done(Outcome.of(classes));
      }
      case FINDINGS: {
        int count = readLength(in);
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          findings.add(Finding.of(readText(in), readText(in), readLength(in), readLength(in), readText(in)));
        }
        if (findings.isEmpty()) {
          throw new StreamCorruptedException("a refusal without findings");
        }
        return new CompileWorker.Done(Outcome.refused(findings));
      }
      case FAILED:
        return new CompileWorker.Failed(readText(in));
      default:
        throw new StreamCorruptedException("unknown response kind " + kind);
    }
  }

  private static void writeText(DataOutputStream out, String text) throws IOException {
    writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String readText(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[readLength(in)];
    in.readFully(bytes);
    return bytes;
  }

  private static int readLength(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_LENGTH) {
      throw new StreamCorruptedException("a count or length out of range: " + length);
    }
    return length;
  }
}
