package io.lianmai.auth;

import java.util.Optional;

/**
 * A UserSig that passed every check: right app, right user, genuine signature, not expired.
 *
 * @param fields its decoded fields
 * @param privateMapKey its privilege buffer when it is a PrivateMapKey (it carried {@code TLS.userbuf})
 */
public record VerifiedUserSig(UserSigFields fields, Optional<PrivateMapKey> privateMapKey) {
}
