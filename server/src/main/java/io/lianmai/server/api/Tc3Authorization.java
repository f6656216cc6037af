package io.lianmai.server.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Authorization} header of a TC3-HMAC-SHA256 request:
 *
 * <pre>
 * TC3-HMAC-SHA256 Credential=AKID…/2019-07-22/trtc/tc3_request, SignedHeaders=content-type;host, Signature=5da7…
 * </pre>
 *
 * Parsed through {@link #parse} only, which checks every part's shape before anything is looked up.
 *
 * @param secretId the credential's SecretId
 * @param date the scope's date, {@code yyyy-MM-dd} (UTC)
 * @param service the scope's service: what the client derived from the endpoint's first host label
 * @param signedHeaders lowercase header names, as listed
 * @param signature 64 lowercase hex digits
 */
public record Tc3Authorization(String secretId, String date, String service, List<String> signedHeaders,
        String signature) {
    /** More signed headers than any SDK sends (two) or a hand-written signer would. */
    static final int MAX_SIGNED_HEADERS = 16;
    private static final int MAX_PART_LENGTH = 128;

    public Tc3Authorization {
        signedHeaders = List.copyOf(signedHeaders);
    }

    /**
     * Parses the header.
     *
     * @throws RestApiException {@code AuthFailure.InvalidAuthorization} saying what is wrong
     */
    public static Tc3Authorization parse(String header) {
        if (header == null || header.isBlank()) {
            throw invalid("the Authorization header is missing");
        }
        String prefix = Tc3Signature.ALGORITHM + " ";
        if (!header.startsWith(prefix)) {
            throw invalid("the Authorization header must start with " + prefix.trim());
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : header.substring(prefix.length()).split(",", 4)) {
            String trimmed = part.trim();
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                throw invalid("the Authorization header must hold Credential=, SignedHeaders= and Signature=");
            }
            String value = trimmed.substring(eq + 1);
            switch (trimmed.substring(0, eq)) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> throw invalid("the Authorization header must hold Credential=, SignedHeaders= and "
                        + "Signature= only");
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw invalid("the Authorization header must hold Credential=, SignedHeaders= and Signature=");
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 4 || !scope[3].equals(Tc3Signature.TERMINATOR) || scope[0].isEmpty()
                || scope[0].length() > MAX_PART_LENGTH) {
            throw invalid("Credential must be SecretId/Date/Service/tc3_request");
        }
        if (!scope[1].matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            throw invalid("the Credential's date must be yyyy-MM-dd");
        }
        if (!scope[2].matches("[a-z0-9-]{1,64}")) {
            throw invalid("the Credential's service must be lowercase letters, digits or '-'");
        }
        List<String> names = new ArrayList<>();
        for (String name : signedHeaders.split(";", -1)) {
            if (!name.matches("[a-z0-9-]{1,64}") || names.contains(name)) {
                throw invalid("SignedHeaders must be distinct lowercase header names separated by ';'");
            }
            names.add(name);
        }
        if (names.size() > MAX_SIGNED_HEADERS) {
            throw invalid("SignedHeaders lists more than " + MAX_SIGNED_HEADERS + " headers");
        }
        if (!names.contains("content-type") || !names.contains("host")) {
            throw invalid("SignedHeaders must include content-type and host");
        }
        if (!signature.matches("[0-9a-f]{64}")) {
            throw invalid("Signature must be 64 lowercase hex digits");
        }
        return new Tc3Authorization(scope[0], scope[1], scope[2], names, signature);
    }

    private static RestApiException invalid(String message) {
        return new RestApiException(RestApiException.AUTH_INVALID_AUTHORIZATION, message);
    }
}
