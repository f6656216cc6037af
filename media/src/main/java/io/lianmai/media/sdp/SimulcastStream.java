package io.lianmai.media.sdp;

/**
 * One rid in an {@code a=simulcast} list (RFC 8853 §5.1), {@code ~} marking it paused.
 *
 * @param rid    the rid id
 * @param paused whether the writer starts it paused
 */
public record SimulcastStream(String rid, boolean paused) {

    public SimulcastStream {
        if (!Rid.isRidId(rid)) {
            throw new IllegalArgumentException("simulcast rid must be letters, digits, - or _: " + rid);
        }
    }

    public String toValue() {
        return paused ? "~" + rid : rid;
    }
}
