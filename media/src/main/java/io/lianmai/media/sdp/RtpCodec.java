package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One payload format of an RTP m-line, gathered from {@code a=rtpmap} (RFC 8866 §6.6), {@code a=fmtp} (§6.15) and
 * {@code a=rtcp-fb} (RFC 4585 §4.2) for the same payload type.
 *
 * @param payloadType 0..127
 * @param name        the encoding name as written ({@code opus}, {@code VP8}, {@code H264}, {@code rtx}...)
 * @param clockRate   the RTP clock rate in Hz
 * @param channels    the audio channel count as written, 0 when the rtpmap has none
 * @param parameters  the fmtp parameters, in written order (see {@link FormatParameters})
 * @param feedback    the rtcp-fb capabilities, in written order
 */
public record RtpCodec(int payloadType, String name, int clockRate, int channels, Map<String, String> parameters,
        List<RtcpFeedbackType> feedback) {

    public RtpCodec {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0..127: " + payloadType);
        }
        if (!SdpSyntax.isToken(name) || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("encoding name must be a token without '/': " + name);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        if (channels < 0 || channels > 255) {
            throw new IllegalArgumentException("channels must be 0..255: " + channels);
        }
        parameters = FormatParameters.copy(parameters);
        feedback = List.copyOf(feedback);
    }

    /** A codec with no parameters and no feedback. */
    public static RtpCodec of(int payloadType, String name, int clockRate, int channels) {
        return new RtpCodec(payloadType, name, clockRate, channels, Map.of(), List.of());
    }

    /** An RTX format (RFC 4588 §8.6) repairing {@code primary}. */
    public static RtpCodec rtx(int payloadType, int primary, int clockRate) {
        return new RtpCodec(payloadType, "rtx", clockRate, 0, Map.of("apt", Integer.toString(primary)), List.of());
    }

    /** The static payload types of RFC 3551 §6 that browsers still offer without an rtpmap. */
    static Optional<RtpCodec> staticPayloadType(int pt) {
        return switch (pt) {
            case 0 -> Optional.of(of(0, "PCMU", 8000, 0));
            case 8 -> Optional.of(of(8, "PCMA", 8000, 0));
            case 9 -> Optional.of(of(9, "G722", 8000, 0));
            case 13 -> Optional.of(of(13, "CN", 8000, 0));
            default -> Optional.empty();
        };
    }

    /** The parsed {@code a=rtpmap} value: payload type, name, clock rate and channels. */
    static RtpCodec parseRtpMap(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length != 2) {
            throw SdpSyntax.malformed("rtpmap needs \"<pt> <encoding>/<clock rate>[/<channels>]\"");
        }
        int pt = SdpSyntax.parsePayloadType(words[0]);
        String[] parts = words[1].split("/", -1);
        if (parts.length < 2 || parts.length > 3 || !SdpSyntax.isToken(parts[0])) {
            throw SdpSyntax.malformed("rtpmap needs \"<pt> <encoding>/<clock rate>[/<channels>]\"");
        }
        int clock = SdpSyntax.parseInt(parts[1], 1, Integer.MAX_VALUE, "clock rate");
        int channels = parts.length == 3 ? SdpSyntax.parseInt(parts[2], 1, 255, "channel count") : 0;
        return of(pt, parts[0], clock, channels);
    }

    /** Payload type and parameter text of an {@code a=fmtp} value. */
    static Map.Entry<Integer, Map<String, String>> parseFmtp(String value) throws SdpException {
        String text = value.stripLeading();
        int space = indexOfSpace(text);
        if (space <= 0) {
            throw SdpSyntax.malformed("fmtp needs \"<pt> <parameters>\"");
        }
        int pt = SdpSyntax.parsePayloadType(text.substring(0, space));
        return Map.entry(pt, FormatParameters.parse(text.substring(space + 1)));
    }

    /** Payload type ({@code -1} for {@code *}) and feedback of an {@code a=rtcp-fb} value. */
    static Map.Entry<Integer, RtcpFeedbackType> parseRtcpFb(String value) throws SdpException {
        String text = value.stripLeading();
        int space = indexOfSpace(text);
        if (space <= 0) {
            throw SdpSyntax.malformed("rtcp-fb needs \"<pt|*> <type> [<parameter>]\"");
        }
        String pt = text.substring(0, space);
        int payloadType = pt.equals("*") ? -1 : SdpSyntax.parsePayloadType(pt);
        return Map.entry(payloadType, RtcpFeedbackType.parse(text.substring(space + 1)));
    }

    private static int indexOfSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    /** Whether this is the named encoding, ignoring case as RFC 4855 §3 says. */
    public boolean is(String encodingName) {
        return name.equalsIgnoreCase(encodingName);
    }

    /** True for an RTX format (RFC 4588). */
    public boolean isRtx() {
        return is("rtx");
    }

    /** A parameter, looked up ignoring case. */
    public Optional<String> parameter(String key) {
        return Optional.ofNullable(FormatParameters.get(parameters, key));
    }

    /** For RTX, the payload type it repairs ({@code apt}); empty otherwise or when unreadable. */
    public OptionalInt associatedPayloadType() {
        Optional<String> apt = parameter("apt");
        if (apt.isEmpty() || !SdpSyntax.isDigits(apt.get()) || apt.get().length() > 3) {
            return OptionalInt.empty();
        }
        int value = Integer.parseInt(apt.get());
        return value <= 127 ? OptionalInt.of(value) : OptionalInt.empty();
    }

    /** The effective channel count: the written one, or 1 (RFC 8866 §6.6 default). */
    public int channelCount() {
        return channels == 0 ? 1 : channels;
    }

    public RtpCodec withPayloadType(int newPayloadType) {
        return new RtpCodec(newPayloadType, name, clockRate, channels, parameters, feedback);
    }

    public RtpCodec withParameters(Map<String, String> newParameters) {
        return new RtpCodec(payloadType, name, clockRate, channels, newParameters, feedback);
    }

    public RtpCodec withFeedback(List<RtcpFeedbackType> newFeedback) {
        return new RtpCodec(payloadType, name, clockRate, channels, parameters, newFeedback);
    }

    /** The {@code a=rtpmap}, {@code a=rtcp-fb} and {@code a=fmtp} lines that describe this codec, in Chrome's order. */
    public List<Attribute> toAttributes() {
        List<Attribute> out = new ArrayList<>();
        String rtpmap = payloadType + " " + name + "/" + clockRate + (channels == 0 ? "" : "/" + channels);
        out.add(Attribute.of("rtpmap", rtpmap));
        for (RtcpFeedbackType fb : feedback) {
            out.add(Attribute.of("rtcp-fb", payloadType + " " + fb.toValue()));
        }
        if (!parameters.isEmpty()) {
            out.add(Attribute.of("fmtp", payloadType + " " + FormatParameters.format(parameters)));
        }
        return out;
    }

    /** Short form for logs and messages, e.g. {@code 96 VP8/90000}. */
    public String describe() {
        return payloadType + " " + name + "/" + clockRate + (channels == 0 ? "" : "/" + channels)
                + (parameters.isEmpty() ? "" : " " + FormatParameters.format(parameters));
    }
}
