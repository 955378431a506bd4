package dev.solo.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommonPoolTest {

  @Test
  void givesTheCommonPoolAtLeastTwoThreadsUnlessTheOperatorChose() {
    String before = System.getProperty(CommonPool.PARALLELISM);
    try {
      System.clearProperty(CommonPool.PARALLELISM);
      CommonPool.ensureParallelism();
      assertTrue(Integer.parseInt(System.getProperty(CommonPool.PARALLELISM)) >= 2,
          "a parallelism of 1 would make CompletableFuture start a thread per async stage");

      System.setProperty(CommonPool.PARALLELISM, "7");
      CommonPool.ensureParallelism();
      assertEquals("7", System.getProperty(CommonPool.PARALLELISM), "an operator's -D setting wins");
    } finally {
      if (before == null) {
        System.clearProperty(CommonPool.PARALLELISM);
      } else {
        System.setProperty(CommonPool.PARALLELISM, before);
      }
    }
  }
}
