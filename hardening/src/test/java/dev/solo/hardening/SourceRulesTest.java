package dev.solo.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceRulesTest {
  private final SourceRules rules = new SourceRules(SourceLimits.defaults());

  private static List<String> shown(List<Finding> findings) {
    return findings.stream().map(Finding::toString).toList();
  }

  private List<String> check(String file, String... lines) {
    return shown(rules.check(Map.of(file, String.join("\n", lines) + "\n")));
  }

  @Test
  void examplesPass() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(Path.of("../examples"))) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
        files.put(path.getFileName().toString(), Files.readString(path));
      }
    }

    assertEquals(3, files.size());
    assertEquals(List.of(), rules.check(files));
  }

  @Test
  void refusesUnicodeEscapeWithItsPosition() {
    assertEquals(
        List.of("A.java:2:14: SRC-UNICODE-ESCAPE: unicode escapes (\\u followed by hex digits) are not allowed:"
            + " write the character itself"),
        check("A.java",
            "class A {",
            "  // comment \\u000a int hidden;",
            "}"));
  }

  @Test
  void refusesUnicodeEscapeAfterAnEscapedBackslash() {
    assertEquals(
        List.of("A.java:1:25: SRC-UNICODE-ESCAPE: unicode escapes (\\u followed by hex digits) are not allowed:"
            + " write the character itself"),
        check("A.java", "class A { String s = \"\\\\\\u0041\"; }"));
  }

  @Test
  void allowsABackslashFollowedByUInAString() {
    assertEquals(List.of(), check("A.java", "class A { String s = \"\\\\u0041\"; }"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "java.evil", "javax.x", "jdk.internal.x", "sun.misc", "com.sun.x", "dev.solo", "dev.solo.api"})
  void refusesReservedPackages(String name) {
    String reserved = Stream.of("com.sun", "dev.solo", "javax", "java", "jdk", "sun")
        .filter(prefix -> name.equals(prefix) || name.startsWith(prefix + ".")).findFirst().orElseThrow();

    assertEquals(
        List.of("A.java:1:1: SRC-RESERVED-PACKAGE: package " + name + " is not allowed: "
            + reserved + " and its subpackages are reserved"),
        check("A.java", "package " + name + ";", "class A {}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev.solomon", "javafx2.app", "com.sunny", "com.acme"})
  void allowsPackagesThatOnlyLookReserved(String name) {
    assertEquals(List.of(), check("A.java", "package " + name + ";", "class A {}"));
  }

  @Test
  void refusesFileNamesThatAreNotClassNames() {
    assertEquals(
        List.of("SRC-FILENAME: \"../A.java\" is not a valid file name: use a class name followed by .java,"
                + " without directories",
            "SRC-FILENAME: \"A.txt\" is not a valid file name: use a class name followed by .java, without directories"),
        shown(rules.check(Map.of("../A.java", "class A {}", "A.txt", "class A {}"))));
  }

  @Test
  void refusesTooManyFilesAndNoFiles() {
    SourceRules two = new SourceRules(new SourceLimits(2, 1000, 1000, 200, 1000, 10));

    assertEquals(List.of("SRC-FILES: 3 files were submitted: at most 2 are allowed"),
        shown(two.check(Map.of("A.java", "", "B.java", "", "C.java", ""))));
    assertEquals(List.of("SRC-FILES: no source files were submitted"), shown(two.check(Map.of())));
  }

  @Test
  void refusesFilesAndSubmissionsOverTheirSize() {
    SourceRules smallFiles = new SourceRules(new SourceLimits(64, 100, 20, 200, 1000, 10));
    SourceRules smallSubmissions = new SourceRules(new SourceLimits(64, 30, 20, 200, 1000, 10));

    assertEquals(List.of("B.java:0:0: SRC-SIZE: the file is larger than 20 bytes, the limit for one file"),
        shown(smallFiles.check(Map.of("A.java", "class A {}", "B.java", "class B { int xy; }  "))));
    assertEquals(List.of("SRC-SIZE: the files are larger than 30 bytes together, the limit for a submission"),
        shown(smallSubmissions.check(Map.of("A.java", "class A {}", "B.java", "class B {}", "C.java", "class C {}  "))));
  }

  @Test
  void countsSizeInUtf8Bytes() {
    SourceRules small = new SourceRules(new SourceLimits(64, 100, 20, 200, 1000, 10));

    assertEquals(List.of("A.java:0:0: SRC-SIZE: the file is larger than 20 bytes, the limit for one file"),
        shown(small.check(Map.of("A.java", "class A { /*ééééé*/ }"))));
  }

  @Test
  void refusesDeepNesting() {
    String nested = "(".repeat(SourceLimits.DEFAULT_MAX_DEPTH) + "1" + ")".repeat(SourceLimits.DEFAULT_MAX_DEPTH);

    assertEquals(List.of("A.java:1:215: SRC-DEPTH: the code is nested more than 200 levels deep"),
        check("A.java", "class A { int x = " + nested + "; }"));
  }

  @Test
  void refusesTooManyNodesAndClasses() {
    SourceRules small = new SourceRules(new SourceLimits(64, 10_000, 10_000, 200, 20, 2));

    assertEquals(
        List.of("SRC-NODES: the code has more than 20 syntax tree nodes, the limit for a submission"),
        shown(small.check(Map.of("A.java", "class A { int a = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10; }"))));
    assertEquals(
        List.of("SRC-CLASSES: the code declares 3 classes: at most 2 are allowed"),
        shown(small.check(Map.of("A.java", "class A { class B {} Object c = new Object() {}; }"))));
  }

  @Test
  void reportsParseErrorsWhereTheUnexpectedTokenIs() {
    assertEquals(
        List.of("A.java:2:11: SRC-PARSE: Parse error. Found \";\""),
        check("A.java",
            "class A {",
            "  int x = ;",
            "}"));
  }
}
