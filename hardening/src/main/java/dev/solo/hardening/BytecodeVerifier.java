package dev.solo.hardening;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * The security authority of the sandbox: checks every class file of a submission against the
 * {@link Allowlist} and the verifier's own rules (monitors, native methods, finalizers, catch
 * types, invokedynamic bootstraps, constants, writes to other classes' fields, static
 * initializers, reserved packages, class file version). Stateless and thread-safe.
 */
public final class BytecodeVerifier {

  /** The newest class file major version accepted: Java 17. */
  public static final int MAX_CLASS_VERSION = Opcodes.V17;

  private final Allowlist allowlist;

  /** Creates a verifier that enforces {@code allowlist}. */
  public BytecodeVerifier(Allowlist allowlist) {
    this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
  }

  /**
   * {@return the findings for one submission's classes, empty if every class may run}
   *
   * @param classes binary class name (such as {@code com.acme.Counter$1}) to class file bytes;
   *     references between these classes are always allowed
   */
  public List<Finding> verify(Map<String, byte[]> classes) {
    Set<Finding> findings = new LinkedHashSet<>();
    Map<String, ClassNode> nodes = new TreeMap<>();
    for (Map.Entry<String, byte[]> entry : new TreeMap<>(classes).entrySet()) {
      String internalName = entry.getKey().replace('.', '/');
      ClassNode node = new ClassNode();
      try {
        new ClassReader(entry.getValue()).accept(node, 0);
      } catch (RuntimeException e) {
        findings.add(Finding.of("SBX-MALFORMED", entry.getKey() + " is not a readable class file"));
        continue;
      }
      if (!internalName.equals(node.name)) {
        findings.add(Finding.of("SBX-MALFORMED", "the class file for " + entry.getKey() + " declares " + node.name));
        continue;
      }
      int slash = internalName.lastIndexOf('/');
      String packageName = slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
      String reserved = SourceRules.reservedPackage(packageName);
      if (reserved != null) {
        // Not trusted as the submission's own: its references to the real java.* classes stay checked.
        findings.add(Finding.of("SBX-RESERVED-PACKAGE", node.sourceFile == null ? "" : node.sourceFile, 0, 0,
            "class " + entry.getKey() + " is not allowed: " + reserved + " and its subpackages are reserved"));
        continue;
      }
      nodes.put(internalName, node);
    }
    Resolver resolver = new Resolver(allowlist, nodes);
    for (ClassNode node : nodes.values()) {
      new ClassCheck(node, resolver, findings).run();
      new StaticInitializerCheck(node, resolver, findings).run();
    }
    return findings.stream()
        .sorted(Comparator.comparing(Finding::file).thenComparingInt(Finding::line))
        .toList();
  }
}
