package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A whole SDP session description (RFC 8866 §5): session-level lines and the media descriptions, every line kept
 * so that attributes the SFU does not know survive. Made by {@link #parse(String)} or by the builders of this
 * package; {@link #write()} gives the text back with CRLF line ends, and parsing that text gives an equal model.
 *
 * @param origin      the {@code o=} line
 * @param sessionName the {@code s=} value ({@code -} in WebRTC)
 * @param fields      the {@code i= u= e= p= c= b= z= k=} lines, in RFC 8866 order
 * @param timings     the {@code t=} lines (at least one) with their {@code r=} lines
 * @param attributes  the session-level {@code a=} lines, in written order
 * @param media       the media descriptions, in order
 */
public record SessionDescription(Origin origin, String sessionName, List<SdpField> fields, List<Timing> timings,
        List<Attribute> attributes, List<MediaDescription> media) {
    /** Largest SDP accepted, in characters: real offers with simulcast and many codecs stay under 16 KiB. */
    public static final int MAX_CHARS = 64 * 1024;
    /** Most lines accepted. */
    public static final int MAX_LINES = 4096;
    /** Most m-lines accepted (Chrome's own limit for a BUNDLE group is far higher; rooms never need this many). */
    public static final int MAX_MEDIA = 64;

    public SessionDescription {
        if (origin == null || media == null) {
            throw new IllegalArgumentException("origin and media are required");
        }
        SdpSyntax.requireText(sessionName, "session name");
        fields = sortFields(fields);
        timings = List.copyOf(timings);
        if (timings.isEmpty()) {
            throw new IllegalArgumentException("a session description needs at least one t= line");
        }
        attributes = List.copyOf(attributes);
        KnownAttributes.validateAll(attributes);
        media = List.copyOf(media);
        if (media.size() > MAX_MEDIA) {
            throw new IllegalArgumentException("more than " + MAX_MEDIA + " media descriptions");
        }
    }

    private static List<SdpField> sortFields(List<SdpField> fields) {
        List<SdpField> sorted = new ArrayList<>(fields);
        sorted.sort(Comparator.comparingInt(f -> SdpField.SESSION_TYPES.indexOf(f.type())));
        return List.copyOf(sorted);
    }

    /**
     * Parses an SDP. Lines may end in CRLF or LF; a trailing empty line is ignored. The structure is checked
     * strictly ({@code v=0} first, then {@code o=}, {@code s=}, at least one {@code t=} before the first {@code m=},
     * only the line types RFC 8866 allows at each level) and so is every attribute the SFU interprets; the input is
     * bounded by {@link #MAX_CHARS}, {@link #MAX_LINES} and {@link #MAX_MEDIA}.
     *
     * @throws SdpException {@link SdpError#MALFORMED}, naming the line number and text
     */
    public static SessionDescription parse(String sdp) throws SdpException {
        return SdpParser.parse(sdp);
    }

    /** The text, each line ended by CRLF. */
    public String write() {
        StringBuilder out = new StringBuilder(2048);
        out.append("v=0\r\n");
        out.append("o=").append(origin.value()).append("\r\n");
        out.append("s=").append(sessionName).append("\r\n");
        int zone = SdpField.SESSION_TYPES.indexOf('z');
        for (SdpField field : fields) {
            if (SdpField.SESSION_TYPES.indexOf(field.type()) < zone) {
                out.append(field.toLine()).append("\r\n");
            }
        }
        for (Timing timing : timings) {
            out.append("t=").append(timing.value()).append("\r\n");
            for (String repeat : timing.repeats()) {
                out.append("r=").append(repeat).append("\r\n");
            }
        }
        for (SdpField field : fields) {
            if (SdpField.SESSION_TYPES.indexOf(field.type()) >= zone) {
                out.append(field.toLine()).append("\r\n");
            }
        }
        for (Attribute attribute : attributes) {
            out.append(attribute.toLine()).append("\r\n");
        }
        for (MediaDescription m : media) {
            m.writeTo(out);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return write();
    }

    /** The first value of the named session-level attribute ({@code ""} for a property attribute). */
    public Optional<String> attribute(String name) {
        return KnownAttributes.first(attributes, name);
    }

    /** Whether the named session-level attribute is present. */
    public boolean hasAttribute(String name) {
        return KnownAttributes.has(attributes, name);
    }

    /** {@code a=group} lines (RFC 5888 §5). */
    public List<Group> groups() {
        return KnownAttributes.readAll(attributes, "group", Group::parse);
    }

    /** The first {@code a=group:BUNDLE} (RFC 8843 §7). */
    public Optional<Group> bundleGroup() {
        return groups().stream().filter(Group::isBundle).findFirst();
    }

    /** {@code a=ice-lite} (RFC 8839 §5.3), at session level or on any m-line. */
    public boolean iceLite() {
        return hasAttribute("ice-lite") || media.stream().anyMatch(MediaDescription::iceLite);
    }

    /** {@code a=extmap-allow-mixed} (RFC 8285 §6), at session level or on any m-line. */
    public boolean extmapAllowMixed() {
        return hasAttribute("extmap-allow-mixed") || media.stream().anyMatch(MediaDescription::extmapAllowMixed);
    }

    /** Session-level ICE credentials. */
    public Optional<SdpIceCredentials> iceCredentials() {
        return KnownAttributes.iceCredentials(attributes);
    }

    /** The ICE credentials that apply to {@code m}: its own, else the session's (RFC 8839 §5.4). */
    public Optional<SdpIceCredentials> iceCredentials(MediaDescription m) {
        return m.iceCredentials().or(this::iceCredentials);
    }

    /** Session-level ICE options. */
    public List<String> iceOptions() {
        return KnownAttributes.iceOptions(attributes);
    }

    /** The ICE options that apply to {@code m}. */
    public List<String> iceOptions(MediaDescription m) {
        List<String> own = m.iceOptions();
        return own.isEmpty() ? iceOptions() : own;
    }

    /** Session-level fingerprints. */
    public List<DtlsFingerprintAttribute> fingerprints() {
        return KnownAttributes.readAll(attributes, "fingerprint", DtlsFingerprintAttribute::parse);
    }

    /** The fingerprints that apply to {@code m}: its own, else the session's (RFC 8122 §5). */
    public List<DtlsFingerprintAttribute> fingerprints(MediaDescription m) {
        List<DtlsFingerprintAttribute> own = m.fingerprints();
        return own.isEmpty() ? fingerprints() : own;
    }

    /** Session-level {@code a=setup}. */
    public Optional<SetupRole> setup() {
        return attribute("setup").map(value -> KnownAttributes.read(value, SetupRole::parse));
    }

    /** The setup role that applies to {@code m}. */
    public Optional<SetupRole> setup(MediaDescription m) {
        return m.setup().or(this::setup);
    }

    /** The direction of {@code m}: its own attribute, else the session's, else {@code sendrecv} (RFC 8866 §6.7). */
    public Direction direction(MediaDescription m) {
        return m.directionAttribute().or(this::sessionDirection).orElse(Direction.SENDRECV);
    }

    private Optional<Direction> sessionDirection() {
        for (Attribute attribute : attributes) {
            Optional<Direction> direction = Direction.fromSdpName(attribute.name());
            if (direction.isPresent() && attribute.isFlag()) {
                return direction;
            }
        }
        return Optional.empty();
    }

    /** The m-line with this mid. */
    public Optional<MediaDescription> media(String mid) {
        return media.stream().filter(m -> m.mid().filter(mid::equals).isPresent()).findFirst();
    }
}
