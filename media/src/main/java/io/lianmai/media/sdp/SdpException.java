package io.lianmai.media.sdp;

/**
 * An SDP was rejected. The message names the line (1-based number and its text, shortened) when one line is at
 * fault, so a WHIP client's developer can find the problem in what they sent.
 */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN_LINE_CHARS = 80;

    private final SdpError error;
    private final int lineNumber;
    private final String detail;

    /** A problem that is not tied to one line, such as a missing attribute. */
    public SdpException(SdpError error, String detail) {
        super(error.description() + ": " + detail);
        this.error = error;
        this.lineNumber = 0;
        this.detail = detail;
    }

    /** A problem on line {@code lineNumber} (1-based) whose text is {@code line}. */
    public SdpException(SdpError error, int lineNumber, String line, String detail) {
        super(error.description() + ": line " + lineNumber + " \"" + shorten(line) + "\": " + detail);
        this.error = error;
        this.lineNumber = lineNumber;
        this.detail = detail;
    }

    /** The typed reason. */
    public SdpError error() {
        return error;
    }

    /** The 1-based number of the offending line, or 0 when the problem is not on one line. */
    public int lineNumber() {
        return lineNumber;
    }

    /** What was wrong, without the error's phrase or the line. */
    public String detail() {
        return detail;
    }

    /** Shortens and escapes a line for a message: control characters become {@code \\uXXXX}. */
    static String shorten(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), SHOWN_LINE_CHARS) + 8);
        int limit = Math.min(text.length(), SHOWN_LINE_CHARS);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > SHOWN_LINE_CHARS) {
            out.append("...");
        }
        return out.toString();
    }
}
