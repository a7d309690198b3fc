package io.ringcast.ingest.chunk;

/**
 * Decides when to send Acknowledgement (Adobe RTMP specification 5.4.3) as the peer's Window Acknowledgement
 * Size is crossed; one instance per connection, owned by its ingest thread.
 */
public final class AcknowledgementWindow {
    private long windowBytes;
    private long acknowledgedBytes;

    /**
     * Applies the window from the peer's Window Acknowledgement Size message; 0 disables acknowledgements.
     *
     * @param windowBytes unsigned 32-bit window size.
     */
    public void windowBytes(final long windowBytes) {
        this.windowBytes = windowBytes;
    }

    /**
     * @return current window size in bytes, 0 if none was set.
     */
    public long windowBytes() {
        return windowBytes;
    }

    /**
     * Call after each read with the running byte count; if it returns true, send an Acknowledgement carrying
     * {@code bytesReceived} (modulo 2^32).
     *
     * @param bytesReceived total bytes received on the connection.
     * @return true when at least a window's worth has arrived since the last acknowledgement.
     */
    public boolean shouldAcknowledge(final long bytesReceived) {
        if (windowBytes > 0 && bytesReceived - acknowledgedBytes >= windowBytes) {
            acknowledgedBytes = bytesReceived;
            return true;
        }
        return false;
    }
}
