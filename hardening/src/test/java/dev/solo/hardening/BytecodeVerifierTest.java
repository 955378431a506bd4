package dev.solo.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Class files that javac would not write from tenant source, built with ASM. */
class BytecodeVerifierTest {
  private final BytecodeVerifier verifier = new BytecodeVerifier(Allowlist.standard());

  private List<String> verify(Map<String, byte[]> classes) {
    return verifier.verify(classes).stream().map(Finding::toString).toList();
  }

  /** {@return class {@code name}, source file {@code name.java}, with a static {@code run()} whose code is on line 7} */
  private static byte[] classFile(String name, int version, int access, String superName, Consumer<MethodVisitor> code) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(version, access, name, null, superName, null);
    writer.visitSource(name + ".java", null);
    MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "()V", null, null);
    method.visitCode();
    Label start = new Label();
    method.visitLabel(start);
    method.visitLineNumber(7, start);
    code.accept(method);
    method.visitInsn(Opcodes.RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  private static byte[] classFile(String name, Consumer<MethodVisitor> code) {
    return classFile(name, Opcodes.V17, Opcodes.ACC_PUBLIC, "java/lang/Object", code);
  }

  @Test
  void acceptsReferencesBetweenTheSubmissionsOwnClasses() {
    byte[] a = classFile("A", code -> code.visitMethodInsn(Opcodes.INVOKESTATIC, "B", "run", "()V", false));
    byte[] b = classFile("B", code -> code.visitMethodInsn(Opcodes.INVOKESTATIC, "A", "run", "()V", false));

    assertEquals(List.of(), verify(Map.of("A", a, "B", b)));
  }

  @Test
  void refusesClassFileNewerThanJava17() {
    byte[] a = classFile("A", Opcodes.V21, Opcodes.ACC_PUBLIC, "java/lang/Object", code -> { });

    assertEquals(List.of("A.java:0:0: SBX-VERSION: class file version 65.0 is not allowed: the highest is 61.0 (Java 17)"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesDynamicConstant() {
    Handle bootstrap = new Handle(Opcodes.H_INVOKESTATIC, "A", "make",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
    byte[] a = classFile("A", code -> {
      code.visitLdcInsn(new ConstantDynamic("x", "Ljava/lang/Object;", bootstrap));
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-CONDY: dynamic constants (ldc of a ConstantDynamic) are not allowed"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesInvokeDynamicWithABootstrapOfItsOwn() {
    Handle bootstrap = new Handle(Opcodes.H_INVOKESTATIC, "A", "link",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)"
            + "Ljava/lang/invoke/CallSite;", false);
    byte[] a = classFile("A", code -> code.visitInvokeDynamicInsn("go", "()V", bootstrap));

    assertEquals(List.of("A.java:7:0: SBX-INDY: invokedynamic with bootstrap A.link is not allowed:"
        + " only lambdas, string concatenation and records may use it"), verify(Map.of("A", a)));
  }

  @Test
  void refusesWaitReachedThroughATenantClass() {
    byte[] a = classFile("A", code -> {
      code.visitTypeInsn(Opcodes.NEW, "A");
      code.visitInsn(Opcodes.DUP);
      code.visitMethodInsn(Opcodes.INVOKESPECIAL, "A", "<init>", "()V", false);
      code.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "A", "wait", "()V", false);
    });

    assertEquals(List.of("A.java:7:0: SBX-MEMBER: A.wait() is not allowed: the member is not on the allowlist"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesCatchingNoSuchFieldErrorOutsideASwitchMapInitializer() {
    byte[] a = classFile("A", code -> {
      Label start = new Label();
      Label end = new Label();
      Label handler = new Label();
      Label done = new Label();
      code.visitTryCatchBlock(start, end, handler, "java/lang/NoSuchFieldError");
      code.visitLabel(start);
      code.visitMethodInsn(Opcodes.INVOKESTATIC, "A", "run", "()V", false);
      code.visitLabel(end);
      code.visitJumpInsn(Opcodes.GOTO, done);
      code.visitLabel(handler);
      code.visitLineNumber(9, handler);
      code.visitInsn(Opcodes.POP);
      code.visitLabel(done);
    });

    assertEquals(List.of("A.java:9:0: SBX-CATCH-ERROR: catching java.lang.NoSuchFieldError is not allowed:"
        + " catch Exception or its subclasses, never Throwable or an Error"), verify(Map.of("A", a)));
  }

  @Test
  void refusesASuperclassOffTheAllowlist() {
    byte[] a = classFile("A", Opcodes.V17, Opcodes.ACC_PUBLIC, "java/lang/Thread", code -> { });

    assertEquals(List.of("A.java:0:0: SBX-CLASS: java.lang.Thread is not allowed: the class is not on the allowlist"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesUnreadableAndMisnamedClassFiles() {
    assertEquals(List.of("SBX-MALFORMED: A is not a readable class file"),
        verify(Map.of("A", new byte[] {(byte) 0xCA, (byte) 0xFE, 0})));
    assertEquals(List.of("SBX-MALFORMED: the class file for B declares A"),
        verify(Map.of("B", classFile("A", code -> { }))));
  }
}
