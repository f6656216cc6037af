package io.lianmai.media.sdp;

/**
 * The SFU's answer to a remote offer: the SDP to send back (WHIP/WHEP {@code 201} body) and what was agreed.
 *
 * @param description the answer
 * @param session     the negotiated result
 */
public record LocalAnswer(SessionDescription description, NegotiatedSession session) {

    /** The answer's text. */
    public String sdp() {
        return description.write();
    }
}
