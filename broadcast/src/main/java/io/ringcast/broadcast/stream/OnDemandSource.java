package io.ringcast.broadcast.stream;

/**
 * Something that can deliver a stream nobody publishes yet, when a viewer asks for it (a pull relay). The registry
 * asks the registered sources, in order, when a viewer of any protocol requests a path that has no stream; the first
 * that {@link #supplies} it gets the new on-demand stream, created in WAITING_PUBLISHER with OnDemandPublishTimeout
 * and auto-close on.
 */
public interface OnDemandSource {
    /**
     * Whether this source can deliver {@code path} on demand (a rule matches, or the cluster directory names a node
     * holding it). Any viewer's thread; cheap: no I/O but a directory lookup bounded by its timeout.
     *
     * @throws SourceUnavailableException when it cannot tell now (directory down): the viewer is refused with 503
     */
    boolean supplies(StreamPath path);

    /**
     * Starts delivering into the new on-demand {@code stream}: publish it through {@link Stream#publish} once the
     * upstream delivers, stop when it closes ({@link Stream#onClose}). Called once per stream, on the viewer's
     * thread, outside the registry's locks; must not block.
     */
    void start(Stream stream);
}
