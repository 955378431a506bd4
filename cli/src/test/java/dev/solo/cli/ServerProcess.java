package dev.solo.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Solo server in a child JVM, started the way {@code ./solo server} starts it, so a test
 * can kill it with SIGKILL and start it again on the same data directory.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final Path log;
  private final CompletableFuture<String> ready;

  private ServerProcess(Process process, Path log, CompletableFuture<String> ready) {
    this.process = process;
    this.log = log;
    this.ready = ready;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts a server and returns without waiting for it. */
  static ServerProcess launch(Path data, int port, Path log, String... extraArgs) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new java.util.ArrayList<>(List.of(
        java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "dev.solo.cli.Main", "server", "--data", data.toString(), "--port", Integer.toString(port)));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process process = builder.start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.contains("ready")) {
            ready.complete(line);
          }
        }
        ready.completeExceptionally(new IllegalStateException("the server's output ended before it was ready"));
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
    }, "server-stdout");
    reader.setDaemon(true);
    reader.start();
    return new ServerProcess(process, log, ready);
  }

  /** Starts a server and waits until it prints its ready line. */
  static ServerProcess start(Path data, int port, Path log, String... extraArgs) throws Exception {
    ServerProcess server = launch(data, port, log, extraArgs);
    server.awaitReady();
    return server;
  }

  String awaitReady() throws Exception {
    try {
      return ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new AssertionError("the server did not get ready: " + e + "\n--- server log ---\n" + logTail(), e);
    }
  }

  /** Kills the server with SIGKILL: no shutdown hook runs, nothing is flushed. */
  void sigkill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends SIGTERM and waits for the graceful shutdown; returns the exit code. */
  int sigterm() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within 90 s of SIGTERM\n" + logTail());
    }
    return process.exitValue();
  }

  /** Waits for the process to end on its own; returns the exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not exit within " + timeout + "\n" + logTail());
    }
    return process.exitValue();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      // The first errors say why; the last lines say where it ended.
      List<String> errors = lines.stream().filter(line -> line.contains(" ERROR ") || line.contains("Exception:")).limit(10).toList();
      return String.join("\n", errors) + "\n...\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      sigkill();
    }
  }
}
