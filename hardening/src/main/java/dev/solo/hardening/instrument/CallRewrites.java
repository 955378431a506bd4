package dev.solo.hardening.instrument;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Type;

/**
 * The JDK calls whose work or allocation grows with an argument, and what instrumented code
 * calls instead: a method of {@code Checks} that takes the receiver (if any) first, or, for a
 * constructor with a capacity argument, {@code Checks.arrayLength} on that argument first.
 * This is data; {@link MethodRewrite} applies it.
 */
final class CallRewrites {
  static final String CHECKS = "dev/solo/hardening/budget/Checks";

  /** A call replaced by {@code invokestatic Checks.helper descriptor}. */
  record Replacement(String helper, String descriptor) {}

  /** A constructor whose int argument at {@code argument} is checked as an array length of this element size. */
  record Capacity(int argument, int elementBytes) {}

  private static final String STRING = "java/lang/String";
  private static final String BUILDER = "java/lang/StringBuilder";
  private static final String BIG_INTEGER = "java/math/BigInteger";
  private static final String BIG_DECIMAL = "java/math/BigDecimal";
  private static final String PATTERN = "java/util/regex/Pattern";
  private static final List<String> COLLECTIONS = List.of("java/util/Collection", "java/util/List", "java/util/Set",
      "java/util/Queue", "java/util/Deque", "java/util/SortedSet", "java/util/NavigableSet", "java/util/ArrayList",
      "java/util/LinkedList", "java/util/HashSet", "java/util/LinkedHashSet", "java/util/TreeSet",
      "java/util/ArrayDeque", "java/util/PriorityQueue");
  private static final List<String> LISTS = List.of("java/util/List", "java/util/ArrayList", "java/util/LinkedList");

  static final CallRewrites JDK = new CallRewrites();

  private final Map<String, Replacement> replacements = new HashMap<>();
  private final Map<String, Capacity> capacities = new HashMap<>();

  private CallRewrites() {
    strings();
    builders();
    arrays();
    collections();
    numbers();
    regex();
    streams();
  }

  /** {@return what replaces a call of this JDK method, or null} */
  Replacement replacement(String owner, String name, String descriptor) {
    return replacements.get(owner + "." + name + descriptor);
  }

  /** {@return the capacity check before this JDK constructor, or null} */
  Capacity capacity(String owner, String descriptor) {
    return capacities.get(owner + ".<init>" + descriptor);
  }

  /** {@return every capacity check, JDK constructor to check, for checking that each constructor exists} */
  Map<String, Capacity> capacities() {
    return Map.copyOf(capacities);
  }

  /** {@return every replacement, JDK method to replacement, for checking that each helper exists} */
  Map<String, Replacement> replacements() {
    return Map.copyOf(replacements);
  }

  private void strings() {
    virtual(STRING, STRING, "repeat", "(I)Ljava/lang/String;", "repeat");
    virtual(STRING, STRING, "concat", "(Ljava/lang/String;)Ljava/lang/String;", "concat");
    virtual(STRING, STRING, "replace", "(Ljava/lang/CharSequence;Ljava/lang/CharSequence;)Ljava/lang/String;", "replace");
    virtual(STRING, STRING, "indent", "(I)Ljava/lang/String;", "indent");
    virtual(STRING, STRING, "formatted", "([Ljava/lang/Object;)Ljava/lang/String;", "formatted");
    virtual(STRING, STRING, "matches", "(Ljava/lang/String;)Z", "matches");
    virtual(STRING, STRING, "replaceAll", "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", "replaceAll");
    virtual(STRING, STRING, "replaceFirst", "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", "replaceFirst");
    virtual(STRING, STRING, "split", "(Ljava/lang/String;)[Ljava/lang/String;", "split");
    virtual(STRING, STRING, "split", "(Ljava/lang/String;I)[Ljava/lang/String;", "split");
    statics(STRING, "format", "(Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/String;", "format");
    statics(STRING, "join", "(Ljava/lang/CharSequence;[Ljava/lang/CharSequence;)Ljava/lang/String;", "join");
    statics(STRING, "join", "(Ljava/lang/CharSequence;Ljava/lang/Iterable;)Ljava/lang/String;", "join");
  }

