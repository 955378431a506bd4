package dev.solo.deploy;

import dev.solo.api.Service;
import dev.solo.hardening.Allowlist;
import dev.solo.hardening.BytecodeVerifier;
import dev.solo.hardening.Finding;
import dev.solo.hardening.instrument.Instrumentation;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The class loader of one version of one tenant's service. It defines the artifact's classes
 * itself and never asks its parent for those names (child-first and exclusive); any other name
 * is handed to the application class loader only if {@link Instrumentation#allowlist()} (the
 * standard {@link Allowlist} plus the budget checks that instrumented code calls) lets it have
 * it, and is otherwise not found. It serves no resources. The class bytes are verified again,
 * against the same allowlist, when the loader is created. Instrumented code runs only inside a
 * {@link dev.solo.hardening.budget.Meter}.
 */
public final class ServiceClassLoader extends ClassLoader {
  private static final List<String> RESERVED_PACKAGES =
      List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.solo.");

  static {
    registerAsParallelCapable();
  }

  private final String tenant;
  private final int version;
  private final String hash;
  private final String entryClass;
  private final Map<String, byte[]> classes;
  private final Allowlist allowlist = Instrumentation.allowlist();

  /**
   * Creates the loader of {@code artifact} for one version of a tenant's service.
   *
   * @throws ServiceLoadException if a class is in a reserved package or fails verification
   */
  public ServiceClassLoader(String tenant, int version, Artifact artifact) throws ServiceLoadException {
    this(tenant, version, artifact, false);
  }

  /**
   * Creates the loader, as above; {@code verifiedBefore} says that bytes with this artifact's
   * hash (so these very bytes: {@link Artifact} checks its content against its SHA-256) already
   * passed the same verification in this process, which then is not repeated.
   */
  ServiceClassLoader(String tenant, int version, Artifact artifact, boolean verifiedBefore) throws ServiceLoadException {
    super(nameOf(tenant, version), Service.class.getClassLoader());
    this.tenant = tenant;
    this.version = version;
    this.hash = artifact.hash();
    this.entryClass = artifact.entryClass();
    Map<String, byte[]> copy = new HashMap<>();
    artifact.classes().forEach((name, bytes) -> copy.put(name, bytes.clone()));
    for (String name : copy.keySet()) {
      if (RESERVED_PACKAGES.stream().anyMatch(name::startsWith)) {
        throw new ServiceLoadException("artifact " + hash + " cannot be loaded: " + name + " is in a reserved package");
      }
    }
    List<Finding> findings = verifiedBefore ? List.of() : new BytecodeVerifier(allowlist).verify(copy);
    if (!findings.isEmpty()) {
      throw new ServiceLoadException("artifact " + hash + " failed verification: " + findings.get(0));
    }
    this.classes = Map.copyOf(copy);
  }

  /** {@return the tenant whose code this loader defines} */
  public String tenant() {
    return tenant;
  }

  /** {@return the service version this loader defines} */
  public int version() {
    return version;
  }

  /** {@return the hash of the artifact this loader defines} */
  public String hash() {
    return hash;
  }

  /**
   * {@return a new instance of the entry class, made with its public no-argument constructor}
   * This runs tenant code (static initializers and the constructor) on the calling thread, which
   * must have an open {@link dev.solo.hardening.budget.Meter}.
   *
   * @throws ServiceLoadException whatever went wrong, the tenant's own exception as the cause
   */
  public Service newInstance() throws ServiceLoadException {
    try {
      Class<?> type = loadClass(entryClass);
      return (Service) type.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new ServiceLoadException(
          "the constructor of " + entryClass + " threw " + e.getCause().getClass().getName(), e.getCause());
    } catch (Throwable t) {
      throw new ServiceLoadException(
          "an instance of " + entryClass + " could not be created: " + t.getClass().getName(), t);
    }
  }

  /** Defines the artifact's own classes; hands out allowed classes; refuses every other name. */
  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    Objects.requireNonNull(name, "name");
    synchronized (getClassLoadingLock(name)) {
      Class<?> type = findLoadedClass(name);
      if (type == null) {
        byte[] bytes = classes.get(name);
        if (bytes != null) {
          type = defineClass(name, bytes, 0, bytes.length);
        } else if (allowlist.isLoadable(name)) {
          type = getParent().loadClass(name);
        } else {
          throw new ClassNotFoundException(name);
        }
      }
      if (resolve) {
        resolveClass(type);
      }
      return type;
    }
  }

  private static String nameOf(String tenant, int version) {
    return Objects.requireNonNull(tenant, "tenant") + "@v" + version;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    throw new ClassNotFoundException(name);
  }

  /** {@return null: tenant code gets no resources} */
  @Override
  public URL getResource(String name) {
    return null;
  }

  /** {@return no resources} */
  @Override
  public Enumeration<URL> getResources(String name) {
    return Collections.emptyEnumeration();
  }

  /** {@return no resources} */
  @Override
  public Stream<URL> resources(String name) {
    return Stream.empty();
  }

  /** {@return null: tenant code gets no resources} */
  @Override
  public InputStream getResourceAsStream(String name) {
    return null;
  }

  @Override
  protected URL findResource(String name) {
    return null;
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    return Collections.emptyEnumeration();
  }
}
