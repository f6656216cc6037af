package io.lianmai.room;

import io.lianmai.common.UserId;
import java.util.Optional;

/**
 * A snapshot of one member as others see it (the protocol's {@code Member}).
 *
 * @param userId the member's userID
 * @param role its role
 * @param main its main stream, when published
 * @param aux its aux stream (video only), when published
 */
public record MemberInfo(UserId userId, Role role, Optional<StreamState> main, Optional<StreamState> aux) {
}
