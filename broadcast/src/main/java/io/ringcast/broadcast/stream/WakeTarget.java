package io.ringcast.broadcast.stream;

/** Something to poke when a stream has new frames or changed state: an egress worker thread. Thread-safe. */
public interface WakeTarget {
    /** Wakes the target if it sleeps; cheap when it is awake. Called by producers once per frame. */
    void wake();
}
