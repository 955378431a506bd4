package dev.solo.mcp;

import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded servlet container serving the streamable HTTP transport on the loopback address
 * only, at {@value #PATH}. Nothing else listens: no other servlet, no static files.
 */
final class HttpEndpoint implements AutoCloseable {
  /** Where the MCP endpoint is. */
  static final String PATH = "/mcp";
  static final String HOST = "127.0.0.1";

  private final Tomcat tomcat;
  private final Connector connector;
  private final Path baseDir;

  private HttpEndpoint(Tomcat tomcat, Connector connector, Path baseDir) {
    this.tomcat = tomcat;
    this.connector = connector;
    this.baseDir = baseDir;
  }

  /**
   * {@return a started endpoint on 127.0.0.1:{@code port}} (0 picks a free port)
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  static HttpEndpoint start(HttpServletStreamableServerTransportProvider transport, int port) {
    // Tomcat logs through java.util.logging; its start-up chatter is not the user's business.
    java.util.logging.Logger.getLogger("org.apache").setLevel(Level.WARNING);
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("solo-mcp-http");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", HOST);
    // The MCP session's event stream stays open; the keep-alive pings of the transport hold it.
    connector.setAsyncTimeout(0);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDir.toString());
    Wrapper servlet = Tomcat.addServlet(context, "mcp", transport);
    servlet.setAsyncSupported(true);
    context.addServletMappingDecoded(PATH, "mcp");
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException("cannot serve MCP on " + HOST + ":" + port + ": " + e.getMessage(), e);
    }
    if (connector.getLocalPort() < 0) {
      stop(tomcat, baseDir);
      throw new IllegalStateException("cannot serve MCP on " + HOST + ":" + port + ": the port is taken or not allowed");
    }
    return new HttpEndpoint(tomcat, connector, baseDir);
  }

  /** {@return the port it listens on} */
  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    stop(tomcat, baseDir);
  }

  private static void stop(Tomcat tomcat, Path baseDir) {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      // stopping is best effort; the process is on its way out
    }
    try (Stream<Path> files = Files.walk(baseDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
