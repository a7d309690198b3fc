package io.ringcast.perf.hostile;

import org.HdrHistogram.Histogram;

/**
 * A healthy HLS viewer on its own thread, from the healthy address: polls the live playlist and downloads every
 * segment it has not had yet, as a player does, until stopped. Counts segments, bytes, gaps (segments that left
 * the window before it fetched them) and failed requests, and records segment download times. Read the figures
 * once stopped.
 */
final class HlsViewer implements Runnable {
    private static final long POLL_MS = 500;
    private static final long TIMEOUT_MS = 5_000;

    private final int httpPort;
    private final String app;
    private final String name;
    private final Histogram segmentMs = new Histogram(60_000, 2);
    private volatile boolean running = true;
    private boolean playlistSeen;
    private long lastSequence = -1;
    private long segments;
    private long bytes;
    private long gaps;
    private long failures;
    private String lastFailure;

    HlsViewer(int httpPort, String app, String name) {
        this.httpPort = httpPort;
        this.app = app;
        this.name = name;
    }

    @Override
    public void run() {
        while (running) {
            long polled = System.nanoTime();
            RawHttp.Answer answer = RawHttp.get(httpPort, "/" + app + "/" + name + ".m3u8", TIMEOUT_MS);
            if (answer.status() == 200) {
                playlistSeen = true;
                fetchNew(HlsPlaylist.parse(app, answer.text()));
            } else if (playlistSeen) {
                failures++; // before the first segment a 404 is what every player sees first: not a failure
                lastFailure = "playlist: " + answer;
            }
            long waitMs = POLL_MS - (System.nanoTime() - polled) / 1_000_000;
            if (waitMs > 0) {
                try {
                    Thread.sleep(waitMs); // a player's playlist refresh interval
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void fetchNew(HlsPlaylist playlist) {
        for (int i = 0; i < playlist.segmentPaths().size() && running; i++) {
            long sequence = playlist.mediaSequence() + i;
            if (lastSequence >= 0 && sequence <= lastSequence) {
                continue;
            }
            if (lastSequence < 0 && i < playlist.segmentPaths().size() - 1) {
                continue; // a player joining live starts at the newest segment
            }
            if (lastSequence >= 0 && sequence > lastSequence + 1) {
                gaps += sequence - lastSequence - 1;
            }
            RawHttp.Answer a = RawHttp.get(httpPort, playlist.segmentPaths().get(i), TIMEOUT_MS);
            if (a.status() == 200) {
                segments++;
                bytes += a.body().length;
                segmentMs.recordValue(Math.min(a.elapsedMs(), 60_000));
            } else {
                failures++;
                lastFailure = playlist.segmentPaths().get(i) + ": " + a;
            }
            lastSequence = sequence;
        }
    }

    void stop() {
        running = false;
    }

    long segments() {
        return segments;
    }

    long bytes() {
        return bytes;
    }

    long gaps() {
        return gaps;
    }

    long failures() {
        return failures;
    }

    String lastFailure() {
        return lastFailure;
    }

    Histogram segmentMs() {
        return segmentMs;
    }
}
