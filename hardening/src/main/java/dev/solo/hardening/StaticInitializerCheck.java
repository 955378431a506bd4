package dev.solo.hardening;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * The static initializer pass (rule {@code SBX-CLINIT}): a {@code <clinit>} may only set up
 * constants. Precisely, its code and the code of every method of the submission that it calls,
 * directly or through other such methods, must be straight-line:
 * <ul>
 *   <li>no jump or switch to an earlier instruction, and no exception handler placed before the
 *       end of the code it covers (which could run it again): so no loop;
 *   <li>no call, through the submission's own classes, that leads back into a method already
 *       running: so no recursion.
 * </ul>
 * Everything else is judged by the other rules like anywhere: allowlisted JDK calls (List.of,
 * new HashMap, Integer.valueOf), allocation, lambdas (invokedynamic only creates them), field
 * writes to the submission's own classes, forward branches ({@code ?:}), try/catch/finally.
 * This admits what javac makes of enums (constructor calls and {@code $values()}), of its
 * {@code $SwitchMap} classes, of records, and of {@code static final} fields set from plain
 * expressions or constructors, while a static initializer that loops or recurses, directly or
 * in what it calls, is refused.
 *
 * <p>What it does not see: a JDK method that the initializer calls may call back into tenant code
 * (a key's {@code hashCode} inside {@code HashMap.put}, a lambda inside {@code forEach}). That
 * code runs under the same budget instrumentation as any tenant code. A call whose owner is a
 * JDK type is never followed, so a tenant method of the same name elsewhere cannot make a
 * harmless initializer fail.
 */
final class StaticInitializerCheck {
  private static final String SUFFIX = "static initializers may only set up constants";

  private final ClassNode node;
  private final Resolver resolver;
  private final Set<Finding> findings;
  private final String file;
  /** Methods already judged: null when straight-line, else why not. */
  private final Map<MethodNode, String> verdicts = new HashMap<>();
  private final Set<MethodNode> running = new HashSet<>();

  StaticInitializerCheck(ClassNode node, Resolver resolver, Set<Finding> findings) {
    this.node = node;
    this.resolver = resolver;
    this.findings = findings;
    this.file = node.sourceFile == null ? "" : node.sourceFile;
  }

  void run() {
    for (MethodNode method : node.methods) {
      if (method.name.equals("<clinit>")) {
        initializer(method);
      }
    }
  }

  private void initializer(MethodNode clinit) {
    int line = 0;
    for (AbstractInsnNode insn = clinit.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (insn instanceof LineNumberNode number) {
        line = number.line;
      } else if (jumpsBack(clinit.instructions, insn)) {
        add(line, "a loop is not allowed in a static initializer: " + SUFFIX);
        break;
      } else if (insn instanceof MethodInsnNode call) {
        for (MethodNode target : targets(call)) {
          String problem = problem(owner(target), target);
          if (problem != null) {
            add(line, "calling " + shown(call.owner, call.name, call.desc) + " is not allowed in a static initializer: "
                + problem + "; " + SUFFIX);
            break;
          }
        }
      }
    }
    int handlerLine = backwardHandlerLine(clinit);
    if (handlerLine >= 0) {
      add(handlerLine, "a loop is not allowed in a static initializer: " + SUFFIX);
    }
  }

  /** {@return why {@code method} is not straight-line, naming where, or null if it is} */
  private String problem(String owner, MethodNode method) {
    if (verdicts.containsKey(method)) {
      return verdicts.get(method);
    }
    running.add(method);
    String problem = null;
    int line = 0;
    AbstractInsnNode insn = method.instructions.getFirst();
    for (; insn != null && problem == null; insn = insn.getNext()) {
      if (insn instanceof LineNumberNode number) {
        line = number.line;
      } else if (jumpsBack(method.instructions, insn)) {
        problem = shown(owner, method) + " runs a loop (line " + line + ")";
      } else if (insn instanceof MethodInsnNode call) {
        for (MethodNode target : targets(call)) {
          problem = running.contains(target)
              ? shown(owner, method) + " calls " + shown(owner(target), target) + " recursively (line " + line + ")"
              : problem(owner(target), target);
          if (problem != null) {
            break;
          }
        }
      }
    }
    if (problem == null && backwardHandlerLine(method) >= 0) {
      problem = shown(owner, method) + " runs a loop (line " + backwardHandlerLine(method) + ")";
    }
    running.remove(method);
    verdicts.put(method, problem);
    return problem;
  }

  /**
   * {@return the methods of the submission that this call may run}: the declaration it resolves
   * to in the owner or a tenant supertype, and for a virtual call every override in a tenant
   * subtype. Empty for calls to JDK classes.
   */
  private List<MethodNode> targets(MethodInsnNode call) {
    if (!resolver.isTenant(call.owner)) {
      return List.of();
    }
    boolean virtual = call.getOpcode() == Opcodes.INVOKEVIRTUAL || call.getOpcode() == Opcodes.INVOKEINTERFACE;
    List<MethodNode> targets = new ArrayList<>();
    for (ClassNode type : resolver.tenantClasses()) {
      boolean related = resolver.isTenantSubtype(call.owner, type.name)
          || virtual && resolver.isTenantSubtype(type.name, call.owner);
      if (!related) {
        continue;
      }
      for (MethodNode method : type.methods) {
        if (method.name.equals(call.name) && method.desc.equals(call.desc) && method.instructions.size() > 0) {
          targets.add(method);
        }
      }
    }
    return targets;
  }

  private String owner(MethodNode method) {
    for (ClassNode type : resolver.tenantClasses()) {
      if (type.methods.contains(method)) {
        return type.name;
      }
    }
    return node.name;
  }

  private static boolean jumpsBack(InsnList instructions, AbstractInsnNode insn) {
    int at = instructions.indexOf(insn);
    if (insn instanceof JumpInsnNode jump) {
      return instructions.indexOf(jump.label) <= at;
    }
    List<LabelNode> labels = new ArrayList<>();
    if (insn instanceof TableSwitchInsnNode table) {
      labels.addAll(table.labels);
      labels.add(table.dflt);
    } else if (insn instanceof LookupSwitchInsnNode lookup) {
      labels.addAll(lookup.labels);
      labels.add(lookup.dflt);
    }
    return labels.stream().anyMatch(label -> instructions.indexOf(label) <= at);
  }

  /** {@return the line of a handler that starts before the end of the code it covers, or -1} */
  private static int backwardHandlerLine(MethodNode method) {
    for (TryCatchBlockNode handler : method.tryCatchBlocks) {
      if (method.instructions.indexOf(handler.handler) < method.instructions.indexOf(handler.end)) {
        return ClassCheck.handlerLine(handler.handler);
      }
    }
    return -1;
  }

  private void add(int line, String message) {
    findings.add(Finding.of("SBX-CLINIT", file, line, 0, message));
  }

  private static String shown(String owner, MethodNode method) {
    return shown(owner, method.name, method.desc);
  }

  private static String shown(String owner, String name, String descriptor) {
    StringJoiner joiner = new StringJoiner(", ", "(", ")");
    for (Type argument : Type.getArgumentTypes(descriptor)) {
      joiner.add(argument.getClassName());
    }
    String type = Type.getObjectType(owner).getClassName();
    return name.equals("<init>") ? "new " + type + joiner : type + "." + name + joiner;
  }
}
