package io.ringcast.web;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.ingest.RtmpConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viewers' socket send buffers: bounded by default, configurable, 0 for the kernel's autotuning. */
class SendBufferConfigTest {
    @Test
    void shouldBoundViewerSendBuffersByDefault() {
        ConfigFile none = ConfigFile.parse("", "empty.toml");

        assertEquals(256 * 1024, HttpConfig.read(none).sendBufferBytes());
        assertEquals(256 * 1024, RtmpConfig.from(none.section("rtmp")).playSendBufferBytes());
    }

    @Test
    void shouldReadConfiguredSizesAndZeroForAutotuning() {
        ConfigFile config = ConfigFile.parse("[http]\nsend_buffer_bytes = 0\n[rtmp]\nplay_send_buffer_bytes = 65536\n",
                "buffers.toml");

        assertEquals(0, HttpConfig.read(config).sendBufferBytes());
        assertEquals(65536, RtmpConfig.from(config.section("rtmp")).playSendBufferBytes());
    }

    @Test
    void shouldRejectANegativeSizeNamingTheKey() {
        ConfigFile config = ConfigFile.parse("[http]\nsend_buffer_bytes = -1\n", "bad.toml");

        ConfigException e = assertThrows(ConfigException.class, () -> HttpConfig.read(config));

        assertTrue(e.getMessage().contains("send_buffer_bytes"), e.getMessage());
    }
}
