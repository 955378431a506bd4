package dev.solo.deploy;

import dev.solo.hardening.Finding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * The entry class pass: a submission has exactly one top-level public, concrete class that
 * implements {@code dev.solo.api.Service} (directly or through its own supertypes) and has a
 * public no-argument constructor.
 */
final class EntryClassFinder {
  private static final String SERVICE = "dev/solo/api/Service";
  private static final String RULE = "DEPLOY-ENTRY";
  private static final String WANTED =
      "one public top-level class that implements dev.solo.api.Service, with a public no-argument constructor";

  private EntryClassFinder() {}

  /** {@return the binary name of the entry class, or a finding that says what was found instead} */
  static Outcome<String> find(Map<String, byte[]> classes) {
    Map<String, ClassNode> nodes = new TreeMap<>();
    classes.forEach((name, bytes) -> {
      ClassNode node = new ClassNode();
      new ClassReader(bytes).accept(node, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
      nodes.put(node.name, node);
    });
    List<ClassNode> services = new ArrayList<>();
    List<ClassNode> usable = new ArrayList<>();
    for (ClassNode node : nodes.values()) {
      if (node.nestHostClass == null && (node.access & Opcodes.ACC_INTERFACE) == 0 && implementsService(node, nodes)) {
        services.add(node);
        if (problems(node).isEmpty()) {
          usable.add(node);
        }
      }
    }
    if (usable.size() == 1) {
      return Outcome.of(binaryName(usable.get(0)));
    }
    if (usable.size() > 1) {
      List<String> names = usable.stream().map(EntryClassFinder::binaryName).toList();
      return refused(Finding.of(RULE, usable.size() + " classes can be the service (" + String.join(", ", names)
          + "): a submission has exactly " + WANTED));
    }
    if (!services.isEmpty()) {
      ClassNode first = services.get(0);
      return refused(Finding.of(RULE, first.sourceFile == null ? "" : first.sourceFile, 0, 0,
          binaryName(first) + " implements dev.solo.api.Service but " + String.join(" and ", problems(first))
              + ": the service class must be " + WANTED));
    }
    return refused(Finding.of(RULE, "no class implements dev.solo.api.Service: declare " + WANTED));
  }

  private static boolean implementsService(ClassNode node, Map<String, ClassNode> nodes) {
    Deque<String> queue = new ArrayDeque<>(List.of(node.name));
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      String type = queue.removeFirst();
      if (type.equals(SERVICE)) {
        return true;
      }
      ClassNode tenantType = nodes.get(type);
      if (tenantType != null && seen.add(type)) {
        if (tenantType.superName != null) {
          queue.add(tenantType.superName);
        }
        queue.addAll(tenantType.interfaces);
      }
    }
    return false;
  }

  private static List<String> problems(ClassNode node) {
    List<String> problems = new ArrayList<>();
    if ((node.access & Opcodes.ACC_PUBLIC) == 0) {
      problems.add("is not public");
    }
    if ((node.access & Opcodes.ACC_ABSTRACT) != 0) {
      problems.add("is abstract");
    }
    boolean constructor = node.methods.stream().anyMatch(method ->
        method.name.equals("<init>") && method.desc.equals("()V") && (method.access & Opcodes.ACC_PUBLIC) != 0);
    if (!constructor) {
      problems.add("has no public no-argument constructor");
    }
    return problems;
  }

  private static String binaryName(ClassNode node) {
    return node.name.replace('/', '.');
  }

  private static Outcome<String> refused(Finding finding) {
    return Outcome.refused(List.of(finding));
  }
}
