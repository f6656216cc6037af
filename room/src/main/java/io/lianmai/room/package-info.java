/**
 * Rooms and their members, independent of any transport: who is in which room with which role, what each member
 * publishes and subscribes, the limits a room enforces, custom messages, and the grace period in which a member
 * whose connection dropped can resume. The server's signalling layer drives it; it owns no threads or sockets.
 */
package io.lianmai.room;
