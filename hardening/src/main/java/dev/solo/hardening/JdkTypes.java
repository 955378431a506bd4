package dev.solo.hardening;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Type;

/**
 * Questions about JDK and service API classes (subtypes, where a member is declared), answered
 * by loading them without initialization. JDK names are loaded through the platform class
 * loader, so a name chosen by tenant code can never make the host load one of its own classes.
 */
final class JdkTypes {
  private static final String SERVICE_API = "dev/solo/api/";

  /** The members each class declares, member key ({@link Allowlist#key}) to modifiers. */
  private static final ClassValue<Map<String, Integer>> DECLARED = new ClassValue<>() {
    @Override
    protected Map<String, Integer> computeValue(Class<?> type) {
      Map<String, Integer> declared = new HashMap<>();
      for (Field field : type.getDeclaredFields()) {
        declared.put(Allowlist.key(field.getName(), Type.getDescriptor(field.getType())), field.getModifiers());
      }
      for (Method method : type.getDeclaredMethods()) {
        declared.merge(Allowlist.key(method.getName(), Type.getMethodDescriptor(method)), method.getModifiers(),
            (first, second) -> Modifier.isStatic(first) ? first : second);
      }
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        declared.put(Allowlist.key("<init>", Type.getConstructorDescriptor(constructor)), constructor.getModifiers());
      }
      return Map.copyOf(declared);
    }
  };

  /** A class that declares a member, and whether the member is static. */
  record Declaration(String owner, boolean isStatic) {}

  private JdkTypes() {}

  /**
   * {@return whether {@code type} is {@code supertype} or a subtype of it}, or {@code unknown}
   * when either cannot be loaded
   */
  static boolean isSubtype(String type, String supertype, boolean unknown) {
    if (type.equals(supertype) || supertype.equals("java/lang/Object")) {
      return true;
    }
    try {
      return load(supertype).isAssignableFrom(load(type));
    } catch (ClassNotFoundException | LinkageError e) {
      return unknown;
    }
  }

  /**
   * {@return the classes that declare this member and that a reference through {@code owner}
   * can reach, in the order the JVM resolves it}: for a method the owner and its superclasses,
   * then (for an interface owner) Object, then every superinterface; for a field the owner, its
   * superinterfaces, then its superclass, recursively. Private members of supertypes and static
   * methods of superinterfaces are not inherited, so they are not returned. Empty when the owner
   * cannot be loaded.
   */
  static List<Declaration> declarations(String owner, String name, String descriptor) {
    try {
      return declarations(load(owner), Allowlist.key(name, descriptor));
    } catch (ClassNotFoundException | LinkageError e) {
      return List.of();
    }
  }

  private static List<Declaration> declarations(Class<?> type, String key) {
    List<Declaration> found = new ArrayList<>();
    if (key.contains("(")) {
      for (Class<?> current = type; current != null; current = current.getSuperclass()) {
        add(found, current, type, key);
      }
      if (type.isInterface()) {
        add(found, Object.class, type, key);
      }
      for (Class<?> superinterface : superinterfaces(type)) {
        add(found, superinterface, type, key);
      }
    } else {
      fieldDeclarations(type, type, key, found, new HashSet<>());
    }
    return found;
  }

  private static void fieldDeclarations(Class<?> type, Class<?> owner, String key, List<Declaration> found,
      Set<Class<?>> seen) {
    if (type == null || !seen.add(type)) {
      return;
    }
    add(found, type, owner, key);
    for (Class<?> superinterface : type.getInterfaces()) {
      fieldDeclarations(superinterface, owner, key, found, seen);
    }
    fieldDeclarations(type.getSuperclass(), owner, key, found, seen);
  }

  private static void add(List<Declaration> found, Class<?> type, Class<?> owner, String key) {
    Integer modifiers = DECLARED.get(type).get(key);
    if (modifiers == null || type != owner && Modifier.isPrivate(modifiers)) {
      return;
    }
    boolean isStatic = Modifier.isStatic(modifiers);
    boolean inheritedStaticInterfaceMethod = type != owner && type.isInterface() && isStatic && key.contains("(");
    if (!inheritedStaticInterfaceMethod) {
      found.add(new Declaration(Type.getInternalName(type), isStatic));
    }
  }

  /** Every interface that {@code type} or one of its superclasses implements, nearest first. */
  private static List<Class<?>> superinterfaces(Class<?> type) {
    List<Class<?>> result = new ArrayList<>();
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> queue = new ArrayDeque<>();
    for (Class<?> current = type; current != null; current = current.getSuperclass()) {
      queue.addAll(List.of(current.getInterfaces()));
    }
    while (!queue.isEmpty()) {
      Class<?> next = queue.removeFirst();
      if (seen.add(next)) {
        result.add(next);
        queue.addAll(List.of(next.getInterfaces()));
      }
    }
    return result;
  }

  private static Class<?> load(String internalName) throws ClassNotFoundException {
    ClassLoader loader = internalName.startsWith(SERVICE_API)
        ? JdkTypes.class.getClassLoader()
        : ClassLoader.getPlatformClassLoader();
    return Class.forName(internalName.replace('/', '.'), false, loader);
  }
}
