package dev.solo.bench;

import dev.solo.capability.pki.CertificateAuthority;
import dev.solo.capability.pki.IssuedCertificate;
import dev.solo.capability.pki.ServerCertificate;
import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The full call path (mTLS, token check, load shedder, registry, service actor, tenant code that
 * echoes 100 bytes) of a real server in a child JVM, beside a bare grpc-java echo server in
 * another child JVM with the same mTLS setup (certificates of a CA of the same kind), the same
 * messages and the same number of outstanding calls from async stubs. The JSON fields are the
 * worse of the two concurrency levels.
 */
final class CallScenario implements Bench.Scenario {
  private static final int PAYLOAD_BYTES = 100;

  private final Size size;

  /**
   * How long and how hard the scenario runs.
   *
   * @param warmup calls before each measured phase, not measured
   * @param phase how long each measured phase lasts
   * @param concurrency the numbers of outstanding calls, one pair of phases each
   */
  record Size(Duration warmup, Duration phase, List<Integer> concurrency) {
    Size {
      concurrency = List.copyOf(concurrency);
    }

    /**
     * The full run: about two minutes. Each phase warms up for 15 s: after 6 s, the server's C2
     * compiler thread still took 40 to 56% of a core through the first measured seconds
     * ({@code top -H}), on a machine of two.
     */
    static Size full() {
      return new Size(Duration.ofSeconds(15), Duration.ofSeconds(10), List.of(16, 64));
    }

    /** A smoke run: checks that the scenario works, measures nothing useful. */
    static Size tiny() {
      return new Size(Duration.ofMillis(300), Duration.ofMillis(500), List.of(4));
    }
  }

  CallScenario(Size size) {
    this.size = size;
  }

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    String echo = BenchSources.read("echo/Echo.java");
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(7).nextBytes(payload);
    Path pki = Files.createTempDirectory("solo-bench-bare-pki");
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(pki);
    ServerCertificate serverCert = ca.ensureServerCertificate();
    IssuedCertificate clientCert = ca.issueClient("tenant:bench", Duration.ofDays(1));
    int barePort = freePort();
    Process bare = startBare(barePort, serverCert, ca.caCertificateFile());
    try (ChildServer server = ChildServer.start("", List.of("-Xmx1g"));
        SoloClient admin = SoloClient.connect(server.admin())) {
      Credentials tenant = admin.createTenant("bench");
      try (SoloClient client = SoloClient.connect(tenant)) {
        client.deploy("echo", Map.of("Echo.java", echo), List.of(), "call benchmark");
      }
      try (ClosedLoop solo = new ClosedLoop(tenant.server(), tenant.cert(), tenant.key(), tenant.ca(), tenant.token(), "echo", payload);
          ClosedLoop baseline = new ClosedLoop("localhost:" + barePort, clientCert.certPem(), clientCert.keyPem(), ca.caPem(),
              tenant.token(), "echo", payload)) {
        return measure(out, solo, baseline);
      } catch (RuntimeException | Error e) {
        throw new IllegalStateException("the call benchmark failed; the server's log is " + server.log(), e);
      }
    } finally {
      bare.destroyForcibly();
      bare.waitFor();
    }
  }

  private Map<String, Object> measure(PrintStream out, ClosedLoop solo, ClosedLoop baseline) throws Exception {
    double worstThroughput = Double.MAX_VALUE;
    double worstP50 = 0;
    double worstP99 = 0;
    Map<String, Object> figures = new LinkedHashMap<>();
    for (int outstanding : size.concurrency()) {
      ClosedLoop.Result s = solo.run(outstanding, size.warmup(), size.phase());
      ClosedLoop.Result b = baseline.run(outstanding, size.warmup(), size.phase());
      double throughput = s.callsPerSecond() / b.callsPerSecond();
      double p50 = s.latencies().millis(0.50) / b.latencies().millis(0.50);
      double p99 = s.latencies().millis(0.99) / b.latencies().millis(0.99);
      out.printf("%d outstanding: solo %.0f calls/s, p50 %.2f ms, p99 %.2f ms, %d failed%s%n", outstanding,
          s.callsPerSecond(), s.latencies().millis(0.50), s.latencies().millis(0.99), s.failures(),
          s.failures() == 0 ? "" : " (first: " + s.firstFailure() + ")");
      out.printf("%d outstanding: bare grpc-java echo (baseline) %.0f calls/s, p50 %.2f ms, p99 %.2f ms, %d failed%n",
          outstanding, b.callsPerSecond(), b.latencies().millis(0.50), b.latencies().millis(0.99), b.failures());
      out.printf("%d outstanding: throughput ratio %.2f (target >= 0.6), p50 ratio %.2f (target <= 1.6), p99 ratio %.2f%n",
          outstanding, throughput, p50, p99);
      figures.put("call_" + outstanding + "_solo_per_s", Latencies.round(s.callsPerSecond(), 0));
      figures.put("call_" + outstanding + "_bare_per_s", Latencies.round(b.callsPerSecond(), 0));
      figures.put("call_" + outstanding + "_throughput_ratio", Latencies.round(throughput, 3));
      figures.put("call_" + outstanding + "_p50_ratio", Latencies.round(p50, 3));
      figures.put("call_" + outstanding + "_p99_ratio", Latencies.round(p99, 3));
      figures.put("call_" + outstanding + "_failed", s.failures());
      worstThroughput = Math.min(worstThroughput, throughput);
      worstP50 = Math.max(worstP50, p50);
      worstP99 = Math.max(worstP99, p99);
    }
    out.printf("call_* fields: the worse of %s outstanding: throughput ratio %.2f, p50 ratio %.2f, p99 ratio %.2f%n",
        size.concurrency(), worstThroughput, worstP50, worstP99);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("call_throughput_ratio", Latencies.round(worstThroughput, 3));
    result.put("call_p50_ratio", Latencies.round(worstP50, 3));
    result.put("call_p99_ratio", Latencies.round(worstP99, 3));
    result.putAll(figures);
    return result;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Process startBare(int port, ServerCertificate cert, Path clientCa) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), BareEchoServer.class.getName(), Integer.toString(port),
        cert.certificateFile().toString(), cert.privateKeyFile().toString(), clientCa.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "bench-bare-reaper"));
    BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.contains("ready")) {
        Thread drain = new Thread(() -> drain(process.getInputStream()), "bench-bare-stdout");
        drain.setDaemon(true);
        drain.start();
        return process;
      }
    }
    throw new IllegalStateException("the bare echo server ended before it was ready");
  }

  private static void drain(InputStream in) {
    try {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (java.io.IOException e) {
      // the server ended
    }
  }
}
