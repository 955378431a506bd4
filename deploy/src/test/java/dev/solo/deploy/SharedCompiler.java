package dev.solo.deploy;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One warm compile worker for every test of a class, closed after the last one: a pipeline of
 * each test's own would start and warm up a JVM per test. Register it with
 * {@code @RegisterExtension static final SharedCompiler COMPILER = new SharedCompiler();}.
 */
final class SharedCompiler implements BeforeAllCallback, AfterAllCallback {
  private ForkedCompiler compiler;

  @Override
  public void beforeAll(ExtensionContext context) {
    compiler = new ForkedCompiler(DeployLimits.defaults());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    compiler.close();
  }

  /** {@return a pipeline with the default limits that stores in {@code store} and compiles with the shared worker} */
  DeployPipeline pipeline(Path store) {
    return new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults(), compiler::compile);
  }
}
