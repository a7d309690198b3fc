package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.SourceUnavailableException;

/** The stream directory cannot be asked now (Redis down or slow); the message says why, without credentials. */
public final class DirectoryUnavailableException extends SourceUnavailableException {
    public DirectoryUnavailableException(String reason) {
        super(reason);
    }
}
