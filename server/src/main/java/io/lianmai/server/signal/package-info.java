/**
 * The signalling WebSocket at {@code /ws} (docs/protocol.md): JSON frames in and out, one
 * {@link io.lianmai.server.signal.SignallingConnection} per socket driving the room registry and the media plane.
 */
package io.lianmai.server.signal;
