package dev.weft.ec.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EcDatasetTest {
  @TempDir
  Path tmp;

  private Path file(int size) throws Exception {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    Path p = tmp.resolve("in-" + size);
    Files.write(p, b);
    return p;
  }

  private static EcDataset.PutOptions opts(int k, int m, int bs) {
    return new EcDataset.PutOptions(k, m, bs, MatrixKind.CAUCHY, Kernels.bestJava());
  }

  @Test
  void layoutIsInterleavedStepsWithParityAfterData() throws Exception {
    Path in = file(10 * 1000 + 123); // 11 blocks of 1000 → k=4: 3 steps, 12 data slots (1 padding)
    MemoryBlockStore store = new MemoryBlockStore();
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.Stored st = EcDataset.put(in, store, opts(4, 2, 1000), pool, ProgressListener.NONE);
      DatasetManifest man = st.manifest();
      assertEquals(11, man.dataBlocks());
      assertEquals(3, man.steps());
      assertEquals(18, man.blocks().size());
      byte[] data = Files.readAllBytes(in);
      // Row r of step s is data block r·steps + s: the data ids are in file order.
      for (int b = 0; b < 11; b++) {
        int len = Math.min(1000, data.length - b * 1000);
        byte[] block = new byte[1000];
        System.arraycopy(data, b * 1000, block, 0, len);
        assertEquals(store.idOf(block, 0, 1000), man.blocks().get(b), "block " + b);
      }
      assertEquals(man.blocks().get(man.blockIndex(1, 2)), man.blocks().get(5));
    }
  }

  @Test
  void sameIdsAt1_2And8ThreadsAndRoundTrip() throws Exception {
    Path in = file(3 * 65536 * 5 + 777);
    String first = null;
    for (int threads : new int[] {1, 2, 8}) {
      MemoryBlockStore store = new MemoryBlockStore();
      try (TaskPool pool = TaskPool.create(threads)) {
        EcDataset.Stored st = EcDataset.put(in, store, opts(5, 3, 65536), pool, ProgressListener.NONE);
        if (first == null) {
          first = st.id();
        }
        assertEquals(first, st.id(), "dataset id at " + threads + " threads");
        Path out = tmp.resolve("out-" + threads);
        EcDataset.Report r = EcDataset.get(st.id(), store, out, Kernels.bestJava(), false, pool, ProgressListener.NONE);
        assertEquals(0, r.damagedBlocks());
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
      }
    }
  }

  @Test
  void rebuildsMissingAndCorruptBlocksAndNamesTheColumnWhenTooManyAreGone() throws Exception {
    Path in = file(200_000);
    MemoryBlockStore store = new MemoryBlockStore();
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.Stored st = EcDataset.put(in, store, opts(4, 2, 4096), pool, ProgressListener.NONE);
      DatasetManifest man = st.manifest();
      store.remove(man.blocks().get(man.blockIndex(0, 3)));
      store.corrupt(man.blocks().get(man.blockIndex(4, 3)));
      store.corrupt(man.blocks().get(man.blockIndex(2, 7)));
      Path out = tmp.resolve("out");
      EcDataset.Report r = EcDataset.get(st.id(), store, out, Kernels.bestJava(), true, pool, ProgressListener.NONE);
      assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
      assertEquals(3, r.damagedBlocks());
      assertEquals(java.util.List.of(3, 7), r.damagedSteps());
      // repairStore put the rebuilt blocks back: a second read finds everything intact.
      assertEquals(0, EcDataset.get(st.id(), store, out, Kernels.bestJava(), false, pool, ProgressListener.NONE).damagedBlocks());

      for (int row : new int[] {0, 1, 5}) {
        store.remove(man.blocks().get(man.blockIndex(row, 9)));
      }
      Path never = tmp.resolve("fresh").resolve("a").resolve("never");
      BadDataException e = assertThrows(BadDataException.class,
          () -> EcDataset.get(st.id(), store, never, Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertTrue(e.getMessage().contains("column 9"), e.getMessage());
      assertFalse(Files.exists(tmp.resolve("fresh")), "the failed get left the directories it created");
    }
  }

  @Test
  void manifestIsProtected() throws Exception {
    Path in = file(50_000);
    Path storeDir = tmp.resolve("store");
    DirectoryBlockStore store = new DirectoryBlockStore(storeDir);
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.Stored st = EcDataset.put(in, store, opts(3, 2, 8192), pool, ProgressListener.NONE);
      Path manifestFile = store.pathOf(st.id());
      byte[] json = Files.readAllBytes(manifestFile);
      json[json.length / 2] ^= 1;
      Files.write(manifestFile, json);
      BadDataException e = assertThrows(BadDataException.class,
          () -> EcDataset.get(st.id(), store, tmp.resolve("o"), Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertTrue(e.getMessage().contains("manifest block is corrupt"), e.getMessage());
      assertThrows(BadDataException.class, () -> EcDataset.readManifest("00".repeat(32), store));
      // A well-formed manifest whose root does not match its block list is refused too.
      String forged = new String(Files.readAllBytes(manifestFile)).replace("\"data_root\":\"", "\"data_root\":\"0");
      assertThrows(BadDataException.class, () -> DatasetManifest.parse(forged.getBytes(), "x"));
    }
  }

  @Test
  void emptyFile() throws Exception {
    Path in = file(0);
    MemoryBlockStore store = new MemoryBlockStore();
    try (TaskPool pool = TaskPool.create(1)) {
      EcDataset.Stored st = EcDataset.put(in, store, opts(2, 1, 1024), pool, ProgressListener.NONE);
      Path out = tmp.resolve("e");
      EcDataset.get(st.id(), store, out, Kernels.bestJava(), false, pool, ProgressListener.NONE);
      assertEquals(0, Files.size(out));
    }
  }

  @Test
  void blockIdsWithNonAsciiDigitsAreBadData() {
    // Character.digit accepts FULLWIDTH DIGIT ZERO/ONE; HexFormat does not: that used to be an internal error.
    String json = "{\"format\":\"weft-ec-dataset/1\",\"codec\":\"rs-cauchy\",\"k\":1,\"m\":1,\"block_size\":4096,"
        + "\"length\":1,\"data_blocks\":1,\"steps\":1,\"data_root\":\"00\",\"all_root\":\"00\","
        + "\"blocks\":[\"\uFF10\uFF11\",\"ab\"]}";
    BadDataException e = assertThrows(BadDataException.class, () -> DatasetManifest.parse(json.getBytes(
        java.nio.charset.StandardCharsets.UTF_8), "x"));
    assertTrue(e.getMessage().contains("not hex"), e.getMessage());
  }

  @Test
  void aDirectoryStoreSyncsEveryBlockPutBeforeTheManifestAndTheId() throws Exception {
    Path in = file(40_000);
    java.util.List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    DirectoryBlockStore real = new DirectoryBlockStore(tmp.resolve("store"));
    BlockStore recording = new BlockStore() {
      @Override
      public String put(byte[] data, int off, int len) throws java.io.IOException {
        String id = real.put(data, off, len);
        events.add("put");
        return id;
      }

      @Override
      public byte[] get(String id) throws java.io.IOException {
        return real.get(id);
      }

      @Override
      public String idOf(byte[] data, int off, int len) {
        return real.idOf(data, off, len);
      }

      @Override
      public void sync() throws java.io.IOException {
        real.sync();
        events.add("sync");
      }
    };
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.put(in, recording, opts(3, 2, 4096), pool, ProgressListener.NONE);
    }
    // ... every block put, sync, the manifest put, sync: nothing is published or reported before it is durable.
    int n = events.size();
    assertEquals(java.util.List.of("put", "sync", "put", "sync"), events.subList(n - 4, n));
    assertEquals(2, java.util.Collections.frequency(events, "sync"));
  }
}
