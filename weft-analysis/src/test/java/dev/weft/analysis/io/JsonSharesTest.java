package dev.weft.analysis.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class JsonSharesTest {
  /** Shares tile the file, start at line starts, and know how many lines precede them. */
  @Property(tries = 200)
  void sharesAreContiguousWholeLines(@ForAll @StringLength(max = 300) String body, @ForAll @IntRange(min = 1, max = 9) int n)
      throws Exception {
    String text = body.replace('\r', 'x');
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Path f = Files.createTempFile("shares", ".jsonl");
    try {
      Files.write(f, bytes);
      List<JsonShares.Share> shares = JsonShares.split(f, n);
      assertTrue(!shares.isEmpty() && shares.size() <= n, shares.toString());
      long at = 0;
      for (JsonShares.Share s : shares) {
        assertEquals(at, s.start(), "contiguous");
        assertTrue(s.end() > s.start() || bytes.length == 0, "non-empty");
        assertTrue(s.start() == 0 || bytes[(int) s.start() - 1] == '\n', "starts a line");
        long newlines = 0;
        for (int i = 0; i < s.start(); i++) {
          newlines += bytes[i] == '\n' ? 1 : 0;
        }
        assertEquals(newlines, s.firstLine(), "lines before the share");
        at = s.end();
      }
      assertEquals(bytes.length, at, "covers the file");
    } finally {
      Files.delete(f);
    }
  }
}
