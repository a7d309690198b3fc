/**
 * Stream keys for a cluster: the one-shot import of a single server's keys file into the cluster's Redis
 * ({@link io.ringcast.ops.keys.KeysImport}, the {@code ops/import-keys} command).
 */
package io.ringcast.ops.keys;
