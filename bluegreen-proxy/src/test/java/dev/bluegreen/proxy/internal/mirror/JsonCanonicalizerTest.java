package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonCanonicalizerTest {

    private final JsonCanonicalizer canonicalizer = new JsonCanonicalizer(Set.of("requestId", "at"));

    @Test
    void membersAreSorted_whiteSpaceDropped_andIgnoredMembersLeftOutAtAnyDepth() {
        assertThat(canonicalizer.canonical(" { \"b\" : [1, {\"at\": 5, \"z\": true}], \"a\":\"x\", \"requestId\":7 } "))
                .isEqualTo("{\"a\":\"x\",\"b\":[1,{\"z\":true}]}");
    }

    @Test
    void twoSpellingsOfOneDocument_haveOneCanonicalForm() {
        String one = "{\"id\":1,\"name\":\"n\",\"requestId\":\"r-1\"}";
        String other = "{\"requestId\":\"r-2\",\n  \"name\": \"n\",\n  \"id\": 1\n}";

        assertThat(canonicalizer.canonical(one)).isEqualTo(canonicalizer.canonical(other)).isNotNull();
    }

    @Test
    void stringsAndNumbersAreKeptAsWritten_escapesIncluded() {
        assertThat(canonicalizer.canonical("[\"a\\\"b\\u0041\", -1.5e3, null, false]"))
                .isEqualTo("[\"a\\\"b\\u0041\",-1.5e3,null,false]");
    }

    @Test
    void anEscapedMemberName_isMatchedByItsValue() {
        assertThat(canonicalizer.canonical("{\"\\u0061t\":1,\"b\":2}")).isEqualTo("{\"b\":2}");
    }

    @Test
    void notJson_givesNull() {
        assertThat(canonicalizer.canonical("{\"a\":1")).isNull();
        assertThat(canonicalizer.canonical("{\"a\":1} trailing")).isNull();
        assertThat(canonicalizer.canonical("hello")).isNull();
        assertThat(canonicalizer.canonical("")).isNull();
        assertThat(canonicalizer.canonical("{\"\\uZZZZ\":1}")).isNull();
        assertThat(canonicalizer.canonical("[tru]")).isNull();
    }

    @Test
    void nestingDeeperThanTheLimit_isNotJson_andTheLimitItselfIs() {
        String deepest = "[".repeat(JsonCanonicalizer.MAX_DEPTH + 1) + "]".repeat(JsonCanonicalizer.MAX_DEPTH + 1);
        String tooDeep = "[".repeat(JsonCanonicalizer.MAX_DEPTH + 2) + "]".repeat(JsonCanonicalizer.MAX_DEPTH + 2);

        assertThat(canonicalizer.canonical(deepest)).isEqualTo(deepest);
        assertThat(canonicalizer.canonical(tooDeep)).isNull();
    }
}
