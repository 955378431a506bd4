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
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
  void readsTypeOnlyEntries() {
    Allowlist allowlist = Allowlist.parse("test.txt", List.of("java/lang/Cloneable#", "java/time/ZoneId#"));

    assertTrue(allowlist.allowsClass("java/lang/Cloneable"));
    assertTrue(allowlist.isLoadable("java.time.ZoneId"));
    assertFalse(allowlist.allowsMember("java/time/ZoneId", "systemDefault", "()Ljava/time/ZoneId;"));
  }

  @Test
  void standardListNamesMembersAndNeverAWholeJdkClass() {
    assertEquals(Set.of(), standard.classes(), "a bare class name allows every member of the class");
    assertEquals(Set.of("dev/solo/api"), standard.packages(), "only our own API is listed as a package");
  }

  @ParameterizedTest
  @CsvSource({
    "java/util/ArrayList, add, (Ljava/lang/Object;)Z",
    "java/util/ArrayList, size, ()I",
    "java/util/ArrayList, iterator, ()Ljava/util/Iterator;",
    "java/util/List, forEach, (Ljava/util/function/Consumer;)V",
    "java/util/TreeMap, firstKey, ()Ljava/lang/Object;",
    "java/util/LinkedHashMap, get, (Ljava/lang/Object;)Ljava/lang/Object;",
    "java/lang/String, length, ()I",
    "java/lang/String, hashCode, ()I",
    "java/lang/IllegalStateException, getMessage, ()Ljava/lang/String;",
    "java/lang/Integer, intValue, ()I",
    "java/util/stream/Stream, sequential, ()Ljava/util/stream/BaseStream;",
    "java/time/LocalDate, getLong, (Ljava/time/temporal/TemporalField;)J",
  })
  void instanceMethodListedWhereItIsDeclaredIsAllowedThroughSubtypes(String owner, String name, String descriptor) {
    assertTrue(standard.allowsMember(owner, name, descriptor), owner + "#" + name + descriptor);
  }

  @Test
  void staticMethodListedOnASuperclassIsAllowedThroughASubclassTheJvmResolvesItFrom() {
    assertTrue(standard.allowsMember(
        "java/math/RoundingMode", "valueOf", "(Ljava/lang/Class;Ljava/lang/String;)Ljava/lang/Enum;"));
  }

  @Test
  void staticMethodOfAnInterfaceIsNotInheritedByItsImplementations() {
    assertTrue(standard.allowsMember("java/util/List", "of", "()Ljava/util/List;"));
    assertFalse(standard.allowsMember("java/util/ArrayList", "of", "()Ljava/util/List;"));
  }

  @Test
  void constructorIsNeverInherited() {
    Allowlist allowlist = Allowlist.parse("test.txt", List.of("java/util/HashMap#<init>()V"));

    assertTrue(allowlist.allowsMember("java/util/HashMap", "<init>", "()V"));
    assertFalse(allowlist.allowsMember("java/util/LinkedHashMap", "<init>", "()V"));
  }

  @Test
  void memberListedOnAnImplementationIsNotAllowedThroughItsInterface() {
    Allowlist allowlist = Allowlist.parse("test.txt", List.of("java/util/ArrayList#size()I"));

    assertTrue(allowlist.allowsMember("java/util/ArrayList", "size", "()I"));
    assertFalse(allowlist.allowsMember("java/util/List", "size", "()I"));
    assertFalse(allowlist.allowsMember("java/util/LinkedList", "size", "()I"));
  }

  @Test
  void exclusionWinsOverAnEntryOnASubtype() {
    Allowlist allowlist = Allowlist.parse("test.txt", List.of(
        "java/lang/String#wait()V", "java/lang/Object#hashCode()I", "!java/lang/Object#wait"));

    assertFalse(allowlist.allowsMember("java/lang/String", "wait", "()V"));
    assertTrue(allowlist.allowsMember("java/lang/String", "hashCode", "()I"));
  }

  @ParameterizedTest
  @CsvSource({
    "java/lang/String, intern, ()Ljava/lang/String;",
    "java/lang/String, getBytes, (Ljava/lang/String;)[B",
    "java/lang/String, format, (Ljava/util/Locale;Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/String;",
    "java/lang/Integer, getInteger, (Ljava/lang/String;)Ljava/lang/Integer;",
    "java/lang/Long, getLong, (Ljava/lang/String;)Ljava/lang/Long;",
    "java/lang/Boolean, getBoolean, (Ljava/lang/String;)Z",
    "java/lang/Integer, TYPE, Ljava/lang/Class;",
    "java/lang/Math, random, ()D",
    "java/lang/Character, getName, (I)Ljava/lang/String;",
    "java/lang/Enum, getDeclaringClass, ()Ljava/lang/Class;",
    "java/lang/Object, wait, ()V",
    "java/lang/Object, notify, ()V",
    "java/lang/Object, finalize, ()V",
    "java/lang/IllegalStateException, printStackTrace, ()V",
    "java/lang/RuntimeException, getStackTrace, ()[Ljava/lang/StackTraceElement;",
    "java/util/ArrayList, parallelStream, ()Ljava/util/stream/Stream;",
    "java/util/ArrayList, spliterator, ()Ljava/util/Spliterator;",
    "java/util/stream/Stream, parallel, ()Ljava/util/stream/BaseStream;",
    "java/util/stream/IntStream, parallel, ()Ljava/util/stream/IntStream;",
    "java/util/Arrays, parallelSort, ([I)V",
    "java/util/Collections, shuffle, (Ljava/util/List;)V",
    "java/util/Collections, synchronizedList, (Ljava/util/List;)Ljava/util/List;",
    "java/time/Instant, now, ()Ljava/time/Instant;",
    "java/time/LocalDateTime, now, ()Ljava/time/LocalDateTime;",
    "java/time/ZoneId, systemDefault, ()Ljava/time/ZoneId;",
    "java/time/ZoneOffset, systemDefault, ()Ljava/time/ZoneId;",
    "java/nio/charset/Charset, forName, (Ljava/lang/String;)Ljava/nio/charset/Charset;",
    "java/nio/charset/Charset, defaultCharset, ()Ljava/nio/charset/Charset;",
    "java/lang/IncompatibleClassChangeError, <init>, (Ljava/lang/String;)V",
  })
  void refusesWhatTheListLeavesOut(String owner, String name, String descriptor) {
    assertFalse(standard.allowsMember(owner, name, descriptor), owner + "#" + name + descriptor);
  }

  @ParameterizedTest
  @CsvSource({
    "java/lang/Enum, <init>, (Ljava/lang/String;I)V",
    "java/lang/Enum, ordinal, ()I",
    "java/lang/Enum, valueOf, (Ljava/lang/Class;Ljava/lang/String;)Ljava/lang/Enum;",
    "java/lang/Record, <init>, ()V",
    "java/lang/Object, <init>, ()V",
    "java/util/Objects, requireNonNull, (Ljava/lang/Object;)Ljava/lang/Object;",
    "java/lang/IncompatibleClassChangeError, <init>, ()V",
    "java/lang/String, equals, (Ljava/lang/Object;)Z",
    "java/lang/Integer, valueOf, (I)Ljava/lang/Integer;",
    "java/lang/Throwable, addSuppressed, (Ljava/lang/Throwable;)V",
    "java/util/Iterator, hasNext, ()Z",
    "java/util/List, iterator, ()Ljava/util/Iterator;",
  })
  void allowsWhatJavacEmitsForLanguageFeatures(String owner, String name, String descriptor) {
    assertTrue(standard.allowsMember(owner, name, descriptor), owner + "#" + name + descriptor);
  }

  @Test
  void noEntryIsAlsoExcluded() {
    List<String> contradictions = new ArrayList<>();
    for (String member : standard.members()) {
      String owner = member.substring(0, member.indexOf('#'));
      String key = member.substring(member.indexOf('#') + 1);
      int split = key.indexOf('(') >= 0 ? key.indexOf('(') : key.indexOf(':');
      String descriptor = key.charAt(split) == ':' ? key.substring(split + 1) : key.substring(split);
      if (!standard.allowsMember(owner, key.substring(0, split), descriptor)) {
        contradictions.add(member);
      }
    }
    assertEquals(List.of(), contradictions);
  }

  /**
   * The JVM's verifier loads the class of a parameter through the tenant's loader to check that
   * an argument of a subclass fits it (ZoneOffset for a ZoneId): that class must be loadable.
   * Interfaces are not loaded for this. Enum.valueOf takes the Class a class literal pushes.
   */
  @Test
  void everyClassThatAListedMethodTakesIsLoadable() throws ClassNotFoundException {
    List<String> unloadable = new ArrayList<>();
    for (String member : standard.members()) {
      String key = member.substring(member.indexOf('#') + 1);
      if (!key.contains("(")) {
        continue;
      }
      for (Type argument : Type.getArgumentTypes(key.substring(key.indexOf('(')))) {
        Type element = argument.getSort() == Type.ARRAY ? argument.getElementType() : argument;
        if (element.getSort() == Type.OBJECT && !element.getInternalName().equals("java/lang/Class")
            && !load(element.getInternalName()).isInterface() && !standard.isLoadable(element.getClassName())) {
          unloadable.add(element.getInternalName() + " in " + member);
        }
      }
    }
    assertEquals(List.of(), unloadable);
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
    "sun/misc/Unsafe", "jdk/internal/misc/Unsafe", "dev/solo/deploy/DeployPipeline", "java/lang/StackWalker",
    "java/lang/AutoCloseable", "java/util/Random", "java/util/Spliterator", "java/lang/StringBuffer",
    "java/util/TimeZone", "java/time/Clock", "java/time/ZonedDateTime", "java/lang/ref/Reference",
    "java/lang/invoke/MethodHandle", "java/lang/invoke/VarHandle", "dev/solo/hardening/budget/Checks"})
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
    for (String name : standard.types()) {
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
