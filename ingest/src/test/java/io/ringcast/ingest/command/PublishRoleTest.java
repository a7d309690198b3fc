package io.ringcast.ingest.command;

import io.ringcast.broadcast.stream.SourceRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which role a publish asks for, from the stream name's parameters. */
@Timeout(5)
class PublishRoleTest {
    @Test
    void shouldReadTheBackupRoleFromTheStreamNamesParameters() {
        assertEquals(SourceRole.BACKUP, CommandHandler.roleOf("x?backup"));
        assertEquals(SourceRole.BACKUP, CommandHandler.roleOf("KEY123?backup"));
        assertEquals(SourceRole.BACKUP, CommandHandler.roleOf("x?token=abc&backup"));
        assertEquals(SourceRole.BACKUP, CommandHandler.roleOf("x?backup=1"));
        assertEquals(SourceRole.PRIMARY, CommandHandler.roleOf("x"));
        assertEquals(SourceRole.PRIMARY, CommandHandler.roleOf("x?backup=0"));
        assertEquals(SourceRole.PRIMARY, CommandHandler.roleOf("x?backup=false"));
        assertEquals(SourceRole.PRIMARY, CommandHandler.roleOf("x?backups"));
        assertEquals(SourceRole.PRIMARY, CommandHandler.roleOf("backup"));
        assertEquals("x", CommandHandler.stripQuery("x?backup"), "the stream is x either way");
    }
}
