/**
 * Cluster mode on Redis (docs/cluster.md): the node registry kept by heartbeats, room placement (a room is served by
 * one node at a time, chosen by load, and every entry path is sent there), drain, and recovery from a node's death.
 * A single node ({@code cluster.redis} empty) uses {@link io.lianmai.server.cluster.RoomPlacement#LOCAL} and
 * needs no Redis.
 */
package io.lianmai.server.cluster;
