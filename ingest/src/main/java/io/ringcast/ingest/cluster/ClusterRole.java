package io.ringcast.ingest.cluster;

/** What a node does in the cluster ({@code [cluster] role}). */
public enum ClusterRole {
    /** Takes publishes (and registers them in the directory); pulls plays of streams another origin holds. */
    ORIGIN,
    /** Takes no publishes; pulls every requested stream from the node the directory names. */
    EDGE,
    /** Both: a small cluster where every node takes encoders and viewers. */
    BOTH;

    /** Whether encoders may publish on a node of this role. */
    public boolean acceptsPublishes() {
        return this != EDGE;
    }
}
