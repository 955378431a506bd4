package dev.solo.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Rows printed in aligned columns under a header, like {@code kubectl get}. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  private Table(String... header) {
    rows.add(header);
  }

  /** {@return an empty table with the given column names} */
  static Table of(String... header) {
    return new Table(header);
  }

  /** Adds a row; {@return this table} */
  Table row(Object... cells) {
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) row[i] = String.valueOf(cells[i]);
    rows.add(row);
    return this;
  }

  /** Prints the header and the rows; the last column is not padded. */
  void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) widths[i] = Math.max(widths[i], row[i].length());
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) line.append(" ".repeat(widths[i] - row[i].length() + 2));
      }
      out.println(line);
    }
  }
}