  private void builders() {
    for (String argument : List.of("Ljava/lang/String;", "Ljava/lang/CharSequence;", "Ljava/lang/Object;")) {
      virtual(BUILDER, BUILDER, "append", "(" + argument + ")Ljava/lang/StringBuilder;", "append");
      virtual(BUILDER, BUILDER, "insert", "(I" + argument + ")Ljava/lang/StringBuilder;", "insert");
    }
    virtual(BUILDER, BUILDER, "ensureCapacity", "(I)V", "ensureCapacity");
    virtual(BUILDER, BUILDER, "setLength", "(I)V", "setLength");
    capacity(BUILDER, "(I)V", 1);
  }

  private void arrays() {
    for (String array : List.of("[Z", "[B", "[C", "[S", "[I", "[J", "[F", "[D", "[Ljava/lang/Object;")) {
      statics("java/util/Arrays", "copyOf", "(" + array + "I)" + array, "copyOf");
      statics("java/util/Arrays", "copyOfRange", "(" + array + "II)" + array, "copyOfRange");
    }
  }

  private void collections() {
    statics("java/util/Collections", "nCopies", "(ILjava/lang/Object;)Ljava/util/List;", "nCopies");
    statics("java/util/Collections", "addAll", "(Ljava/util/Collection;[Ljava/lang/Object;)Z", "addAll");
    virtual("java/util/ArrayList", "java/util/ArrayList", "ensureCapacity", "(I)V", "ensureCapacity");
    for (String owner : COLLECTIONS) {
      virtual("java/util/Collection", owner, "addAll", "(Ljava/util/Collection;)Z", "addAll");
    }
    for (String owner : LISTS) {
      virtual("java/util/List", owner, "addAll", "(ILjava/util/Collection;)Z", "addAll");
    }
    for (String owner : List.of("java/util/ArrayList", "java/util/ArrayDeque", "java/util/HashMap",
        "java/util/HashSet", "java/util/LinkedHashMap", "java/util/LinkedHashSet", "java/util/PriorityQueue")) {
      capacity(owner, "(I)V", 4);
    }
    capacity("java/util/PriorityQueue", "(ILjava/util/Comparator;)V", 4);
    for (String owner : List.of("java/util/HashMap", "java/util/HashSet", "java/util/LinkedHashMap",
        "java/util/LinkedHashSet")) {
      capacity(owner, "(IF)V", 4);
    }
    capacity("java/util/LinkedHashMap", "(IFZ)V", 4);
  }

