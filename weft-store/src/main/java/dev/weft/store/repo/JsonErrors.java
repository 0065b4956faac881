package dev.weft.store.repo;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * One-line descriptions of JSON parse errors for users. Jackson's messages embed locations as
 * {@code [Source: REDACTED (StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION disabled); line: 1, column: 12]}
 * and span several lines; users need the problem and "line L, column C".
 */
public final class JsonErrors {
  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

  private JsonErrors() {}

  /** E.g. "Unexpected end-of-input: expected close marker for Array (start marker at line 1, column 15) at line 1, column 17". */
  public static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException j)) {
      return String.valueOf(e.getMessage());
    }
    String text = j.getOriginalMessage() == null ? "invalid JSON" : j.getOriginalMessage();
    text = SOURCE.matcher(text).replaceAll("line $1, column $2").replace('\n', ' ').strip();
    JsonLocation at = j.getLocation();
    if (at != null && at.getLineNr() > 0) {
      text += " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
    return text;
  }
}
