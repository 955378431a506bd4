package dev.solo.hardening;

import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Measures syntax trees against the depth, node and class caps of one submission. Iterative, so
 * a deep tree cannot overflow the checker's own stack. One instance per submission.
 */
final class AstShape {
  private final SourceLimits limits;
  private int nodes;
  private int classes;

  private record Visit(Node node, int depth) {}

  AstShape(SourceLimits limits) {
    this.limits = limits;
  }

  /** Counts the nodes and classes of one file; {@return a finding if the file is nested too deeply} */
  Optional<Finding> measure(String file, CompilationUnit unit) {
    Deque<Visit> stack = new ArrayDeque<>();
    stack.push(new Visit(unit, 1));
    while (!stack.isEmpty() && nodes <= limits.maxNodes()) {
      Visit visit = stack.pop();
      nodes++;
      if (isClass(visit.node())) {
        classes++;
      }
      if (visit.depth() > limits.maxDepth()) {
        Position at = visit.node().getBegin().orElse(new Position(0, 0));
        return Optional.of(Finding.of("SRC-DEPTH", file, at.line, at.column,
            "the code is nested more than " + limits.maxDepth() + " levels deep"));
      }
      for (Node child : visit.node().getChildNodes()) {
        stack.push(new Visit(child, visit.depth() + 1));
      }
    }
    return Optional.empty();
  }

  /** {@return findings for the node and class totals of every file measured so far} */
  List<Finding> totals() {
    List<Finding> findings = new ArrayList<>();
    if (nodes > limits.maxNodes()) {
      findings.add(Finding.of("SRC-NODES",
          "the code has more than " + limits.maxNodes() + " syntax tree nodes, the limit for a submission"));
    }
    if (classes > limits.maxClasses()) {
      findings.add(Finding.of("SRC-CLASSES",
          "the code declares " + classes + " classes: at most " + limits.maxClasses() + " are allowed"));
    }
    return findings;
  }

  private static boolean isClass(Node node) {
    return node instanceof TypeDeclaration
        || node instanceof ObjectCreationExpr creation && creation.getAnonymousClassBody().isPresent()
        || node instanceof EnumConstantDeclaration constant && !constant.getClassBody().isEmpty();
  }
}
