package io.lianmai.room;

import java.util.List;

/**
 * The result of entering or resuming: the member and the others already in the room.
 *
 * @param member the member, for later calls
 * @param others everyone else in the room, at the moment of entering
 */
public record Entered(Member member, List<MemberInfo> others) {
    public Entered {
        others = List.copyOf(others);
    }
}
