package io.ringcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.handshake.HandshakeResponder;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real ffmpeg publisher and player against the handshake responder, chunk decoder and AMF0 reader on loopback. */
class FfmpegInteropTest {
    private static final File FFMPEG = new File("/usr/bin/ffmpeg");
    private static final int READ_TIMEOUT_MS = 10_000;

    private List<Object> connectCommand;

    @Test
    @Timeout(30)
    void shouldCompleteDigestHandshakeWithFfmpegPublisherAndDecodeItsConnectCommand() throws Exception {
        runFfmpeg(true);

        assertTrue(((Map<?, ?>)connectCommand.get(2)).get("flashVer").toString()
            .startsWith("FMLE/3.0 (compatible; Lavf"));
    }

    /** As a player, ffmpeg verifies the S1 digest and the S2 signature and gives up if either is wrong. */
    @Test
    @Timeout(30)
    void shouldPassFfmpegPlayerVerificationOfS1DigestAndS2Signature() throws Exception {
        runFfmpeg(false);
    }

    private void runFfmpeg(final boolean publish) throws Exception {
        Assumptions.assumeTrue(FFMPEG.canExecute(), "ffmpeg not installed at " + FFMPEG);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final String url = "rtmp://127.0.0.1:" + server.getLocalPort() + "/live/demo";
            final List<String> command = publish ?
                List.of(FFMPEG.getPath(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=160x120:rate=10", "-t", "1", "-c:v", "libx264", "-f", "flv", url) :
                List.of(FFMPEG.getPath(), "-hide_banner", "-loglevel", "error", "-i", url, "-f", "null", "-");
            final Process ffmpeg = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                server.setSoTimeout(READ_TIMEOUT_MS);
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(READ_TIMEOUT_MS);
                    serve(socket);
                }
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor(5, TimeUnit.SECONDS);
            }
        }

        assertNotNull(connectCommand, "connect command received");
        assertEquals("connect", connectCommand.get(0));
        assertEquals(1.0, connectCommand.get(1));
        final Map<?, ?> commandObject = (Map<?, ?>)connectCommand.get(2);
        assertEquals("live", commandObject.get("app"));
        assertTrue(commandObject.get("tcUrl").toString().endsWith("/live"), commandObject.toString());
    }

    private void serve(final Socket socket) throws Exception {
        final InputStream in = socket.getInputStream();
        final OutputStream out = socket.getOutputStream();
        final HandshakeResponder handshake = new HandshakeResponder(new SplittableRandom(), 0);
        final ChunkDecoder decoder = new ChunkDecoder(new ConnectListener(), 1 << 20, 1 << 16, 8);
        final byte[] bytes = new byte[4096];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        boolean responded = false;
        while (connectCommand == null) {
            final int read = in.read(bytes);
            if (read < 0) {
                break;
            }
            int consumed = 0;
            if (!handshake.isComplete()) {
                consumed = handshake.consume(buffer, 0, read);
                if (handshake.isResponseReady() && !responded) {
                    final byte[] response = new byte[handshake.responseLength()];
                    handshake.response().getBytes(0, response);
                    out.write(response);
                    out.flush();
                    responded = true;
                    assertTrue(handshake.isDigestHandshake(), "ffmpeg signs C1");
                }
            }
            decoder.decode(buffer, consumed, read - consumed);
        }
    }

    private final class ConnectListener implements ChunkListener {
        @Override
        public boolean onMessageStart(final MessageHeader header, final PayloadTarget target) {
            return true;
        }

        @Override
        public void onMessage(final MessageHeader header, final DirectBuffer buffer, final int offset,
            final int length) {
            if (header.messageTypeId() == MessageTypeIds.COMMAND_AMF0 && connectCommand == null) {
                connectCommand = new Amf0Reader().wrap(buffer, offset, length).readAll();
            }
        }

        @Override
        public void onMessageAborted(final MessageHeader header) {
        }
    }
}
