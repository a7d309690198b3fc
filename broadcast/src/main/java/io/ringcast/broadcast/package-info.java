/** The engine: streams, tracks, per-track rings and subscribers. Knows no network and no protocol. */
package io.ringcast.broadcast;
