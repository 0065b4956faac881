package dev.weft.store.dataset;

import dev.weft.ec.dataset.BlockStore;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Dataset blocks as repository objects: a block's id is its object's fs-verity digest. Blocks written here
 * are not durable until {@link Repository#barrier()} (done by {@link RepositoryDatasets} before the ref
 * is published) and not kept by gc until a ref reaches them.
 */
public final class RepositoryBlockStore implements BlockStore {
  private final Repository repo;

  public RepositoryBlockStore(Repository repo) {
    this.repo = repo;
  }

  @Override
  public String put(byte[] data, int off, int len) throws IOException {
    ObjectId id = FsVerity.digest(data, off, len);
    Path path = repo.objectPath(id);
    if (Files.exists(path) && !id.equals(FsVerity.digest(Files.readAllBytes(path)))) {
      // A corrupt object under this digest would make putObject skip the write; remove it so a repair
      // (get --repair stores rebuilt blocks back) actually heals the repository.
      Files.delete(path);
    }
    return repo.putObject(data, off, len).hex();
  }

  @Override
  public byte[] get(String id) throws IOException {
    ObjectId oid = ObjectId.parseOrNull(id);
    if (oid == null) {
      return null;
    }
    try {
      return Files.readAllBytes(repo.objectPath(oid));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public String idOf(byte[] data, int off, int len) {
    return FsVerity.digest(data, off, len).hex();
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(repo.root());
  }
}
