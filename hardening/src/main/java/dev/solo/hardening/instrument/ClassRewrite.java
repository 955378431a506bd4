package dev.solo.hardening.instrument;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Adds budget checks to one class: first a bridge method for every method reference to a JDK
 * call of {@link CallRewrites} ({@code String::repeat} would otherwise reach the JDK without a
 * check), then a {@link MethodRewrite} of every method, bridges and lambda bodies included.
 */
final class ClassRewrite {
  private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
  private static final String BRIDGE_PREFIX = "budget$bridge$";

  private final ClassNode node;
  private final TenantTypes types;
  private final Map<Handle, Handle> bridges = new HashMap<>();
  private final Set<String> names = new HashSet<>();

  ClassRewrite(ClassNode node, TenantTypes types) {
    this.node = node;
    this.types = types;
  }

  void run() {
    node.methods.forEach(method -> names.add(method.name));
    for (MethodNode method : new ArrayList<>(node.methods)) {
      for (AbstractInsnNode insn : method.instructions) {
        if (insn instanceof InvokeDynamicInsnNode indy && indy.bsm.getOwner().equals(LAMBDA_METAFACTORY)) {
          for (int i = 0; i < indy.bsmArgs.length; i++) {
            if (indy.bsmArgs[i] instanceof Handle handle && rewritten(handle)) {
              indy.bsmArgs[i] = bridges.computeIfAbsent(handle, this::bridge);
            }
          }
        }
      }
    }
    for (MethodNode method : node.methods) {
      new MethodRewrite(method, types).run();
    }
  }

  private boolean rewritten(Handle handle) {
    return switch (handle.getTag()) {
      case Opcodes.H_INVOKEVIRTUAL, Opcodes.H_INVOKEINTERFACE, Opcodes.H_INVOKESTATIC ->
          types.replacement(handle.getOwner(), handle.getName(), handle.getDesc()) != null;
      case Opcodes.H_NEWINVOKESPECIAL -> CallRewrites.JDK.capacity(handle.getOwner(), handle.getDesc()) != null;
      default -> false;
    };
  }

  /** {@return a handle to a new private static method of this class that makes the call {@code handle} makes} */
  private Handle bridge(Handle handle) {
    Type target = Type.getMethodType(handle.getDesc());
    List<Type> parameters = new ArrayList<>();
    Type result = target.getReturnType();
    if (handle.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
      result = Type.getObjectType(handle.getOwner());
    } else if (handle.getTag() != Opcodes.H_INVOKESTATIC) {
      parameters.add(Type.getObjectType(handle.getOwner()));
    }
    parameters.addAll(List.of(target.getArgumentTypes()));
    String descriptor = Type.getMethodDescriptor(result, parameters.toArray(Type[]::new));
    String name = BRIDGE_PREFIX + bridges.size();
    while (!names.add(name)) {
      name = name + "$";
    }
    MethodNode bridge = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
        name, descriptor, null, null);
    InsnList code = bridge.instructions;
    if (handle.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
      code.add(new TypeInsnNode(Opcodes.NEW, handle.getOwner()));
      code.add(new InsnNode(Opcodes.DUP));
    }
    int local = 0;
    for (Type parameter : parameters) {
      code.add(new VarInsnNode(parameter.getOpcode(Opcodes.ILOAD), local));
      local += parameter.getSize();
    }
    code.add(new MethodInsnNode(opcode(handle.getTag()), handle.getOwner(), handle.getName(), handle.getDesc(),
        handle.isInterface()));
    code.add(new InsnNode(result.getOpcode(Opcodes.IRETURN)));
    bridge.maxLocals = local;
    node.methods.add(bridge);
    boolean isInterface = (node.access & Opcodes.ACC_INTERFACE) != 0;
    return new Handle(Opcodes.H_INVOKESTATIC, node.name, name, descriptor, isInterface);
  }

  private static int opcode(int tag) {
    return switch (tag) {
      case Opcodes.H_INVOKEVIRTUAL -> Opcodes.INVOKEVIRTUAL;
      case Opcodes.H_INVOKEINTERFACE -> Opcodes.INVOKEINTERFACE;
      case Opcodes.H_INVOKESTATIC -> Opcodes.INVOKESTATIC;
      default -> Opcodes.INVOKESPECIAL;
    };
  }
}
