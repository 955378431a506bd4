package dev.solo.hardening;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes and members tenant bytecode may reference, parsed from a reviewed data file
 * (see {@code allowlist.txt} for the format). A member is listed on the class that declares it
 * and reaches subtypes by JVM resolution (see {@link #allowsMember}). Immutable and thread-safe.
 */
public final class Allowlist {
  private static final String NAME = "[A-Za-z_$][A-Za-z0-9_$]*";
  private static final String CLASS = NAME + "(?:/" + NAME + ")*";
  private static final String FIELD_DESC = "\\[*(?:[ZBCSIJFD]|L" + CLASS + ";)";
  private static final Pattern CLASS_LINE = Pattern.compile(CLASS);
  private static final Pattern PACKAGE_LINE = Pattern.compile("(" + CLASS + ")/\\*");
  private static final Pattern TYPE_LINE = Pattern.compile("(" + CLASS + ")#");
  private static final Pattern MEMBER_LINE = Pattern.compile(
      "(!?)(" + CLASS + ")#(<init>|" + NAME + ")"
          + "((?:\\((?:" + FIELD_DESC + ")*\\)(?:V|" + FIELD_DESC + "))|:" + FIELD_DESC + ")?");

  private final Set<String> classes;
  private final Set<String> packages;
  private final Set<String> types;
  private final Set<String> members;
  private final Set<String> memberClasses;
  private final List<Exclusion> exclusions;

  /** A member refused on a class and its subtypes; a null key means every member of that name. */
  record Exclusion(String owner, String name, String key) {}

  private Allowlist(
      Set<String> classes, Set<String> packages, Set<String> types, Set<String> members, List<Exclusion> exclusions) {
    this.classes = Set.copyOf(classes);
    this.packages = Set.copyOf(packages);
    this.types = Set.copyOf(types);
    this.members = Set.copyOf(members);
    this.exclusions = List.copyOf(exclusions);
    Set<String> owners = new HashSet<>();
    for (String member : members) {
      owners.add(member.substring(0, member.indexOf('#')));
    }
    this.memberClasses = Set.copyOf(owners);
  }

  /** {@return the reviewed allowlist that ships with Solo} */
  public static Allowlist standard() {
    return Standard.INSTANCE;
  }

  /**
   * {@return the allowlist these lines describe}
   *
   * @param source a name for error messages, such as the file name
   * @throws IllegalArgumentException naming the line, if a line is not a valid entry
   */
  public static Allowlist parse(String source, List<String> lines) {
    Set<String> classes = new HashSet<>();
    Set<String> packages = new HashSet<>();
    Set<String> types = new HashSet<>();
    Set<String> members = new HashSet<>();
    List<Exclusion> exclusions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher member = MEMBER_LINE.matcher(line);
      Matcher pkg = PACKAGE_LINE.matcher(line);
      Matcher type = TYPE_LINE.matcher(line);
      if (CLASS_LINE.matcher(line).matches()) {
        classes.add(line);
      } else if (pkg.matches()) {
        packages.add(pkg.group(1));
      } else if (type.matches()) {
        types.add(type.group(1));
      } else if (member.matches() && member.group(1).isEmpty() && member.group(4) != null) {
        members.add(member.group(2) + "#" + key(member.group(3), descriptor(member.group(4))));
      } else if (member.matches() && !member.group(1).isEmpty()) {
        String desc = member.group(4);
        exclusions.add(new Exclusion(
            member.group(2), member.group(3), desc == null ? null : key(member.group(3), descriptor(desc))));
      } else {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": not an allowlist entry: " + line);
      }
    }
    return new Allowlist(classes, packages, types, members, exclusions);
  }

  /**
   * {@return this allowlist with the entries of {@code other} added} (exclusions of either apply)
   * Used to admit the instrumentation runtime in code the instrumenter produced, never in what a
   * tenant submits.
   */
  public Allowlist plus(Allowlist other) {
    Set<String> allClasses = new HashSet<>(classes);
    allClasses.addAll(other.classes);
    Set<String> allPackages = new HashSet<>(packages);
    allPackages.addAll(other.packages);
    Set<String> allTypes = new HashSet<>(types);
    allTypes.addAll(other.types);
    Set<String> allMembers = new HashSet<>(members);
    allMembers.addAll(other.members);
    List<Exclusion> allExclusions = new ArrayList<>(exclusions);
    allExclusions.addAll(other.exclusions);
    return new Allowlist(allClasses, allPackages, allTypes, allMembers, allExclusions);
  }

  /**
   * {@return whether tenant code may name this class at all}: it has a whole-class, package or
   * type entry, or at least one member entry
   *
   * @param internalName a class name such as {@code java/lang/String}
   */
  public boolean allowsClass(String internalName) {
    return isWhole(internalName) || types.contains(internalName) || memberClasses.contains(internalName);
  }

  /**
   * {@return whether tenant code may use this member through this owner} The owner is the class
   * a reference names, which javac makes the static type of the receiver, so a member is allowed
   * when it is listed on the owner, or reached from the owner by JVM resolution:
   * <ul>
   *   <li>an instance method, when a class or interface that declares it and is the owner or one
   *       of its supertypes lists it (the call dispatches to the same override either way);
   *   <li>a static method or a field, when the class the JVM resolves it to lists it;
   *   <li>a constructor, only when it is listed on the owner.
   * </ul>
   * An exclusion on the owner or any of its supertypes refuses the member first.
   *
   * @param owner the class the reference names, such as {@code java/util/List}
   * @param name the member name, such as {@code size} or {@code <init>}
   * @param descriptor a method descriptor such as {@code ()I}, or a field descriptor such as {@code I}
   */
  public boolean allowsMember(String owner, String name, String descriptor) {
    String key = key(name, descriptor);
    for (Exclusion exclusion : exclusions) {
      if (exclusion.name().equals(name) && (exclusion.key() == null || exclusion.key().equals(key))
          && JdkTypes.isSubtype(owner, exclusion.owner(), true)) {
        return false;
      }
    }
    if (isListed(owner, key)) {
      return true;
    }
    if (name.equals("<init>")) {
      return false;
    }
    List<JdkTypes.Declaration> declarations = JdkTypes.declarations(owner, name, descriptor);
    if (declarations.isEmpty()) {
      return false;
    }
    if (declarations.get(0).isStatic()) {
      return isListed(declarations.get(0).owner(), key);
    }
    for (JdkTypes.Declaration declaration : declarations) {
      if (!declaration.isStatic() && isListed(declaration.owner(), key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether a tenant class loader may hand out this class}: an allowed class, or one the
   * JVM needs to link what javac generates (lambda, string concatenation and record bootstraps)
   *
   * @param binaryName a class name such as {@code java.lang.String}
   */
  public boolean isLoadable(String binaryName) {
    if (binaryName.indexOf('/') >= 0) {
      return false;
    }
    String internalName = binaryName.replace('.', '/');
    return allowsClass(internalName) || JavacLinkage.CLASSES.contains(internalName);
  }

  Set<String> classes() {
    return classes;
  }

  Set<String> packages() {
    return packages;
  }

  Set<String> types() {
    return types;
  }

  Set<String> members() {
    return members;
  }

  List<Exclusion> exclusions() {
    return exclusions;
  }

  private boolean isListed(String owner, String key) {
    return isWhole(owner) || members.contains(owner + "#" + key);
  }

  private boolean isWhole(String internalName) {
    return classes.contains(internalName) || packages.contains(packageOf(internalName));
  }

  static String key(String name, String descriptor) {
    return descriptor.startsWith("(") ? name + descriptor : name + ":" + descriptor;
  }

  private static String descriptor(String suffix) {
    return suffix.startsWith(":") ? suffix.substring(1) : suffix;
  }

  private static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash);
  }

  private static final class Standard {
    static final Allowlist INSTANCE = load("allowlist.txt");

    private static Allowlist load(String resource) {
      try (InputStream in = Allowlist.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + resource);
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return parse(resource, reader.lines().toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
