package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * A session-level {@code a=group:<semantics> <mid>...} (RFC 5888 §5); {@code BUNDLE} (RFC 8843 §7) is the one the
 * SFU acts on, and its first mid names the tagged m-line whose transport carries all the others.
 *
 * @param semantics e.g. {@code BUNDLE}, {@code LS}
 * @param mids      the identification tags, in order
 */
public record Group(String semantics, List<String> mids) {
    /** The semantics of RFC 8843. */
    public static final String BUNDLE = "BUNDLE";

    public Group {
        SdpSyntax.requireToken(semantics, "group semantics");
        mids = List.copyOf(mids);
        for (String mid : mids) {
            SdpSyntax.requireToken(mid, "group mid");
        }
    }

    static Group parse(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length == 0 || !SdpSyntax.isToken(words[0])) {
            throw SdpSyntax.malformed("group needs \"<semantics> <mid>...\"");
        }
        List<String> mids = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            if (!SdpSyntax.isToken(words[i])) {
                throw SdpSyntax.malformed("group mid \"" + SdpException.shorten(words[i]) + "\" is not a token");
            }
            mids.add(words[i]);
        }
        return new Group(words[0], mids);
    }

    /** True for {@code BUNDLE} (compared case-insensitively, as RFC 5888 tokens are). */
    public boolean isBundle() {
        return BUNDLE.equalsIgnoreCase(semantics);
    }

    public String toValue() {
        return mids.isEmpty() ? semantics : semantics + " " + String.join(" ", mids);
    }
}
