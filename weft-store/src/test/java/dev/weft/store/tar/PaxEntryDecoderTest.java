package dev.weft.store.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/** The stream-free PAX decoding gives the entry {@code TarArchiveInputStream} gives, and fails where it fails. */
class PaxEntryDecoderTest {
  private static final List<String> NAMES = List.of("etc/passwd", "usr/lib/" + "x".repeat(150), "dir/",
      "usr/share/doc/é-ü-日本/readme", "a/b/../c", "sub/" + "y".repeat(120) + "/");

  @Test
  void theDecoderIsAvailable() {
    assertTrue(PaxEntryDecoder.available(), "commons-compress's PAX parser should be reachable");
  }

  @Test
  void randomPaxGroupsDecodeAsTheStreamDecodesThem() throws IOException {
    Random r = new Random(42);
    for (int i = 0; i < 400; i++) {
      Map<String, String> pax = new LinkedHashMap<>();
      if (r.nextBoolean()) {
        pax.put("path", NAMES.get(r.nextInt(NAMES.size())));
      }
      if (r.nextBoolean()) {
        pax.put("mtime", (1_600_000_000 + r.nextInt(100_000_000)) + "." + r.nextInt(1_000_000_000));
      }
      if (r.nextBoolean()) {
        pax.put("atime", "1700000000.5");
        pax.put("ctime", "1700000001.25");
      }
      if (r.nextInt(4) == 0) {
        pax.put("size", Long.toString(r.nextInt(1 << 20)));
      }
      if (r.nextInt(4) == 0) {
        pax.put("linkpath", "target/" + "z".repeat(r.nextInt(200)));
      }
      if (r.nextInt(4) == 0) {
        pax.put("uid", Long.toString(3_000_000_000L + r.nextInt(1000)));
        pax.put("uname", "user" + r.nextInt(10));
      }
      if (r.nextInt(3) == 0) {
        pax.put("SCHILY.xattr.user.k" + r.nextInt(5), "v".repeat(r.nextInt(50)));
      }
      if (r.nextInt(10) == 0) {
        pax.put("GNU.sparse.size", "4096");
        pax.put("GNU.sparse.realsize", "4096");
      }
      if (r.nextInt(10) == 0) {
        pax.put("GNU.sparse.major", "1");
        pax.put("GNU.sparse.minor", "0");
      }
      byte type = switch (r.nextInt(5)) {
        case 0 -> TarConstants.LF_DIR;
        case 1 -> TarConstants.LF_SYMLINK;
        case 2 -> TarConstants.LF_LINK;
        case 3 -> TarConstants.LF_OLDNORM;
        default -> TarConstants.LF_NORMAL;
      };
      String shortName = NAMES.get(r.nextInt(NAMES.size()));
      shortName = shortName.length() > 90 ? "short" + i : shortName;
      assertSame(pax, header(shortName, type, r.nextInt(100_000)), "case " + i + " " + pax);
    }
  }

  @Test
  void malformedRecordsFailBothWays() throws IOException {
    byte[] entry = header("etc/file", TarConstants.LF_NORMAL, 10);
    for (String bad : List.of("5 path=abc\n", "12 mtime=xyz\n", "x path=abc\n", "15 size=-1234\n", "30 path=short\n")) {
      byte[] records = bad.getBytes(StandardCharsets.UTF_8);
      byte[] group = group(records, entry);
      boolean streamFails = failsInStream(group);
      boolean decoderFails;
      try {
        PaxEntryDecoder.decode(records, records.length, entry);
        decoderFails = false;
      } catch (IOException | IllegalArgumentException e) {
        decoderFails = true;
      }
      assertEquals(streamFails, decoderFails, "'" + bad.strip() + "': stream fails " + streamFails);
    }
    byte[] shortRecord = "5 path=abc\n".getBytes(StandardCharsets.UTF_8);
    assertThrows(IOException.class, () -> PaxEntryDecoder.decode(shortRecord, shortRecord.length, entry));
  }

  private static boolean failsInStream(byte[] group) {
    try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(group))) {
      t.getNextEntry();
      return false;
    } catch (IOException | IllegalArgumentException e) {
      return true;
    }
  }

  private static void assertSame(Map<String, String> pax, byte[] entry, String what) throws IOException {
    byte[] records = records(pax);
    TarArchiveEntry direct = PaxEntryDecoder.decode(records, records.length, entry);
    TarArchiveEntry viaStream;
    try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(group(records, entry)))) {
      viaStream = t.getNextEntry();
    } catch (IOException e) {
      // A GNU 1.x sparse entry: the stream reads its map from the data (none here); the decoder flags it
      // sparse, which the splitter rejects.
      assertTrue((direct.isSparse() || direct.isPaxGNU1XSparse())
          && pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse.")), what + ": " + e);
      return;
    }
    assertEquals(viaStream.getName(), direct.getName(), what);
    assertEquals(viaStream.getLinkName(), direct.getLinkName(), what);
    assertEquals(viaStream.getSize(), direct.getSize(), what);
    assertEquals(viaStream.isDirectory(), direct.isDirectory(), what);
    assertEquals(viaStream.isSymbolicLink(), direct.isSymbolicLink(), what);
    assertEquals(viaStream.isLink(), direct.isLink(), what);
    assertEquals(viaStream.isSparse(), direct.isSparse(), what);
    assertEquals(viaStream.isPaxGNU1XSparse(), direct.isPaxGNU1XSparse(), what);
    assertEquals(viaStream.getExtraPaxHeaders(), direct.getExtraPaxHeaders(), what);
    assertEquals(viaStream.getMode(), direct.getMode(), what);
    assertEquals(viaStream.getLastModifiedTime(), direct.getLastModifiedTime(), what);
    assertEquals(viaStream.getLongUserId(), direct.getLongUserId(), what);
    assertEquals(viaStream.getUserName(), direct.getUserName(), what);
  }

  /** PAX records as the format defines them: "LEN key=value\n", LEN counting the whole record. */
  private static byte[] records(Map<String, String> pax) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pax.forEach((k, v) -> {
      int body = (" " + k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8).length;
      int len = body + Integer.toString(body).length();
      if (Integer.toString(len).length() != Integer.toString(body).length()) {
        len++;
      }
      out.writeBytes((len + " " + k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
    });
    return out.toByteArray();
  }

  private static byte[] header(String name, byte type, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    if (type == TarConstants.LF_SYMLINK || type == TarConstants.LF_LINK) {
      e.setLinkName("target");
    } else if (type != TarConstants.LF_DIR) {
      e.setSize(size);
    }
    byte[] b = new byte[512];
    e.writeEntryHeader(b);
    return b;
  }

  /** The PAX header, its records (padded) and the entry header, as they sit in a tar. */
  private static byte[] group(byte[] records, byte[] entry) {
    TarArchiveEntry x = new TarArchiveEntry("./PaxHeaders/entry", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
    x.setSize(records.length);
    byte[] h = new byte[512];
    x.writeEntryHeader(h);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h);
    out.writeBytes(records);
    out.writeBytes(new byte[(512 - records.length % 512) % 512]);
    out.writeBytes(entry);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }
}
