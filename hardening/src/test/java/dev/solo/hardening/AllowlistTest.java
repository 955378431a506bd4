package dev.solo.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.Type;

class AllowlistTest {
  private final Allowlist standard = Allowlist.standard();

  @Test
  void readsWholeClassPackageMemberAndExclusionEntries() {
    Allowlist allowlist = Allowlist.parse("test.txt", List.of(
        "# a comment",
        "",
        "java/lang/String",
        "java/util/function/*",
        "java/lang/Object#hashCode()I",
        "java/lang/Integer#MAX_VALUE:I",
        "!java/lang/String#intern()Ljava/lang/String;"));

    assertTrue(allowlist.allowsMember("java/lang/String", "length", "()I"));
    assertFalse(allowlist.allowsMember("java/lang/String", "intern", "()Ljava/lang/String;"));
    assertTrue(allowlist.allowsClass("java/util/function/Function"));
    assertFalse(allowlist.allowsClass("java/util/function/sub/Function"));
    assertTrue(allowlist.allowsMember("java/lang/Object", "hashCode", "()I"));
    assertFalse(allowlist.allowsMember("java/lang/Object", "wait", "()V"));
    assertTrue(allowlist.allowsClass("java/lang/Object"));
    assertTrue(allowlist.allowsMember("java/lang/Integer", "MAX_VALUE", "I"));
    assertFalse(allowlist.allowsMember("java/lang/Integer", "MIN_VALUE", "I"));
    assertFalse(allowlist.allowsClass("java/lang/Thread"));
  }

  @Test
  void refusesAMalformedLineNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Allowlist.parse("test.txt", List.of("java/lang/String", "java/lang/Object#wait")));

    assertEquals("test.txt:2: not an allowlist entry: java/lang/Object#wait", e.getMessage());
  }

  @Test
  void exclusionBindsOnEverySubtype() {
    assertFalse(standard.allowsMember("java/util/ArrayList", "parallelStream", "()Ljava/util/stream/Stream;"));
    assertTrue(standard.allowsMember("java/util/ArrayList", "stream", "()Ljava/util/stream/Stream;"));
    assertFalse(standard.allowsMember("java/util/stream/IntStream", "parallel", "()Ljava/util/stream/IntStream;"));
    assertFalse(standard.allowsMember("java/lang/String", "wait", "(J)V"));
    assertFalse(standard.allowsMember("java/lang/IllegalStateException", "printStackTrace", "()V"));
    assertFalse(standard.allowsMember("java/time/ZoneOffset", "systemDefault", "()Ljava/time/ZoneId;"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "java/lang/Class", "java/lang/ClassLoader", "java/lang/System", "java/lang/Runtime", "java/lang/ProcessBuilder",
    "java/lang/Thread", "java/lang/Runnable", "java/lang/ThreadLocal", "java/lang/reflect/Method",
    "java/lang/invoke/MethodHandles", "java/lang/invoke/LambdaMetafactory", "java/lang/ref/WeakReference",
    "java/io/File", "java/net/Socket", "java/nio/file/Files", "java/util/ServiceLoader", "java/util/Locale",
    "java/util/concurrent/Executors", "java/util/concurrent/CompletableFuture", "java/lang/Error",
    "sun/misc/Unsafe", "jdk/internal/misc/Unsafe", "dev/solo/deploy/DeployPipeline"})
  void leavesOutWhatTenantCodeMustNotReach(String internalName) {
    assertFalse(standard.allowsClass(internalName), internalName);
  }

  @Test
  void loadersHandOutLinkageClassesThatCodeMayNotName() {
    assertTrue(standard.isLoadable("java.lang.invoke.LambdaMetafactory"));
    assertTrue(standard.isLoadable("java.lang.NoSuchFieldError"));
    assertTrue(standard.isLoadable("dev.solo.api.Service"));
    assertTrue(standard.isLoadable("java.util.Map$Entry"));
    assertFalse(standard.isLoadable("java.lang.reflect.Method"));
    assertFalse(standard.isLoadable("java/lang/String"));
  }

  @Test
  void everyEntryNamesAClassOrMemberThatExists() throws ClassNotFoundException {
    List<String> missing = new ArrayList<>();
    for (String name : standard.classes()) {
      load(name);
    }
    for (String member : standard.members()) {
      String owner = member.substring(0, member.indexOf('#'));
      if (!declares(load(owner), member.substring(member.indexOf('#') + 1))) {
        missing.add(member);
      }
    }
    for (Allowlist.Exclusion exclusion : standard.exclusions()) {
      Class<?> owner = load(exclusion.owner());
      boolean found = Stream.concat(Stream.of(owner.getMethods()), Stream.of(owner.getDeclaredMethods()))
          .anyMatch(m -> m.getName().equals(exclusion.name())
              && (exclusion.key() == null || exclusion.key().equals(m.getName() + Type.getMethodDescriptor(m))));
      if (!found) {
        missing.add("!" + exclusion);
      }
    }
    assertEquals(List.of(), missing);
  }

  private static Class<?> load(String internalName) throws ClassNotFoundException {
    return Class.forName(internalName.replace('/', '.'), false, AllowlistTest.class.getClassLoader());
  }

  private static boolean declares(Class<?> owner, String key) {
    for (Method method : owner.getDeclaredMethods()) {
      if (key.equals(method.getName() + Type.getMethodDescriptor(method))) {
        return true;
      }
    }
    for (Constructor<?> constructor : owner.getDeclaredConstructors()) {
      if (key.equals("<init>" + Type.getConstructorDescriptor(constructor))) {
        return true;
      }
    }
    for (Field field : owner.getDeclaredFields()) {
      if (key.equals(field.getName() + ":" + Type.getDescriptor(field.getType()))) {
        return true;
      }
    }
    return false;
  }
}
