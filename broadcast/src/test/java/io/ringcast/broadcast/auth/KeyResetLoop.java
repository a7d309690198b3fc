package io.ringcast.broadcast.auth;

import java.nio.file.Path;

/** Test helper process: resets a room's key forever, printing each new key, until it is killed. */
public final class KeyResetLoop {
    private KeyResetLoop() {
    }

    public static void main(String[] args) throws Exception {
        StreamKeys keys = StreamKeys.load(Path.of(args[0]));
        for (int i = 0; ; i++) {
            String key = keys.reset("room" + (i % 3));
            System.out.println("room" + (i % 3) + "=" + key);
            System.out.flush();
        }
    }
}
