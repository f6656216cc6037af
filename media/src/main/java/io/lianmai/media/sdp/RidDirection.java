package io.lianmai.media.sdp;

/** The direction of an RTP stream identifier (RFC 8851 §4): whether its writer sends or receives that stream. */
public enum RidDirection {
    SEND("send"),
    RECV("recv");

    private final String sdpName;

    RidDirection(String sdpName) {
        this.sdpName = sdpName;
    }

    public String sdpName() {
        return sdpName;
    }

    /** The other side's view. */
    public RidDirection reverse() {
        return this == SEND ? RECV : SEND;
    }

    static RidDirection parse(String word) throws SdpException {
        for (RidDirection direction : values()) {
            if (direction.sdpName.equals(word)) {
                return direction;
            }
        }
        throw SdpSyntax.malformed("rid direction \"" + SdpException.shorten(word) + "\" is not send or recv");
    }
}
