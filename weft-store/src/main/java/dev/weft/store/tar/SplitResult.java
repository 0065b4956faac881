package dev.weft.store.tar;

/**
 * What splitting one tar produced.
 *
 * @param splitStream the split stream file's bytes (not yet stored)
 * @param tarBytes size of the tar that was split
 * @param entries tar entries seen (extension headers not counted)
 * @param externalFiles regular files stored as objects
 * @param externalBytes their total size
 */
public record SplitResult(byte[] splitStream, long tarBytes, long entries, long externalFiles, long externalBytes) {}
