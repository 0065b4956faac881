package dev.weft.runtime;

import java.util.regex.Pattern;

/**
 * Turns a third-party exception's message (parquet-java, Thrift, Jackson …) into text fit for a one-line
 * user error: its first line, without Java object identities ({@code LocalInputFile@3098cf3b}) and with
 * fully qualified class names cut to their simple name. Libraries write these messages for developers;
 * the user only needs what went wrong.
 */
public final class ErrorText {
  /** {@code some.pkg.Type@1a2b3c4d}, optionally introduced by Thrift's "Struct:", as in its exceptions. */
  private static final Pattern IDENTITY =
      Pattern.compile("(?:\\s*Struct:)?\\s*(?:[A-Za-z_$][\\w$]*\\.)*[A-Za-z_$][\\w$]*@[0-9a-f]{4,}");
  /** {@code org.apache.parquet.format.PageHeader$Scheme}: at least one lower-case package segment. */
  private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z_][\\w]*\\.)+([A-Z][\\w]*)(?:\\$[\\w$]*)?");

  private ErrorText() {}

  /** The cleaned first line of {@code e}'s message, or its simple class name when it has none. */
  public static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return clean(m);
  }

  /** The cleaned first line of {@code message}. */
  public static String clean(String message) {
    String m = message.strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    m = IDENTITY.matcher(m).replaceAll("");
    m = QUALIFIED.matcher(m).replaceAll("$1");
    m = m.strip();
    // "X@1a2b is not a Parquet file" loses its subject; what is left reads as a statement about the file.
    if (m.startsWith("is ")) {
      m = m.substring(3);
    }
    while (m.endsWith("!") || m.endsWith(".") || m.endsWith(":")) {
      m = m.substring(0, m.length() - 1).strip();
    }
    return m.isEmpty() ? "no details" : m;
  }
}
