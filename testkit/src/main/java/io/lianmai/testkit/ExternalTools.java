package io.lianmai.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the system tools end-to-end tests drive (Chromium, chromedriver, ffmpeg) and decides what a test does when
 * one is missing: on a developer machine it is skipped, loudly; under CI ({@code CI} set) it fails, because CI
 * installs every tool and a silent skip there would hide a broken install.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** The first of {@code candidates} that exists and is executable, else skip or fail as described above. */
    public static Path require(String what, String... candidates) {
        Optional<Path> found = find(candidates);
        if (found.isPresent()) {
            return found.get();
        }
        unavailable(what + " is not installed (looked for " + String.join(", ", candidates) + ")");
        throw new AssertionError("unreachable");
    }

    /** The first of {@code candidates} that exists and is executable. */
    public static Optional<Path> find(String... candidates) {
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /** Skips the current test with a loud message, or fails it under CI. */
    public static void unavailable(String why) {
        String message = "SKIPPED: " + why;
        if (isCi()) {
            throw new AssertionError(why + " — CI must install it (see .ci/run)");
        }
        System.err.println(message);
        Assumptions.abort(message);
    }

    /** Whether the tests run under CI, where nothing may be skipped for a missing tool. */
    public static boolean isCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }
}
