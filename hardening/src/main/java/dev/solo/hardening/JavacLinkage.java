package dev.solo.hardening;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What code that javac generates needs the JVM to link, although tenant code may not name it:
 * the three invokedynamic bootstraps javac emits for lambdas, string concatenation and records,
 * the types of their parameters, and the {@code NoSuchFieldError} that {@code $SwitchMap}
 * initializers catch.
 */
final class JavacLinkage {
  static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
  static final String NO_SUCH_FIELD_ERROR = "java/lang/NoSuchFieldError";

  /** The bootstraps javac emits for lambdas and method references, string concatenation and records. */
  static final Set<Handle> BOOTSTRAPS = Set.of(
      new Handle(Opcodes.H_INVOKESTATIC, LAMBDA_METAFACTORY, "metafactory",
          "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
              + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
              + "Ljava/lang/invoke/CallSite;",
          false),
      new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/StringConcatFactory", "makeConcatWithConstants",
          "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
              + "Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;",
          false),
      new Handle(Opcodes.H_INVOKESTATIC, "java/lang/runtime/ObjectMethods", "bootstrap",
          "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/TypeDescriptor;"
              + "Ljava/lang/Class;Ljava/lang/String;[Ljava/lang/invoke/MethodHandle;)Ljava/lang/Object;",
          false));

  /** Internal names of the classes a tenant class loader must hand out for linking. */
  static final Set<String> CLASSES = linkageClasses();

  private JavacLinkage() {}

  private static Set<String> linkageClasses() {
    Set<String> names = new HashSet<>();
    names.add(NO_SUCH_FIELD_ERROR);
    for (Handle bootstrap : BOOTSTRAPS) {
      names.add(bootstrap.getOwner());
      Type method = Type.getMethodType(bootstrap.getDesc());
      names.add(elementName(method.getReturnType()));
      for (Type argument : method.getArgumentTypes()) {
        names.add(elementName(argument));
      }
    }
    return Set.copyOf(names);
  }

  private static String elementName(Type type) {
    return type.getSort() == Type.ARRAY ? type.getElementType().getInternalName() : type.getInternalName();
  }
}
