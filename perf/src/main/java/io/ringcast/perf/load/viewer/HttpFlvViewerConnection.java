package io.ringcast.perf.load.viewer;

import io.ringcast.perf.load.flv.ChunkedBodyDecoder;
import io.ringcast.perf.load.flv.FlvStreamParser;
import io.ringcast.perf.load.flv.HttpResponseHead;
import io.ringcast.perf.load.flv.HttpUrl;
import io.ringcast.perf.load.media.FrameTagger;
import io.ringcast.perf.load.media.SentFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * An HTTP-FLV viewer: one HTTP/1.1 GET, then the response head, then the FLV stream, chunked or until the server
 * closes. Owned by its {@link ViewerLoop} thread.
 */
public final class HttpFlvViewerConnection extends ViewerConnection implements FlvStreamParser.Listener {
    private static final int STATUS_OK = 200;

    private final ByteBuffer request;
    private final HttpResponseHead head = new HttpResponseHead();
    private final FlvStreamParser flv = new FlvStreamParser(this, FrameTagger.PREFIX_BYTES);
    private ChunkedBodyDecoder chunked;
    private long receivedNs;

    public HttpFlvViewerConnection(ViewerGroup group, HttpUrl url, InetSocketAddress server, ViewerSettings settings,
                                   RunWindow window, SentFrames sent) {
        super(group, server, settings, window, sent);
        request = ByteBuffer.wrap(url.request().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    protected void onConnected(long nowNs) {
    }

    @Override
    protected boolean writeOutput(SocketChannel channel, long nowNs) throws IOException {
        if (request.hasRemaining()) {
            channel.write(request);
            if (!request.hasRemaining()) {
                frames().requestSent(nowNs);
            }
        }
        return !request.hasRemaining();
    }

    @Override
    protected void onBytes(DirectBuffer buffer, int offset, int length, long receivedNs) {
        this.receivedNs = receivedNs;
        int position = offset;
        int end = offset + length;
        if (!head.isComplete()) {
            position += head.consume(buffer, position, length);
            if (!head.isComplete()) {
                return;
            }
            if (head.statusCode() != STATUS_OK) {
                end(EndReason.REFUSED, head.statusLine(), receivedNs);
                return;
            }
            if (head.isChunked()) {
                chunked = new ChunkedBodyDecoder(flv);
            }
        }
        if (position == end) {
            return;
        }
        if (chunked == null) {
            flv.onData(buffer, position, end - position);
            return;
        }
        chunked.decode(buffer, position, end - position);
        if (chunked.isDone()) {
            end(EndReason.CLOSED_BY_SERVER, "end of chunked body", receivedNs);
        }
    }

    /**
     * The response head in bulk (a read may take body bytes behind it), then what completes the FLV unit in progress;
     * a chunked body adds the least chunk framing that can come before those bytes.
     */
    @Override
    protected int bytesWantedNext() {
        if (!head.isComplete()) {
            return super.bytesWantedNext();
        }
        int flvBytes = flv.bytesToUnitEnd();
        return chunked == null ? flvBytes : chunked.minimumBodyBytes(flvBytes);
    }

    @Override
    public void onTag(int tagType, long timestampMs, DirectBuffer prefix, int prefixLength, int bodyLength) {
        if (tagType == FlvStreamParser.TYPE_VIDEO) {
            frames().onVideo(timestampMs, prefix, prefixLength, receivedNs);
        } else {
            frames().onAudio(timestampMs, prefix, prefixLength, receivedNs);
        }
    }
}
