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
import dev.weft.store.splitstream.SplitStream;
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
      publish(repo, st.id(), st.manifest());
      return st;
    }
  }

  /** Writes the dataset's stream (one external chunk per object it needs) and points its ref at it. */
  private static void publish(Repository repo, String id, DatasetManifest manifest) throws IOException {
    SplitStreamWriter w = new SplitStreamWriter(CONTENT_TYPE);
    for (String hex : objects(id, manifest)) {
      ObjectId oid = ObjectId.parseOrNull(hex);
      w.writeExternal(oid, Files.size(repo.objectPath(oid)));
    }
    repo.publishStream(streamName(id), w.finish());
    repo.setRef(refName(id), streamName(id));
  }

  /** The objects a dataset's stream must name so gc keeps them: the manifest block, then every block. */
  private static Set<String> objects(String id, DatasetManifest manifest) {
    Set<String> ids = new LinkedHashSet<>();
    ids.add(id);
    ids.addAll(manifest.blocks());
    return ids;
  }

  /**
   * Drops dataset {@code id}: removes its ref, so the next {@code weft gc} frees its stream and every
   * block no other ref reaches. The blocks stay readable until then.
   *
   * @throws UsageException when {@code id} is not a dataset id (malformed argument)
   * @throws BadDataException when the repository has no such dataset: like {@code get}, {@code oci untag}
   *     and {@code oci inspect} of a name the repository does not hold
   */
  public static void remove(String id, Repository repo) throws IOException {
    checkId(id);
    try (RepoLock lock = repo.lockShared()) {
      if (!repo.removeRef(refName(id))) {
        throw new BadDataException("no dataset " + id + " in " + repo.root() + " (no ref " + refName(id) + ")");
      }
    }
  }

  private static void checkId(String id) {
    // Checked before it becomes part of a ref path, where "../x" would be an internal error.
    if (ObjectId.parseOrNull(id) == null) {
      throw new UsageException(id + ": not a dataset id (64 hex digits, as printed by 'weft put')");
    }
  }

  /**
   * Checks that the ref {@code ec/ID} leads to the stream {@code ec-dataset-ID} and that this stream names
   * exactly the manifest block and every block of the manifest: gc keeps only what the stream names, so a
   * stream that lost a block would let gc delete it. Returns the problem, or null if there is none.
   */
  static String checkStream(Repository repo, String id, DatasetManifest manifest) throws IOException {
    String target = repo.refTarget(refName(id)).orElse(null);
    if (!streamName(id).equals(target)) {
      return "ref " + refName(id) + " points at " + target + ", not at stream " + streamName(id);
    }
    var sid = repo.streamId(streamName(id));
    if (sid.isEmpty() || !repo.hasObject(sid.get())) {
      return "stream " + streamName(id) + " is missing";
    }
    SplitStream ss;
    try {
      ss = SplitStream.load(repo, sid.get(), "stream " + streamName(id));
    } catch (RuntimeException e) {
      return "stream " + streamName(id) + " is unreadable: " + e.getMessage();
    }
    if (ss.contentType() != CONTENT_TYPE) {
      return "stream " + streamName(id) + " is not a dataset stream";
    }
    Set<String> named = new LinkedHashSet<>();
    for (ObjectId o : ss.objectRefs()) {
      named.add(o.hex());
    }
    Set<String> expected = objects(id, manifest);
    Set<String> missing = new LinkedHashSet<>(expected);
    missing.removeAll(named);
    Set<String> extra = new LinkedHashSet<>(named);
    extra.removeAll(expected);
    if (missing.isEmpty() && extra.isEmpty()) {
      return null;
    }
    return "stream " + streamName(id) + " does not match the manifest (" + missing.size()
        + " block(s) not named, e.g. " + (missing.isEmpty() ? "-" : missing.iterator().next()) + "; "
        + extra.size() + " object(s) not in the manifest)";
  }

  /**
   * What {@link #get} did.
   *
   * @param streamRepublished the problem found with the dataset's stream and fixed by republishing it
   *     (only with repair), or null
   */
  public record Got(EcDataset.Report report, String streamRepublished) {}

  /**
   * Rebuilds dataset {@code id} into {@code output}; see {@link EcDataset#get}. First checks the dataset's
   * stream against its manifest (see {@link #checkStream}): a mismatch fails with {@link BadDataException}
   * unless {@code repairStore}, which republishes the stream after the read.
   */
  public static Got get(String id, Repository repo, Path output, GfKernel kernel, boolean repairStore,
      TaskPool pool, ProgressListener progress) throws IOException {
    checkId(id);
    try (RepoLock lock = repairStore ? repo.lockShared() : repo.lockForReading()) {
      if (repo.refTarget(refName(id)).isEmpty()) {
        throw new BadDataException("no dataset " + id + " in " + repo.root() + " (no ref " + refName(id) + ")");
      }
      // The stream is checked first: without --repair a mismatch fails before anything is written.
      String streamProblem = checkStream(repo, id, manifest(id, repo));
      if (streamProblem != null && !repairStore) {
        throw new BadDataException("dataset " + id + ": " + streamProblem
            + "; gc could delete its blocks ('weft get --repair' republishes the stream)");
      }
      EcDataset.Report r = EcDataset.get(id, new RepositoryBlockStore(repo), output, kernel, repairStore, pool,
          progress);
      if (repairStore) {
        repo.barrier(); // rebuilt blocks written back must be durable like any other object
        if (streamProblem != null) {
          publish(repo, id, r.manifest());
        }
      }
      return new Got(r, streamProblem);
    }
  }

  /** The manifest of dataset {@code id}, verified against its id. */
  public static DatasetManifest manifest(String id, Repository repo) throws IOException {
    return EcDataset.readManifest(id, new RepositoryBlockStore(repo));
  }
}
