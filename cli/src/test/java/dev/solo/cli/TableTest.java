package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void columnsAlignToTheWidestCellAndTheLastIsNotPadded() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Table.of("NAME", "VERSION", "STATE").row("counter", 1, "running").row("a", 12, "x").print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(
        "NAME     VERSION  STATE\ncounter  1        running\na        12       x\n",
        bytes.toString(StandardCharsets.UTF_8));
  }
}
