package dev.weft.ec.files;

/** What {@link ShardDirectory#check} found for one shard file. */
public record ShardStatus(int index, String file, State state, String detail) {
  /** The outcome for one shard. */
  public enum State {
    OK, MISSING, WRONG_SIZE, CORRUPT,
    /** Something else (a directory, a fifo) is where the shard file should be: bad data, never deleted. */
    NOT_A_FILE
  }

  public boolean ok() {
    return state == State.OK;
  }

  /** For messages: "shard-03.bin (index 3) missing". */
  public String describe() {
    return file + " (index " + index + ") " + switch (state) {
      case OK -> "intact";
      case MISSING -> "missing";
      case WRONG_SIZE -> "has the wrong size: " + detail;
      case CORRUPT -> "is corrupt (sha256 mismatch)";
      case NOT_A_FILE -> "is " + detail + ", not a shard file";
    };
  }
}
