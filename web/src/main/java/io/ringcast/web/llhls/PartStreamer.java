package io.ringcast.web.llhls;

import io.ringcast.broadcast.llhls.LlPart;
import io.ringcast.web.http.AsyncBodyWriter;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Streams one LL-HLS part through servlet async I/O, complete or still being written (a preload-hinted part, RFC
 * 8216bis 6.2.6): what is there goes out in slices while the container says it is ready; when everything written so
 * far is out, it registers with the part ({@link LlPart#onMoreBytes}) and holds no thread until the segmenter appends
 * the next chunk, which resumes it on a container thread ({@link AsyncContext#start}). A complete part is sent with
 * its Content-Length; a growing one chunked, ending when the part completes. Jakarta servlet API only, so it works
 * alike in the embedded Undertow and in a WAR. Callbacks run on container threads, one at a time.
 */
final class PartStreamer extends AsyncBodyWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PartStreamer.class);

    private final LlPart part;
    /** Bytes handed to the container; container threads, one callback at a time. */
    private int offset;
    /** Whether bytes (or, at first, the headers) may sit in the container's buffer. */
    private boolean unflushed = true;

    private PartStreamer(AsyncContext async, ServletOutputStream out, LlPart part) {
        super(async, out);
        this.part = part;
    }

    /**
     * Answers 200 with the part's bytes as they come; status, content type and caching set here. Request thread;
     * after this the servlet must not touch the response.
     *
     * @param timeoutMs how long the whole answer may take (a part being written completes within its target)
     */
    static void send(HttpServletRequest request, HttpServletResponse response, LlPart part, String contentType,
                     String cacheControl, long timeoutMs, boolean withBody) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", cacheControl);
        boolean complete = part.isComplete();
        if (complete) {
            response.setContentLength(part.length());
        }
        if (!withBody || "HEAD".equals(request.getMethod())) {
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(timeoutMs);
        ServletOutputStream out = response.getOutputStream();
        new PartStreamer(async, out, part).start();
    }

    @Override
    public void onWritePossible() throws IOException {
        while (!isCompleted() && out.isReady()) {
            int available = part.length();
            if (offset < available) {
                int length = Math.min(ResponseBody.SLICE_BYTES, available - offset);
                out.write(part.bytes(), offset, length);
                offset += length;
                unflushed = true;
                continue;
            }
            if (part.isComplete() || part.isAbandoned()) {
                complete();
                return;
            }
            if (unflushed) {
                // Caught up with the writer: the headers and the chunks so far go out now, not when a buffer fills.
                unflushed = false;
                out.flush();
                continue;
            }
            // Everything written so far is out: no thread waits for the next chunk.
            part.onMoreBytes(offset, this::resume);
            return;
        }
    }

    /** The part grew, completed or was abandoned: carry on, on a container thread. */
    private void resume() {
        if (isCompleted()) {
            return;
        }
        try {
            async.start(() -> {
                try {
                    onWritePossible();
                } catch (IOException e) {
                    onError(e);
                }
            });
        } catch (IllegalStateException e) {
            // The container ended the request meanwhile (client gone, timeout): nothing to carry on.
            LOG.debug("part stream already ended: {}", e.toString());
        }
    }

    @Override
    protected String progress() {
        return "part " + part + " after " + offset + " bytes";
    }
}
