package dev.solo.api;

/**
 * What one method of a service does, for the agents and tools that discover it: each described
 * method of a live service becomes an MCP tool named {@code <service>__<method>}.
 *
 * <p>The kernel checks a description when the version is deployed, and refuses the deploy
 * (rule {@code DEPLOY-METHODS}) unless: the description is not blank and at most 1,024
 * characters; the input schema is a JSON object with {@code "type": "object"}, at most 16 KiB;
 * an empty or null schema stands for {@code {"type":"object"}}, a method that takes no input.
 *
 * <pre>{@code
 * public Map<String, MethodSpec> methods() {
 *   return Map.of("increment", new MethodSpec("Adds by (default 1) to the total and returns it",
 *       "{\"type\":\"object\",\"properties\":{\"by\":{\"type\":\"integer\"}}}", false));
 * }
 * }</pre>
 *
 * @param description what the method does and returns, written for a person or a model
 * @param inputSchema a JSON Schema of the request body, which callers send as a JSON object
 * @param readOnly true if the method changes nothing
 */
public record MethodSpec(String description, String inputSchema, boolean readOnly) {}
