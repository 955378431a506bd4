package dev.solo.hardening;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.RecordComponentNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;

/** The bytecode verification pass over one class file: every rule, every reference. */
final class ClassCheck {
  private final ClassNode node;
  private final Resolver resolver;
  private final Set<Finding> findings;
  private final String file;
  /** Classes already reported at a line, so {@code new File(..)} is one finding, not two. */
  private final Set<String> reportedClasses = new HashSet<>();

  ClassCheck(ClassNode node, Resolver resolver, Set<Finding> findings) {
    this.node = node;
    this.resolver = resolver;
    this.findings = findings;
    this.file = node.sourceFile == null ? "" : node.sourceFile;
  }

  void run() {
    int major = node.version & 0xFFFF;
    int minor = node.version >>> 16;
    if (major > BytecodeVerifier.MAX_CLASS_VERSION || minor != 0) {
      add("SBX-VERSION", 0, "class file version " + major + "." + minor
          + " is not allowed: the highest is " + BytecodeVerifier.MAX_CLASS_VERSION + ".0 (Java 17)");
    }
    if (node.superName != null) {
      type(node.superName, 0);
    }
    node.interfaces.forEach(name -> type(name, 0));
    annotations(0, node.visibleAnnotations, node.invisibleAnnotations,
        node.visibleTypeAnnotations, node.invisibleTypeAnnotations);
    for (FieldNode field : node.fields) {
      type(Type.getType(field.desc), 0);
      annotations(0, field.visibleAnnotations, field.invisibleAnnotations,
          field.visibleTypeAnnotations, field.invisibleTypeAnnotations);
    }
    if (node.recordComponents != null) {
      for (RecordComponentNode component : node.recordComponents) {
        type(Type.getType(component.descriptor), 0);
        annotations(0, component.visibleAnnotations, component.invisibleAnnotations,
            component.visibleTypeAnnotations, component.invisibleTypeAnnotations);
      }
    }
    node.methods.forEach(this::method);
  }

