package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads SDP text line by line (RFC 8866 §5, §9). Bounded: the size is checked before anything is split, and every
 * loop runs at most once per character or line. Each error names the line.
 */
final class SdpParser {
    private SdpParser() {
    }

    static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null) {
            throw SdpSyntax.malformed("no SDP given");
        }
        if (sdp.length() > SessionDescription.MAX_CHARS) {
            throw SdpSyntax.malformed("SDP is " + sdp.length() + " characters, more than the "
                    + SessionDescription.MAX_CHARS + " accepted");
        }
        List<String> lines = splitLines(sdp);
        if (lines.isEmpty()) {
            throw SdpSyntax.malformed("SDP is empty");
        }
        return new SdpParser.Reader(lines).read();
    }

    /** Splits on LF, dropping one CR before it; drops trailing empty lines; bounds the line count. */
    private static List<String> splitLines(String sdp) throws SdpException {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int length = sdp.length();
        while (start < length) {
            int end = sdp.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            int stop = end > start && sdp.charAt(end - 1) == '\r' ? end - 1 : end;
            if (lines.size() == SessionDescription.MAX_LINES) {
                throw SdpSyntax.malformed("SDP has more than " + SessionDescription.MAX_LINES + " lines");
            }
            lines.add(sdp.substring(start, stop));
            start = end + 1;
        }
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isEmpty()) {
            last--;
        }
        return lines.subList(0, last);
    }

    /** One pass over the lines; holds the position for error messages. */
    private static final class Reader {
        private final List<String> lines;
        private int index;

        Reader(List<String> lines) {
            this.lines = lines;
        }

        SessionDescription read() throws SdpException {
            expect('v');
            if (!value().equals("0")) {
                throw error("only SDP version 0 exists (RFC 8866 §5.1)");
            }
            index++;
            expect('o');
            Origin origin = attempt(() -> Origin.parse(value()));
            index++;
            expect('s');
            String sessionName = value();
            index++;

            List<SdpField> fields = new ArrayList<>();
            List<Timing> timings = new ArrayList<>();
            List<Attribute> attributes = new ArrayList<>();
            while (index < lines.size() && type() != 'm') {
                char type = type();
                switch (type) {
                    case 't' -> timings.add(attempt(() -> Timing.parse(value())));
                    case 'r' -> {
                        if (timings.isEmpty()) {
                            throw error("r= must follow a t= line");
                        }
                        timings.set(timings.size() - 1, timings.get(timings.size() - 1).withRepeat(value()));
                    }
                    case 'a' -> attributes.add(attribute());
                    default -> {
                        if (SdpField.SESSION_TYPES.indexOf(type) < 0) {
                            throw error(unexpected(type, "at session level"));
                        }
                        fields.add(field(type));
                    }
                }
                index++;
            }
            if (timings.isEmpty()) {
                throw new SdpException(SdpError.MALFORMED, "no t= line before the first m= line (RFC 8866 §5.9)");
            }

            List<MediaDescription> media = new ArrayList<>();
            while (index < lines.size()) {
                if (media.size() == SessionDescription.MAX_MEDIA) {
                    throw error("more than " + SessionDescription.MAX_MEDIA + " m= lines");
                }
                media.add(mediaDescription());
            }
            try {
                return new SessionDescription(origin, sessionName, fields, timings, attributes, media);
            } catch (IllegalArgumentException e) {
                throw new SdpException(SdpError.MALFORMED, e.getMessage());
            }
        }

        private MediaDescription mediaDescription() throws SdpException {
            int mLine = index;
            String[] words = value().split(" ", -1);
            if (words.length < 4) {
                throw error("m= needs \"<media> <port> <proto> <fmt> ...\"");
            }
            for (String word : words) {
                if (word.isEmpty()) {
                    throw error("m= fields must be separated by single spaces");
                }
            }
            if (!SdpSyntax.isToken(words[0])) {
                throw error("media \"" + SdpException.shorten(words[0]) + "\" is not a token");
            }
            String portText = words[1];
            int portCount = 0;
            int slash = portText.indexOf('/');
            if (slash >= 0) {
                String count = portText.substring(slash + 1);
                portText = portText.substring(0, slash);
                portCount = attempt(() -> SdpSyntax.parseInt(count, 1, 65535, "port count"));
            }
            String port = portText;
            int portNumber = attempt(() -> SdpSyntax.parseInt(port, 0, 65535, "port"));
            List<String> formats = Arrays.asList(words).subList(3, words.length);
            attempt(() -> {
                MediaDescription.checkProtoAndFormats(words[2], formats);
                return null;
            });
            index++;

            List<SdpField> fields = new ArrayList<>();
            List<Attribute> attributes = new ArrayList<>();
            while (index < lines.size() && type() != 'm') {
                char type = type();
                if (type == 'a') {
                    attributes.add(attribute());
                } else if (SdpField.MEDIA_TYPES.indexOf(type) >= 0) {
                    fields.add(field(type));
                } else {
                    throw error(unexpected(type, "in a media description"));
                }
                index++;
            }
            try {
                return new MediaDescription(words[0], portNumber, portCount, words[2], formats, fields, attributes);
            } catch (IllegalArgumentException e) {
                throw new SdpException(SdpError.MALFORMED, mLine + 1, lines.get(mLine), e.getMessage());
            }
        }

        private String unexpected(char type, String where) {
            if (type == 'v' || type == 'o' || type == 's' || type == 't' || type == 'r' || type == 'z') {
                return "'" + type + "=' is not allowed " + where;
            }
            return "unknown line type '" + type + "=' " + where;
        }

        private Attribute attribute() throws SdpException {
            Attribute attribute = attempt(() -> Attribute.parse(value()));
            attempt(() -> {
                KnownAttributes.validate(attribute);
                return null;
            });
            return attribute;
        }

        private SdpField field(char type) throws SdpException {
            String value = value();
            attempt(() -> {
                SdpField.validate(type, value);
                return null;
            });
            return new SdpField(type, value);
        }

        /** Checks the current line's shape ({@code <letter>=<text>}) and returns its type letter. */
        private char type() throws SdpException {
            String line = lines.get(index);
            if (line.isEmpty()) {
                throw error("empty line");
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw error("a line must be <type>=<value>");
            }
            char type = line.charAt(0);
            if (type < 'a' || type > 'z') {
                throw error("line type must be a lower-case letter");
            }
            if (!SdpSyntax.isLineText(line)) {
                throw error("line contains a control character");
            }
            return type;
        }

        private void expect(char type) throws SdpException {
            if (index >= lines.size()) {
                throw new SdpException(SdpError.MALFORMED, "SDP ends before its '" + type + "=' line");
            }
            if (type() != type) {
                throw error("expected '" + type + "=' here (RFC 8866 §5 fixes the order v=, o=, s=)");
            }
        }

        private String value() {
            return lines.get(index).substring(2);
        }

        private SdpException error(String detail) {
            return new SdpException(SdpError.MALFORMED, index + 1, lines.get(index), detail);
        }

        private interface Step<T> {
            T run() throws SdpException;
        }

        /** Runs a value parser and gives its error the current line. */
        private <T> T attempt(Step<T> step) throws SdpException {
            try {
                return step.run();
            } catch (SdpException e) {
                throw error(e.detail());
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }
    }
}
