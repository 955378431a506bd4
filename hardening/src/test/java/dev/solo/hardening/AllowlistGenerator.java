package dev.solo.hardening;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.objectweb.asm.Type;

/**
 * A dev-time aid for reviewing {@code allowlist.txt}, not part of the build's checks: prints the
 * public and protected members that a class declares, one line each in the allowlist's format.
 * A member whose name or descriptor touches something the sandbox keeps away from tenant code
 * (reflection, class loaders, threads, I/O, locales, clocks, parallelism...) is printed
 * commented out with the reason, so a reviewer starts from "refused" for it. The output is a
 * starting point: the committed file is what a person reviewed, with a comment per class.
 *
 * <p>Run it from {@code hardening/} after {@code mvn test-compile}:
 * <pre>{@code java -cp target/test-classes:target/classes:$ASM_JAR dev.solo.hardening.AllowlistGenerator java.util.Optional}</pre>
 */
final class AllowlistGenerator {
  /** Types a member may not take or return without a reviewer deciding otherwise. */
  private static final Pattern SUSPICIOUS_TYPE = Pattern.compile("L(java/lang/(Class|ClassLoader|Thread|ThreadGroup"
      + "|Runnable|Module|ModuleLayer|Process|ProcessBuilder|Runtime|System|StringBuffer|StackWalker|SecurityManager"
      + "|reflect/[^;]+|invoke/[^;]+|ref/[^;]+|constant/[^;]+)|java/io/[^;]+|java/nio/(file|channels)/[^;]+|java/net/[^;]+"
      + "|java/util/(Locale|Random|Spliterator[^;]*|Formatter|Scanner|Enumeration|Timer|concurrent/[^;]+)"
      + "|java/time/(Clock|zone/[^;]+|format/TextStyle|format/FormatStyle|format/ResolverStyle|format/DecimalStyle)"
      + "|java/text/[^;]+|java/security/[^;]+);");
  /** Members that read global state, run work elsewhere, or share objects between tenants, as {@code owner#name}. */
  private static final Pattern SUSPICIOUS_MEMBER = Pattern.compile(
      "java/lang/String#(intern|format|formatted)|java/lang/Integer#getInteger|java/lang/Long#getLong"
          + "|java/lang/Boolean#getBoolean|java/lang/(Strict)?Math#random|java/util/Collections#shuffle"
          + "|.*#(parallel.*|spliterator|now|wait|notify|notifyAll|finalize|getClass|getDeclaringClass|printStackTrace"
          + "|getStackTrace|setStackTrace|fillInStackTrace|describeConstable|resolveConstantDesc|setDefault"
          + "|systemDefault|getDefault|synchronized.*|checked.*)");

  private AllowlistGenerator() {}

  public static void main(String[] args) throws ClassNotFoundException {
    for (String name : args) {
      Class<?> type = Class.forName(name, false, ClassLoader.getPlatformClassLoader());
      System.out.println("# ---- " + type.getName() + " ----");
      lines(type).forEach(System.out::println);
    }
  }

  /** {@return the allowlist lines for the members {@code type} declares, suspicious ones commented out} */
  static List<String> lines(Class<?> type) {
    String owner = Type.getInternalName(type);
    List<String> lines = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      if (visible(field.getModifiers()) && !field.isSynthetic()) {
        String entry = line(owner, field.getName(), ":" + Type.getDescriptor(field.getType()));
        lines.add(field.isAnnotationPresent(Deprecated.class) ? "#- (deprecated) " + entry : entry);
      }
    }
    List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
    executables.addAll(List.of(type.getDeclaredMethods()));
    // Public methods inherited from a class that is not public (StringBuilder's length() from
    // AbstractStringBuilder) can only be listed on the public class.
    for (Method method : type.getMethods()) {
      if (method.getDeclaringClass() != type && !Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
        executables.add(method);
      }
    }
    for (Executable executable : executables) {
      if (!visible(executable.getModifiers()) || executable instanceof Method method && isCovariantBridge(method)) {
        continue;
      }
      String descriptor = executable instanceof Method method
          ? Type.getMethodDescriptor(method)
          : Type.getConstructorDescriptor((Constructor<?>) executable);
      String name = executable instanceof Method ? executable.getName() : "<init>";
      String deprecated = executable.isAnnotationPresent(Deprecated.class) ? "deprecated" : null;
      lines.add(deprecated != null ? "#- (" + deprecated + ") " + owner + "#" + name + descriptor
          : line(owner, name, descriptor));
    }
    lines.sort(Comparator.comparing((String line) -> line.replaceFirst("^#- \\([^)]*\\) ", "")));
    return lines;
  }

  /**
   * {@return whether this is a bridge javac made for a covariant return or erasure} Those have a
   * sibling with the same name and arity that is not a bridge; the bridges javac makes so that a
   * public class re-exports the public methods of a non-public superclass have none.
   */
  private static boolean isCovariantBridge(Method method) {
    if (!method.isBridge() && !method.isSynthetic()) {
      return false;
    }
    for (Method other : method.getDeclaringClass().getDeclaredMethods()) {
      if (!other.isBridge() && !other.isSynthetic() && other.getName().equals(method.getName())
          && other.getParameterCount() == method.getParameterCount()) {
        return true;
      }
    }
    return method.isSynthetic() && !method.isBridge();
  }

  private static String line(String owner, String name, String descriptor) {
    String entry = owner + "#" + name + descriptor;
    if (SUSPICIOUS_MEMBER.matcher(owner + "#" + name).matches()) {
      return "#- (name) " + entry;
    }
    if (SUSPICIOUS_TYPE.matcher(descriptor).find()) {
      return "#- (type) " + entry;
    }
    return entry;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }
}
