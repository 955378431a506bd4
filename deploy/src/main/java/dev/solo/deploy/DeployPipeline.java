package dev.solo.deploy;

import dev.solo.hardening.Allowlist;
import dev.solo.hardening.BytecodeVerifier;
import dev.solo.hardening.Finding;
import dev.solo.hardening.Instrumenter;
import dev.solo.hardening.SourceRules;
import dev.solo.hardening.instrument.Instrumentation;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.objectweb.asm.MethodTooLargeException;

/**
 * Turns submitted source files into a stored artifact, one named pass after another:
 * {@code checkSource -> compile -> verifyBytecode -> findEntryClass -> instrument ->
 * verifyInstrumented -> store}. What the tenant submitted is verified against the standard
 * allowlist; what the instrumenter made of it is verified again against
 * {@link Instrumentation#allowlist()}, which admits the budget checks too. The first pass that
 * finds a problem stops the deploy, and nothing is stored unless every pass succeeds. Sources
 * accepted before give their artifact again without the passes ({@link CompiledSources}).
 * javac runs in worker JVMs with a heap of their own ({@link CompileWorkerLimits}), so a
 * submission that makes javac use gigabytes costs a worker, not this JVM; {@link #close} ends
 * them. Thread-safe; {@link #deploy} never runs tenant code, is bounded in time by the source caps,
 * the compile time limit and the wait for a free worker, and turns any failure of its own (but
 * running out of memory) into a finding with rule {@code INTERNAL}.
 */
