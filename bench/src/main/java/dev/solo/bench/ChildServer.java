package dev.solo.bench;

import dev.solo.client.Credentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Solo server in a child JVM, started as {@code ./solo server} starts it, on a fresh data
 * directory and a free port: the benchmark's clients and the server do not share a heap or a
 * garbage collector, as on a real deployment.
 */
final class ChildServer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final Path data;
  private final Path log;
  private final int port;

  private ChildServer(Process process, Path data, Path log, int port) {
    this.process = process;
    this.data = data;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts a server with this JVM's class path and waits until it prints its ready line.
   *
   * @param config HOCON that wins over the built-in defaults, empty for none
   */
  static ChildServer start(String config, List<String> jvmOptions) throws Exception {
    return startIn(Files.createTempDirectory("solo-bench-server"), config, jvmOptions);
  }

  /**
   * Starts a server on {@code root/data}, which may hold a previous server's data (a restart),
   * and waits until it prints its ready line.
   */
  static ChildServer startIn(Path root, String config, List<String> jvmOptions) throws Exception {
    Path data = root.resolve("data");
    Path log = root.resolve("server.log");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    // For profiling the server: -Dsolo.bench.server.jvm-options="-XX:StartFlightRecording=..."
    String extra = System.getProperty("solo.bench.server.jvm-options", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.solo.cli.Main", "server",
        "--data", data.toString(), "--port", Integer.toString(port)));
    if (!config.isBlank()) {
      Path file = root.resolve("bench.conf");
      Files.writeString(file, config);
      command.addAll(List.of("--config", file.toString()));
    }
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    // If the benchmark is stopped (Ctrl-C), its server goes with it.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "bench-server-reaper"));
    ChildServer server = new ChildServer(process, data, log, port);
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> readUntilReady(process, ready), "bench-server-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      server.close();
      throw new IllegalStateException("the benchmark server did not get ready; its log is " + log, e);
    }
    return server;
  }

  private static void readUntilReady(Process process, CompletableFuture<String> ready) {
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
  }

  /** {@return the admin's credentials, written by the server on its first start} */
  Credentials admin() throws IOException {
    return Credentials.read(data.resolve("admin.creds"));
  }

  /** {@return the directory that holds the data directory, for {@link #startIn} after a {@link #kill}} */
  Path root() {
    return data.getParent();
  }

  /** {@return the server's address, {@code localhost:PORT}} */
  String address() {
    return "localhost:" + port;
  }

  /** {@return the process id of the server's JVM} */
  long pid() {
    return process.pid();
  }

  /** Ends the server with SIGKILL, as a crash would, and keeps its data directory for a restart. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** {@return the server's log file} */
  Path log() {
    return log;
  }

  /** Stops the server with SIGTERM (a graceful shutdown), then removes its data directory; the log stays. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    if (Files.exists(data)) {
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
