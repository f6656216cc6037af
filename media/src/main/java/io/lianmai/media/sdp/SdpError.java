package io.lianmai.media.sdp;

/** Why an SDP was refused: the sender either wrote bad SDP, or asked for something the SFU does not do. */
public enum SdpError {
    /** The text is not SDP (RFC 8866 syntax, or an attribute's own grammar) or exceeds a limit. */
    MALFORMED("malformed SDP"),
    /** Well-formed, but the SFU cannot accept it (no rtcp-mux, no ICE credentials, nothing it can serve...). */
    UNACCEPTABLE("unacceptable offer"),
    /** An answer that does not fit the offer the server made. */
    ANSWER_MISMATCH("answer does not match the offer");

    private final String description;

    SdpError(String description) {
        this.description = description;
    }

    /** A short phrase that starts every message of this kind. */
    public String description() {
        return description;
    }
}
