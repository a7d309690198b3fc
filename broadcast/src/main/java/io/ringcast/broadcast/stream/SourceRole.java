package io.ringcast.broadcast.stream;

/**
 * The role of a stream's publisher: its primary source, or the backup viewers are switched to while the primary
 * stops delivering (an encoder publishing {@code name?backup}, or a pull rule's {@code backup} URL).
 */
public enum SourceRole {
    PRIMARY,
    BACKUP;

    /** The name shown in stats: "primary" or "backup". */
    public String label() {
        return this == PRIMARY ? "primary" : "backup";
    }
}
