package dev.weft.store.dataset;

import dev.weft.ec.dataset.DatasetManifest;
import dev.weft.ec.dataset.EcDataset;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.ContentType;
import dev.weft.store.splitstream.SplitStreamWriter;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code weft put --ec} / {@code weft get} on the repository. A dataset is its blocks as objects, plus a
 * split stream {@code ec-dataset-ID} whose external chunks name the manifest block and every data and
 * parity block, plus the ref {@code ec/ID} to that stream: gc keeps exactly what the ref reaches, so the
 * parity blocks a later reconstruction needs survive with the data.
 */
public final class RepositoryDatasets {
  /** Split-stream content type of dataset manifest streams. */
  public static final long CONTENT_TYPE = ContentType.of("ecdatset");

  private RepositoryDatasets() {}

  public static String streamName(String id) {
    return "ec-dataset-" + id;
  }

  public static String refName(String id) {
    return "ec/" + id;
  }

  /**
   * Stores {@code file}, makes its blocks durable, then publishes the stream and ref (in that order, so a
   * crash never leaves a ref naming lost blocks). Holds the shared lock so gc cannot run in between.
   */
  public static EcDataset.Stored put(Path file, Repository repo, EcDataset.PutOptions opt, TaskPool pool,
      ProgressListener progress) throws IOException {
    try (RepoLock lock = repo.lockShared()) {
      EcDataset.Stored st = EcDataset.put(file, new RepositoryBlockStore(repo), opt, pool, progress);
      Set<String> ids = new LinkedHashSet<>();
      ids.add(st.id());
      ids.addAll(st.manifest().blocks());
      SplitStreamWriter w = new SplitStreamWriter(CONTENT_TYPE);
      for (String hex : ids) {
        ObjectId oid = ObjectId.parseOrNull(hex);
        w.writeExternal(oid, Files.size(repo.objectPath(oid)));
      }
      repo.publishStream(streamName(st.id()), w.finish());
      repo.setRef(refName(st.id()), streamName(st.id()));
      return st;
    }
  }

  /** Rebuilds dataset {@code id} into {@code output}; see {@link EcDataset#get}. */
  public static EcDataset.Report get(String id, Repository repo, Path output, GfKernel kernel, boolean repairStore,
      TaskPool pool, ProgressListener progress) throws IOException {
    // Checked before it becomes part of a ref path, where "../x" would be an internal error.
    if (ObjectId.parseOrNull(id) == null) {
      throw new UsageException(id + ": not a dataset id (64 hex digits, as printed by 'weft put')");
    }
    try (RepoLock lock = repo.lockShared()) {
      if (repo.refTarget(refName(id)).isEmpty()) {
        throw new BadDataException("no dataset " + id + " in " + repo.root() + " (no ref " + refName(id) + ")");
      }
      EcDataset.Report r = EcDataset.get(id, new RepositoryBlockStore(repo), output, kernel, repairStore, pool,
          progress);
      if (repairStore) {
        repo.barrier(); // rebuilt blocks written back must be durable like any other object
      }
      return r;
    }
  }

  /** The manifest of dataset {@code id}, verified against its id. */
  public static DatasetManifest manifest(String id, Repository repo) throws IOException {
    return EcDataset.readManifest(id, new RepositoryBlockStore(repo));
  }
}
