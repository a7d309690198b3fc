/**
 * Test helpers every module's tests share through broadcast's test jar: {@link io.ringcast.broadcast.testing.TestConfig},
 * the one builder of a test server's configuration (listeners on 127.0.0.1 port 0, keys merged per table).
 */
package io.ringcast.broadcast.testing;
