package dev.solo.client;

/**
 * One method a service describes about itself.
 *
 * @param name the method name, as passed to {@link SoloClient#call}
 * @param description what it does, for a person or a model
 * @param inputSchema a JSON Schema of its request body, which is a JSON object: {@code "type": "object"}
 * @param readOnly true if it changes nothing
 */
public record MethodInfo(String name, String description, String inputSchema, boolean readOnly) {

  static MethodInfo from(dev.solo.proto.v1.MethodDescription m) {
    return new MethodInfo(m.getName(), m.getDescription(), m.getInputSchema(), m.getReadOnly());
  }
}
