package io.ringcast.ingest.relay;

import java.util.ArrayList;
import java.util.List;

/** A {@link RelayLog} that keeps every line, for tests of "logged once per change". */
final class RecordingRelayLog implements RelayLog {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public synchronized void warn(String message) {
        lines.add("WARN " + message);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
