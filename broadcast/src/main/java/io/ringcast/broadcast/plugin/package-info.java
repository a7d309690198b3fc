/**
 * Plugins: the server's features (ingest protocols, packagers, recorders) found with {@link java.util.ServiceLoader},
 * configured from their own sections, started in order and stopped in reverse by the plugin host.
 */
package io.ringcast.broadcast.plugin;
