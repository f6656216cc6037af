package io.lianmai.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class UserIdTest {
    @Test
    void trtcsSafeSetIsAccepted() {
        assertThat(UserId.parse("alice").value()).isEqualTo("alice");
        assertThat(UserId.parse("a.b-c_d@e.com").toString()).isEqualTo("a.b-c_d@e.com");
        assertThat(UserId.parse("x".repeat(32)).value()).hasSize(32);
    }

    @Test
    void garbageIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> UserId.parse(null)).hasMessage("userID is missing");
        assertThatThrownBy(() -> UserId.parse("")).hasMessage("userID is empty");
        assertThatThrownBy(() -> UserId.parse("x".repeat(33))).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> UserId.parse("alice bob")).hasMessageContaining("U+0020 at position 6");
        assertThatThrownBy(() -> UserId.parse("a/b")).hasMessageContaining("'/' at position 2");
        assertThatThrownBy(() -> UserId.parse("张三")).hasMessageContaining("U+5F20 at position 1");
        assertThatThrownBy(() -> UserId.parse("al\nice")).hasMessageContaining("U+000A");
    }

    @Property
    void validIdsRoundTrip(@ForAll @StringLength(min = 1, max = 32) @CharRange(from = 'a', to = 'z')
            @CharRange(from = '0', to = '9') @Chars({'_', '-', '.', '@'}) String text) {
        assertThat(UserId.isValid(text)).isTrue();
        assertThat(UserId.parse(text).toString()).isEqualTo(text);
    }

    @Property
    void garbageNeverParsesSilently(@ForAll @StringLength(max = 40) String text) {
        boolean valid = !text.isEmpty() && text.length() <= UserId.MAX_LENGTH
                && text.chars().allMatch(c -> UserId.isUserIdChar((char) c));
        assertThat(UserId.isValid(text)).isEqualTo(valid);
        if (valid) {
            assertThat(UserId.parse(text).value()).isEqualTo(text);
        } else {
            assertThatThrownBy(() -> UserId.parse(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("userID ");
        }
    }

    @Property
    void aValidIdHoldsNoSeparatorOfStreamKeysOrUrls(@ForAll @StringLength(max = 40) String text) {
        if (UserId.isValid(text)) {
            assertThat(text).doesNotContain("/", "?", "&", "#", "%", " ", "\"", "'", "\\");
        }
    }
}
