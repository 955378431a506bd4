package dev.solo.deploy;

import static dev.solo.deploy.Submission.accepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class ServiceClassLoaderTest {
  @RegisterExtension static final SharedCompiler COMPILER = new SharedCompiler();
  @TempDir Path store;
  private DeployPipeline pipeline;

  @BeforeEach
  void createPipeline() {
    pipeline = COMPILER.pipeline(store);
  }

  private ServiceClassLoader deploy(String tenant, Map<String, String> files) throws ServiceLoadException {
    return pipeline.load(tenant, 1, accepted(pipeline.deploy(tenant, files)).hash());
  }

  private static Map<String, String> hello(String greeting) {
    return Submission.file("Hello.java",
        "import dev.solo.api.*;",
        "public class Hello implements Service {",
        "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"" + greeting + "\"); }",
        "}");
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void twoTenantsWithTheSameClassNameEachGetTheirOwn() throws Exception {
    ServiceClassLoader acme = deploy("acme", hello("from acme"));
    ServiceClassLoader globex = deploy("globex", hello("from globex"));

    assertNotSame(acme.loadClass("Hello"), globex.loadClass("Hello"));
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      assertEquals("from acme", acme.newInstance().handle(Request.of("hi", ""), new FakeContext()).text());
      assertEquals("from globex", globex.newInstance().handle(Request.of("hi", ""), new FakeContext()).text());
    }
  }

  @Test
  void tenantClassSeesTheHostServiceApi() throws Exception {
    ServiceClassLoader loader = deploy("acme", hello("hi"));

    assertSame(Service.class, Class.forName("dev.solo.api.Service", false, loader));
    assertSame(acmeHello(loader), Class.forName("Hello", false, loader));
  }

  private static Class<?> acmeHello(ServiceClassLoader loader) throws ClassNotFoundException {
    return loader.loadClass("Hello");
  }

  @Test
  void tenantLoaderCannotLoadReflectionThreadsOrHostClasses() throws Exception {
    ServiceClassLoader loader = deploy("acme", hello("hi"));

    for (String name : new String[] {"java.lang.reflect.Method", "java.lang.Thread", "java.lang.invoke.MethodHandles",
        "dev.solo.deploy.DeployPipeline", "dev.solo.hardening.Allowlist", "sun.misc.Unsafe"}) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, loader), name);
    }
  }

  @Test
  void tenantLoaderServesNoResources() throws Exception {
    ServiceClassLoader loader = deploy("acme", hello("hi"));

    assertNull(loader.getResource("Hello.class"));
    assertNull(loader.getResource("dev/solo/api/Service.class"));
    assertNull(loader.getResourceAsStream("Hello.class"));
    assertFalse(loader.getResources("Hello.class").hasMoreElements());
  }

  @Test
  void artifactThatFailsVerificationIsNotLoaded() {
    Artifact artifact = Artifact.of("Exit", Map.of("Exit", classCallingSystemExit("Exit")));

    ServiceLoadException e = assertThrows(ServiceLoadException.class, () -> new ServiceClassLoader("acme", 1, artifact));
    assertEquals("artifact " + artifact.hash() + " failed verification: Exit.java:0:0: SBX-CLASS:"
        + " java.lang.System.exit(int) is not allowed: the class java.lang.System is not on the allowlist", e.getMessage());
  }

  @Test
  void classInAReservedPackageIsNotLoaded() {
    Artifact artifact = Artifact.of("java.evil.Exit", Map.of("java.evil.Exit", classCallingSystemExit("java/evil/Exit")));

    ServiceLoadException e = assertThrows(ServiceLoadException.class, () -> new ServiceClassLoader("acme", 1, artifact));
    assertEquals("artifact " + artifact.hash() + " cannot be loaded: java.evil.Exit is in a reserved package",
        e.getMessage());
  }

  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  @Test
  void constructorFailureIsReportedWithoutTenantText() throws Exception {
    ServiceClassLoader loader = deploy("acme", Submission.file("Boom.java",
        "import dev.solo.api.*;",
        "public class Boom implements Service {",
        "  public Boom() { throw new IllegalStateException(\"secret tenant text\"); }",
        "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\"); }",
        "}"));

    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      ServiceLoadException e = assertThrows(ServiceLoadException.class, loader::newInstance);
      assertEquals("the constructor of Boom threw java.lang.IllegalStateException", e.getMessage());
    }
  }

  @Test
  void loaderOfADroppedServiceBecomesUnreachable() throws Exception {
    WeakReference<ClassLoader> loader = useAndDrop(accepted(pipeline.deploy("acme",
        Submission.file("Shapes.java", ShapesSource.LINES))).hash());

    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (loader.get() != null && Instant.now().isBefore(deadline)) {
      System.gc();
      Thread.onSpinWait();
    }
    assertNull(loader.get(), "the class loader is still reachable after its service was dropped");
  }

  /** Loads, runs and drops one version; only a weak reference to its loader leaves this frame. */
  @SuppressWarnings("try") // the meter is the budget the tenant code in the block runs under
  private WeakReference<ClassLoader> useAndDrop(String hash) throws Exception {
    ServiceClassLoader loader = pipeline.load("acme", 1, hash);
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Service service = loader.newInstance();
      for (int i = 0; i < 3; i++) {
        assertTrue(service.handle(Request.of("area", "1,2"), new FakeContext()).text().startsWith("Square[side=2]:4"));
      }
    }
    return new WeakReference<>(loader);
  }

  /** A class that javac would never let through the pipeline: it calls System.exit. */
  static byte[] classCallingSystemExit(String internalName) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
    writer.visitSource("Exit.java", null);
    MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "exit", "()V", null, null);
    method.visitCode();
    method.visitInsn(Opcodes.ICONST_0);
    method.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
    method.visitInsn(Opcodes.RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
