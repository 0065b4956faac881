package dev.weft.store.splitstream;

import dev.weft.runtime.BadDataException;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An external object's bytes that are hashed as they are read and checked against the object's
 * fs-verity digest at the end. Objects are content-addressed, so a mismatch means the file on disk
 * was damaged; readers must not hand such content out as if it were the original stream. Hashing
 * while streaming costs one pass over data that is being read anyway.
 */
final class VerifiedObjectStream extends FilterInputStream {
  private final Repository repo;
  private final ObjectId id;
  private final FsVerity.Hasher hasher = new FsVerity.Hasher();
  private boolean checked;

  private VerifiedObjectStream(Repository repo, ObjectId id, InputStream in) {
    super(in);
    this.repo = repo;
    this.id = id;
  }

  static InputStream open(Repository repo, ObjectId id) throws IOException {
    return new VerifiedObjectStream(repo, id, repo.openObject(id));
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      hasher.update(b, off, n);
    } else if (n < 0) {
      check();
    }
    return n;
  }

  /** Skipped bytes must still be hashed, so skipping reads them. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void check() {
    if (checked) {
      return;
    }
    checked = true;
    ObjectId actual = hasher.digest();
    if (!actual.equals(id)) {
      throw new BadDataException("object " + id + " is corrupt: its content has fs-verity digest " + actual
          + " (" + repo.objectPath(id) + "; weft fsck --repair removes it, then re-import)");
    }
  }
}
