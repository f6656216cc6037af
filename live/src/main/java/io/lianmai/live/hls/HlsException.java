package io.lianmai.live.hls;

/**
 * A live stream cannot be packaged as HLS: its FLV input is malformed or unsupported, or FFmpeg refused it. The
 * message names what and why; the stream's HLS output stops, the stream itself goes on.
 */
public final class HlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public HlsException(String message) {
        super(message);
    }
}
