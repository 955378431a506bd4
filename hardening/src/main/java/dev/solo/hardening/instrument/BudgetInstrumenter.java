package dev.solo.hardening.instrument;

import dev.solo.hardening.Instrumenter;
import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

/**
 * Adds budget checks to every method of every class of a submission (see {@link MethodRewrite}).
 * The classes must have passed bytecode verification. Stateless and thread-safe.
 */
enum BudgetInstrumenter implements Instrumenter {
  INSTANCE;

  /**
   * {@inheritDoc}
   *
   * @throws org.objectweb.asm.MethodTooLargeException if a method is too large once checks are added
   */
  @Override
  public Map<String, byte[]> instrument(Map<String, byte[]> classes) {
    Map<String, ClassNode> nodes = new HashMap<>();
    Map<String, String> binaryNames = new HashMap<>();
    classes.forEach((binaryName, bytes) -> {
      ClassNode node = new ClassNode();
      new ClassReader(bytes).accept(node, ClassReader.SKIP_FRAMES);
      nodes.put(node.name, node);
      binaryNames.put(node.name, binaryName);
    });
    TenantTypes types = new TenantTypes(nodes);
    Map<String, byte[]> instrumented = new HashMap<>();
    for (ClassNode node : nodes.values()) {
      new ClassRewrite(node, types).run();
      SubmissionClassWriter writer = new SubmissionClassWriter(nodes);
      node.accept(writer);
      instrumented.put(binaryNames.get(node.name), writer.toByteArray());
    }
    return Map.copyOf(instrumented);
  }
}
