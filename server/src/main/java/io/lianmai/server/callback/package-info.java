/**
 * TRTC's event callbacks (docs/callbacks.md): rooms' changes become TRTC events ({@link
 * io.lianmai.server.callback.CallbackRecorder}), are written to the durable outbox in the app database ({@link
 * io.lianmai.server.callback.OutboxWriter}), and are posted, signed, to each app's callback URL in order per room with
 * retries ({@link io.lianmai.server.callback.CallbackSender}). {@link io.lianmai.server.callback.CallbackService} wires
 * them for the server.
 */
package io.lianmai.server.callback;
