package dev.weft.kernel.journal;

/** One journal record: its sequence number, event type, the state hash after the event, and the body. */
public record Record(long seq, int type, long stateHash, byte[] body) {}
