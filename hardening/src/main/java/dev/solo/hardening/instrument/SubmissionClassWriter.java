package dev.solo.hardening.instrument;

import dev.solo.api.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * Writes one instrumented class with stack map frames computed from scratch. The common
 * superclass of two types is found from the submission's own class files for its classes, and
 * by loading (without initializing) JDK and service API classes: a name chosen by the tenant is
 * never looked up in the host's class path.
 */
final class SubmissionClassWriter extends ClassWriter {
  private static final String OBJECT = "java/lang/Object";

  private final Map<String, ClassNode> submission;

  SubmissionClassWriter(Map<String, ClassNode> submission) {
    super(COMPUTE_FRAMES);
    this.submission = submission;
  }

  @Override
  protected String getCommonSuperClass(String type1, String type2) {
    if (type1.equals(type2)) {
      return type1;
    }
    if (isInterface(type1) || isInterface(type2)) {
      return OBJECT;
    }
    Set<String> ancestors2 = new HashSet<>(superclasses(type2));
    for (String ancestor : superclasses(type1)) {
      if (ancestors2.contains(ancestor)) {
        return ancestor;
      }
    }
    return OBJECT;
  }

  /** {@return the type and its superclasses, ending with java/lang/Object} */
  private List<String> superclasses(String type) {
    List<String> chain = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String current = type;
    while (current != null && seen.add(current)) {
      chain.add(current);
      ClassNode node = submission.get(current);
      if (node != null) {
        current = node.superName;
      } else {
        Class<?> loaded = load(current);
        Class<?> superclass = loaded == null ? null : loaded.getSuperclass();
        current = superclass == null ? null : superclass.getName().replace('.', '/');
      }
    }
    if (!chain.get(chain.size() - 1).equals(OBJECT)) {
      chain.add(OBJECT);
    }
    return chain;
  }

  private boolean isInterface(String type) {
    ClassNode node = submission.get(type);
    if (node != null) {
      return (node.access & Opcodes.ACC_INTERFACE) != 0;
    }
    Class<?> loaded = load(type);
    return loaded != null && loaded.isInterface();
  }

  /** {@return a JDK or service API class, not initialized, or null for any other name} */
  private static Class<?> load(String internalName) {
    ClassLoader loader = internalName.startsWith("dev/solo/api/")
        ? Service.class.getClassLoader()
        : ClassLoader.getPlatformClassLoader();
    try {
      return Class.forName(internalName.replace('/', '.'), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
