package dev.weft.store.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import dev.weft.store.maint.Gc;
import dev.weft.store.splitstream.ContentType;
import dev.weft.store.splitstream.SplitStreamWriter;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
  @TempDir
  Path dir;

  @Test
  void layoutMetaAndObjectApi() throws IOException {
    Repository repo = Repository.open(dir.resolve("r"), true);
    String meta = Files.readString(dir.resolve("r/meta.json"));
    assertTrue(meta.contains("\"version\" : 1") && meta.contains("fsverity-sha256-12"), meta);
    byte[] data = "hello world".getBytes();
    ObjectId id = repo.putObject(data);
    assertEquals("1e2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64", id.hex());
    assertTrue(Files.isRegularFile(dir.resolve("r/objects/1e/2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64")));
    assertEquals(1, repo.objectsWritten());
    repo.putObject(data);
    assertEquals(1, repo.objectsWritten(), "present objects are not written again");
    assertArrayEquals(data, repo.readObject(id));
    assertEquals(java.util.List.of(), repo.listTempFiles());
  }

  /** QA round 11: --repo naming a regular file was an internal error ("objects: Not a directory", exit 1). */
  @Test
  void aRepositoryPathThatIsAFileIsAUsageError() throws IOException {
    Path file = Files.writeString(dir.resolve("regfile"), "x");
    for (boolean create : new boolean[] {true, false}) {
      dev.weft.runtime.UsageException e = assertThrows(dev.weft.runtime.UsageException.class,
          () -> Repository.open(file, create));
      assertEquals(file + ": not a directory; --repo names a repository directory (or a new one to create)",
          e.getMessage());
    }
    assertEquals("x", Files.readString(file));
  }

  /**
   * The barrier's descriptor is opened by the first change after a barrier (so it sees that change's
   * writeback errors) and closed by the barrier: many import-sized cycles leave no descriptor open.
   */
  @Test
  void eachBarrierClosesTheDescriptorItsChangesOpened() throws IOException {
    Repository repo = Repository.open(dir.resolve("r"), true);
    long before = openDescriptors();
    for (int i = 0; i < 200; i++) {
      repo.putObject(("object " + i + " with more than sixty-four bytes of content, so it is a file").getBytes());
      repo.putObject(("another " + i).getBytes());
      assertTrue(repo.hasUnsyncedWrites());
      repo.barrier();
      assertFalse(repo.hasUnsyncedWrites());
    }
    repo.barrier(); // nothing changed: still a barrier, and still nothing left open
    assertTrue(openDescriptors() <= before + 2, "descriptors before " + before + ", after " + openDescriptors());
  }

  /**
   * The handle is opened by the first change, not by the barrier (Linux reports a writeback error to a
   * descriptor opened before it); a failed syncfs comes out of barrier() and removes the objects it covered,
   * so a rerun writes them again instead of trusting them by size.
   */
  @Test
  void aFailedSyncfsFailsTheBarrierAndDropsTheObjectsItCovered() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.weft.store.fs.TmpfileWriter.supported(dir), "no native access");
    Repository repo = Repository.open(dir.resolve("r"), true);
    long before = openDescriptors();
    byte[] data = "an object of more than sixty-four bytes, written before a barrier that fails".getBytes();
    ObjectId id = repo.putObject(data);
    assertTrue(openDescriptors() > before, "the first change opened the barrier's descriptor");
    repo.nextBarrierForTests(dev.weft.store.fs.FsBarrier.ofDescriptor(dir.resolve("r"), 1 << 30)); // EBADF
    IOException e = assertThrows(IOException.class, repo::barrier);
    assertTrue(e.getMessage().contains("syncfs") && e.getMessage().contains("Bad file descriptor"), e.getMessage());
    assertFalse(repo.hasObject(id), "an object the failed barrier covered is gone");
    repo.putObject(data);
    assertTrue(repo.hasObject(id), "written again");
    repo.barrier();
  }

  private static long openDescriptors() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** The flow the erasure-coding datasets use: objects, a manifest stream naming them, a ref. */
  @Test
  void datasetAsObjectsPlusManifestSurvivesGc() throws IOException {
    Repository repo = Repository.open(dir.resolve("r"), true);
    ObjectId a = repo.putObject(new byte[10_000]);
    ObjectId b = repo.putObject(new byte[20_000]);
    SplitStreamWriter w = new SplitStreamWriter(ContentType.of("ecdatset"));
    w.writeInline("{\"k\":2}".getBytes());
    w.writeExternal(a, 10_000);
    w.writeExternal(b, 20_000);
    ObjectId stream = repo.publishStream("ec-dataset-x", w.finish());
    repo.setRef("ec/x", "ec-dataset-x");
    assertEquals("ec-dataset-x", repo.refTarget("ec/x").orElseThrow());
    assertEquals(Path.of("../../ec-dataset-x"), Files.readSymbolicLink(dir.resolve("r/streams/refs/ec/x")));
    repo.putObject(new byte[] {9});
    Gc.Report g = new Gc(repo).run(false);
    assertEquals(1, g.objects());
    assertTrue(repo.hasObject(a) && repo.hasObject(b) && repo.hasObject(stream));
  }

  @Test
  void newerOrForeignRepositoriesAreRefused() throws IOException {
    Files.createDirectories(dir.resolve("n"));
    Files.writeString(dir.resolve("n/meta.json"), "{\"version\":2,\"algorithm\":\"fsverity-sha256-12\"}");
    assertTrue(assertThrows(BadDataException.class, () -> Repository.open(dir.resolve("n"), true)).getMessage()
        .contains("newer"));
    Files.writeString(dir.resolve("n/meta.json"), "{\"version\":1,\"algorithm\":\"fsverity-sha512-12\"}");
    assertTrue(assertThrows(BadDataException.class, () -> Repository.open(dir.resolve("n"), true)).getMessage()
        .contains("sha512"));
    // read-only open: a missing directory is a usage error and is not created; a foreign one is bad data
    assertThrows(dev.weft.runtime.UsageException.class, () -> Repository.open(dir.resolve("missing"), false));
    assertFalse(Files.exists(dir.resolve("missing")));
    Files.createDirectories(dir.resolve("empty"));
    assertThrows(BadDataException.class, () -> Repository.open(dir.resolve("empty"), false));
    // creating: never inside someone's files; an empty directory or a half-created repository is fine
    Files.createDirectories(dir.resolve("home"));
    Files.writeString(dir.resolve("home/notes.txt"), "mine");
    var foreign = assertThrows(dev.weft.runtime.UsageException.class, () -> Repository.open(dir.resolve("home"), true));
    assertTrue(foreign.getMessage().contains("notes.txt"), foreign.getMessage());
    assertFalse(Files.exists(dir.resolve("home/meta.json")));
    assertFalse(Files.exists(dir.resolve("home/objects")));
    Repository.open(dir.resolve("empty"), true);
    Files.createDirectories(dir.resolve("fs/lost+found")); // a file system of its own
    Repository.open(dir.resolve("fs"), true);
    Files.createDirectories(dir.resolve("half/objects"));
    Files.createDirectories(dir.resolve("half/streams/refs"));
    Repository.open(dir.resolve("half"), true);
    assertTrue(Files.exists(dir.resolve("half/meta.json")));
  }

  @Test
  void aStreamLinkPointingOutsideIsNoStreamForFsckWhichRemovesItOnRepairAndForGc() throws IOException {
    Path r = dir.resolve("r");
    Repository repo = Repository.open(r, true);
    Path precious = Files.writeString(dir.resolve("precious.txt"), "keep me");
    // Outside the repository, even with a name shaped like an object's.
    Path lookalike = Files.createDirectories(dir.resolve("ab")).resolve("c".repeat(62));
    Files.writeString(lookalike, "not an object");
    Files.createSymbolicLink(r.resolve("streams/evil"), precious);
    Files.createSymbolicLink(r.resolve("streams/lookalike"), lookalike);
    assertTrue(repo.streamId("evil").isEmpty());
    assertTrue(repo.streamId("lookalike").isEmpty());
    try (dev.weft.runtime.pool.TaskPool pool = dev.weft.runtime.pool.TaskPool.create(2)) {
      var check = new dev.weft.store.maint.Fsck(repo, pool).run(false);
      assertFalse(check.ok());
      assertEquals(2, check.problems().size(), check.problems().toString());
      assertTrue(check.problems().get(0).contains("evil"), check.problems().toString());
      var repaired = new dev.weft.store.maint.Fsck(repo, pool).run(true);
      assertEquals(2, repaired.removed().size(), repaired.removed().toString());
      assertTrue(new dev.weft.store.maint.Fsck(repo, pool).run(false).ok());
    }
    Files.createSymbolicLink(r.resolve("streams/evil"), precious);
    // What a kill between replaceSymlink's create and rename leaves: neither a stream nor an image.
    Files.createSymbolicLink(r.resolve("streams/.tmp-oci-layer-x-1"), Path.of("../objects/ab/" + "c".repeat(62)));
    Files.createDirectories(r.resolve("streams/refs/oci"));
    Files.createSymbolicLink(r.resolve("streams/refs/oci/.tmp-app:1-2"), Path.of("../../oci-manifest-x"));
    assertEquals(java.util.List.of("evil"), repo.streamNames());
    assertEquals(java.util.List.of(), repo.refs(""));
    Gc.Report g = new Gc(repo).run(false);
    assertEquals(2, g.tempFiles(), "gc removes the leftover temporary links");
    assertFalse(Files.exists(r.resolve("streams/.tmp-oci-layer-x-1"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals(java.util.List.of("evil"), g.streams());
    assertFalse(Files.exists(r.resolve("streams/evil"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("keep me", Files.readString(precious), "only the link goes");
    assertEquals("not an object", Files.readString(lookalike));
  }

  @Test
  void exclusiveLockWaitsForSharedHolders() throws Exception {
    Repository repo = Repository.open(dir.resolve("r"), true);
    CountDownLatch gotExclusive = new CountDownLatch(1);
    Thread gc;
    try (RepoLock shared = repo.lockShared(); RepoLock shared2 = repo.lockShared()) {
      gc = Thread.ofPlatform().start(() -> {
        try (RepoLock ex = repo.lockExclusive()) {
          gotExclusive.countDown();
        }
      });
      assertFalse(gotExclusive.await(300, TimeUnit.MILLISECONDS), "exclusive lock granted while shared held");
    }
    assertTrue(gotExclusive.await(10, TimeUnit.SECONDS));
    gc.join();
  }

  @Test
  void fsVerityNamesMatchTheWholeFile() throws IOException {
    Repository repo = Repository.open(dir.resolve("r"), true);
    byte[] big = new byte[3 * 4096 * 130 + 5];
    new java.util.Random(3).nextBytes(big);
    ObjectId id = repo.putObject(big);
    assertEquals(FsVerity.digest(Files.readAllBytes(repo.objectPath(id))), id);
  }
}