public final class DeployPipeline implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DeployPipeline.class.getName());
  private static final int VERIFIED_KEPT = 4096;
  private static final int LOADED_KEPT = 64;

  private final ArtifactStore store;
  private final SourceRules sourceRules;
  private final SourceCompiler compiler;
  private final BytecodeVerifier verifier;
  private final Instrumenter instrumenter;
  private final BytecodeVerifier instrumentedVerifier;
  private final CompiledSources compiled = new CompiledSources();
  /**
   * Hashes of artifacts whose classes passed the loader's verification in this process, or were
   * made and verified by this pipeline: a restart loads each distinct artifact's bytes through
   * the verifier once, not once per service. The most recent {@link #VERIFIED_KEPT}.
   */
  private final Set<String> verified = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > VERIFIED_KEPT;
    }
  }));
  /**
   * Artifacts read lately, by hash: a restart loads one artifact for every service of the same
   * code, and reading and hashing its file again for each was a fifth of the restart's service
   * phase. Artifacts do not change. The most recent {@link #LOADED_KEPT}.
   */
  private final Map<String, Artifact> loaded = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Artifact> eldest) {
      return size() > LOADED_KEPT;
    }
  });
  private volatile boolean closed;

  /**
   * Creates a pipeline that stores accepted artifacts in {@code store}. Its compile workers start
   * with the first deploy; {@link #close} ends them.
   */
  public DeployPipeline(ArtifactStore store, DeployLimits limits) {
    this(store, limits, new ForkedCompiler(limits));
  }

  /** Creates a pipeline whose compile pass is {@code compiler}, which {@link #close} closes. */
  DeployPipeline(ArtifactStore store, DeployLimits limits, SourceCompiler compiler) {
    this.store = Objects.requireNonNull(store, "store");
    this.sourceRules = new SourceRules(limits.source());
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.verifier = new BytecodeVerifier(Allowlist.standard());
    this.instrumenter = Instrumenter.budgets();
    this.instrumentedVerifier = new BytecodeVerifier(Instrumentation.allowlist());
  }

  /**
   * {@return the stored artifact, or the findings that refuse the submission}
   *
   * @param tenant the tenant that submits the code
   * @param files file name (such as {@code Counter.java}) to source text
   */
  public DeployResult deploy(String tenant, Map<String, String> files) {
    try {
      return runPasses(tenant, Map.copyOf(files));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return internal(tenant, e);
    } catch (OutOfMemoryError e) {
      throw e; // the heap is shared by every tenant: the server has to see this one
    } catch (Exception | Error e) {
      return internal(tenant, e);
    }
  }

  /**
   * {@return a new class loader for a stored version of a service}
   *
   * @throws ServiceLoadException if no artifact has this hash, or it is damaged or fails verification
   */
  public ServiceClassLoader load(String tenant, int version, String hash) throws ServiceLoadException {
    Artifact artifact = loaded.get(hash);
    if (artifact == null) {
      try {
        artifact = store.get(hash).orElseThrow(() -> new ServiceLoadException("no artifact is stored with hash " + hash));
      } catch (IOException | IllegalArgumentException e) {
        throw new ServiceLoadException("artifact " + hash + " could not be read", e);
      }
    }
    ServiceClassLoader loader = new ServiceClassLoader(tenant, version, artifact, verified.contains(hash));
    verified.add(hash);
    loaded.put(hash, artifact);
    return loader;
  }

  /**
   * Ends the compile workers, busy ones too; a deploy after this is refused with {@code INTERNAL}.
   * Stored artifacts stay loadable with {@link #load}. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    compiler.close();
  }

  private DeployResult runPasses(String tenant, Map<String, String> files) throws IOException, InterruptedException {
    // The passes are a pure function of the sources: the same sources, accepted once, give the
    // same artifact. Kept per tenant: a fast deploy must not tell a tenant that another one
    // deployed the same code (DESIGN.md §7, no timing path between tenants).
    String sources = tenant + "\0" + CompiledSources.keyOf(files);
    java.util.Optional<Artifact> known = compiled.get(sources);
    if (known.isPresent() && !closed) {
      return new DeployResult.Accepted(store(known.get()));
    }
    DeployResult result = runAllPasses(files);
    if (result instanceof DeployResult.Accepted accepted) {
      compiled.put(sources, accepted.artifact());
    }
    return result;
  }

  private DeployResult runAllPasses(Map<String, String> files) throws IOException, InterruptedException {
    List<Finding> source = checkSource(files);
    if (!source.isEmpty()) {
      return new DeployResult.Refused(source);
    }
    Outcome<Map<String, byte[]>> compiled = compile(files);
    if (compiled.isRefused()) {
      return new DeployResult.Refused(compiled.findings());
    }
    List<Finding> bytecode = verifyBytecode(compiled.value());
    if (!bytecode.isEmpty()) {
      return new DeployResult.Refused(bytecode);
    }
    Outcome<String> entryClass = findEntryClass(compiled.value());
    if (entryClass.isRefused()) {
      return new DeployResult.Refused(entryClass.findings());
    }
    Outcome<Map<String, byte[]>> instrumented = instrument(compiled.value());
    if (instrumented.isRefused()) {
      return new DeployResult.Refused(instrumented.findings());
    }
    verifyInstrumented(instrumented.value());
    Artifact artifact = Artifact.of(entryClass.value(), instrumented.value());
    // verifyInstrumented used the loader's allowlist (Instrumentation.allowlist()) on these bytes.
    verified.add(artifact.hash());
    return new DeployResult.Accepted(store(artifact));
  }

  private List<Finding> checkSource(Map<String, String> files) {
    return sourceRules.check(files);
  }

  private Outcome<Map<String, byte[]>> compile(Map<String, String> files) throws InterruptedException {
    return compiler.compile(files);
  }

  private List<Finding> verifyBytecode(Map<String, byte[]> classes) {
    return verifier.verify(classes);
  }

  private Outcome<String> findEntryClass(Map<String, byte[]> classes) {
    return EntryClassFinder.find(classes);
  }

  private Outcome<Map<String, byte[]>> instrument(Map<String, byte[]> classes) {
    try {
      return Outcome.of(instrumenter.instrument(classes));
    } catch (MethodTooLargeException e) {
      String method = e.getClassName().replace('/', '.') + "." + e.getMethodName();
      return Outcome.refused(List.of(Finding.of("INSTRUMENT-SIZE", "method " + method + " is too large once budget"
          + " checks are added (" + e.getCodeSize() + " bytes of bytecode, at most 65535): split it into smaller methods")));
    }
  }

  /** The instrumenter's own output must pass: a finding here is a defect of the server, not of the tenant. */
  private void verifyInstrumented(Map<String, byte[]> classes) {
    List<Finding> findings = instrumentedVerifier.verify(classes);
    if (!findings.isEmpty()) {
      throw new IllegalStateException("instrumented classes failed verification: " + findings);
    }
  }

  private Artifact store(Artifact artifact) throws IOException {
    store.put(artifact);
    return artifact;
  }

  private static DeployResult internal(String tenant, Throwable failure) {
    LOG.log(System.Logger.Level.ERROR, "deploy of tenant " + tenant + " failed inside the pipeline", failure);
    return new DeployResult.Refused(List.of(
        Finding.of("INTERNAL", "the server could not finish this deploy; nothing was stored")));
  }
}
