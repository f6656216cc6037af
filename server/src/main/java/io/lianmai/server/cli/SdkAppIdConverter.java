package io.lianmai.server.cli;

import io.lianmai.common.SdkAppId;
import picocli.CommandLine;

/**
 * Reads {@code --sdkappid} into the typed id where the command line is parsed, so that every command refuses a bad
 * value alike, with {@link SdkAppId#parse}'s message, as a usage error.
 */
public final class SdkAppIdConverter implements CommandLine.ITypeConverter<SdkAppId> {

    @Override
    public SdkAppId convert(String value) {
        try {
            return SdkAppId.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
