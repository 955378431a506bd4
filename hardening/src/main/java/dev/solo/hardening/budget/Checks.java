package dev.solo.hardening.budget;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleConsumer;
import java.util.function.DoublePredicate;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The calls that instrumented tenant code makes into its budget, and nothing else calls. Every
 * public static method here is admitted in instrumented code (and only there: verification of
 * what a tenant submits refuses this class). Each one finds the {@link Meter} of the calling
 * thread and throws {@link BudgetExceededError} of kind {@code NO_BUDGET} if there is none.
 *
 * <p>Check points ({@link #enter}, {@link #leave}, {@link #tick}, {@link #handler}) are tiny so
 * the JIT inlines them. Allocation checks ({@link #arrayLength}, {@link #arrayDimensions}) run
 * before the JVM allocates. The rest stand in for JDK calls whose work or allocation grows with
 * an argument: each estimates what the call will allocate, refuses what is over the budget, and
 * then makes the original call; regular expressions run over an input whose every character
 * read is a check.
 */
public final class Checks {
  private static final Pattern FORMAT_SPECIFIER = Pattern.compile("%(?:\\d+\\$)?[-#+ 0,(<]*(\\d+)?(?:\\.(\\d+))?");
  private static final int REFERENCE_BYTES = 4;
  private static final int OBJECT_BYTES = 16;
  private static final IntConsumer INT_TICK = value -> tick();
  private static final LongConsumer LONG_TICK = value -> tick();
  private static final DoubleConsumer DOUBLE_TICK = value -> tick();

  private Checks() {}

  // ---- check points ----

  /**
   * Method entry: a check, and one level deeper.
   *
   * @return the call depth of the entered method, which its exits and handlers pass back
   * @throws BudgetExceededError of kind {@code DEPTH} when the call would nest deeper than the limit
   */
  public static int enter() {
    Meter meter = Meter.current();
    if (--meter.countdown < 0 || meter.attention) {
      meter.check();
    }
    int depth = meter.depth + 1;
    if (depth > meter.maxDepth) {
      throw meter.tooDeep();
    }
    meter.depth = depth;
    return depth;
  }

  /** Method exit, normal or thrown: back to the depth of the caller. Never throws. */
  public static void leave(int depth) {
    Meter meter = Meter.currentOrNull();
    if (meter != null) {
      meter.depth = depth - 1;
    }
  }

  /** A backward jump, a switch, or the entry of a method that calls nothing: a check. */
  public static void tick() {
    Meter meter = Meter.current();
    if (--meter.countdown < 0 || meter.attention) {
      meter.check();
    }
  }

  /**
   * Exception handler entry, catch or finally: back to the depth of the handling method, and an
   * earlier trip or a kill is thrown again at once, so no handler can swallow it.
   */
  public static void handler(int depth) {
    Meter meter = Meter.current();
    meter.depth = depth;
    if (meter.attention) {
      meter.check();
    }
  }

  // ---- arrays ----

  /**
   * Before {@code newarray}/{@code anewarray}: refuses an array over the size limit and charges
   * it to the allocation budget. A negative count is left to the JVM.
   *
   * @return {@code count}
   */
  public static int arrayLength(int count, int elementBytes) {
    Meter meter = Meter.current();
    if (count > 0) {
      meter.allocate((long) count * elementBytes);
    }
    return count;
  }

  /**
   * Before {@code multianewarray}: refuses if one of the arrays is over the size limit, or all of
   * them together are over the allocation budget. Negative dimensions are left to the JVM.
   *
   * @param dimensions the dimensions the instruction takes, outermost first
   * @param elementBytes the size of an element of the innermost arrays it creates
   */
  public static void arrayDimensions(int[] dimensions, int elementBytes) {
    Meter meter = Meter.current();
    for (int dimension : dimensions) {
      if (dimension < 0) {
        return;
      }
    }
    long arrays = 1;
    long total = 0;
    for (int i = 0; i < dimensions.length && arrays > 0; i++) {
      long bytes = (long) dimensions[i] * (i == dimensions.length - 1 ? elementBytes : REFERENCE_BYTES);
      meter.limitArray(bytes);
      total = saturatedAdd(total, saturatedMultiply(arrays, bytes + OBJECT_BYTES));
      arrays = saturatedMultiply(arrays, dimensions[i]);
    }
    meter.charge(total);
  }

  /** After string concatenation ({@code +}): refuses a string over the size limit before it doubles again. */
  public static String concatenated(String value) {
    Meter.current().allocate(value.length());
    return value;
  }

  // ---- java.lang.String ----

  /** {@link String#repeat}, refused before the JDK allocates a result over the limits. */
  public static String repeat(String text, int count) {
    Meter meter = Meter.current();
    if (count > 1) {
      meter.allocate(saturatedMultiply(saturatedMultiply(text.length(), count), bytesPerChar(text)));
    }
    return text.repeat(count);
  }

  /** {@link String#concat}, refused before the JDK allocates a result over the limits. */
  public static String concat(String text, String other) {
    Meter.current().allocate((long) text.length() + other.length());
    return text.concat(other);
  }

  /** {@link String#replace(CharSequence, CharSequence)}, refused before a result over the limits. */
  public static String replace(String text, CharSequence target, CharSequence replacement) {
    Meter meter = Meter.current();
    int grows = replacement.length() - target.length();
    if (grows > 0) {
      String literal = target.toString();
      long count = 0;
      if (literal.isEmpty()) {
        count = text.length() + 1L;
      } else {
        for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length())) {
          count++;
        }
      }
      meter.allocate(saturatedAdd(text.length(), saturatedMultiply(count, grows)));
    }
    return text.replace(target, replacement);
  }

  /** {@link String#indent}, refused before a result over the limits. */
  public static String indent(String text, int spaces) {
    Meter meter = Meter.current();
    if (spaces > 0) {
      long lines = text.chars().filter(c -> c == '\n').count() + 1;
      meter.allocate(saturatedAdd(text.length(), saturatedMultiply(lines, spaces)));
    }
    return text.indent(spaces);
  }

  /** {@link String#format(String, Object...)}, refused if its widths and precisions add up over the limits. */
  public static String format(String format, Object[] args) {
    Meter.current().allocate(formatEstimate(format));
    return String.format(format, args);
  }

  /** {@link String#formatted}, refused if its widths and precisions add up over the limits. */
  public static String formatted(String format, Object[] args) {
    Meter.current().allocate(formatEstimate(format));
    return format.formatted(args);
  }

  /** {@link String#join(CharSequence, CharSequence...)}, refused before a result over the limits. */
  public static String join(CharSequence delimiter, CharSequence[] elements) {
    Meter meter = Meter.current();
    long chars = (long) delimiter.length() * Math.max(0, elements.length - 1);
    for (CharSequence element : elements) {
      chars = saturatedAdd(chars, element == null ? 4 : element.length());
    }
    meter.allocate(chars);
    return String.join(delimiter, elements);
  }

  /**
   * {@link String#join(CharSequence, Iterable)}, refused before a result over the limits when
   * the elements are in a JDK collection (any other iterable is not walked twice).
   */
  public static String join(CharSequence delimiter, Iterable<? extends CharSequence> elements) {
    Meter meter = Meter.current();
    if (elements instanceof Collection<?> collection && collection.getClass().getClassLoader() == null) {
      long chars = (long) delimiter.length() * Math.max(0, collection.size() - 1);
      for (Object element : collection) {
        chars = saturatedAdd(chars, element instanceof String text ? text.length() : OBJECT_BYTES);
      }
      meter.allocate(chars);
    }
    return String.join(delimiter, elements);
  }

  /** {@link String#matches}, over a checked input. */
  public static boolean matches(String text, String regex) {
    Meter.current();
    return Pattern.compile(regex).matcher(CheckedCharSequence.of(text)).matches();
  }

  /** {@link String#replaceAll}, over a checked input. */
  public static String replaceAll(String text, String regex, String replacement) {
    Meter.current();
    return Pattern.compile(regex).matcher(CheckedCharSequence.of(text)).replaceAll(replacement);
  }

  /** {@link String#replaceFirst}, over a checked input. */
  public static String replaceFirst(String text, String regex, String replacement) {
    Meter.current();
    return Pattern.compile(regex).matcher(CheckedCharSequence.of(text)).replaceFirst(replacement);
  }

  /** {@link String#split(String)}, over a checked input. */
  public static String[] split(String text, String regex) {
    return split(text, regex, 0);
  }

  /**
   * {@link String#split(String, int)}: a one-character literal (the JDK's fast path) is charged
   * for its pieces first; any other expression runs over a checked input.
   */
  public static String[] split(String text, String regex, int limit) {
    Meter meter = Meter.current();
    Objects.requireNonNull(text); // a null receiver fails here, as it would at the original call
    int literal = literalSplitChar(regex);
    if (literal < 0) {
      return Pattern.compile(regex).split(CheckedCharSequence.of(text), limit);
    }
    long pieces = 1;
    for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + 1)) {
      pieces++;
    }
    meter.limitArray(pieces * REFERENCE_BYTES);
    meter.charge(saturatedAdd(text.length(), pieces * (REFERENCE_BYTES * 2L + OBJECT_BYTES * 2L)));
    return text.split(regex, limit);
  }

  // ---- java.lang.StringBuilder ----

  /** {@link StringBuilder#append(String)}, refused once the builder is over the size limit. */
  public static StringBuilder append(StringBuilder builder, String text) {
    return grown(builder.append(text));
  }

  /** {@link StringBuilder#append(CharSequence)}, refused once the builder is over the size limit. */
  public static StringBuilder append(StringBuilder builder, CharSequence text) {
    return grown(builder.append(text));
  }

  /** {@link StringBuilder#append(Object)}, refused once the builder is over the size limit. */
  public static StringBuilder append(StringBuilder builder, Object value) {
    return grown(builder.append(value));
  }

  /** {@link StringBuilder#insert(int, String)}, refused once the builder is over the size limit. */
  public static StringBuilder insert(StringBuilder builder, int offset, String text) {
    return grown(builder.insert(offset, text));
  }

  /** {@link StringBuilder#insert(int, CharSequence)}, refused once the builder is over the size limit. */
  public static StringBuilder insert(StringBuilder builder, int offset, CharSequence text) {
    return grown(builder.insert(offset, text));
  }

  /** {@link StringBuilder#insert(int, Object)}, refused once the builder is over the size limit. */
  public static StringBuilder insert(StringBuilder builder, int offset, Object value) {
    return grown(builder.insert(offset, value));
  }

  /** {@link StringBuilder#ensureCapacity}, refused before the builder grows over the limits. */
  public static void ensureCapacity(StringBuilder builder, int minimumCapacity) {
    builderGrowth(builder, minimumCapacity);
    builder.ensureCapacity(minimumCapacity);
  }

  /** {@link StringBuilder#setLength}, refused before the builder grows over the limits. */
  public static void setLength(StringBuilder builder, int length) {
    builderGrowth(builder, length);
    builder.setLength(length);
  }

  // ---- java.util.Arrays ----

  /** {@link Arrays#copyOf(boolean[], int)}, refused before a copy over the limits. */
  public static boolean[] copyOf(boolean[] original, int length) {
    newArray(length, 1);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(byte[], int)}, refused before a copy over the limits. */
  public static byte[] copyOf(byte[] original, int length) {
    newArray(length, 1);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(char[], int)}, refused before a copy over the limits. */
  public static char[] copyOf(char[] original, int length) {
    newArray(length, 2);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(short[], int)}, refused before a copy over the limits. */
  public static short[] copyOf(short[] original, int length) {
    newArray(length, 2);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(int[], int)}, refused before a copy over the limits. */
  public static int[] copyOf(int[] original, int length) {
    newArray(length, 4);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(long[], int)}, refused before a copy over the limits. */
  public static long[] copyOf(long[] original, int length) {
    newArray(length, 8);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(float[], int)}, refused before a copy over the limits. */
  public static float[] copyOf(float[] original, int length) {
    newArray(length, 4);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(double[], int)}, refused before a copy over the limits. */
  public static double[] copyOf(double[] original, int length) {
    newArray(length, 8);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOf(Object[], int)}, refused before a copy over the limits. */
  public static Object[] copyOf(Object[] original, int length) {
    newArray(length, REFERENCE_BYTES);
    return Arrays.copyOf(original, length);
  }

  /** {@link Arrays#copyOfRange(boolean[], int, int)}, refused before a copy over the limits. */
  public static boolean[] copyOfRange(boolean[] original, int from, int to) {
    newArray((long) to - from, 1);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(byte[], int, int)}, refused before a copy over the limits. */
  public static byte[] copyOfRange(byte[] original, int from, int to) {
    newArray((long) to - from, 1);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(char[], int, int)}, refused before a copy over the limits. */
  public static char[] copyOfRange(char[] original, int from, int to) {
    newArray((long) to - from, 2);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(short[], int, int)}, refused before a copy over the limits. */
  public static short[] copyOfRange(short[] original, int from, int to) {
    newArray((long) to - from, 2);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(int[], int, int)}, refused before a copy over the limits. */
  public static int[] copyOfRange(int[] original, int from, int to) {
    newArray((long) to - from, 4);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(long[], int, int)}, refused before a copy over the limits. */
  public static long[] copyOfRange(long[] original, int from, int to) {
    newArray((long) to - from, 8);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(float[], int, int)}, refused before a copy over the limits. */
  public static float[] copyOfRange(float[] original, int from, int to) {
    newArray((long) to - from, 4);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(double[], int, int)}, refused before a copy over the limits. */
  public static double[] copyOfRange(double[] original, int from, int to) {
    newArray((long) to - from, 8);
    return Arrays.copyOfRange(original, from, to);
  }

  /** {@link Arrays#copyOfRange(Object[], int, int)}, refused before a copy over the limits. */
  public static Object[] copyOfRange(Object[] original, int from, int to) {
    newArray((long) to - from, REFERENCE_BYTES);
    return Arrays.copyOfRange(original, from, to);
  }

  // ---- java.util collections ----

  /**
   * {@link Collections#nCopies}: the list itself is small, but anything that copies it is not,
   * so it is refused if an array of its references would be over the size limit.
   */
  public static <T> List<T> nCopies(int count, T element) {
    Meter meter = Meter.current();
    if (count > 0) {
      meter.limitArray((long) count * REFERENCE_BYTES);
    }
    return Collections.nCopies(count, element);
  }

  /** {@link ArrayList#ensureCapacity}, refused before the list grows over the limits. */
  public static void ensureCapacity(ArrayList<?> list, int minimumCapacity) {
    Meter meter = Meter.current();
    if (minimumCapacity > list.size()) {
      meter.allocate((long) minimumCapacity * REFERENCE_BYTES);
    }
    list.ensureCapacity(minimumCapacity);
  }

  /** {@link Collection#addAll}, refused once the collection holds more references than an array may. */
  public static <E> boolean addAll(Collection<E> collection, Collection<? extends E> elements) {
    Meter meter = Meter.current();
    boolean changed = collection.addAll(elements);
    meter.limitArray((long) collection.size() * REFERENCE_BYTES);
    return changed;
  }

  /** {@link List#addAll(int, Collection)}, refused once the list holds more references than an array may. */
  public static <E> boolean addAll(List<E> list, int index, Collection<? extends E> elements) {
    Meter meter = Meter.current();
    boolean changed = list.addAll(index, elements);
    meter.limitArray((long) list.size() * REFERENCE_BYTES);
    return changed;
  }

  /** {@link Collections#addAll}, refused once the collection holds more references than an array may. */
  public static boolean addAll(Collection<? super Object> collection, Object[] elements) {
    Meter meter = Meter.current();
    boolean changed = Collections.addAll(collection, elements);
    meter.limitArray((long) collection.size() * REFERENCE_BYTES);
    return changed;
  }

  // ---- java.math ----

  /** {@link BigInteger#pow}, refused before a result over the limits. */
  public static BigInteger pow(BigInteger base, int exponent) {
    Meter meter = Meter.current();
    if (exponent > 1 && base.bitLength() > 0 && !base.equals(BigInteger.ONE)) {
      meter.allocate(bitsToBytes(saturatedMultiply(base.bitLength() + 1L, exponent)));
    }
    return base.pow(exponent);
  }

  /** {@link BigInteger#shiftLeft}, refused before a result over the limits. */
  public static BigInteger shiftLeft(BigInteger value, int bits) {
    Meter meter = Meter.current();
    if (bits > 0 && value.signum() != 0) {
      meter.allocate(bitsToBytes((long) value.bitLength() + bits));
    }
    return value.shiftLeft(bits);
  }

  /** {@link BigInteger#setBit}, refused before a result over the limits. */
  public static BigInteger setBit(BigInteger value, int bit) {
    Meter.current().allocate(bitsToBytes(Math.max(value.bitLength(), bit + 1L)));
    return value.setBit(bit);
  }

  /** {@link BigInteger#flipBit}, refused before a result over the limits. */
  public static BigInteger flipBit(BigInteger value, int bit) {
    Meter.current().allocate(bitsToBytes(Math.max(value.bitLength(), bit + 1L)));
    return value.flipBit(bit);
  }

  /** {@link BigDecimal#pow(int)}, refused before a result over the limits. */
  public static BigDecimal pow(BigDecimal base, int exponent) {
    Meter meter = Meter.current();
    if (exponent > 1 && base.signum() != 0) {
      meter.allocate(digitsToBytes(saturatedMultiply(digits(base), exponent)));
    }
    return base.pow(exponent);
  }

  /** {@link BigDecimal#setScale(int)}, refused before a result over the limits. */
  public static BigDecimal setScale(BigDecimal value, int scale) {
    rescaled(value, scale);
    return value.setScale(scale);
  }

  /** {@link BigDecimal#setScale(int, RoundingMode)}, refused before a result over the limits. */
  public static BigDecimal setScale(BigDecimal value, int scale, RoundingMode rounding) {
    rescaled(value, scale);
    return value.setScale(scale, rounding);
  }

  /** {@code BigDecimal.setScale(int, int)}, refused before a result over the limits. */
  public static BigDecimal setScale(BigDecimal value, int scale, int rounding) {
    rescaled(value, scale);
    return value.setScale(scale, RoundingMode.valueOf(rounding));
  }

  /** {@link BigDecimal#movePointLeft}, refused before a result over the limits. */
  public static BigDecimal movePointLeft(BigDecimal value, int places) {
    rescaled(value, (long) value.scale() + places);
    return value.movePointLeft(places);
  }

  /** {@link BigDecimal#movePointRight}, refused before a result over the limits. */
  public static BigDecimal movePointRight(BigDecimal value, int places) {
    rescaled(value, (long) value.scale() - places);
    return value.movePointRight(places);
  }

  /** {@link BigDecimal#toBigInteger}, refused before a result over the limits. */
  public static BigInteger toBigInteger(BigDecimal value) {
    rescaled(value, 0);
    return value.toBigInteger();
  }

  /** {@link BigDecimal#toBigIntegerExact}, refused before a result over the limits. */
  public static BigInteger toBigIntegerExact(BigDecimal value) {
    rescaled(value, 0);
    return value.toBigIntegerExact();
  }

  /** {@link BigDecimal#toPlainString}, refused before a result over the limits. */
  public static String toPlainString(BigDecimal value) {
    Meter.current().allocate(saturatedAdd(digits(value), Math.abs((long) value.scale())) + 2);
    return value.toPlainString();
  }

  /** {@link BigDecimal#add(BigDecimal)}, refused before aligning scales makes a result over the limits. */
  public static BigDecimal add(BigDecimal value, BigDecimal other) {
    aligned(value, other);
    return value.add(other);
  }

  /** {@link BigDecimal#subtract(BigDecimal)}, refused before aligning scales makes a result over the limits. */
  public static BigDecimal subtract(BigDecimal value, BigDecimal other) {
    aligned(value, other);
    return value.subtract(other);
  }

  /** {@link BigDecimal#divide(BigDecimal, int, RoundingMode)}, refused before a result over the limits. */
  public static BigDecimal divide(BigDecimal value, BigDecimal divisor, int scale, RoundingMode rounding) {
    divided(value, divisor, scale);
    return value.divide(divisor, scale, rounding);
  }

  /** {@code BigDecimal.divide(BigDecimal, int, int)}, refused before a result over the limits. */
  public static BigDecimal divide(BigDecimal value, BigDecimal divisor, int scale, int rounding) {
    divided(value, divisor, scale);
    return value.divide(divisor, scale, RoundingMode.valueOf(rounding));
  }

  // ---- java.util.regex ----

  /** {@link Pattern#matcher}, over a checked input. */
  public static Matcher matcher(Pattern pattern, CharSequence input) {
    Meter.current();
    return pattern.matcher(CheckedCharSequence.of(input));
  }

  /** {@link Matcher#reset(CharSequence)}, over a checked input. */
  public static Matcher reset(Matcher matcher, CharSequence input) {
    Meter.current();
    return matcher.reset(CheckedCharSequence.of(input));
  }

  /** {@link Pattern#matches(String, CharSequence)}, over a checked input. */
  public static boolean patternMatches(String regex, CharSequence input) {
    Meter.current();
    return Pattern.matches(regex, CheckedCharSequence.of(input));
  }

  /** {@link Pattern#split(CharSequence)}, over a checked input. */
  public static String[] patternSplit(Pattern pattern, CharSequence input) {
    Meter.current();
    return pattern.split(CheckedCharSequence.of(input));
  }

  /** {@link Pattern#split(CharSequence, int)}, over a checked input. */
  public static String[] patternSplit(Pattern pattern, CharSequence input, int limit) {
    Meter.current();
    return pattern.split(CheckedCharSequence.of(input), limit);
  }

  /** {@link Pattern#splitAsStream}, over a checked input. */
  public static Stream<String> patternSplitAsStream(Pattern pattern, CharSequence input) {
    Meter.current();
    return pattern.splitAsStream(CheckedCharSequence.of(input));
  }

  /** {@link Pattern#asPredicate}, whose tests run over a checked input. */
  public static Predicate<String> asPredicate(Pattern pattern) {
    Meter.current();
    Objects.requireNonNull(pattern); // a null receiver fails here, as it would at the original call
    return text -> pattern.matcher(CheckedCharSequence.of(text)).find();
  }

  /** {@link Pattern#asMatchPredicate}, whose tests run over a checked input. */
  public static Predicate<String> asMatchPredicate(Pattern pattern) {
    Meter.current();
    Objects.requireNonNull(pattern); // a null receiver fails here, as it would at the original call
    return text -> pattern.matcher(CheckedCharSequence.of(text)).matches();
  }

  // ---- java.util.stream sources that can run forever inside the JDK ----

  /** {@link IntStream#range}, with a check per element. */
  public static IntStream intRange(int from, int to) {
    Meter.current();
    return IntStream.range(from, to).peek(INT_TICK);
  }

  /** {@link IntStream#rangeClosed}, with a check per element. */
  public static IntStream intRangeClosed(int from, int to) {
    Meter.current();
    return IntStream.rangeClosed(from, to).peek(INT_TICK);
  }

  /** {@link IntStream#iterate(int, IntUnaryOperator)}, with a check per element. */
  public static IntStream intIterate(int seed, IntUnaryOperator next) {
    Meter.current();
    return IntStream.iterate(seed, next).peek(INT_TICK);
  }

  /** {@link IntStream#iterate(int, IntPredicate, IntUnaryOperator)}, with a check per element. */
  public static IntStream intIterate(int seed, IntPredicate hasNext, IntUnaryOperator next) {
    Meter.current();
    return IntStream.iterate(seed, hasNext, next).peek(INT_TICK);
  }

  /** {@link IntStream#generate}, with a check per element. */
  public static IntStream intGenerate(IntSupplier supplier) {
    Meter.current();
    return IntStream.generate(supplier).peek(INT_TICK);
  }

  /** {@link LongStream#range}, with a check per element. */
  public static LongStream longRange(long from, long to) {
    Meter.current();
    return LongStream.range(from, to).peek(LONG_TICK);
  }

  /** {@link LongStream#rangeClosed}, with a check per element. */
  public static LongStream longRangeClosed(long from, long to) {
    Meter.current();
    return LongStream.rangeClosed(from, to).peek(LONG_TICK);
  }

  /** {@link LongStream#iterate(long, LongUnaryOperator)}, with a check per element. */
  public static LongStream longIterate(long seed, LongUnaryOperator next) {
    Meter.current();
    return LongStream.iterate(seed, next).peek(LONG_TICK);
  }

  /** {@link LongStream#iterate(long, LongPredicate, LongUnaryOperator)}, with a check per element. */
  public static LongStream longIterate(long seed, LongPredicate hasNext, LongUnaryOperator next) {
    Meter.current();
    return LongStream.iterate(seed, hasNext, next).peek(LONG_TICK);
  }

  /** {@link LongStream#generate}, with a check per element. */
  public static LongStream longGenerate(LongSupplier supplier) {
    Meter.current();
    return LongStream.generate(supplier).peek(LONG_TICK);
  }

  /** {@link DoubleStream#iterate(double, DoubleUnaryOperator)}, with a check per element. */
  public static DoubleStream doubleIterate(double seed, DoubleUnaryOperator next) {
    Meter.current();
    return DoubleStream.iterate(seed, next).peek(DOUBLE_TICK);
  }

  /** {@link DoubleStream#iterate(double, DoublePredicate, DoubleUnaryOperator)}, with a check per element. */
  public static DoubleStream doubleIterate(double seed, DoublePredicate hasNext, DoubleUnaryOperator next) {
    Meter.current();
    return DoubleStream.iterate(seed, hasNext, next).peek(DOUBLE_TICK);
  }

  /** {@link DoubleStream#generate}, with a check per element. */
  public static DoubleStream doubleGenerate(DoubleSupplier supplier) {
    Meter.current();
    return DoubleStream.generate(supplier).peek(DOUBLE_TICK);
  }

  /** {@link Stream#iterate(Object, UnaryOperator)}, with a check per element. */
  public static <T> Stream<T> iterate(T seed, UnaryOperator<T> next) {
    Meter.current();
    return Stream.iterate(seed, next).peek(element -> tick());
  }

  /** {@link Stream#iterate(Object, Predicate, UnaryOperator)}, with a check per element. */
  public static <T> Stream<T> iterate(T seed, Predicate<? super T> hasNext, UnaryOperator<T> next) {
    Meter.current();
    return Stream.iterate(seed, hasNext, next).peek(element -> tick());
  }

  /** {@link Stream#generate}, with a check per element. */
  public static <T> Stream<T> generate(Supplier<? extends T> supplier) {
    Meter.current();
    return Stream.<T>generate(supplier).peek(element -> tick());
  }

  // ---- estimates ----

  private static void newArray(long length, int elementBytes) {
    Meter meter = Meter.current();
    if (length > 0) {
      meter.allocate(length * elementBytes);
    }
  }

  private static StringBuilder grown(StringBuilder builder) {
    Meter.current().limitArray(builder.length());
    return builder;
  }

  private static void builderGrowth(StringBuilder builder, int length) {
    Meter meter = Meter.current();
    int capacity = builder.capacity();
    if (length > capacity) {
      meter.allocate(Math.max(length, 2L * capacity + 2));
    }
  }

  private static void rescaled(BigDecimal value, long scale) {
    Meter meter = Meter.current();
    if (value.signum() != 0 && scale > value.scale()) {
      meter.allocate(digitsToBytes(saturatedAdd(digits(value), scale - value.scale())));
    }
  }

  private static void aligned(BigDecimal value, BigDecimal other) {
    Meter meter = Meter.current();
    if (value.signum() != 0 && other.signum() != 0) {
      long integerDigits = Math.max(digits(value) - value.scale(), digits(other) - other.scale());
      long digits = saturatedAdd(integerDigits, Math.max(value.scale(), other.scale())) + 1;
      meter.allocate(digitsToBytes(digits));
    }
  }

  private static void divided(BigDecimal value, BigDecimal divisor, int scale) {
    Meter meter = Meter.current();
    if (value.signum() != 0 && divisor.signum() != 0) {
      long integerDigits = Math.max(0, (digits(value) - value.scale()) - (digits(divisor) - divisor.scale()) + 1);
      meter.allocate(digitsToBytes(saturatedAdd(integerDigits, Math.max(0, scale))));
    }
  }

  /** An upper bound of the decimal digits of the unscaled value, without computing its precision. */
  private static long digits(BigDecimal value) {
    return value.unscaledValue().bitLength() * 30103L / 100000 + 1;
  }

  private static long digitsToBytes(long digits) {
    return digits <= 0 ? 0 : saturatedMultiply(digits, 5) / 12 + OBJECT_BYTES;
  }

  private static long bitsToBytes(long bits) {
    return bits / 8 + OBJECT_BYTES;
  }

  private static int bytesPerChar(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xFF) {
        return 2;
      }
    }
    return 1;
  }

  /** The characters a format string asks for: its own length, plus every width and precision. */
  private static long formatEstimate(String format) {
    long chars = format.length();
    Matcher specifier = FORMAT_SPECIFIER.matcher(format);
    while (specifier.find()) {
      chars = saturatedAdd(chars, saturatedAdd(number(specifier.group(1)), number(specifier.group(2))));
    }
    return chars;
  }

  private static long number(String digits) {
    if (digits == null) {
      return 0;
    }
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  /**
   * The character that {@link String#split(String, int)} splits on without regular expressions,
   * or -1: the same test as the JDK's fast path.
   */
  private static int literalSplitChar(String regex) {
    if (regex.length() == 1 && ".$|()[{^?*+\\".indexOf(regex.charAt(0)) < 0) {
      return regex.charAt(0);
    }
    if (regex.length() == 2 && regex.charAt(0) == '\\') {
      char c = regex.charAt(1);
      boolean letterOrDigit = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      if (!letterOrDigit && !Character.isSurrogate(c)) {
        return c;
      }
    }
    return -1;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high == 0 && low >= 0 || high == -1 && low < 0 ? low : Long.MAX_VALUE;
  }
}
