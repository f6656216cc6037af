package io.lianmai.room;

/**
 * The announced tracks of one published stream: whether its audio and its video are on (the microphone and
 * camera toggles; a muted track stays negotiated).
 */
public record StreamState(boolean audio, boolean video) {
}
