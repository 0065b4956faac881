package dev.weft.ec.buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Whether this machine hands out transparent huge pages to a region that asks for them
 * ({@code madvise(MADV_HUGEPAGE)}), and their size. Read once from sysfs: Linux only; any other system, a
 * THP mode of {@code never}, or an unreadable file means no.
 */
final class HugePages {
  private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage");
  private static final OptionalLong SIZE = probe();

  private HugePages() {}

  /** The huge page size in bytes when a madvised region gets huge pages here; empty otherwise. */
  static OptionalLong size() {
    return SIZE;
  }

  private static OptionalLong probe() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return OptionalLong.empty();
    }
    try {
      if (!advisable(Files.readString(THP.resolve("enabled")))) {
        return OptionalLong.empty();
      }
      long size = Long.parseLong(Files.readString(THP.resolve("hpage_pmd_size")).strip());
      // A power of two of at least a base page, or the file means something this code does not know.
      return size >= 4096 && Long.bitCount(size) == 1 ? OptionalLong.of(size) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * True for the THP modes in which a region advised with {@code MADV_HUGEPAGE} gets huge pages: the
   * selected mode of {@code /sys/kernel/mm/transparent_hugepage/enabled} (in brackets) is {@code always} or
   * {@code madvise}.
   */
  static boolean advisable(String enabled) {
    return enabled.contains("[always]") || enabled.contains("[madvise]");
  }
}
