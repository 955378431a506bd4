package dev.solo.bench;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many tenants, each with the same few services of the same code ({@code examples/echo}), on a
 * real server in a child JVM. The figure: heap plus metaspace in use after a full GC (the server
 * JVM's own counters, read with {@code jcmd GC.run} and {@code jstat -gc}), per service, over the
 * same reading with the tenants created but no service deployed (the baseline). Then the server
 * is killed with SIGKILL, started again on the same data directory, and timed from the start of
 * its JVM until every service has answered a call.
 */
final class DensityScenario implements Bench.Scenario {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final Size size;

  /**
   * How big the scenario is.
   *
   * @param tenants tenants
   * @param servicesPerTenant services of each tenant, all of the same code
   * @param clients concurrent SDK clients that create, deploy and call
   */
  record Size(int tenants, int servicesPerTenant, int clients) {
    /**
     * The full run: 1,000 tenants of 10 services, unless the system properties {@code
     * solo.bench.density.tenants} and {@code solo.bench.density.services} (per tenant) say otherwise
     * ({@code SOLO_JAVA_OPTS=-Dsolo.bench.density.tenants=100 ./solo bench density}).
     */
    static Size full() {
      return new Size(Integer.getInteger("solo.bench.density.tenants", 1000),
          Integer.getInteger("solo.bench.density.services", 10), 8);
    }

    /** A smoke run. */
    static Size tiny() {
      return new Size(2, 2, 2);
    }

    int services() {
      return tenants * servicesPerTenant;
    }
  }

  DensityScenario(Size size) {
    this.size = size;
  }

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    String echo = BenchSources.read("echo/Echo.java");
    String config = "solo.limits.max-services = " + Math.max(100, size.servicesPerTenant()) + "\n";
    List<String> jvm = List.of("-Xmx2g");
    ExecutorService pool = Executors.newFixedThreadPool(size.clients());
    ChildServer server = ChildServer.start(config, jvm);
    try {
      long empty;
      List<Credentials> tenants = new ArrayList<>();
      try (SoloClient admin = SoloClient.connect(server.admin())) {
        long start = System.nanoTime();
        List<Future<Credentials>> created = new ArrayList<>();
        for (int t = 0; t < size.tenants(); t++) {
          String name = "t" + t;
          created.add(pool.submit(() -> admin.createTenant(name)));
        }
        for (Future<Credentials> future : created) {
          tenants.add(future.get());
        }
        out.printf("%d tenants created in %.1f s%n", size.tenants(), (System.nanoTime() - start) / 1e9);
      }
      empty = usedAfterGc(server.pid());
      long start = System.nanoTime();
      forEachTenant(pool, tenants, (client, t) -> {
        for (int s = 0; s < size.servicesPerTenant(); s++) {
          client.deploy("echo" + s, Map.of("Echo.java", echo), List.of(), "density benchmark");
        }
      });
      double deploySeconds = (System.nanoTime() - start) / 1e9;
      long full = usedAfterGc(server.pid());
      double perService = (full - empty) / (double) size.services();
      out.printf("%d services deployed in %.1f s (%.0f deploys/s)%n", size.services(), deploySeconds,
          size.services() / deploySeconds);
      out.printf("heap + metaspace after full GC: %d KiB with %d tenants and no services (baseline), %d KiB with %d services%n",
          empty >> 10, size.tenants(), full >> 10, size.services());
      out.printf("bytes per service %.0f (target <= 65536)%n", perService);

      Path root = server.root();
      server.kill();
      long restart = System.nanoTime();
      server = ChildServer.startIn(root, config, jvm);
      double readySeconds = (System.nanoTime() - restart) / 1e9;
      String address = server.address();
      forEachTenant(pool, tenants.stream().map(c -> c.withServer(address)).toList(), (client, t) -> {
        for (int s = 0; s < size.servicesPerTenant(); s++) {
          String text = new String(client.call("echo" + s, "echo", ("t" + t).getBytes(StandardCharsets.UTF_8)).body(),
              StandardCharsets.UTF_8);
          if (!text.equals("t" + t)) {
            throw new IllegalStateException("echo" + s + " of tenant " + t + " answered " + text);
          }
        }
      });
      double recoverySeconds = (System.nanoTime() - restart) / 1e9;
      out.printf("after SIGKILL: server ready %.1f s after its JVM started, every one of %d services answered after %.1f s"
          + " (target <= 15)%n", readySeconds, size.services(), recoverySeconds);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("density_bytes_per_service", Math.round(perService));
      figures.put("recovery_10k_s", Latencies.round(recoverySeconds, 2));
      figures.put("density_services", size.services());
      figures.put("density_deploys_per_s", Latencies.round(size.services() / deploySeconds, 1));
      figures.put("density_ready_s", Latencies.round(readySeconds, 2));
      return figures;
    } catch (RuntimeException | Error e) {
      throw new IllegalStateException("the density benchmark failed; the server's log is " + server.log(), e);
    } finally {
      pool.shutdownNow();
      server.close();
    }
  }

  /** Work of one tenant over its own connection. */
  private interface TenantWork {
    void run(SoloClient client, int tenant) throws Exception;
  }

  /** Runs {@code work} for every tenant, {@code clients} tenants at a time, each over its own connection. */
  private static void forEachTenant(ExecutorService pool, List<Credentials> tenants, TenantWork work) throws Exception {
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < tenants.size(); t++) {
      Credentials creds = tenants.get(t);
      int index = t;
      done.add(pool.submit(() -> {
        try (SoloClient client = SoloClient.connect(creds).withTimeout(CALL_TIMEOUT)) {
          work.run(client, index);
        }
        return null;
      }));
    }
    for (Future<?> future : done) {
      future.get();
    }
  }

  /** {@return heap plus metaspace in use in the JVM {@code pid} right after a full GC, in bytes} */
  static long usedAfterGc(long pid) throws IOException, InterruptedException {
    String jdk = Path.of(System.getProperty("java.home"), "bin").toString();
    run(List.of(jdk + "/jcmd", Long.toString(pid), "GC.run"));
    List<String> lines = run(List.of(jdk + "/jstat", "-gc", Long.toString(pid)));
    List<String> header = List.of(lines.get(0).trim().split("\\s+"));
    List<String> values = List.of(lines.get(1).trim().split("\\s+"));
    double kib = 0;
    for (String column : List.of("S0U", "S1U", "EU", "OU", "MU")) {
      kib += Double.parseDouble(values.get(header.indexOf(column)));
    }
    return Math.round(kib * 1024);
  }

  private static List<String> run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    List<String> lines = new ArrayList<>(List.of(output.split("\n")));
    lines.removeIf(String::isBlank);
    return Collections.unmodifiableList(lines);
  }
}
