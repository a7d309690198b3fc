package io.ringcast.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ServerOptionsTest {
    @Test
    void shouldParseConfigAndPortOverridesInBothSpellings() throws Exception {
        ServerOptions o = ServerOptions.parse("--config", "a.toml", "--rtmp-port=1936", "--http-port", "0");

        assertEquals(Path.of("a.toml"), o.config().orElseThrow());
        assertEquals(1936, o.rtmpPort().getAsInt());
        assertEquals(0, o.httpPort().getAsInt());
        assertFalse(o.help());
    }

    @Test
    void shouldUseEmbeddedDefaultsWithoutFlags() throws Exception {
        ServerOptions o = ServerOptions.parse();

        assertTrue(o.config().isEmpty());
        assertTrue(o.httpPort().isEmpty());
        assertTrue(o.rtmpPort().isEmpty());
    }

    @Test
    void shouldRejectUnknownFlagsMissingValuesAndBadPorts() {
        assertTrue(assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse("--nope"))
                .getMessage().contains("--nope"));
        assertTrue(assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse("--config"))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse("--http-port", "70000"))
                .getMessage().contains("70000"));
        assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse("--rtmp-port=x"));
    }

    @Test
    void shouldExitWithCodeTwoAndUsageOnABadFlag() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = RingcastMain.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(RingcastMain.EXIT_USAGE, exit);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("unknown argument: --bogus"), text);
        assertTrue(text.contains("usage: ringcast"), text);
    }

    @Test
    void shouldPrintUsageAndExitZeroOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = RingcastMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));

        assertEquals(RingcastMain.EXIT_OK, exit);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--http-port N"));
    }

    @Test
    void shouldExitWithCodeOneNamingTheKeyWhenTheConfigHasAnUnknownKey() throws Exception {
        Path file = java.nio.file.Files.createTempFile("ringcast", ".toml");
        try {
            java.nio.file.Files.writeString(file, "[http]\nport = 0\nprot = 1\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int exit = RingcastMain.run(new String[] {"--config", file.toString()},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

            assertEquals(RingcastMain.EXIT_STARTUP_FAILED, exit);
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("prot") && text.contains(":3"), text);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
