package io.lianmai.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.SdkAppId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The wire form of a UserSig (Tencent TLS signature v2): JSON, zlib-deflated, base64 with {@code +/=} replaced by
 * {@code *-_}.
 *
 * <p>{@link #decode} only unpacks; it checks no signature. Use {@link UserSigVerifier} to accept a UserSig.
 */
public final class UserSig {

    /**
     * Longest accepted UserSig, in characters. A PrivateMapKey with a 64-character room and a 32-character user is
     * about 400; anything far larger is refused before any decoding work.
     */
    public static final int MAX_LENGTH = 4096;

    /** Largest decompressed JSON accepted: bounds the work a crafted zlib stream can cause. */
    private static final int MAX_JSON_BYTES = 8192;

    private static final String VER = "TLS.ver";
    private static final String IDENTIFIER = "TLS.identifier";
    private static final String SDKAPPID = "TLS.sdkappid";
    private static final String EXPIRE = "TLS.expire";
    private static final String TIME = "TLS.time";
    private static final String USERBUF = "TLS.userbuf";
    private static final String SIG = "TLS.sig";

    /** Values above this cannot be Unix seconds or sensible lifetimes, and would overflow {@code time + expire}. */
    private static final long MAX_SECONDS = 1L << 40;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build());
    }

    private UserSig() {
    }

    /**
     * Packs fields into a UserSig string, in the field order the official libraries write:
     * ver, identifier, sdkappid, expire, time, [userbuf,] sig.
     */
    public static String encode(UserSigFields fields) {
        ObjectNode json = JSON.createObjectNode()
                .put(VER, fields.version())
                .put(IDENTIFIER, fields.identifier())
                .put(SDKAPPID, fields.sdkAppId().value())
                .put(EXPIRE, fields.expire())
                .put(TIME, fields.time());
        fields.userbuf().ifPresent(buf -> json.put(USERBUF, buf));
        json.put(SIG, fields.sig());
        byte[] text;
        try {
            text = JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON object of strings and numbers", e);
        }
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(text);
            deflater.finish();
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(text.length);
            byte[] chunk = new byte[512];
            while (!deflater.finished()) {
                compressed.write(chunk, 0, deflater.deflate(chunk));
            }
            return toUserSigBase64(compressed.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /**
     * Unpacks a UserSig string into its fields, checking its form but not its signature or expiry.
     *
     * @throws UserSigException {@link UserSigError#EMPTY}, {@link UserSigError#TOO_LARGE},
     *     {@link UserSigError#MALFORMED_BASE64}, {@link UserSigError#BAD_COMPRESSION}, {@link UserSigError#BAD_JSON},
     *     {@link UserSigError#MISSING_FIELD}, {@link UserSigError#UNSUPPORTED_VERSION}, or
     *     {@link UserSigError#SDKAPPID_MISMATCH} when {@code TLS.sdkappid} is no SDKAppID at all (0, or beyond 32 bits)
     */
    public static UserSigFields decode(String userSig) throws UserSigException {
        if (userSig == null || userSig.isBlank()) {
            throw new UserSigException(UserSigError.EMPTY, null);
        }
        String text = userSig.strip();
        if (text.length() > MAX_LENGTH) {
            throw new UserSigException(UserSigError.TOO_LARGE,
                    text.length() + " characters, at most " + MAX_LENGTH + " accepted");
        }
        byte[] compressed = fromUserSigBase64(text);
        byte[] json = inflate(compressed);
        return parse(json);
    }

    /** Standard base64 with {@code +/=} turned into {@code *-_}, as every official library writes. */
    static String toUserSigBase64(byte[] bytes) {
        char[] chars = Base64.getEncoder().encodeToString(bytes).toCharArray();
        for (int i = 0; i < chars.length; i++) {
            switch (chars[i]) {
                case '+' -> chars[i] = '*';
                case '/' -> chars[i] = '-';
                case '=' -> chars[i] = '_';
                default -> {
                }
            }
        }
        return new String(chars);
    }

    private static byte[] fromUserSigBase64(String text) throws UserSigException {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            switch (c) {
                case '*' -> chars[i] = '+';
                case '-' -> chars[i] = '/';
                case '_' -> chars[i] = '=';
                default -> {
                    boolean alphanumeric = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                    if (!alphanumeric) {
                        throw new UserSigException(UserSigError.MALFORMED_BASE64,
                                "character " + describe(c) + " at position " + i
                                        + " is outside the UserSig alphabet (A-Z a-z 0-9 * - _)");
                    }
                }
            }
        }
        if (chars.length % 4 != 0) {
            // Every official signer pads (with '_'); a length that is not a multiple of 4 is a cut-off UserSig.
            throw new UserSigException(UserSigError.MALFORMED_BASE64,
                    "its length " + chars.length + " is not a multiple of 4: it looks cut off");
        }
        try {
            return Base64.getDecoder().decode(new String(chars));
        } catch (IllegalArgumentException e) {
            throw new UserSigException(UserSigError.MALFORMED_BASE64, e.getMessage(), e);
        }
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static byte[] inflate(byte[] compressed) throws UserSigException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[MAX_JSON_BYTES + 1];
            int length = 0;
            // Bounded: each pass either fills more of `out`, finishes, or is detected as stuck.
            while (!inflater.finished() && length < out.length) {
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new UserSigException(UserSigError.BAD_COMPRESSION, "the zlib stream is truncated");
                }
                length += n;
            }
            if (length > MAX_JSON_BYTES) {
                throw new UserSigException(UserSigError.BAD_COMPRESSION,
                        "it inflates to more than " + MAX_JSON_BYTES + " bytes");
            }
            if (inflater.getRemaining() > 0) {
                throw new UserSigException(UserSigError.BAD_COMPRESSION,
                        inflater.getRemaining() + " bytes follow the end of the zlib stream");
            }
            byte[] json = new byte[length];
            System.arraycopy(out, 0, json, 0, length);
            return json;
        } catch (DataFormatException e) {
            throw new UserSigException(UserSigError.BAD_COMPRESSION, e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static UserSigFields parse(byte[] jsonBytes) throws UserSigException {
        JsonNode root;
        try {
            root = JSON.readTree(jsonBytes);
        } catch (java.io.IOException e) {
            throw new UserSigException(UserSigError.BAD_JSON, firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserSigException(UserSigError.BAD_JSON, "the content is not a JSON object");
        }
        String version = string(root, VER);
        if (!UserSigFields.VERSION.equals(version)) {
            throw new UserSigException(UserSigError.UNSUPPORTED_VERSION,
                    "TLS.ver is '" + version + "', only '2.0' is supported");
        }
        String identifier = string(root, IDENTIFIER);
        long sdkAppIdNumber = number(root, SDKAPPID);
        long time = number(root, TIME);
        long expire = number(root, EXPIRE);
        String sig = string(root, SIG);
        Optional<String> userbuf = root.has(USERBUF) ? Optional.of(string(root, USERBUF)) : Optional.empty();
        return new UserSigFields(version, identifier, sdkAppId(sdkAppIdNumber), time, expire, sig, userbuf);
    }

    /**
     * The typed id of a well-formed {@code TLS.sdkappid}. One no app can have (0, or beyond 32 bits) was issued for
     * no app of this server, so it is refused as the verifier refuses a UserSig of another app; checked after the
     * other fields, so that a malformed UserSig is still reported as malformed.
     */
    private static SdkAppId sdkAppId(long number) throws UserSigException {
        if (number < 1 || number > SdkAppId.MAX) {
            throw new UserSigException(UserSigError.SDKAPPID_MISMATCH, "it was issued for SDKAppID " + number
                    + ", which no app can have (1.." + SdkAppId.MAX + ")");
        }
        return new SdkAppId(number);
    }

    private static String string(JsonNode root, String name) throws UserSigException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new UserSigException(UserSigError.MISSING_FIELD, name + " is missing");
        }
        if (!node.isTextual()) {
            throw new UserSigException(UserSigError.BAD_JSON, name + " must be a string");
        }
        return node.textValue();
    }

    /** Integers as the official libraries write them; a decimal string is also taken, as some older signers did. */
    private static long number(JsonNode root, String name) throws UserSigException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new UserSigException(UserSigError.MISSING_FIELD, name + " is missing");
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isTextual() && node.textValue().matches("[0-9]{1,15}")) {
            value = Long.parseLong(node.textValue());
        } else {
            throw new UserSigException(UserSigError.BAD_JSON, name + " must be a whole number");
        }
        if (value < 0 || value > MAX_SECONDS) {
            throw new UserSigException(UserSigError.BAD_JSON, name + " is out of range: " + value);
        }
        return value;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
