package dev.weft.store.maint;

import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes what no ref reaches, under the exclusive lock: from each ref's stream, follows named stream refs
 * and marks object refs (composefs's algorithm); unreached stream links, objects and leftover temporary
 * files go.
 */
public final class Gc {
  private final Repository repo;
  private final Runnable afterLinksRemoved;

  public Gc(Repository repo) {
    this(repo, () -> {});
  }

  /** For crash tests: {@code afterLinksRemoved} runs between the two phases (and may throw to stop gc there). */
  Gc(Repository repo, Runnable afterLinksRemoved) {
    this.repo = repo;
    this.afterLinksRemoved = afterLinksRemoved;
  }

  /**
   * What gc removed (or would remove with dry run).
   *
   * @param keptObjects reachable objects
   */
  public record Report(boolean dryRun, long keptObjects, List<String> streams, long objects, long bytes, long tempFiles) {}

  public Report run(boolean dryRun) throws IOException {
    try (RepoLock lock = repo.lockExclusive()) {
      Map<ObjectId, List<String>> streamsById = new HashMap<>();
      List<String> notStreams = new ArrayList<>();
      for (String s : repo.streamNames()) {
        var id = repo.streamId(s);
        if (id.isPresent()) {
          streamsById.computeIfAbsent(id.get(), k -> new ArrayList<>()).add(s);
        } else {
          notStreams.add(s); // a link that points at no object of this repository
        }
      }
      Set<ObjectId> live = new HashSet<>();
      Deque<ObjectId> work = new ArrayDeque<>();
      Set<String> named = new HashSet<>();
      for (String r : repo.refs("")) {
        repo.refTarget(r).ifPresent(t -> {
          named.add(t);
          repo.streamId(t).ifPresent(work::add);
        });
      }
      while (!work.isEmpty()) {
        ObjectId s = work.pop();
        if (!live.add(s) || !repo.hasObject(s)) {
          continue;
        }
        SplitStream ss = SplitStream.load(repo, s, "stream " + s);
        live.addAll(ss.objectRefs());
        work.addAll(ss.namedRefs().values());
      }
      List<String> deadStreams = new ArrayList<>();
      for (var e : streamsById.entrySet()) {
        if (!live.contains(e.getKey())) {
          deadStreams.addAll(e.getValue());
        }
      }
      for (String s : notStreams) {
        if (!named.contains(s)) {
          deadStreams.add(s); // only the link goes; whatever it points at is left alone
        }
      }
      deadStreams.sort(null);
      long objects = 0;
      long bytes = 0;
      List<ObjectId> all = repo.listObjects();
      List<Path> temps = repo.listTempFiles();
      if (!dryRun) {
        // Links first, made durable, then objects: a gc killed in between leaves dead links to intact
        // streams (the next gc takes them), never a stream whose objects are gone, which an import would
        // take as present and publish.
        if (!deadStreams.isEmpty()) {
          for (String s : deadStreams) {
            repo.removeStream(s);
          }
          repo.barrier();
        }
        afterLinksRemoved.run();
      }
      for (ObjectId id : all) {
        if (Thread.currentThread().isInterrupted()) {
          // Ctrl-C: safe to stop here, the dead links are already gone; the next gc takes the rest.
          throw new java.util.concurrent.CancellationException("gc cancelled");
        }
        if (!live.contains(id)) {
          objects++;
          Path p = repo.objectPath(id);
          bytes += Files.size(p);
          if (!dryRun) {
            Files.deleteIfExists(p);
          }
        }
      }
      if (!dryRun) {
        for (Path t : temps) {
          Repository.deleteQuietly(t);
        }
        repo.barrier();
      }
      return new Report(dryRun, all.size() - objects, deadStreams, objects, bytes, temps.size());
    }
  }
}
