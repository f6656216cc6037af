package io.lianmai.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PrivilegesTest {

    @Test
    void bitsFollowTrtcNumbering() {
        assertThat(Privilege.CREATE_ROOM.bit()).isEqualTo(1);
        assertThat(Privilege.ENTER_ROOM.bit()).isEqualTo(2);
        assertThat(Privilege.SEND_AUDIO.bit()).isEqualTo(4);
        assertThat(Privilege.RECV_AUDIO.bit()).isEqualTo(8);
        assertThat(Privilege.SEND_VIDEO.bit()).isEqualTo(16);
        assertThat(Privilege.RECV_VIDEO.bit()).isEqualTo(32);
        assertThat(Privilege.SEND_AUX_VIDEO.bit()).isEqualTo(64);
        assertThat(Privilege.RECV_AUX_VIDEO.bit()).isEqualTo(128);
        assertThat(Privileges.all().bits()).isEqualTo(255);
    }

    @Test
    void parsesNumbersHexAndNames() {
        assertThat(Privileges.parse("255")).isEqualTo(Privileges.all());
        assertThat(Privileges.parse("0x2a").bits()).isEqualTo(42);
        assertThat(Privileges.parse("enter_room, recv-audio,RECV_VIDEO").granted())
                .containsExactly(Privilege.ENTER_ROOM, Privilege.RECV_AUDIO, Privilege.RECV_VIDEO);
        assertThat(Privileges.parse("0")).isEqualTo(Privileges.none());
    }

    @Test
    void rejectsWhatItCannotRead() {
        assertThatThrownBy(() -> Privileges.parse("256")).hasMessageContaining("0..255");
        assertThatThrownBy(() -> Privileges.parse("0xzz")).hasMessageContaining("0..255");
        assertThatThrownBy(() -> Privileges.parse("enter_room,fly")).hasMessageContaining("unknown privilege 'fly'");
        assertThatThrownBy(() -> Privileges.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Privileges.parse("-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void textFormRoundTrips(@ForAll @IntRange(min = 0, max = 255) int bits) {
        Privileges privileges = Privileges.ofBits(bits);

        Privileges reparsed = bits == 0 ? Privileges.parse("0") : Privileges.parse(privileges.toString());

        assertThat(reparsed).isEqualTo(privileges);
    }
}
