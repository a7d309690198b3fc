package io.ringcast.web;

import io.ringcast.broadcast.ServerCounters;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.Http;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

import java.net.HttpURLConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every connection of the embedded listener offers its socket for direct writes once a response has taken its
 * channel (as an HTTP-FLV body does), and a body written there after the head reaches the client intact.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketSideTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @Test
    void shouldCarryABodyWrittenStraightToTheSocketAfterTheHead() throws Exception {
        HttpListener listener = cleanup.add(HttpListener.start(HttpConfig.read(TestConfig.loopback()
                .set("http", "fanout_threads", 1).configFile()), new WritesPastTheResponse(), new ServerCounters()));

        for (int i = 0; i < 3; i++) {
            HttpURLConnection c = Http.open(listener.port(), "GET", "/any");
            assertEquals(200, c.getResponseCode());
            assertEquals("text/plain", c.getHeaderField("Content-Type"));
            assertEquals("written past the response, request " + i, Http.body(c).replace("?", String.valueOf(i)));
        }
    }

    /**
     * Takes the response channel, lets the head out through it, then writes the body to the socket in a gathering
     * write (a "?" for the request number, which the test fills in); says so when there is no socket to write to.
     */
    private static final class WritesPastTheResponse implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this);
                return;
            }
            exchange.setPersistent(false); // a live body ends with its connection, as HTTP-FLV's does
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            StreamSinkChannel channel = exchange.getResponseChannel();
            SocketSide socket = UndertowResponseChannel.socketSide(exchange);
            if (socket == null) {
                Channels.writeBlocking(channel, ascii("no socket to write to"));
            } else {
                Channels.flushBlocking(channel);
                ByteBuffer[] body = {ascii("written past "), ascii("the response, "), ascii("request ?")};
                while (body[2].hasRemaining()) {
                    socket.write(body, 0, body.length);
                }
            }
            channel.shutdownWrites();
            Channels.flushBlocking(channel);
        }

        private static ByteBuffer ascii(String text) {
            return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
