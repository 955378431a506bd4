package dev.solo.hardening.instrument;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The classes of one submission, to find the {@link CallRewrites} replacement of a call whose
 * owner is a tenant class that inherits the JDK method ({@code class Big extends BigInteger},
 * then {@code big.pow(n)}).
 */
final class TenantTypes {
  private final Map<String, ClassNode> classes;

  TenantTypes(Map<String, ClassNode> classes) {
    this.classes = classes;
  }

  /** {@return the replacement of this call, or null if it has none or a tenant class declares the method} */
  CallRewrites.Replacement replacement(String owner, String name, String descriptor) {
    String type = owner;
    Set<String> seen = new HashSet<>();
    while (classes.containsKey(type)) {
      ClassNode node = classes.get(type);
      if (!seen.add(type) || declares(node, name, descriptor) || node.superName == null) {
        return null;
      }
      type = node.superName;
    }
    return CallRewrites.JDK.replacement(type, name, descriptor);
  }

  private static boolean declares(ClassNode node, String name, String descriptor) {
    for (MethodNode method : node.methods) {
      if (method.name.equals(name) && method.desc.equals(descriptor)) {
        return true;
      }
    }
    return false;
  }
}
