package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One media description: an {@code m=} line and the lines under it (RFC 8866 §5.14). Every line is kept; the typed
 * accessors read the attributes WebRTC uses, at media level only ({@link SessionDescription} adds the session-level
 * fall-backs for ICE, DTLS and direction).
 *
 * @param media      the media token: {@code audio}, {@code video}, {@code application}...
 * @param port       the port, 0 for a rejected or bundle-only m-line
 * @param portCount  the {@code /<number of ports>} suffix, 0 when absent
 * @param proto      e.g. {@code UDP/TLS/RTP/SAVPF}
 * @param formats    the payload types (for RTP) or format tokens, at least one
 * @param fields     the {@code i= c= b= k=} lines, in RFC 8866 order
 * @param attributes the {@code a=} lines, in written order
 */
public record MediaDescription(String media, int port, int portCount, String proto, List<String> formats,
        List<SdpField> fields, List<Attribute> attributes) {

    public MediaDescription {
        SdpSyntax.requireToken(media, "media");
        if (port < 0 || port > 65535 || portCount < 0 || portCount > 65535) {
            throw new IllegalArgumentException("port out of range: " + port + "/" + portCount);
        }
        try {
            checkProtoAndFormats(proto, formats);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.detail(), e);
        }
        formats = List.copyOf(formats);
        fields = sortFields(fields);
        attributes = List.copyOf(attributes);
        KnownAttributes.validateAll(attributes);
    }

    static void checkProtoAndFormats(String proto, List<String> formats) throws SdpException {
        if (proto == null || proto.isEmpty()) {
            throw SdpSyntax.malformed("m-line has no protocol");
        }
        for (String part : proto.split("/", -1)) {
            if (!SdpSyntax.isToken(part)) {
                throw SdpSyntax.malformed("protocol \"" + SdpException.shorten(proto) + "\" is not tokens joined by /");
            }
        }
        if (formats.isEmpty()) {
            throw SdpSyntax.malformed("m-line has no formats");
        }
        boolean rtp = isRtpProto(proto);
        for (String format : formats) {
            if (!SdpSyntax.isToken(format)) {
                throw SdpSyntax.malformed("format \"" + SdpException.shorten(format) + "\" is not a token");
            }
            if (rtp) {
                SdpSyntax.parsePayloadType(format);
            }
        }
    }

    static boolean isRtpProto(String proto) {
        return proto.toUpperCase(java.util.Locale.ROOT).contains("RTP/");
    }

    private static List<SdpField> sortFields(List<SdpField> fields) {
        List<SdpField> sorted = new ArrayList<>(fields);
        for (SdpField field : sorted) {
            if (SdpField.MEDIA_TYPES.indexOf(field.type()) < 0) {
                throw new IllegalArgumentException("'" + field.type() + "=' is not allowed in a media description");
            }
        }
        sorted.sort(Comparator.comparingInt(f -> SdpField.MEDIA_TYPES.indexOf(f.type())));
        return List.copyOf(sorted);
    }

    /** The kind the SFU understands this m-line as. */
    public MediaKind kind() {
        return MediaKind.of(media);
    }

    /** True for an RTP profile ({@code RTP/AVP}, {@code UDP/TLS/RTP/SAVPF}...). */
    public boolean isRtp() {
        return isRtpProto(proto);
    }

    /** {@code a=bundle-only} (RFC 8843 §6): port 0 that does not mean rejected. */
    public boolean bundleOnly() {
        return KnownAttributes.has(attributes, "bundle-only");
    }

    /** Port 0 without {@code a=bundle-only}: the writer rejected or stopped this m-line (RFC 3264 §6). */
    public boolean isRejected() {
        return port == 0 && !bundleOnly();
    }

    /** The first value of the named attribute ({@code ""} for a property attribute). */
    public Optional<String> attribute(String name) {
        return KnownAttributes.first(attributes, name);
    }

    /** Whether the named attribute is present. */
    public boolean hasAttribute(String name) {
        return KnownAttributes.has(attributes, name);
    }

    /** The values of every attribute with this name. */
    public List<String> attributeValues(String name) {
        return KnownAttributes.all(attributes, name);
    }

    /** {@code a=mid} (RFC 5888 §4). */
    public Optional<String> mid() {
        return attribute("mid");
    }

    /** The media-level direction attribute, if any (RFC 8866 §6.7). */
    public Optional<Direction> directionAttribute() {
        for (Attribute attribute : attributes) {
            Optional<Direction> direction = Direction.fromSdpName(attribute.name());
            if (direction.isPresent() && attribute.isFlag()) {
                return direction;
            }
        }
        return Optional.empty();
    }

    /** {@code a=rtcp-mux} (RFC 5761 §5.1.1). */
    public boolean rtcpMux() {
        return hasAttribute("rtcp-mux");
    }

    /** {@code a=rtcp-rsize} (RFC 5506 §5). */
    public boolean rtcpReducedSize() {
        return hasAttribute("rtcp-rsize");
    }

    /**
     * Whether an {@code a=rtcp-xr} asks for receiver reference time reports ({@code rcvr-rtt}, RFC 3611 §5.1): the
     * receiver's round trip through RRTR/DLRR, as Chromium offers ({@code a=rtcp-xr:rcvr-rtt=all}).
     */
    public boolean rtcpXrReceiverRtt() {
        for (String value : attributeValues("rtcp-xr")) {
            for (String format : value.split("\\s+")) {
                if (format.startsWith("rcvr-rtt=")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Media-level {@code a=ice-ufrag} and {@code a=ice-pwd}, if both are present. */
    public Optional<SdpIceCredentials> iceCredentials() {
        return KnownAttributes.iceCredentials(attributes);
    }

    /** Media-level {@code a=ice-options} (RFC 8839 §5.6), split into options. */
    public List<String> iceOptions() {
        return KnownAttributes.iceOptions(attributes);
    }

    /** {@code a=ice-lite} written at media level (RFC 8839 only defines it at session level). */
    public boolean iceLite() {
        return hasAttribute("ice-lite");
    }

    /** Media-level {@code a=fingerprint} lines. */
    public List<DtlsFingerprintAttribute> fingerprints() {
        return KnownAttributes.readAll(attributes, "fingerprint", DtlsFingerprintAttribute::parse);
    }

    /** Media-level {@code a=setup}. */
    public Optional<SetupRole> setup() {
        return attribute("setup").map(value -> KnownAttributes.read(value, SetupRole::parse));
    }

    /** The {@code a=candidate} values (after {@code candidate:}), as written. */
    public List<String> candidates() {
        return List.copyOf(attributeValues("candidate"));
    }

    /** {@code a=end-of-candidates} (RFC 8840 §8.2). */
    public boolean endOfCandidates() {
        return hasAttribute("end-of-candidates");
    }

    /** {@code a=extmap-allow-mixed} at media level (RFC 8285 §6). */
    public boolean extmapAllowMixed() {
        return hasAttribute("extmap-allow-mixed");
    }

    /**
     * The RTP payload formats in m-line order, each from its rtpmap, first fmtp and rtcp-fb lines (including
     * {@code rtcp-fb:*}). A static payload type without rtpmap gets its RFC 3551 name; an unknown one is skipped.
     */
    public List<RtpCodec> codecs() {
        if (!isRtp()) {
            return List.of();
        }
        Map<Integer, RtpCodec> maps = new HashMap<>();
        Map<Integer, Map<String, String>> fmtps = new HashMap<>();
        Map<Integer, List<RtcpFeedbackType>> feedback = new HashMap<>();
        List<RtcpFeedbackType> wildcard = new ArrayList<>();
        for (Attribute attribute : attributes) {
            if (attribute.value() == null) {
                continue;
            }
            switch (attribute.name()) {
                case "rtpmap" -> {
                    RtpCodec codec = KnownAttributes.read(attribute.value(), RtpCodec::parseRtpMap);
                    maps.putIfAbsent(codec.payloadType(), codec);
                }
                case "fmtp" -> {
                    var fmtp = KnownAttributes.read(attribute.value(), RtpCodec::parseFmtp);
                    fmtps.putIfAbsent(fmtp.getKey(), fmtp.getValue());
                }
                case "rtcp-fb" -> {
                    var fb = KnownAttributes.read(attribute.value(), RtpCodec::parseRtcpFb);
                    if (fb.getKey() < 0) {
                        wildcard.add(fb.getValue());
                    } else {
                        feedback.computeIfAbsent(fb.getKey(), k -> new ArrayList<>()).add(fb.getValue());
                    }
                }
                default -> {
                    // Not codec information.
                }
            }
        }
        List<RtpCodec> out = new ArrayList<>();
        LinkedHashSet<Integer> seen = new LinkedHashSet<>();
        for (String format : formats) {
            int pt = Integer.parseInt(format);
            if (!seen.add(pt)) {
                continue;
            }
            Optional<RtpCodec> base = Optional.ofNullable(maps.get(pt)).or(() -> RtpCodec.staticPayloadType(pt));
            if (base.isEmpty()) {
                continue;
            }
            List<RtcpFeedbackType> fbs = new ArrayList<>(feedback.getOrDefault(pt, List.of()));
            fbs.addAll(wildcard);
            out.add(base.get().withParameters(fmtps.getOrDefault(pt, Map.of())).withFeedback(fbs));
        }
        return List.copyOf(out);
    }

    /** {@code a=extmap} lines (RFC 8285 §8). */
    public List<ExtMap> extMaps() {
        return KnownAttributes.readAll(attributes, "extmap", ExtMap::parse);
    }

    /** {@code a=ssrc} lines (RFC 5576 §4.1). */
    public List<SsrcAttribute> ssrcAttributes() {
        return KnownAttributes.readAll(attributes, "ssrc", SsrcAttribute::parse);
    }

    /** The distinct SSRCs named by {@code a=ssrc}, in first-seen order. */
    public List<Long> ssrcs() {
        LinkedHashSet<Long> out = new LinkedHashSet<>();
        for (SsrcAttribute attribute : ssrcAttributes()) {
            out.add(attribute.ssrc());
        }
        return List.copyOf(out);
    }

    /** {@code cname} of each SSRC that has one (RFC 5576 §6.1). */
    public Map<Long, String> cnames() {
        Map<Long, String> out = new LinkedHashMap<>();
        for (SsrcAttribute attribute : ssrcAttributes()) {
            if (attribute.attribute().equals(SsrcAttribute.CNAME) && attribute.value() != null) {
                out.putIfAbsent(attribute.ssrc(), attribute.value());
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** {@code a=ssrc-group} lines (RFC 5576 §4.2). */
    public List<SsrcGroup> ssrcGroups() {
        return KnownAttributes.readAll(attributes, "ssrc-group", SsrcGroup::parse);
    }

    /** {@code a=msid} (RFC 8830 §2), or else the legacy {@code a=ssrc:<n> msid:} of the first SSRC. */
    public Optional<Msid> msid() {
        Optional<Msid> direct = attribute("msid").map(value -> KnownAttributes.read(value, Msid::parse));
        if (direct.isPresent()) {
            return direct;
        }
        for (SsrcAttribute attribute : ssrcAttributes()) {
            if (attribute.attribute().equals(SsrcAttribute.MSID) && attribute.value() != null) {
                try {
                    return Optional.of(Msid.parse(attribute.value()));
                } catch (SdpException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** {@code a=rid} lines (RFC 8851 §4). */
    public List<Rid> rids() {
        return KnownAttributes.readAll(attributes, "rid", Rid::parse);
    }

    /** {@code a=simulcast} (RFC 8853 §5.1). */
    public Optional<Simulcast> simulcast() {
        return attribute("simulcast").map(value -> KnownAttributes.read(value, Simulcast::parse));
    }

    /** The {@code m=} value: {@code <media> <port>[/<count>] <proto> <fmt>...}. */
    public String mediaLineValue() {
        StringBuilder out = new StringBuilder(media).append(' ').append(port);
        if (portCount != 0) {
            out.append('/').append(portCount);
        }
        out.append(' ').append(proto);
        for (String format : formats) {
            out.append(' ').append(format);
        }
        return out.toString();
    }

    void writeTo(StringBuilder out) {
        out.append("m=").append(mediaLineValue()).append("\r\n");
        for (SdpField field : fields) {
            out.append(field.toLine()).append("\r\n");
        }
        for (Attribute attribute : attributes) {
            out.append(attribute.toLine()).append("\r\n");
        }
    }
}
