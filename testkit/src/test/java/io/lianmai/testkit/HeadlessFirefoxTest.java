package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** How {@link HeadlessFirefox#script} turns WebDriver BiDi's serialized remote values into plain JSON. */
class HeadlessFirefoxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void primitivesBecomeTheirJsonValues() throws Exception {
        assertThat(decode("{\"type\":\"string\",\"value\":\"hi\"}").asText()).isEqualTo("hi");
        assertThat(decode("{\"type\":\"number\",\"value\":42}").asLong()).isEqualTo(42);
        assertThat(decode("{\"type\":\"number\",\"value\":\"NaN\"}").asText()).isEqualTo("NaN");
        assertThat(decode("{\"type\":\"boolean\",\"value\":true}").asBoolean()).isTrue();
        assertThat(decode("{\"type\":\"bigint\",\"value\":\"12345678901234567890\"}").asText())
                .isEqualTo("12345678901234567890");
        assertThat(decode("{\"type\":\"undefined\"}").isNull()).isTrue();
        assertThat(decode("{\"type\":\"null\"}").isNull()).isTrue();
    }

    @Test
    void arraysAndObjectsAreDecodedDeep() throws Exception {
        JsonNode value = decode("{\"type\":\"object\",\"value\":[[\"frames\",{\"type\":\"number\",\"value\":30}],"
                + "[\"log\",{\"type\":\"array\",\"value\":[{\"type\":\"string\",\"value\":\"connected\"}]}]]}");

        assertThat(value.path("frames").asInt()).isEqualTo(30);
        assertThat(value.path("log").path(0).asText()).isEqualTo("connected");
    }

    @Test
    void whatHasNoJsonFormIsNamedByItsType() throws Exception {
        assertThat(decode("{\"type\":\"node\",\"sharedId\":\"x\"}").asText()).isEqualTo("node");
        assertThat(decode("{\"type\":\"object\"}").asText()).as("an object deeper than serialized").isEqualTo("object");
    }

    private static JsonNode decode(String remoteValue) throws Exception {
        return HeadlessFirefox.decode(JSON.readTree(remoteValue));
    }
}
