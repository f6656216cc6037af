package io.lianmai.server.cli;

import io.lianmai.server.config.ConfigKey;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.server.config.LianmaiConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Flags shared by every command that reads the configuration (file, overrides, data directory, database). */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (YAML). Default: $LIANMAI_CONFIG, else ./lianmai.yaml if present.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override any configuration key, e.g. --set http.port=8080 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Same as --set data.dir=DIR.")
    String dataDir;

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "Same as --set store.jdbcUrl=URL.")
    String jdbcUrl;

    /** Resolves the configuration, with {@code extra} flag overrides from the command itself. */
    LianmaiConfig load(CliContext context, Map<ConfigKey, String> extra) {
        Map<String, String> flags = new LinkedHashMap<>(overrides);
        if (dataDir != null) {
            flags.put(ConfigKey.DATA_DIR.key(), dataDir);
        }
        if (jdbcUrl != null) {
            flags.put(ConfigKey.STORE_JDBC_URL.key(), jdbcUrl);
        }
        extra.forEach((key, value) -> flags.put(key.key(), value));
        return new ConfigLoader(context.environment(), context.workingDirectory())
                .load(Optional.ofNullable(configFile), flags);
    }
}
