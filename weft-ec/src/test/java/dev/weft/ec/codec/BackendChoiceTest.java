package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.Kernels;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {
  @Test
  void autoFollowsTheDocumentedRuleIsCachedAndExplained() {
    BackendChoice a = Backend.AUTO.choose();
    assertSame(a, Backend.AUTO.choose());
    assertEquals(IsalLibrary.get().isPresent() ? "isal" : Kernels.bestJava().name(), a.kernel().name());
    assertTrue(a.reason().startsWith("auto: ISA-L is " + (IsalLibrary.get().isPresent() ? "installed" : "not installed")),
        a.reason());
    assertEquals(Kernels.bestJava().name(), Backend.JAVA.choose().kernel().name());
    assertTrue(Backend.JAVA.choose().reason().contains("requested"));
  }
}