  private void method(MethodNode method) {
    int first = firstLine(method);
    String shown = method.name + parameters(method.desc);
    if ((method.access & Opcodes.ACC_NATIVE) != 0) {
      add("SBX-NATIVE", first, "native method " + shown + " is not allowed: tenant code runs only as bytecode");
    }
    if ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
      add("SBX-MONITOR", first, "synchronized method " + shown
          + " is not allowed: monitors can be held on objects shared with other tenants");
    }
    if (method.name.equals("finalize") && method.desc.equals("()V")) {
      add("SBX-FINALIZE", first, "finalize() is not allowed: it would run on a JVM thread outside any budget");
    }
    Type methodType = Type.getMethodType(method.desc);
    type(methodType.getReturnType(), first);
    for (Type argument : methodType.getArgumentTypes()) {
      type(argument, first);
    }
    if (method.exceptions != null) {
      method.exceptions.forEach(name -> type(name, first));
    }
    annotations(first, method.visibleAnnotations, method.invisibleAnnotations,
        method.visibleTypeAnnotations, method.invisibleTypeAnnotations);
    parameterAnnotations(first, method.visibleParameterAnnotations);
    parameterAnnotations(first, method.invisibleParameterAnnotations);
    annotations(first, method.visibleLocalVariableAnnotations, method.invisibleLocalVariableAnnotations);
    if (method.annotationDefault != null) {
      annotationValue(method.annotationDefault, first);
    }
    for (TryCatchBlockNode handler : method.tryCatchBlocks) {
      catchType(method, handler);
      annotations(handlerLine(handler.handler), handler.visibleTypeAnnotations, handler.invisibleTypeAnnotations);
    }
    int line = 0;
    boolean monitorReported = false;
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      int opcode = insn.getOpcode();
      if (insn instanceof LineNumberNode number) {
        line = number.line;
      } else if (opcode == Opcodes.MONITORENTER || opcode == Opcodes.MONITOREXIT && !monitorReported) {
        // javac pairs each monitorenter with monitorexits on other lines: those would repeat the finding.
        monitorReported = true;
        add("SBX-MONITOR", line,
            "synchronized is not allowed: monitors can be held on objects shared with other tenants");
      } else {
        instruction(insn, line);
      }
      annotations(line, insn.visibleTypeAnnotations, insn.invisibleTypeAnnotations);
    }
  }

  private void instruction(AbstractInsnNode insn, int line) {
    if (insn instanceof MethodInsnNode call) {
      member("SBX-MEMBER", "", call.owner, call.name, call.desc, line);
    } else if (insn instanceof FieldInsnNode field) {
      boolean allowed = member("SBX-MEMBER", "", field.owner, field.name, field.desc, line);
      boolean write = field.getOpcode() == Opcodes.PUTSTATIC || field.getOpcode() == Opcodes.PUTFIELD;
      if (allowed && write) {
        write("", field.owner, field.name, field.desc, line);
      }
    } else if (insn instanceof TypeInsnNode typeInsn) {
      type(typeInsn.desc, line);
    } else if (insn instanceof MultiANewArrayInsnNode array) {
      type(Type.getType(array.desc), line);
    } else if (insn instanceof LdcInsnNode ldc) {
      loadedConstant(ldc.cst, line);
    } else if (insn instanceof InvokeDynamicInsnNode indy) {
      invokeDynamic(indy, line);
    }
  }

  private void invokeDynamic(InvokeDynamicInsnNode indy, int line) {
    Handle bootstrap = indy.bsm;
    if (bootstrap.getOwner().equals(JavacLinkage.LAMBDA_METAFACTORY) && bootstrap.getName().equals("altMetafactory")) {
      add("SBX-INDY", line, "LambdaMetafactory.altMetafactory is not allowed:"
          + " serializable lambdas and lambdas with marker interfaces are not supported");
      return;
    }
    if (!JavacLinkage.BOOTSTRAPS.contains(bootstrap)) {
      add("SBX-INDY", line, "invokedynamic with bootstrap " + display(bootstrap.getOwner()) + "."
          + bootstrap.getName() + " is not allowed: only lambdas, string concatenation and records may use it");
      return;
    }
    type(Type.getMethodType(indy.desc), line);
    for (Object argument : indy.bsmArgs) {
      constant(argument, "SBX-INDY-HANDLE", line);
    }
  }

  /** An {@code ldc} operand: a class literal is a type reference; handles and method types have no source form. */
  private void loadedConstant(Object constant, int line) {
    if (constant instanceof Handle) {
      add("SBX-LDC", line, "loading a method handle constant is not allowed:"
          + " method handles appear only as arguments of the invokedynamic bootstraps javac emits");
    } else if (constant instanceof Type type && type.getSort() == Type.METHOD) {
      add("SBX-LDC", line, "loading a method type constant is not allowed:"
          + " method types appear only as arguments of the invokedynamic bootstraps javac emits");
    } else {
      constant(constant, "SBX-MEMBER", line);
    }
  }

  private void constant(Object constant, String handleRule, int line) {
    if (constant instanceof Type type) {
      type(type, line);
    } else if (constant instanceof Handle handle) {
      boolean allowed =
          member(handleRule, "method reference ", handle.getOwner(), handle.getName(), handle.getDesc(), line);
      boolean write = handle.getTag() == Opcodes.H_PUTFIELD || handle.getTag() == Opcodes.H_PUTSTATIC;
      if (allowed && write) {
        write("method reference ", handle.getOwner(), handle.getName(), handle.getDesc(), line);
      }
    } else if (constant instanceof ConstantDynamic) {
      add("SBX-CONDY", line, "dynamic constants (ldc of a ConstantDynamic) are not allowed");
    }
  }

  /** Refuses a write to a field that the submission's own classes do not declare, however it is listed. */
  private void write(String prefix, String owner, String name, String desc, int line) {
    if (!resolver.isOwnField(owner, name, desc)) {
      add("SBX-MEMBER", line, "writing " + prefix + display(owner) + "." + name
          + " is not allowed: code may only write fields that its own classes declare");
    }
  }

  private void catchType(MethodNode method, TryCatchBlockNode handler) {
    if (handler.type == null) {
      return; // finally: the handler rethrows what it caught
    }
    int line = handlerLine(handler.handler);
    boolean switchMapInitializer = handler.type.equals(JavacLinkage.NO_SUCH_FIELD_ERROR)
        && method.name.equals("<clinit>") && (node.access & Opcodes.ACC_SYNTHETIC) != 0;
    if (switchMapInitializer) {
      return; // javac's $SwitchMap classes guard against enum constants removed after compilation
    }
    boolean catchesErrors = resolver.catchesErrors(handler.type);
    if (!catchesErrors && resolver.forbiddenClass(handler.type) != null) {
      type(handler.type, line);
    } else if (catchesErrors || !resolver.catchesOnlyExceptions(handler.type)) {
      add("SBX-CATCH-ERROR", line, "catching " + display(handler.type)
          + " is not allowed: catch Exception or its subclasses, never Throwable or an Error");
    }
  }

  /** Checks one member reference; {@return whether it is allowed} */
  private boolean member(String rule, String prefix, String owner, String name, String desc, int line) {
    Resolver.Verdict verdict = resolver.member(owner, name, desc);
    String shown = prefix + display(owner) + "." + name + (desc.startsWith("(") ? parameters(desc) : "");
    if (verdict == Resolver.Verdict.CLASS_NOT_ALLOWED) {
      String forbidden = resolver.forbiddenClass(owner);
      if (reportedClasses.add(line + " " + forbidden)) {
        add(rule.equals("SBX-MEMBER") ? "SBX-CLASS" : rule, line,
            shown + " is not allowed: the class " + display(forbidden) + " is not on the allowlist");
      }
    } else if (verdict == Resolver.Verdict.MEMBER_NOT_ALLOWED) {
      add(rule, line, shown + " is not allowed: the member is not on the allowlist");
    }
    return verdict == Resolver.Verdict.ALLOWED;
  }

  private void type(String internalName, int line) {
    type(Type.getObjectType(internalName), line);
  }

  private void type(Type type, int line) {
    if (type.getSort() == Type.METHOD) {
      type(type.getReturnType(), line);
      for (Type argument : type.getArgumentTypes()) {
        type(argument, line);
      }
      return;
    }
    String forbidden = resolver.forbiddenClass(type);
    if (forbidden != null && reportedClasses.add(line + " " + forbidden)) {
      add("SBX-CLASS", line, display(forbidden) + " is not allowed: the class is not on the allowlist");
    }
  }

  @SafeVarargs
  private void annotations(int line, List<? extends AnnotationNode>... lists) {
    for (List<? extends AnnotationNode> list : lists) {
      if (list != null) {
        list.forEach(annotation -> annotation(annotation, line));
      }
    }
  }

  private void annotation(AnnotationNode annotation, int line) {
    type(Type.getType(annotation.desc), line);
    if (annotation.values != null) {
      for (int i = 1; i < annotation.values.size(); i += 2) {
        annotationValue(annotation.values.get(i), line);
      }
    }
  }

  private void annotationValue(Object value, int line) {
    if (value instanceof Type type) {
      type(type, line);
    } else if (value instanceof String[] enumConstant) {
      type(Type.getType(enumConstant[0]), line);
    } else if (value instanceof AnnotationNode nested) {
      annotation(nested, line);
    } else if (value instanceof List<?> values) {
      values.forEach(element -> annotationValue(element, line));
    }
  }

  private void add(String rule, int line, String message) {
    findings.add(Finding.of(rule, file, line, 0, message));
  }

  private static int firstLine(MethodNode method) {
    for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
      if (insn instanceof LineNumberNode number) {
        return number.line;
      }
    }
    return 0;
  }

  /** The line of a handler: the line entry right after its label, else the last one before it. */
  static int handlerLine(LabelNode label) {
    for (AbstractInsnNode insn = label; insn != null; insn = insn.getNext()) {
      if (insn instanceof LineNumberNode number) {
        return number.line;
      }
      if (insn.getOpcode() >= 0) {
        break;
      }
    }
    for (AbstractInsnNode insn = label; insn != null; insn = insn.getPrevious()) {
      if (insn instanceof LineNumberNode number) {
        return number.line;
      }
    }
    return 0;
  }

  private void parameterAnnotations(int line, List<AnnotationNode>[] parameters) {
    if (parameters != null) {
      for (List<AnnotationNode> parameter : parameters) {
        annotations(line, parameter);
      }
    }
  }

  private static String display(String internalName) {
    return Type.getObjectType(internalName).getClassName();
  }

  private static String parameters(String methodDescriptor) {
    StringJoiner joiner = new StringJoiner(", ", "(", ")");
    for (Type argument : Type.getArgumentTypes(methodDescriptor)) {
      joiner.add(argument.getClassName());
    }
    return joiner.toString();
  }
}
