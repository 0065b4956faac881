package dev.weft.store.gzip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Known answers for both inflaters (ISA-L's only where it is available). */
class GunzipTest {
  static final byte[] TEXT = "a tar would be here; ".repeat(2000).getBytes(StandardCharsets.US_ASCII);
  static final int ALL_FIELDS = GzipFiles.FEXTRA | GzipFiles.FNAME | GzipFiles.FCOMMENT | GzipFiles.FHCRC;

  static void assumeAvailable(Gunzip.Inflater inflater) {
    assumeTrue(inflater.available(), () -> "ISA-L inflate not available: " + IsalInflate.absentReason());
  }

  static GzipFiles.Outcome read(byte[] gz, Gunzip.Inflater inflater) {
    return GzipFiles.read(gz, inflater, 1 << 20, 8192);
  }

  @ParameterizedTest
  @EnumSource(Gunzip.Inflater.class)
  void membersInARowAreOneStreamWithEmptyMembersAndEveryHeaderField(Gunzip.Inflater inflater) {
    assumeAvailable(inflater);
    byte[] a = Arrays.copyOf(TEXT, 1000);
    byte[] b = Arrays.copyOfRange(TEXT, 1000, TEXT.length);
    byte[] gz = GzipFiles.concat(GzipFiles.member(new byte[0], 6, 0), GzipFiles.member(a, 9, ALL_FIELDS),
        GzipFiles.member(new byte[0], 0, GzipFiles.FNAME), GzipFiles.member(b, 0, GzipFiles.FEXTRA | GzipFiles.FHCRC));
    assertArrayEquals(TEXT, read(gz, inflater).bytes());
    assertArrayEquals(new byte[0], read(GzipFiles.member(new byte[0], 1, 0), inflater).bytes(), "an empty member");
  }

  @ParameterizedTest
  @EnumSource(Gunzip.Inflater.class)
  void bytesAfterTheLastMemberAreRefused(Gunzip.Inflater inflater) {
    assumeAvailable(inflater);
    byte[] gz = GzipFiles.member(TEXT, 6, 0);
    for (byte[] tail : new byte[][] {{0}, {0x1f}, {0x1f, 0x00}, "trailing".getBytes(StandardCharsets.US_ASCII)}) {
      assertEquals("Unexpected data after a valid .gz stream.", read(GzipFiles.concat(gz, tail), inflater).failure());
    }
    assertEquals("Input is not in the .gz format.", read("not gzip".getBytes(StandardCharsets.US_ASCII), inflater).failure());
    assertEquals("Input is not in the .gz format.", read(new byte[0], inflater).failure());
  }

  /** A cut anywhere (header, optional fields, deflate data, trailer, the next member's header) is an unexpected end. */
  @ParameterizedTest
  @EnumSource(Gunzip.Inflater.class)
  void truncationAnywhereIsAnUnexpectedEnd(Gunzip.Inflater inflater) {
    assumeAvailable(inflater);
    byte[] first = GzipFiles.member(Arrays.copyOf(TEXT, 3000), 6, ALL_FIELDS);
    byte[] gz = GzipFiles.concat(first, GzipFiles.member(Arrays.copyOf(TEXT, 500), 0, ALL_FIELDS));
    for (int cut = 2; cut < gz.length; cut++) {
      if (cut == first.length) {
        continue; // a whole first member: a complete file
      }
      String expected = cut == first.length + 1 ? "Unexpected data after a valid .gz stream." : "unexpected end of data";
      assertEquals(expected, read(Arrays.copyOf(gz, cut), inflater).failure(), "cut at " + cut);
    }
    assertEquals("Input is not in the .gz format.", read(Arrays.copyOf(gz, 1), inflater).failure());
  }

  @ParameterizedTest
  @EnumSource(Gunzip.Inflater.class)
  void wrongCrcOrSizeIsCorruptData(Gunzip.Inflater inflater) {
    assumeAvailable(inflater);
    byte[] gz = GzipFiles.concat(GzipFiles.member(TEXT, 6, 0), GzipFiles.member(TEXT, 1, 0));
    byte[] crc = gz.clone();
    crc[crc.length - 6] ^= 1;
    assertEquals("Gzip-compressed data is corrupt (CRC32 error).", read(crc, inflater).failure());
    byte[] size = gz.clone();
    size[size.length - 1] ^= 1;
    assertEquals("Gzip-compressed data is corrupt (uncompressed size mismatch).", read(size, inflater).failure());
  }

  @ParameterizedTest
  @EnumSource(Gunzip.Inflater.class)
  void badHeadersAreRefusedAsTheJavaPathDoes(Gunzip.Inflater inflater) {
    assumeAvailable(inflater);
    byte[] gz = GzipFiles.member(TEXT, 6, 0);
    byte[] method = gz.clone();
    method[2] = 7;
    assertEquals("Unsupported compression method 7 in the .gz header", read(method, inflater).failure());
    byte[] reserved = gz.clone();
    reserved[3] = (byte) 0x20;
    assertEquals("Reserved flags are set in the .gz header.", read(reserved, inflater).failure());
    byte[] header = {0x1f, (byte) 0x8b, 8, GzipFiles.FEXTRA, 0, 0, 0, 0, 0, 3};
    byte[] body = Arrays.copyOfRange(gz, 10, gz.length);
    byte[] overlong = GzipFiles.concat(header, new byte[] {6, 0, 'a', 'b', 9, 0, 1, 2}, body);
    assertEquals("Extra subfield lenght exceeds remaining bytes in extra: 9 > 2", read(overlong, inflater).failure());
    byte[] leftover = GzipFiles.concat(header, new byte[] {6, 0, 'a', 'b', 0, 0, 1, 2}, body);
    assertEquals("2 remaining bytes not used to parse an extra subfield.", read(leftover, inflater).failure());
    byte[] corrupt = gz.clone();
    corrupt[10] = (byte) 0xff; // block type 3: reserved
    assertEquals("Gzip-compressed data is corrupt.", read(corrupt, inflater).failure());
  }

  @Test
  void closeFreesTheNativeMemoryAndLaterReadsFailCleanly() throws IOException {
    assumeAvailable(Gunzip.Inflater.ISAL);
    InputStream z = Gunzip.open(new ByteArrayInputStream(GzipFiles.member(TEXT, 6, 0)), Gunzip.Inflater.ISAL);
    assertTrue(((IsalGzipInputStream) z).nativeMemoryAlive());
    assertEquals(100, z.readNBytes(100).length);
    z.close();
    assertFalse(((IsalGzipInputStream) z).nativeMemoryAlive());
    IOException e = assertThrows(IOException.class, () -> z.read(new byte[10], 0, 10));
    assertEquals("Stream closed", e.getMessage());
    z.close(); // twice is fine
  }

  @Test
  void aFailureWhileReadingLeavesTheStreamClosableAndAFailedOpenFreesAtOnce() throws IOException {
    assumeAvailable(Gunzip.Inflater.ISAL);
    byte[] gz = GzipFiles.member(TEXT, 6, 0);
    IsalInflate isal = IsalInflate.get().orElseThrow();
    byte[] bad = gz.clone();
    bad[bad.length - 6] ^= 1;
    IsalGzipInputStream z = new IsalGzipInputStream(isal, new ByteArrayInputStream(bad));
    assertThrows(IOException.class, () -> z.transferTo(java.io.OutputStream.nullOutputStream()));
    assertFalse(z.nativeMemoryAlive(), "freed at the failure, before close");
    IOException again = assertThrows(IOException.class, () -> z.read(new byte[10], 0, 10));
    assertEquals("Gzip-compressed data is corrupt (CRC32 error).", again.getMessage());
    z.close();
    IsalGzipInputStream whole = new IsalGzipInputStream(isal, new ByteArrayInputStream(gz));
    assertArrayEquals(TEXT, whole.readAllBytes());
    assertFalse(whole.nativeMemoryAlive(), "freed at the end of the data");
    assertEquals(-1, whole.read());
    whole.close();
    // a cut header fails in the constructor, which frees what it allocated (nothing to close for the caller)
    IOException e = assertThrows(IOException.class,
        () -> new IsalGzipInputStream(isal, new ByteArrayInputStream(Arrays.copyOf(gz, 5))));
    assertNull(e.getMessage(), "a bare EOFException, which the import reports as an unexpected end");
  }

  @Test
  void theBestInflaterIsIsalExactlyWhenItIsAvailable() {
    assertEquals(IsalInflate.get().isPresent() ? Gunzip.Inflater.ISAL : Gunzip.Inflater.JAVA, Gunzip.best());
    assertTrue(Gunzip.describe().startsWith(Gunzip.best().label() + " ("), Gunzip.describe());
  }
}
