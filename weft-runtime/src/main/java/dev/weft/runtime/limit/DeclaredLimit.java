package dev.weft.runtime.limit;

/**
 * A limit or byte budget a module may ask {@link Limits} for, as it is known before any work starts.
 *
 * @param name the name used with {@link Limits#limit} or {@link Limits#budget} (and {@code --limit})
 * @param what one phrase saying what it bounds, for help and error messages
 */
public record DeclaredLimit(String name, String what) {
  public DeclaredLimit {
    if (name == null || name.isBlank() || what == null) {
      throw new IllegalArgumentException("a declared limit needs a name and a description");
    }
  }
}
