package dev.weft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
  @Test
  void objectIdentitiesAndPackageNamesAreDropped() {
    // The two parquet-java messages the QA report quotes (U5).
    assertEquals("not a Parquet file. Expected magic number at tail, but found [102, 84, 64, 62]",
        ErrorText.oneLine(new RuntimeException("org.apache.parquet.io.LocalInputFile@3098cf3b is not a Parquet file."
            + " Expected magic number at tail, but found [102, 84, 64, 62]")));
    assertEquals("can not read class PageHeader: Required field 'uncompressed_page_size' was not found in serialized data",
        ErrorText.oneLine(new IOException("can not read class org.apache.parquet.format.PageHeader: Required field "
            + "'uncompressed_page_size' was not found in serialized data! Struct: "
            + "org.apache.parquet.format.PageHeader$PageHeaderStandardScheme@2631f68c")));
  }

  @Test
  void onlyTheFirstLineAndNeverEmpty() {
    assertEquals("bad thing", ErrorText.oneLine(new RuntimeException("bad thing\n\tmore detail")));
    assertEquals("IllegalStateException", ErrorText.oneLine(new IllegalStateException()));
    assertEquals("no details", ErrorText.clean("x.y.Z@abcdef12"));
  }

  @Test
  void ordinaryTextIsKept() {
    String m = "footer is too large: 4163729650 bytes; file size 100000 (v1.2.3, e.g. 3.5)";
    assertEquals(m, ErrorText.clean(m));
  }
}
