package dev.weft.store.maint;

import dev.weft.runtime.WeftException;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a repository: every object's fs-verity digest equals its name (hashed in parallel on the pool),
 * every stream parses and names only present, good objects and streams, OCI streams rebuild to the digest
 * in their name, every ref names a stream. With {@code repair}, removes bad objects, the streams that need
 * them (transitively) and refs left dangling, under the exclusive lock, so the next import refetches them.
 */
public final class Fsck {
  private final Repository repo;
  private final TaskPool pool;
  private final ProgressListener progress;

  public Fsck(Repository repo, TaskPool pool) {
    this(repo, pool, ProgressListener.NONE);
  }

  /**
   * @param progress told about the two long passes: objects re-hashed, then bytes of OCI streams rebuilt
   */
  public Fsck(Repository repo, TaskPool pool, ProgressListener progress) {
    this.repo = repo;
    this.pool = pool;
    this.progress = progress;
  }

  /**
   * The outcome.
   *
   * @param objects objects re-hashed
   * @param streams streams checked
   * @param refs refs checked
   * @param problems one line per problem, naming the object, stream or ref
   * @param removed what repair removed (empty without repair)
   */
  public record Report(long objects, long streams, long refs, List<String> problems, List<String> removed) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public Report run(boolean repair) throws IOException {
    try (RepoLock lock = repair ? repo.lockExclusive() : repo.lockForReading()) {
      List<String> problems = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      List<ObjectId> objects = repo.listObjects();
      Set<ObjectId> bad = new HashSet<>();
      try (ProgressTask bar = ProgressTask.start(progress, "fsck: re-hash objects", objects.size(), "objects");
           Scope scope = pool.openScope()) {
        List<Task<Boolean>> checks = new ArrayList<>();
        for (ObjectId id : objects) {
          checks.add(scope.fork(() -> {
            boolean good = digestOf(repo, id).equals(id);
            bar.advance(1);
            return good;
          }));
        }
        scope.join();
        for (int i = 0; i < objects.size(); i++) {
          if (!checks.get(i).join()) {
            bad.add(objects.get(i));
            problems.add("object " + objects.get(i) + ": content does not match its fs-verity digest");
          }
        }
      }
      Set<ObjectId> present = new HashSet<>(objects);
      Map<String, ObjectId> streams = new TreeMap<>();
      Map<String, String> badStreams = new TreeMap<>();
      for (String s : repo.streamNames()) {
        var id = repo.streamId(s);
        if (id.isPresent()) {
          streams.put(s, id.get());
        } else {
          // A link that is not ../objects/XX/REST (e.g. one pointing outside the repository) is no stream.
          badStreams.put(s, "link does not point at an object of this repository");
        }
      }
      Map<String, SplitStream> parsed = new HashMap<>();
      for (var e : streams.entrySet()) {
        String name = e.getKey();
        ObjectId id = e.getValue();
        if (!present.contains(id)) {
          badStreams.put(name, "its object " + id + " is missing");
        } else if (bad.contains(id)) {
          badStreams.put(name, "its object " + id + " is corrupt");
        } else {
          try {
            SplitStream ss = SplitStream.load(repo, id, name);
            parsed.put(name, ss);
            for (ObjectId o : ss.objectRefs()) {
              if (!present.contains(o) || bad.contains(o)) {
                badStreams.put(name, "needs " + (bad.contains(o) ? "corrupt" : "missing") + " object " + o);
                break;
              }
            }
          } catch (WeftException ex) {
            badStreams.put(name, ex.getMessage());
          }
        }
      }
      // OCI digests: rebuild every good OCI stream and compare with the digest in its name (in parallel).
      Map<String, SplitStream> oci = new TreeMap<>();
      parsed.forEach((name, ss) -> {
        if (ociDigest(name) != null && !badStreams.containsKey(name)) {
          oci.put(name, ss);
        }
      });
      long ociBytes = oci.values().stream().mapToLong(SplitStream::streamSize).sum();
      try (ProgressTask bar = ProgressTask.start(progress, "fsck: rebuild OCI streams", ociBytes, "bytes");
           Scope scope = pool.openScope()) {
        Map<String, Task<String>> digests = new TreeMap<>();
        oci.forEach((name, ss) -> digests.put(name, scope.fork(() -> sha256(ss, bar))));
        scope.join();
        digests.forEach((name, t) -> {
          if (!t.join().equals(ociDigest(name))) {
            badStreams.put(name, "rebuilds to " + t.join());
          }
        });
      }
      // A stream naming a bad or missing stream is bad too, until nothing changes.
      Set<ObjectId> goodIds = new HashSet<>();
      boolean changed = true;
      while (changed) {
        changed = false;
        goodIds.clear();
        streams.forEach((n, id) -> {
          if (!badStreams.containsKey(n)) {
            goodIds.add(id);
          }
        });
        for (var e : parsed.entrySet()) {
          if (badStreams.containsKey(e.getKey())) {
            continue;
          }
          for (var ref : e.getValue().namedRefs().entrySet()) {
            if (!goodIds.contains(ref.getValue())) {
              badStreams.put(e.getKey(), "names stream '" + ref.getKey() + "' (" + ref.getValue() + ") which is missing or bad");
              changed = true;
              break;
            }
          }
        }
      }
      badStreams.forEach((n, why) -> problems.add("stream " + n + ": " + why));
      List<String> refs = repo.refs("");
      List<String> danglingRefs = new ArrayList<>();
      for (String r : refs) {
        String target = repo.refTarget(r).orElse("");
        if (!streams.containsKey(target) || badStreams.containsKey(target)) {
          danglingRefs.add(r);
          problems.add("ref " + r + ": names " + (streams.containsKey(target) ? "bad" : "missing") + " stream " + target);
        }
      }
      if (repair) {
        // Links and refs first, made durable, then objects (as gc does): a repair killed half-way never
        // leaves a linked stream whose objects are gone, which an import would take as present.
        for (String s : badStreams.keySet()) {
          repo.removeStream(s);
          removed.add("stream " + s);
        }
        for (String r : danglingRefs) {
          repo.removeRef(r);
          removed.add("ref " + r);
        }
        repo.barrier();
        for (ObjectId id : bad) {
          Repository.deleteQuietly(repo.objectPath(id));
          removed.add("object " + id);
        }
      }
      return new Report(objects.size(), streams.size(), refs.size(), problems, removed);
    }
  }

  /** The digest an OCI stream's name promises, or null for other streams. */
  static String ociDigest(String stream) {
    for (String prefix : new String[] {"oci-layer-", "oci-config-", "oci-manifest-"}) {
      if (stream.startsWith(prefix) && stream.substring(prefix.length()).startsWith("sha256:")) {
        return stream.substring(prefix.length());
      }
    }
    return null;
  }

  private String sha256(SplitStream ss, ProgressTask bar) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    OutputStream counted = new OutputStream() {
      @Override
      public void write(byte[] b, int off, int len) {
        md.update(b, off, len);
        bar.advance(len);
      }

      @Override
      public void write(int b) {
        md.update((byte) b);
        bar.advance(1);
      }
    };
    ss.cat(repo, counted);
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  static ObjectId digestOf(Repository repo, ObjectId id) throws IOException {
    FsVerity.Hasher h = new FsVerity.Hasher();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = repo.openObject(id)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        h.update(buf, 0, n);
      }
    }
    return h.digest();
  }
}
