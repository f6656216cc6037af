/**
 * Writing to the app database off the threads that must not block: rooms report their changes under their locks, a
 * {@link io.lianmai.server.db.QueuedWriter} takes them through a bounded queue and writes them in batches on a thread
 * of its own (event callbacks' outbox, room history).
 */
package io.lianmai.server.db;
