package dev.solo.hardening;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Decides whether one submission's code may reference a class or member: its own classes always,
 * anything else only through the allowlist. A member reached through a tenant class but declared
 * by a JDK supertype ({@code myList.parallelStream()}, {@code this.wait()}) is judged as a
 * member of that supertype.
 */
final class Resolver {

  /** The outcome of resolving one member reference. */
  enum Verdict { ALLOWED, CLASS_NOT_ALLOWED, MEMBER_NOT_ALLOWED }

  private static final String OBJECT = "java/lang/Object";

  private final Allowlist allowlist;
  private final Map<String, ClassNode> tenant;

  Resolver(Allowlist allowlist, Map<String, ClassNode> tenant) {
    this.allowlist = allowlist;
    this.tenant = tenant;
  }

  boolean isTenant(String internalName) {
    return tenant.containsKey(internalName);
  }

  /** {@return the submission's own classes} */
  Collection<ClassNode> tenantClasses() {
    return tenant.values();
  }

  /** {@return whether {@code type} is {@code supertype} or a subtype of it through the submission's own classes} */
  boolean isTenantSubtype(String type, String supertype) {
    Deque<String> queue = new ArrayDeque<>(List.of(type));
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      String current = queue.removeFirst();
      if (current.equals(supertype)) {
        return true;
      }
      if (seen.add(current) && isTenant(current)) {
        ClassNode node = tenant.get(current);
        if (node.superName != null) {
          queue.addLast(node.superName);
        }
        queue.addAll(node.interfaces);
      }
    }
    return false;
  }

  /** {@return the internal name of the class in this type that may not be named, or null} */
  String forbiddenClass(Type type) {
    Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
    if (element.getSort() != Type.OBJECT) {
      return null;
    }
    String name = element.getInternalName();
    return isTenant(name) || allowlist.allowsClass(name) ? null : name;
  }

  /** {@return the same as {@link #forbiddenClass(Type)}, for an internal name or an array descriptor} */
  String forbiddenClass(String internalName) {
    return forbiddenClass(Type.getObjectType(internalName));
  }

  Verdict member(String owner, String name, String descriptor) {
    if (owner.startsWith("[")) {
      if (forbiddenClass(owner) != null) {
        return Verdict.CLASS_NOT_ALLOWED;
      }
      boolean allowed = name.equals("clone") && descriptor.startsWith("()")
          || allowlist.allowsMember(OBJECT, name, descriptor);
      return allowed ? Verdict.ALLOWED : Verdict.MEMBER_NOT_ALLOWED;
    }
    if (isTenant(owner)) {
      return inheritedMember(owner, name, descriptor);
    }
    if (!allowlist.allowsClass(owner)) {
      return Verdict.CLASS_NOT_ALLOWED;
    }
    return allowlist.allowsMember(owner, name, descriptor) ? Verdict.ALLOWED : Verdict.MEMBER_NOT_ALLOWED;
  }

  /**
   * {@return whether this field, as a reference through {@code owner} finds it, is declared by
   * one of the submission's own classes} A field the JVM would resolve to a JDK class is not.
   */
  boolean isOwnField(String owner, String name, String descriptor) {
    Deque<String> queue = new ArrayDeque<>(List.of(owner));
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      String type = queue.removeFirst();
      if (!seen.add(type) || !isTenant(type)) {
        continue;
      }
      ClassNode node = tenant.get(type);
      if (declares(node, name, descriptor)) {
        return true;
      }
      queue.addAll(node.interfaces);
      if (node.superName != null) {
        queue.addLast(node.superName);
      }
    }
    return false;
  }

  /** {@return whether a catch clause of this type can catch an Error: Throwable, Error or a subclass} */
  boolean catchesErrors(String internalName) {
    String type = jdkAncestor(internalName);
    return type == null || type.equals("java/lang/Throwable") || JdkTypes.isSubtype(type, "java/lang/Error", false);
  }

  /** {@return whether a catch clause of this type catches only exceptions, never errors} */
  boolean catchesOnlyExceptions(String internalName) {
    String type = jdkAncestor(internalName);
    return type != null && allowlist.allowsClass(type) && JdkTypes.isSubtype(type, "java/lang/Exception", false);
  }

  /** {@return the type itself if it is not a tenant class, else its nearest JDK superclass; null on a cycle} */
  private String jdkAncestor(String internalName) {
    String type = internalName;
    Set<String> seen = new HashSet<>();
    while (type != null && isTenant(type)) {
      type = seen.add(type) ? tenant.get(type).superName : null;
    }
    return type;
  }

  private Verdict inheritedMember(String owner, String name, String descriptor) {
    Deque<String> queue = new ArrayDeque<>(List.of(owner));
    Set<String> seen = new HashSet<>();
    List<String> boundary = new ArrayList<>();
    while (!queue.isEmpty()) {
      String type = queue.removeFirst();
      if (!seen.add(type)) {
        continue;
      }
      if (!isTenant(type)) {
        boundary.add(type);
        continue;
      }
      ClassNode node = tenant.get(type);
      if (declares(node, name, descriptor)) {
        return Verdict.ALLOWED;
      }
      if (node.superName != null) {
        queue.addLast(node.superName);
      }
      queue.addAll(node.interfaces);
    }
    for (String type : boundary) {
      if (allowlist.allowsClass(type) && allowlist.allowsMember(type, name, descriptor)) {
        return Verdict.ALLOWED;
      }
    }
    return Verdict.MEMBER_NOT_ALLOWED;
  }

  private static boolean declares(ClassNode node, String name, String descriptor) {
    if (descriptor.startsWith("(")) {
      for (MethodNode method : node.methods) {
        if (method.name.equals(name) && method.desc.equals(descriptor)) {
          return true;
        }
      }
    } else {
      for (FieldNode field : node.fields) {
        if (field.name.equals(name) && field.desc.equals(descriptor)) {
          return true;
        }
      }
    }
    return false;
  }
}
