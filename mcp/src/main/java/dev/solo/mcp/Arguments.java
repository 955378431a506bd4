package dev.solo.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one tool call, read by type. A missing or mistyped argument is an {@link
 * Invalid}, which the tool answers as an error result naming the argument: the model can fix it.
 */
final class Arguments {
  private final Map<String, Object> values;

  private Arguments(Map<String, Object> values) {
    this.values = values == null ? Map.of() : values;
  }

  static Arguments of(Map<String, Object> values) {
    return new Arguments(values);
  }

  /** A tool argument is missing or of the wrong type. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** {@return every argument, as the client sent them} */
  Map<String, Object> all() {
    return values;
  }

  /** {@return the raw value, or null} */
  Object raw(String name) {
    return values.get(name);
  }

  /** {@return a string argument that must be present and not blank} */
  String requiredString(String name) {
    Object value = values.get(name);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new Invalid("argument '" + name + "' is required: a non-empty string");
    }
    return text;
  }

  /** {@return a string argument, or {@code fallback} when it is absent} */
  String optionalString(String name, String fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw new Invalid("argument '" + name + "' must be a string");
    }
    return text;
  }

  /** {@return an integer argument within [min, max], or {@code fallback} when it is absent} */
  long optionalLong(String name, long fallback, long min, long max) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw new Invalid("argument '" + name + "' must be an integer from " + min + " to " + max);
    }
    long whole = number.longValue();
    if (whole < min || whole > max) {
      throw new Invalid("argument '" + name + "' must be from " + min + " to " + max + ", got " + whole);
    }
    return whole;
  }

  /** {@return an object argument whose values are all strings, which must be present and not empty} */
  Map<String, String> requiredStringMap(String name) {
    Object value = values.get(name);
    if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
      throw new Invalid("argument '" + name + "' is required: an object of file name to source text, such as"
          + " {\"Counter.java\": \"public class Counter implements Service { ... }\"}");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    map.forEach((key, text) -> {
      if (!(text instanceof String source)) {
        throw new Invalid("argument '" + name + "': the value of '" + key + "' must be a string (the file's text)");
      }
      copy.put(String.valueOf(key), source);
    });
    return copy;
  }

  /** {@return a list argument whose items are all strings; empty when absent} */
  List<String> optionalStringList(String name) {
    Object value = values.get(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new Invalid("argument '" + name + "' must be an array of strings");
    }
    List<String> copy = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof String text)) {
        throw new Invalid("argument '" + name + "' must be an array of strings");
      }
      copy.add(text);
    }
    return List.copyOf(copy);
  }
}
