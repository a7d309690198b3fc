/**
 * Test helpers every module's tests share through broadcast's test jar:
 * {@link io.ringcast.broadcast.testing.TestConfig} (the one builder of a test server's configuration: every listener
 * on 127.0.0.1 port 0, keys merged per table), {@link io.ringcast.broadcast.testing.CloseAfterEach} (what a test
 * opened, closed after it), {@link io.ringcast.broadcast.testing.TempFolders},
 * {@link io.ringcast.broadcast.testing.NginxRtmp} (a real nginx-rtmp process as relay peer) and
 * {@link io.ringcast.broadcast.testing.NarrowSocket} (a socket that takes only so many bytes).
 */
package io.ringcast.broadcast.testing;
