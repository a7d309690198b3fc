package io.ringcast.broadcast.record;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a new recording file for writing; the writer thread's only way to the file system's open call, so tests
 * can stand in a stalled or full disk. Called on the writer thread.
 */
@FunctionalInterface
interface ChannelOpener {
    /** Creates {@code file}, which must not exist yet: {@link java.nio.file.FileAlreadyExistsException} if it does. */
    FileChannel createNew(Path file) throws IOException;

    /** The real file system. */
    ChannelOpener FILES = file -> FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
}
