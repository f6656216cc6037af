package io.lianmai.server.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command needs from the process around it, passed in so tests can run commands in-process.
 *
 * @param environment environment variables (configuration overrides)
 * @param workingDirectory where relative paths resolve
 * @param clock time source for signing, verifying and created-at stamps
 */
public record CliContext(Map<String, String> environment, Path workingDirectory, Clock clock) {
}