  private void numbers() {
    for (String name : List.of("pow", "shiftLeft", "setBit", "flipBit")) {
      virtual(BIG_INTEGER, BIG_INTEGER, name, "(I)Ljava/math/BigInteger;", name);
    }
    for (String name : List.of("pow", "setScale", "movePointLeft", "movePointRight")) {
      virtual(BIG_DECIMAL, BIG_DECIMAL, name, "(I)Ljava/math/BigDecimal;", name);
    }
    virtual(BIG_DECIMAL, BIG_DECIMAL, "setScale", "(ILjava/math/RoundingMode;)Ljava/math/BigDecimal;", "setScale");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "setScale", "(II)Ljava/math/BigDecimal;", "setScale");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "toBigInteger", "()Ljava/math/BigInteger;", "toBigInteger");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "toBigIntegerExact", "()Ljava/math/BigInteger;", "toBigIntegerExact");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "toPlainString", "()Ljava/lang/String;", "toPlainString");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "add", "(Ljava/math/BigDecimal;)Ljava/math/BigDecimal;", "add");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "subtract", "(Ljava/math/BigDecimal;)Ljava/math/BigDecimal;", "subtract");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "divide",
        "(Ljava/math/BigDecimal;ILjava/math/RoundingMode;)Ljava/math/BigDecimal;", "divide");
    virtual(BIG_DECIMAL, BIG_DECIMAL, "divide", "(Ljava/math/BigDecimal;II)Ljava/math/BigDecimal;", "divide");
  }

  private void regex() {
    virtual(PATTERN, PATTERN, "matcher", "(Ljava/lang/CharSequence;)Ljava/util/regex/Matcher;", "matcher");
    virtual(PATTERN, PATTERN, "split", "(Ljava/lang/CharSequence;)[Ljava/lang/String;", "patternSplit");
    virtual(PATTERN, PATTERN, "split", "(Ljava/lang/CharSequence;I)[Ljava/lang/String;", "patternSplit");
    virtual(PATTERN, PATTERN, "splitAsStream", "(Ljava/lang/CharSequence;)Ljava/util/stream/Stream;",
        "patternSplitAsStream");
    virtual(PATTERN, PATTERN, "asPredicate", "()Ljava/util/function/Predicate;", "asPredicate");
    virtual(PATTERN, PATTERN, "asMatchPredicate", "()Ljava/util/function/Predicate;", "asMatchPredicate");
    statics(PATTERN, "matches", "(Ljava/lang/String;Ljava/lang/CharSequence;)Z", "patternMatches");
    virtual("java/util/regex/Matcher", "java/util/regex/Matcher", "reset",
        "(Ljava/lang/CharSequence;)Ljava/util/regex/Matcher;", "reset");
  }

  private void streams() {
    streamSources("java/util/stream/IntStream", "I", "Int", "int");
    streamSources("java/util/stream/LongStream", "J", "Long", "long");
    streamSources("java/util/stream/DoubleStream", "D", "Double", "double");
    String stream = "Ljava/util/stream/Stream;";
    statics("java/util/stream/Stream", "iterate",
        "(Ljava/lang/Object;Ljava/util/function/UnaryOperator;)" + stream, "iterate");
    statics("java/util/stream/Stream", "iterate",
        "(Ljava/lang/Object;Ljava/util/function/Predicate;Ljava/util/function/UnaryOperator;)" + stream, "iterate");
    statics("java/util/stream/Stream", "generate", "(Ljava/util/function/Supplier;)" + stream, "generate");
  }

  private void streamSources(String owner, String primitive, String typeName, String prefix) {
    String stream = "L" + owner + ";";
    String function = "Ljava/util/function/" + typeName;
    if (!primitive.equals("D")) {
      statics(owner, "range", "(" + primitive + primitive + ")" + stream, prefix + "Range");
      statics(owner, "rangeClosed", "(" + primitive + primitive + ")" + stream, prefix + "RangeClosed");
    }
    statics(owner, "iterate", "(" + primitive + function + "UnaryOperator;)" + stream, prefix + "Iterate");
    statics(owner, "iterate", "(" + primitive + function + "Predicate;" + function + "UnaryOperator;)" + stream,
        prefix + "Iterate");
    statics(owner, "generate", "(" + function + "Supplier;)" + stream, prefix + "Generate");
  }

  /** An instance method of {@code owner}, replaced by a helper that takes a {@code receiver} first. */
  private void virtual(String receiver, String owner, String name, String descriptor, String helper) {
    Type method = Type.getMethodType(descriptor);
    Type[] arguments = method.getArgumentTypes();
    Type[] withReceiver = new Type[arguments.length + 1];
    withReceiver[0] = Type.getObjectType(receiver);
    System.arraycopy(arguments, 0, withReceiver, 1, arguments.length);
    put(owner, name, descriptor, new Replacement(helper, Type.getMethodDescriptor(method.getReturnType(), withReceiver)));
  }

  private void statics(String owner, String name, String descriptor, String helper) {
    put(owner, name, descriptor, new Replacement(helper, descriptor));
  }

  private void put(String owner, String name, String descriptor, Replacement replacement) {
    if (replacements.put(owner + "." + name + descriptor, replacement) != null) {
      throw new IllegalStateException("two replacements for " + owner + "." + name + descriptor);
    }
  }

  private void capacity(String owner, String descriptor, int elementBytes) {
    capacities.put(owner + ".<init>" + descriptor, new Capacity(0, elementBytes));
  }
}
