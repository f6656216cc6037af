package io.lianmai.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, with a fake camera (moving pattern at 30 fps) and microphone (beep), driven by
 * Selenium through Debian's chromedriver; never downloads anything. One browser per instance, with a fresh profile.
 */
public final class HeadlessChromium implements AutoCloseable {
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser; skips the test (fails under CI) when Chromium or chromedriver is not installed. */
    public static HeadlessChromium start() {
        return start(new String[0]);
    }

    /**
     * Starts a browser whose fake microphone plays {@code wav} in a loop (Chromium's
     * {@code --use-file-for-fake-audio-capture}) instead of its beep, so a test knows what sound was sent; see
     * {@link ToneDetector#writeWav}.
     */
    public static HeadlessChromium startWithMicrophone(Path wav) {
        return start("--use-file-for-fake-audio-capture=" + wav.toAbsolutePath());
    }

    private static HeadlessChromium start(String... extraArguments) {
        Path chromium = ExternalTools.require("Chromium (Debian package chromium)", "/usr/bin/chromium",
                "/usr/bin/chromium-browser");
        Path chromedriver = ExternalTools.require("chromedriver (Debian package chromium-driver)",
                "/usr/bin/chromedriver");
        Path profile;
        try {
            profile = Files.createTempDirectory("lianmai-chromium-");
        } catch (IOException e) {
            throw new AssertionError("cannot create a Chromium profile directory", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream=fps=30",
                "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    /**
     * Runs {@code javascript} in every page this browser opens from now on, before the page's own scripts (Chrome
     * DevTools Protocol {@code Page.addScriptToEvaluateOnNewDocument}): tests observe browser APIs (peer
     * connections, sockets) from there instead of reaching into the code under test.
     */
    public void onEveryPage(String javascript) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source", javascript));
    }

    /** Opens a page and waits for it to load. */
    public void open(String url) {
        driver.get(url);
    }

    /** Runs JavaScript in the page; a returned Promise is awaited (Selenium's async script). */
    public Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    /** Runs an async script: the last argument is the callback to call with the result. */
    public Object asyncScript(String javascript, Object... args) {
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return ((JavascriptExecutor) driver).executeAsyncScript(javascript, args);
    }

    /** Polls {@code condition} until true or the deadline; fails with {@code what} and the page's log. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + " not reached in " + timeout + "; page log: " + pageLog());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Whatever the page collected in {@code window.__log} (test pages push their events there). */
    public Object pageLog() {
        try {
            return script("return window.__log || []");
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // A leftover temp profile is harmless.
            }
        }
    }
}
