package io.lianmai.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps passwords out of everything the store shows: JDBC URLs, error messages, toString. */
final class Redaction {

    static final String MASK = "****";

    /** {@code password=…}, {@code sslpassword=…}, H2's {@code PASSWORD=…}: up to the next parameter separator. */
    private static final Pattern URL_PASSWORD_PARAMETER =
            Pattern.compile("(?i)([a-z_]*password=)([^&;]*)");

    /** {@code //user:password@host}: drivers differ on whether they accept it, so mask it wherever it appears. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/@:;?]*:)([^/@;?]*)@");

    private Redaction() {
    }

    /** The URL with every password it carries replaced by {@link #MASK}. */
    static String url(String jdbcUrl) {
        String masked = URL_PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1" + MASK);
        return URL_USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /** The passwords a URL carries, so that they can also be scrubbed from driver messages that echo them. */
    static List<String> passwordsIn(String jdbcUrl) {
        List<String> found = new ArrayList<>();
        for (Pattern pattern : List.of(URL_PASSWORD_PARAMETER, URL_USER_INFO)) {
            Matcher matcher = pattern.matcher(jdbcUrl);
            while (matcher.find()) {
                if (!matcher.group(2).isEmpty()) {
                    found.add(matcher.group(2));
                }
            }
        }
        return found;
    }

    /** The text with every occurrence of every secret replaced by {@link #MASK}. */
    static String scrub(String text, Collection<String> secrets) {
        String scrubbed = text;
        for (String secret : secrets) {
            scrubbed = scrubbed.replace(secret, MASK);
        }
        return scrubbed;
    }

    /** Whether any message in the throwable's cause chain (or suppressed list) shows one of the secrets. */
    static boolean leaks(Throwable thrown, Collection<String> secrets) {
        if (secrets.isEmpty()) {
            return false;
        }
        for (Throwable each = thrown; each != null; each = each.getCause()) {
            String message = String.valueOf(each.getMessage()) + " " + each;
            for (String secret : secrets) {
                if (message.contains(secret)) {
                    return true;
                }
            }
            for (Throwable suppressed : each.getSuppressed()) {
                if (leaks(suppressed, secrets)) {
                    return true;
                }
            }
            if (each.getCause() == each) {
                break;
            }
        }
        return false;
    }
}
