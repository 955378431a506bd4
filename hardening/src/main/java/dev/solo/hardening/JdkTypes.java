package dev.solo.hardening;

/**
 * Subtype questions about JDK and service API classes, answered by loading them without
 * initialization. JDK names are loaded through the platform class loader, so a name chosen by
 * tenant code can never make the host load one of its own classes.
 */
final class JdkTypes {
  private static final String SERVICE_API = "dev/solo/api/";

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

  private static Class<?> load(String internalName) throws ClassNotFoundException {
    ClassLoader loader = internalName.startsWith(SERVICE_API)
        ? JdkTypes.class.getClassLoader()
        : ClassLoader.getPlatformClassLoader();
    return Class.forName(internalName.replace('/', '.'), false, loader);
  }
}
