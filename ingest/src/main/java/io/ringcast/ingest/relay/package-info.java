/**
 * Relays: pull rules (on demand or always, with failover over several upstreams), push rules, named origins for the
 * proxy form, the relay limits, and the {@link io.ringcast.ingest.relay.Relays} service the web API drives.
 */
package io.ringcast.ingest.relay;
