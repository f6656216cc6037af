package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Any string either becomes a clean stored name or is refused with IllegalArgumentException, never anything else. */
class AppNamePropertyTest {

    @Property
    void everyNameIsAcceptedCleanOrRefused(@ForAll String name) {
        String stored;
        try {
            stored = JdbcAppStore.validName(name);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).startsWith("app name must");
            return;
        }
        assertThat(stored).isEqualTo(name.strip()).isNotBlank();
        assertThat(stored.length()).isLessThanOrEqualTo(JdbcAppStore.MAX_NAME_LENGTH);
        assertThat(stored.chars().noneMatch(Character::isISOControl)).isTrue();
    }
}
