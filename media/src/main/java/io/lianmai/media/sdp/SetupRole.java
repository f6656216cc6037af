package io.lianmai.media.sdp;

import java.util.Optional;

/**
 * The {@code a=setup} value (RFC 4145 §4, RFC 8842 §5.1) that decides who is the DTLS client: {@code active} is the
 * client, {@code passive} the server; an offerer says {@code actpass} and lets the answerer choose.
 */
public enum SetupRole {
    ACTPASS("actpass"),
    ACTIVE("active"),
    PASSIVE("passive"),
    HOLDCONN("holdconn");

    private final String sdpName;

    SetupRole(String sdpName) {
        this.sdpName = sdpName;
    }

    public String sdpName() {
        return sdpName;
    }

    static Optional<SetupRole> fromSdpName(String name) {
        for (SetupRole role : values()) {
            if (role.sdpName.equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    static SetupRole parse(String value) throws SdpException {
        return fromSdpName(value.strip()).orElseThrow(() -> SdpSyntax.malformed(
                "setup \"" + SdpException.shorten(value) + "\" is not actpass, active, passive or holdconn"));
    }
}
