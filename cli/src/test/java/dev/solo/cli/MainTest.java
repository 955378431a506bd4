package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path dir;
  private FakeServer server;
  private Path creds;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  @BeforeEach
  void start() throws IOException {
    server = new FakeServer();
    creds = dir.resolve("admin.creds");
    server.credentials().write(creds);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new SoloCommand(new Terminal(System.out, System.err))), new ArrayList<>(), paths);
    assertTrue(paths.size() > 20, "commands: " + paths);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Run run = solo(args.toArray(String[]::new));
      assertEquals(0, run.status(), String.join(" ", args) + "\n" + run.err());
      assertTrue(run.out().startsWith("Usage: solo " + String.join(" ", path)), run.out());
    }
  }

  @Test
  void contractCommandsExist() {
    for (String command :
        List.of("server", "tenant create", "tenant list", "deploy", "call", "kill", "list", "status", "events",
            "whoami", "admin shutdown", "swap", "rollback", "versions")) {
      Run run = solo(Stream.concat(Stream.of(command.split(" ")), Stream.of("--help")).toArray(String[]::new));
      assertEquals(0, run.status(), command);
    }
    assertTrue(solo("events", "--help").out().contains("--since-id"));
    assertTrue(solo("server", "--help").out().contains("--metrics-port"));
  }

  @Test
  void noArgumentsPrintsTheCommandList() {
    Run run = solo();
    assertEquals(0, run.status());
    assertTrue(run.out().contains("deploy") && run.out().contains("events"), run.out());
  }

  @Test
  void unknownCommandIsAUsageError() {
    Run run = solo("deploi");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("deploi"), run.err());
  }

  @Test
  void missingCredentialsFileSaysWhereItLookedAndHowToGetOne() {
    Path missing = dir.resolve("nope.creds");
    Run run = solo("list", "--creds", missing.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("solo: no credentials file at " + missing + " (from --creds)"), run.err());
    assertTrue(run.err().contains("./solo server"), run.err());
    assertTrue(run.err().contains("solo tenant create NAME --out FILE"), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace");
  }

  @Test
  void listPrintsAlignedColumnsUnderAHeader() {
    Run run = solo("list", "--creds", creds.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of(
            "NAME     VERSION  STATE    ARTIFACT      DEPLOYED",
            "counter  2        running  9f86d081884c  2023-11-14T22:13:20Z",
            "a        12       failed   0123          -"),
        run.out().lines().toList());
  }

  @Test
  void statusPrintsKeyValueLines() {
    Run run = solo("status", "counter", "--creds", creds.toString());
    assertEquals(0, run.status(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.contains("service: counter"), run.out());
    assertTrue(lines.contains("state: running"), run.out());
    assertTrue(lines.contains("calls: 10"), run.out());
    assertTrue(lines.contains("last error: -"), run.out());
    assertTrue(lines.contains("breaker: closed"), run.out());
    for (String key : List.of("version", "artifact", "deployed", "errors", "queue", "restarts")) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(key + ": ")), key + " in " + run.out());
    }
  }

  @Test
  void refusalPrintsCodeAndReason() {
    Run run = solo("status", "nothing", "--creds", creds.toString());
    assertEquals(1, run.status());
    assertEquals("NOT_FOUND: no service nothing\n", run.err());
    assertEquals("", run.out());
  }

  @Test
  void deployPrintsVersionAndShortArtifactHash() throws IOException {
    Path source = Files.writeString(dir.resolve("Counter.java"), "class Counter {}");
    Run run =
        solo("deploy", "counter", source.toString(), "--grant", "kv", "--explanation", "first", "--creds", creds.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals("deployed counter version 2 (artifact 9f86d081884c)\n", run.out());
    assertEquals(List.of("kv"), server.lastDeploy.get().getGrantsList());
    assertEquals("class Counter {}", server.lastDeploy.get().getFilesMap().get("Counter.java"));
  }

  @Test
  void refusedDeployPrintsEachFindingAfterTheReason() throws IOException {
    Path source = Files.writeString(dir.resolve("Counter.java"), "import java.lang.reflect.*;");
    Run run = solo("deploy", "counter", source.toString(), "--creds", creds.toString());
    assertEquals(1, run.status());
    assertEquals(
        List.of(
            "INVALID_ARGUMENT: deploy refused: 2 findings",
            "Counter.java:3:9: no-reflection: java.lang.reflect is not allowed",
            "Counter.java:7:5: no-threads: new Thread is not allowed"),
        run.err().lines().toList());
  }

  @Test
  void deployOfAMissingFileNamesIt() {
    Run run = solo("deploy", "counter", dir.resolve("Nope.java").toString(), "--creds", creds.toString());
    assertEquals(1, run.status());
    assertEquals("solo: no such file: " + dir.resolve("Nope.java") + "\n", run.err());
  }

  @Test
  void callPrintsTheReplyBody() {
    Run run = solo("call", "counter", "get", "--data", "x", "--creds", creds.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals("get:x\n", run.out());
  }

  @Test
  void callWithAnErrorStatusExitsNonZero() throws IOException {
    Path body = Files.writeString(dir.resolve("body.json"), "{}");
    Run run = solo("call", "counter", "fail", "--data-file", body.toString(), "--creds", creds.toString());
    assertEquals(1, run.status());
    assertEquals("fail:{}\n", run.out());
    assertEquals("status 500\n", run.err());
  }

  @Test
  void callTakesOnlyOneBody() {
    assertEquals(2, solo("call", "counter", "get", "--data", "x", "--data-file", "y", "--creds", creds.toString()).status());
  }

  @Test
  void eventsPassFiltersAndPrintOneLinePerEvent() {
    Run run =
        solo("events", "--type", "service_deployed", "--type", "service_killed", "--since-id", "41", "--json",
            "--creds", creds.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(List.of("service_deployed", "service_killed"), server.lastEvents.get().getTypesList());
    assertEquals(41, server.lastEvents.get().getAfterId());
    assertEquals(
        "{\"id\":42,\"time\":\"2023-11-14T22:13:20Z\",\"tenant\":\"acme\",\"type\":\"service_deployed\","
            + "\"subject\":\"counter\",\"attributes\":{\"version\":\"2\"},\"causation_id\":0,\"principal\":\"tenant:acme\"}\n",
        run.out());
  }

  @Test
  void tenantCreateWritesAnOwnerOnlyCredentialsFileAndAnExportHint() throws IOException {
    Path out = dir.resolve("acme.creds");
    Run run = solo("tenant", "create", "acme", "--out", out.toString(), "--creds", creds.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of("created tenant acme, credentials in " + out, "export SOLO_CREDS=" + out), run.out().lines().toList());
    Credentials written = Credentials.read(out);
    assertEquals("acme", written.tenant());
    assertEquals(server.address(), written.server());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
  }

  @Test
  void tenantCreateNeverOverwritesAFile() throws IOException {
    Path out = Files.writeString(dir.resolve("acme.creds"), "precious");
    Run run = solo("tenant", "create", "acme", "--out", out.toString(), "--creds", creds.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("solo: " + out + " already exists"), run.err());
    assertEquals(0, server.tenantsCreated.get(), "the tenant was not created");
    assertEquals("precious", Files.readString(out));
  }

  @Test
  void unimplementedCommandSurfacesTheServersCode() {
    Run run = solo("versions", "counter", "--creds", creds.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("UNIMPLEMENTED: "), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void unreachableServerSuggestsStartingIt() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Credentials.read(creds).withServer("localhost:" + port).write(creds);
    Run run = solo("whoami", "--creds", creds.toString());
    assertEquals(1, run.status());
    assertEquals(
        "UNAVAILABLE: cannot reach the server at localhost:" + port + " (is ./solo server running?)\n", run.err());
  }

  @Test
  void serverOptionsAreChecked() {
    Run run = solo("server", "--port", "many");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--port"), run.err());
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    for (var sub : command.getSubcommands().entrySet()) {
      if (sub.getKey().equals("help") || !sub.getValue().getCommandName().equals(sub.getKey())) continue;
      List<String> subPath = new ArrayList<>(path);
      subPath.add(sub.getKey());
      paths.add(subPath);
      collect(sub.getValue(), subPath, paths);
    }
  }

  private static Run solo(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
