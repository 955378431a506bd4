package dev.solo.hardening;

import com.github.javaparser.JavaParser;
import com.github.javaparser.JavaToken;
import com.github.javaparser.ParseException;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Position;
import com.github.javaparser.Problem;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.PackageDeclaration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The source pass: caps, unicode escapes, reserved packages and parse errors, checked with
 * JavaParser before javac runs. It gives good messages; the security boundary is
 * {@link BytecodeVerifier}. Stateless and thread-safe.
 */
public final class SourceRules {
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*\\.java");
  private static final List<String> RESERVED_PACKAGES = List.of("java", "javax", "jdk", "sun", "com.sun", "dev.solo");

  private final SourceLimits limits;

  /** Creates the pass with these caps. */
  public SourceRules(SourceLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * {@return the findings for one submission, empty if it may go on to javac}
   *
   * @param files file name (such as {@code Counter.java}) to source text
   */
  public List<Finding> check(Map<String, String> files) {
    Map<String, String> sorted = new TreeMap<>(files);
    List<Finding> findings = checkCaps(sorted);
    if (!findings.isEmpty()) {
      return findings;
    }
    sorted.forEach((file, text) -> unicodeEscape(file, text, findings));
    if (!findings.isEmpty()) {
      return findings;
    }
    AstShape shape = new AstShape(limits);
    for (Map.Entry<String, String> file : sorted.entrySet()) {
      parse(file.getKey(), file.getValue(), shape, findings);
    }
    if (findings.isEmpty()) {
      findings.addAll(shape.totals());
    }
    return findings;
  }

  private List<Finding> checkCaps(Map<String, String> files) {
    List<Finding> findings = new ArrayList<>();
    if (files.isEmpty()) {
      findings.add(Finding.of("SRC-FILES", "no source files were submitted"));
    } else if (files.size() > limits.maxFiles()) {
      findings.add(Finding.of("SRC-FILES",
          files.size() + " files were submitted: at most " + limits.maxFiles() + " are allowed"));
    }
    if (!findings.isEmpty()) {
      return findings;
    }
    long total = 0;
    for (Map.Entry<String, String> file : files.entrySet()) {
      String name = file.getKey();
      if (!FILE_NAME.matcher(name).matches()) {
        String shown = name.length() > 100 ? name.substring(0, 100) + "..." : name;
        findings.add(Finding.of("SRC-FILENAME", "\"" + shown
            + "\" is not a valid file name: use a class name followed by .java, without directories"));
      }
      long size = utf8Length(file.getValue(), limits.maxTotalBytes());
      total += size;
      if (size > limits.maxFileBytes()) {
        findings.add(Finding.of("SRC-SIZE", name, 0, 0,
            "the file is larger than " + limits.maxFileBytes() + " bytes, the limit for one file"));
      }
    }
    if (total > limits.maxTotalBytes()) {
      findings.add(Finding.of("SRC-SIZE",
          "the files are larger than " + limits.maxTotalBytes() + " bytes together, the limit for a submission"));
    }
    return findings;
  }

  /** Refuses {@code \}{@code uXXXX}: javac decodes it anywhere, even inside comments. */
  private static void unicodeEscape(String file, String text, List<Finding> findings) {
    int line = 1;
    int column = 1;
    int backslashes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // A backslash starts an escape only after an even number of backslashes (JLS 3.3).
      if (c == 'u' && backslashes % 2 == 1) {
        findings.add(Finding.of("SRC-UNICODE-ESCAPE", file, line, column - 1,
            "unicode escapes (\\u followed by hex digits) are not allowed: write the character itself"));
        return;
      }
      backslashes = c == '\\' ? backslashes + 1 : 0;
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
  }

  private static void parse(String file, String text, AstShape shape, List<Finding> findings) {
    ParserConfiguration configuration = new ParserConfiguration()
        .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)
        .setPreprocessUnicodeEscapes(true);
    ParseResult<CompilationUnit> result;
    try {
      result = new JavaParser(configuration).parse(text);
    } catch (StackOverflowError e) {
      findings.add(Finding.of("SRC-DEPTH", file, 0, 0, "the code is nested too deeply to be checked"));
      return;
    }
    for (Problem problem : result.getProblems()) {
      Position at = position(problem);
      findings.add(Finding.of("SRC-PARSE", file, at.line, at.column, parseMessage(problem.getMessage())));
    }
    if (!result.getProblems().isEmpty() || result.getResult().isEmpty()) {
      return;
    }
    CompilationUnit unit = result.getResult().get();
    unit.getPackageDeclaration().ifPresent(declaration -> reservedPackage(file, declaration, findings));
    shape.measure(file, unit).ifPresent(findings::add);
  }

  private static void reservedPackage(String file, PackageDeclaration declaration, List<Finding> findings) {
    String name = declaration.getNameAsString();
    String reserved = reservedPackage(name);
    if (reserved != null) {
      Position at = declaration.getBegin().orElse(new Position(0, 0));
      findings.add(Finding.of("SRC-RESERVED-PACKAGE", file, at.line, at.column,
          "package " + name + " is not allowed: " + reserved + " and its subpackages are reserved"));
    }
  }

  /**
   * {@return the reserved package that {@code packageName} is or lies in, such as {@code java}
   * for {@code java.evil}, or null} Tenant code may not declare classes in these packages.
   */
  static String reservedPackage(String packageName) {
    for (String reserved : RESERVED_PACKAGES) {
      if (packageName.equals(reserved) || packageName.startsWith(reserved + ".")) {
        return reserved;
      }
    }
    return null;
  }

  /** {@return the UTF-8 length of {@code text}, or any value above {@code cap} once it is exceeded} */
  private static long utf8Length(String text, int cap) {
    if (text.length() > cap) {
      return text.length();
    }
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** A parse error is located at the last good token; the token it found is the next one. */
  private static Position position(Problem problem) {
    boolean parseError = problem.getCause().filter(ParseException.class::isInstance).isPresent();
    return problem.getLocation()
        .map(range -> parseError ? nextToken(range.getBegin()) : range.getBegin())
        .flatMap(JavaToken::getRange)
        .map(range -> range.begin)
        .orElse(new Position(0, 0));
  }

  private static JavaToken nextToken(JavaToken token) {
    JavaToken next = token.getNextToken().orElse(token);
    while (next.getCategory().isWhitespaceOrComment() && next.getNextToken().isPresent()) {
      next = next.getNextToken().get();
    }
    return next;
  }

  /** The first line, without the list of every token the parser would have taken when it is long. */
  private static String parseMessage(String message) {
    String line = message.lines().findFirst().orElse("").strip();
    int expected = line.indexOf(", expected one of");
    if (expected >= 0 && line.length() - expected > 80) {
      line = line.substring(0, expected);
    }
    return line.isEmpty() ? "the file cannot be parsed" : line;
  }
}
