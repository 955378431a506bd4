package dev.solo.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypeReference;

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

  private static final String METAFACTORY_DESCRIPTOR =
      "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
          + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
          + "Ljava/lang/invoke/CallSite;";
  private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC,
      "java/lang/invoke/LambdaMetafactory", "metafactory", METAFACTORY_DESCRIPTOR, false);

  /** {@return class {@code name} with a static initializer whose code is on line 3, and a field {@code int x}} */
  private static byte[] withStaticInitializer(String name, Consumer<MethodVisitor> code) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
    writer.visitSource(name + ".java", null);
    writer.visitField(Opcodes.ACC_STATIC, "x", "I", null, null).visitEnd();
    MethodVisitor clinit = writer.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
    clinit.visitCode();
    Label start = new Label();
    clinit.visitLabel(start);
    clinit.visitLineNumber(3, start);
    code.accept(clinit);
    clinit.visitInsn(Opcodes.RETURN);
    clinit.visitMaxs(0, 0);
    clinit.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  @Test
  void refusesLoadingAMethodHandleConstant() {
    byte[] a = classFile("A", code -> {
      code.visitLdcInsn(new Handle(Opcodes.H_INVOKESTATIC, "java/lang/Integer", "parseInt", "(Ljava/lang/String;)I", false));
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-LDC: loading a method handle constant is not allowed:"
        + " method handles appear only as arguments of the invokedynamic bootstraps javac emits"), verify(Map.of("A", a)));
  }

  @Test
  void refusesLoadingAMethodTypeConstant() {
    byte[] a = classFile("A", code -> {
      code.visitLdcInsn(Type.getMethodType("()V"));
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-LDC: loading a method type constant is not allowed:"
        + " method types appear only as arguments of the invokedynamic bootstraps javac emits"), verify(Map.of("A", a)));
  }

  @Test
  void refusesDynamicConstantSmuggledInAsALambdaBootstrapArgument() {
    Handle make = new Handle(Opcodes.H_INVOKESTATIC, "A", "make",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
    byte[] a = classFile("A", code -> {
      code.visitInvokeDynamicInsn("get", "()Ljava/util/function/Supplier;", METAFACTORY,
          new ConstantDynamic("x", "Ljava/lang/invoke/MethodType;", make),
          new Handle(Opcodes.H_INVOKESTATIC, "A", "run", "()V", false), Type.getMethodType("()Ljava/lang/Object;"));
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-CONDY: dynamic constants (ldc of a ConstantDynamic) are not allowed"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesALambdaWhoseImplementationWritesAJdkField() {
    byte[] a = classFile("A", code -> {
      code.visitInvokeDynamicInsn("accept", "()Ljava/util/function/Consumer;", METAFACTORY,
          Type.getMethodType("(Ljava/lang/Object;)V"),
          new Handle(Opcodes.H_PUTSTATIC, "java/nio/charset/StandardCharsets", "UTF_8", "Ljava/nio/charset/Charset;", false),
          Type.getMethodType("(Ljava/nio/charset/Charset;)V"));
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-MEMBER: writing method reference java.nio.charset.StandardCharsets.UTF_8"
        + " is not allowed: code may only write fields that its own classes declare"), verify(Map.of("A", a)));
  }

  @Test
  void refusesARecordBootstrapThatReadsAJdkClassesPrivateField() {
    Handle objectMethods = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/runtime/ObjectMethods", "bootstrap",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/TypeDescriptor;"
            + "Ljava/lang/Class;Ljava/lang/String;[Ljava/lang/invoke/MethodHandle;)Ljava/lang/Object;", false);
    byte[] a = classFile("A", code -> {
      code.visitLdcInsn("secret");
      code.visitInvokeDynamicInsn("toString", "(Ljava/lang/String;)Ljava/lang/String;", objectMethods,
          Type.getObjectType("java/lang/String"), "value",
          new Handle(Opcodes.H_GETFIELD, "java/lang/String", "value", "[B", false));
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-INDY-HANDLE: method reference java.lang.String.value is not allowed:"
        + " the member is not on the allowlist"), verify(Map.of("A", a)));
  }

  @Test
  void refusesAStringConcatenationBootstrapThatJavacDoesNotEmit() {
    Handle makeConcat = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/StringConcatFactory", "makeConcat",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)"
            + "Ljava/lang/invoke/CallSite;", false);
    byte[] a = classFile("A", code -> {
      code.visitInvokeDynamicInsn("concat", "()Ljava/lang/String;", makeConcat);
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-INDY: invokedynamic with bootstrap java.lang.invoke.StringConcatFactory.makeConcat"
        + " is not allowed: only lambdas, string concatenation and records may use it"), verify(Map.of("A", a)));
  }

  @Test
  void refusesWritingAStaticFieldOfAnAllowedJdkClass() {
    byte[] a = classFile("A", code -> {
      code.visitInsn(Opcodes.ACONST_NULL);
      code.visitFieldInsn(Opcodes.PUTSTATIC, "java/nio/charset/StandardCharsets", "UTF_8", "Ljava/nio/charset/Charset;");
    });

    assertEquals(List.of("A.java:7:0: SBX-MEMBER: writing java.nio.charset.StandardCharsets.UTF_8 is not allowed:"
        + " code may only write fields that its own classes declare"), verify(Map.of("A", a)));
  }

  @Test
  void refusesWritingAFieldOfTheServiceApi() {
    byte[] a = classFile("A", code -> {
      code.visitInsn(Opcodes.ACONST_NULL);
      code.visitInsn(Opcodes.ICONST_0);
      code.visitFieldInsn(Opcodes.PUTFIELD, "dev/solo/api/Reply", "status", "I");
    });

    assertEquals(List.of("A.java:7:0: SBX-MEMBER: writing dev.solo.api.Reply.status is not allowed:"
        + " code may only write fields that its own classes declare"), verify(Map.of("A", a)));
  }

  @Test
  void acceptsWritingStaticFieldsItsOwnClassesDeclareAlsoThroughASubclass() {
    byte[] a = withStaticInitializer("A", code -> {
      code.visitInsn(Opcodes.ICONST_1);
      code.visitFieldInsn(Opcodes.PUTSTATIC, "A", "x", "I");
    });
    byte[] b = classFile("B", Opcodes.V17, Opcodes.ACC_PUBLIC, "A", code -> {
      code.visitInsn(Opcodes.ICONST_2);
      code.visitFieldInsn(Opcodes.PUTSTATIC, "B", "x", "I");
    });

    assertEquals(List.of(), verify(Map.of("A", a, "B", b)));
  }

  @Test
  void refusesAStaticMethodOfAnInterfaceThroughAnImplementation() {
    byte[] a = classFile("A", code -> {
      code.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/ArrayList", "of", "()Ljava/util/List;", false);
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-MEMBER: java.util.ArrayList.of() is not allowed: the member is not on the allowlist"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesAClassInAReservedPackageAndDoesNotTrustItAsTheSubmissionsOwn() {
    byte[] fake = classFile("java/lang/Shutdown", code -> { });
    byte[] a = classFile("A", code -> code.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Shutdown", "run", "()V", false));

    assertEquals(List.of(
            "A.java:7:0: SBX-CLASS: java.lang.Shutdown.run() is not allowed: the class java.lang.Shutdown is not on the allowlist",
            "java/lang/Shutdown.java:0:0: SBX-RESERVED-PACKAGE: class java.lang.Shutdown is not allowed:"
                + " java and its subpackages are reserved"),
        verify(Map.of("A", a, "java.lang.Shutdown", fake)));
  }

  @Test
  void refusesAForgedServiceApiClass() {
    byte[] reply = classFile("dev/solo/api/Reply", code -> { });

    assertEquals(List.of("dev/solo/api/Reply.java:0:0: SBX-RESERVED-PACKAGE: class dev.solo.api.Reply is not allowed:"
        + " dev.solo and its subpackages are reserved"), verify(Map.of("dev.solo.api.Reply", reply)));
  }

  @Test
  void refusesAJvmInternalAnnotationOnAField() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "A", null, "java/lang/Object", null);
    writer.visitSource("A.java", null);
    FieldVisitor field = writer.visitField(Opcodes.ACC_PUBLIC, "padded", "J", null, null);
    field.visitAnnotation("Ljdk/internal/vm/annotation/Contended;", true).visitEnd();
    field.visitEnd();
    writer.visitEnd();

    assertEquals(List.of("A.java:0:0: SBX-CLASS: jdk.internal.vm.annotation.Contended is not allowed:"
        + " the class is not on the allowlist"), verify(Map.of("A", writer.toByteArray())));
  }

  @Test
  void refusesAnUnlistedTypeInAnAnnotationOnAnInstruction() {
    byte[] a = classFile("A", code -> {
      code.visitTypeInsn(Opcodes.NEW, "java/lang/Object");
      code.visitInsnAnnotation(TypeReference.newTypeReference(TypeReference.NEW).getValue(), null,
          "Ljdk/internal/ValueBased;", true).visitEnd();
      code.visitInsn(Opcodes.POP);
    });

    assertEquals(List.of("A.java:7:0: SBX-CLASS: jdk.internal.ValueBased is not allowed: the class is not on the allowlist"),
        verify(Map.of("A", a)));
  }

  @Test
  void refusesAnUnlistedEnumInAnAnnotationValue() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "A", null, "java/lang/Object", null);
    writer.visitSource("A.java", null);
    AnnotationVisitor annotation = writer.visitAnnotation("LMarker;", true);
    annotation.visitEnum("state", "Ljava/lang/Thread$State;", "NEW");
    annotation.visitEnd();
    writer.visitEnd();
    byte[] marker = annotationType("Marker", "()Ljava/lang/String;", null);

    assertEquals(List.of("A.java:0:0: SBX-CLASS: java.lang.Thread$State is not allowed: the class is not on the allowlist"),
        verify(Map.of("A", writer.toByteArray(), "Marker", marker)));
  }

  @Test
  void refusesAnUnlistedClassLiteralInAnAnnotationDefault() {
    byte[] marker = annotationType("Marker", "()Ljava/lang/Class;", Type.getObjectType("java/lang/Runtime"));

    assertEquals(List.of(
            "Marker.java:0:0: SBX-CLASS: java.lang.Class is not allowed: the class is not on the allowlist",
            "Marker.java:0:0: SBX-CLASS: java.lang.Runtime is not allowed: the class is not on the allowlist"),
        verify(Map.of("Marker", marker)));
  }

  /** {@return an annotation type with an element {@code value()}, whose default is {@code defaultValue} if not null} */
  private static byte[] annotationType(String name, String elementDescriptor, Type defaultValue) {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_ANNOTATION | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
        name, null, "java/lang/Object", new String[] {"java/lang/annotation/Annotation"});
    writer.visitSource(name + ".java", null);
    MethodVisitor element = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "value",
        elementDescriptor, null, null);
    if (defaultValue != null) {
      AnnotationVisitor annotationDefault = element.visitAnnotationDefault();
      annotationDefault.visit(null, defaultValue);
      annotationDefault.visitEnd();
    }
    element.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  @Test
  void refusesAStaticInitializerWhoseExceptionHandlerRunsItAgain() {
    byte[] a = withStaticInitializer("A", code -> {
      Label handler = new Label();
      Label start = new Label();
      Label end = new Label();
      code.visitJumpInsn(Opcodes.GOTO, start);
      code.visitLabel(handler);
      code.visitLineNumber(4, handler);
      code.visitInsn(Opcodes.POP);
      code.visitLabel(start);
      code.visitLineNumber(5, start);
      code.visitInsn(Opcodes.ICONST_1);
      code.visitInsn(Opcodes.ICONST_0);
      code.visitInsn(Opcodes.IDIV);
      code.visitFieldInsn(Opcodes.PUTSTATIC, "A", "x", "I");
      code.visitLabel(end);
      code.visitTryCatchBlock(start, end, handler, "java/lang/ArithmeticException");
    });

    assertEquals(List.of("A.java:4:0: SBX-CLINIT: a loop is not allowed in a static initializer:"
        + " static initializers may only set up constants"), verify(Map.of("A", a)));
  }

  @Test
  void refusesAStaticInitializerWhoseSwitchJumpsBack() {
    byte[] a = withStaticInitializer("A", code -> {
      Label top = new Label();
      Label done = new Label();
      code.visitLabel(top);
      code.visitLineNumber(5, top);
      code.visitFieldInsn(Opcodes.GETSTATIC, "A", "x", "I");
      code.visitTableSwitchInsn(0, 0, done, top);
      code.visitLabel(done);
    });

    assertEquals(List.of("A.java:5:0: SBX-CLINIT: a loop is not allowed in a static initializer:"
        + " static initializers may only set up constants"), verify(Map.of("A", a)));
  }

  @Test
  void refusesAStaticInitializerThatReachesALoopThroughAnotherClass() {
    byte[] a = withStaticInitializer("A", code -> code.visitMethodInsn(Opcodes.INVOKESTATIC, "B", "run", "()V", false));
    byte[] b = classFile("B", code -> {
      Label top = new Label();
      code.visitLabel(top);
      code.visitLineNumber(9, top);
      code.visitJumpInsn(Opcodes.GOTO, top);
    });

    assertEquals(List.of("A.java:3:0: SBX-CLINIT: calling B.run() is not allowed in a static initializer:"
        + " B.run() runs a loop (line 9); static initializers may only set up constants"), verify(Map.of("A", a, "B", b)));
  }

  @Test
  void refusesUnreadableAndMisnamedClassFiles() {
    assertEquals(List.of("SBX-MALFORMED: A is not a readable class file"),
        verify(Map.of("A", new byte[] {(byte) 0xCA, (byte) 0xFE, 0})));
    assertEquals(List.of("SBX-MALFORMED: the class file for B declares A"),
        verify(Map.of("B", classFile("A", code -> { }))));
  }
}
