package dev.weft.ec.isal;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Finds and maps {@code libisal.so.2} once per process, for every binding that uses it (erasure coding here,
 * gzip inflate in weft-store), so they agree on which file is used and why none is; and the two things
 * every binding does the same way: binding with a reason when it cannot, and rethrowing what a downcall threw.
 *
 * <p>Set {@code weft.isal.path} (system property) or {@code WEFT_ISAL} (environment) to a library file to
 * override the search; set either to {@code none} to pretend it is absent.
 */
public final class IsalLocator {
  private static final List<String> CANDIDATES = List.of(
      "/usr/lib/x86_64-linux-gnu/libisal.so.2", "/usr/lib64/libisal.so.2", "/usr/local/lib/libisal.so.2",
      "/usr/lib/libisal.so.2", "/usr/lib/aarch64-linux-gnu/libisal.so.2");

  /** A mapped library: the file and its symbols (mapped in the global arena, for the life of the process). */
  public record Found(Path file, SymbolLookup symbols) {}

  /** Every candidate that mapped, in search order (the first is {@link #library()}), or why none did. */
  private record Result(List<Found> found, String absentReason, boolean named) {}

  private static final Result RESULT = locate();

  private IsalLocator() {}

  /** The mapped library, if it is installed, loadable and not turned off. */
  public static Optional<Found> library() {
    return RESULT.found().stream().findFirst();
  }

  /**
   * Why {@link #library()} is empty, for messages: not installed, turned off, or the file the user named
   * through {@code WEFT_ISAL} and what the loader said about it.
   */
  public static String absentReason() {
    return RESULT.absentReason();
  }

  private static Result locate() {
    String override = System.getProperty("weft.isal.path", System.getenv("WEFT_ISAL"));
    if ("none".equals(override)) {
      return new Result(List.of(), "ISA-L is turned off (WEFT_ISAL=none)", true);
    }
    boolean named = override != null && !override.isBlank();
    String reason = "ISA-L (libisal.so.2) is not installed";
    List<Found> found = new java.util.ArrayList<>();
    for (String candidate : named ? List.of(override) : CANDIDATES) {
      Path path = Path.of(candidate);
      if (!Files.isReadable(path)) {
        if (named) {
          reason = "ISA-L library " + path + " (WEFT_ISAL) does not exist or is not readable";
        }
        continue;
      }
      try {
        // The global arena: the library stays mapped for the life of the process, as its tables are shared.
        found.add(new Found(path, SymbolLookup.libraryLookup(path, Arena.global())));
      } catch (RuntimeException | LinkageError e) {
        // A broken or foreign-architecture file, or FFM denied: fall back to Java as if it were absent,
        // but keep what the loader said, so a user who named the file learns why it was not used.
        reason = failure(path, named, e);
      }
    }
    return new Result(List.copyOf(found), found.isEmpty() ? reason : "", named);
  }

  /** A binding made on the located library ({@code binding} present), or why there is none. */
  public record Bound<T>(Optional<T> binding, String absentReason) {}

  /**
   * Makes a binding on the first library file it works on, in search order: absent with the locator's
   * reason when there is none, and absent with what went wrong on the first file when {@code bind} throws on
   * every one (an older libisal without a symbol, a failed self-test), so a newer copy elsewhere is still used.
   */
  public static <T> Bound<T> bind(BiFunction<Path, SymbolLookup, T> bind) {
    if (RESULT.found().isEmpty()) {
      return new Bound<>(Optional.empty(), absentReason());
    }
    String why = null;
    for (Found f : RESULT.found()) {
      try {
        return new Bound<>(Optional.of(bind.apply(f.file(), f.symbols())), "");
      } catch (RuntimeException | LinkageError e) {
        if (why == null) {
          why = failure(f.file(), RESULT.named(), e);
        }
      }
    }
    return new Bound<>(Optional.empty(), why);
  }

  /** What a downcall threw, for callers that declare none: unchecked as it was, errors as they are. */
  public static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("ISA-L call failed", t);
  }

  /** "ISA-L library FILE could not be loaded: first line of what the loader said". */
  private static String failure(Path path, boolean named, Throwable e) {
    return "ISA-L library " + path + (named ? " (WEFT_ISAL)" : "") + " could not be loaded: "
        + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
  }
}
