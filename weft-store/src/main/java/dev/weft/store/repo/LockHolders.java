package dev.weft.store.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Who holds a file lock, for the message of a command that waits for it. Linux lists every POSIX lock in
 * {@code /proc/locks} with its process and inode; elsewhere, or when that fails, the answer is generic. Only
 * ever used for a message, so any failure just gives the generic answer.
 */
final class LockHolders {
  private static final String UNKNOWN = "another weft command (gc and fsck --repair lock it exclusively; imports, "
      + "put, export and reads share it)";

  private static final int MAX_COMMAND = 100;

  private LockHolders() {}

  /** E.g. "process 1234 (weft gc), exclusively" or the generic text. */
  static String describe(Path file) {
    try {
      long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
      List<String> holders = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        // "1: POSIX  ADVISORY  WRITE 12345 fd:01:1234567 0 EOF" (blocked waiters are marked "->")
        String[] f = line.trim().split("\\s+");
        if (f.length < 6 || f[1].equals("->") || !f[5].endsWith(":" + inode)) {
          continue;
        }
        long pid = Long.parseLong(f[4]);
        if (pid <= 0 || pid == ProcessHandle.current().pid()) {
          continue;
        }
        holders.add("process " + pid + command(pid) + (f[3].equals("WRITE") ? ", exclusively" : ", shared"));
      }
      return holders.isEmpty() ? UNKNOWN : String.join("; ", holders);
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  private static String command(long pid) {
    try {
      return command(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8).split("\0"));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * " (weft --repo r oci import a.tar)": all arguments after the launcher's jar or main class, global
   * options included (the subcommand comes after them), cut only when very long; "" for anything else.
   */
  static String command(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].endsWith(".jar") && i > 0 && args[i - 1].equals("-jar") || args[i].equals("dev.weft.cli.Main")) {
        List<String> rest = List.of(args).subList(i + 1, args.length);
        // Another process's arguments: control characters would break the one-line notice.
        String line = (rest.isEmpty() ? "weft" : "weft " + String.join(" ", rest)).replaceAll("\\p{Cntrl}", "?");
        return " (" + (line.length() > MAX_COMMAND ? line.substring(0, MAX_COMMAND - 1) + "…" : line) + ")";
      }
    }
    return "";
  }
}
