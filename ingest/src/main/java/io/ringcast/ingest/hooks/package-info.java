/**
 * The {@code [hooks]} plugin: the {@link io.ringcast.broadcast.hooks.StreamHooks} service over the JDK's async
 * HTTP client, in nginx-rtmp's or SRS's shape, with a bounded number of calls in flight, timeouts, retried
 * notifications, and nginx-rtmp's 3xx (a play pulled from the {@code Location} through the relays, a publish renamed).
 */
package io.ringcast.ingest.hooks;
