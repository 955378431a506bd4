package dev.solo.deploy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;

/**
 * The compile worker JVM that {@link ForkedCompiler} starts: reads requests from stdin, compiles
 * each with {@link Javac}, answers on stdout ({@link CompileProtocol}). Between compiles it keeps
 * only javac's context, cleared of what each compile declared ({@link Javac#reusingContexts()}).
 * It ends itself when stdin ends, even in the middle of a compile, so a worker never
 * outlives the server that started it: when the server dies, even by {@code kill -9}, the
 * operating system closes the other end of the pipe.
 */
final class CompileWorkerMain {
  /** Exit status when the server closed stdin: the normal end. */
  static final int EXIT_STDIN_CLOSED = 0;
  /** Exit status when javac ran out of heap: the one {@code -XX:+ExitOnOutOfMemoryError} uses. */
  static final int EXIT_OUT_OF_MEMORY = 3;
  /** Exit status for a request that breaks the protocol. */
  static final int EXIT_BAD_REQUEST = 2;
  /** Exit status for a broken start: javac or the service API is missing. */
  static final int EXIT_CANNOT_START = 4;
  /** Exit status when the compile thread ends by an exception nobody expected. */
  static final int EXIT_BROKEN = 5;

  /** Compiled once before the worker says it is ready, so the first tenant does not pay for a cold javac. */
  private static final Map<String, String> WARM_UP = Map.of("WarmUp.java", String.join("\n",
      "import dev.solo.api.*;",
      "import java.util.*;",
      "public class WarmUp implements Service {",
      "  record Pair(String key, int value) {}",
      "  public Reply handle(Request request, Context ctx) {",
      "    List<Pair> pairs = new ArrayList<>(List.of(new Pair(request.method(), 1)));",
      "    switch (request.method()) {",
      "      case \"get\": return Reply.ok(\"\" + pairs.stream().mapToInt(Pair::value).sum());",
      "      default: return Reply.status(404, \"no method \" + request.method());",
      "    }",
      "  }",
      "}",
      ""));

  private CompileWorkerMain() {}

  /** Runs the worker until stdin ends. */
  public static void main(String[] args) {
    DataOutputStream responses = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
    System.setOut(System.err); // stdout carries responses only, whatever else prints
    DataInputStream requests = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
    SynchronousQueue<Map<String, String>> handOff = new SynchronousQueue<>();
    Thread compiler = new Thread(null, () -> compileEach(handOff, responses), "solo-javac", Javac.STACK_BYTES);
    compiler.setDaemon(true);
    compiler.setUncaughtExceptionHandler((thread, e) -> {
      e.printStackTrace();
      Runtime.getRuntime().halt(EXIT_BROKEN); // else the server would wait for an answer until its time limit
    });
    compiler.start();
    readEach(requests, handOff);
  }

  /**
   * Reads requests on the main thread, which is otherwise idle during a compile: that is how the
   * end of stdin is seen while javac runs.
   */
  private static void readEach(DataInputStream requests, SynchronousQueue<Map<String, String>> handOff) {
    while (true) {
      Map<String, String> files;
      try {
        files = CompileProtocol.readRequest(requests);
      } catch (EOFException e) {
        Runtime.getRuntime().halt(EXIT_STDIN_CLOSED);
        return;
      } catch (IOException e) {
        System.err.println("compile worker: unreadable request: " + e);
        Runtime.getRuntime().halt(EXIT_BAD_REQUEST);
        return;
      }
      try {
        handOff.put(files);
      } catch (InterruptedException e) {
        Runtime.getRuntime().halt(EXIT_STDIN_CLOSED); // nothing interrupts this thread but the end of the JVM
      }
    }
  }

  private static void compileEach(SynchronousQueue<Map<String, String>> handOff, DataOutputStream responses) {
    Javac javac;
    try {
      javac = warmUp();
    } catch (IOException | RuntimeException e) {
      System.err.println("compile worker: cannot start: " + e);
      Runtime.getRuntime().halt(EXIT_CANNOT_START);
      return;
    }
    try {
      CompileProtocol.writeReady(responses);
      while (true) {
        Map<String, String> files = handOff.take();
        Outcome<Map<String, byte[]>> outcome;
        try {
          outcome = javac.compile(files, () -> false);
        } catch (OutOfMemoryError e) {
          Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY); // only without -XX:+ExitOnOutOfMemoryError
          return;
        } catch (Exception | Error e) {
          CompileProtocol.writeFailure(responses, e.toString());
          continue;
        }
        CompileProtocol.writeOutcome(responses, outcome);
      }
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(EXIT_STDIN_CLOSED); // the server is gone
    }
  }

  private static Javac warmUp() throws IOException {
    Javac javac = Javac.reusingContexts();
    if (!javac.reusesContexts()) {
      System.err.println("compile worker: javac's task pool is not available; every compile starts afresh");
    }
    Outcome<Map<String, byte[]>> outcome = javac.compile(WARM_UP, () -> false);
    if (outcome.isRefused()) {
      throw new IllegalStateException("the warm-up source does not compile: " + outcome.findings());
    }
    return javac;
  }
}
