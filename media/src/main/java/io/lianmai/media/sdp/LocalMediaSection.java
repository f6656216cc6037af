package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes one m-line of an SDP the server makes (answer or offer), attributes in the order browsers write them. */
final class LocalMediaSection {
    private final String media;
    private final String proto;
    private final String mid;
    private final LocalTransport transport;
    private SetupRole setup = SetupRole.PASSIVE;
    private Direction direction = Direction.INACTIVE;
    private final List<RtpCodec> codecs = new ArrayList<>();
    private final List<ExtMap> extMaps = new ArrayList<>();
    private boolean rtcpReducedSize;
    private boolean rtcpXrReceiverRtt;
    private final List<Rid> rids = new ArrayList<>();
    private Optional<Simulcast> simulcast = Optional.empty();
    private Optional<OutgoingTrack> track = Optional.empty();
    private boolean sendRtx;

    LocalMediaSection(String media, String proto, String mid, LocalTransport transport) {
        this.media = media;
        this.proto = proto;
        this.mid = mid;
        this.transport = transport;
    }

    /** A rejected m-line (RFC 3264 §6): port 0, the offered formats, the mid kept. */
    static MediaDescription rejected(MediaDescription offered) {
        List<Attribute> attributes = new ArrayList<>();
        offered.mid().ifPresent(mid -> attributes.add(Attribute.of("mid", mid)));
        return new MediaDescription(offered.media(), 0, 0, offered.proto(), offered.formats(),
                List.of(SdpField.connection("0.0.0.0")), attributes);
    }

    LocalMediaSection setup(SetupRole role) {
        this.setup = role;
        return this;
    }

    LocalMediaSection direction(Direction newDirection) {
        this.direction = newDirection;
        return this;
    }

    LocalMediaSection codec(RtpCodec codec) {
        codecs.add(codec);
        return this;
    }

    LocalMediaSection extMap(ExtMap extMap) {
        extMaps.add(extMap);
        return this;
    }

    LocalMediaSection rtcpReducedSize(boolean value) {
        this.rtcpReducedSize = value;
        return this;
    }

    /** Answers {@code a=rtcp-xr:rcvr-rtt=all}: the server answers the receiver's RRTR with DLRR (RFC 3611 §4.5). */
    LocalMediaSection rtcpXrReceiverRtt(boolean value) {
        this.rtcpXrReceiverRtt = value;
        return this;
    }

    LocalMediaSection rid(Rid rid) {
        rids.add(rid);
        return this;
    }

    LocalMediaSection simulcast(Simulcast value) {
        this.simulcast = Optional.of(value);
        return this;
    }

    LocalMediaSection track(OutgoingTrack outgoing, boolean rtx) {
        this.track = Optional.of(outgoing);
        this.sendRtx = rtx;
        return this;
    }

    MediaDescription build() {
        String[] address = transport.defaultAddress();
        List<String> formats = new ArrayList<>();
        for (RtpCodec codec : codecs) {
            formats.add(Integer.toString(codec.payloadType()));
        }
        List<Attribute> a = new ArrayList<>();
        a.add(Attribute.of("ice-ufrag", transport.ice().ufrag()));
        a.add(Attribute.of("ice-pwd", transport.ice().pwd()));
        a.add(Attribute.of("fingerprint", transport.fingerprint().toValue()));
        a.add(Attribute.of("setup", setup.sdpName()));
        a.add(Attribute.of("mid", mid));
        for (ExtMap extMap : extMaps) {
            a.add(Attribute.of("extmap", extMap.toValue()));
        }
        a.add(Attribute.flag(direction.sdpName()));
        track.ifPresent(t -> a.add(Attribute.of("msid", t.msid().toValue())));
        a.add(Attribute.flag("rtcp-mux"));
        if (rtcpReducedSize) {
            a.add(Attribute.flag("rtcp-rsize"));
        }
        if (rtcpXrReceiverRtt) {
            a.add(Attribute.of("rtcp-xr", "rcvr-rtt=all"));
        }
        for (RtpCodec codec : codecs) {
            a.addAll(codec.toAttributes());
        }
        for (Rid rid : rids) {
            a.add(Attribute.of("rid", rid.toValue()));
        }
        simulcast.ifPresent(s -> a.add(Attribute.of("simulcast", s.toValue())));
        track.ifPresent(t -> {
            List<Long> ssrcs = sendRtx ? List.of(t.ssrc(), t.rtxSsrc()) : List.of(t.ssrc());
            if (sendRtx) {
                a.add(Attribute.of("ssrc-group", new SsrcGroup(SsrcGroup.FID, ssrcs).toValue()));
            }
            for (long ssrc : ssrcs) {
                a.add(Attribute.of("ssrc", new SsrcAttribute(ssrc, SsrcAttribute.CNAME, t.cname()).toValue()));
                a.add(Attribute.of("ssrc", new SsrcAttribute(ssrc, SsrcAttribute.MSID, t.msid().toValue()).toValue()));
            }
        });
        for (String candidate : transport.candidates()) {
            a.add(Attribute.of("candidate", candidate));
        }
        a.add(Attribute.flag("end-of-candidates"));
        return new MediaDescription(media, Integer.parseInt(address[1]), 0, proto, formats,
                List.of(SdpField.connection(address[0])), a);
    }
}
