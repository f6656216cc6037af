package io.lianmai.media.dtls;

import java.io.IOException;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;

/**
 * Lianmai's side of a browser's DTLS-SRTP association: the DTLS server. Lianmai always answers an offer with
 * {@code a=setup:passive} ({@link #SDP_SETUP}), so the browser (offering {@code actpass}, RFC 5763 §5) is the
 * DTLS client and sends the ClientHello; the server needs no timer of its own until then.
 *
 * <p>No HelloVerifyRequest cookie exchange (RFC 6347 §4.2.1): ICE connectivity checks (RFC 8445) have already
 * proved the remote address, so the round trip it costs buys nothing.
 */
public final class DtlsServerSession extends DtlsSession {
    /** The {@code a=setup} value Lianmai answers with (RFC 4145 §4, RFC 5763 §5). */
    public static final String SDP_SETUP = "passive";

    DtlsServerSession(DtlsContext context, DtlsFingerprint remoteFingerprint, DtlsSender sender,
            DtlsSessionListener listener) {
        super(context, remoteFingerprint, sender, listener);
    }

    @Override
    public boolean isServer() {
        return true;
    }

    @Override
    DTLSTransport handshake(DtlsContext context, QueueDatagramTransport transport) throws IOException {
        DTLSServerProtocol protocol = new DTLSServerProtocol();
        protocol.setVerifyRequests(false);
        return protocol.accept(new WebRtcTlsServer(context, this), transport);
    }
}
