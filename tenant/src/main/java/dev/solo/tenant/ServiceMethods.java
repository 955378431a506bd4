package dev.solo.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.solo.api.MethodSpec;
import dev.solo.api.Service;
import dev.solo.hardening.Finding;
import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.proto.state.v1.StoredMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service says about its methods ({@link Service#methods()}), read once when a version is
 * deployed and checked against rule {@value #RULE}. The checked answer is stored with the
 * version, so describing a service never runs tenant code again.
 */
final class ServiceMethods {
  /** The rule id of every refusal of a service's {@code methods()}. */
  static final String RULE = "DEPLOY-METHODS";
  static final int MAX_METHODS = 64;
  static final int MAX_DESCRIPTION_CHARS = 1024;
  static final int MAX_SCHEMA_BYTES = 16 * 1024;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern DECLARATION = Pattern.compile("\\bmethods\\s*\\(\\s*\\)\\s*\\{");
  /** What an empty schema stands for: a method that takes no input. */
  private static final String NO_INPUT = "{\"type\":\"object\"}";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ServiceMethods() {}

  /**
   * The version's {@code methods()} was refused. Its findings name no file yet: the tenant
   * supervisor, which has the sources, points them at the {@code methods()} declaration.
   */
  static final class Refused extends RuntimeException {
    private final transient List<Finding> findings;

    Refused(List<Finding> findings) {
      super(findings.size() + " problem(s) with methods(): " + findings.get(0).message(), null, false, false);
      this.findings = List.copyOf(findings);
    }

    List<Finding> findings() {
      return findings;
    }
  }

  /**
   * Runs on a tenant-code thread, under a budget of its own: calls {@code methods()} once, copies
   * the answer into host values (iterating a map of the tenant's own class runs tenant code, so
   * this too must be under the budget) and checks it.
   *
   * @return the methods sorted by name
   * @throws Refused with one finding per problem
   */
  static List<StoredMethod> read(Service service) {
    Map<?, ?> described;
    try {
      described = service.methods();
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      throw refused("methods() threw " + TenantCode.describe(t));
    }
    if (described == null) {
      throw refused("methods() returned null; return Map.of() to describe no methods");
    }
    List<Finding> findings = new ArrayList<>();
    Map<String, MethodSpec> copy = new TreeMap<>();
    int count = 0;
    // Raw generics can put anything in a Map<String, MethodSpec>: check every key and value.
    for (Map.Entry<?, ?> entry : described.entrySet()) {
      if (++count > MAX_METHODS) {
        findings.add(finding("methods() describes more than " + MAX_METHODS + " methods; describe at most " + MAX_METHODS));
        break;
      }
      Object name = entry.getKey();
      Object spec = entry.getValue();
      if (!(name instanceof String method)) {
        findings.add(finding("methods() has a key that is not a method name (null or not a String)"));
      } else if (!(spec instanceof MethodSpec methodSpec)) {
        findings.add(finding("method \"" + shown(method) + "\" maps to " + (spec == null ? "null" : "something") + ", not a MethodSpec"));
      } else {
        copy.put(method, methodSpec);
      }
    }
    List<StoredMethod> methods = new ArrayList<>();
    copy.forEach((name, spec) -> check(name, spec, findings).ifPresent(methods::add));
    if (!findings.isEmpty()) {
      throw new Refused(findings);
    }
    return List.copyOf(methods);
  }

  /**
   * {@return why {@code methods()} failed, as a refusal}: a budget trip names the budget, a
   * refusal stays as it is
   */
  static Refused refusal(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof Refused refused) {
      return refused;
    }
    if (t instanceof BudgetExceededError budget) {
      return refused("methods() was stopped by its " + budget.kind().budgetName() + " budget: " + budget.getMessage());
    }
    return refused("methods() failed: " + TenantCode.describe(t));
  }

  /**
   * {@return the findings pointed at the {@code methods()} declaration}: in the entry class's
   * file if it declares it, else in the first file that does; else at the entry class's file
   */
  static List<Finding> locate(List<Finding> findings, Map<String, String> files, String entryClass) {
    String simpleName = entryClass.substring(entryClass.lastIndexOf('.') + 1);
    String entryFile = files.keySet().stream()
        .filter(name -> name.equals(simpleName + ".java") || name.endsWith("/" + simpleName + ".java"))
        .findFirst()
        .orElse(simpleName + ".java");
    List<String> candidates = new ArrayList<>();
    candidates.add(entryFile);
    new TreeMap<>(files).keySet().stream().filter(name -> !name.equals(entryFile)).forEach(candidates::add);
    String file = entryFile;
    int line = 0;
    int column = 0;
    for (String candidate : candidates) {
      String text = files.get(candidate);
      Matcher declaration = text == null ? null : DECLARATION.matcher(text);
      if (declaration != null && declaration.find()) {
        file = candidate;
        line = 1 + (int) text.substring(0, declaration.start()).chars().filter(c -> c == '\n').count();
        column = declaration.start() - text.lastIndexOf('\n', declaration.start() - 1);
        break;
      }
    }
    List<Finding> located = new ArrayList<>();
    for (Finding finding : findings) {
      located.add(Finding.of(finding.rule(), file, line, column, finding.message()));
    }
    return List.copyOf(located);
  }

  private static Optional<StoredMethod> check(String name, MethodSpec spec, List<Finding> findings) {
    int before = findings.size();
    if (!NAME.matcher(name).matches()) {
      findings.add(finding("method name \"" + shown(name) + "\" is not valid: use 1 to 48 of a-z, 0-9 and _, starting with a letter"));
    }
    String description = spec.description();
    if (description == null || description.isBlank()) {
      findings.add(finding("method \"" + shown(name) + "\" needs a description: say what it does and what it returns"));
    } else if (description.length() > MAX_DESCRIPTION_CHARS) {
      findings.add(finding("the description of method \"" + shown(name) + "\" has " + description.length()
          + " characters, at most " + MAX_DESCRIPTION_CHARS));
    }
    String schema = spec.inputSchema() == null || spec.inputSchema().isBlank() ? NO_INPUT : spec.inputSchema();
    int bytes = schema.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_SCHEMA_BYTES) {
      findings.add(finding("the input schema of method \"" + shown(name) + "\" has " + bytes + " bytes, at most " + MAX_SCHEMA_BYTES));
    } else {
      schemaProblem(schema).ifPresent(problem -> findings.add(finding("the input schema of method \"" + shown(name) + "\" " + problem)));
    }
    if (findings.size() > before) {
      return Optional.empty();
    }
    return Optional.of(StoredMethod.newBuilder()
        .setName(name)
        .setDescription(description)
        .setInputSchema(schema)
        .setReadOnly(spec.readOnly())
        .build());
  }

  private static Optional<String> schemaProblem(String schema) {
    JsonNode root;
    try {
      root = JSON.readTree(schema);
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
      // Jackson's own positions name a source it does not show; the position is given below.
      int marker = why.indexOf(" (start marker at");
      why = marker < 0 ? why : why.substring(0, marker);
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
      return Optional.of("is not valid JSON (at " + line + ":" + column + " of the schema): " + shown(why));
    }
    if (root == null || !root.isObject()) {
      return Optional.of("must be a JSON object, like {\"type\":\"object\",\"properties\":{...}}");
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isTextual() || !type.asText().equals("object")) {
      return Optional.of("must say \"type\": \"object\" at its top level: a method takes a JSON object of arguments");
    }
    return Optional.empty();
  }

  private static Refused refused(String message) {
    return new Refused(List.of(finding(message)));
  }

  private static Finding finding(String message) {
    return Finding.of(RULE, message);
  }

  /** Echoes the tenant's text, but never a page of it. */
  private static String shown(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
