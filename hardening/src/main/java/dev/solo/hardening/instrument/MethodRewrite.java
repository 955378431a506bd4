package dev.solo.hardening.instrument;

import static dev.solo.hardening.instrument.CallRewrites.CHECKS;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.AdviceAdapter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Adds budget checks to one method:
 * <ul>
 *   <li>entry: {@code Checks.enter()}, whose result (the call depth) is kept in a new local;
 *   <li>every exit: {@code Checks.leave(depth)} before each return, and a catch-all around the
 *       body that calls it and rethrows (the catch-all's own code is outside its range; in a
 *       constructor the range starts after the {@code super(..)} or {@code this(..)} call, and
 *       an exception thrown before it is set right by the next handler or exit of a caller,
 *       since each of those sets the depth to its own frame's value rather than counting);
 *   <li>every backward jump and every switch: {@code Checks.tick()} before it;
 *   <li>every exception handler: {@code Checks.handler(depth)} first, and that prologue is taken
 *       out of every try range, so a handler that covers itself (javac's {@code finally}) cannot
 *       catch what its own prologue throws;
 *   <li>array allocations: {@code Checks.arrayLength}/{@code arrayDimensions} before them;
 *   <li>the JDK calls of {@link CallRewrites}: replaced, or their capacity argument checked;
 *       string concatenation: {@code Checks.concatenated} on its result.
 * </ul>
 * A method that calls nothing, allocates no array, has no handler and never jumps backward runs
 * a bounded number of instructions: it gets {@code Checks.tick()} at entry and nothing else.
 */
final class MethodRewrite {
  private static final String STRING_CONCAT_FACTORY = "java/lang/invoke/StringConcatFactory";

  private final MethodNode method;
  private final TenantTypes types;
  private final InsnList code;
  private final int depth;
  private int nextLocal;

  MethodRewrite(MethodNode method, TenantTypes types) {
    this.method = method;
    this.types = types;
    this.code = method.instructions;
    this.depth = method.maxLocals;
    this.nextLocal = depth + 1;
  }

  void run() {
    if (code.size() == 0) {
      return; // abstract or native
    }
    AbstractInsnNode[] original = code.toArray();
    if (isLeaf(original)) {
      code.insert(call("tick", "()V"));
      return;
    }
    boolean constructor = method.name.equals("<init>");
    AbstractInsnNode superCall = constructor ? SuperCallFinder.find(method) : null;
    Map<LabelNode, Integer> positions = new HashMap<>();
    for (int i = 0; i < original.length; i++) {
      if (original[i] instanceof LabelNode label) {
        positions.put(label, i);
      }
    }
    for (int i = 0; i < original.length; i++) {
      rewrite(original[i], i, positions);
    }
    handlerPrologues();

    LabelNode bodyStart = new LabelNode();
    InsnList entry = new InsnList();
    entry.add(call("enter", "()I"));
    entry.add(new VarInsnNode(Opcodes.ISTORE, depth));
    if (!constructor) {
      entry.add(bodyStart);
    } else if (superCall != null) {
      // The verifier lets no handler cover code where `this` is not initialized yet.
      code.insert(superCall, bodyStart);
    }
    code.insert(entry);
    if (!constructor || superCall != null) {
      catchAll(bodyStart);
    }
  }

  private void rewrite(AbstractInsnNode insn, int index, Map<LabelNode, Integer> positions) {
    int opcode = insn.getOpcode();
    if (insn instanceof JumpInsnNode jump && positions.get(jump.label) < index
        || opcode == Opcodes.TABLESWITCH || opcode == Opcodes.LOOKUPSWITCH) {
      code.insertBefore(insn, call("tick", "()V"));
    } else if (opcode == Opcodes.NEWARRAY) {
      code.insertBefore(insn, arrayLength(primitiveBytes(((IntInsnNode) insn).operand)));
    } else if (opcode == Opcodes.ANEWARRAY) {
      code.insertBefore(insn, arrayLength(4));
    } else if (insn instanceof MultiANewArrayInsnNode array) {
      code.insertBefore(insn, arrayDimensions(array));
    } else if (insn instanceof MethodInsnNode call) {
      rewriteCall(call);
    } else if (insn instanceof InvokeDynamicInsnNode indy && indy.bsm.getOwner().equals(STRING_CONCAT_FACTORY)) {
      code.insert(insn, call("concatenated", "(Ljava/lang/String;)Ljava/lang/String;"));
    } else if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
      code.insertBefore(insn, leave());
    }
  }

  private void rewriteCall(MethodInsnNode call) {
    if (call.getOpcode() == Opcodes.INVOKESPECIAL) {
      CallRewrites.Capacity capacity = call.name.equals("<init>")
          ? CallRewrites.JDK.capacity(call.owner, call.desc) : null;
      if (capacity != null) {
        code.insertBefore(call, capacityCheck(Type.getArgumentTypes(call.desc), capacity));
      }
      return; // super.method(..) calls stay as they are: a replacement would dispatch virtually again
    }
    CallRewrites.Replacement replacement = types.replacement(call.owner, call.name, call.desc);
    if (replacement != null) {
      code.set(call, new MethodInsnNode(Opcodes.INVOKESTATIC, CHECKS, replacement.helper(),
          replacement.descriptor(), false));
    }
  }

  /** Inserts {@code Checks.handler(depth)} at each handler and takes it out of every try range. */
  private void handlerPrologues() {
    Set<LabelNode> handlers = new LinkedHashSet<>();
    for (TryCatchBlockNode block : method.tryCatchBlocks) {
      handlers.add(block.handler);
    }
    for (LabelNode handler : handlers) {
      LabelNode after = new LabelNode();
      InsnList prologue = new InsnList();
      prologue.add(new VarInsnNode(Opcodes.ILOAD, depth));
      prologue.add(call("handler", "(I)V"));
      prologue.add(after);
      AbstractInsnNode first = prologue.getFirst();
      code.insert(handler, prologue);
      excludeFromTryRanges(first, handler, after);
    }
  }

  /** Splits every try range that covers {@code insn} into the part before {@code from} and after {@code to}. */
  private void excludeFromTryRanges(AbstractInsnNode insn, LabelNode from, LabelNode to) {
    int at = code.indexOf(insn);
    List<TryCatchBlockNode> blocks = new ArrayList<>();
    for (TryCatchBlockNode block : method.tryCatchBlocks) {
      if (code.indexOf(block.start) <= at && at < code.indexOf(block.end)) {
        if (hasCode(block.start, from)) {
          blocks.add(new TryCatchBlockNode(block.start, from, block.handler, block.type));
        }
        if (hasCode(to, block.end)) {
          blocks.add(new TryCatchBlockNode(to, block.end, block.handler, block.type));
        }
      } else {
        blocks.add(block);
      }
    }
    method.tryCatchBlocks = blocks;
  }

  /** Wraps everything from {@code bodyStart} in a handler that leaves and rethrows, placed after the code. */
  private void catchAll(LabelNode bodyStart) {
    LabelNode bodyEnd = new LabelNode();
    LabelNode handler = new LabelNode();
    code.add(bodyEnd);
    code.add(handler);
    code.add(leave());
    code.add(new InsnNode(Opcodes.ATHROW));
    method.tryCatchBlocks.add(new TryCatchBlockNode(bodyStart, bodyEnd, handler, null));
  }

  private InsnList capacityCheck(Type[] arguments, CallRewrites.Capacity capacity) {
    InsnList check = new InsnList();
    int[] locals = new int[arguments.length];
    for (int i = arguments.length - 1; i > capacity.argument(); i--) {
      locals[i] = newLocal(arguments[i]);
      check.add(new VarInsnNode(arguments[i].getOpcode(Opcodes.ISTORE), locals[i]));
    }
    check.add(arrayLength(capacity.elementBytes()));
    for (int i = capacity.argument() + 1; i < arguments.length; i++) {
      check.add(new VarInsnNode(arguments[i].getOpcode(Opcodes.ILOAD), locals[i]));
    }
    return check;
  }

  private InsnList arrayDimensions(MultiANewArrayInsnNode array) {
    Type type = Type.getType(array.desc);
    int elementBytes = array.dims == type.getDimensions() ? elementBytes(type.getElementType()) : 4;
    int[] locals = new int[array.dims];
    InsnList check = new InsnList();
    for (int i = array.dims - 1; i >= 0; i--) {
      locals[i] = newLocal(Type.INT_TYPE);
      check.add(new VarInsnNode(Opcodes.ISTORE, locals[i]));
    }
    check.add(intConstant(array.dims));
    check.add(new IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_INT));
    for (int i = 0; i < array.dims; i++) {
      check.add(new InsnNode(Opcodes.DUP));
      check.add(intConstant(i));
      check.add(new VarInsnNode(Opcodes.ILOAD, locals[i]));
      check.add(new InsnNode(Opcodes.IASTORE));
    }
    check.add(intConstant(elementBytes));
    check.add(call("arrayDimensions", "([II)V"));
    for (int i = 0; i < array.dims; i++) {
      check.add(new VarInsnNode(Opcodes.ILOAD, locals[i]));
    }
    return check;
  }

  private InsnList arrayLength(int elementBytes) {
    InsnList check = new InsnList();
    check.add(intConstant(elementBytes));
    check.add(call("arrayLength", "(II)I"));
    return check;
  }

  private InsnList leave() {
    InsnList leave = new InsnList();
    leave.add(new VarInsnNode(Opcodes.ILOAD, depth));
    leave.add(call("leave", "(I)V"));
    return leave;
  }

  private int newLocal(Type type) {
    int local = nextLocal;
    nextLocal += type.getSize();
    return local;
  }

  /**
   * {@return whether the method runs a bounded number of instructions on its own}: no calls, no
   * array allocation, no handlers, no backward jumps or switches
   */
  private boolean isLeaf(AbstractInsnNode[] original) {
    if (!method.tryCatchBlocks.isEmpty()) {
      return false;
    }
    Set<LabelNode> seen = new HashSet<>();
    for (AbstractInsnNode insn : original) {
      int opcode = insn.getOpcode();
      if (insn instanceof LabelNode label) {
        seen.add(label);
      } else if (insn instanceof MethodInsnNode || insn instanceof InvokeDynamicInsnNode
          || insn instanceof MultiANewArrayInsnNode || opcode == Opcodes.NEWARRAY || opcode == Opcodes.ANEWARRAY
          || opcode == Opcodes.TABLESWITCH || opcode == Opcodes.LOOKUPSWITCH
          || insn instanceof JumpInsnNode jump && seen.contains(jump.label)) {
        return false;
      }
    }
    return true;
  }

  private static MethodInsnNode call(String name, String descriptor) {
    return new MethodInsnNode(Opcodes.INVOKESTATIC, CHECKS, name, descriptor, false);
  }

  private static AbstractInsnNode intConstant(int value) {
    if (value >= -1 && value <= 5) {
      return new InsnNode(Opcodes.ICONST_0 + value);
    }
    return value <= Short.MAX_VALUE ? new IntInsnNode(Opcodes.SIPUSH, value) : new LdcInsnNode(value);
  }

  private static int primitiveBytes(int arrayType) {
    return switch (arrayType) {
      case Opcodes.T_BOOLEAN, Opcodes.T_BYTE -> 1;
      case Opcodes.T_CHAR, Opcodes.T_SHORT -> 2;
      case Opcodes.T_LONG, Opcodes.T_DOUBLE -> 8;
      default -> 4;
    };
  }

  private static int elementBytes(Type element) {
    return switch (element.getSort()) {
      case Type.BOOLEAN, Type.BYTE -> 1;
      case Type.CHAR, Type.SHORT -> 2;
      case Type.LONG, Type.DOUBLE -> 8;
      default -> 4;
    };
  }

  private static boolean hasCode(LabelNode from, LabelNode to) {
    for (AbstractInsnNode insn = from; insn != null && insn != to; insn = insn.getNext()) {
      if (insn.getOpcode() >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Finds the call of {@code super(..)} or {@code this(..)} in a constructor, after which
   * {@code this} is initialized and a handler may cover the code. AdviceAdapter tracks what is on
   * the operand stack to tell that call from constructors of other objects.
   */
  private static final class SuperCallFinder extends AdviceAdapter {
    private MethodInsnNode visiting;
    private MethodInsnNode found;

    private SuperCallFinder(MethodNode method) {
      super(Opcodes.ASM9, null, method.access, method.name, method.desc);
    }

    static AbstractInsnNode find(MethodNode method) {
      SuperCallFinder finder = new SuperCallFinder(method);
      List<MethodInsnNode> calls = new ArrayList<>();
      for (AbstractInsnNode insn : method.instructions) {
        if (insn instanceof MethodInsnNode call) {
          calls.add(call);
        }
      }
      Iterator<MethodInsnNode> nodes = calls.iterator();
      // Replay the method into the finder, telling it which node each call it sees is.
      method.accept(new MethodVisitor(Opcodes.ASM9, finder) {
        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
          finder.visiting = nodes.next();
          super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }
      });
      return finder.found;
    }

    @Override
    protected void onMethodEnter() {
      if (found == null) {
        found = visiting;
      }
    }
  }
}
